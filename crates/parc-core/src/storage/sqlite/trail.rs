//! The audit trail's writes and the operation keys inside this store's own transactions, on
//! SQLite (the trail's reads are shared: `storage/trail.rs`).

use rusqlite::{params, OptionalExtension, Transaction};

use crate::ground::error::{Error, Result};
use crate::storage::now;

/// The creation of each of `ids` in one statement (a bulk write's thousands of rows).
pub(crate) fn record_created_all(tx: &Transaction, entity: &str, ids: &[i64], by: Option<i64>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids = serde_json::to_string(ids).expect("ids serialise");
    tx.execute(
        "INSERT INTO change_log (entity, entity_id, changed_at, changed_by, field, old_value, new_value)
         SELECT ?1, value, ?2, ?3, '', 'null', 'null' FROM json_each(?4)",
        params![entity, now(), by, ids],
    )?;
    Ok(())
}

/// Takes `n` change numbers from the clock at once for rows a bulk write numbers itself (the
/// insert triggers number only rows without one). Returns the first.
pub(crate) fn take_change_numbers(tx: &Transaction, n: usize) -> Result<i64> {
    let last: i64 =
        tx.query_row("UPDATE change_clock SET seq = seq + ?1 WHERE id = 1 RETURNING seq", [n as i64], |r| r.get(0))?;
    Ok(last - n as i64 + 1)
}

/// Fails with `AlreadyApplied` when `key` was applied before.
pub(super) fn claim(tx: &Transaction, key: &str) -> Result<()> {
    let at: Option<String> =
        tx.query_row("SELECT applied_at FROM operation WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    match at {
        Some(applied_at) => Err(Error::AlreadyApplied { key: key.to_string(), applied_at }),
        None => Ok(()),
    }
}

/// Records `key` as applied, with what the operation returned.
pub(super) fn applied<T: serde::Serialize>(tx: &Transaction, key: &str, out: &T) -> Result<()> {
    let result = serde_json::to_string(out).expect("results serialise");
    tx.execute("INSERT INTO operation (key, applied_at, result) VALUES (?1, ?2, ?3)", params![key, now(), result])?;
    Ok(())
}
