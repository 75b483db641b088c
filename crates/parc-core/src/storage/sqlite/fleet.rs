//! Fleet lines on SQLite: the shared statements of `storage/fleet.rs` inside a transaction of
//! this store, for the import and for archiving customers, which still write through it.

use rusqlite::Transaction;

use super::deals::Lite;
use crate::error::Result;
use crate::fleet::FleetLineData;
use crate::storage::fleet;

/// New lines inside the caller's transaction, the office summary kept in step.
pub(super) fn insert_lines(tx: &Transaction, rows: &[(i64, FleetLineData)], by: Option<i64>) -> Result<Vec<i64>> {
    fleet::insert_lines(&mut Lite(tx), rows, by)
}

/// Saves over line `id` at `version` inside the caller's transaction.
pub(super) fn update_line(tx: &Transaction, id: i64, version: i64, d: &FleetLineData, by: Option<i64>) -> Result<()> {
    fleet::update_line(&mut Lite(tx), id, version, d, by)
}

/// Counts a customer's whole fleet in (`sign` 1, restored) or out (-1, archived) of the summary.
pub(super) fn share_customer(tx: &Transaction, customer_id: i64, sign: i64) -> Result<()> {
    fleet::share_customer(&mut Lite(tx), customer_id, sign)
}
