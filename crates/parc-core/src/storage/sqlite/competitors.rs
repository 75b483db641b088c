//! Competitor records, those noted on customers, and the prices seen, on SQLite.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::people::check_changed;
use super::Sqlite;
use crate::competitor::{Competitor, CompetitorData, Sighting, SightingData};
use crate::error::{Error, Result};
use crate::storage::CompetitorRows;

const SIGHTING_COLUMNS: &str =
    "id, customer_id, competitor_id, seen_on, product, price_minor, currency, conditions, source, version";

fn competitor_from_row(r: &Row) -> rusqlite::Result<Competitor> {
    Ok(Competitor {
        id: r.get(0)?,
        data: CompetitorData {
            brand: r.get(1)?,
            dealer: r.get(2)?,
            contact: r.get(3)?,
            notes: r.get(4)?,
            strengths: r.get(5)?,
            weaknesses: r.get(6)?,
        },
        version: r.get(7)?,
    })
}

fn sighting_from_row(r: &Row) -> rusqlite::Result<Sighting> {
    Ok(Sighting {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        data: SightingData {
            competitor_id: r.get(2)?,
            seen_on: r.get(3)?,
            product: r.get(4)?,
            price_minor: r.get(5)?,
            currency: r.get(6)?,
            conditions: r.get(7)?,
            source: r.get(8)?,
        },
        version: r.get(9)?,
    })
}

pub(super) fn must_exist(tx: &Transaction, table: &str, entity: &'static str, id: i64) -> Result<()> {
    let found =
        tx.prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?.query_row([id], |_| Ok(())).optional()?;
    found.ok_or(Error::NotFound { entity, id })
}

pub(super) fn insert_sighting(
    tx: &Transaction,
    id: Option<i64>,
    customer_id: i64,
    d: &SightingData,
    version: i64,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO price_sighting (id, customer_id, competitor_id, seen_on, product, price_minor, currency,
         conditions, source, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        id,
        customer_id,
        d.competitor_id,
        d.seen_on,
        d.product,
        d.price_minor,
        d.currency,
        d.conditions,
        d.source,
        version
    ])?;
    Ok(tx.last_insert_rowid())
}

pub(super) fn insert_competitor_row(
    tx: &Transaction,
    id: Option<i64>,
    d: &CompetitorData,
    version: i64,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO competitor (id, brand, dealer, contact, notes, strengths, weaknesses, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, d.brand, d.dealer, d.contact, d.notes, d.strengths, d.weaknesses, version],
    )?;
    Ok(tx.last_insert_rowid())
}

impl CompetitorRows for Sqlite {
    fn competitors(&mut self) -> Result<Vec<Competitor>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, brand, dealer, contact, notes, strengths, weaknesses, version FROM competitor
             ORDER BY brand, dealer, id",
        )?;
        let rows = stmt.query_map([], competitor_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn insert_competitor(&mut self, d: &CompetitorData) -> Result<i64> {
        self.write(|tx| insert_competitor_row(tx, None, d, 1))
    }

    fn update_competitor(&mut self, id: i64, version: i64, d: &CompetitorData) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE competitor SET brand = ?3, dealer = ?4, contact = ?5, notes = ?6, strengths = ?7,
                 weaknesses = ?8, version = version + 1 WHERE id = ?1 AND version = ?2",
                params![id, version, d.brand, d.dealer, d.contact, d.notes, d.strengths, d.weaknesses],
            )?;
            check_changed(tx, changed, "competitor", "competitor", id)
        })
    }

    fn customer_competitor_ids(&mut self, customer_id: i64) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT competitor_id FROM customer_competitor WHERE customer_id = ?1 ORDER BY competitor_id",
        )?;
        let rows = stmt.query_map([customer_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn set_customer_competitors(&mut self, rows: &[(i64, i64, bool)]) -> Result<()> {
        self.write(|tx| {
            for &(customer_id, competitor_id, present) in rows {
                must_exist(tx, "customer", "customer", customer_id)?;
                must_exist(tx, "competitor", "competitor", competitor_id)?;
                let sql = if present {
                    "INSERT OR IGNORE INTO customer_competitor (customer_id, competitor_id) VALUES (?1, ?2)"
                } else {
                    "DELETE FROM customer_competitor WHERE customer_id = ?1 AND competitor_id = ?2"
                };
                tx.prepare_cached(sql)?.execute([customer_id, competitor_id])?;
            }
            Ok(())
        })
    }

    fn sightings(&mut self, customer_id: i64) -> Result<Vec<Sighting>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SIGHTING_COLUMNS} FROM price_sighting WHERE customer_id = ?1 ORDER BY seen_on DESC, id DESC"
        ))?;
        let rows = stmt.query_map([customer_id], sighting_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn insert_sightings(&mut self, rows: &[(i64, SightingData)]) -> Result<Vec<i64>> {
        self.write(|tx| {
            rows.iter()
                .map(|(customer_id, d)| {
                    must_exist(tx, "customer", "customer", *customer_id)?;
                    if let Some(k) = d.competitor_id {
                        must_exist(tx, "competitor", "competitor", k)?;
                    }
                    insert_sighting(tx, None, *customer_id, d, 1)
                })
                .collect()
        })
    }

    fn delete_sighting(&mut self, id: i64) -> Result<bool> {
        self.write(|tx| Ok(tx.execute("DELETE FROM price_sighting WHERE id = ?1", [id])? > 0))
    }

    fn all_customer_competitors(&mut self) -> Result<Vec<(i64, i64)>> {
        let mut stmt = self.conn.prepare("SELECT customer_id, competitor_id FROM customer_competitor ORDER BY 1, 2")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn all_sightings(&mut self) -> Result<Vec<Sighting>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {SIGHTING_COLUMNS} FROM price_sighting ORDER BY id"))?;
        let rows = stmt.query_map([], sighting_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_competitors(&mut self, rows: &[Competitor], links: &[(i64, i64)], sightings: &[Sighting]) -> Result<()> {
        self.write(|tx| {
            for c in rows {
                insert_competitor_row(tx, Some(c.id), &c.data, c.version)?;
            }
            for (customer_id, competitor_id) in links {
                tx.execute(
                    "INSERT INTO customer_competitor (customer_id, competitor_id) VALUES (?1, ?2)",
                    [customer_id, competitor_id],
                )?;
            }
            for s in sightings {
                insert_sighting(tx, Some(s.id), s.customer_id, &s.data, s.version)?;
            }
            Ok(())
        })
    }
}
