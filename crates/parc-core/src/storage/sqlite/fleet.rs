//! Fleet lines, the office summary (`fleet_share`) kept in step with them, and the office
//! settings, on SQLite.

use std::collections::HashMap;

use rusqlite::{params, params_from_iter, OptionalExtension, Row, ToSql, Transaction};

use super::people::check_changed;
use super::{trail, Sqlite};
use crate::audit::{self, describe};
use crate::error::{Error, Result};
use crate::fleet::{FleetLine, FleetLineData, ServiceDue, SETTING_KEY};
use crate::share::{day_number, DueCount, RadarLine, ShareDelta, ShareRow};
use crate::storage::FleetRows;

const COLUMNS: &str = "id, customer_id, brand, model, category, weight_class, gross_weight_kg, vehicles, vin, plate,
    first_registered, mileage_km, mileage_read_on, ownership, supplier, renewal_due, renewal_manual, inspection_due,
    notes, version";

fn line_from_row(r: &Row) -> rusqlite::Result<FleetLine> {
    Ok(FleetLine {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        data: FleetLineData {
            brand: r.get(2)?,
            model: r.get(3)?,
            category: r.get(4)?,
            weight_class: r.get(5)?,
            gross_weight_kg: r.get(6)?,
            vehicles: r.get(7)?,
            vin: r.get(8)?,
            plate: r.get(9)?,
            first_registered: r.get(10)?,
            mileage_km: r.get(11)?,
            mileage_read_on: r.get(12)?,
            ownership: r.get(13)?,
            supplier: r.get(14)?,
            renewal_due: r.get(15)?,
            renewal_manual: r.get(16)?,
            inspection_due: r.get(17)?,
            notes: r.get(18)?,
        },
        version: r.get(19)?,
        ours: false,
    })
}

/// The line's own columns in table order: the middle of every INSERT and UPDATE of a line.
fn line_params(d: &FleetLineData) -> [&dyn ToSql; 17] {
    [
        &d.brand,
        &d.model,
        &d.category,
        &d.weight_class,
        &d.gross_weight_kg,
        &d.vehicles,
        &d.vin,
        &d.plate,
        &d.first_registered,
        &d.mileage_km,
        &d.mileage_read_on,
        &d.ownership,
        &d.supplier,
        &d.renewal_due,
        &d.renewal_manual,
        &d.inspection_due,
        &d.notes,
    ]
}

const INSERT_SQL: &str = "INSERT INTO fleet_line (id, customer_id, brand, model, category, weight_class,
     gross_weight_kg, vehicles, vin, plate, first_registered, mileage_km, mileage_read_on, ownership, supplier,
     renewal_due, renewal_manual, inspection_due, notes, version)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";

/// Whether the customer is active (its fleet counts in the summary); `NotFound` if missing.
fn customer_active(tx: &Transaction, customer_id: i64) -> Result<bool> {
    tx.prepare_cached("SELECT archived_at IS NULL FROM customer WHERE id = ?1")?
        .query_row([customer_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { entity: "customer", id: customer_id })
}

/// Adds the summed changes to the office summary; rows left with no vehicle go.
pub(super) fn apply_share(tx: &Transaction, delta: &ShareDelta) -> Result<()> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO fleet_share (category, weight_class, year, brand, vehicles, weighed, tonnage_kg)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (category, weight_class, year, brand) DO UPDATE SET vehicles = vehicles + excluded.vehicles,
         weighed = weighed + excluded.weighed, tonnage_kg = tonnage_kg + excluded.tonnage_kg",
    )?;
    let mut empty = tx.prepare_cached(
        "DELETE FROM fleet_share WHERE category = ?1 AND weight_class = ?2 AND year = ?3 AND brand = ?4
         AND vehicles <= 0",
    )?;
    for ((category, class, year, brand), [vehicles, weighed, kg]) in delta.entries() {
        upsert.execute(params![category, class, year, brand, vehicles, weighed, kg])?;
        if *vehicles < 0 {
            empty.execute(params![category, class, year, brand])?;
        }
    }
    Ok(())
}

/// Counts a customer's whole fleet in (`sign` 1, restored) or out (-1, archived) of the summary.
pub(super) fn share_customer(tx: &Transaction, customer_id: i64, sign: i64) -> Result<()> {
    let mut stmt = tx.prepare_cached(&format!("SELECT {COLUMNS} FROM fleet_line WHERE customer_id = ?1"))?;
    let mut delta = ShareDelta::default();
    for line in stmt.query_map([customer_id], line_from_row)? {
        delta.add(&line?.data, sign);
    }
    apply_share(tx, &delta)
}

/// Recomputes the summary from every line of active customers (after a copy).
fn rebuild_share(tx: &Transaction) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM fleet_share;
         INSERT INTO fleet_share (category, weight_class, year, brand, vehicles, weighed, tonnage_kg)
         SELECT l.category, l.weight_class, COALESCE(l.first_registered, 0), l.brand, sum(l.vehicles),
                sum(CASE WHEN l.gross_weight_kg IS NULL THEN 0 ELSE l.vehicles END),
                sum(COALESCE(l.gross_weight_kg, 0) * l.vehicles)
         FROM fleet_line l JOIN customer c ON c.id = l.customer_id
         WHERE c.archived_at IS NULL
         GROUP BY 1, 2, 3, 4;",
    )?;
    Ok(())
}

fn read_line(tx: &Transaction, id: i64) -> Result<FleetLine> {
    tx.query_row(&format!("SELECT {COLUMNS} FROM fleet_line WHERE id = ?1"), [id], line_from_row)
        .optional()?
        .ok_or(Error::NotFound { entity: "fleet_line", id })
}

/// New lines inside the caller's transaction, the office summary kept in step.
pub(super) fn insert_lines(tx: &Transaction, rows: &[(i64, FleetLineData)], by: Option<i64>) -> Result<Vec<i64>> {
    let mut insert = tx.prepare_cached(INSERT_SQL)?;
    let mut active: HashMap<i64, bool> = HashMap::new();
    let mut delta = ShareDelta::default();
    let mut ids = Vec::with_capacity(rows.len());
    for (customer_id, d) in rows {
        let counts = match active.get(customer_id) {
            Some(a) => *a,
            None => {
                let a = customer_active(tx, *customer_id)?;
                active.insert(*customer_id, a);
                a
            }
        };
        let (id, version): (Option<i64>, i64) = (None, 1);
        insert.execute(params_from_iter(
            [&id as &dyn ToSql, customer_id].into_iter().chain(line_params(d)).chain([&version as &dyn ToSql]),
        ))?;
        ids.push(tx.last_insert_rowid());
        trail::record(tx, audit::FLEET_LINE, tx.last_insert_rowid(), by, None, &serde_json::Value::Null)?;
        if counts {
            delta.add(d, 1);
        }
    }
    apply_share(tx, &delta)?;
    Ok(ids)
}

/// Saves over line `id` at `version` inside the caller's transaction.
pub(super) fn update_line(tx: &Transaction, id: i64, version: i64, d: &FleetLineData, by: Option<i64>) -> Result<()> {
    let current = read_line(tx, id)?;
    let changed = tx.execute(
        "UPDATE fleet_line SET brand = ?3, model = ?4, category = ?5, weight_class = ?6, gross_weight_kg = ?7,
                 vehicles = ?8, vin = ?9, plate = ?10, first_registered = ?11, mileage_km = ?12, mileage_read_on = ?13,
                 ownership = ?14, supplier = ?15, renewal_due = ?16, renewal_manual = ?17, inspection_due = ?18,
                 notes = ?19, version = version + 1
                 WHERE id = ?1 AND version = ?2",
        params_from_iter([&id as &dyn ToSql, &version].into_iter().chain(line_params(d))),
    )?;
    check_changed(tx, changed, "fleet_line", "fleet_line", id)?;
    trail::record(tx, audit::FLEET_LINE, id, by, Some(&describe(&current.data)), &describe(d))?;
    if customer_active(tx, current.customer_id)? {
        let mut delta = ShareDelta::default();
        delta.add(&current.data, -1);
        delta.add(d, 1);
        apply_share(tx, &delta)?;
    }
    Ok(())
}

impl FleetRows for Sqlite {
    fn save_fleet_settings(
        &mut self,
        previous: Option<&str>,
        value: &str,
        recompute: &[String],
        renewal: &dyn Fn(&FleetLineData) -> Option<String>,
    ) -> Result<()> {
        self.write(|tx| {
            let stored: Option<String> =
                tx.query_row("SELECT value FROM setting WHERE key = ?1", [SETTING_KEY], |r| r.get(0)).optional()?;
            if stored.as_deref() != previous {
                return Err(Error::Conflict { entity: "settings", id: 0 });
            }
            tx.execute(
                "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![SETTING_KEY, value],
            )?;
            let mut read = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM fleet_line WHERE category = ?1 AND renewal_manual = 0"
            ))?;
            let mut write = tx.prepare("UPDATE fleet_line SET renewal_due = ?2 WHERE id = ?1")?;
            for category in recompute {
                let lines: Vec<FleetLine> = read.query_map([category], line_from_row)?.collect::<rusqlite::Result<_>>()?;
                for l in lines {
                    let due = renewal(&l.data);
                    if due != l.data.renewal_due {
                        write.execute(params![l.id, due])?;
                    }
                }
            }
            Ok(())
        })
    }

    fn fleet(&mut self, customer_id: i64) -> Result<Vec<FleetLine>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM fleet_line WHERE customer_id = ?1 ORDER BY category, brand, model, id"
        ))?;
        let rows = stmt.query_map([customer_id], line_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn fleet_line(&mut self, id: i64) -> Result<Option<FleetLine>> {
        let sql = format!("SELECT {COLUMNS} FROM fleet_line WHERE id = ?1");
        Ok(self.conn.query_row(&sql, [id], line_from_row).optional()?)
    }

    fn insert_fleet_lines(&mut self, rows: &[(i64, FleetLineData)]) -> Result<Vec<i64>> {
        let by = self.ctx.actor;
        self.write(|tx| insert_lines(tx, rows, by))
    }

    fn update_fleet_line(&mut self, id: i64, version: i64, d: &FleetLineData) -> Result<()> {
        let by = self.ctx.actor;
        self.write(|tx| update_line(tx, id, version, d, by))
    }

    fn delete_fleet_line(&mut self, id: i64) -> Result<bool> {
        let by = self.ctx.actor;
        self.write(|tx| {
            let current = match read_line(tx, id) {
                Ok(line) => line,
                Err(Error::NotFound { .. }) => return Ok(false),
                Err(e) => return Err(e),
            };
            tx.execute("DELETE FROM fleet_line WHERE id = ?1", [id])?;
            let gone = |g: bool| serde_json::json!({ "deleted": g });
            trail::record(tx, audit::FLEET_LINE, id, by, Some(&gone(false)), &gone(true))?;
            if customer_active(tx, current.customer_id)? {
                let mut delta = ShareDelta::default();
                delta.add(&current.data, -1);
                apply_share(tx, &delta)?;
            }
            Ok(true)
        })
    }

    fn share_rows(&mut self) -> Result<Vec<ShareRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT category, weight_class, year, brand, vehicles, weighed, tonnage_kg FROM fleet_share
             ORDER BY category, weight_class, year, brand",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ShareRow {
                    category: r.get(0)?,
                    weight_class: r.get(1)?,
                    year: r.get(2)?,
                    brand: r.get(3)?,
                    vehicles: r.get(4)?,
                    weighed: r.get(5)?,
                    tonnage_kg: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn renewal_counts(
        &mut self,
        owner_id: Option<i64>,
        from: &str,
        until: &str,
        ours: &[String],
    ) -> Result<Vec<DueCount>> {
        // From the covering index alone, customers filtered through small id lists: no row of
        // either table is read for the hundred thousand lines a year may bring due.
        // (`+` keeps SQLite from walking the owner's customers instead: reading all their lines
        // costs more than checking each due line against the owner's ids.)
        let owner = if owner_id.is_some() {
            "AND +l.customer_id IN (SELECT id FROM customer WHERE owner_id = ?4)"
        } else {
            "AND ?4 IS NULL"
        };
        let sql = format!(
            "SELECT l.customer_id, l.renewal_due, l.vehicles, l.brand IN (SELECT value FROM json_each(?3))
             FROM fleet_line l
             WHERE l.renewal_due >= ?1 AND l.renewal_due <= ?2 {owner}
               AND l.customer_id NOT IN (SELECT id FROM customer WHERE archived_at IS NOT NULL)"
        );
        let ours = serde_json::to_string(ours).expect("brands serialise");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![from, until, ours, owner_id], |r| {
                Ok(DueCount {
                    customer_id: r.get(0)?,
                    due: day_number(r.get_ref(1)?.as_str()?),
                    vehicles: r.get(2)?,
                    ours: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn radar_lines(&mut self, customer_ids: &[i64], from: &str, until: &str) -> Result<Vec<RadarLine>> {
        // By customer (a few lines each), not by due day (every line of the window).
        let sql = "SELECT l.id, l.customer_id, c.name, c.city, l.brand, l.model, l.category, l.vehicles, l.renewal_due
             FROM fleet_line l JOIN customer c ON c.id = l.customer_id
             WHERE l.customer_id IN (SELECT value FROM json_each(?1)) AND +l.renewal_due >= ?2 AND +l.renewal_due <= ?3";
        let ids = serde_json::to_string(customer_ids).expect("ids serialise");
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt
            .query_map(params![ids, from, until], |r| {
                Ok(RadarLine {
                    line_id: r.get(0)?,
                    customer_id: r.get(1)?,
                    customer_name: r.get(2)?,
                    city: r.get(3)?,
                    brand: r.get(4)?,
                    model: r.get(5)?,
                    category: r.get(6)?,
                    vehicles: r.get(7)?,
                    renewal_due: r.get(8)?,
                    ours: false,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn inspections_due(
        &mut self,
        owner_id: Option<i64>,
        from: &str,
        until: &str,
        limit: u32,
    ) -> Result<Vec<ServiceDue>> {
        let owner = if owner_id.is_some() { "AND c.owner_id = ?3" } else { "AND ?3 IS NULL" };
        // Lines in due order, each looked up in its customer (CROSS JOIN keeps that order):
        // the page fills after a few hundred lines even for one owner among many.
        let sql = format!(
            "SELECT l.id, l.customer_id, c.name, l.brand, l.model, l.plate, l.vin, l.vehicles, l.inspection_due
             FROM fleet_line l CROSS JOIN customer c ON c.id = l.customer_id
             WHERE l.inspection_due >= ?1 AND l.inspection_due <= ?2 AND c.archived_at IS NULL {owner}
             ORDER BY l.inspection_due, l.id LIMIT ?4"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params![from, until, owner_id, limit], |r| {
                Ok(ServiceDue {
                    line_id: r.get(0)?,
                    customer_id: r.get(1)?,
                    customer_name: r.get(2)?,
                    brand: r.get(3)?,
                    model: r.get(4)?,
                    plate: r.get(5)?,
                    vin: r.get(6)?,
                    vehicles: r.get(7)?,
                    inspection_due: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn all_settings(&mut self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare("SELECT key, value FROM setting ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_settings(&mut self, rows: &[(String, String)]) -> Result<()> {
        self.write(|tx| {
            for (key, value) in rows {
                tx.execute(
                    "INSERT INTO setting (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, value],
                )?;
            }
            Ok(())
        })
    }

    fn all_fleet_lines(&mut self) -> Result<Vec<FleetLine>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {COLUMNS} FROM fleet_line ORDER BY id"))?;
        let rows = stmt.query_map([], line_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_fleet_lines(&mut self, rows: &[FleetLine]) -> Result<()> {
        self.write(|tx| {
            let mut insert = tx.prepare_cached(INSERT_SQL)?;
            for l in rows {
                insert.execute(params_from_iter(
                    [&l.id as &dyn ToSql, &l.customer_id]
                        .into_iter()
                        .chain(line_params(&l.data))
                        .chain([&l.version as &dyn ToSql]),
                ))?;
            }
            rebuild_share(tx)
        })
    }
}
