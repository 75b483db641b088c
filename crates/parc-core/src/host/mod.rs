//! The host wing: what runs around the office's data rather than in it (the workstation's own
//! settings, backups and restores, the demo office, test fixtures).

pub mod backup;
pub mod demo;
#[doc(hidden)]
pub mod testing;
pub mod workstation;
