//! An import's one write transaction on PostgreSQL, made of the same row writes the screens
//! use. A VAT id or ERP code another workstation saved meanwhile aborts the transaction; the
//! customer holding it is looked up once the transaction is gone.

use super::{competitors, customers, fleet, people, trail, Postgres};
use crate::audit;
use crate::customer::CustomerData;
use crate::error::{Error, Result};
use crate::storage::{now, offers, CustomerRef, ExchangeRows, ImportWrite, RowMeta};

const TICK: u64 = 500;

impl ExchangeRows for Postgres {
    fn apply_import(&mut self, w: &ImportWrite, progress: &mut dyn FnMut(u64)) -> Result<Vec<i64>> {
        let (by, stamp) = (self.ctx.actor, now());
        let mut refused: Option<(postgres::Error, CustomerData, Option<i64>)> = None;
        let out = self.write(|tx| {
            let meta = RowMeta::new_row(&stamp);
            let mut done = 0u64;
            let mut tick = |progress: &mut dyn FnMut(u64)| {
                done += 1;
                if done % TICK == 0 {
                    progress(done);
                }
            };
            let insert = tx.prepare(customers::INSERT_SQL)?;
            let mut new_ids = Vec::with_capacity(w.new_customers.len());
            for d in &w.new_customers {
                match customers::insert(tx, &insert, d, &meta) {
                    Ok(id) => new_ids.push(id),
                    Err(e) => {
                        refused = Some((e, d.clone(), None));
                        return Err(Error::Conflict { entity: "customer", id: 0 });
                    }
                }
                tick(progress);
            }
            trail::record_created(tx, audit::CUSTOMER, &new_ids, by)?;
            for (id, version, d) in &w.customer_updates {
                match customers::update_row(tx, *id, *version, d, by) {
                    Ok(true) => {}
                    Ok(false) => return Err(Error::Conflict { entity: "customer", id: *id }),
                    Err(Error::Postgres(e)) => {
                        refused = Some((e, d.clone(), Some(*id)));
                        return Err(Error::Conflict { entity: "customer", id: *id });
                    }
                    Err(e) => return Err(e),
                }
                tick(progress);
            }
            let resolve = |r: &CustomerRef| match r {
                CustomerRef::Stored(id) => *id,
                CustomerRef::New(i) => new_ids[*i],
            };
            let insert = tx.prepare(people::INSERT_PERSON_SQL)?;
            let mut person_ids = Vec::with_capacity(w.new_people.len());
            for (r, d) in &w.new_people {
                let customer_id = resolve(r);
                people::check_person_links(tx, customer_id, d, None)?;
                let id = people::write_person(tx, &insert, None, customer_id, d, 1)?;
                if d.is_main {
                    people::keep_one_main(tx, customer_id, id, by)?;
                }
                person_ids.push(id);
                tick(progress);
            }
            trail::record_created(tx, audit::PERSON, &person_ids, by)?;
            for (id, version, d) in &w.person_updates {
                people::update_person_row(tx, *id, *version, d, by)?;
                tick(progress);
            }
            fleet::insert_lines(tx, &w.new_lines, by)?;
            for (id, version, d) in &w.line_updates {
                fleet::update_line(tx, *id, *version, d, by)?;
                tick(progress);
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
                tick(progress);
            }
            // The price list: the shared statements, in this transaction.
            let x = &mut super::deals::exec(tx);
            for d in &w.new_items {
                offers::insert_item(x, d, &stamp)?;
            }
            for (id, version, d) in &w.item_updates {
                offers::update_item(x, *id, *version, d, false, &stamp)?;
            }
            progress(w.rows());
            Ok(new_ids)
        });
        let ids = match (out, refused) {
            (Err(_), Some((e, d, except))) => return Err(customers::vat_conflict(&mut self.client, e, &d, except)),
            (out, _) => out?,
        };
        if ids.len() >= 1000 {
            self.client.batch_execute("ANALYZE customer; ANALYZE person")?;
        }
        Ok(ids)
    }
}
