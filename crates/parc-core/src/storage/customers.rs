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

fn ensure_vat_free(tx: &Transaction, data: &CustomerData, except: Option<i64>) -> Result<()> {
    if data.vat_id.is_empty() {
        return Ok(());
    }
    let existing: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, name FROM customer WHERE country = ?1 AND vat_id = ?2 AND id IS NOT ?3",
            params![data.country, data.vat_id, except],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match existing {
        Some((existing_id, existing_name)) => Err(Error::DuplicateVat { existing_id, existing_name }),
        None => Ok(()),
    }
}

fn write_search_key(tx: &Transaction, id: i64, data: &CustomerData) -> Result<()> {
    tx.execute("DELETE FROM customer_search WHERE rowid = ?1", [id])?;
    tx.execute("INSERT INTO customer_search (rowid, key) VALUES (?1, ?2)", params![id, data.search_key()])?;
    Ok(())
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

    /// Customers matching every word of the query (substring, folded: case and accents do
    /// not matter), sorted by name. Words of three or more characters go through the trigram
    /// index; shorter ones filter what it returns, or scan when the query has no long word.
    pub fn search_customers(&self, query: &CustomerQuery) -> Result<Vec<CustomerSummary>> {
        let folded = search_key::fold_query(&query.text);
        let terms: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
        let limit = query.limit.clamp(1, 1000);
        let (long, short): (Vec<&str>, Vec<&str>) = terms.iter().partition(|t| t.chars().count() >= 3);

        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM customer c");
        let mut args: Vec<String> = Vec::new();
        let mut conds: Vec<String> = Vec::new();
        if !long.is_empty() {
            // Each word is a quoted FTS5 phrase: a trigram phrase matches as a substring.
            let expr = long.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect::<Vec<_>>().join(" AND ");
            sql.push_str(" JOIN customer_search s ON s.rowid = c.id");
            args.push(expr);
            conds.push(format!("s.key MATCH ?{}", args.len()));
        } else if !short.is_empty() {
            sql.push_str(" JOIN customer_search s ON s.rowid = c.id");
        }
        for t in &short {
            args.push(t.to_string());
            conds.push(format!("instr(s.key, ?{}) > 0", args.len()));
        }
        if !query.include_archived {
            conds.push("c.archived_at IS NULL".into());
        }
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        sql.push_str(&format!(" ORDER BY c.sort_key, c.id LIMIT {limit}"));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), summary_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
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
