//! Customer rows and their two FTS5 indexes over the folded search key: `customer_search`
//! (trigrams, substring match) and `customer_words` (words, prefix match).

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row, ToSql, Transaction};

use super::{trail, Sqlite};
use crate::audit::{self, describe};
use crate::custom_field::{CustomField, CustomFieldData, FieldKind};
use crate::customer::{Customer, CustomerData, CustomerSummary};
use crate::error::{Error, Result};
use crate::search_key::{self, QueryPlan};
use crate::storage::{now, prefix_range, CheckReport, CustomerRows, ListScope, RowMeta, EXACT_RANKING_CAP};

const COLUMNS: &str = "id, name, legal_form, street, postal_code, city, region, country, other_address,
    phone, mobile, fax, email, web, vat_id, business_type, market_sectors, ownership, employees,
    annual_turnover, turnover_currency, lead_source, notes, owner_id, archived_at, created_at, updated_at, version,
    (SELECT json_group_array(user_id) FROM customer_assistant a WHERE a.customer_id = customer.id), custom, erp_code";

const SUMMARY_COLUMNS: &str = "c.id, c.name, c.city, c.country, c.vat_id, c.phone, c.email, c.owner_id, c.archived_at";

/// Who holds a VAT id. `vat_id <> ''` repeats the partial index's condition: without it SQLite
/// cannot use the index and every save scans the whole table.
pub(super) const VAT_OWNER_SQL: &str =
    "SELECT id, name FROM customer WHERE country = ?1 AND vat_id = ?2 AND vat_id <> '' AND id IS NOT ?3";

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
            owner_id: r.get(23)?,
            assistant_ids: {
                let mut ids: Vec<i64> = serde_json::from_str(&r.get::<_, String>(28)?).unwrap_or_default();
                ids.sort_unstable();
                ids
            },
            custom: serde_json::from_str(&r.get::<_, String>(29)?).unwrap_or_default(),
            erp_code: r.get(30)?,
        },
        archived_at: r.get(24)?,
        created_at: r.get(25)?,
        updated_at: r.get(26)?,
        version: r.get(27)?,
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
        owner_id: r.get(7)?,
        archived: r.get::<_, Option<String>>(8)?.is_some(),
    })
}

fn ensure_vat_free(tx: &Transaction, data: &CustomerData, except: Option<i64>) -> Result<()> {
    if data.vat_id.is_empty() {
        return Ok(());
    }
    let existing: Option<(i64, String)> = tx
        .prepare_cached(VAT_OWNER_SQL)?
        .query_row(params![data.country, data.vat_id, except], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match existing {
        Some((existing_id, existing_name)) => Err(Error::DuplicateVat { existing_id, existing_name }),
        None => Ok(()),
    }
}

/// A customer's ERP code is the ERP's key for it: two customers never share one.
fn ensure_erp_code_free(tx: &Transaction, data: &CustomerData, except: Option<i64>) -> Result<()> {
    if data.erp_code.is_empty() {
        return Ok(());
    }
    let taken = tx
        .prepare_cached("SELECT 1 FROM customer WHERE erp_code = ?1 AND erp_code <> '' AND id IS NOT ?2")?
        .query_row(params![data.erp_code, except], |_| Ok(()))
        .optional()?;
    match taken {
        Some(()) => Err(Error::invalid("erp_code", "validation.erp_code_taken")),
        None => Ok(()),
    }
}

fn write_search_key(tx: &Transaction, id: i64, data: &CustomerData) -> Result<()> {
    let key = data.search_key();
    // Prepared once per connection: bulk saves (imports, demo loads) run these per row.
    tx.prepare_cached("DELETE FROM customer_search WHERE rowid = ?1")?.execute([id])?;
    tx.prepare_cached("INSERT INTO customer_search (rowid, key) VALUES (?1, ?2)")?.execute(params![id, key])?;
    tx.prepare_cached("DELETE FROM customer_words WHERE rowid = ?1")?.execute([id])?;
    tx.prepare_cached("INSERT INTO customer_words (rowid, key) VALUES (?1, ?2)")?
        .execute(params![id, search_key::words_key(&key)])?;
    Ok(())
}

/// The editable columns in table order, then the sort key: the middle of every INSERT and
/// UPDATE of a customer. (`&String`, not `&str`: a `str` cannot be a `&dyn ToSql`.)
#[allow(clippy::ptr_arg)]
fn data_params<'a>(d: &'a CustomerData, sort_key: &'a String) -> [&'a dyn ToSql; 24] {
    [
        &d.name,
        &d.legal_form,
        &d.street,
        &d.postal_code,
        &d.city,
        &d.region,
        &d.country,
        &d.other_address,
        &d.phone,
        &d.mobile,
        &d.fax,
        &d.email,
        &d.web,
        &d.vat_id,
        &d.business_type,
        &d.market_sectors,
        &d.ownership,
        &d.employees,
        &d.annual_turnover,
        &d.turnover_currency,
        &d.lead_source,
        &d.notes,
        &d.owner_id,
        sort_key,
    ]
}

/// The search keys of new customers, `(id, data)`, written after their rows: one statement per
/// `batch` rows and index, `between` told after each batch (an `Err` stops). FTS5 writes its pending terms to disk at every statement savepoint, which
/// each INSERT of a customer (it has triggers) opens: keys written row by row between them
/// were flushed and merged once per customer, most of an import's time.
pub(super) fn write_new_search_keys(
    tx: &Transaction,
    rows: &[(i64, &CustomerData)],
    batch: usize,
    between: &mut dyn FnMut() -> Result<()>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // FTS5 also writes its pending terms out whenever they pass `hashsize` (1 MB), and merges
    // what it wrote: many times over for a big import. Raised for these statements, then set
    // back (to its default, stored explicitly, when it had none). Only for the trigram table:
    // the word table's prefix indexes sort slower in a big hash than they merge (100,000
    // customers: 1.3 s at 1 MB, 2.8 s at 64 MB; the trigrams 2.9 s and 2.2 s).
    const HASH_SIZE: i64 = 64 << 20;
    let previous: Option<i64> =
        tx.query_row("SELECT v FROM customer_search_config WHERE k = 'hashsize'", [], |r| r.get(0)).optional()?;
    let set_hash =
        |size: i64| tx.execute("INSERT INTO customer_search (customer_search, rank) VALUES ('hashsize', ?1)", [size]);
    set_hash(HASH_SIZE)?;
    for rows in rows.chunks(batch) {
        let keys: Vec<(i64, String)> = rows.iter().map(|(id, d)| (*id, d.search_key())).collect();
        let words: Vec<(i64, String)> = keys.iter().map(|(id, k)| (*id, search_key::words_key(k))).collect();
        for (table, list) in [("customer_search", keys), ("customer_words", words)] {
            let json = serde_json::to_string(&list).expect("ids and strings serialise");
            tx.execute(
                &format!(
                    "INSERT INTO {table} (rowid, key)
                     SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)"
                ),
                [json],
            )?;
        }
        between()?;
    }
    set_hash(previous.unwrap_or(1 << 20))?;
    Ok(())
}

/// A new customer's row and assistants, its search keys left to [`write_new_search_keys`] and
/// its history to [`trail::record_created_all`] (an import writes them once all its rows are
/// in), its change number `change_seq` (taken with [`trail::take_change_numbers`]).
pub(super) fn insert_customer_unindexed(
    tx: &Transaction,
    d: &CustomerData,
    meta: &RowMeta,
    change_seq: i64,
) -> Result<i64> {
    ensure_vat_free(tx, d, None)?;
    ensure_erp_code_free(tx, d, None)?;
    let id = insert_plain_row(tx, d, meta, change_seq)?;
    if !d.assistant_ids.is_empty() {
        write_assistants(tx, id, &d.assistant_ids)?;
    }
    Ok(id)
}

fn insert_row(tx: &Transaction, d: &CustomerData, m: &RowMeta) -> Result<i64> {
    let id = insert_plain_row(tx, d, m, 0)?;
    write_search_key(tx, id, d)?;
    write_assistants(tx, id, &d.assistant_ids)?;
    Ok(id)
}

/// The customer's row alone; its change number `change_seq`, or the trigger's when 0.
fn insert_plain_row(tx: &Transaction, d: &CustomerData, m: &RowMeta, change_seq: i64) -> Result<i64> {
    let (sort_key, custom) = (search_key::fold(&d.name), custom_json(d));
    tx.prepare_cached(
        "INSERT INTO customer (id, name, legal_form, street, postal_code, city, region, country, other_address,
         phone, mobile, fax, email, web, vat_id, business_type, market_sectors, ownership, employees,
         annual_turnover, turnover_currency, lead_source, notes, owner_id, sort_key, archived_at, created_at,
         updated_at, version, custom, erp_code, change_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
                 ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)",
    )?
    .execute(params_from_iter([&m.id as &dyn ToSql].into_iter().chain(data_params(d, &sort_key)).chain([
        &m.archived_at as &dyn ToSql,
        &m.created_at,
        &m.updated_at,
        &m.version,
        &custom,
        &d.erp_code,
        &change_seq,
    ])))?;
    Ok(tx.last_insert_rowid())
}

/// A new customer inside the caller's transaction: keys checked, row, search keys, history.
pub(super) fn insert_customer(tx: &Transaction, d: &CustomerData, meta: &RowMeta, by: Option<i64>) -> Result<i64> {
    ensure_vat_free(tx, d, None)?;
    ensure_erp_code_free(tx, d, None)?;
    let id = insert_row(tx, d, meta)?;
    trail::record_created(tx, audit::CUSTOMER, id, by)?;
    Ok(id)
}

/// Saves over customer `id` at `version` inside the caller's transaction (else `Conflict`).
pub(super) fn update_customer_row(
    tx: &Transaction,
    id: i64,
    version: i64,
    d: &CustomerData,
    by: Option<i64>,
) -> Result<()> {
    let before = tx
        .query_row(&format!("SELECT {COLUMNS} FROM customer WHERE id = ?1"), [id], customer_from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "customer", id })?;
    if before.version != version {
        return Err(Error::Conflict { entity: "customer", id });
    }
    trail::record(tx, audit::CUSTOMER, id, by, Some(&describe(&before.data)), &describe(d))?;
    ensure_vat_free(tx, d, Some(id))?;
    ensure_erp_code_free(tx, d, Some(id))?;
    let (sort_key, now, custom) = (search_key::fold(&d.name), now(), custom_json(d));
    tx.execute(
        "UPDATE customer SET name = ?2, legal_form = ?3, street = ?4, postal_code = ?5, city = ?6,
                 region = ?7, country = ?8, other_address = ?9, phone = ?10, mobile = ?11, fax = ?12,
                 email = ?13, web = ?14, vat_id = ?15, business_type = ?16, market_sectors = ?17,
                 ownership = ?18, employees = ?19, annual_turnover = ?20, turnover_currency = ?21,
                 lead_source = ?22, notes = ?23, owner_id = ?24, sort_key = ?25, updated_at = ?26,
                 custom = ?27, erp_code = ?28, version = version + 1
                 WHERE id = ?1",
        params_from_iter([&id as &dyn ToSql].into_iter().chain(data_params(d, &sort_key)).chain([
            &now as &dyn ToSql,
            &custom,
            &d.erp_code,
        ])),
    )?;
    write_search_key(tx, id, d)?;
    write_assistants(tx, id, &d.assistant_ids)
}

const FIELD_COLUMNS: &str = "id, label, kind, choices, retired, position, version";

fn field_from_row(r: &Row) -> rusqlite::Result<CustomField> {
    Ok(CustomField {
        id: r.get(0)?,
        data: CustomFieldData {
            label: r.get(1)?,
            kind: FieldKind::parse(&r.get::<_, String>(2)?).unwrap_or(FieldKind::Text),
            choices: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
            retired: r.get(4)?,
        },
        position: r.get(5)?,
        version: r.get(6)?,
    })
}

fn choices_json(d: &CustomFieldData) -> String {
    serde_json::to_string(&d.choices).expect("a list of strings serialises")
}

fn custom_json(d: &CustomerData) -> String {
    serde_json::to_string(&d.custom).expect("a map of strings serialises")
}

fn write_assistants(tx: &Transaction, customer_id: i64, user_ids: &[i64]) -> Result<()> {
    tx.prepare_cached("DELETE FROM customer_assistant WHERE customer_id = ?1")?.execute([customer_id])?;
    for user_id in user_ids {
        tx.execute("INSERT INTO customer_assistant (customer_id, user_id) VALUES (?1, ?2)", [customer_id, *user_id])?;
    }
    Ok(())
}

/// FTS5 expressions for the plan: quoted phrases, so nothing typed is read as FTS5 syntax.
fn fts_expressions(plan: &QueryPlan) -> (Option<String>, Option<String>) {
    let quote = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    let join = |v: Vec<String>| (!v.is_empty()).then(|| v.join(" AND "));
    let substrings = join(plan.substrings.iter().map(|t| quote(t)).collect());
    let prefixes = join(plan.word_prefixes.iter().map(|w| format!("{}*", quote(&w.join(" ")))).collect());
    (substrings, prefixes)
}

impl Sqlite {
    /// Row ids in every one of `streams` (queries returning ids in ascending order, each with
    /// one parameter), at most `EXACT_RANKING_CAP`. The streams are intersected here: SQLite's
    /// own plan for an FTS5 match inside `IN (subquery)` was a hundred times slower than
    /// either match alone.
    fn match_ids(&self, streams: &[(&str, Value)]) -> Result<Vec<i64>> {
        let mut stmts =
            streams.iter().map(|(sql, _)| self.conn.prepare_cached(sql)).collect::<rusqlite::Result<Vec<_>>>()?;
        let mut streams = stmts
            .iter_mut()
            .zip(streams)
            .map(|(stmt, (_, param))| stmt.query_map([param], |r| r.get::<_, i64>(0)))
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
}

impl CustomerRows for Sqlite {
    fn schema_version(&mut self) -> Result<i64> {
        super::migrations::schema_version(&self.conn)
    }

    fn check(&mut self) -> Result<CheckReport> {
        Sqlite::check(self)
    }

    fn insert_customers(&mut self, rows: &[CustomerData]) -> Result<Vec<i64>> {
        let stamp = now();
        let meta = RowMeta::new_row(&stamp);
        let by = self.ctx.actor;
        self.write(|tx| rows.iter().map(|d| insert_customer(tx, d, &meta, by)).collect())
    }

    fn update_customer(&mut self, id: i64, version: i64, d: &CustomerData) -> Result<()> {
        let by = self.ctx.actor;
        self.write(|tx| update_customer_row(tx, id, version, d, by))
    }

    fn set_archived(&mut self, id: i64, archived: bool) -> Result<bool> {
        let stamp = now();
        let by = self.ctx.actor;
        let changed = self.write(|tx| {
            let was: Option<bool> = tx
                .query_row("SELECT archived_at IS NOT NULL FROM customer WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            let changed = tx.execute(
                "UPDATE customer SET archived_at = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
                params![id, archived.then_some(&stamp), stamp],
            )?;
            if let Some(was) = was {
                // An archived customer's fleet leaves the office's market share, and comes back.
                if was != archived {
                    super::fleet::share_customer(tx, id, if archived { -1 } else { 1 })?;
                }
                let side = |a: bool| serde_json::json!({ "archived": a });
                trail::record(tx, audit::CUSTOMER, id, by, Some(&side(was)), &side(archived))?;
            }
            Ok(changed)
        })?;
        Ok(changed > 0)
    }

    fn customer(&mut self, id: i64) -> Result<Option<Customer>> {
        let sql = format!("SELECT {COLUMNS} FROM customer WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], customer_from_row).optional()?)
    }

    fn search_customers(&mut self, plan: &QueryPlan, scope: ListScope) -> Result<Vec<CustomerSummary>> {
        let archived = if scope.include_archived { "" } else { "AND c.archived_at IS NULL" };
        let mut owner = match scope.owner_id {
            Some(id) => format!("AND c.owner_id = {id}"),
            None => String::new(),
        };
        if let Some(tier) = scope.tier {
            // One of three fixed letters, so formatting it into the statement is safe.
            owner.push_str(&format!(" AND c.id IN (SELECT customer_id FROM customer_tier WHERE tier = '{tier}')"));
        }
        let (substrings, prefixes) = fts_expressions(plan);
        let mut streams: Vec<(&str, Value)> = Vec::new();
        if let Some(sub) = substrings {
            streams.push(("SELECT rowid FROM customer_search WHERE customer_search MATCH ?1", Value::Text(sub)));
        }
        if let Some(words) = prefixes {
            streams.push(("SELECT rowid FROM customer_words WHERE customer_words MATCH ?1", Value::Text(words)));
        }
        if streams.is_empty() {
            // No query: everyone (or the owner's customers) by name, straight from a sort index.
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM customer c WHERE 1 {archived} {owner} ORDER BY c.sort_key, c.id LIMIT ?1"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([scope.limit], summary_from_row)?.collect::<rusqlite::Result<_>>()?;
            return Ok(rows);
        }
        if let Some(owner_id) = scope.owner_id {
            // The owner's customers in id order, so "my customers" are ranked before the cap.
            streams.push(("SELECT id FROM customer WHERE owner_id = ?1 ORDER BY id", Value::Integer(owner_id)));
        }
        if let Some(tier) = scope.tier {
            streams.push((
                "SELECT customer_id FROM customer_tier WHERE tier = ?1 ORDER BY customer_id",
                Value::Text(tier.to_string()),
            ));
        }
        let candidates = self.match_ids(&streams)?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        // Integers from the index, so formatting them into the statement is safe.
        let ids = candidates.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM customer c WHERE c.id IN ({ids}) {archived}
             ORDER BY (c.sort_key >= ?1 AND c.sort_key < ?2) DESC, c.sort_key, c.id LIMIT ?3"
        );
        let (from, to) = prefix_range(&plan.folded);
        let mut stmt = self.conn.prepare(&sql)?;
        let rows =
            stmt.query_map(params![from, to, scope.limit], summary_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn count_customers(&mut self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM customer", [], |r| r.get(0))?)
    }

    fn all_customers(&mut self) -> Result<Vec<Customer>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM customer ORDER BY id"))?;
        let rows = stmt.query_map([], customer_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_customers(&mut self, rows: &[Customer]) -> Result<()> {
        self.write(|tx| {
            for c in rows {
                let meta = RowMeta::copy_of(c);
                insert_row(tx, &c.data, &meta)?;
            }
            Ok(())
        })
    }

    fn custom_fields(&mut self) -> Result<Vec<CustomField>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {FIELD_COLUMNS} FROM custom_field ORDER BY position, id"))?;
        let rows = stmt.query_map([], field_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn insert_custom_field(&mut self, d: &CustomFieldData) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO custom_field (label, kind, choices, retired, position)
                 VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(max(position), 0) + 1 FROM custom_field))",
                params![d.label, d.kind.as_str(), choices_json(d), d.retired],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    fn update_custom_field(&mut self, id: i64, version: i64, d: &CustomFieldData) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE custom_field SET label = ?3, kind = ?4, choices = ?5, retired = ?6, version = version + 1
                 WHERE id = ?1 AND version = ?2",
                params![id, version, d.label, d.kind.as_str(), choices_json(d), d.retired],
            )?;
            super::people::check_changed(tx, changed, "custom_field", "custom_field", id)
        })
    }

    fn reorder_custom_fields(&mut self, ids: &[i64]) -> Result<()> {
        self.write(|tx| {
            for (position, id) in ids.iter().enumerate() {
                tx.execute("UPDATE custom_field SET position = ?2 WHERE id = ?1", params![id, position as i64 + 1])?;
            }
            Ok(())
        })
    }

    fn restore_custom_fields(&mut self, rows: &[CustomField]) -> Result<()> {
        self.write(|tx| {
            for f in rows {
                tx.execute(
                    &format!("INSERT INTO custom_field ({FIELD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                    params![
                        f.id,
                        f.data.label,
                        f.data.kind.as_str(),
                        choices_json(&f.data),
                        f.data.retired,
                        f.position,
                        f.version
                    ],
                )?;
            }
            Ok(())
        })
    }
}
