//! The audit trail's writes and the operation keys inside this store's own transactions, on
//! PostgreSQL (see `sqlite/trail.rs`; the trail's reads are shared: `storage/trail.rs`).

use postgres::error::SqlState;
use postgres::Transaction;

use crate::ground::error::{Error, Result};
use crate::storage::now;

/// The creation of many records of one kind, in one statement (bulk saves).
pub(crate) fn record_created(tx: &mut Transaction, entity: &str, ids: &[i64], by: Option<i64>) -> Result<()> {
    tx.execute(
        "INSERT INTO change_log (entity, entity_id, changed_at, changed_by, field)
         SELECT $1, unnest($2::bigint[]), $3, $4, ''",
        &[&entity, &ids, &now(), &by],
    )?;
    Ok(())
}

/// Fails with `AlreadyApplied` when `key` was applied before.
pub(crate) fn claim(tx: &mut Transaction, key: &str) -> Result<()> {
    match tx.query_opt("SELECT applied_at FROM operation WHERE key = $1", &[&key])? {
        Some(r) => Err(Error::AlreadyApplied { key: key.to_string(), applied_at: r.get(0) }),
        None => Ok(()),
    }
}

/// Records `key` as applied. Another workstation applying the same key at the same moment
/// makes this insert fail on the key: the whole transaction is then rolled back.
pub(crate) fn applied<T: serde::Serialize>(tx: &mut Transaction, key: &str, out: &T) -> Result<()> {
    let result = serde_json::to_string(out).expect("results serialise");
    match tx.execute("INSERT INTO operation (key, applied_at, result) VALUES ($1, $2, $3)", &[&key, &now(), &result]) {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            Err(Error::AlreadyApplied { key: key.to_string(), applied_at: String::new() })
        }
        Err(e) => Err(e.into()),
    }
}
