//! The CSV exchange's rows, in standard SQL both stores run (see `storage/exec.rs`): the saved
//! profiles, the export queries (paged by id inside one snapshot), and what an import reads to
//! match its rows against stored customers, people, fleet lines and sightings. How a store
//! counts changes is its own: [`Dialect`] tells which predicate selects "changed since the
//! watermark". The import's one write transaction is `store/sqlite.rs` or `store/postgres.rs`.

mod postgres;
mod sqlite;

use std::collections::HashMap;

use crate::customer::person::Person;
use crate::customer::person::PersonData;
use crate::customer::store::validated_customer;
use crate::customer::{Customer, CustomerData};
use crate::exchange::store as exchange;
use crate::exchange::{Entity, Kind, Profile, ProfileData, Watermark};
use crate::fleet::competitor::Sighting;
use crate::fleet::competitor::{CompetitorData, SightingData};
use crate::fleet::FleetLine;
use crate::fleet::FleetLineData;
use crate::ground::error::{Error, Result};
use crate::storage::exec::{id_list, Cells, Dialect, Exec, Val, IN_CHUNK};
use crate::storage::Native;
use crate::Store;
use std::path::Path;

// --- profiles ---

const PROFILE_COLUMNS: &str = "id, kind, name, entity, settings, watermark, last_run_at, last_rows, runs, version";

/// A profile row; `None` for a kind or entity this Parc does not know.
fn profile_from(r: &Cells) -> Result<Option<Profile>> {
    let (Some(kind), Some(entity)) = (Kind::parse(r.str(1)?), Entity::parse(r.str(3)?)) else {
        return Ok(None);
    };
    Ok(Some(Profile {
        id: r.int(0)?,
        data: ProfileData { kind, name: r.text(2)?, entity, settings: r.json(4)? },
        watermark: r.opt_text(5)?,
        last_run_at: r.opt_text(6)?,
        last_rows: r.opt_int(7)?,
        runs: r.int(8)?,
        version: r.int(9)?,
    }))
}

fn settings_json(d: &ProfileData) -> String {
    serde_json::to_string(&d.settings).expect("profile settings serialise")
}

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

/// Every profile, by kind and name (a row of an unknown entity, written by a newer Parc, is
/// left out).
pub(crate) fn profiles(x: &mut dyn Exec) -> Result<Vec<Profile>> {
    let rows = x.rows(&format!("SELECT {PROFILE_COLUMNS} FROM exchange_profile ORDER BY kind, name, id"), &[])?;
    rows.iter().filter_map(|r| profile_from(r).transpose()).collect()
}

/// A name already taken by a profile of the same kind is refused with the field marked.
fn name_taken(x: &mut dyn Exec, d: &ProfileData, except: Option<i64>) -> Result<bool> {
    Ok(x.row(
        "SELECT 1 FROM exchange_profile WHERE kind = $1 AND name = $2 AND id <> $3",
        &[d.kind.code().into(), (&d.name).into(), except.unwrap_or(0).into()],
    )?
    .is_some())
}

pub(crate) fn insert_profile(x: &mut dyn Exec, d: &ProfileData) -> Result<i64> {
    if name_taken(x, d, None)? {
        return Err(Error::invalid("name", "validation.profile_name_taken"));
    }
    let row = x.row(
        "INSERT INTO exchange_profile (kind, name, entity, settings) VALUES ($1, $2, $3, $4) RETURNING id",
        &[d.kind.code().into(), (&d.name).into(), d.entity.code().into(), settings_json(d).into()],
    )?;
    Ok(row.map(|r| r.int(0)).transpose()?.unwrap_or_default())
}

/// Saves an edited profile. A change of what an export sends (entity or columns) makes its
/// next export a full one: the ERP would otherwise miss the new columns of unchanged rows.
pub(crate) fn update_profile(x: &mut dyn Exec, id: i64, version: i64, d: &ProfileData) -> Result<()> {
    let current = x
        .row(&format!("SELECT {PROFILE_COLUMNS} FROM exchange_profile WHERE id = $1"), &[id.into()])?
        .map(|r| profile_from(&r))
        .transpose()?
        .flatten()
        .ok_or(Error::NotFound { entity: "exchange_profile", id })?;
    if current.version != version {
        return Err(Error::Conflict { entity: "exchange_profile", id });
    }
    if name_taken(x, d, Some(id))? {
        return Err(Error::invalid("name", "validation.profile_name_taken"));
    }
    let same_output = current.data.entity == d.entity && current.data.settings.columns == d.settings.columns;
    let watermark = if same_output { current.watermark } else { None };
    let changed = x.run(
        "UPDATE exchange_profile SET kind = $3, name = $4, entity = $5, settings = $6, watermark = $7,
         version = version + 1 WHERE id = $1 AND version = $2",
        &[
            id.into(),
            version.into(),
            d.kind.code().into(),
            (&d.name).into(),
            d.entity.code().into(),
            settings_json(d).into(),
            watermark.into(),
        ],
    )?;
    if changed == 0 {
        return Err(Error::Conflict { entity: "exchange_profile", id });
    }
    Ok(())
}

pub(crate) fn delete_profile(x: &mut dyn Exec, id: i64) -> Result<bool> {
    Ok(x.run("DELETE FROM exchange_profile WHERE id = $1", &[id.into()])? > 0)
}

/// Records an export of profile `id`: its new watermark, when and how many rows, if no other
/// export of it finished since it started (`runs` unchanged); else `Conflict`.
pub(crate) fn record_run(
    x: &mut dyn Exec,
    id: i64,
    runs: i64,
    watermark: Option<&str>,
    at: &str,
    rows: i64,
) -> Result<()> {
    let changed = x.run(
        "UPDATE exchange_profile SET watermark = $3, last_run_at = $4, last_rows = $5, runs = runs + 1
         WHERE id = $1 AND runs = $2",
        &[id.into(), runs.into(), watermark.map(str::to_string).into(), at.into(), rows.into()],
    )?;
    if changed == 0 {
        return Err(Error::Conflict { entity: "exchange_profile", id });
    }
    Ok(())
}

/// Copies profiles into an empty store. Their watermarks count the other store's changes,
/// which mean nothing here: each one's next export is a full one.
pub(crate) fn restore_profiles(x: &mut dyn Exec, rows: &[Profile]) -> Result<()> {
    for p in rows {
        x.run(
            "INSERT INTO exchange_profile (id, kind, name, entity, settings, watermark, last_run_at, last_rows, runs,
             version) VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8, $9)",
            &[
                p.id.into(),
                p.data.kind.code().into(),
                (&p.data.name).into(),
                p.data.entity.code().into(),
                settings_json(&p.data).into(),
                (&p.last_run_at).into(),
                p.last_rows.into(),
                p.runs.into(),
                p.version.into(),
            ],
        )?;
    }
    Ok(())
}

// --- exports ---

/// Where the store's changes stand in the snapshot being read. Read first in a transaction:
/// on PostgreSQL the snapshot is the transaction's.
pub(crate) fn horizon(x: &mut dyn Exec) -> Result<Watermark> {
    match x.dialect() {
        Dialect::Sqlite => {
            let seq =
                x.row("SELECT seq FROM change_clock WHERE id = 1", &[])?.map(|r| r.int(0)).transpose()?.unwrap_or(0);
            Ok(Watermark::Sequence(seq))
        }
        Dialect::Postgres => {
            let snap =
                x.row("SELECT pg_current_snapshot()::text", &[])?.map(|r| r.text(0)).transpose()?.unwrap_or_default();
            Ok(Watermark::Snapshot(snap))
        }
    }
}

/// One entity's export query: its columns (field keys in select order), tables, and the
/// change sequences that make a row "changed".
pub(crate) struct ExportQuery {
    pub columns: &'static [&'static str],
    select: &'static str,
    from: &'static str,
    /// Which rows of `from` are exported at all.
    filter: &'static str,
    id: &'static str,
    seqs: &'static [&'static str],
}

const CUSTOMER_EXPORT: ExportQuery = ExportQuery {
    columns: &[
        "parc_id",
        "erp_code",
        "name",
        "legal_form",
        "street",
        "postal_code",
        "city",
        "region",
        "country",
        "other_address",
        "phone",
        "mobile",
        "fax",
        "email",
        "web",
        "vat_id",
        "business_type",
        "market_sectors",
        "ownership",
        "employees",
        "annual_turnover",
        "turnover_currency",
        "lead_source",
        "notes",
        "owner",
        "archived",
        "created_at",
        "updated_at",
        "person_name",
        "person_position",
        "person_title",
        "person_decision_role",
        "person_phone",
        "person_mobile",
        "person_email",
        "custom",
    ],
    select: "c.id, c.erp_code, c.name, c.legal_form, c.street, c.postal_code, c.city, c.region, c.country,
        c.other_address, c.phone, c.mobile, c.fax, c.email, c.web, c.vat_id, c.business_type, c.market_sectors,
        c.ownership, c.employees, c.annual_turnover, c.turnover_currency, c.lead_source, c.notes, c.owner_id,
        c.archived_at, c.created_at, c.updated_at, p.name, p.position, p.title, p.decision_role, p.phone, p.mobile,
        p.email, c.custom",
    // The main contact's columns come with the customer; a change of them is a change of
    // the customer's row.
    from: "customer c LEFT JOIN person p ON p.customer_id = c.id AND p.is_main",
    filter: "TRUE",
    id: "c.id",
    seqs: &["c.change_seq", "p.change_seq"],
};

const PEOPLE_EXPORT: ExportQuery = ExportQuery {
    columns: &[
        "parc_id",
        "customer_id",
        "customer_erp_code",
        "customer_vat_id",
        "customer_name",
        "name",
        "position",
        "title",
        "decision_role",
        "branch",
        "phone",
        "mobile",
        "email",
        "notes",
        "is_main",
        "active",
    ],
    select: "p.id, p.customer_id, c.erp_code, c.vat_id, c.name, p.name, p.position, p.title, p.decision_role,
        p.branch, p.phone, p.mobile, p.email, p.notes, p.is_main, p.active",
    from: "person p JOIN customer c ON c.id = p.customer_id",
    filter: "TRUE",
    id: "p.id",
    seqs: &["p.change_seq"],
};

const CONTACT_EXPORT: ExportQuery = ExportQuery {
    columns: &[
        "parc_id",
        "customer_id",
        "customer_erp_code",
        "customer_name",
        "happened_at",
        "kind",
        "duration_min",
        "user",
        "agreed",
        "next_action",
        "next_kind",
        "next_due",
        "next_user",
        "next_done_at",
        "next_outcome",
        "created_at",
    ],
    select: "k.id, k.customer_id, c.erp_code, c.name, k.happened_at, k.kind, k.duration_min, k.user_id, k.agreed,
        k.next_action, k.next_kind, k.next_due, k.next_user_id, k.next_done_at, k.next_outcome, k.created_at",
    from: "contact k JOIN customer c ON c.id = k.customer_id",
    filter: "TRUE",
    id: "k.id",
    seqs: &["k.change_seq"],
};

const FLEET_EXPORT: ExportQuery = ExportQuery {
    columns: &[
        "parc_id",
        "customer_id",
        "customer_erp_code",
        "customer_vat_id",
        "customer_country",
        "customer_name",
        "brand",
        "model",
        "category",
        "weight_class",
        "gross_weight_kg",
        "vehicles",
        "vin",
        "plate",
        "first_registered",
        "mileage_km",
        "mileage_read_on",
        "ownership",
        "supplier",
        "renewal_due",
        "renewal_manual",
        "inspection_due",
        "notes",
    ],
    select: "l.id, l.customer_id, c.erp_code, c.vat_id, c.country, c.name, l.brand, l.model, l.category,
        l.weight_class, l.gross_weight_kg, l.vehicles, l.vin, l.plate, l.first_registered, l.mileage_km,
        l.mileage_read_on, l.ownership, l.supplier, l.renewal_due, l.renewal_manual, l.inspection_due, l.notes",
    from: "fleet_line l JOIN customer c ON c.id = l.customer_id",
    filter: "TRUE",
    id: "l.id",
    seqs: &["l.change_seq"],
};

/// Accepted offers (orders): their own columns; the lines are expanded by the export.
const ORDER_EXPORT: ExportQuery = ExportQuery {
    columns: &[
        "parc_id",
        "order_number",
        "revision",
        "customer_id",
        "customer_erp_code",
        "customer_vat_id",
        "customer_name",
        "order_date",
        "offer_date",
        "currency",
        "salesperson",
        "payment_terms",
        "delivery_time",
        "lines",
        "global_discount_bp",
        "trade_ins",
        "line_no",
        "code",
        "description",
        "quantity",
        "unit_price",
        "discount",
        "vat_rate",
        "line_net",
        "order_net",
        "order_vat",
        "order_gross",
        "trade_in",
        "order_total",
    ],
    select: "o.id, o.number, o.revision, o.customer_id, c.erp_code, c.vat_id, c.name, o.decided_on, o.offer_date,
        o.currency, o.salesperson_id, o.payment_terms, o.delivery_time, o.lines, o.global_discount_bp, o.trade_ins",
    from: "offer o JOIN customer c ON c.id = o.customer_id",
    filter: "o.status = 'accepted'",
    id: "o.id",
    seqs: &["o.change_seq"],
};

pub(crate) fn export_query(entity: Entity) -> Option<&'static ExportQuery> {
    match entity {
        Entity::Customers => Some(&CUSTOMER_EXPORT),
        Entity::People => Some(&PEOPLE_EXPORT),
        Entity::Contacts => Some(&CONTACT_EXPORT),
        Entity::Fleet => Some(&FLEET_EXPORT),
        Entity::Orders => Some(&ORDER_EXPORT),
        Entity::Sightings | Entity::PriceList => None,
    }
}

impl ExportQuery {
    /// "Changed since `since`" for this query, with its arguments numbered from `first`;
    /// `None` when everything is wanted.
    fn changed(&self, dialect: Dialect, since: Option<&Watermark>, first: usize) -> (String, Vec<Val>) {
        let Some(since) = since else { return ("TRUE".into(), Vec::new()) };
        let (a, b) = (first, first + 1);
        let one = |seq: &str| match dialect {
            // Every change up to the sequence read was in that export's snapshot.
            Dialect::Sqlite => format!("{seq} > ${a}"),
            // Rows of transactions the snapshot did not see: still running, or not started.
            // Every transaction below its xmin had finished, so the range is indexed.
            Dialect::Postgres => {
                format!("({seq} >= ${a} AND NOT pg_visible_in_snapshot({seq}::text::xid8, ${b}::text::pg_snapshot))")
            }
        };
        let cond = format!("({})", self.seqs.iter().map(|s| one(s)).collect::<Vec<_>>().join(" OR "));
        let args = match (dialect, since) {
            (Dialect::Postgres, Watermark::Snapshot(s)) => vec![since.xmin().into(), s.clone().into()],
            _ => vec![since.xmin().into()],
        };
        (cond, args)
    }

    /// How many rows the export will write.
    pub(crate) fn count(&self, x: &mut dyn Exec, since: Option<&Watermark>) -> Result<i64> {
        let (cond, args) = self.changed(x.dialect(), since, 1);
        let sql = format!("SELECT count(*) FROM {} WHERE {} AND {cond}", self.from, self.filter);
        Ok(x.row(&sql, &args)?.map(|r| r.int(0)).transpose()?.unwrap_or(0))
    }

    /// The next page: up to `limit` rows with ids above `after`, by id.
    pub(crate) fn page(
        &self,
        x: &mut dyn Exec,
        since: Option<&Watermark>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Cells>> {
        let (cond, mut args) = self.changed(x.dialect(), since, 3);
        let sql = format!(
            "SELECT {} FROM {} WHERE {} > $1 AND {} AND {cond} ORDER BY {} LIMIT $2",
            self.select, self.from, self.id, self.filter, self.id
        );
        let mut all = vec![after.into(), limit.into()];
        all.append(&mut args);
        x.rows(&sql, &all)
    }
}

// --- what an import matches against ---

/// What identifies a stored customer: its keys and where it is.
#[derive(Debug, Clone)]
pub(crate) struct CustomerKey {
    pub id: i64,
    pub erp_code: String,
    pub country: String,
    pub vat_id: String,
    pub name: String,
    pub city: String,
}

/// The import's fleet lines and competitor sightings (with the competitors it names first),
/// the same in both stores' write transaction. `tick` hears each row written.
pub(crate) fn write_lines_and_sightings(
    x: &mut dyn Exec,
    w: &crate::exchange::store::ImportWrite,
    by: Option<i64>,
    tick: &mut dyn FnMut() -> Result<()>,
) -> Result<()> {
    crate::fleet::store::insert_lines(x, &w.new_lines, by)?;
    for (id, version, d) in &w.line_updates {
        crate::fleet::store::update_line(x, *id, *version, d, by)?;
        tick()?;
    }
    let mut competitor_ids = Vec::with_capacity(w.new_competitors.len());
    for c in &w.new_competitors {
        competitor_ids.push(crate::fleet::store::competitors::insert_competitor(x, None, c, 1)?);
    }
    for (customer_id, d, new_competitor) in &w.new_sightings {
        crate::fleet::store::competitors::must_exist(x, "customer", "customer", *customer_id)?;
        let mut d = d.clone();
        if let Some(i) = new_competitor {
            d.competitor_id = Some(competitor_ids[*i]);
        } else if let Some(k) = d.competitor_id {
            crate::fleet::store::competitors::must_exist(x, "competitor", "competitor", k)?;
        }
        crate::fleet::store::competitors::insert_sighting(x, None, *customer_id, &d, 1)?;
        tick()?;
    }
    Ok(())
}

pub(crate) fn customer_keys(x: &mut dyn Exec) -> Result<Vec<CustomerKey>> {
    let rows = x.rows("SELECT id, erp_code, country, vat_id, name, city FROM customer ORDER BY id", &[])?;
    rows.iter()
        .map(|r| {
            Ok(CustomerKey {
                id: r.int(0)?,
                erp_code: r.text(1)?,
                country: r.text(2)?,
                vat_id: r.text(3)?,
                name: r.text(4)?,
                city: r.text(5)?,
            })
        })
        .collect()
}

/// Full cards of these customers (with assistants and office fields), by id.
pub(crate) fn customers(x: &mut dyn Exec, ids: &[i64]) -> Result<HashMap<i64, Customer>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let list = id_list(chunk);
        let sql =
            format!("SELECT {} FROM customer WHERE id IN ({list})", crate::customer::store::COLUMNS_WITHOUT_ASSISTANTS);
        for r in &x.rows(&sql, &[])? {
            let c = crate::customer::store::customer_from(r)?;
            out.insert(c.id, c);
        }
        let assistants =
            x.rows(&format!("SELECT customer_id, user_id FROM customer_assistant WHERE customer_id IN ({list})"), &[])?;
        for r in assistants {
            if let Some(c) = out.get_mut(&r.int(0)?) {
                c.data.assistant_ids.push(r.int(1)?);
            }
        }
    }
    for c in out.values_mut() {
        c.data.assistant_ids.sort_unstable();
    }
    Ok(out)
}

/// The people of these customers, by id.
pub(crate) fn people_of(x: &mut dyn Exec, customer_ids: &[i64]) -> Result<Vec<Person>> {
    let mut out = Vec::new();
    for chunk in customer_ids.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT {} FROM person WHERE customer_id IN ({}) ORDER BY id",
            crate::customer::store::people::PERSON_COLUMNS,
            id_list(chunk)
        );
        for r in &x.rows(&sql, &[])? {
            out.push(crate::customer::store::people::person_from(r)?);
        }
    }
    Ok(out)
}

/// The fleet lines of these customers, by id.
pub(crate) fn fleet_of(x: &mut dyn Exec, customer_ids: &[i64]) -> Result<Vec<FleetLine>> {
    let mut out = Vec::new();
    for chunk in customer_ids.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT {} FROM fleet_line WHERE customer_id IN ({}) ORDER BY id",
            crate::fleet::store::COLUMNS,
            id_list(chunk)
        );
        for r in &x.rows(&sql, &[])? {
            out.push(crate::fleet::store::line_from(r)?);
        }
    }
    Ok(out)
}

/// The price sightings of these customers, by id.
pub(crate) fn sightings_of(x: &mut dyn Exec, customer_ids: &[i64]) -> Result<Vec<Sighting>> {
    let mut out = Vec::new();
    for chunk in customer_ids.chunks(IN_CHUNK) {
        let sql = format!(
            "SELECT {} FROM price_sighting WHERE customer_id IN ({}) ORDER BY id",
            crate::fleet::store::competitors::SIGHTING_COLUMNS,
            id_list(chunk)
        );
        for r in &x.rows(&sql, &[])? {
            out.push(crate::fleet::store::competitors::sighting_from(r)?);
        }
    }
    Ok(out)
}

impl Store {
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
        self.apply_import(&w, &mut |_| Ok(()))
    }

    /// An import's planned rows written in one transaction, all or nothing; a customer changed
    /// since the import read it is a `Conflict`. `progress` hears how many rows are written so
    /// far, between batches, and an `Err` it returns (the person cancelled) rolls everything
    /// back. Returns the new customers' ids (the new people's when `w.returns_people`).
    pub(crate) fn apply_import(
        &mut self,
        w: &ImportWrite,
        progress: &mut dyn FnMut(u64) -> Result<()>,
    ) -> Result<Vec<i64>> {
        match self.native() {
            Native::Sqlite(db) => sqlite::apply_import(db, w, progress),
            Native::Postgres(db) => postgres::apply_import(db, w, progress),
        }
    }

    /// Saves many people in one transaction (demo data, imports): all or none. Returns their
    /// ids, in order.
    pub fn create_people_bulk(&mut self, rows: Vec<(i64, PersonData)>) -> Result<Vec<i64>> {
        let new_people =
            rows.into_iter().map(|(c, d)| Ok((CustomerRef::Stored(c), d.validated()?))).collect::<Result<Vec<_>>>()?;
        // The import's write: one path for many new rows, as fast as each store can make it.
        let w = ImportWrite { new_people, returns_people: true, ..ImportWrite::default() };
        self.apply_import(&w, &mut |_| Ok(()))
    }

    // --- CSV exchange with the ERP ---

    /// Every export and import profile, by kind and name. A new office gets the shipped
    /// ones (once: a deleted one does not come back).
    pub fn exchange_profiles(&mut self) -> Result<Vec<Profile>> {
        const SHIPPED: &str = "exchange.shipped_profiles.1";
        if self.operation(SHIPPED)?.is_none() {
            let added = self.once(SHIPPED, |s| {
                s.write(|x| {
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
        self.read(exchange::profiles)
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
            None => self.write(|x| exchange::insert_profile(x, &data))?,
            Some(id) => {
                self.write(|x| exchange::update_profile(x, id, version, &data))?;
                id
            }
        };
        self.exchange_profiles()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(Error::NotFound { entity: "exchange_profile", id })
    }

    pub fn delete_exchange_profile(&mut self, id: i64) -> Result<()> {
        if self.write(|x| exchange::delete_profile(x, id))? {
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
