//! The running totals of contacts per day, salesperson and decision role met
//! (`contact_role_tally`), kept in step by every write of a contact (`contact/tallies.rs`) and
//! every change of a person's role (here), so the role report reads a few hundred rows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ground::error::Result;
use crate::storage::exec::{Exec, Val};

type RoleKey = (String, i64, String);

/// Changes to the role tally, summed per row before they are written, in key order (two
/// PostgreSQL writers lock the rows in the same order).
#[derive(Default)]
pub(crate) struct RoleDelta {
    roles: BTreeMap<RoleKey, (i64, i64)>,
}

impl RoleDelta {
    pub fn add_roles(&mut self, day: &str, user: i64, roles: &BTreeSet<String>, minutes: i64, sign: i64) {
        for r in roles {
            let e = self.roles.entry((day.to_string(), user, r.clone())).or_default();
            e.0 += sign;
            e.1 += sign * minutes;
        }
    }

    pub fn apply(self, x: &mut dyn Exec) -> Result<()> {
        for ((day, user, role), (contacts, minutes)) in self.roles {
            if contacts == 0 && minutes == 0 {
                continue;
            }
            let args: Vec<Val> = vec![day.into(), user.into(), role.into(), contacts.into(), minutes.into()];
            x.run(
                "INSERT INTO contact_role_tally (day, user_id, role, contacts, minutes) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (day, user_id, role) DO UPDATE SET
                 contacts = contact_role_tally.contacts + excluded.contacts,
                 minutes = contact_role_tally.minutes + excluded.minutes",
                &args,
            )?;
            if contacts < 0 {
                x.run(
                    "DELETE FROM contact_role_tally WHERE day = $1 AND user_id = $2 AND role = $3 AND contacts = 0",
                    &args[..3],
                )?;
            }
        }
        Ok(())
    }
}

/// The decision role of person `id`, remembered in `cache`.
pub(crate) fn person_role(x: &mut dyn Exec, cache: &mut HashMap<i64, String>, id: i64) -> Result<String> {
    if let Some(r) = cache.get(&id) {
        return Ok(r.clone());
    }
    let role = x
        .row("SELECT decision_role FROM person WHERE id = $1", &[id.into()])?
        .map(|r| r.text(0))
        .transpose()?
        .unwrap_or_default();
    cache.insert(id, role.clone());
    Ok(role)
}

/// Moves the contacts of person `person_id` from role `before` to role `after` in the role
/// tally (each contact counts once per role among its people).
pub(crate) fn person_role_changed(x: &mut dyn Exec, person_id: i64, before: &str, after: &str) -> Result<()> {
    if before == after {
        return Ok(());
    }
    let contacts = x.rows(
        "SELECT k.id, k.happened_at, k.user_id, k.duration_min FROM contact k
         JOIN contact_person cp ON cp.contact_id = k.id WHERE cp.person_id = $1",
        &[person_id.into()],
    )?;
    let mut delta = RoleDelta::default();
    for k in contacts {
        let others: BTreeSet<String> = x
            .rows(
                "SELECT p.decision_role FROM contact_person cp JOIN person p ON p.id = cp.person_id
                 WHERE cp.contact_id = $1 AND cp.person_id <> $2",
                &[k.int(0)?.into(), person_id.into()],
            )?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_>>()?;
        let with = |role: &str| -> BTreeSet<String> {
            let mut s = others.clone();
            s.insert(role.to_string());
            s
        };
        let (old, new) = (with(before), with(after));
        let day = k.text(1)?.get(..10).unwrap_or_default().to_string();
        let user = k.opt_int(2)?.unwrap_or(0);
        delta.add_roles(&day, user, &old.difference(&new).cloned().collect(), k.int(3)?, -1);
        delta.add_roles(&day, user, &new.difference(&old).cloned().collect(), k.int(3)?, 1);
    }
    delta.apply(x)
}
