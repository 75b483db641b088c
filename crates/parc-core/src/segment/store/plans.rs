//! Contact plans' part of [`Store`]: the office's plans (a versioned setting) and where the
//! customers stand against them. The rules are in `segment/plan.rs`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate};

use crate::ground::dates::{day_of, DATE_FORMAT};
use crate::ground::error::{Error, Result};
use crate::segment::plan::{pct, BehindPlan, Compliance, PlanSettings, PlanStatus, PLANS_KEY};
use crate::storage::exec::{id_list, Val, IN_CHUNK};
use crate::storage::settings;
use crate::storage::Store;

impl Store {
    /// The office's contact plans (the seeds' example until the manager changes them).
    pub fn plan_settings(&mut self) -> Result<PlanSettings> {
        self.read(|x| Ok(settings::stored::<PlanSettings>(x, PLANS_KEY)?.1))
    }

    /// Saves the plans; only the sales manager may. `settings.version` must be the one read.
    pub fn save_plan_settings(&mut self, by: Option<i64>, settings: PlanSettings) -> Result<PlanSettings> {
        self.require_manager(by)?;
        let mut settings = settings.validated()?;
        self.write(|x| {
            settings::save_versioned(x, PLANS_KEY, &mut settings, |s| &mut s.version)?;
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
        self.read(|x| {
            // Per customer: its owner, and whether it is on every plan covering it.
            let mut covered: HashMap<i64, (Option<i64>, bool)> = HashMap::new();
            // Per customer behind: its most overdue plan. Most of an office can be behind, so
            // the shown fields are made only for the first `limit`.
            let mut behind: HashMap<i64, Late> = HashMap::new();
            for (plan, (p, scope)) in settings.plans.iter().zip(&scopes).enumerate() {
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
                // On plan: a contact of the kind after this day.
                let since = today - Duration::days(p.every_days);
                x.each(
                    &format!(
                        "SELECT c.id, c.owner_id, {last}, c.sort_key
                         FROM customer c CROSS JOIN customer_tier t{join}
                         WHERE t.customer_id = c.id AND t.tier = $1 AND c.archived_at IS NULL{owner}"
                    ),
                    &args,
                    &mut |r| {
                        let id = r.int(0)?;
                        if scope.as_ref().is_some_and(|s| !s.contains(&id)) {
                            return Ok(());
                        }
                        let last = r.opt_str(2)?.and_then(day_of);
                        let on_plan = last.is_some_and(|d| d > since);
                        let entry = covered.entry(id).or_insert((r.opt_int(1)?, true));
                        entry.1 &= on_plan;
                        if on_plan {
                            return Ok(());
                        }
                        let due = last.map(|d| d + Duration::days(p.every_days));
                        // The plan that wanted a contact first is the one to show.
                        match behind.get_mut(&id) {
                            Some(shown) if shown.due <= due => {}
                            Some(shown) => (shown.plan, shown.last, shown.due) = (plan, last, due),
                            None => {
                                let sort_key = r.str(3)?.to_string();
                                behind.insert(id, Late { id, owner_id: r.opt_int(1)?, plan, last, due, sort_key });
                            }
                        }
                        Ok(())
                    },
                )?;
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
            // The most overdue first, then by name: only the first `limit` are put in order.
            let mut late: Vec<Late> = behind.into_values().collect();
            let behind_total = late.len();
            let order =
                |a: &Late, b: &Late| a.due.cmp(&b.due).then_with(|| a.sort_key.cmp(&b.sort_key)).then(a.id.cmp(&b.id));
            if limit < late.len() {
                late.select_nth_unstable_by(limit, order);
                late.truncate(limit);
            }
            late.sort_unstable_by(order);
            let day = |d: NaiveDate| d.format(DATE_FORMAT).to_string();
            let mut behind: Vec<BehindPlan> = late
                .into_iter()
                .map(|l| {
                    let p = &settings.plans[l.plan];
                    BehindPlan {
                        customer_id: l.id,
                        name: String::new(),
                        city: String::new(),
                        owner_id: l.owner_id,
                        tier: p.tier.clone(),
                        kind: p.kind.clone(),
                        every_days: p.every_days,
                        last: l.last.map(day),
                        due: l.due.map(day),
                    }
                })
                .collect();
            // Name and city are read for the customers shown only.
            for chunk in behind.chunks_mut(IN_CHUNK) {
                let ids: Vec<i64> = chunk.iter().map(|b| b.customer_id).collect();
                let list = id_list(&ids);
                let names: HashMap<i64, (String, String)> = x
                    .rows(&format!("SELECT id, name, city FROM customer WHERE id IN ({list})"), &[])?
                    .iter()
                    .map(|r| Ok((r.int(0)?, (r.text(1)?, r.text(2)?))))
                    .collect::<Result<_>>()?;
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

/// A customer behind a plan (index into the plans), before the ones shown are chosen.
struct Late {
    id: i64,
    owner_id: Option<i64>,
    plan: usize,
    last: Option<NaiveDate>,
    due: Option<NaiveDate>,
    sort_key: String,
}
