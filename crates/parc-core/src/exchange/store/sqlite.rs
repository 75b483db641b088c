//! An import's one write transaction on SQLite, made of the same row writes the screens use.

use rusqlite::{OptionalExtension, Transaction};

use crate::customer::store as customers;
use crate::customer::store::people;
use crate::customer::store::RowMeta;
use crate::customer::CustomerData;
use crate::exchange::store as exchange;
use crate::exchange::store::CustomerRef;
use crate::exchange::store::ImportWrite;
use crate::ground::audit;
use crate::ground::error::Result;
use crate::ground::search_key;
use crate::offer::rows as offers;
use crate::storage::now;
use crate::storage::sqlite::exec::Lite;
use crate::storage::sqlite::{trail, Sqlite};

/// Progress is told every this many rows.
const TICK: u64 = 500;

/// New customers' search keys written per statement (progress and Cancel are heard between).
const SEARCH_BATCH: usize = 10_000;

pub(super) fn apply_import(
    db: &mut Sqlite,
    w: &ImportWrite,
    progress: &mut dyn FnMut(u64) -> Result<()>,
) -> Result<Vec<i64>> {
    let (by, stamp) = (db.ctx.actor, now());
    // Statement journals (each row's INSERT opens one) in memory rather than in a temporary
    // file: they only undo a failed statement inside the transaction, so durability is
    // unchanged, and the file writes were a tenth of an import's time.
    let temp_store: i64 = db.conn.pragma_query_value(None, "temp_store", |r| r.get(0))?;
    db.conn.pragma_update(None, "temp_store", "MEMORY")?;
    let out = apply_in_transaction(db, w, progress, by, &stamp);
    db.conn.pragma_update(None, "temp_store", temp_store)?;
    out
}
fn apply_in_transaction(
    db: &mut Sqlite,
    w: &ImportWrite,
    progress: &mut dyn FnMut(u64) -> Result<()>,
    by: Option<i64>,
    stamp: &str,
) -> Result<Vec<i64>> {
    db.write(|tx| {
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
            let x = &mut Lite(tx);
            customers::check_keys(x, d, None)?;
            new_ids.push(customers::insert_unindexed(x, d, &meta, Some(first + n as i64))?);
            tick(progress)?;
        }
        trail::record_created_all(tx, audit::CUSTOMER, &new_ids, by)?;
        for (id, version, d) in &w.customer_updates {
            customers::update_customer(&mut Lite(tx), *id, *version, d, by)?;
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
        let mut person_ids = Vec::with_capacity(w.new_people.len());
        let mut seq = 0;
        for (n, (r, d)) in w.new_people.iter().enumerate() {
            if first[n] {
                if run.is_empty() {
                    seq = trail::take_change_numbers(tx, first[n..].iter().take_while(|f| **f).count())?;
                }
                // No lookups for what cannot be there: the customer exists, no one to unmark.
                let x = &mut Lite(tx);
                if d.assistant_of.is_some() {
                    people::check_person_links(x, resolve(r), d, None)?;
                }
                let id = people::write_person(x, None, resolve(r), d, 1, Some(seq))?;
                run.push(id);
                person_ids.push(id);
                seq += 1;
            } else {
                trail::record_created_all(tx, audit::PERSON, &run, by)?;
                run.clear();
                person_ids.push(people::insert_person(&mut Lite(tx), resolve(r), d, by, true)?);
            }
            tick(progress)?;
        }
        trail::record_created_all(tx, audit::PERSON, &run, by)?;
        for (id, version, d) in &w.person_updates {
            people::update_person(&mut Lite(tx), *id, *version, d, by)?;
            tick(progress)?;
        }
        exchange::write_lines_and_sightings(&mut Lite(tx), w, by, &mut || tick(progress))?;
        // The new customers' search keys last, once no other statement follows them.
        let indexed: Vec<(i64, &CustomerData)> = new_ids.iter().copied().zip(&w.new_customers).collect();
        write_new_search_keys(tx, &indexed, SEARCH_BATCH, &mut || progress(done))?;
        // The price list: the shared statements, in this transaction.
        let x = &mut Lite(tx);
        for d in &w.new_items {
            offers::insert_item(x, d, stamp)?;
        }
        for (id, version, d) in &w.item_updates {
            offers::update_item(x, *id, *version, d, false, stamp)?;
        }
        progress(w.rows())?;
        Ok(if w.returns_people { person_ids } else { new_ids })
    })
}
/// The search keys of new customers, `(id, data)`, written after their rows: one statement per
/// `batch` rows and index, `between` told after each batch (an `Err` stops). FTS5 writes its pending terms to disk at every statement savepoint, which
/// each INSERT of a customer (it has triggers) opens: keys written row by row between them
/// were flushed and merged once per customer, most of an import's time.
fn write_new_search_keys(
    tx: &Transaction,
    rows: &[(i64, &CustomerData)],
    batch: usize,
    between: &mut dyn FnMut() -> Result<()>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // FTS5 also writes its pending terms out whenever they pass `hashsize` (1 MB), and merges
    // what it wrote: many times over for a big import. Raised for these statements, then set
    // back (to its default, stored explicitly, when it had none). Only for the trigram table:
    // the word table's prefix indexes sort slower in a big hash than they merge (100,000
    // customers: 1.3 s at 1 MB, 2.8 s at 64 MB; the trigrams 2.9 s and 2.2 s).
    const HASH_SIZE: i64 = 64 << 20;
    let previous: Option<i64> =
        tx.query_row("SELECT v FROM customer_search_config WHERE k = 'hashsize'", [], |r| r.get(0)).optional()?;
    let set_hash =
        |size: i64| tx.execute("INSERT INTO customer_search (customer_search, rank) VALUES ('hashsize', ?1)", [size]);
    set_hash(HASH_SIZE)?;
    for rows in rows.chunks(batch) {
        let keys: Vec<(i64, String)> = rows.iter().map(|(id, d)| (*id, d.search_key())).collect();
        let words: Vec<(i64, String)> = keys.iter().map(|(id, k)| (*id, search_key::words_key(k))).collect();
        for (table, list) in [("customer_search", keys), ("customer_words", words)] {
            let json = serde_json::to_string(&list).expect("ids and strings serialise");
            tx.execute(
                &format!(
                    "INSERT INTO {table} (rowid, key)
                     SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)"
                ),
                [json],
            )?;
        }
        between()?;
    }
    set_hash(previous.unwrap_or(1 << 20))?;
    Ok(())
}
