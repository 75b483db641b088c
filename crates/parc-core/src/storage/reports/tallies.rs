//! The running totals of contacts per day, salesperson, kind and role met, kept in step by every write of a contact and every change of a person's role, so the contact reports read a few hundred rows.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Bought;
use crate::contact::ContactData;
use crate::error::Result;
use crate::storage::exec::{Exec, Val};

// --- the contact tallies ---

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
type RoleKey = (String, i64, String);

/// Changes to the tallies, summed per row before they are written, in key order (two
/// PostgreSQL writers lock the rows in the same order).
#[derive(Default)]
struct TallyDelta {
    kinds: BTreeMap<KindKey, (i64, i64)>,
    roles: BTreeMap<RoleKey, (i64, i64)>,
}

impl TallyDelta {
    fn add_roles(&mut self, day: &str, user: i64, roles: &BTreeSet<String>, minutes: i64, sign: i64) {
        for r in roles {
            let e = self.roles.entry((day.to_string(), user, r.clone())).or_default();
            e.0 += sign;
            e.1 += sign * minutes;
        }
    }

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

fn person_role(x: &mut dyn Exec, cache: &mut HashMap<i64, String>, id: i64) -> Result<String> {
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
            met.insert(person_role(x, &mut roles, *p)?);
        }
        if met.is_empty() {
            met.insert(String::new());
        }
        delta.add_roles(&f.day, user, &met, f.minutes, sign);
    }
    delta.apply(x)
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
    let mut delta = TallyDelta::default();
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

/// A database of the schema before the reports' (customers, a person with a role and one
/// without, a deal won in 2025, our MAN of 2020 at Bianchi, three contacts), to check that
/// upgrading counts the contacts already there.
#[cfg(test)]
pub(crate) const UPGRADE_FIXTURE: &str = r#"
    INSERT INTO app_user (id, name, initials, role) VALUES (1, 'Anna', 'A', 'salesperson');
    INSERT INTO customer (id, name, sort_key, created_at, updated_at) VALUES
        (1, 'Rossi', 'rossi', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
        (2, 'Bianchi', 'bianchi', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO person (id, customer_id, name, decision_role) VALUES (1, 1, 'Mario', 'decision_maker'), (2, 2, 'Sara', '');
    INSERT INTO setting (key, value) VALUES
        ('fleet', '{"version":1,"brands":[{"name":"MAN","ours":true},{"name":"DAF","ours":false}],"categories":["tractor"],"rules":[]}');
    INSERT INTO fleet_line (customer_id, brand, category, vehicles, first_registered) VALUES
        (2, 'MAN', 'tractor', 1, 2020), (1, 'DAF', 'tractor', 4, 2019);
    INSERT INTO deal (id, customer_id, owner_id, title, value, currency, stage_id, stage_since, closed_on, created_at,
                      updated_at) VALUES
        (1, 1, 1, 'Old order', 100, 'EUR', 6, '2025-01-01T09:00:00Z', '2025-01-01', '2024-12-01T09:00:00Z',
         '2025-01-01T09:00:00Z');
    INSERT INTO contact (id, customer_id, happened_at, duration_min, user_id, kind, created_at) VALUES
        (1, 1, '2026-10-06T10:00', 60, 1, 'visit', '2026-10-06T10:00:00Z'),
        (2, 2, '2026-10-07T10:00', 10, 1, 'phone', '2026-10-07T10:00:00Z'),
        (3, 1, '2024-06-01T10:00', 5, NULL, 'email', '2024-06-01T10:00:00Z');
    INSERT INTO contact_person (contact_id, person_id) VALUES (1, 1), (2, 2);
"#;

/// After upgrading [`UPGRADE_FIXTURE`]: Anna's two contacts are with customers that had bought
/// (Rossi's deal of 2025, Bianchi's MAN of 2020), nobody's of 2024 was with a new customer;
/// the roles met are a decision maker, a person without a role and (nobody's) no one.
#[cfg(test)]
pub(crate) fn check_upgraded_tallies(store: &mut crate::Store) {
    use crate::report::Cell::{Int, Num, Text};
    use crate::report::{ReportKind, ReportQuery};
    let q = ReportQuery { from: Some("2024-01-01".into()), to: Some("2026-12-31".into()), ..Default::default() };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let t = store.report(ReportKind::Contacts, &q, today, crate::i18n::Locale::En).unwrap().table;
    let brief: Vec<_> =
        t.rows.iter().map(|r| (r[0].clone(), r[1].clone(), r[4].clone(), r[5].clone(), r[11].clone())).collect();
    let nobody = Text(crate::i18n::tr(crate::i18n::Locale::En, "report.nobody").into());
    assert_eq!(
        brief,
        [(Text("Anna".into()), Int(2), Int(0), Int(2), Num(1.2)), (nobody, Int(1), Int(1), Int(0), Num(0.1))]
    );
    let t = store.report(ReportKind::ContactRoles, &q, today, crate::i18n::Locale::En).unwrap().table;
    assert_eq!(t.rows[0][1..9], [Int(2), Int(1), Int(0), Int(0), Int(0), Int(0), Int(0), Int(1)]);
    assert_eq!(t.rows[1][8], Int(1));
}
