//! Fleet lines on PostgreSQL: the shared statements of `storage/fleet.rs` inside a transaction
//! of this store, for the import and for archiving customers, which still write through it.

use postgres::Transaction;

use super::deals::exec;
use crate::error::Result;
use crate::fleet::FleetLineData;
use crate::storage::fleet;

/// New lines inside the caller's transaction, the office summary kept in step.
pub(super) fn insert_lines(tx: &mut Transaction, rows: &[(i64, FleetLineData)], by: Option<i64>) -> Result<Vec<i64>> {
    fleet::insert_lines(&mut exec(tx), rows, by)
}

/// Saves over line `id` at `version` inside the caller's transaction.
pub(super) fn update_line(
    tx: &mut Transaction,
    id: i64,
    version: i64,
    d: &FleetLineData,
    by: Option<i64>,
) -> Result<()> {
    fleet::update_line(&mut exec(tx), id, version, d, by)
}

/// Counts a customer's whole fleet in (`sign` 1, restored) or out (-1, archived) of the
/// summary. The caller holds the customer's row lock.
pub(super) fn share_customer(tx: &mut Transaction, customer_id: i64, sign: i64) -> Result<()> {
    fleet::share_customer(&mut exec(tx), customer_id, sign)
}
