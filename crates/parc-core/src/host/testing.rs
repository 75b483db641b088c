//! Test fixtures shared by the crates' tests (not used by the app): the ones below every
//! feature and the customer fixture, gathered for the other crates' tests and benchmarks.

pub use crate::customer::testing::customer;
pub use crate::storage::testing::{drop_postgres_target, fresh_postgres_target, postgres_url, static_field, stores};
