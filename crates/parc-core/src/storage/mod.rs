//! Storage: the only place with SQL. A [`Store`] is one open database, either an SQLite file
//! (the embedded default: one workstation, tests, demos) or a PostgreSQL server shared by the
//! workstations of an office. Both implement [`Backend`] with the same schema, migrations and
//! behaviour; what is the same for both (validation, query planning) happens here, once.

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
pub(crate) use sqlite::migrations as sqlite_meta;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::audit::Change;
use crate::competitor::{self, Competitor, CompetitorData, CustomerCompetitors, Sighting, SightingData};
use crate::contact::{
    self, Agenda, Attachment, ColdCustomer, Contact, ContactData, ContactRevision, HistoryFilter, Material,
    MaterialData,
};
use crate::custom_field::{self, CustomField, CustomFieldData};
use crate::customer::{Customer, CustomerData, CustomerSummary};
use crate::deal::ReasonSettings;
use crate::error::{Error, Result};
use crate::exchange::{Kind, Profile, ProfileData};
use crate::fleet::{CustomerFleet, FleetLine, FleetLineData, FleetSettings, Saved};
use crate::person::{Person, PersonData};
use crate::search_key::{self, QueryPlan};
use crate::share::{self, MarketShare, Radar, RadarQuery};
use crate::user::{User, UserData, UserRole};

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

    /// Validates and saves a new customer.
    pub fn create_customer(&mut self, data: CustomerData) -> Result<Customer> {
        let fields = self.custom_fields()?;
        let reasons = self.reason_settings()?;
        let data = validated_customer(&fields, &reasons, data, &Default::default(), "")?;
        let by = self.actor();
        let id = self.write(|x| customers::insert_customer(x, &data, by)).map_err(|e| self.refused(e, &data, None))?;
        self.customer(id)
    }

    /// A save PostgreSQL's unique indexes refused (another workstation saved the same VAT id
    /// or ERP code meanwhile) told as the checks before the save tell it.
    fn refused(&mut self, e: Error, d: &CustomerData, except: Option<i64>) -> Error {
        if !matches!(e, Error::Postgres(_)) {
            return e;
        }
        match self.read(|x| customers::check_keys(x, d, except)) {
            Err(found @ (Error::DuplicateVat { .. } | Error::Validation(_))) => found,
            _ => e,
        }
    }

    /// Saves many customers in one transaction (demo data, imports): all or none. Returns
    /// their ids, in order.
    pub fn create_customers_bulk(&mut self, rows: Vec<CustomerData>) -> Result<Vec<i64>> {
        let fields = self.custom_fields()?;
        let reasons = self.reason_settings()?;
        let rows = rows
            .into_iter()
            .map(|d| validated_customer(&fields, &reasons, d, &Default::default(), ""))
            .collect::<Result<Vec<_>>>()?;
        // The same VAT id twice in one batch has no stored owner to point to: say so here.
        let mut seen = std::collections::HashSet::new();
        if rows.iter().any(|d| !d.vat_id.is_empty() && !seen.insert((&d.country, &d.vat_id))) {
            return Err(Error::invalid("vat_id", "validation.vat_repeated"));
        }
        let mut codes = std::collections::HashSet::new();
        if rows.iter().any(|d| !d.erp_code.is_empty() && !codes.insert(&d.erp_code)) {
            return Err(Error::invalid("erp_code", "validation.erp_code_taken"));
        }
        // The import's write: one path for many new rows, as fast as each store can make it.
        let w = ImportWrite { new_customers: rows, ..ImportWrite::default() };
        self.backend.apply_import(&w, &mut |_| Ok(()))
    }

    /// Saves `data` over customer `id`, if nobody saved it since `version` was read.
    pub fn update_customer(&mut self, id: i64, version: i64, data: CustomerData) -> Result<Customer> {
        let fields = self.custom_fields()?;
        let reasons = self.reason_settings()?;
        let previous = self.customer(id)?.data;
        let data = validated_customer(&fields, &reasons, data, &previous.custom, &previous.lead_source)?;
        let by = self.actor();
        self.write(|x| customers::update_customer(x, id, version, &data, by))
            .map_err(|e| self.refused(e, &data, Some(id)))?;
        self.customer(id)
    }

    pub fn customer(&mut self, id: i64) -> Result<Customer> {
        self.read(|x| customers::customer(x, id))?.ok_or(Error::NotFound { entity: "customer", id })
    }

    /// Archiving hides a customer from lists without losing its history; `restore` undoes it.
    pub fn archive_customer(&mut self, id: i64) -> Result<Customer> {
        self.set_archived(id, true)
    }

    pub fn restore_customer(&mut self, id: i64) -> Result<Customer> {
        self.set_archived(id, false)
    }

    fn set_archived(&mut self, id: i64, archived: bool) -> Result<Customer> {
        let by = self.actor();
        if !self.write(|x| customers::set_archived(x, id, archived, by))? {
            return Err(Error::NotFound { entity: "customer", id });
        }
        self.customer(id)
    }

    /// Customers matching every word of the query, case and accents ignored: a word of three
    /// or more characters matches anywhere, a shorter one matches the start of a word (every
    /// Chinese character is a word). Names that start with the query come first, then the
    /// rest by name. See [`EXACT_RANKING_CAP`] for very broad queries.
    pub fn search_customers(&mut self, query: &CustomerQuery) -> Result<Vec<CustomerSummary>> {
        let plan = search_key::plan_query(&query.text);
        let tier = match query.tier.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => Some(
                *crate::report::TIERS
                    .iter()
                    .find(|x| **x == t)
                    .ok_or_else(|| Error::invalid("tier", "validation.choice"))?,
            ),
        };
        let scope = ListScope {
            include_archived: query.include_archived,
            owner_id: query.owner_id,
            tier,
            limit: query.limit.clamp(1, 1000),
        };
        self.backend.search_customers(&plan, scope)
    }

    pub fn count_customers(&mut self) -> Result<i64> {
        self.read(customers::count_customers)
    }

    /// Every customer card, archived ones too, by id: for exports.
    pub fn all_customers(&mut self) -> Result<Vec<Customer>> {
        self.read(customers::all_customers)
    }

    // --- the office's own customer fields ---

    /// Every field, in card order; retired ones are marked and kept for their values.
    pub fn custom_fields(&mut self) -> Result<Vec<CustomField>> {
        self.read(customers::custom_fields)
    }

    /// Adds a field to every customer card. Only the sales manager defines fields.
    pub fn define_custom_field(&mut self, by: Option<i64>, data: CustomFieldData) -> Result<CustomField> {
        self.require_manager(by)?;
        let data = data.validated()?;
        if self.custom_fields()?.len() >= custom_field::MAX_FIELDS {
            return Err(Error::invalid("label", "validation.too_many_fields"));
        }
        let id = self.write(|x| customers::insert_custom_field(x, &data))?;
        self.custom_field(id)
    }

    /// Renames a field, changes its choices or retires it. Its kind stays what it was: the
    /// stored values were checked against it.
    pub fn update_custom_field(
        &mut self,
        by: Option<i64>,
        id: i64,
        version: i64,
        data: CustomFieldData,
    ) -> Result<CustomField> {
        self.require_manager(by)?;
        let current = self.custom_field(id)?;
        if data.kind != current.data.kind {
            return Err(Error::invalid("kind", "validation.kind_fixed"));
        }
        let data = data.validated()?;
        self.write(|x| customers::update_custom_field(x, id, version, &data))?;
        self.custom_field(id)
    }

    /// Sets the order of the fields on the card; `ids` must name every field once.
    pub fn reorder_custom_fields(&mut self, by: Option<i64>, ids: &[i64]) -> Result<Vec<CustomField>> {
        self.require_manager(by)?;
        let mut known: Vec<i64> = self.custom_fields()?.iter().map(|f| f.id).collect();
        let mut asked = ids.to_vec();
        known.sort_unstable();
        asked.sort_unstable();
        if known != asked {
            return Err(Error::Conflict { entity: "custom_field", id: 0 });
        }
        self.write(|x| customers::reorder_custom_fields(x, ids))?;
        self.custom_fields()
    }

    fn custom_field(&mut self, id: i64) -> Result<CustomField> {
        let fields = self.custom_fields()?;
        fields.into_iter().find(|f| f.id == id).ok_or(Error::NotFound { entity: "custom_field", id })
    }

    pub(crate) fn require_manager(&mut self, by: Option<i64>) -> Result<()> {
        let role = match by {
            Some(id) => self.users()?.into_iter().find(|u| u.id == id).map(|u| u.data.role),
            None => None,
        };
        if role.is_some_and(UserRole::manages) {
            Ok(())
        } else {
            Err(Error::ManagerOnly)
        }
    }

    // --- users of the office ---

    pub fn users(&mut self) -> Result<Vec<User>> {
        self.read(people::users)
    }

    pub fn create_user(&mut self, data: UserData) -> Result<User> {
        let data = data.validated()?;
        let id = self.write(|x| people::insert_user(x, &data))?;
        self.user(id)
    }

    pub fn update_user(&mut self, id: i64, version: i64, data: UserData) -> Result<User> {
        let data = data.validated()?;
        self.write(|x| people::update_user(x, id, version, &data))?;
        self.user(id)
    }

    pub fn user(&mut self, id: i64) -> Result<User> {
        self.users()?.into_iter().find(|u| u.id == id).ok_or(Error::NotFound { entity: "user", id })
    }

    // --- people at customers ---

    pub fn people(&mut self, customer_id: i64) -> Result<Vec<Person>> {
        self.read(|x| people::people(x, customer_id))
    }

    pub fn create_person(&mut self, customer_id: i64, data: PersonData) -> Result<Person> {
        let data = data.validated()?;
        let by = self.actor();
        let id = self.write(|x| people::insert_person(x, customer_id, &data, by, true))?;
        self.person(id)
    }

    pub fn update_person(&mut self, id: i64, version: i64, data: PersonData) -> Result<Person> {
        let data = data.validated()?;
        let by = self.actor();
        self.write(|x| people::update_person(x, id, version, &data, by))?;
        self.person(id)
    }

    /// Saves many people in one transaction (demo data, imports): all or none. Returns their
    /// ids, in order.
    pub fn create_people_bulk(&mut self, rows: Vec<(i64, PersonData)>) -> Result<Vec<i64>> {
        let new_people =
            rows.into_iter().map(|(c, d)| Ok((CustomerRef::Stored(c), d.validated()?))).collect::<Result<Vec<_>>>()?;
        // The import's write: one path for many new rows, as fast as each store can make it.
        let w = ImportWrite { new_people, returns_people: true, ..ImportWrite::default() };
        self.backend.apply_import(&w, &mut |_| Ok(()))
    }

    pub fn person(&mut self, id: i64) -> Result<Person> {
        self.read(|x| people::person(x, id))?.ok_or(Error::NotFound { entity: "person", id })
    }

    // --- contacts and next actions ---

    /// Records a contact with a customer, made by user `by`.
    pub fn log_contact(&mut self, customer_id: i64, data: ContactData, by: Option<i64>) -> Result<Contact> {
        let data = data.validated()?;
        let stamp = now();
        let ids = self.write(|x| contacts::insert_contacts(x, &[(customer_id, data, by)], &stamp))?;
        self.contact(ids[0])
    }

    /// Saves many contacts `(customer_id, data, by)` in one transaction: all or none.
    pub fn log_contacts_bulk(&mut self, rows: Vec<(i64, ContactData, Option<i64>)>) -> Result<Vec<i64>> {
        let rows = rows.into_iter().map(|(c, d, by)| Ok((c, d.validated()?, by))).collect::<Result<Vec<_>>>()?;
        let stamp = now();
        self.write(|x| contacts::insert_contacts(x, &rows, &stamp))
    }

    /// Corrects a saved contact; the version before stays visible in its revisions.
    pub fn correct_contact(&mut self, id: i64, version: i64, data: ContactData, by: Option<i64>) -> Result<Contact> {
        let data = data.validated()?;
        let stamp = now();
        self.write(|x| contacts::update_contact(x, id, version, &data, by, &stamp))?;
        self.contact(id)
    }

    pub fn contact(&mut self, id: i64) -> Result<Contact> {
        self.read(|x| {
            let mut contact = contacts::contact(x, id)?.ok_or(Error::NotFound { entity: "contact", id })?;
            contact.attachments = contacts::attachments(x, &[id])?;
            Ok(contact)
        })
    }

    /// A page of a customer's timeline, each contact with its files.
    pub fn contact_history(&mut self, customer_id: i64, filter: &HistoryFilter) -> Result<Vec<Contact>> {
        self.read(|x| {
            let mut page = contacts::contact_history(x, customer_id, filter)?;
            let ids: Vec<i64> = page.iter().map(|c| c.id).collect();
            for a in contacts::attachments(x, &ids)? {
                if let Some(c) = page.iter_mut().find(|c| c.id == a.contact_id) {
                    c.attachments.push(a);
                }
            }
            Ok(page)
        })
    }

    /// Keeps a file with a contact, added by user `by`. The name is reduced to a plain file
    /// name; empty files and files over [`contact::MAX_ATTACHMENT_BYTES`] are refused.
    pub fn attach_file(&mut self, contact_id: i64, name: &str, data: &[u8], by: Option<i64>) -> Result<Attachment> {
        let name = contact::attachment_name(name)?;
        contact::check_attachment(data)?;
        let stamp = now();
        let id = self.write(|x| contacts::insert_attachment(x, contact_id, &name, data, by, &stamp))?;
        Ok(self.attachment(id)?.0)
    }

    /// A stored file with its bytes.
    pub fn attachment(&mut self, id: i64) -> Result<(Attachment, Vec<u8>)> {
        self.read(|x| contacts::attachment_data(x, id))?.ok_or(Error::NotFound { entity: "attachment", id })
    }

    /// Writes a stored file into `dir` (for opening it with the system's viewer) and returns
    /// its path. The file is named after the attachment, in a folder of its own, so two files
    /// of the same name never overwrite each other.
    pub fn export_attachment(&mut self, id: i64, dir: &Path) -> Result<PathBuf> {
        let (meta, data) = self.attachment(id)?;
        let folder = dir.join(format!("attachment-{id}"));
        std::fs::create_dir_all(&folder)?;
        let path = folder.join(contact::attachment_name(&meta.name)?);
        crate::atomic::write(&path, &data)?;
        Ok(path)
    }

    pub fn contact_revisions(&mut self, id: i64) -> Result<Vec<ContactRevision>> {
        self.read(|x| contacts::contact_revisions(x, id))
    }

    /// The open actions of `user_id` (everyone's for `None`) as of `today`: overdue, today,
    /// the next seven days, and planned visits of the next month; materials due and postponed
    /// deals to come back to within the week.
    pub fn agenda(&mut self, user_id: Option<i64>, today: NaiveDate) -> Result<Agenda> {
        let day = |d: NaiveDate| d.format(crate::dates::DATE_FORMAT).to_string();
        // Overdue and coming actions are fetched apart, so a long overdue list cannot crowd
        // today's out of the page.
        let (items, materials) = self.read(|x| {
            let mut items = contacts::open_actions(x, user_id, "", &day(today - chrono::Days::new(1)), 300)?;
            items.extend(contacts::open_actions(x, user_id, &day(today), &day(today + chrono::Days::new(31)), 700)?);
            // Materials go to the customers one owns (everyone's for the office view).
            let materials = contacts::materials_due(x, user_id, &day(today + chrono::Days::new(7)), 300)?;
            Ok((items, materials))
        })?;
        let mut agenda = Agenda::from_items(items, today);
        agenda.materials = materials;
        // Inspections of the coming month; those missed long ago are stale data, not work.
        let from = day(today - chrono::Days::new(SERVICE_OVERDUE_DAYS));
        let until = day(today + chrono::Days::new(30));
        agenda.service = self.read(|x| fleet::inspections_due(x, user_id, &from, &until, 300))?;
        // Postponed deals come back on their day: read from the deal, so moving the day or
        // reviving the deal needs no action to keep in step.
        let until = day(today + chrono::Days::new(7));
        agenda.revisits = exec::read(&mut *self.backend, |x| deals::revisits(x, user_id, &until, 300))?;
        Ok(agenda)
    }

    // --- materials sent regularly ---

    pub fn materials(&mut self, customer_id: i64) -> Result<Vec<Material>> {
        self.read(|x| contacts::materials(x, customer_id))
    }

    pub fn add_material(&mut self, customer_id: i64, data: MaterialData) -> Result<Material> {
        let data = data.validated()?;
        let ids = self.write(|x| contacts::insert_materials(x, &[(customer_id, data)]))?;
        self.material(customer_id, ids[0])
    }

    /// Saves many materials `(customer_id, data)` in one transaction: all or none.
    pub fn add_materials_bulk(&mut self, rows: Vec<(i64, MaterialData)>) -> Result<Vec<i64>> {
        let rows = rows.into_iter().map(|(c, d)| Ok((c, d.validated()?))).collect::<Result<Vec<_>>>()?;
        self.write(|x| contacts::insert_materials(x, &rows))
    }

    /// Saves a material; marking it sent today is an update of `last_sent`.
    pub fn update_material(&mut self, customer_id: i64, id: i64, version: i64, data: MaterialData) -> Result<Material> {
        let data = data.validated()?;
        self.write(|x| contacts::update_material(x, id, version, &data))?;
        self.material(customer_id, id)
    }

    pub fn delete_material(&mut self, id: i64) -> Result<()> {
        if self.write(|x| contacts::delete_material(x, id))? {
            Ok(())
        } else {
            Err(Error::NotFound { entity: "material", id })
        }
    }

    fn material(&mut self, customer_id: i64, id: i64) -> Result<Material> {
        self.materials(customer_id)?.into_iter().find(|m| m.id == id).ok_or(Error::NotFound { entity: "material", id })
    }

    /// Completes the next action of contact `id` with its outcome; `follow_up`, when given, is
    /// logged as a new contact (with its own next action) in the same transaction.
    pub fn complete_action(
        &mut self,
        id: i64,
        outcome: &str,
        follow_up: Option<ContactData>,
        by: Option<i64>,
    ) -> Result<Option<Contact>> {
        let outcome = outcome.trim();
        if outcome.chars().count() > 2000 {
            return Err(Error::invalid("outcome", "validation.too_long"));
        }
        if crate::vat::has_control_in_lines(outcome) {
            return Err(Error::invalid("outcome", "validation.control_chars"));
        }
        let follow_up = follow_up.map(ContactData::validated).transpose()?;
        let stamp = now();
        let new_id = self.write(|x| contacts::complete_action(x, id, outcome, follow_up.as_ref(), by, &stamp))?;
        new_id.map(|id| self.contact(id)).transpose()
    }

    /// Customers of `owner_id` (or all) with no open next action and no contact in the last
    /// `days` days as of `today`.
    pub fn going_cold(
        &mut self,
        owner_id: Option<i64>,
        days: u32,
        today: NaiveDate,
        limit: u32,
    ) -> Result<Vec<ColdCustomer>> {
        let before = (today - chrono::Days::new(u64::from(days))).format(crate::dates::DATE_FORMAT).to_string();
        let before = format!("{before}T00:00");
        let limit = limit.clamp(1, 1000);
        if owner_id.is_some() {
            return self.read(|x| contacts::going_cold(x, owner_id, &before, limit));
        }
        // Everyone's: one indexed walk per owner (and one for customers without an owner),
        // merged here. A single query over all customers cannot use the owner's index for
        // its order and reads every customer.
        let mut owners: Vec<Option<i64>> = self.users()?.into_iter().map(|u| Some(u.id)).collect();
        owners.push(None);
        let mut all = self.read(|x| {
            let mut all = Vec::new();
            for owner in owners {
                all.extend(contacts::going_cold(x, owner, &before, limit)?);
            }
            Ok(all)
        })?;
        // The stores' order: never contacted first, then the longest silent, then by name.
        all.sort_by_cached_key(|c| (c.last_contact_at.clone(), search_key::fold(&c.name), c.customer_id));
        all.truncate(limit as usize);
        Ok(all)
    }

    // --- fleets, share and renewals ---

    /// The office's fleet settings: brands (ours or not), categories and renewal rules.
    pub fn fleet_settings(&mut self) -> Result<FleetSettings> {
        Ok(self.read(fleet::settings)?.0)
    }

    /// Saves the fleet settings edited from `settings.version`; a stale version is a
    /// `Conflict`. Lines whose category's renewal rule changed, and whose renewal was not set
    /// by hand, get the new default in the same transaction.
    pub fn save_fleet_settings(&mut self, settings: FleetSettings) -> Result<FleetSettings> {
        let mut settings = settings.validated()?;
        let (current, raw) = self.read(fleet::settings)?;
        if current.version != settings.version {
            return Err(Error::Conflict { entity: "settings", id: 0 });
        }
        settings.version += 1;
        let recompute = current.changed_rules(&settings);
        let value = serde_json::to_string(&settings).expect("settings serialise");
        let rules = settings.clone();
        let renewal =
            move |d: &FleetLineData| rules.default_renewal(d).map(|d| d.format(crate::dates::DATE_FORMAT).to_string());
        self.write(|x| fleet::save_settings(x, raw.as_deref(), &value, &recompute, &renewal))?;
        Ok(settings)
    }

    /// A customer's fleet with our share of it.
    pub fn fleet(&mut self, customer_id: i64) -> Result<CustomerFleet> {
        let (settings, mut lines) = self.read(|x| Ok((fleet::settings(x)?.0, fleet::lines(x, customer_id)?)))?;
        for l in &mut lines {
            l.ours = settings.is_ours(&l.data.brand);
        }
        let share = share::customer_share(&lines, &settings.categories, |b| settings.is_ours(b));
        Ok(CustomerFleet { lines, share })
    }

    pub fn fleet_line(&mut self, id: i64) -> Result<FleetLine> {
        let (settings, line) = self.read(|x| Ok((fleet::settings(x)?.0, fleet::line(x, id)?)))?;
        let mut line = line.ok_or(Error::NotFound { entity: "fleet_line", id })?;
        line.ours = settings.is_ours(&line.data.brand);
        Ok(line)
    }

    /// Validates and saves a fleet line; a VIN whose check digit does not match is saved
    /// with a warning.
    pub fn add_fleet_line(&mut self, customer_id: i64, data: FleetLineData) -> Result<Saved<FleetLine>> {
        let (data, warnings) = data.validated(&self.fleet_settings()?, today())?;
        let by = self.actor();
        let ids = self.write(|x| fleet::insert_lines(x, &[(customer_id, data)], by))?;
        Ok(Saved { saved: self.fleet_line(ids[0])?, warnings })
    }

    pub fn update_fleet_line(&mut self, id: i64, version: i64, data: FleetLineData) -> Result<Saved<FleetLine>> {
        let (data, warnings) = data.validated(&self.fleet_settings()?, today())?;
        let by = self.actor();
        self.write(|x| fleet::update_line(x, id, version, &data, by))?;
        Ok(Saved { saved: self.fleet_line(id)?, warnings })
    }

    pub fn delete_fleet_line(&mut self, id: i64) -> Result<()> {
        let by = self.actor();
        if self.write(|x| fleet::delete_line(x, id, by))? {
            Ok(())
        } else {
            Err(Error::NotFound { entity: "fleet_line", id })
        }
    }

    /// Saves many fleet lines in one transaction (demo data, imports): all or none. Returns
    /// their ids, in order.
    pub fn create_fleet_bulk(&mut self, rows: Vec<(i64, FleetLineData)>) -> Result<Vec<i64>> {
        let settings = self.fleet_settings()?;
        let today = today();
        let rows =
            rows.into_iter().map(|(c, d)| Ok((c, d.validated(&settings, today)?.0))).collect::<Result<Vec<_>>>()?;
        let by = self.actor();
        self.write(|x| fleet::insert_lines(x, &rows, by))
    }

    /// The office's market share (QM) among its active customers' fleets, by segment and
    /// year of registration, with the brands that hold the most vehicles.
    pub fn market_share(&mut self) -> Result<MarketShare> {
        let (settings, rows) = self.read(|x| Ok((fleet::settings(x)?.0, fleet::share_rows(x)?)))?;
        Ok(share::market_share(&rows, &settings.categories, |b| settings.is_ours(b)))
    }

    /// Vehicles due for renewal in the next `query.months` months as of `today`, grouped by
    /// customer and month.
    pub fn renewal_radar(&mut self, query: &RadarQuery, today: NaiveDate) -> Result<Radar> {
        let (from, until) = share::radar_window(today, query.months);
        let day = |d: NaiveDate| d.format(crate::dates::DATE_FORMAT).to_string();
        let (from_s, until_s) = (day(from), day(until));
        self.read(|x| {
            let settings = fleet::settings(x)?.0;
            let counts = fleet::renewal_counts(x, query.owner_id, &from_s, &until_s, &settings.our_brands())?;
            let mut radar = share::radar(&counts, from, until, query.sort, query.limit.clamp(1, 5000) as usize);
            let ids: Vec<i64> = radar.customers.iter().map(|c| c.customer_id).collect();
            let mut lines = fleet::radar_lines(x, &ids, &from_s, &until_s)?;
            for l in &mut lines {
                l.ours = settings.is_ours(&l.brand);
            }
            share::attach_lines(&mut radar, lines);
            Ok(radar)
        })
    }

    // --- competitors ---

    pub fn competitors(&mut self) -> Result<Vec<Competitor>> {
        self.read(competitors::competitors)
    }

    pub fn create_competitor(&mut self, data: CompetitorData) -> Result<Competitor> {
        let data = data.validated()?;
        let id = self.write(|x| competitors::insert_competitor(x, None, &data, 1))?;
        self.competitor(id)
    }

    pub fn update_competitor(&mut self, id: i64, version: i64, data: CompetitorData) -> Result<Competitor> {
        let data = data.validated()?;
        self.write(|x| competitors::update_competitor(x, id, version, &data))?;
        self.competitor(id)
    }

    fn competitor(&mut self, id: i64) -> Result<Competitor> {
        self.competitors()?.into_iter().find(|c| c.id == id).ok_or(Error::NotFound { entity: "competitor", id })
    }

    /// Which competitors are present at a customer (from its fleet and noted by hand) and
    /// the prices seen there.
    pub fn customer_competitors(&mut self, customer_id: i64) -> Result<CustomerCompetitors> {
        let fleet = self.fleet(customer_id)?;
        let (records, by_hand, sightings) = self.read(|x| {
            Ok((
                competitors::competitors(x)?,
                competitors::customer_competitor_ids(x, customer_id)?,
                competitors::sightings(x, customer_id)?,
            ))
        })?;
        let theirs: Vec<(String, i64)> =
            fleet.share.brands.iter().filter(|b| !b.ours).map(|b| (b.brand.clone(), b.vehicles)).collect();
        Ok(CustomerCompetitors { present: competitor::present(&records, &theirs, &by_hand), sightings })
    }

    /// Notes a competitor as present at a customer (`present`), or takes the note back.
    pub fn note_competitor(&mut self, customer_id: i64, competitor_id: i64, present: bool) -> Result<()> {
        self.write(|x| competitors::set_customer_competitors(x, &[(customer_id, competitor_id, present)]))
    }

    /// Notes many competitors on customers in one transaction (demo data, imports).
    pub fn note_competitors_bulk(&mut self, rows: Vec<(i64, i64)>) -> Result<()> {
        let rows: Vec<(i64, i64, bool)> = rows.into_iter().map(|(c, k)| (c, k, true)).collect();
        self.write(|x| competitors::set_customer_competitors(x, &rows))
    }

    pub fn add_sighting(&mut self, customer_id: i64, data: SightingData) -> Result<Sighting> {
        let data = data.validated()?;
        let ids = self.write(|x| competitors::insert_sightings(x, &[(customer_id, data)]))?;
        self.read(|x| competitors::sightings(x, customer_id))?
            .into_iter()
            .find(|s| s.id == ids[0])
            .ok_or(Error::NotFound { entity: "sighting", id: ids[0] })
    }

    /// Saves many sightings in one transaction: all or none.
    pub fn create_sightings_bulk(&mut self, rows: Vec<(i64, SightingData)>) -> Result<Vec<i64>> {
        let rows = rows.into_iter().map(|(c, d)| Ok((c, d.validated()?))).collect::<Result<Vec<_>>>()?;
        self.write(|x| competitors::insert_sightings(x, &rows))
    }

    pub fn delete_sighting(&mut self, id: i64) -> Result<()> {
        if self.write(|x| competitors::delete_sighting(x, id))? {
            Ok(())
        } else {
            Err(Error::NotFound { entity: "sighting", id })
        }
    }
}

impl Store {
    // --- CSV exchange with the ERP ---

    /// Every export and import profile, by kind and name. A new office gets the shipped
    /// ones (once: a deleted one does not come back).
    pub fn exchange_profiles(&mut self) -> Result<Vec<Profile>> {
        const SHIPPED: &str = "exchange.shipped_profiles.1";
        if self.operation(SHIPPED)?.is_none() {
            let added = self.once(SHIPPED, |s| {
                exec::write(&mut *s.backend, |x| {
                    let have = exchange::profiles(x)?;
                    let mut added = 0;
                    for d in crate::exchange::default_profiles() {
                        if !have.iter().any(|p| p.data.kind == d.kind && p.data.name == d.name) {
                            exchange::insert_profile(x, &d)?;
                            added += 1;
                        }
                    }
                    Ok(added)
                })
            });
            match added {
                Ok(_) | Err(Error::AlreadyApplied { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        exec::read(&mut *self.backend, exchange::profiles)
    }

    /// The profile of `kind` named `name` (`NotFound` when there is none).
    pub fn exchange_profile(&mut self, kind: Kind, name: &str) -> Result<Profile> {
        self.exchange_profiles()?
            .into_iter()
            .find(|p| p.data.kind == kind && p.data.name == name.trim())
            .ok_or(Error::NotFound { entity: "exchange_profile", id: 0 })
    }

    /// Saves a new profile (`id` none) or an edited one (at `version`; a stale one is a
    /// `Conflict`). Changing an export's columns makes its next export a full one.
    pub fn save_exchange_profile(&mut self, id: Option<i64>, version: i64, data: ProfileData) -> Result<Profile> {
        let fields = self.custom_fields()?;
        let data = data.validated(&fields)?;
        let id = match id {
            None => exec::write(&mut *self.backend, |x| exchange::insert_profile(x, &data))?,
            Some(id) => {
                exec::write(&mut *self.backend, |x| exchange::update_profile(x, id, version, &data))?;
                id
            }
        };
        self.exchange_profiles()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(Error::NotFound { entity: "exchange_profile", id })
    }

    pub fn delete_exchange_profile(&mut self, id: i64) -> Result<()> {
        if exec::write(&mut *self.backend, |x| exchange::delete_profile(x, id))? {
            Ok(())
        } else {
            Err(Error::NotFound { entity: "exchange_profile", id })
        }
    }

    /// Runs export profile `name` into the file `out` (see [`crate::exchange::export`]).
    pub fn export_csv(
        &mut self,
        name: &str,
        out: &Path,
        full: bool,
        progress: &mut dyn FnMut(crate::exchange::Progress),
    ) -> Result<crate::exchange::export::ExportReport> {
        crate::exchange::export::run(self, name, out, full, progress)
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
