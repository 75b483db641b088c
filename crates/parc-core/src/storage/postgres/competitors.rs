//! Competitors and sightings on PostgreSQL: the shared statements of
//! `storage/competitors.rs` inside a transaction of this store, for the import, which still
//! writes through it.

use postgres::Transaction;

use super::deals::exec;
use crate::competitor::{CompetitorData, SightingData};
use crate::error::Result;
use crate::storage::competitors;

pub(super) fn must_exist(tx: &mut Transaction, table: &str, entity: &'static str, id: i64) -> Result<()> {
    competitors::must_exist(&mut exec(tx), table, entity, id)
}

pub(super) fn insert_sighting(
    tx: &mut Transaction,
    id: Option<i64>,
    customer_id: i64,
    d: &SightingData,
    version: i64,
) -> Result<i64> {
    competitors::insert_sighting(&mut exec(tx), id, customer_id, d, version)
}

pub(super) fn insert_competitor_row(
    tx: &mut Transaction,
    id: Option<i64>,
    d: &CompetitorData,
    version: i64,
) -> Result<i64> {
    competitors::insert_competitor(&mut exec(tx), id, d, version)
}
