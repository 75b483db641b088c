//! A transaction helper of the SQLite store that several of its modules use (people's own
//! rows are written once for both stores, in `storage/people.rs`).

use rusqlite::{OptionalExtension, Transaction};

use crate::error::{Error, Result};

/// After an `UPDATE ... WHERE id = ? AND version = ?`: no row changed means either someone
/// else saved first (`Conflict`) or the row is gone (`NotFound`).
pub(super) fn check_changed(
    tx: &Transaction,
    changed: usize,
    table: &str,
    entity: &'static str,
    id: i64,
) -> Result<()> {
    if changed > 0 {
        return Ok(());
    }
    let exists = tx.query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1"), [id], |_| Ok(())).optional()?;
    Err(if exists.is_some() { Error::Conflict { entity, id } } else { Error::NotFound { entity, id } })
}
