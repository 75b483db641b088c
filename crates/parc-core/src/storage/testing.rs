//! Test fixtures below every feature (not used by the app). Fresh stores for tests: an in-memory SQLite database always, and a PostgreSQL schema of
//! its own when `PARC_TEST_PG` names a server (README's test command starts one). On CI a
//! missing server is an error, so the PostgreSQL half can never be skipped unnoticed.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::ground::error::Error;
use crate::storage::{Store, Target};

pub fn postgres_url() -> Option<String> {
    match std::env::var("PARC_TEST_PG") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "CI must test PostgreSQL too: set PARC_TEST_PG");
            None
        }
    }
}

/// A URL for a new, empty schema on the test server (extensions live in `public`).
pub fn fresh_postgres_target(url: &str) -> Target {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let schema = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    let mut admin = crate::storage::postgres_client(url).expect("connect to PARC_TEST_PG");
    // Parallel tests race to create the extension; the advisory lock makes them take turns.
    admin
        .batch_execute(&format!(
            "SELECT pg_advisory_xact_lock(42); CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
             CREATE SCHEMA {schema};"
        ))
        .expect("prepare test schema");
    let sep = if url.contains('?') { '&' } else { '?' };
    Target::Postgres(format!("{url}{sep}options=-csearch_path%3D{schema},public"))
}

/// Drops the schema [`fresh_postgres_target`] made for `target` (a benchmark's leftovers).
pub fn drop_postgres_target(url: &str, target: &Target) {
    let Target::Postgres(address) = target else { return };
    let Some(schema) = address.split("search_path%3D").nth(1).and_then(|s| s.split(',').next()) else { return };
    if let Ok(mut admin) = crate::storage::postgres_client(url) {
        let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    }
}

/// Every kind of store, fresh and empty, with a name for failure messages.
pub fn stores() -> Vec<(&'static str, Store)> {
    let mut out = vec![("sqlite", Store::open_in_memory().expect("sqlite store"))];
    if let Some(url) = postgres_url() {
        out.push(("postgres", Store::connect(&fresh_postgres_target(&url)).expect("postgres store")));
    }
    out
}

/// A field name the code wrote as a literal (every field but the office's own ones).
pub fn static_field(field: std::borrow::Cow<'static, str>) -> &'static str {
    match field {
        std::borrow::Cow::Borrowed(name) => name,
        std::borrow::Cow::Owned(name) => panic!("{name} is not a literal field name"),
    }
}

/// Runs `test` on a fresh store of each kind; a failure names the kind.
pub fn each_store(mut test: impl FnMut(&mut Store)) {
    for (kind, mut store) in stores() {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&mut store)));
        if let Err(panic) = outcome {
            let message =
                panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("on {kind}: {}", message.unwrap_or_default());
        }
    }
}

pub fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn field_keys(e: Error) -> Vec<(&'static str, &'static str)> {
    match e {
        Error::Validation(f) => f.into_iter().map(|f| (static_field(f.field), f.key)).collect(),
        other => panic!("{other:?}"),
    }
}
