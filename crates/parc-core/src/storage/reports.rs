//! The reports' rows: the running totals of contacts per day (kept in step by every write of a
//! contact and every change of a person's role), the groups each report reads, and the
//! customer pyramid's tiers, rankings and moves. Plain standard SQL both stores run, written
//! once and run through each store's [`Exec`] like `deals.rs`; each function runs inside the
//! transaction its caller opened.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::contact::ContactData;
use crate::deal::{StageKind, VehicleLine};
use crate::error::Result;
use crate::report::{
    ClosedGroup, ContactGroup, LostDeal, MoveGroup, OpenedGroup, Period, Ranking, ReasonGroup, RoleGroup, TierMove,
    WonDeal, WonGroup,
};
use crate::storage::deals;
use crate::storage::exec::{id_list, Cells, Exec, Val, IN_CHUNK};

/// The won stage of the office's process, and the brands it sells: what "had bought from us"
/// is read from.
#[derive(Debug, Clone)]
pub(crate) struct Bought {
    pub won: i64,
    pub ours: Vec<String>,
}

impl Bought {
    pub fn read(x: &mut dyn Exec) -> Result<Bought> {
        let process: crate::deal::StageSettings = deals::setting(x, "funnel.stages")?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(crate::deal::StageSettings::default_process);
        let fleet: crate::fleet::FleetSettings = deals::setting(x, crate::fleet::SETTING_KEY)?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Ok(Bought { won: process.of_kind(StageKind::Won).id, ours: fleet.our_brands() })
    }

    /// The day each customer (of the scope) first bought from us (see [`Bought::since`]) as
    /// the number `YYYYMMDD`, for every customer that did: two reads of small indexes, instead
    /// of two lookups per deal; numbers, because a report compares a hundred thousand of them.
    pub fn since_map(&self, x: &mut dyn Exec, scope: Option<&Scope>) -> Result<HashMap<i64, i64>> {
        let sql = format!(
            "SELECT customer_id, {} FROM deal WHERE {{scope}} AND stage_id = $1 AND closed_on IS NOT NULL
             GROUP BY customer_id",
            day_number("min(closed_on)")
        );
        let mut since: HashMap<i64, i64> =
            customer_values(x, scope, "customer_id", &sql, &[self.won.into()])?.into_iter().collect();
        if self.ours.is_empty() {
            return Ok(since);
        }
        let mut args: Vec<Val> = Vec::new();
        let brands: Vec<String> = self
            .ours
            .iter()
            .map(|b| {
                args.push(b.into());
                format!("${}", args.len())
            })
            .collect();
        let sql = format!(
            "SELECT customer_id, min(first_registered) FROM fleet_line
             WHERE {{scope}} AND brand IN ({}) AND first_registered IS NOT NULL GROUP BY customer_id",
            brands.join(", ")
        );
        for (customer, year) in customer_values(x, scope, "customer_id", &sql, &args)? {
            let end = year * 10_000 + 1231;
            since.entry(customer).and_modify(|s| *s = (*s).min(end)).or_insert(end);
        }
        Ok(since)
    }

    /// The day a customer first bought from us: its first deal won, or the last day of the first
    /// year of our vehicles in its fleet; it is an existing customer on the days after.
    pub fn since(&self, x: &mut dyn Exec, customer_id: i64) -> Result<Option<String>> {
        let won = x
            .row(
                "SELECT min(closed_on) FROM deal WHERE customer_id = $1 AND +stage_id = $2",
                &[customer_id.into(), self.won.into()],
            )?
            .map(|r| r.opt_text(0))
            .transpose()?
            .flatten();
        let mut since = won;
        if !self.ours.is_empty() {
            let mut args: Vec<Val> = vec![customer_id.into()];
            let brands: Vec<String> = self
                .ours
                .iter()
                .map(|b| {
                    args.push(b.into());
                    format!("${}", args.len())
                })
                .collect();
            let sql = format!(
                "SELECT min(first_registered) FROM fleet_line WHERE customer_id = $1 AND brand IN ({})",
                brands.join(", ")
            );
            if let Some(year) = x.row(&sql, &args)?.map(|r| r.opt_int(0)).transpose()?.flatten() {
                let end = format!("{year:04}-12-31");
                since = Some(match since {
                    Some(s) if s < end => s,
                    _ => end,
                });
            }
        }
        Ok(since)
    }
}

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

// --- what the reports read ---

/// The customers a report is restricted to: a segment's, as of the day the report is asked.
pub(crate) struct Scope {
    ids: Vec<i64>,
    set: HashSet<i64>,
    /// Most of the office: reading every row of the period and keeping the scope's beats
    /// looking up each customer's rows by index.
    most: bool,
}

impl Scope {
    /// `ids` among `active` customers.
    pub fn new(mut ids: Vec<i64>, active: usize) -> Scope {
        ids.sort_unstable();
        ids.dedup();
        let set = ids.iter().copied().collect();
        // Measured at 100,000 customers: lookups by customer cost 3–12 µs per customer, a
        // scan of the period a fixed 100–400 ms; they cross near a third of the customers.
        let most = ids.len() * 10 > active * 3;
        #[cfg(test)]
        let most = SCAN_ALL.with(|f| f.get()).unwrap_or(most);
        Scope { ids, set, most }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn has(&self, customer_id: i64) -> bool {
        self.set.contains(&customer_id)
    }
}

#[cfg(test)]
thread_local! {
    /// Tests take both ways of reading a scope's rows whatever its size.
    pub(crate) static SCAN_ALL: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Whether a customer's rows count: every customer's without a scope.
fn within(scope: Option<&Scope>, customer_id: i64) -> bool {
    scope.is_none_or(|s| s.has(customer_id))
}

/// Calls `f` on the rows of `sql` for the scope's customers. Its first column is the
/// customer; its `{scope}` takes a condition on column `customer`: one `IN (…)` list of them at
/// a time, so the query walks their rows by its index on the customer, or, for most of the
/// office, none, and the rows of others are passed over here.
fn scoped_each(
    x: &mut dyn Exec,
    scope: &Scope,
    customer: &str,
    sql: &str,
    args: &[Val],
    mut f: impl FnMut(&Cells) -> Result<()>,
) -> Result<()> {
    if scope.most {
        return x.each(&sql.replace("{scope}", "1 = 1"), args, &mut |r| {
            if scope.has(r.int(0)?) {
                f(r)
            } else {
                Ok(())
            }
        });
    }
    for chunk in scope.ids.chunks(IN_CHUNK) {
        x.each(&sql.replace("{scope}", &format!("{customer} IN ({})", id_list(chunk))), args, &mut f)?;
    }
    Ok(())
}

fn owner(v: Option<i64>) -> Option<i64> {
    v.filter(|o| *o != 0)
}

/// An optional owner condition on column `col`.
fn owner_filter(col: &str, owner_id: Option<i64>, args: &mut Vec<Val>) -> String {
    match owner_id {
        Some(o) => {
            args.push(o.into());
            format!(" AND {col} = ${}", args.len())
        }
        None => String::new(),
    }
}

/// SQL turning a `YYYY-MM-DD…` text expression into the number `YYYYMMDD`.
fn day_number(expr: &str) -> String {
    format!("CAST(replace(substr({expr}, 1, 10), '-', '') AS BIGINT)")
}

/// Deals opened in the period per owner, and the customers among them that had not bought
/// before the day the deal was opened (by [`Bought::since_map`]).
pub(crate) fn opened_groups(
    x: &mut dyn Exec,
    p: &Period,
    since: &HashMap<i64, i64>,
    scope: Option<&Scope>,
) -> Result<Vec<OpenedGroup>> {
    let sql = format!(
        "SELECT owner_id, customer_id, {} FROM deal WHERE created_at >= $1 AND created_at < $2",
        day_number("created_at")
    );
    let rows = x.rows(&sql, &[p.start().into(), p.after().into()])?;
    let mut deals: BTreeMap<Option<i64>, i64> = BTreeMap::new();
    let mut prospects: Vec<(Option<i64>, i64)> = Vec::new();
    for r in rows.iter() {
        if !within(scope, r.int(1)?) {
            continue;
        }
        let (owner, customer, day) = (r.opt_int(0)?, r.int(1)?, r.int(2)?);
        *deals.entry(owner).or_default() += 1;
        if since.get(&customer).is_none_or(|s| *s >= day) {
            prospects.push((owner, customer));
        }
    }
    prospects.sort_unstable();
    prospects.dedup();
    Ok(deals
        .into_iter()
        .map(|(owner_id, deals)| OpenedGroup {
            owner_id,
            deals,
            prospects: prospects.iter().filter(|(o, _)| *o == owner_id).count() as i64,
        })
        .collect())
}

/// Deals won in the period per owner, currency and whether the customer had bought before.
pub(crate) fn won_groups(
    x: &mut dyn Exec,
    p: &Period,
    won: i64,
    since: &HashMap<i64, i64>,
    scope: Option<&Scope>,
) -> Result<Vec<WonGroup>> {
    let sql = format!(
        "SELECT owner_id, currency, customer_id, {}, value FROM deal
         WHERE stage_id = $1 AND closed_on >= $2 AND closed_on <= $3",
        day_number("closed_on")
    );
    let rows = x.rows(&sql, &[won.into(), p.start().into(), p.end().into()])?;
    let mut by: BTreeMap<(Option<i64>, String, bool), (i64, i64)> = BTreeMap::new();
    for r in rows.iter() {
        if !within(scope, r.int(2)?) {
            continue;
        }
        let day = r.int(3)?;
        let existing = since.get(&r.int(2)?).is_some_and(|s| *s < day);
        count(&mut by, (r.opt_int(0)?, r.text(1)?, existing), r.int(4)?);
    }
    Ok(by
        .into_iter()
        .map(|((owner_id, currency, existing), (deals, value))| WonGroup { owner_id, currency, existing, deals, value })
        .collect())
}

/// Contacts made in the period per salesperson, kind and whether the customer had bought: from
/// the running tallies, or, for a scope, from its customers' contacts (new or existing by
/// [`Bought::since_map`] on the contact's day, as the tallies count them).
pub(crate) fn contact_groups(x: &mut dyn Exec, p: &Period, scope: Option<&Scope>) -> Result<Vec<ContactGroup>> {
    let Some(scope) = scope else {
        return x
            .rows(
                "SELECT user_id, kind, existing, CAST(sum(contacts) AS BIGINT), CAST(sum(minutes) AS BIGINT)
                 FROM contact_tally WHERE day >= $1 AND day <= $2 GROUP BY user_id, kind, existing",
                &[p.start().into(), p.end().into()],
            )?
            .iter()
            .map(|r| {
                Ok(ContactGroup {
                    user_id: owner(r.opt_int(0)?),
                    kind: r.text(1)?,
                    existing: r.boolean(2)?,
                    contacts: r.int(3)?,
                    minutes: r.int(4)?,
                })
            })
            .filter(|g| g.as_ref().map_or(true, |g| g.contacts != 0))
            .collect();
    };
    let since = Bought::read(x)?.since_map(x, Some(scope))?;
    let sql = format!(
        "SELECT customer_id, user_id, kind, {}, duration_min FROM contact
         WHERE {{scope}} AND happened_at >= $1 AND happened_at < $2",
        day_number("happened_at")
    );
    let mut by: BTreeMap<(Option<i64>, String, bool), (i64, i64)> = BTreeMap::new();
    scoped_each(x, scope, "customer_id", &sql, &[p.start().into(), p.after().into()], |r| {
        let day = r.int(3)?;
        let existing = since.get(&r.int(0)?).is_some_and(|s| *s < day);
        count(&mut by, (owner(r.opt_int(1)?), r.text(2)?, existing), r.int(4)?);
        Ok(())
    })?;
    Ok(by
        .into_iter()
        .map(|((user_id, kind, existing), (contacts, minutes))| ContactGroup {
            user_id,
            kind,
            existing,
            contacts,
            minutes,
        })
        .collect())
}

/// Contacts made in the period per salesperson and role met (once per role among a contact's
/// people; none, or a person without a role: the empty role), and per salesperson in all:
/// from the running tallies, or, for a scope, from its customers' contacts and their people's
/// roles now, as the tallies count them.
pub(crate) fn role_groups(x: &mut dyn Exec, p: &Period, scope: Option<&Scope>) -> Result<(Vec<RoleGroup>, PerOwner)> {
    let Some(scope) = scope else {
        let groups = x
            .rows(
                "SELECT user_id, role, CAST(sum(contacts) AS BIGINT) FROM contact_role_tally
                 WHERE day >= $1 AND day <= $2 GROUP BY user_id, role",
                &[p.start().into(), p.end().into()],
            )?
            .iter()
            .map(|r| Ok(RoleGroup { user_id: owner(r.opt_int(0)?), role: r.text(1)?, contacts: r.int(2)? }))
            .filter(|g| g.as_ref().map_or(true, |g| g.contacts != 0))
            .collect::<Result<_>>()?;
        let totals = per_owner(contact_groups(x, p, None)?.into_iter().map(|g| (g.user_id, g.contacts)));
        return Ok((groups, totals));
    };
    // Who made each contact, and each (contact, role) met once: a contact meets several people.
    let mut roles: Vec<String> = Vec::new();
    let mut made_by: HashMap<i64, Option<i64>> = HashMap::new();
    let mut met: HashSet<(i64, usize)> = HashSet::new();
    scoped_each(
        x,
        scope,
        "k.customer_id",
        "SELECT k.customer_id, k.id, k.user_id, p.decision_role FROM contact k
         LEFT JOIN contact_person cp ON cp.contact_id = k.id LEFT JOIN person p ON p.id = cp.person_id
         WHERE {scope} AND k.happened_at >= $1 AND k.happened_at < $2",
        &[p.start().into(), p.after().into()],
        |r| {
            // No person, or a person without a role: the empty role.
            let role = r.opt_str(3)?.unwrap_or("");
            let i = roles.iter().position(|known| known == role).unwrap_or_else(|| {
                roles.push(role.to_string());
                roles.len() - 1
            });
            made_by.insert(r.int(1)?, owner(r.opt_int(2)?));
            met.insert((r.int(1)?, i));
            Ok(())
        },
    )?;
    let mut by: BTreeMap<(Option<i64>, &str), i64> = BTreeMap::new();
    for (contact, i) in met {
        *by.entry((made_by[&contact], roles[i].as_str())).or_default() += 1;
    }
    let groups = by
        .into_iter()
        .map(|((user_id, role), contacts)| RoleGroup { user_id, role: role.to_string(), contacts })
        .collect();
    Ok((groups, per_owner(made_by.into_values().map(|u| (u, 1)))))
}

/// Deals won in the period (of an owner), with their vehicles.
pub(crate) fn won_deals(
    x: &mut dyn Exec,
    p: &Period,
    won: i64,
    owner_id: Option<i64>,
    scope: Option<&Scope>,
) -> Result<Vec<WonDeal>> {
    let mut args: Vec<Val> = vec![won.into(), p.start().into(), p.end().into()];
    let w = owner_filter("owner_id", owner_id, &mut args);
    let sql = format!(
        "SELECT owner_id, currency, value, vehicles, customer_id FROM deal
         WHERE stage_id = $1 AND closed_on >= $2 AND closed_on <= $3{w}"
    );
    let mut out = Vec::new();
    for r in x.rows(&sql, &args)? {
        if within(scope, r.int(4)?) {
            out.push(WonDeal {
                owner_id: r.opt_int(0)?,
                currency: r.text(1)?,
                value: r.int(2)?,
                vehicles: r.json::<Vec<VehicleLine>>(3)?,
            });
        }
    }
    Ok(out)
}

/// Deals won, lost or postponed in the period, per owner, outcome and currency. Summed here
/// rather than in SQL so a scope can keep its customers' deals; the index covers the rows.
pub(crate) fn closed_groups(
    x: &mut dyn Exec,
    p: &Period,
    ids: [(i64, StageKind); 3],
    scope: Option<&Scope>,
) -> Result<Vec<ClosedGroup>> {
    let args: Vec<Val> = vec![ids[0].0.into(), ids[1].0.into(), ids[2].0.into(), p.start().into(), p.end().into()];
    let rows = x.rows(
        "SELECT owner_id, stage_id, currency, value, customer_id FROM deal
         WHERE stage_id IN ($1, $2, $3) AND closed_on >= $4 AND closed_on <= $5",
        &args,
    )?;
    let mut by: BTreeMap<(Option<i64>, i64, String), (i64, i64)> = BTreeMap::new();
    for r in rows.iter() {
        if !within(scope, r.int(4)?) {
            continue;
        }
        count(&mut by, (r.opt_int(0)?, r.int(1)?, r.text(2)?), r.int(3)?);
    }
    Ok(by
        .into_iter()
        .filter_map(|((owner_id, stage, currency), (deals, value))| {
            let kind = ids.iter().find(|(id, _)| *id == stage)?.1;
            Some(ClosedGroup { owner_id, kind, currency, deals, value })
        })
        .collect())
}

/// Deals lost or postponed in the period (of an owner), per owner, outcome, reason and currency.
pub(crate) fn reason_groups(
    x: &mut dyn Exec,
    p: &Period,
    lost: i64,
    postponed: i64,
    owner_id: Option<i64>,
    scope: Option<&Scope>,
) -> Result<Vec<ReasonGroup>> {
    let mut args: Vec<Val> = vec![lost.into(), postponed.into(), p.start().into(), p.end().into()];
    let w = owner_filter("owner_id", owner_id, &mut args);
    let sql = format!(
        "SELECT owner_id, stage_id, close_reason, currency, value, customer_id FROM deal
         WHERE stage_id IN ($1, $2) AND closed_on >= $3 AND closed_on <= $4{w}"
    );
    // Owner, outcome, reason, currency: deals and value.
    type Key = (Option<i64>, i64, String, String);
    let mut by: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    for r in x.rows(&sql, &args)?.iter() {
        if !within(scope, r.int(5)?) {
            continue;
        }
        count(&mut by, (r.opt_int(0)?, r.int(1)?, r.text(2)?, r.text(3)?), r.int(4)?);
    }
    Ok(by
        .into_iter()
        .map(|((owner_id, stage, reason, currency), (deals, value))| ReasonGroup {
            owner_id,
            kind: if stage == lost { StageKind::Lost } else { StageKind::Postponed },
            reason,
            currency,
            deals,
            value,
        })
        .collect())
}

pub(crate) fn lost_deals(
    x: &mut dyn Exec,
    p: &Period,
    lost: i64,
    owner_id: Option<i64>,
    scope: Option<&Scope>,
) -> Result<Vec<LostDeal>> {
    let mut args: Vec<Val> = vec![lost.into(), p.start().into(), p.end().into()];
    let w = owner_filter("owner_id", owner_id, &mut args);
    let sql = format!(
        "SELECT owner_id, lost_to, currency, value, lost_price, lost_currency, customer_id FROM deal
         WHERE stage_id = $1 AND closed_on >= $2 AND closed_on <= $3{w}"
    );
    let mut out = Vec::new();
    for r in x.rows(&sql, &args)? {
        if within(scope, r.int(6)?) {
            out.push(LostDeal {
                owner_id: r.opt_int(0)?,
                lost_to: r.text(1)?,
                currency: r.text(2)?,
                value: r.int(3)?,
                lost_price: r.opt_int(4)?,
                lost_currency: r.text(5)?,
            });
        }
    }
    Ok(out)
}

/// Stage moves made in the period (on an owner's deals), per owner and stages: from the
/// running tally, or, for a scope, from the moves of its customers' deals.
pub(crate) fn move_groups(
    x: &mut dyn Exec,
    p: &Period,
    owner_id: Option<i64>,
    scope: Option<&Scope>,
) -> Result<Vec<MoveGroup>> {
    let Some(scope) = scope else {
        let mut args: Vec<Val> = vec![p.start().into(), p.end().into()];
        let w = owner_filter("owner_id", owner_id, &mut args);
        let sql = format!(
            "SELECT owner_id, from_stage_id, to_stage_id, CAST(sum(moves) AS BIGINT), CAST(sum(seconds) AS BIGINT)
             FROM move_tally WHERE day >= $1 AND day <= $2{w} GROUP BY owner_id, from_stage_id, to_stage_id"
        );
        return x
            .rows(&sql, &args)?
            .iter()
            .map(|r| {
                Ok(MoveGroup {
                    owner_id: owner(r.opt_int(0)?),
                    from_stage: r.int(1)?,
                    to_stage: r.int(2)?,
                    moves: r.int(3)?,
                    seconds: r.int(4)?,
                })
            })
            .filter(|g| g.as_ref().map_or(true, |g| g.moves != 0))
            .collect();
    };
    let mut args: Vec<Val> = vec![p.start().into(), p.after().into()];
    let w = owner_filter("d.owner_id", owner_id, &mut args);
    let sql = format!(
        "SELECT d.customer_id, d.owner_id, m.from_stage_id, m.to_stage_id, m.seconds_in_from FROM deal d
         JOIN deal_move m ON m.deal_id = d.id
         WHERE {{scope}} AND m.from_stage_id IS NOT NULL AND m.moved_at >= $1 AND m.moved_at < $2{w}"
    );
    let mut by: BTreeMap<(Option<i64>, i64, i64), (i64, i64)> = BTreeMap::new();
    scoped_each(x, scope, "d.customer_id", &sql, &args, |r| {
        count(&mut by, (owner(r.opt_int(1)?), r.int(2)?, r.int(3)?), r.int(4)?);
        Ok(())
    })?;
    Ok(by
        .into_iter()
        .map(|((owner_id, from_stage, to_stage), (moves, seconds))| MoveGroup {
            owner_id,
            from_stage,
            to_stage,
            moves,
            seconds,
        })
        .collect())
}

/// A count per owner (or salesperson).
pub(crate) type PerOwner = Vec<(Option<i64>, i64)>;

/// Adds one row of `amount` to `key`'s count and sum.
fn count<K: Ord>(by: &mut BTreeMap<K, (i64, i64)>, key: K, amount: i64) {
    let e = by.entry(key).or_default();
    e.0 += 1;
    e.1 += amount;
}

/// Counts per owner.
fn per_owner(pairs: impl Iterator<Item = (Option<i64>, i64)>) -> PerOwner {
    let mut by: BTreeMap<Option<i64>, i64> = BTreeMap::new();
    for (o, n) in pairs {
        *by.entry(o).or_default() += n;
    }
    by.into_iter().collect()
}

/// Deals open at some moment of the period, per owner.
pub(crate) fn deals_worked(x: &mut dyn Exec, p: &Period, scope: Option<&Scope>) -> Result<Vec<(Option<i64>, i64)>> {
    // Grouped here: grouping in SQL tempts SQLite to walk the deals by owner, visiting every row.
    let rows = x.rows(
        "SELECT owner_id, customer_id FROM deal WHERE created_at < $1 AND (closed_on IS NULL OR closed_on >= $2)",
        &[p.after().into(), p.start().into()],
    )?;
    let mut pairs = Vec::with_capacity(rows.len());
    for r in &rows {
        if within(scope, r.int(1)?) {
            pairs.push((r.opt_int(0)?, 1));
        }
    }
    Ok(per_owner(pairs.into_iter()))
}

/// Deals won in the period, per owner.
pub(crate) fn orders(x: &mut dyn Exec, p: &Period, won: i64, scope: Option<&Scope>) -> Result<Vec<(Option<i64>, i64)>> {
    let rows = x.rows(
        "SELECT owner_id, customer_id FROM deal WHERE stage_id = $1 AND closed_on >= $2 AND closed_on <= $3",
        &[won.into(), p.start().into(), p.end().into()],
    )?;
    let mut pairs = Vec::with_capacity(rows.len());
    for r in &rows {
        if within(scope, r.int(1)?) {
            pairs.push((r.opt_int(0)?, 1));
        }
    }
    Ok(per_owner(pairs.into_iter()))
}

/// Minutes of the contacts logged on the deals won in the period, per owner.
pub(crate) fn order_minutes(
    x: &mut dyn Exec,
    p: &Period,
    won: i64,
    scope: Option<&Scope>,
) -> Result<Vec<(Option<i64>, i64)>> {
    let rows = x.rows(
        "SELECT d.owner_id, d.customer_id, CAST(sum(k.duration_min) AS BIGINT) FROM deal d
         JOIN contact k ON k.deal_id = d.id
         WHERE d.stage_id = $1 AND d.closed_on >= $2 AND d.closed_on <= $3 GROUP BY d.owner_id, d.customer_id",
        &[won.into(), p.start().into(), p.end().into()],
    )?;
    let mut pairs = Vec::with_capacity(rows.len());
    for r in &rows {
        if within(scope, r.int(1)?) {
            pairs.push((r.opt_int(0)?, r.int(2)?));
        }
    }
    Ok(per_owner(pairs.into_iter()))
}

/// The entry of `key`, made if missing, without copying the key when it is there.
fn slot<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("just made")
}

/// Vehicles, weighed vehicles and tonnage by category, weight class, brand and year.
type ShareTree = HashMap<String, HashMap<String, HashMap<String, HashMap<i64, [i64; 3]>>>>;

/// Vehicles of the scope's customers per category, weight class, year and brand: the office
/// summary's rows ([`crate::share::ShareRow`]) for them alone. Summed here, keyed by the
/// rows' own text: sorting most of the office's lines to group them in SQL costs more.
pub(crate) fn scoped_share_rows(x: &mut dyn Exec, scope: &Scope) -> Result<Vec<crate::share::ShareRow>> {
    let mut tree = ShareTree::new();
    scoped_each(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, category, weight_class, COALESCE(first_registered, 0), brand, vehicles, gross_weight_kg
         FROM fleet_line WHERE {scope}",
        &[],
        |r| {
            let by_year = slot(slot(slot(&mut tree, r.str(1)?), r.str(2)?), r.str(4)?);
            let e = by_year.entry(r.int(3)?).or_default();
            let vehicles = r.int(5)?;
            e[0] += vehicles;
            if let Some(kg) = r.opt_int(6)? {
                e[1] += vehicles;
                e[2] += kg * vehicles;
            }
            Ok(())
        },
    )?;
    let mut out = Vec::new();
    for (category, classes) in tree {
        for (weight_class, brands) in classes {
            for (brand, years) in brands {
                for (year, [vehicles, weighed, tonnage_kg]) in years {
                    out.push(crate::share::ShareRow {
                        category: category.clone(),
                        weight_class: weight_class.clone(),
                        year: year as i32,
                        brand: brand.clone(),
                        vehicles,
                        weighed,
                        tonnage_kg,
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (&a.category, &a.weight_class, a.year, &a.brand).cmp(&(&b.category, &b.weight_class, b.year, &b.brand))
    });
    Ok(out)
}

// --- the customer pyramid ---

/// Every active customer.
pub(crate) fn active_customers(x: &mut dyn Exec) -> Result<Vec<i64>> {
    x.rows("SELECT id FROM customer WHERE archived_at IS NULL", &[])?.iter().map(|r| r.int(0)).collect()
}

/// A value per customer from `sql`, whose first two columns are the customer and the value
/// and whose `{scope}` takes the scope's condition on column `customer` (every customer's
/// without a scope).
fn customer_values(
    x: &mut dyn Exec,
    scope: Option<&Scope>,
    customer: &str,
    sql: &str,
    args: &[Val],
) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    let mut keep = |r: &Cells| {
        out.push((r.int(0)?, r.int(1)?));
        Ok(())
    };
    match scope {
        None => x.each(&sql.replace("{scope}", "1 = 1"), args, &mut keep)?,
        Some(s) => scoped_each(x, s, customer, sql, args, keep)?,
    }
    Ok(out)
}

/// Vehicles per customer registered by the end of `year` (or of unknown year).
pub(crate) fn fleet_sizes(x: &mut dyn Exec, year: i32, scope: Option<&Scope>) -> Result<Vec<(i64, i64)>> {
    customer_values(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, CAST(sum(vehicles) AS BIGINT) FROM fleet_line
         WHERE {scope} AND (first_registered IS NULL OR first_registered <= CAST($1 AS BIGINT)) GROUP BY customer_id",
        &[i64::from(year).into()],
    )
}

/// Value won per customer in `currency` after `after` up to `until` (days).
pub(crate) fn purchases(
    x: &mut dyn Exec,
    won: i64,
    currency: &str,
    (after, until): (&str, &str),
    scope: Option<&Scope>,
) -> Result<Vec<(i64, i64)>> {
    customer_values(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, CAST(sum(value) AS BIGINT) FROM deal
         WHERE {scope} AND stage_id = $1 AND currency = $2 AND closed_on > $3 AND closed_on <= $4 GROUP BY customer_id",
        &[won.into(), currency.into(), after.into(), until.into()],
    )
}

/// Value of the deals in `currency` open at the end of day `day`, per customer.
pub(crate) fn pipeline(
    x: &mut dyn Exec,
    currency: &str,
    (day, after): (&str, &str),
    scope: Option<&Scope>,
) -> Result<Vec<(i64, i64)>> {
    customer_values(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, CAST(sum(value) AS BIGINT) FROM deal
         WHERE {scope} AND currency = $1 AND created_at < $2 AND (closed_on IS NULL OR closed_on > $3)
         GROUP BY customer_id",
        &[currency.into(), after.into(), day.into()],
    )
}

/// Annual turnover in `currency` of active customers that gave one.
pub(crate) fn turnovers(x: &mut dyn Exec, currency: &str, scope: Option<&Scope>) -> Result<Vec<(i64, i64)>> {
    customer_values(
        x,
        scope,
        "id",
        "SELECT id, annual_turnover FROM customer
         WHERE {scope} AND archived_at IS NULL AND annual_turnover IS NOT NULL AND turnover_currency = $1",
        &[currency.into()],
    )
}

/// Each ranked customer's tier.
pub(crate) fn tiers(x: &mut dyn Exec) -> Result<HashMap<i64, String>> {
    x.rows("SELECT customer_id, tier FROM customer_tier", &[])?.iter().map(|r| Ok((r.int(0)?, r.text(1)?))).collect()
}

/// Rows per multi-row statement: well under both stores' parameter limits.
const CHUNK: usize = 400;

/// Keeps a ranking made on `day`: the new tiers of the customers whose tier changed (and their
/// moves), the removal of customers no longer ranked, and the ranking's figures.
pub(crate) fn save_ranking(
    x: &mut dyn Exec,
    day: &str,
    changed: &[(i64, String, &str)],
    removed: &[i64],
    ranking: &Ranking,
) -> Result<()> {
    for chunk in changed.chunks(CHUNK) {
        let mut args: Vec<Val> = Vec::with_capacity(chunk.len() * 3);
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, _, to) in chunk {
            args.extend([(*id).into(), (*to).into(), day.into()]);
            let n = args.len();
            rows.push(format!("(${}, ${}, ${})", n - 2, n - 1, n));
        }
        x.run(
            &format!(
                "INSERT INTO customer_tier (customer_id, tier, since) VALUES {}
                 ON CONFLICT (customer_id) DO UPDATE SET tier = excluded.tier, since = excluded.since",
                rows.join(", ")
            ),
            &args,
        )?;
        // A first ranking is no move: it has no tier to move from.
        let mut args: Vec<Val> = Vec::with_capacity(chunk.len() * 4);
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, from, to) in chunk.iter().filter(|c| !c.1.is_empty()) {
            args.extend([(*id).into(), day.into(), from.into(), (*to).into()]);
            let n = args.len();
            rows.push(format!("(${}, ${}, ${}, ${})", n - 3, n - 2, n - 1, n));
        }
        if !rows.is_empty() {
            x.run(
                &format!(
                    "INSERT INTO tier_move (customer_id, ranked_on, from_tier, to_tier) VALUES {}",
                    rows.join(", ")
                ),
                &args,
            )?;
        }
    }
    for chunk in removed.chunks(CHUNK) {
        let args: Vec<Val> = chunk.iter().map(|id| (*id).into()).collect();
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        x.run(&format!("DELETE FROM customer_tier WHERE customer_id IN ({})", marks.join(", ")), &args)?;
    }
    x.run(
        "INSERT INTO tier_ranking (ranked_on, ranking) VALUES ($1, $2)",
        &[day.into(), serde_json::to_string(ranking).expect("a ranking serialises").into()],
    )?;
    Ok(())
}

/// The latest ranking made on or before `day`.
pub(crate) fn ranking(x: &mut dyn Exec, day: &str) -> Result<Option<Ranking>> {
    Ok(x.row(
        "SELECT ranking FROM tier_ranking WHERE ranked_on <= $1 ORDER BY ranked_on DESC, id DESC LIMIT 1",
        &[day.into()],
    )?
    .map(|r| r.str(0).map(|t| serde_json::from_str(t).ok()))
    .transpose()?
    .flatten())
}

/// Whether a ranking was made from `from` on.
pub(crate) fn ranked_since(x: &mut dyn Exec, from: &str) -> Result<bool> {
    Ok(x.row("SELECT 1 FROM tier_ranking WHERE ranked_on >= $1", &[from.into()])?.is_some())
}

/// Tier moves made in the period, in time order.
pub(crate) fn tier_moves(x: &mut dyn Exec, p: &Period, scope: Option<&Scope>) -> Result<Vec<TierMove>> {
    let mut out = Vec::new();
    for r in x.rows(
        "SELECT customer_id, ranked_on, from_tier, to_tier FROM tier_move
         WHERE ranked_on >= $1 AND ranked_on <= $2 ORDER BY ranked_on, id",
        &[p.start().into(), p.end().into()],
    )? {
        if within(scope, r.int(0)?) {
            out.push(TierMove { customer_id: r.int(0)?, ranked_on: r.text(1)?, from: r.text(2)?, to: r.text(3)? });
        }
    }
    Ok(out)
}

/// Name and owner of these customers.
pub(crate) fn customer_names(x: &mut dyn Exec, ids: &[i64]) -> Result<HashMap<i64, (String, Option<i64>)>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let args: Vec<Val> = chunk.iter().map(|id| (*id).into()).collect();
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, name, owner_id FROM customer WHERE id IN ({})", marks.join(", "));
        for r in x.rows(&sql, &args)? {
            out.insert(r.int(0)?, (r.text(1)?, r.opt_int(2)?));
        }
    }
    Ok(out)
}

/// Each of the scope's customers' tier after the ranking made on `day`: its tier now if it has
/// not moved since, else the tier its first move after that day left. (A customer first
/// ranked after `day` that moved later counts in its first tier: the rankings keep no list of
/// who they ranked.)
pub(crate) fn tiers_on(x: &mut dyn Exec, day: &str, scope: &Scope) -> Result<HashMap<i64, String>> {
    let mut out: HashMap<i64, String> = HashMap::new();
    scoped_each(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, tier, since FROM customer_tier WHERE {scope}",
        &[],
        |r| {
            if r.str(2)? <= day {
                out.insert(r.int(0)?, r.text(1)?);
            }
            Ok(())
        },
    )?;
    // Latest first, so each customer's earliest move after the day is the one kept.
    for r in x.rows(
        "SELECT customer_id, from_tier FROM tier_move WHERE ranked_on > $1 ORDER BY ranked_on DESC, id DESC",
        &[day.into()],
    )? {
        if scope.has(r.int(0)?) {
            out.insert(r.int(0)?, r.text(1)?);
        }
    }
    Ok(out)
}

/// A customer's tier and since when.
pub(crate) fn customer_tier(x: &mut dyn Exec, customer_id: i64) -> Result<Option<(String, String)>> {
    x.row("SELECT tier, since FROM customer_tier WHERE customer_id = $1", &[customer_id.into()])?
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .transpose()
}

/// Everything of the pyramid, for copying a store.
pub(crate) struct PyramidRows {
    pub tiers: Vec<(i64, String, String)>,
    pub rankings: Vec<(String, String)>,
    pub moves: Vec<(i64, String, String, String)>,
}

pub(crate) fn all_pyramid(x: &mut dyn Exec) -> Result<PyramidRows> {
    Ok(PyramidRows {
        tiers: x
            .rows("SELECT customer_id, tier, since FROM customer_tier ORDER BY customer_id", &[])?
            .iter()
            .map(|r| Ok((r.int(0)?, r.text(1)?, r.text(2)?)))
            .collect::<Result<_>>()?,
        rankings: x
            .rows("SELECT ranked_on, ranking FROM tier_ranking ORDER BY id", &[])?
            .iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?)))
            .collect::<Result<_>>()?,
        moves: x
            .rows("SELECT customer_id, ranked_on, from_tier, to_tier FROM tier_move ORDER BY id", &[])?
            .iter()
            .map(|r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.text(3)?)))
            .collect::<Result<_>>()?,
    })
}

pub(crate) fn restore_pyramid(x: &mut dyn Exec, rows: &PyramidRows) -> Result<()> {
    for (id, tier, since) in &rows.tiers {
        x.run(
            "INSERT INTO customer_tier (customer_id, tier, since) VALUES ($1, $2, $3)",
            &[(*id).into(), tier.into(), since.into()],
        )?;
    }
    for (day, ranking) in &rows.rankings {
        x.run("INSERT INTO tier_ranking (ranked_on, ranking) VALUES ($1, $2)", &[day.into(), ranking.into()])?;
    }
    for (id, day, from, to) in &rows.moves {
        x.run(
            "INSERT INTO tier_move (customer_id, ranked_on, from_tier, to_tier) VALUES ($1, $2, $3, $4)",
            &[(*id).into(), day.into(), from.into(), to.into()],
        )?;
    }
    Ok(())
}

// --- one customer, for the seven P's ---

/// A customer's deal as the seven P's read it.
pub(crate) struct CustomerDeal {
    pub id: i64,
    pub stage_id: i64,
    pub currency: String,
    pub value: i64,
    pub closed_on: Option<String>,
    pub expected_close: Option<String>,
    pub origin: String,
    pub vehicles: Vec<VehicleLine>,
    pub lost_price: Option<i64>,
    pub lost_currency: String,
}

pub(crate) fn customer_deals(x: &mut dyn Exec, customer_id: i64) -> Result<Vec<CustomerDeal>> {
    x.rows(
        "SELECT id, stage_id, currency, value, closed_on, expected_close, origin, vehicles, lost_price, lost_currency
         FROM deal WHERE customer_id = $1 ORDER BY id",
        &[customer_id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(CustomerDeal {
            id: r.int(0)?,
            stage_id: r.int(1)?,
            currency: r.text(2)?,
            value: r.int(3)?,
            closed_on: r.opt_text(4)?,
            expected_close: r.opt_text(5)?,
            origin: r.text(6)?,
            vehicles: r.json(7)?,
            lost_price: r.opt_int(8)?,
            lost_currency: r.text(9)?,
        })
    })
    .collect()
}

/// A customer's first and last contact (`YYYY-MM-DDTHH:MM`).
pub(crate) fn contact_span(x: &mut dyn Exec, customer_id: i64) -> Result<(Option<String>, Option<String>)> {
    Ok(x.row("SELECT min(happened_at), max(happened_at) FROM contact WHERE customer_id = $1", &[customer_id.into()])?
        .map(|r| Ok::<_, crate::error::Error>((r.opt_text(0)?, r.opt_text(1)?)))
        .transpose()?
        .unwrap_or_default())
}

/// A customer's contacts in the period: kind and the documents sent (JSON list).
pub(crate) fn customer_contacts(x: &mut dyn Exec, customer_id: i64, p: &Period) -> Result<Vec<(String, Vec<String>)>> {
    x.rows(
        "SELECT kind, docs_sent FROM contact WHERE customer_id = $1 AND happened_at >= $2 AND happened_at < $3",
        &[customer_id.into(), p.start().into(), p.after().into()],
    )?
    .iter()
    .map(|r| Ok((r.text(0)?, r.json(1)?)))
    .collect()
}

/// A customer's open next actions: how many, and the soonest due.
pub(crate) fn open_actions(x: &mut dyn Exec, customer_id: i64) -> Result<(i64, Option<String>)> {
    Ok(x.row(
        "SELECT count(*), min(next_due) FROM contact WHERE customer_id = $1 AND next_due IS NOT NULL
         AND next_done_at IS NULL",
        &[customer_id.into()],
    )?
    .map(|r| Ok::<_, crate::error::Error>((r.int(0)?, r.opt_text(1)?)))
    .transpose()?
    .unwrap_or_default())
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
