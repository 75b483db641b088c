//! Parc's domain, with no knowledge of Tauri or JSON-over-IPC.
//!
//! The desktop shell and `parc-cli` call plain functions here. The layers, lowest first (a
//! module uses only those before it; `ARCHITECTURE.md` has the map): `ground`, `storage`,
//! `office`, `customer`, `fleet`, `funnel`, `contact`, `offer`, `segment`, `report`, `pdf`,
//! `exchange`, `host`. Until each feature's part of `Store` moves from `storage/` into its
//! feature's folder (issue #22), `storage` still names the features above it.

pub mod contact;
pub mod customer;
pub mod exchange;
pub mod fleet;
pub mod funnel;
pub mod ground;
pub mod host;
pub mod offer;
pub mod office;
pub mod pdf;
pub mod report;
pub mod segment;
pub mod storage;

pub use chrono;
pub use ground::error::{Error, Result};
pub use storage::Store;

// Old paths the files still in storage/ use (issue #22); removed when they move to their folders.
pub(crate) use contact::plan;
pub(crate) use customer::{custom_field, person};
pub(crate) use fleet::{competitor, share};
pub(crate) use funnel::deal;
pub(crate) use ground::{atomic, audit, country, dates, error, i18n, search_key, vat};
#[cfg(test)]
pub(crate) use host::{demo, testing};
pub(crate) use office as user;
pub(crate) use segment::campaign;
