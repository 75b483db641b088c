//! The host wing: what runs around the office's data rather than in it (the workstation's own
//! settings, backups and restores, the demo office, test fixtures).

mod conflict;
#[cfg(test)]
mod conflict_tests;
pub(crate) mod copy;
#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod postgres_tests;
#[cfg(test)]
mod sqlite_tests;
#[cfg(test)]
mod trail_tests;

pub use conflict::SaveConflict;
pub use copy::{copy_store, CopyReport};

pub mod backup;
pub mod demo;
#[doc(hidden)]
pub mod testing;
pub mod workstation;

#[cfg(test)]
mod copy_tests;
