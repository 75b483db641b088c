//! Competitors and sightings on SQLite: the shared statements of `storage/competitors.rs`
//! inside a transaction of this store, for the import, which still writes through it.

use rusqlite::Transaction;

use super::deals::Lite;
use crate::competitor::{CompetitorData, SightingData};
use crate::error::Result;
use crate::storage::competitors;

pub(super) fn must_exist(tx: &Transaction, table: &str, entity: &'static str, id: i64) -> Result<()> {
    competitors::must_exist(&mut Lite(tx), table, entity, id)
}

pub(super) fn insert_sighting(
    tx: &Transaction,
    id: Option<i64>,
    customer_id: i64,
    d: &SightingData,
    version: i64,
) -> Result<i64> {
    competitors::insert_sighting(&mut Lite(tx), id, customer_id, d, version)
}

pub(super) fn insert_competitor_row(
    tx: &Transaction,
    id: Option<i64>,
    d: &CompetitorData,
    version: i64,
) -> Result<i64> {
    competitors::insert_competitor(&mut Lite(tx), id, d, version)
}
