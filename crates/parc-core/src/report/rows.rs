//! The reports' reads: who had bought from us, a report's scope, and the groups each report
//! reads (deals opened, won, closed and lost, contacts, moves, fleet share); the contact
//! tallies, the customer pyramid and one customer's seven P's are in `reports/`. Plain
//! standard SQL both stores run, written once and run through each store's [`Exec`] like
//! `funnel/rows.rs`; each function runs inside the transaction its caller opened.

pub(crate) mod customer;
pub(crate) mod pyramid;
#[cfg(test)]
pub(crate) mod upgrade;

// Under their old path for the per-dialect contact and person writes, which engineers moving
// those tables to `Exec` are rewriting at the same time.
#[cfg(test)]
pub(crate) use upgrade::{check_upgraded_tallies, UPGRADE_FIXTURE};

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::funnel::deal::{StageKind, VehicleLine};
use crate::funnel::rows::bought::Bought;
use crate::ground::error::Result;
use crate::report::{
    ClosedGroup, ContactGroup, LostDeal, MoveGroup, OpenedGroup, Period, ReasonGroup, RoleGroup, WonDeal, WonGroup,
};
pub(crate) use crate::segment::scope::Scope;
use crate::storage::exec::{id_list, Cells, Exec, Val, IN_CHUNK};
use pyramid::customer_values;

/// The report's part of [`Bought`]: every customer's day at once.
impl Bought {
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
        let brands = self.brand_args(&mut args);
        let sql = format!(
            "SELECT customer_id, min(first_registered) FROM fleet_line
             WHERE {{scope}} AND brand IN ({brands}) AND first_registered IS NOT NULL GROUP BY customer_id"
        );
        for (customer, year) in customer_values(x, scope, "customer_id", &sql, &args)? {
            let end = year * 10_000 + 1231;
            since.entry(customer).and_modify(|s| *s = (*s).min(end)).or_insert(end);
        }
        Ok(since)
    }
}

// --- what the reports read ---

/// Whether a customer's rows count: every customer's without a scope.
pub(super) fn within(scope: Option<&Scope>, customer_id: i64) -> bool {
    scope.is_none_or(|s| s.has(customer_id))
}

/// Calls `f` on the rows of `sql` for the scope's customers. Its first column is the
/// customer; its `{scope}` takes a condition on column `customer`: one `IN (…)` list of them at
/// a time, so the query walks their rows by its index on the customer, or, for most of the
/// office, none, and the rows of others are passed over here.
pub(super) fn scoped_each(
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
/// summary's rows ([`crate::fleet::share::ShareRow`]) for them alone. Summed here, keyed by the
/// rows' own text: sorting most of the office's lines to group them in SQL costs more.
pub(crate) fn scoped_share_rows(x: &mut dyn Exec, scope: &Scope) -> Result<Vec<crate::fleet::share::ShareRow>> {
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
                    out.push(crate::fleet::share::ShareRow {
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
