//! An import's one write transaction on PostgreSQL, made of the same row writes the screens
//! use. A VAT id or ERP code another workstation saved meanwhile aborts the transaction; the
//! customer holding it is looked up once the transaction is gone.

use std::collections::HashSet;

use super::{competitors, customers, fleet, people, trail, Postgres};
use crate::audit;
use crate::customer::CustomerData;
use crate::error::{Error, Result};
use crate::person::PersonData;
use crate::storage::{now, offers, CustomerRef, ExchangeRows, ImportWrite, RowMeta};

const TICK: u64 = 500;

impl ExchangeRows for Postgres {
    fn apply_import(&mut self, w: &ImportWrite, progress: &mut dyn FnMut(u64) -> Result<()>) -> Result<Vec<i64>> {
        let (by, stamp) = (self.ctx.actor, now());
        let mut refused: Option<(postgres::Error, Vec<CustomerData>, Option<i64>)> = None;
        let out = self.write(|tx| {
            let meta = RowMeta::new_row(&stamp);
            let mut done = 0u64;
            // Told between batches of rows; an `Err` (cancelled) rolls the transaction back.
            let mut tick = |progress: &mut dyn FnMut(u64) -> Result<()>, rows: usize| {
                let before = done / TICK;
                done += rows as u64;
                if done / TICK > before {
                    progress(done)?;
                }
                Ok::<(), Error>(())
            };
            let mut new_ids = Vec::with_capacity(w.new_customers.len());
            for batch in w.new_customers.chunks(customers::BATCH) {
                match customers::insert_many(tx, batch, &meta) {
                    Ok(ids) => new_ids.extend(ids),
                    Err(e) => {
                        refused = Some((e, batch.to_vec(), None));
                        return Err(Error::Conflict { entity: "customer", id: 0 });
                    }
                }
                tick(progress, batch.len())?;
            }
            trail::record_created(tx, audit::CUSTOMER, &new_ids, by)?;
            for (id, version, d) in &w.customer_updates {
                match customers::update_row(tx, *id, *version, d, by) {
                    Ok(true) => {}
                    Ok(false) => return Err(Error::Conflict { entity: "customer", id: *id }),
                    Err(Error::Postgres(e)) => {
                        refused = Some((e, vec![d.clone()], Some(*id)));
                        return Err(Error::Conflict { entity: "customer", id: *id });
                    }
                    Err(e) => return Err(e),
                }
                tick(progress, 1)?;
            }
            let resolve = |r: &CustomerRef| match r {
                CustomerRef::Stored(id) => *id,
                CustomerRef::New(i) => new_ids[*i],
            };
            let mut person_ids = Vec::with_capacity(w.new_people.len());
            // The customers this import made that got no people in an earlier batch: nobody
            // else sees them, and they have no main contact to unmark.
            let made: HashSet<i64> = new_ids.iter().copied().collect();
            let mut with_people: HashSet<i64> = HashSet::new();
            for batch in w.new_people.chunks(customers::BATCH) {
                let rows: Vec<(i64, PersonData)> = batch.iter().map(|(r, d)| (resolve(r), d.clone())).collect();
                let fresh = |id: i64| made.contains(&id) && !with_people.contains(&id);
                person_ids.extend(people::insert_people_rows(tx, &rows, by, &fresh)?);
                with_people.extend(rows.iter().map(|(c, _)| *c).filter(|c| made.contains(c)));
                tick(progress, batch.len())?;
            }
            trail::record_created(tx, audit::PERSON, &person_ids, by)?;
            for (id, version, d) in &w.person_updates {
                people::update_person_row(tx, *id, *version, d, by)?;
                tick(progress, 1)?;
            }
            fleet::insert_lines(tx, &w.new_lines, by)?;
            for (id, version, d) in &w.line_updates {
                fleet::update_line(tx, *id, *version, d, by)?;
                tick(progress, 1)?;
            }
            let mut competitor_ids = Vec::with_capacity(w.new_competitors.len());
            for c in &w.new_competitors {
                competitor_ids.push(competitors::insert_competitor_row(tx, None, c, 1)?);
            }
            for (customer_id, d, new_competitor) in &w.new_sightings {
                competitors::must_exist(tx, "customer", "customer", *customer_id)?;
                let mut d = d.clone();
                if let Some(i) = new_competitor {
                    d.competitor_id = Some(competitor_ids[*i]);
                } else if let Some(k) = d.competitor_id {
                    competitors::must_exist(tx, "competitor", "competitor", k)?;
                }
                competitors::insert_sighting(tx, None, *customer_id, &d, 1)?;
                tick(progress, 1)?;
            }
            // The price list: the shared statements, in this transaction.
            let x = &mut super::deals::exec(tx);
            for d in &w.new_items {
                offers::insert_item(x, d, &stamp)?;
            }
            for (id, version, d) in &w.item_updates {
                offers::update_item(x, *id, *version, d, false, &stamp)?;
            }
            progress(w.rows())?;
            Ok(new_ids)
        });
        let ids = match (out, refused) {
            (Err(_), Some((e, rows, except))) => {
                let d = customers::taken_in(&mut self.client, &rows).unwrap_or(&rows[0]);
                return Err(customers::vat_conflict(&mut self.client, e, d, except));
            }
            (out, _) => out?,
        };
        if ids.len() >= 1000 {
            people::analyze(&mut self.client, "customer")?;
            people::analyze(&mut self.client, "person")?;
        }
        Ok(ids)
    }
}
