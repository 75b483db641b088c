//! Competitor records, those noted on customers, and the prices seen, on PostgreSQL: the
//! behaviour of `sqlite/competitors.rs` in this dialect.

use postgres::{Row, Transaction};

use super::people::{check_changed, follow_ids, write};
use super::Postgres;
use crate::competitor::{Competitor, CompetitorData, Sighting, SightingData};
use crate::error::{Error, Result};
use crate::storage::CompetitorRows;

const SIGHTING_COLUMNS: &str =
    "id, customer_id, competitor_id, seen_on, product, price_minor, currency, conditions, source, version";

const INSERT_SIGHTING_SQL: &str = "INSERT INTO price_sighting (id, customer_id, competitor_id, seen_on, product,
     price_minor, currency, conditions, source, version)
     VALUES (COALESCE($1, nextval(pg_get_serial_sequence('price_sighting', 'id'))), $2, $3, $4, $5, $6, $7, $8,
             $9, $10)
     RETURNING id";

const INSERT_COMPETITOR_SQL: &str = "INSERT INTO competitor (id, brand, dealer, contact, notes, strengths,
     weaknesses, version)
     VALUES (COALESCE($1, nextval(pg_get_serial_sequence('competitor', 'id'))), $2, $3, $4, $5, $6, $7, $8)
     RETURNING id";

fn competitor_from_row(r: &Row) -> Competitor {
    Competitor {
        id: r.get(0),
        data: CompetitorData {
            brand: r.get(1),
            dealer: r.get(2),
            contact: r.get(3),
            notes: r.get(4),
            strengths: r.get(5),
            weaknesses: r.get(6),
        },
        version: r.get(7),
    }
}

fn sighting_from_row(r: &Row) -> Sighting {
    Sighting {
        id: r.get(0),
        customer_id: r.get(1),
        data: SightingData {
            competitor_id: r.get(2),
            seen_on: r.get(3),
            product: r.get(4),
            price_minor: r.get(5),
            currency: r.get(6),
            conditions: r.get(7),
            source: r.get(8),
        },
        version: r.get(9),
    }
}

pub(super) fn must_exist(tx: &mut Transaction, table: &str, entity: &'static str, id: i64) -> Result<()> {
    let found = tx.query_opt(&format!("SELECT 1 FROM {table} WHERE id = $1"), &[&id])?;
    found.map(|_| ()).ok_or(Error::NotFound { entity, id })
}

pub(super) fn insert_sighting(
    tx: &mut Transaction,
    id: Option<i64>,
    customer_id: i64,
    d: &SightingData,
    version: i64,
) -> Result<i64> {
    let row = tx.query_one(
        INSERT_SIGHTING_SQL,
        &[
            &id,
            &customer_id,
            &d.competitor_id,
            &d.seen_on,
            &d.product,
            &d.price_minor,
            &d.currency,
            &d.conditions,
            &d.source,
            &version,
        ],
    )?;
    Ok(row.get(0))
}

pub(super) fn insert_competitor_row(
    tx: &mut Transaction,
    id: Option<i64>,
    d: &CompetitorData,
    version: i64,
) -> Result<i64> {
    let row = tx.query_one(
        INSERT_COMPETITOR_SQL,
        &[&id, &d.brand, &d.dealer, &d.contact, &d.notes, &d.strengths, &d.weaknesses, &version],
    )?;
    Ok(row.get(0))
}

impl CompetitorRows for Postgres {
    fn competitors(&mut self) -> Result<Vec<Competitor>> {
        let rows = self.client.query(
            "SELECT id, brand, dealer, contact, notes, strengths, weaknesses, version FROM competitor
             ORDER BY brand COLLATE \"C\", dealer COLLATE \"C\", id",
            &[],
        )?;
        Ok(rows.iter().map(competitor_from_row).collect())
    }

    fn insert_competitor(&mut self, d: &CompetitorData) -> Result<i64> {
        write(&mut self.client, |tx| insert_competitor_row(tx, None, d, 1))
    }

    fn update_competitor(&mut self, id: i64, version: i64, d: &CompetitorData) -> Result<()> {
        write(&mut self.client, |tx| {
            let changed = tx.execute(
                "UPDATE competitor SET brand = $3, dealer = $4, contact = $5, notes = $6, strengths = $7,
                 weaknesses = $8, version = version + 1 WHERE id = $1 AND version = $2",
                &[&id, &version, &d.brand, &d.dealer, &d.contact, &d.notes, &d.strengths, &d.weaknesses],
            )?;
            check_changed(tx, changed, "competitor", "competitor", id)
        })
    }

    fn customer_competitor_ids(&mut self, customer_id: i64) -> Result<Vec<i64>> {
        let rows = self.client.query(
            "SELECT competitor_id FROM customer_competitor WHERE customer_id = $1 ORDER BY competitor_id",
            &[&customer_id],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn set_customer_competitors(&mut self, rows: &[(i64, i64, bool)]) -> Result<()> {
        write(&mut self.client, |tx| {
            let add = tx.prepare(
                "INSERT INTO customer_competitor (customer_id, competitor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )?;
            let remove = tx.prepare("DELETE FROM customer_competitor WHERE customer_id = $1 AND competitor_id = $2")?;
            for (customer_id, competitor_id, present) in rows {
                must_exist(tx, "customer", "customer", *customer_id)?;
                must_exist(tx, "competitor", "competitor", *competitor_id)?;
                tx.execute(if *present { &add } else { &remove }, &[customer_id, competitor_id])?;
            }
            Ok(())
        })
    }

    fn sightings(&mut self, customer_id: i64) -> Result<Vec<Sighting>> {
        let rows = self.client.query(
            &format!(
                "SELECT {SIGHTING_COLUMNS} FROM price_sighting WHERE customer_id = $1 ORDER BY seen_on DESC, id DESC"
            ),
            &[&customer_id],
        )?;
        Ok(rows.iter().map(sighting_from_row).collect())
    }

    fn insert_sightings(&mut self, rows: &[(i64, SightingData)]) -> Result<Vec<i64>> {
        write(&mut self.client, |tx| {
            let mut ids = Vec::with_capacity(rows.len());
            for (customer_id, d) in rows {
                must_exist(tx, "customer", "customer", *customer_id)?;
                if let Some(k) = d.competitor_id {
                    must_exist(tx, "competitor", "competitor", k)?;
                }
                ids.push(insert_sighting(tx, None, *customer_id, d, 1)?);
            }
            Ok(ids)
        })
    }

    fn delete_sighting(&mut self, id: i64) -> Result<bool> {
        Ok(self.client.execute("DELETE FROM price_sighting WHERE id = $1", &[&id])? > 0)
    }

    fn all_customer_competitors(&mut self) -> Result<Vec<(i64, i64)>> {
        let rows =
            self.client.query("SELECT customer_id, competitor_id FROM customer_competitor ORDER BY 1, 2", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn all_sightings(&mut self) -> Result<Vec<Sighting>> {
        let rows = self.client.query(&format!("SELECT {SIGHTING_COLUMNS} FROM price_sighting ORDER BY id"), &[])?;
        Ok(rows.iter().map(sighting_from_row).collect())
    }

    fn restore_competitors(&mut self, rows: &[Competitor], links: &[(i64, i64)], sightings: &[Sighting]) -> Result<()> {
        write(&mut self.client, |tx| {
            for c in rows {
                insert_competitor_row(tx, Some(c.id), &c.data, c.version)?;
            }
            for (customer_id, competitor_id) in links {
                tx.execute(
                    "INSERT INTO customer_competitor (customer_id, competitor_id) VALUES ($1, $2)",
                    &[customer_id, competitor_id],
                )?;
            }
            for s in sightings {
                insert_sighting(tx, Some(s.id), s.customer_id, &s.data, s.version)?;
            }
            follow_ids(tx, "competitor")?;
            follow_ids(tx, "price_sighting")
        })
    }
}
