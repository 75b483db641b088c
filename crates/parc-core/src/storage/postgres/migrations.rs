//! The PostgreSQL schema: the same versions as the SQLite one (`sqlite::migrations`), in this
//! dialect, one file `migrations/NN.sql` per version. The version lives in `parc_schema`; all pending migrations run in one transaction
//! under an advisory lock, so two workstations starting at once migrate once.

use postgres::Client;

use crate::ground::error::{Error, Result};

/// Advisory lock key for migrations: "PARC" in ASCII.
const LOCK: i64 = 0x5041_5243;

/// Version `i + 1` is `migrations/NN.sql`; what each one does is said beside SQLite's list
/// (`sqlite::migrations`), the same versions in the other dialect; here only what differs.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/01.sql"),
    include_str!("migrations/02.sql"),
    include_str!("migrations/03.sql"),
    include_str!("migrations/04.sql"),
    include_str!("migrations/05.sql"),
    include_str!("migrations/06.sql"),
    include_str!("migrations/07.sql"),
    include_str!("migrations/08.sql"),
    include_str!("migrations/09.sql"),
    include_str!("migrations/10.sql"),
    include_str!("migrations/11.sql"),
    // 12: workstations write at the same time here, so a counter would not be in commit
    // order: a row written by a transaction that commits late could carry a smaller number
    // than one an export already passed. Each exported row instead carries the id of the
    // transaction that last wrote it, and an export keeps its snapshot
    // (`pg_current_snapshot()`) as the watermark: the next one sends the rows whose
    // transaction that snapshot did not see. Nothing committed late is skipped, nothing is
    // sent twice.
    include_str!("migrations/12.sql"),
    include_str!("migrations/13.sql"),
    include_str!("migrations/14.sql"),
    include_str!("migrations/15.sql"),
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
