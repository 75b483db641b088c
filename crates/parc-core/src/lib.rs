//! Parc's domain, with no knowledge of Tauri or JSON-over-IPC.
//!
//! The desktop shell and `parc-cli` call plain functions here. The layers, lowest first (a
//! module, its tests too, uses only those before it; `ARCHITECTURE.md` has the map and
//! `tests/layers.rs` checks it): `ground`, `storage`, `office`, `customer`, `fleet`, `funnel`,
//! `contact`, `offer`, `segment`, `report`, `pdf`, `exchange`, `host`. Each feature's folder
//! holds its rules, its part of `Store` (`store.rs`) and its SQL (`store.rs`, `rows.rs`).

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
