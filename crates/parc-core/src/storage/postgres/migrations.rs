//! The PostgreSQL schema: the same versions as the SQLite one (`sqlite::migrations`), in this
//! dialect, one file `migrations/NN.sql` per version. The version lives in `parc_schema`; all pending migrations run in one transaction
//! under an advisory lock, so two workstations starting at once migrate once.

use postgres::Client;

use crate::ground::error::{Error, Result};

/// Advisory lock key for migrations: "PARC" in ASCII.
const LOCK: i64 = 0x5041_5243;

pub const MIGRATIONS: &[&str] = &[
    // 1: customers and their search columns (see sqlite::migrations for the meaning).
    include_str!("migrations/01.sql"),
    // 2: office settings.
    include_str!("migrations/02.sql"),
    // 3: users, owners, people, contacts, next actions (see sqlite::migrations).
    include_str!("migrations/03.sql"),
    // 4: materials sent to customers regularly.
    include_str!("migrations/04.sql"),
    // 5: the office's own customer fields, and files attached to contacts.
    include_str!("migrations/05.sql"),
    // 6: fleets ("parc") and competitors; `fleet_share` is the summary of the fleets of active
    // customers (see sqlite::migrations).
    include_str!("migrations/06.sql"),
    // 7: the audit trail and the keys of applied operations (see sqlite::migrations).
    include_str!("migrations/07.sql"),
    // 8: the sales funnel: deals with their stage history, leads, and the forecasts kept at
    // each month end. The stages and reason lists are office settings (the `setting` table).
    include_str!("migrations/08.sql"),
    // 9: the price list and offers. An offer is its number; each revision is a row, and a
    // sent revision is never changed again. Lines, trade-ins and financing are JSON copied
    // into the row, so an offer keeps the prices and texts it was made with.
    include_str!("migrations/09.sql"),
    // 10: the lead funnel and the stalled list read indexes (see sqlite::migrations).
    include_str!("migrations/10.sql"),
    // 11: the manager's reports (see sqlite::migrations).
    include_str!("migrations/11.sql"),
    // 12: CSV exchange with the ERP (see sqlite::migrations). Workstations write at the same
    // time here, so a counter would not be in commit order: a row written by a transaction
    // that commits late could carry a smaller number than one an export already passed. Each
    // exported row instead carries the id of the transaction that last wrote it, and an export
    // keeps its snapshot (`pg_current_snapshot()`) as the watermark: the next one sends the
    // rows whose transaction that snapshot did not see. Nothing committed late is skipped,
    // nothing is sent twice.
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
    // 16: the dealership's director as a role.
    include_str!("migrations/16.sql"),
    // 17: SQLite's insert triggers learnt to leave a bulk write's own change numbers; here a
    // BEFORE trigger sets the number in the row it inserts, with no second write to save.
    "SELECT 1;",
];

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// The schema version, or `None` when Parc has never been here.
pub fn schema_version(client: &mut Client) -> Result<Option<i64>> {
    let exists: bool = client.query_one("SELECT to_regclass('parc_schema') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(None);
    }
    Ok(client.query_opt("SELECT version FROM parc_schema", &[])?.map(|r| r.get(0)))
}

/// Brings the schema to the latest version. A database with other tables and no Parc schema
/// is not ours; a newer schema is refused. Returns how many migrations ran.
pub fn migrate(client: &mut Client, database: &str) -> Result<usize> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    let has_schema: bool = tx.query_one("SELECT to_regclass('parc_schema') IS NOT NULL", &[])?.get(0);
    let current: i64 = if has_schema {
        tx.query_opt("SELECT version FROM parc_schema", &[])?.map(|r| r.get(0)).unwrap_or(0)
    } else {
        let tables: i64 = tx
            .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", &[])?
            .get(0);
        if tables > 0 {
            return Err(Error::NotParcDatabase { path: database.to_string() });
        }
        tx.batch_execute("CREATE TABLE parc_schema (version BIGINT NOT NULL); INSERT INTO parc_schema VALUES (0);")?;
        0
    };
    if current > LATEST {
        return Err(Error::SchemaTooNew { found: current, supported: LATEST });
    }
    let pending = &MIGRATIONS[current as usize..];
    for sql in pending {
        tx.batch_execute(sql)?;
    }
    tx.execute("UPDATE parc_schema SET version = $1", &[&LATEST])?;
    tx.commit()?;
    Ok(pending.len())
}
