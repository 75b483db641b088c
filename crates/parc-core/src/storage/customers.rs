//! Customer rows and their search index (`customer_search`, FTS5 trigram over the folded key).

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::Deserialize;

use super::Store;
use crate::customer::{Customer, CustomerData, CustomerSummary};
use crate::error::{Error, Result};
use crate::search_key;

/// A customer list request: free text (empty lists everyone), archived or not, a page size.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CustomerQuery {
    pub text: String,
    pub include_archived: bool,
    pub limit: u32,
}

impl Default for CustomerQuery {
    fn default() -> Self {
        CustomerQuery { text: String::new(), include_archived: false, limit: 100 }
    }
}

const COLUMNS: &str = "id, name, legal_form, street, postal_code, city, region, country, other_address,
    phone, mobile, fax, email, web, vat_id, business_type, market_sectors, ownership, employees,
    annual_turnover, turnover_currency, lead_source, notes, archived_at, created_at, updated_at, version";

const SUMMARY_COLUMNS: &str = "c.id, c.name, c.city, c.country, c.vat_id, c.phone, c.email, c.archived_at";

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn customer_from_row(r: &Row) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        data: CustomerData {
            name: r.get(1)?,
            legal_form: r.get(2)?,
            street: r.get(3)?,
            postal_code: r.get(4)?,
            city: r.get(5)?,
            region: r.get(6)?,
            country: r.get(7)?,
            other_address: r.get(8)?,
            phone: r.get(9)?,
            mobile: r.get(10)?,
            fax: r.get(11)?,
            email: r.get(12)?,
            web: r.get(13)?,
            vat_id: r.get(14)?,
            business_type: r.get(15)?,
            market_sectors: r.get(16)?,
            ownership: r.get(17)?,
            employees: r.get(18)?,
            annual_turnover: r.get(19)?,
            turnover_currency: r.get(20)?,
            lead_source: r.get(21)?,
            notes: r.get(22)?,
        },
        archived: r.get::<_, Option<String>>(23)?.is_some(),
        created_at: r.get(24)?,
        updated_at: r.get(25)?,
        version: r.get(26)?,
    })
}

fn summary_from_row(r: &Row) -> rusqlite::Result<CustomerSummary> {
    Ok(CustomerSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        city: r.get(2)?,
        country: r.get(3)?,
        vat_id: r.get(4)?,
        phone: r.get(5)?,
        email: r.get(6)?,
        archived: r.get::<_, Option<String>>(7)?.is_some(),
    })
}

/// Who holds a VAT id. `vat_id <> ''` repeats the partial index's condition: without it SQLite
/// cannot use the index and every save scans the whole table.
pub(super) const VAT_OWNER_SQL: &str =
    "SELECT id, name FROM customer WHERE country = ?1 AND vat_id = ?2 AND vat_id <> '' AND id IS NOT ?3";

fn ensure_vat_free(tx: &Transaction, data: &CustomerData, except: Option<i64>) -> Result<()> {
    if data.vat_id.is_empty() {
        return Ok(());
    }
    let existing: Option<(i64, String)> = tx
        .query_row(VAT_OWNER_SQL, params![data.country, data.vat_id, except], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match existing {
        Some((existing_id, existing_name)) => Err(Error::DuplicateVat { existing_id, existing_name }),
        None => Ok(()),
    }
}

fn write_search_key(tx: &Transaction, id: i64, data: &CustomerData) -> Result<()> {
    let key = data.search_key();
    tx.execute("DELETE FROM customer_search WHERE rowid = ?1", [id])?;
    tx.execute("INSERT INTO customer_search (rowid, key) VALUES (?1, ?2)", params![id, key])?;
    tx.execute("DELETE FROM customer_words WHERE rowid = ?1", [id])?;
    tx.execute("INSERT INTO customer_words (rowid, key) VALUES (?1, ?2)", params![id, search_key::words_key(&key)])?;
    Ok(())
}

/// Above this many matches a page is ranked from the first matches only (see `search_customers`).
pub const EXACT_RANKING_CAP: usize = 2000;

/// The sort keys that start with `folded`: `[from, to)`.
fn prefix_range(folded: &str) -> (String, String) {
    (folded.to_string(), format!("{folded}\u{10FFFF}"))
}

impl Store {
    /// Validates and saves a new customer.
    pub fn create_customer(&mut self, data: CustomerData) -> Result<Customer> {
        let data = data.validated()?;
        let id = self.write(|tx| insert_customer(tx, &data))?;
        self.customer(id)
    }

    /// Saves `data` over customer `id`, if nobody saved it since `version` was read.
    pub fn update_customer(&mut self, id: i64, version: i64, data: CustomerData) -> Result<Customer> {
        let data = data.validated()?;
        self.write(|tx| {
            let current: i64 = tx
                .query_row("SELECT version FROM customer WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or(Error::NotFound { entity: "customer", id })?;
            if current != version {
                return Err(Error::Conflict { entity: "customer", id });
            }
            ensure_vat_free(tx, &data, Some(id))?;
            let d = &data;
            tx.execute(
                "UPDATE customer SET name = ?2, legal_form = ?3, street = ?4, postal_code = ?5, city = ?6,
                 region = ?7, country = ?8, other_address = ?9, phone = ?10, mobile = ?11, fax = ?12,
                 email = ?13, web = ?14, vat_id = ?15, business_type = ?16, market_sectors = ?17,
                 ownership = ?18, employees = ?19, annual_turnover = ?20, turnover_currency = ?21,
                 lead_source = ?22, notes = ?23, sort_key = ?24, updated_at = ?25, version = version + 1
                 WHERE id = ?1",
                params![
                    id,
                    d.name,
                    d.legal_form,
                    d.street,
                    d.postal_code,
                    d.city,
                    d.region,
                    d.country,
                    d.other_address,
                    d.phone,
                    d.mobile,
                    d.fax,
                    d.email,
                    d.web,
                    d.vat_id,
                    d.business_type,
                    d.market_sectors,
                    d.ownership,
                    d.employees,
                    d.annual_turnover,
                    d.turnover_currency,
                    d.lead_source,
                    d.notes,
                    search_key::fold(&d.name),
                    now()
                ],
            )?;
            write_search_key(tx, id, d)
        })?;
        self.customer(id)
    }

    pub fn customer(&self, id: i64) -> Result<Customer> {
        self.conn
            .query_row(&format!("SELECT {COLUMNS} FROM customer WHERE id = ?1"), [id], customer_from_row)
            .optional()?
            .ok_or(Error::NotFound { entity: "customer", id })
    }

    /// Archiving hides a customer from lists without losing its history; `restore` undoes it.
    pub fn archive_customer(&mut self, id: i64) -> Result<Customer> {
        self.set_archived(id, true)
    }

    pub fn restore_customer(&mut self, id: i64) -> Result<Customer> {
        self.set_archived(id, false)
    }

    fn set_archived(&mut self, id: i64, archived: bool) -> Result<Customer> {
        let stamp = now();
        let changed = self.write(|tx| {
            Ok(tx.execute(
                "UPDATE customer SET archived_at = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
                params![id, archived.then_some(&stamp), stamp],
            )?)
        })?;
        if changed == 0 {
            return Err(Error::NotFound { entity: "customer", id });
        }
        self.customer(id)
    }

    /// Customers matching every word of the query, case and accents ignored: a word of three
    /// or more characters matches anywhere (trigram index), a shorter one matches the start
    /// of a word (word index; every Chinese character is a word). Names that start with the
    /// query come first, then the rest by name.
    ///
    /// When more than [`EXACT_RANKING_CAP`] customers match, the page is taken from the first
    /// matches in index order rather than all of them: ranking tens of thousands of rows on
    /// every keystroke is what makes a search box slow, and a person narrows such a query anyway.
    pub fn search_customers(&self, query: &CustomerQuery) -> Result<Vec<CustomerSummary>> {
        let plan = search_key::plan_query(&query.text);
        let limit = query.limit.clamp(1, 1000);
        let archived = if query.include_archived { "" } else { "AND c.archived_at IS NULL" };
        let (prefix_from, prefix_to) = prefix_range(&plan.folded);

        let candidates = match (&plan.trigram, &plan.words) {
            (None, None) => {
                // No query: everyone by name, straight from the sort index.
                let sql = format!(
                    "SELECT {SUMMARY_COLUMNS} FROM customer c WHERE 1 {archived} ORDER BY c.sort_key, c.id LIMIT ?1"
                );
                let mut stmt = self.conn.prepare_cached(&sql)?;
                let rows = stmt.query_map([limit], summary_from_row)?.collect::<rusqlite::Result<_>>()?;
                return Ok(rows);
            }
            (Some(tri), None) => self.match_ids(&[("customer_search", tri)])?,
            (None, Some(words)) => self.match_ids(&[("customer_words", words)])?,
            (Some(tri), Some(words)) => self.match_ids(&[("customer_search", tri), ("customer_words", words)])?,
        };
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        // Integers from the index, so formatting them into the statement is safe.
        let ids = candidates.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM customer c WHERE c.id IN ({ids}) {archived}
             ORDER BY (c.sort_key >= ?1 AND c.sort_key < ?2) DESC, c.sort_key, c.id LIMIT ?3"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params![prefix_from, prefix_to, limit], summary_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Row ids matching every `(table, FTS5 expression)`, in rowid order, at most
    /// `EXACT_RANKING_CAP`. Each index streams its matches in rowid order and the streams are
    /// intersected here: SQLite's own plan for an FTS5 match inside `IN (subquery)` was a
    /// hundred times slower than either match alone.
    fn match_ids(&self, matches: &[(&str, &str)]) -> Result<Vec<i64>> {
        let mut stmts = matches
            .iter()
            .map(|(table, _)| self.conn.prepare_cached(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1")))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut streams = stmts
            .iter_mut()
            .zip(matches)
            .map(|(stmt, (_, expr))| stmt.query_map([expr], |r| r.get::<_, i64>(0)))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut heads = Vec::with_capacity(streams.len());
        for s in &mut streams {
            match s.next().transpose()? {
                Some(id) => heads.push(id),
                None => return Ok(Vec::new()),
            }
        }
        let mut ids = Vec::new();
        while ids.len() < EXACT_RANKING_CAP {
            let max = *heads.iter().max().expect("at least one stream");
            let mut all_equal = true;
            for (head, stream) in heads.iter_mut().zip(&mut streams) {
                while *head < max {
                    match stream.next().transpose()? {
                        Some(id) => *head = id,
                        None => return Ok(ids),
                    }
                }
                all_equal &= *head == max;
            }
            if all_equal {
                ids.push(max);
                match streams[0].next().transpose()? {
                    Some(id) => heads[0] = id,
                    None => return Ok(ids),
                }
            }
        }
        Ok(ids)
    }

    pub fn count_customers(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?)
    }

    /// Saves many already-valid customers in one transaction (demo data, imports): all or none.
    pub fn create_customers_bulk(&mut self, rows: Vec<CustomerData>) -> Result<usize> {
        let rows = rows.into_iter().map(CustomerData::validated).collect::<Result<Vec<_>>>()?;
        self.write(|tx| {
            for data in &rows {
                insert_customer(tx, data)?;
            }
            Ok(rows.len())
        })
    }
}

fn insert_customer(tx: &Transaction, d: &CustomerData) -> Result<i64> {
    ensure_vat_free(tx, d, None)?;
    let stamp = now();
    tx.execute(
        "INSERT INTO customer (name, legal_form, street, postal_code, city, region, country, other_address,
         phone, mobile, fax, email, web, vat_id, business_type, market_sectors, ownership, employees,
         annual_turnover, turnover_currency, lead_source, notes, sort_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?24)",
        params![
            d.name,
            d.legal_form,
            d.street,
            d.postal_code,
            d.city,
            d.region,
            d.country,
            d.other_address,
            d.phone,
            d.mobile,
            d.fax,
            d.email,
            d.web,
            d.vat_id,
            d.business_type,
            d.market_sectors,
            d.ownership,
            d.employees,
            d.annual_turnover,
            d.turnover_currency,
            d.lead_source,
            d.notes,
            search_key::fold(&d.name),
            stamp
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_search_key(tx, id, d)?;
    Ok(id)
}
