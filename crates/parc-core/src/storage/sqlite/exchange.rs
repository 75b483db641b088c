//! An import's one write transaction on SQLite, made of the same row writes the screens use.

use super::{competitors, customers, fleet, people, trail, Sqlite};
use crate::audit;
use crate::customer::CustomerData;
use crate::error::Result;
use crate::storage::{now, offers, CustomerRef, ExchangeRows, ImportWrite, RowMeta};

/// Progress is told every this many rows.
const TICK: u64 = 500;

/// New customers' search keys written per statement (progress and Cancel are heard between).
const SEARCH_BATCH: usize = 10_000;

impl ExchangeRows for Sqlite {
    fn apply_import(&mut self, w: &ImportWrite, progress: &mut dyn FnMut(u64) -> Result<()>) -> Result<Vec<i64>> {
        let (by, stamp) = (self.ctx.actor, now());
        // Statement journals (each row's INSERT opens one) in memory rather than in a temporary
        // file: they only undo a failed statement inside the transaction, so durability is
        // unchanged, and the file writes were a tenth of an import's time.
        let temp_store: i64 = self.conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        let out = self.apply_in_transaction(w, progress, by, &stamp);
        self.conn.pragma_update(None, "temp_store", temp_store)?;
        out
    }
}

impl Sqlite {
    fn apply_in_transaction(
        &mut self,
        w: &ImportWrite,
        progress: &mut dyn FnMut(u64) -> Result<()>,
        by: Option<i64>,
        stamp: &str,
    ) -> Result<Vec<i64>> {
        self.write(|tx| {
            let meta = RowMeta::new_row(stamp);
            let mut done = 0u64;
            let mut tick = |progress: &mut dyn FnMut(u64) -> Result<()>| {
                done += 1;
                if done % TICK == 0 {
                    progress(done)?;
                }
                Ok::<(), crate::Error>(())
            };
            let mut new_ids = Vec::with_capacity(w.new_customers.len());
            let first = trail::take_change_numbers(tx, w.new_customers.len())?;
            for (n, d) in w.new_customers.iter().enumerate() {
                new_ids.push(customers::insert_customer_unindexed(tx, d, &meta, first + n as i64)?);
                tick(progress)?;
            }
            trail::record_created_all(tx, audit::CUSTOMER, &new_ids, by)?;
            for (id, version, d) in &w.customer_updates {
                customers::update_customer_row(tx, *id, *version, d, by)?;
                tick(progress)?;
            }
            let resolve = |r: &CustomerRef| match r {
                CustomerRef::Stored(id) => *id,
                CustomerRef::New(i) => new_ids[*i],
            };
            // A new customer's people up to its first main contact are written without the
            // lookups an existing customer's need; runs of them are numbered and recorded at
            // once, in the order the rows are written, as single writes would.
            let mut with_main = vec![false; new_ids.len()];
            let first: Vec<bool> = w
                .new_people
                .iter()
                .map(|(r, d)| match r {
                    CustomerRef::New(i) if !with_main[*i] => {
                        with_main[*i] = d.is_main;
                        true
                    }
                    _ => false,
                })
                .collect();
            let mut run: Vec<i64> = Vec::new();
            let mut seq = 0;
            for (n, (r, d)) in w.new_people.iter().enumerate() {
                if first[n] {
                    if run.is_empty() {
                        seq = trail::take_change_numbers(tx, first[n..].iter().take_while(|f| **f).count())?;
                    }
                    run.push(people::insert_first_person(tx, resolve(r), d, seq)?);
                    seq += 1;
                } else {
                    trail::record_created_all(tx, audit::PERSON, &run, by)?;
                    run.clear();
                    people::insert_person(tx, resolve(r), d, by)?;
                }
                tick(progress)?;
            }
            trail::record_created_all(tx, audit::PERSON, &run, by)?;
            for (id, version, d) in &w.person_updates {
                people::update_person_row(tx, *id, *version, d, by)?;
                tick(progress)?;
            }
            fleet::insert_lines(tx, &w.new_lines, by)?;
            for (id, version, d) in &w.line_updates {
                fleet::update_line(tx, *id, *version, d, by)?;
                tick(progress)?;
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
                tick(progress)?;
            }
            // The new customers' search keys last, once no other statement follows them.
            let indexed: Vec<(i64, &CustomerData)> = new_ids.iter().copied().zip(&w.new_customers).collect();
            customers::write_new_search_keys(tx, &indexed, SEARCH_BATCH, &mut || progress(done))?;
            // The price list: the shared statements, in this transaction.
            let x = &mut super::deals::Lite(tx);
            for d in &w.new_items {
                offers::insert_item(x, d, stamp)?;
            }
            for (id, version, d) in &w.item_updates {
                offers::update_item(x, *id, *version, d, false, stamp)?;
            }
            progress(w.rows())?;
            Ok(new_ids)
        })
    }
}
