//! Parc's domain, with no knowledge of Tauri or JSON-over-IPC.
//!
//! The desktop shell and `parc-cli` call plain functions here; all SQL lives in [`storage`].

pub mod atomic;
pub mod audit;
pub mod backup;
pub mod campaign;
pub mod competitor;
pub mod contact;
pub mod country;
pub mod custom_field;
pub mod customer;
pub mod dates;
pub mod deal;
pub mod demo;
pub mod error;
pub mod exchange;
pub mod fleet;
pub mod formula;
pub mod funnel;
pub mod i18n;
pub mod offer;
pub mod pdf;
pub mod person;
pub mod plan;
pub mod report;
pub mod search_key;
pub mod segment;
pub mod share;
pub mod storage;
#[doc(hidden)]
pub mod testing;
pub mod user;
pub mod vat;
pub mod workstation;

pub use chrono;
pub use error::{Error, Result};
pub use storage::Store;
