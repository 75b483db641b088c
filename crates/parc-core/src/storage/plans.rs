//! Contact plans' part of [`Store`]: the office's plans (a versioned setting) and where the
//! customers stand against them. The rules are in `plan.rs`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use super::deals;
use super::exec::{id_list, read, write, Val, IN_CHUNK};
use super::Store;
use crate::contact::DATE_FORMAT;
use crate::error::{Error, Result};
use crate::plan::{pct, BehindPlan, Compliance, PlanSettings, PlanStatus, PLANS_KEY};

impl Store {
    /// The office's contact plans (the seeds' example until the manager changes them).
    pub fn plan_settings(&mut self) -> Result<PlanSettings> {
        read(&mut *self.backend, |x| Ok(deals::stored::<PlanSettings>(x, PLANS_KEY)?.1))
    }

    /// Saves the plans; only the sales manager may. `settings.version` must be the one read.
    pub fn save_plan_settings(&mut self, by: Option<i64>, settings: PlanSettings) -> Result<PlanSettings> {
        self.require_manager(by)?;
        let mut settings = settings.validated()?;
        write(&mut *self.backend, |x| {
            deals::save_versioned(x, PLANS_KEY, &mut settings, |s| &mut s.version)?;
            Ok(settings)
        })
    }

    /// Where the customers (of `owner_id`, or everyone's) stand against the plans on `today`:
    /// the first `limit` customers behind and how many are, and each owner's share of customers
    /// on plan. A plan of a segment deleted since covers nobody.
    pub fn plan_status(&mut self, owner_id: Option<i64>, today: NaiveDate, limit: usize) -> Result<PlanStatus> {
        let settings = self.plan_settings()?;
        let mut scopes: Vec<Option<HashSet<i64>>> = Vec::with_capacity(settings.plans.len());
        for p in &settings.plans {
            scopes.push(match p.segment_id {
                None => None,
                Some(id) => match self.segment(id) {
                    Ok(s) => Some(self.segment_ids(s.filter, today)?.into_iter().collect()),
                    Err(Error::NotFound { .. }) => Some(HashSet::new()),
                    Err(e) => return Err(e),
                },
            });
        }
        read(&mut *self.backend, |x| {
            // Per customer: its owner, whether it is on every plan covering it, and its most
            // overdue plan when behind.
            let mut covered: BTreeMap<i64, (Option<i64>, bool)> = BTreeMap::new();
            // With the customer's sort key (its folded name): the list's order.
            let mut behind: BTreeMap<i64, (String, BehindPlan)> = BTreeMap::new();
            for (p, scope) in settings.plans.iter().zip(&scopes) {
                let mut args: Vec<Val> = vec![p.tier.clone().into()];
                // The last contact of the kind, kept per customer and kind by triggers (schema 15).
                let (last, join) = if p.kind == "any" {
                    ("c.last_contact_at", String::new())
                } else {
                    args.push(p.kind.clone().into());
                    (
                        "l.at",
                        format!(
                            " LEFT JOIN customer_last_contact l ON l.customer_id = c.id AND l.kind = ${}",
                            args.len()
                        ),
                    )
                };
                // Customers first, read from the index customer_plan alone (SQLite joins a CROSS
                // JOIN in the order written): one salesperson's, or everyone's.
                let owner = match owner_id {
                    Some(id) => {
                        args.push(id.into());
                        format!(" AND c.owner_id = ${}", args.len())
                    }
                    None => String::new(),
                };
                let rows = x.rows(
                    &format!(
                        "SELECT c.id, c.owner_id, {last}, c.sort_key
                         FROM customer c CROSS JOIN customer_tier t{join}
                         WHERE t.customer_id = c.id AND t.tier = $1 AND c.archived_at IS NULL{owner}"
                    ),
                    &args,
                )?;
                // On plan: a contact of the kind after this day.
                let since = today - Duration::days(p.every_days);
                for r in rows {
                    let id = r.int(0);
                    if scope.as_ref().is_some_and(|s| !s.contains(&id)) {
                        continue;
                    }
                    let last = r.opt_text(2).map(|t| t.chars().take(10).collect::<String>());
                    let last_day = last.as_deref().and_then(|d| NaiveDate::parse_from_str(d, DATE_FORMAT).ok());
                    let on_plan = last_day.is_some_and(|d| d > since);
                    let entry = covered.entry(id).or_insert((r.opt_int(1), true));
                    entry.1 &= on_plan;
                    if on_plan {
                        continue;
                    }
                    let due = last_day.map(|d| (d + Duration::days(p.every_days)).format(DATE_FORMAT).to_string());
                    // Name and city are read for the customers shown only.
                    let item = BehindPlan {
                        customer_id: id,
                        name: String::new(),
                        city: String::new(),
                        owner_id: r.opt_int(1),
                        tier: p.tier.clone(),
                        kind: p.kind.clone(),
                        every_days: p.every_days,
                        last,
                        due,
                    };
                    // The plan that wanted a contact first is the one to show.
                    match behind.get(&id) {
                        Some((_, shown)) if shown.due <= item.due => {}
                        _ => {
                            behind.insert(id, (r.text(3), item));
                        }
                    }
                }
            }
            let mut owners: BTreeMap<Option<i64>, Compliance> = BTreeMap::new();
            for (owner, on_plan) in covered.values() {
                let c = owners.entry(*owner).or_insert_with(|| Compliance { owner_id: *owner, ..Default::default() });
                c.customers += 1;
                c.on_plan += i64::from(*on_plan);
            }
            let owners = owners
                .into_values()
                .map(|mut c| {
                    c.pct = pct(c.on_plan, c.customers);
                    c
                })
                .collect();
            let mut behind: Vec<(String, BehindPlan)> = behind.into_values().collect();
            behind.sort_by(|(ka, a), (kb, b)| a.due.cmp(&b.due).then_with(|| ka.cmp(kb)));
            let mut behind: Vec<BehindPlan> = behind.into_iter().map(|(_, b)| b).collect();
            let behind_total = behind.len();
            behind.truncate(limit);
            for chunk in behind.chunks_mut(IN_CHUNK) {
                let ids: Vec<i64> = chunk.iter().map(|b| b.customer_id).collect();
                let list = id_list(&ids);
                let names: HashMap<i64, (String, String)> = x
                    .rows(&format!("SELECT id, name, city FROM customer WHERE id IN ({list})"), &[])?
                    .iter()
                    .map(|r| (r.int(0), (r.text(1), r.text(2))))
                    .collect();
                for b in chunk {
                    if let Some((name, city)) = names.get(&b.customer_id) {
                        (b.name, b.city) = (name.clone(), city.clone());
                    }
                }
            }
            Ok(PlanStatus { behind, behind_total, owners })
        })
    }
}
