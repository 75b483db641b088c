//! Schema migrations, tracked by SQLite's `user_version`.
//!
//! Entry `i` of [`MIGRATIONS`], the file `migrations/NN.sql` with `NN` = `i + 1`, takes the
//! schema from version `i` to `i + 1`. A shipped migration is never edited (schema 16 rewrites
//! a table's stored definition by its exact text), only followed by a new one. All pending migrations run in one
//! IMMEDIATE transaction: either the file reaches the latest version or it is left untouched.
//! (`rusqlite_migration` gives the same guarantees but pins an older rusqlite, and the
//! PostgreSQL store planned next needs the same runner over its own dialect.)

use rusqlite::{Connection, TransactionBehavior};

use crate::ground::error::{Error, Result};

/// `PRAGMA application_id` of a Parc database: "PARC" in ASCII. Tells our files from others.
pub const APPLICATION_ID: i64 = 0x5041_5243;

pub const MIGRATIONS: &[&str] = &[
    // 1: customers and their search index.
    include_str!("migrations/01.sql"),
    // 2: workstation-independent settings of the office (key/value, JSON values).
    include_str!("migrations/02.sql"),
    // 3: the office's users, customer owners, people at customers, contact history and the
    // next actions it leaves.
    include_str!("migrations/03.sql"),
    // 4: materials sent to customers regularly.
    include_str!("migrations/04.sql"),
    // 5: the office's own customer fields, and files attached to contacts.
    include_str!("migrations/05.sql"),
    // 6: fleets ("parc") and competitors. `fleet_share` is the office-wide summary of the
    // fleets of active customers (vehicles per segment, registration year and brand), kept in
    // step by the store in the transaction that writes the lines: market share and top
    // competitors read it instead of every vehicle.
    include_str!("migrations/06.sql"),
    // 7: the audit trail (who changed which field of which record, when) and the keys of
    // operations already applied, so a retried import or load is never applied twice.
    include_str!("migrations/07.sql"),
    // 8: the sales funnel: deals with their stage history, leads, and the forecasts kept at
    // each month end. The stages and reason lists are office settings (the `setting` table).
    include_str!("migrations/08.sql"),
    // 9: the price list and offers. An offer is its number; each revision is a row, and a
    // sent revision is never changed again. Lines, trade-ins and financing are JSON copied
    // into the row, so an offer keeps the prices and texts it was made with.
    include_str!("migrations/09.sql"),
    // 10: the lead funnel and the stalled list read indexes, not every row. A lead keeps whether
    // its customer was contacted since it came in (kept by a trigger whenever the customer's
    // last contact moves) and whether its deal is won (kept by every move of the deal), so the
    // funnel counts leads from one index; the stalled list walks each stage's open deals by
    // arrival with their close date and owner in the index.
    include_str!("migrations/10.sql"),
    // 11: the manager's reports: running totals of the
    // contacts of each day, the customer pyramid, and the indexes the reports read periods by.
    include_str!("migrations/11.sql"),
    // 12: CSV exchange with the ERP. A customer's code in the ERP; the saved export and import
    // profiles, each export profile with the watermark of its last export; and a change
    // sequence on every exported row, so an incremental export sends each change once.
    // Writers take turns on SQLite (IMMEDIATE transactions), so a counter bumped by every
    // change of an exported row is in commit order: an export reading `seq` in its snapshot
    // has seen every change up to it and none after. Triggers keep it, so no write can forget.
    include_str!("migrations/12.sql"),
    // 13: segments, saved filters over the customers (segment::SegmentFilter as JSON). Their
    // counts come from the customers' rows, read by the store; nothing is stored per customer.
    include_str!("migrations/13.sql"),
    // 14: campaigns on the customers of a segment, and each started campaign's list: the
    // customers its segment kept when it started, their owner then, and what each answered
    // (an interested one made the lead named here).
    include_str!("migrations/14.sql"),
    // 15: each customer's last contact of each kind, kept by triggers so no write can forget:
    // contact plans ask "a visit in the last 30 days?" of every customer of a tier.
    include_str!("migrations/15.sql"),
    // 16: the dealership's director as a role. SQLite cannot change a CHECK in place, and a
    // rebuild of app_user would have to re-point every table that names its users, so the
    // table's definition is edited the way SQLite documents for loosening a constraint
    // (lang_altertable.html, "other kinds of table schema changes"): no stored row changes.
    // RESET reloads this connection's schema; the throw-away table bumps the schema cookie
    // so that other connections reload theirs.
    include_str!("migrations/16.sql"),
    // 17: a bulk write (an import) numbers its new customers and people itself, from a range it
    // takes from the clock at once: the triggers number only rows inserted without one. Each
    // trigger rewrote its row and the change-number index a second time, a third of an import.
    include_str!("migrations/17.sql"),
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Brings the schema to the latest version. Returns how many migrations ran.
pub fn migrate(conn: &mut Connection) -> Result<usize> {
    migrate_with(conn, MIGRATIONS)
}

pub(crate) fn migrate_with(conn: &mut Connection, migrations: &[&str]) -> Result<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read inside the write lock: another process may have migrated meanwhile.
    let current = schema_version(&tx)?;
    let latest = migrations.len() as i64;
    if current > latest {
        return Err(Error::SchemaTooNew { found: current, supported: latest });
    }
    let pending = &migrations[current as usize..];
    for sql in pending {
        tx.execute_batch(sql)?;
    }
    if !pending.is_empty() {
        tx.pragma_update(None, "user_version", latest)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    tx.commit()?;
    Ok(pending.len())
}
