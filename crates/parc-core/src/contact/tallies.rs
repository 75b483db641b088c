//! The running totals of contacts per day, salesperson, kind and whether the customer had
//! bought from us (`contact_tally`) and per role met (`contact_role_tally`, whose rows are
//! `customer/store/role_tally.rs`'s), kept in step by every write of a contact, so the contact
//! reports read a few hundred rows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::contact::ContactData;
use crate::customer::store::role_tally::{self, RoleDelta};
use crate::funnel::rows::bought::Bought;
use crate::ground::error::Result;
use crate::storage::exec::{Exec, Val};

/// What the tallies count of a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContactFacts {
    pub customer_id: i64,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub user_id: Option<i64>,
    pub kind: String,
    pub minutes: i64,
    pub person_ids: Vec<i64>,
}

impl ContactFacts {
    pub fn of(customer_id: i64, d: &ContactData) -> ContactFacts {
        ContactFacts {
            customer_id,
            day: d.happened_at.get(..10).unwrap_or_default().to_string(),
            user_id: d.user_id,
            kind: d.kind.clone(),
            minutes: d.duration_min,
            person_ids: d.person_ids.clone(),
        }
    }
}

type KindKey = (String, i64, String, bool);

/// Changes to the tallies, summed per row before they are written, in key order (two
/// PostgreSQL writers lock the rows in the same order).
#[derive(Default)]
struct TallyDelta {
    kinds: BTreeMap<KindKey, (i64, i64)>,
    roles: RoleDelta,
}

impl TallyDelta {
    fn apply(self, x: &mut dyn Exec) -> Result<()> {
        for ((day, user, kind, existing), (contacts, minutes)) in self.kinds {
            if contacts == 0 && minutes == 0 {
                continue;
            }
            let args: Vec<Val> =
                vec![day.into(), user.into(), kind.into(), existing.into(), contacts.into(), minutes.into()];
            x.run(
                "INSERT INTO contact_tally (day, user_id, kind, existing, contacts, minutes)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (day, user_id, kind, existing) DO UPDATE SET
                 contacts = contact_tally.contacts + excluded.contacts,
                 minutes = contact_tally.minutes + excluded.minutes",
                &args,
            )?;
            if contacts < 0 || minutes < 0 {
                settle(x, &args[..4])?;
            }
        }
        self.roles.apply(x)
    }
}

/// After taking contacts out of a row: a contact corrected after its customer's standing
/// changed (a deal won since, our vehicles entered since) was counted in the other row of its
/// day, user and kind; what went below zero here is taken from there, and an empty row goes.
fn settle(x: &mut dyn Exec, key: &[Val]) -> Result<()> {
    const ROW: &str = "SELECT contacts, minutes FROM contact_tally WHERE day = $1 AND user_id = $2 AND kind = $3
                       AND existing = $4";
    let Some(r) = x.row(ROW, key)? else { return Ok(()) };
    let (contacts, minutes) = (r.int(0)?, r.int(1)?);
    if contacts < 0 || minutes < 0 {
        let other = !matches!(key[3], Val::Bool(true));
        let (c, m) = (contacts.min(0), minutes.min(0));
        x.run(
            "UPDATE contact_tally SET contacts = contacts + $5, minutes = minutes + $6
             WHERE day = $1 AND user_id = $2 AND kind = $3 AND existing = $4",
            &[key[0].clone(), key[1].clone(), key[2].clone(), other.into(), c.into(), m.into()],
        )?;
        x.run(
            "UPDATE contact_tally SET contacts = contacts - $5, minutes = minutes - $6
             WHERE day = $1 AND user_id = $2 AND kind = $3 AND existing = $4",
            &[key[0].clone(), key[1].clone(), key[2].clone(), key[3].clone(), c.into(), m.into()],
        )?;
    }
    x.run(
        "DELETE FROM contact_tally WHERE day = $1 AND user_id = $2 AND kind = $3 AND contacts <= 0 AND minutes <= 0",
        &key[..3],
    )?;
    Ok(())
}

/// Counts contacts into the tallies (`sign` 1) or takes them out (-1), with the customer's
/// standing on each contact's day and the roles of its people as they are now.
pub(crate) fn tally_contacts(x: &mut dyn Exec, facts: &[ContactFacts], sign: i64) -> Result<()> {
    if facts.is_empty() {
        return Ok(());
    }
    let bought = Bought::read(x)?;
    let mut since: HashMap<i64, Option<String>> = HashMap::new();
    let mut roles: HashMap<i64, String> = HashMap::new();
    let mut delta = TallyDelta::default();
    for f in facts {
        let s = match since.get(&f.customer_id) {
            Some(s) => s.clone(),
            None => {
                let s = bought.since(x, f.customer_id)?;
                since.insert(f.customer_id, s.clone());
                s
            }
        };
        let existing = s.is_some_and(|s| s.as_str() < f.day.as_str());
        let user = f.user_id.unwrap_or(0);
        let e = delta.kinds.entry((f.day.clone(), user, f.kind.clone(), existing)).or_default();
        e.0 += sign;
        e.1 += sign * f.minutes;
        let mut met = BTreeSet::new();
        for p in &f.person_ids {
            met.insert(role_tally::person_role(x, &mut roles, *p)?);
        }
        if met.is_empty() {
            met.insert(String::new());
        }
        delta.roles.add_roles(&f.day, user, &met, f.minutes, sign);
    }
    delta.apply(x)
}

/// One tally row, for copying a store: `(table, day, user, key, existing, contacts, minutes)`.
pub(crate) type TallyRow = (String, String, i64, String, bool, i64, i64);

pub(crate) fn all_tallies(x: &mut dyn Exec) -> Result<Vec<TallyRow>> {
    let mut out = Vec::new();
    for r in x.rows(
        "SELECT day, user_id, kind, existing, contacts, minutes FROM contact_tally ORDER BY day, user_id, kind, existing",
        &[],
    )? {
        out.push(("kind".into(), r.text(0)?, r.int(1)?, r.text(2)?, r.boolean(3)?, r.int(4)?, r.int(5)?));
    }
    for r in
        x.rows("SELECT day, user_id, role, contacts, minutes FROM contact_role_tally ORDER BY day, user_id, role", &[])?
    {
        out.push(("role".into(), r.text(0)?, r.int(1)?, r.text(2)?, false, r.int(3)?, r.int(4)?));
    }
    Ok(out)
}

pub(crate) fn restore_tallies(x: &mut dyn Exec, rows: &[(String, String, i64, String, bool, i64, i64)]) -> Result<()> {
    for (table, day, user, key, existing, contacts, minutes) in rows {
        if table == "kind" {
            x.run(
                "INSERT INTO contact_tally (day, user_id, kind, existing, contacts, minutes) VALUES ($1, $2, $3, $4, $5, $6)",
                &[day.into(), (*user).into(), key.into(), (*existing).into(), (*contacts).into(), (*minutes).into()],
            )?;
        } else {
            x.run(
                "INSERT INTO contact_role_tally (day, user_id, role, contacts, minutes) VALUES ($1, $2, $3, $4, $5)",
                &[day.into(), (*user).into(), key.into(), (*contacts).into(), (*minutes).into()],
            )?;
        }
    }
    Ok(())
}
