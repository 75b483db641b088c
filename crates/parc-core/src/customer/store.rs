//! Customers and the office's own customer fields, written once for both stores through
//! [`Exec`]. What the two stores keep differently is the search index a customer's save
//! updates: SQLite has two FTS5 tables beside the row (`customer_search`, trigrams;
//! `customer_words`, words), PostgreSQL two columns of the row (`search_key`, trigram GIN
//! index; `search_words`, a tsvector); the search itself is each store's own
//! (`store/search.rs`). Each function runs inside the one
//! transaction its caller opened; data reaching it is already valid.

pub(crate) mod people;
pub(crate) mod role_tally;
pub(crate) mod search;

use std::collections::BTreeMap;

use crate::customer::custom_field;
use crate::customer::custom_field::{CustomField, CustomFieldData, FieldKind};
use crate::customer::store::search::CustomerQuery;
use crate::customer::store::search::ListScope;
use crate::customer::CustomerSummary;
use crate::customer::{Customer, CustomerData};
use crate::ground::audit::{self, describe};
use crate::ground::error::{Error, Result};
use crate::ground::search_key;
use crate::office::reasons::ReasonSettings;
use crate::storage::exec::{check_changed, Cells, Dialect, Exec, Val};
use crate::storage::now;
use crate::storage::trail;
use crate::Store;

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
            errors.push(crate::ground::error::FieldError::new("lead_source", "validation.lead_source"));
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

/// A customer's columns before its assistants, in the order [`customer_from`] reads them.
macro_rules! head {
    () => {
        "id, name, legal_form, street, postal_code, city, region, country, other_address,
         phone, mobile, fax, email, web, vat_id, business_type, market_sectors, ownership, employees,
         annual_turnover, turnover_currency, lead_source, notes, owner_id, archived_at, created_at, updated_at,
         version"
    };
}

/// A customer's columns, its assistants as a JSON list whatever the store.
fn columns(x: &dyn Exec) -> &'static str {
    match x.dialect() {
        Dialect::Sqlite => concat!(
            head!(),
            ", (SELECT json_group_array(user_id) FROM customer_assistant a WHERE a.customer_id = customer.id),
             custom, erp_code"
        ),
        Dialect::Postgres => concat!(
            head!(),
            ", (SELECT COALESCE(json_agg(user_id), '[]')::text FROM customer_assistant a
                 WHERE a.customer_id = customer.id),
             custom, erp_code"
        ),
    }
}

/// The same columns without the assistants (an empty list), for reads of many customers that
/// fetch the assistants in one query of their own.
pub(crate) const COLUMNS_WITHOUT_ASSISTANTS: &str = concat!(head!(), ", '[]', custom, erp_code");

pub(crate) fn customer_from(r: &Cells) -> Result<Customer> {
    Ok(Customer {
        id: r.int(0)?,
        data: CustomerData {
            name: r.text(1)?,
            legal_form: r.text(2)?,
            street: r.text(3)?,
            postal_code: r.text(4)?,
            city: r.text(5)?,
            region: r.text(6)?,
            country: r.text(7)?,
            other_address: r.text(8)?,
            phone: r.text(9)?,
            mobile: r.text(10)?,
            fax: r.text(11)?,
            email: r.text(12)?,
            web: r.text(13)?,
            vat_id: r.text(14)?,
            business_type: r.text(15)?,
            market_sectors: r.text(16)?,
            ownership: r.text(17)?,
            employees: r.opt_int(18)?,
            annual_turnover: r.opt_int(19)?,
            turnover_currency: r.text(20)?,
            lead_source: r.text(21)?,
            notes: r.text(22)?,
            owner_id: r.opt_int(23)?,
            assistant_ids: {
                let mut ids: Vec<i64> = serde_json::from_str(r.str(28)?).unwrap_or_default();
                ids.sort_unstable();
                ids
            },
            custom: serde_json::from_str(r.str(29)?).unwrap_or_default(),
            erp_code: r.text(30)?,
        },
        archived_at: r.opt_text(24)?,
        created_at: r.text(25)?,
        updated_at: r.text(26)?,
        version: r.int(27)?,
    })
}

pub(crate) fn customer(x: &mut dyn Exec, id: i64) -> Result<Option<Customer>> {
    let sql = format!("SELECT {} FROM customer WHERE id = $1", columns(x));
    x.row(&sql, &[id.into()])?.as_ref().map(customer_from).transpose()
}

/// Every customer, by id, for exports and copies.
pub(crate) fn all_customers(x: &mut dyn Exec) -> Result<Vec<Customer>> {
    let sql = format!("SELECT {} FROM customer ORDER BY id", columns(x));
    x.rows(&sql, &[])?.iter().map(customer_from).collect()
}

pub(crate) fn count_customers(x: &mut dyn Exec) -> Result<i64> {
    x.row("SELECT count(*) FROM customer", &[])?.map_or(Ok(0), |r| r.int(0))
}

/// Who holds a VAT id. `vat_id <> ''` repeats the partial index's condition: without it SQLite
/// cannot use the index and every save scans the whole table.
pub(crate) const VAT_OWNER_SQL: &str =
    "SELECT id, name FROM customer WHERE country = $1 AND vat_id = $2 AND vat_id <> '' AND id IS DISTINCT FROM $3";

/// `DuplicateVat` naming the customer who holds `data`'s VAT id, other than `except`.
fn ensure_vat_free(x: &mut dyn Exec, d: &CustomerData, except: Option<i64>) -> Result<()> {
    if d.vat_id.is_empty() {
        return Ok(());
    }
    match x.row(VAT_OWNER_SQL, &[(&d.country).into(), (&d.vat_id).into(), except.into()])? {
        Some(r) => Err(Error::DuplicateVat { existing_id: r.int(0)?, existing_name: r.text(1)? }),
        None => Ok(()),
    }
}

/// A customer's ERP code is the ERP's key for it: two customers never share one.
fn ensure_erp_code_free(x: &mut dyn Exec, d: &CustomerData, except: Option<i64>) -> Result<()> {
    if d.erp_code.is_empty() {
        return Ok(());
    }
    let taken = x.row(
        "SELECT 1 FROM customer WHERE erp_code = $1 AND erp_code <> '' AND id IS DISTINCT FROM $2",
        &[(&d.erp_code).into(), except.into()],
    )?;
    match taken {
        Some(_) => Err(Error::invalid("erp_code", "validation.erp_code_taken")),
        None => Ok(()),
    }
}

/// A customer's keys checked against the others' (`DuplicateVat`; `Validation` on
/// `erp_code`). Also what a save refused by PostgreSQL's unique indexes was refused for, told
/// after its transaction ended: there the indexes are the check when two workstations save
/// the same VAT id or ERP code at once (the checks before the write saw neither).
pub(crate) fn check_keys(x: &mut dyn Exec, d: &CustomerData, except: Option<i64>) -> Result<()> {
    ensure_vat_free(x, d, except)?;
    ensure_erp_code_free(x, d, except)
}

/// The editable columns in table order, then the sort key: the middle of every INSERT and
/// UPDATE of a customer.
fn data_args(d: &CustomerData) -> Vec<Val> {
    vec![
        (&d.name).into(),
        (&d.legal_form).into(),
        (&d.street).into(),
        (&d.postal_code).into(),
        (&d.city).into(),
        (&d.region).into(),
        (&d.country).into(),
        (&d.other_address).into(),
        (&d.phone).into(),
        (&d.mobile).into(),
        (&d.fax).into(),
        (&d.email).into(),
        (&d.web).into(),
        (&d.vat_id).into(),
        (&d.business_type).into(),
        (&d.market_sectors).into(),
        (&d.ownership).into(),
        d.employees.into(),
        d.annual_turnover.into(),
        (&d.turnover_currency).into(),
        (&d.lead_source).into(),
        (&d.notes).into(),
        d.owner_id.into(),
        search_key::fold(&d.name).into(),
    ]
}

pub(crate) fn custom_json(d: &CustomerData) -> String {
    serde_json::to_string(&d.custom).expect("a map of strings serialises")
}

/// The words of the key as tsvector text with positions (`'lodz':3 'trans':1`), so phrase
/// queries over CJK characters work. Tokens are letters and digits only: nothing to escape.
pub(crate) fn tsvector(key: &str) -> String {
    let mut positions: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    // PostgreSQL keeps positions up to 16383.
    for (i, word) in search_key::word_tokens(key).into_iter().enumerate().take(16_000) {
        positions.entry(word).or_default().push(i + 1);
    }
    positions
        .iter()
        .map(|(w, p)| format!("'{w}':{}", p.iter().map(usize::to_string).collect::<Vec<_>>().join(",")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes customer `id`'s search keys: SQLite's FTS5 rows (its row is already saved);
/// PostgreSQL keeps them in the row itself, written by the INSERT or UPDATE ([`search_args`]).
fn write_search_key(x: &mut dyn Exec, id: i64, d: &CustomerData) -> Result<()> {
    if x.dialect() == Dialect::Postgres {
        return Ok(());
    }
    let key = d.search_key();
    x.run("DELETE FROM customer_search WHERE rowid = $1", &[id.into()])?;
    x.run("INSERT INTO customer_search (rowid, key) VALUES ($1, $2)", &[id.into(), (&key).into()])?;
    x.run("DELETE FROM customer_words WHERE rowid = $1", &[id.into()])?;
    x.run("INSERT INTO customer_words (rowid, key) VALUES ($1, $2)", &[id.into(), search_key::words_key(&key).into()])?;
    Ok(())
}

/// PostgreSQL's search columns of a row (none on SQLite), for the statement's last
/// placeholders.
fn search_args(x: &dyn Exec, d: &CustomerData) -> Vec<Val> {
    match x.dialect() {
        Dialect::Sqlite => Vec::new(),
        Dialect::Postgres => {
            let key = d.search_key();
            vec![tsvector(&key).into(), key.into()]
        }
    }
}

/// A new row's assistants (`fresh`: it has none yet), else its assistants replaced.
fn write_assistants(x: &mut dyn Exec, customer_id: i64, user_ids: &[i64], fresh: bool) -> Result<()> {
    if !fresh {
        x.run("DELETE FROM customer_assistant WHERE customer_id = $1", &[customer_id.into()])?;
    }
    for user_id in user_ids {
        x.run(
            "INSERT INTO customer_assistant (customer_id, user_id) VALUES ($1, $2)",
            &[customer_id.into(), (*user_id).into()],
        )?;
    }
    Ok(())
}

/// A customer's row, search keys and assistants as `m` says (a new row gets the next id).
fn insert_row(x: &mut dyn Exec, d: &CustomerData, m: &RowMeta) -> Result<i64> {
    let id = insert_unindexed(x, d, m, None)?;
    write_search_key(x, id, d)?;
    Ok(id)
}

/// A customer's row and assistants, without SQLite's FTS5 rows (an import writes them all at
/// once, after its rows) or history. `change_seq`: its number in SQLite's change clock, taken
/// by a bulk write for all its rows at once; else the insert trigger numbers it.
pub(crate) fn insert_unindexed(
    x: &mut dyn Exec,
    d: &CustomerData,
    m: &RowMeta,
    change_seq: Option<i64>,
) -> Result<i64> {
    let mut args = data_args(d);
    args.extend([
        m.archived_at.map(str::to_string).into(),
        m.created_at.into(),
        m.updated_at.into(),
        m.version.into(),
        custom_json(d).into(),
        (&d.erp_code).into(),
    ]);
    let pg = x.dialect() == Dialect::Postgres;
    args.extend(search_args(x, d));
    args.extend(m.id.map(Val::Int));
    args.extend(change_seq.map(Val::Int));
    let sql = insert_sql(pg, m.id.is_some(), change_seq.is_some());
    let id = x.row(sql, &args)?.map_or(Ok(0), |r| r.int(0))?;
    write_assistants(x, id, &d.assistant_ids, true)?;
    Ok(id)
}

/// The INSERT of a customer for each store (`pg`), with or without its id and change number:
/// made once, as bulk writes run it for every row.
fn insert_sql(pg: bool, with_id: bool, with_seq: bool) -> &'static str {
    static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = SQL.get_or_init(|| {
        let mut all = Vec::new();
        for pg in [false, true] {
            for with_id in [false, true] {
                for with_seq in [false, true] {
                    let mut columns = String::from(
                        "name, legal_form, street, postal_code, city, region, country, other_address, phone, mobile,
                         fax, email, web, vat_id, business_type, market_sectors, ownership, employees,
                         annual_turnover, turnover_currency, lead_source, notes, owner_id, sort_key, archived_at,
                         created_at, updated_at, version, custom, erp_code",
                    );
                    let mut values: Vec<String> = (1..=30).map(|i| format!("${i}")).collect();
                    if pg {
                        columns.push_str(", search_words, search_key");
                        values.push(format!("${}::text::tsvector", values.len() + 1));
                        values.push(format!("${}", values.len() + 1));
                    }
                    for (column, with) in [("id", with_id), ("change_seq", with_seq)] {
                        if with {
                            columns.push_str(", ");
                            columns.push_str(column);
                            values.push(format!("${}", values.len() + 1));
                        }
                    }
                    all.push(format!("INSERT INTO customer ({columns}) VALUES ({}) RETURNING id", values.join(", ")));
                }
            }
        }
        all
    });
    &all[usize::from(pg) * 4 + usize::from(with_id) * 2 + usize::from(with_seq)]
}

/// A new customer: its keys checked (`DuplicateVat`; `Validation` on `erp_code`), its row,
/// search keys, assistants and history.
pub(crate) fn insert_customer(x: &mut dyn Exec, d: &CustomerData, by: Option<i64>) -> Result<i64> {
    check_keys(x, d, None)?;
    let stamp = now();
    let id = insert_row(x, d, &RowMeta::new_row(&stamp))?;
    trail::record(x, audit::CUSTOMER, id, by, None, &serde_json::Value::Null, &stamp)?;
    Ok(id)
}

/// Saves over customer `id` if its version is still `version` (else `Conflict`; `NotFound`
/// when it is gone), with its history.
pub(crate) fn update_customer(
    x: &mut dyn Exec,
    id: i64,
    version: i64,
    d: &CustomerData,
    by: Option<i64>,
) -> Result<()> {
    // Locked on PostgreSQL, so the history's "before" is what this update replaces.
    let lock = if x.dialect() == Dialect::Postgres { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {} FROM customer WHERE id = $1{lock}", columns(x));
    let before = x
        .row(&sql, &[id.into()])?
        .as_ref()
        .map(customer_from)
        .transpose()?
        .ok_or(Error::NotFound { entity: "customer", id })?;
    if before.version != version {
        return Err(Error::Conflict { entity: "customer", id });
    }
    check_keys(x, d, Some(id))?;
    let stamp = now();
    trail::record(x, audit::CUSTOMER, id, by, Some(&describe(&before.data)), &describe(d), &stamp)?;
    let mut args: Vec<Val> = vec![id.into()];
    args.extend(data_args(d));
    args.extend([stamp.into(), custom_json(d).into(), (&d.erp_code).into()]);
    let search = match x.dialect() {
        Dialect::Sqlite => "",
        Dialect::Postgres => ", search_words = $29::text::tsvector, search_key = $30",
    };
    args.extend(search_args(x, d));
    x.run(
        &format!(
            "UPDATE customer SET name = $2, legal_form = $3, street = $4, postal_code = $5, city = $6,
             region = $7, country = $8, other_address = $9, phone = $10, mobile = $11, fax = $12,
             email = $13, web = $14, vat_id = $15, business_type = $16, market_sectors = $17,
             ownership = $18, employees = $19, annual_turnover = $20, turnover_currency = $21,
             lead_source = $22, notes = $23, owner_id = $24, sort_key = $25, updated_at = $26,
             custom = $27, erp_code = $28{search}, version = version + 1
             WHERE id = $1"
        ),
        &args,
    )?;
    write_search_key(x, id, d)?;
    write_assistants(x, id, &d.assistant_ids, false)
}

/// Copies customers as they are (ids, stamps, versions) into an empty store; the caller then
/// makes new ids follow them.
pub(crate) fn restore_customers(x: &mut dyn Exec, rows: &[Customer]) -> Result<()> {
    for c in rows {
        insert_row(x, &c.data, &RowMeta::copy_of(c))?;
    }
    if x.dialect() == Dialect::Postgres {
        x.run("ANALYZE customer", &[])?;
    }
    Ok(())
}

// --- the office's own customer fields ---

const FIELD_COLUMNS: &str = "id, label, kind, choices, retired, position, version";

fn field_from(r: &Cells) -> Result<CustomField> {
    Ok(CustomField {
        id: r.int(0)?,
        data: CustomFieldData {
            label: r.text(1)?,
            kind: FieldKind::parse(r.str(2)?).unwrap_or(FieldKind::Text),
            choices: serde_json::from_str(r.str(3)?).unwrap_or_default(),
            retired: r.boolean(4)?,
        },
        position: r.int(5)?,
        version: r.int(6)?,
    })
}

fn choices_json(d: &CustomFieldData) -> String {
    serde_json::to_string(&d.choices).expect("a list of strings serialises")
}

/// The office's own customer fields, in card order (retired ones too).
pub(crate) fn custom_fields(x: &mut dyn Exec) -> Result<Vec<CustomField>> {
    let sql = format!("SELECT {FIELD_COLUMNS} FROM custom_field ORDER BY position, id");
    x.rows(&sql, &[])?.iter().map(field_from).collect()
}

/// Adds a field at the end of the card.
pub(crate) fn insert_custom_field(x: &mut dyn Exec, d: &CustomFieldData) -> Result<i64> {
    if x.dialect() == Dialect::Postgres {
        // The position is read and written in one statement; the lock keeps two managers' new
        // fields from taking the same place.
        x.run("LOCK TABLE custom_field IN SHARE ROW EXCLUSIVE MODE", &[])?;
    }
    let row = x.row(
        "INSERT INTO custom_field (label, kind, choices, retired, position)
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(max(position), 0) + 1 FROM custom_field))
         RETURNING id",
        &[(&d.label).into(), d.kind.as_str().into(), choices_json(d).into(), d.retired.into()],
    )?;
    row.map_or(Ok(0), |r| r.int(0))
}

/// `Conflict` when `version` is stale, `NotFound` when there is no such field.
pub(crate) fn update_custom_field(x: &mut dyn Exec, id: i64, version: i64, d: &CustomFieldData) -> Result<()> {
    let changed = x.run(
        "UPDATE custom_field SET label = $3, kind = $4, choices = $5, retired = $6, version = version + 1
         WHERE id = $1 AND version = $2",
        &[
            id.into(),
            version.into(),
            (&d.label).into(),
            d.kind.as_str().into(),
            choices_json(d).into(),
            d.retired.into(),
        ],
    )?;
    check_changed(x, changed, "custom_field", "custom_field", id)
}

/// Puts the fields in the order of `ids`.
pub(crate) fn reorder_custom_fields(x: &mut dyn Exec, ids: &[i64]) -> Result<()> {
    for (position, id) in ids.iter().enumerate() {
        x.run("UPDATE custom_field SET position = $2 WHERE id = $1", &[(*id).into(), (position as i64 + 1).into()])?;
    }
    Ok(())
}

/// Copies fields as they are into an empty store; the caller then makes new ids follow them.
pub(crate) fn restore_custom_fields(x: &mut dyn Exec, rows: &[CustomField]) -> Result<()> {
    for f in rows {
        x.run(
            &format!("INSERT INTO custom_field ({FIELD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"),
            &[
                f.id.into(),
                (&f.data.label).into(),
                f.data.kind.as_str().into(),
                choices_json(&f.data).into(),
                f.data.retired.into(),
                f.position.into(),
                f.version.into(),
            ],
        )?;
    }
    Ok(())
}

impl Store {
    /// Validates and saves a new customer.
    pub fn create_customer(&mut self, data: CustomerData) -> Result<Customer> {
        let fields = self.custom_fields()?;
        let reasons = self.reason_settings()?;
        let data = validated_customer(&fields, &reasons, data, &Default::default(), "")?;
        let by = self.actor();
        let id = self.write(|x| insert_customer(x, &data, by)).map_err(|e| self.refused(e, &data, None))?;
        self.customer(id)
    }

    /// A save PostgreSQL's unique indexes refused (another workstation saved the same VAT id
    /// or ERP code meanwhile) told as the checks before the save tell it.
    fn refused(&mut self, e: Error, d: &CustomerData, except: Option<i64>) -> Error {
        if !matches!(e, Error::Postgres(_)) {
            return e;
        }
        match self.read(|x| check_keys(x, d, except)) {
            Err(found @ (Error::DuplicateVat { .. } | Error::Validation(_))) => found,
            _ => e,
        }
    }

    /// Saves `data` over customer `id`, if nobody saved it since `version` was read.
    pub fn update_customer(&mut self, id: i64, version: i64, data: CustomerData) -> Result<Customer> {
        let fields = self.custom_fields()?;
        let reasons = self.reason_settings()?;
        let previous = self.customer(id)?.data;
        let data = validated_customer(&fields, &reasons, data, &previous.custom, &previous.lead_source)?;
        let by = self.actor();
        self.write(|x| update_customer(x, id, version, &data, by)).map_err(|e| self.refused(e, &data, Some(id)))?;
        self.customer(id)
    }

    pub fn customer(&mut self, id: i64) -> Result<Customer> {
        self.read(|x| customer(x, id))?.ok_or(Error::NotFound { entity: "customer", id })
    }

    /// Customers matching every word of the query, case and accents ignored: a word of three
    /// or more characters matches anywhere, a shorter one matches the start of a word (every
    /// Chinese character is a word). Names that start with the query come first, then the
    /// rest by name. See [`crate::customer::EXACT_RANKING_CAP`] for very broad queries.
    pub fn search_customers(&mut self, query: &CustomerQuery) -> Result<Vec<CustomerSummary>> {
        let plan = search_key::plan_query(&query.text);
        let tier = match query.tier.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => Some(
                *crate::customer::TIERS
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
        search::run(self.native(), &plan, scope)
    }

    pub fn count_customers(&mut self) -> Result<i64> {
        self.read(count_customers)
    }

    /// Every customer card, archived ones too, by id: for exports.
    pub fn all_customers(&mut self) -> Result<Vec<Customer>> {
        self.read(all_customers)
    }

    /// Every field, in card order; retired ones are marked and kept for their values.
    pub fn custom_fields(&mut self) -> Result<Vec<CustomField>> {
        self.read(custom_fields)
    }

    /// Adds a field to every customer card. Only the sales manager defines fields.
    pub fn define_custom_field(&mut self, by: Option<i64>, data: CustomFieldData) -> Result<CustomField> {
        self.require_manager(by)?;
        let data = data.validated()?;
        if self.custom_fields()?.len() >= custom_field::MAX_FIELDS {
            return Err(Error::invalid("label", "validation.too_many_fields"));
        }
        let id = self.write(|x| insert_custom_field(x, &data))?;
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
        self.write(|x| update_custom_field(x, id, version, &data))?;
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
        self.write(|x| reorder_custom_fields(x, ids))?;
        self.custom_fields()
    }

    fn custom_field(&mut self, id: i64) -> Result<CustomField> {
        let fields = self.custom_fields()?;
        fields.into_iter().find(|f| f.id == id).ok_or(Error::NotFound { entity: "custom_field", id })
    }
}

#[cfg(test)]
mod fields_tests;
#[cfg(test)]
mod people_tests;
#[cfg(test)]
mod tests;
