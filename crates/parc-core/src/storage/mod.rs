//! Storage: the only place with SQL. A [`Store`] is one open database, either an SQLite file
//! (the embedded default: one workstation, tests, demos) or a PostgreSQL server shared by the
//! workstations of an office, with the same schema and behaviour. Every statement is written
//! once, through [`exec::Exec`]; `sqlite/` and `postgres/` keep only what the two databases do
//! differently ([`Backend`]: connecting, migrations, customer search, the import's bulk write).

mod campaigns;
mod competitors;
mod conflict;
mod contacts;
mod copy;
mod customers;
mod deals;
pub(crate) mod exchange;
pub(crate) mod exec;
mod fleet;
pub(crate) mod offers;
pub(crate) mod people;
mod plans;
mod postgres;
mod printing;
mod quoting;
mod reporting;
mod reports;
mod sales;
mod segments;
mod sqlite;
pub(crate) mod trail;

pub use conflict::SaveConflict;
pub use copy::{copy_store, CopyReport};
pub use postgres::mask_password;
pub(crate) use postgres::raw_client as postgres_client;
pub use quoting::{OfferDecision, OfferRecord, OfferView, PriceImport};
pub use reporting::CustomerTier;
pub use sales::{Board, BoardColumn, DealView, Funnel};
pub use segments::SegmentPage;
pub(crate) use sqlite::integrity;
pub(crate) use sqlite::migrations as sqlite_meta;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::audit::Change;
use crate::competitor::{CompetitorData, SightingData};
use crate::custom_field::{self, CustomField};
use crate::customer::{Customer, CustomerData, CustomerSummary};
use crate::deal::ReasonSettings;
use crate::error::{Error, Result};
use crate::fleet::FleetLineData;
use crate::person::PersonData;
use crate::search_key::QueryPlan;

/// The schema version this program writes; both dialects have this many migrations.
pub const SCHEMA_VERSION: i64 = sqlite::migrations::LATEST;

/// Above this many matches a search page is ranked from the first matches in index order:
/// ranking tens of thousands of rows on each keystroke is what makes a search box slow, and
/// a person narrows such a query anyway.
pub const EXACT_RANKING_CAP: usize = 1000;

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
        customers: store.count_customers()?,
    })
}

/// What `parc-cli check` prints.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub integrity: String,
    pub schema_version: i64,
    pub counts: BTreeMap<String, i64>,
}

/// A customer list request: free text (empty lists everyone), archived or not, a page size.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CustomerQuery {
    pub text: String,
    pub include_archived: bool,
    /// Only the customers of this owner ("my customers").
    pub owner_id: Option<i64>,
    /// Only the customers of this tier of the pyramid ("A", "B" or "C").
    pub tier: Option<String>,
    pub limit: u32,
}

impl Default for CustomerQuery {
    fn default() -> Self {
        CustomerQuery { text: String::new(), include_archived: false, owner_id: None, tier: None, limit: 100 }
    }
}

/// What a customer list asks of a store, beside the text: which customers are eligible.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListScope {
    pub include_archived: bool,
    pub owner_id: Option<i64>,
    /// One of [`crate::report::TIERS`].
    pub tier: Option<&'static str>,
    pub limit: u32,
}

/// One database engine: the kinds of rows it keeps. Every method is one transaction;
/// data reaching it is already valid. Each store implements each part in its own module.
pub(crate) trait Backend: DialectRows + ExchangeRows + exec::Transact + Send {}

impl<T: DialectRows + ExchangeRows + exec::Transact + Send> Backend for T {}

/// A customer an import refers to: a stored one, or the n-th one it creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CustomerRef {
    Stored(i64),
    New(usize),
}

/// Everything an import writes, already valid: applied in one transaction or not at all.
#[derive(Debug, Default)]
pub(crate) struct ImportWrite {
    pub new_customers: Vec<CustomerData>,
    /// (id, version read, data)
    pub customer_updates: Vec<(i64, i64, CustomerData)>,
    pub new_people: Vec<(CustomerRef, PersonData)>,
    pub person_updates: Vec<(i64, i64, PersonData)>,
    pub new_lines: Vec<(i64, FleetLineData)>,
    pub line_updates: Vec<(i64, i64, FleetLineData)>,
    pub new_competitors: Vec<CompetitorData>,
    /// (customer, data, the new competitor it names when `data.competitor_id` is none)
    pub new_sightings: Vec<(i64, SightingData, Option<usize>)>,
    pub new_items: Vec<crate::offer::PriceItemData>,
    /// (id, version read, data): a withdrawn item imported again is offered again.
    pub item_updates: Vec<(i64, i64, crate::offer::PriceItemData)>,
    /// The write returns the new people's ids instead of the new customers' (a bulk save of
    /// people returns, and records under its operation key, what it made).
    pub returns_people: bool,
}

impl ImportWrite {
    pub fn rows(&self) -> u64 {
        (self.new_customers.len()
            + self.customer_updates.len()
            + self.new_people.len()
            + self.person_updates.len()
            + self.new_lines.len()
            + self.line_updates.len()
            + self.new_competitors.len()
            + self.new_sightings.len()
            + self.new_items.len()
            + self.item_updates.len()) as u64
    }
}

/// The import's one write.
pub(crate) trait ExchangeRows {
    /// Applies `w` in one transaction, all or nothing; a customer changed since the import
    /// read it is a `Conflict`. `progress` hears how many rows are written so far, between
    /// batches, and an `Err` it returns (the person cancelled) rolls everything back. Returns
    /// the new customers' ids (the new people's when `w.returns_people`).
    fn apply_import(&mut self, w: &ImportWrite, progress: &mut dyn FnMut(u64) -> Result<()>) -> Result<Vec<i64>>;
}

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

/// What each store does its own way for customers (their rows are written once, in
/// `customers.rs`): search (FTS5 or pg_trgm), the schema version
/// and the checks.
pub(crate) trait DialectRows {
    fn schema_version(&mut self) -> Result<i64>;
    fn check(&mut self) -> Result<CheckReport>;
    fn search_customers(&mut self, plan: &QueryPlan, scope: ListScope) -> Result<Vec<CustomerSummary>>;
}

pub struct Store {
    /// Private to storage: code outside it reads and writes through the `Store`'s methods
    /// (`read`/`write` for the statements written once through `Exec`).
    backend: Box<dyn Backend>,
    target: Target,
    /// The facts segments are counted from, while unchanged (see `segments.rs`).
    segment_cache: Option<segments::CachedFacts>,
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

    /// An import's planned rows written in one transaction; `progress` hears the rows written
    /// (an `Err`, Cancel, rolls back).
    pub(crate) fn apply_import(
        &mut self,
        w: &ImportWrite,
        progress: &mut dyn FnMut(u64) -> Result<()>,
    ) -> Result<Vec<i64>> {
        self.backend.apply_import(w, progress)
    }

    /// Opens (or creates) a Parc database file and brings its schema up to date. A file that
    /// is not a Parc database, or one written by a newer Parc, is refused unchanged.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        Ok(Store { backend: Box::new(sqlite::Sqlite::open(&path)?), target: Target::File(path), segment_cache: None })
    }

    /// A private SQLite database in memory, for tests and throw-away work.
    pub fn open_in_memory() -> Result<Store> {
        Ok(Store {
            backend: Box::new(sqlite::Sqlite::open_in_memory()?),
            target: Target::File(":memory:".into()),
            segment_cache: None,
        })
    }

    /// Opens a file or connects to a server, as `target` says.
    pub fn connect(target: &Target) -> Result<Store> {
        match target {
            Target::File(path) => Store::open(path),
            Target::Postgres(url) => Ok(Store {
                backend: Box::new(postgres::Postgres::connect(url)?),
                target: target.clone(),
                segment_cache: None,
            }),
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

    /// A record's history of changes, oldest first (`entity` is one of [`crate::audit`]'s
    /// kinds).
    pub fn changes(&mut self, entity: &str, entity_id: i64) -> Result<Vec<Change>> {
        self.read(|x| trail::changes(x, entity, entity_id))
    }
}

/// How long a missed inspection stays in the agenda's service reminders.
pub const SERVICE_OVERDUE_DAYS: u64 = 90;

/// The workstation's calendar day: what "this year" means when checking a fleet line.
fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// How a row is stored beside its data: new rows get `id: None` (the next id) and version 1;
/// rows copied from another store keep theirs.
pub(crate) struct RowMeta<'a> {
    pub id: Option<i64>,
    pub archived_at: Option<&'a str>,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    pub version: i64,
}

impl<'a> RowMeta<'a> {
    pub fn new_row(stamp: &'a str) -> Self {
        RowMeta { id: None, archived_at: None, created_at: stamp, updated_at: stamp, version: 1 }
    }

    pub fn copy_of(c: &'a Customer) -> Self {
        RowMeta {
            id: Some(c.id),
            archived_at: c.archived_at.as_deref(),
            created_at: &c.created_at,
            updated_at: &c.updated_at,
            version: c.version,
        }
    }
}

/// A customer's own fields checked, then its lead source against the office's sources (one in
/// use, or the one it had: `previous_source`), then the values of the office's fields against
/// their definitions; every problem is reported at once.
pub(crate) fn validated_customer(
    fields: &[CustomField],
    reasons: &ReasonSettings,
    mut data: CustomerData,
    previous: &custom_field::CustomValues,
    previous_source: &str,
) -> Result<CustomerData> {
    let values = std::mem::take(&mut data.custom);
    let mut errors = Vec::new();
    let checked = custom_field::validated_values(fields, values, previous);
    let mut data = match data.validated() {
        Ok(d) => Some(d),
        Err(Error::Validation(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    if let Some(d) = &data {
        if !d.lead_source.is_empty() && !reasons.allows_source(&d.lead_source, previous_source) {
            errors.push(crate::error::FieldError::new("lead_source", "validation.lead_source"));
        }
    }
    match checked {
        Ok(values) => {
            if let Some(d) = data.as_mut() {
                d.custom = values;
            }
        }
        Err(Error::Validation(e)) => errors.extend(e),
        Err(e) => return Err(e),
    }
    match data {
        Some(d) if errors.is_empty() => Ok(d),
        _ => Err(Error::Validation(errors)),
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
mod tests_shared;

#[cfg(test)]
mod tests_campaigns;
#[cfg(test)]
mod tests_offers;
#[cfg(test)]
mod tests_segments;

#[cfg(test)]
mod hostile_tests;

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
