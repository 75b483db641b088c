//! Storage: the database's ground, naming no feature. A [`Store`] is one open database, either
//! an SQLite file (the embedded default: one workstation, tests, demos) or a PostgreSQL server
//! shared by the workstations of an office, with the same schema and behaviour. Each feature
//! writes its statements once, through [`exec::Exec`], in its own folder (`store.rs`,
//! `rows.rs`); `sqlite/` and `postgres/` keep only connecting and migrations, and [`Native`]
//! opens their own connections to the two things they do differently (the customer search,
//! the import's bulk write).

pub(crate) mod exec;
pub(crate) mod postgres;
pub(crate) mod settings;
pub(crate) mod sqlite;
#[doc(hidden)]
pub mod testing;
pub(crate) mod trail;

pub use postgres::mask_password;
pub(crate) use postgres::raw_client as postgres_client;
pub(crate) use sqlite::integrity;
pub(crate) use sqlite::migrations as sqlite_meta;
pub(crate) use {postgres::Postgres, sqlite::Sqlite};

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ground::audit::Change;
use crate::ground::error::{Error, Result};

/// The schema version this program writes; both dialects have this many migrations.
pub const SCHEMA_VERSION: i64 = sqlite::migrations::LATEST;

/// Where the data is: a file path or a `postgres://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    Postgres(String),
}

impl Target {
    pub fn parse(text: &str) -> Target {
        let t = text.trim();
        if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            Target::Postgres(t.to_string())
        } else {
            Target::File(PathBuf::from(t))
        }
    }
}

/// Shown to people and written to logs: a URL's password is masked.
impl Target {
    /// A short name for a window title: the file's name, or a server's `host/database`
    /// (never the user or password).
    pub fn short_name(&self) -> String {
        match self {
            Target::File(p) => p.file_name().unwrap_or(p.as_os_str()).to_string_lossy().into_owned(),
            Target::Postgres(url) => {
                let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
                let rest = rest.split('?').next().unwrap_or(rest);
                let authority_end = rest.find('/').unwrap_or(rest.len());
                let host_start = rest[..authority_end].rfind('@').map_or(0, |at| at + 1);
                rest[host_start..].to_string()
            }
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Target::File(p) => write!(f, "{}", p.display()),
            Target::Postgres(url) => f.write_str(&postgres::mask_password(url)),
        }
    }
}

/// What a connection test tells: the database is usable, with this much in it.
#[derive(Debug, Serialize)]
pub struct StoreStatus {
    /// The address, password masked.
    pub target: String,
    pub schema_version: i64,
    pub customers: i64,
}

/// Opens `target` (preparing an empty database), and reports what is in it. Every failure is a
/// translated [`Error`]: unreachable server, refused password, missing database, a newer schema.
pub fn probe(target: &Target) -> Result<StoreStatus> {
    let mut store = Store::connect(target)?;
    Ok(StoreStatus {
        target: target.to_string(),
        schema_version: store.schema_version()?,
        customers: store.read(|x| x.row("SELECT count(*) FROM customer", &[])?.map_or(Ok(0), |r| r.int(0)))?,
    })
}

/// What `parc-cli check` prints.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub integrity: String,
    pub schema_version: i64,
    pub counts: BTreeMap<String, i64>,
}

/// One database engine: the kinds of rows it keeps. Every method is one transaction;
/// data reaching it is already valid. Each store implements each part in its own module.
pub(crate) trait Backend: DialectRows + exec::Transact + Send {}

impl<T: DialectRows + exec::Transact + Send> Backend for T {}

/// What a store's next write transaction records beside its change: who makes it (for the
/// audit trail) and the key of the operation it applies (see [`Store::once`]).
#[derive(Debug, Default)]
pub(crate) struct WriteContext {
    pub actor: Option<i64>,
    /// Taken by the next write transaction, which records it or fails with `AlreadyApplied`.
    pub key: Option<String>,
}

/// An operation applied under an idempotency key, and what it returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub key: String,
    /// UTC, RFC 3339.
    pub applied_at: String,
    pub result: serde_json::Value,
}

/// What [`Store::once`] did: applied the operation now, or found it applied before.
#[derive(Debug, Clone, PartialEq)]
pub enum Once<T> {
    Now(T),
    Before(Operation),
}

/// What each store does its own way beside its statements: the schema version, the checks,
/// and the door to its own connection.
pub(crate) trait DialectRows {
    fn schema_version(&mut self) -> Result<i64>;
    fn check(&mut self) -> Result<CheckReport>;
    fn native(&mut self) -> Native<'_>;
}

/// A store's own connection, for the two things the databases do too differently for
/// [`exec::Exec`]: the customer search (FTS5 or pg_trgm, `customer/store/search.rs`) and the
/// import's bulk write (prepared inserts or `COPY`, `exchange/store/`). Everything else reads
/// and writes through [`Store::read`] and [`Store::write`].
pub(crate) enum Native<'a> {
    Sqlite(&'a mut Sqlite),
    Postgres(&'a mut Postgres),
}

pub struct Store {
    /// Private to storage: code outside it reads and writes through the `Store`'s methods
    /// (`read`/`write` for the statements written once through `Exec`).
    backend: Box<dyn Backend>,
    target: Target,
    /// See [`Store::cache`].
    cache: Option<Box<dyn std::any::Any + Send>>,
}

impl Store {
    /// Runs `work` in one read transaction over the statements written once through
    /// [`exec::Exec`]:
    /// how the exchange and the demo read rows without reaching into the backend.
    pub(crate) fn read<T>(&mut self, work: impl FnOnce(&mut dyn exec::Exec) -> Result<T>) -> Result<T> {
        exec::read(&mut *self.backend, work)
    }

    /// Runs `work` in one write transaction over the statements written once through
    /// [`exec::Exec`].
    pub(crate) fn write<T: serde::Serialize>(
        &mut self,
        work: impl FnOnce(&mut dyn exec::Exec) -> Result<T>,
    ) -> Result<T> {
        exec::write(&mut *self.backend, work)
    }

    /// After rows were copied in with their ids: the next new row of `table` gets an id
    /// after theirs.
    pub(crate) fn follow_ids(&mut self, table: &str) -> Result<()> {
        self.backend.follow_ids(table)
    }

    /// The store's own connection (see [`Native`]).
    pub(crate) fn native(&mut self) -> Native<'_> {
        self.backend.native()
    }

    /// What a feature keeps in memory while the data it was read from is unchanged (segments'
    /// facts): one slot, typed by the feature that fills it.
    pub(crate) fn cache<T: Send + 'static>(&mut self) -> &mut Option<T> {
        if !self.cache.as_ref().is_some_and(|c| c.is::<Option<T>>()) {
            self.cache = Some(Box::new(None::<T>));
        }
        self.cache.as_mut().and_then(|c| c.downcast_mut::<Option<T>>()).expect("just set")
    }

    /// Opens (or creates) a Parc database file and brings its schema up to date. A file that
    /// is not a Parc database, or one written by a newer Parc, is refused unchanged.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        Ok(Store { backend: Box::new(sqlite::Sqlite::open(&path)?), target: Target::File(path), cache: None })
    }

    /// A private SQLite database in memory, for tests and throw-away work.
    pub fn open_in_memory() -> Result<Store> {
        Ok(Store {
            backend: Box::new(sqlite::Sqlite::open_in_memory()?),
            target: Target::File(":memory:".into()),
            cache: None,
        })
    }

    /// Opens a file or connects to a server, as `target` says.
    pub fn connect(target: &Target) -> Result<Store> {
        match target {
            Target::File(path) => Store::open(path),
            Target::Postgres(url) => {
                Ok(Store { backend: Box::new(postgres::Postgres::connect(url)?), target: target.clone(), cache: None })
            }
        }
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn schema_version(&mut self) -> Result<i64> {
        self.backend.schema_version()
    }

    /// True when an SQLite file lives on a network filesystem, where its locking is unreliable
    /// and two workstations can corrupt it: the UI warns about it.
    pub fn on_network_filesystem(&self) -> bool {
        match &self.target {
            Target::File(path) => sqlite::is_network_filesystem(path),
            Target::Postgres(_) => false,
        }
    }

    /// Full integrity check plus a row count for every table.
    pub fn check(&mut self) -> Result<CheckReport> {
        self.backend.check()
    }

    /// The quicker check made at start-up: "ok", or the problems SQLite found. A server
    /// keeps its own pages and answers "ok".
    pub fn quick_check(&mut self) -> Result<String> {
        self.read(trail::quick_check)
    }

    /// Names the user in whose name the following changes are made (the audit trail's "who");
    /// `None` for scripts, imports and demo data.
    pub fn set_actor(&mut self, user_id: Option<i64>) {
        self.backend.context().actor = user_id;
    }

    /// The user named by [`Store::set_actor`].
    pub fn actor(&mut self) -> Option<i64> {
        self.backend.context().actor
    }

    /// Applies `f` at most once for `key`: the key is recorded in the same transaction as the
    /// first write `f` makes, with what that write returned, so an operation that may be
    /// retried (an import, a demo load, an offer number) is never applied twice, even when
    /// the program was killed between committing and reporting. `f` must make exactly one
    /// write (one call that saves); an applied key answers [`Once::Before`] with the stored
    /// result (for bulk saves: the new ids).
    pub fn once<T>(&mut self, key: &str, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<Once<T>> {
        if let Some(done) = self.operation(key)? {
            return Ok(Once::Before(done));
        }
        self.backend.context().key = Some(key.to_string());
        let out = f(self);
        self.backend.context().key = None;
        match out {
            Ok(v) => Ok(Once::Now(v)),
            Err(Error::AlreadyApplied { .. }) => match self.operation(key)? {
                Some(done) => Ok(Once::Before(done)),
                None => Err(Error::Corrupt(format!("operation {key} reported applied but not found"))),
            },
            Err(e) => Err(e),
        }
    }

    /// The operation applied under `key`, if any.
    pub fn operation(&mut self, key: &str) -> Result<Option<Operation>> {
        self.read(|x| trail::operation(x, key))
    }

    /// A record's history of changes, oldest first (`entity` is one of [`crate::ground::audit`]'s
    /// kinds).
    pub fn changes(&mut self, entity: &str, entity_id: i64) -> Result<Vec<Change>> {
        self.read(|x| trail::changes(x, entity, entity_id))
    }
}

/// Timestamps are stored as RFC 3339 text in UTC in both dialects, so copies compare equal.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The sort keys that start with `folded`: `[from, to)`.
pub(crate) fn prefix_range(folded: &str) -> (String, String) {
    (folded.to_string(), format!("{folded}\u{10FFFF}"))
}

#[cfg(test)]
mod target_tests {
    use super::Target;

    #[test]
    fn a_short_name_is_the_file_or_the_server_and_database_without_credentials() {
        assert_eq!(Target::parse("/home/anna/.local/share/parc/parc.sqlite3").short_name(), "parc.sqlite3");
        assert_eq!(
            Target::parse("postgres://parc:secret@db.office.lan:5433/parc?sslmode=disable").short_name(),
            "db.office.lan:5433/parc"
        );
        assert_eq!(Target::parse("postgresql://server/crm").short_name(), "server/crm");
    }
}
