//! Fleet lines, the office summary (`fleet_share`) kept in step with them, and the office
//! settings, on PostgreSQL: the behaviour of `sqlite/fleet.rs` in this dialect.
//!
//! A line write takes a share lock on its customer's row, and archiving takes the row's
//! update lock before it reads the fleet, so the summary counts every line of an active
//! customer exactly once whatever two workstations do at once. Summary rows are upserted in
//! key order, so two writers never wait for each other in a circle.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Row, Transaction};

use super::people::{check_changed, follow_ids, write};
use super::{trail, Postgres};
use crate::audit::{self, describe};
use crate::error::{Error, Result};
use crate::fleet::{FleetLine, FleetLineData, ServiceDue, SETTING_KEY};
use crate::share::{day_number, DueCount, RadarLine, ShareDelta, ShareRow};
use crate::storage::FleetRows;

const COLUMNS: &str = "id, customer_id, brand, model, category, weight_class, gross_weight_kg, vehicles, vin, plate,
    first_registered, mileage_km, mileage_read_on, ownership, supplier, renewal_due, renewal_manual, inspection_due,
    notes, version";

const INSERT_SQL: &str = "INSERT INTO fleet_line (id, customer_id, brand, model, category, weight_class,
     gross_weight_kg, vehicles, vin, plate, first_registered, mileage_km, mileage_read_on, ownership, supplier,
     renewal_due, renewal_manual, inspection_due, notes, version)
     VALUES (COALESCE($1, nextval(pg_get_serial_sequence('fleet_line', 'id'))), $2, $3, $4, $5, $6, $7, $8, $9,
             $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     RETURNING id";

/// Settings are saved one workstation at a time: the row may not exist yet to be locked.
const SETTINGS_LOCK: i64 = 0x5041_5253;

fn line_from_row(r: &Row) -> FleetLine {
    FleetLine {
        id: r.get(0),
        customer_id: r.get(1),
        data: FleetLineData {
            brand: r.get(2),
            model: r.get(3),
            category: r.get(4),
            weight_class: r.get(5),
            gross_weight_kg: r.get(6),
            vehicles: r.get(7),
            vin: r.get(8),
            plate: r.get(9),
            first_registered: r.get(10),
            mileage_km: r.get(11),
            mileage_read_on: r.get(12),
            ownership: r.get(13),
            supplier: r.get(14),
            renewal_due: r.get(15),
            renewal_manual: r.get(16),
            inspection_due: r.get(17),
            notes: r.get(18),
        },
        version: r.get(19),
        ours: false,
    }
}

/// The line's own columns in table order: the middle of every INSERT and UPDATE of a line.
fn line_params(d: &FleetLineData) -> [&(dyn ToSql + Sync); 17] {
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

/// Whether the customer is active (its fleet counts in the summary), holding its row so it
/// cannot be archived meanwhile; `NotFound` if missing.
fn customer_active(tx: &mut Transaction, customer_id: i64) -> Result<bool> {
    tx.query_opt("SELECT archived_at IS NULL FROM customer WHERE id = $1 FOR SHARE", &[&customer_id])?
        .map(|r| r.get(0))
        .ok_or(Error::NotFound { entity: "customer", id: customer_id })
}

/// Adds the summed changes to the office summary; rows left with no vehicle go.
pub(super) fn apply_share(tx: &mut Transaction, delta: &ShareDelta) -> Result<()> {
    if delta.entries().next().is_none() {
        return Ok(());
    }
    let upsert = tx.prepare(
        "INSERT INTO fleet_share (category, weight_class, year, brand, vehicles, weighed, tonnage_kg)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (category, weight_class, year, brand) DO UPDATE SET
         vehicles = fleet_share.vehicles + EXCLUDED.vehicles, weighed = fleet_share.weighed + EXCLUDED.weighed,
         tonnage_kg = fleet_share.tonnage_kg + EXCLUDED.tonnage_kg",
    )?;
    let empty = tx.prepare(
        "DELETE FROM fleet_share WHERE category = $1 AND weight_class = $2 AND year = $3 AND brand = $4
         AND vehicles <= 0",
    )?;
    for ((category, class, year, brand), [vehicles, weighed, kg]) in delta.entries() {
        tx.execute(&upsert, &[category, class, year, brand, vehicles, weighed, kg])?;
        if *vehicles < 0 {
            tx.execute(&empty, &[category, class, year, brand])?;
        }
    }
    Ok(())
}

/// Counts a customer's whole fleet in (`sign` 1, restored) or out (-1, archived) of the
/// summary. The caller holds the customer's row lock.
pub(super) fn share_customer(tx: &mut Transaction, customer_id: i64, sign: i64) -> Result<()> {
    let mut delta = ShareDelta::default();
    for r in tx.query(&format!("SELECT {COLUMNS} FROM fleet_line WHERE customer_id = $1"), &[&customer_id])? {
        delta.add(&line_from_row(&r).data, sign);
    }
    apply_share(tx, &delta)
}

/// Recomputes the summary from every line of active customers (after a copy).
fn rebuild_share(tx: &mut Transaction) -> Result<()> {
    tx.batch_execute(
        "DELETE FROM fleet_share;
         INSERT INTO fleet_share (category, weight_class, year, brand, vehicles, weighed, tonnage_kg)
         SELECT l.category, l.weight_class, COALESCE(l.first_registered, 0), l.brand, sum(l.vehicles)::bigint,
                sum(CASE WHEN l.gross_weight_kg IS NULL THEN 0 ELSE l.vehicles END)::bigint,
                sum(COALESCE(l.gross_weight_kg, 0) * l.vehicles)::bigint
         FROM fleet_line l JOIN customer c ON c.id = l.customer_id
         WHERE c.archived_at IS NULL
         GROUP BY 1, 2, 3, 4;",
    )?;
    Ok(())
}

/// The line, locked until the transaction ends.
fn read_line(tx: &mut Transaction, id: i64) -> Result<FleetLine> {
    tx.query_opt(&format!("SELECT {COLUMNS} FROM fleet_line WHERE id = $1 FOR UPDATE"), &[&id])?
        .as_ref()
        .map(line_from_row)
        .ok_or(Error::NotFound { entity: "fleet_line", id })
}

fn radar_line(r: &Row) -> RadarLine {
    RadarLine {
        line_id: r.get(0),
        customer_id: r.get(1),
        customer_name: r.get(2),
        city: r.get(3),
        brand: r.get(4),
        model: r.get(5),
        category: r.get(6),
        vehicles: r.get(7),
        renewal_due: r.get(8),
        ours: false,
    }
}

/// New lines inside the caller's transaction, the office summary kept in step.
pub(super) fn insert_lines(tx: &mut Transaction, rows: &[(i64, FleetLineData)], by: Option<i64>) -> Result<Vec<i64>> {
    let insert = tx.prepare(INSERT_SQL)?;
    let mut active: HashMap<i64, bool> = HashMap::new();
    let mut delta = ShareDelta::default();
    let mut ids = Vec::with_capacity(rows.len());
    let (no_id, version): (Option<i64>, i64) = (None, 1);
    for (customer_id, d) in rows {
        let counts = match active.get(customer_id) {
            Some(a) => *a,
            None => {
                let a = customer_active(tx, *customer_id)?;
                active.insert(*customer_id, a);
                a
            }
        };
        let params: Vec<&(dyn ToSql + Sync)> = [&no_id as &(dyn ToSql + Sync), customer_id]
            .into_iter()
            .chain(line_params(d))
            .chain([&version as &(dyn ToSql + Sync)])
            .collect();
        let id: i64 = tx.query_one(&insert, &params)?.get(0);
        trail::record(tx, audit::FLEET_LINE, id, by, None, &serde_json::Value::Null)?;
        ids.push(id);
        if counts {
            delta.add(d, 1);
        }
    }
    apply_share(tx, &delta)?;
    Ok(ids)
}

/// Saves over line `id` at `version` inside the caller's transaction.
pub(super) fn update_line(
    tx: &mut Transaction,
    id: i64,
    version: i64,
    d: &FleetLineData,
    by: Option<i64>,
) -> Result<()> {
    let current = read_line(tx, id)?;
    let active = customer_active(tx, current.customer_id)?;
    let params: Vec<&(dyn ToSql + Sync)> =
        [&id as &(dyn ToSql + Sync), &version].into_iter().chain(line_params(d)).collect();
    let changed = tx.execute(
        "UPDATE fleet_line SET brand = $3, model = $4, category = $5, weight_class = $6, gross_weight_kg = $7,
                 vehicles = $8, vin = $9, plate = $10, first_registered = $11, mileage_km = $12, mileage_read_on = $13,
                 ownership = $14, supplier = $15, renewal_due = $16, renewal_manual = $17, inspection_due = $18,
                 notes = $19, version = version + 1
                 WHERE id = $1 AND version = $2",
        &params,
    )?;
    check_changed(tx, changed, "fleet_line", "fleet_line", id)?;
    trail::record(tx, audit::FLEET_LINE, id, by, Some(&describe(&current.data)), &describe(d))?;
    if active {
        let mut delta = ShareDelta::default();
        delta.add(&current.data, -1);
        delta.add(d, 1);
        apply_share(tx, &delta)?;
    }
    Ok(())
}

impl FleetRows for Postgres {
    fn save_fleet_settings(
        &mut self,
        previous: Option<&str>,
        value: &str,
        recompute: &[String],
        renewal: &dyn Fn(&FleetLineData) -> Option<String>,
    ) -> Result<()> {
        write(&mut self.client, |tx| {
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SETTINGS_LOCK])?;
            let stored: Option<String> =
                tx.query_opt("SELECT value FROM setting WHERE key = $1", &[&SETTING_KEY])?.map(|r| r.get(0));
            if stored.as_deref() != previous {
                return Err(Error::Conflict { entity: "settings", id: 0 });
            }
            tx.execute(
                "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                &[&SETTING_KEY, &value],
            )?;
            for category in recompute {
                let rows = tx.query(
                    &format!("SELECT {COLUMNS} FROM fleet_line WHERE category = $1 AND NOT renewal_manual FOR UPDATE"),
                    &[category],
                )?;
                let (mut ids, mut dues): (Vec<i64>, Vec<Option<String>>) = (Vec::new(), Vec::new());
                for r in &rows {
                    let l = line_from_row(r);
                    let due = renewal(&l.data);
                    if due != l.data.renewal_due {
                        ids.push(l.id);
                        dues.push(due);
                    }
                }
                if !ids.is_empty() {
                    tx.execute(
                        "UPDATE fleet_line l SET renewal_due = v.due
                         FROM unnest($1::bigint[], $2::text[]) AS v(id, due) WHERE l.id = v.id",
                        &[&ids, &dues],
                    )?;
                }
            }
            Ok(())
        })
    }

    fn fleet(&mut self, customer_id: i64) -> Result<Vec<FleetLine>> {
        let rows = self.client.query(
            &format!(
                "SELECT {COLUMNS} FROM fleet_line WHERE customer_id = $1
                 ORDER BY category COLLATE \"C\", brand, model COLLATE \"C\", id"
            ),
            &[&customer_id],
        )?;
        Ok(rows.iter().map(line_from_row).collect())
    }

    fn fleet_line(&mut self, id: i64) -> Result<Option<FleetLine>> {
        let sql = format!("SELECT {COLUMNS} FROM fleet_line WHERE id = $1");
        Ok(self.client.query_opt(&sql, &[&id])?.as_ref().map(line_from_row))
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
            let active = customer_active(tx, current.customer_id)?;
            tx.execute("DELETE FROM fleet_line WHERE id = $1", &[&id])?;
            let gone = |g: bool| serde_json::json!({ "deleted": g });
            trail::record(tx, audit::FLEET_LINE, id, by, Some(&gone(false)), &gone(true))?;
            if active {
                let mut delta = ShareDelta::default();
                delta.add(&current.data, -1);
                apply_share(tx, &delta)?;
            }
            Ok(true)
        })
    }

    fn share_rows(&mut self) -> Result<Vec<ShareRow>> {
        let rows = self.client.query(
            "SELECT category, weight_class, year, brand, vehicles, weighed, tonnage_kg FROM fleet_share
             ORDER BY category COLLATE \"C\", weight_class COLLATE \"C\", year, brand COLLATE \"C\"",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| ShareRow {
                category: r.get(0),
                weight_class: r.get(1),
                year: r.get(2),
                brand: r.get(3),
                vehicles: r.get(4),
                weighed: r.get(5),
                tonnage_kg: r.get(6),
            })
            .collect())
    }

    fn renewal_counts(
        &mut self,
        owner_id: Option<i64>,
        from: &str,
        until: &str,
        ours: &[String],
    ) -> Result<Vec<DueCount>> {
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&from, &until, &ours];
        let owner = match &owner_id {
            Some(owner) => {
                params.push(owner);
                "AND c.owner_id = $4"
            }
            None => "",
        };
        let sql = format!(
            "SELECT l.customer_id, l.renewal_due, l.vehicles, l.brand = ANY($3)
             FROM fleet_line l JOIN customer c ON c.id = l.customer_id
             WHERE l.renewal_due >= $1 AND l.renewal_due <= $2 AND c.archived_at IS NULL {owner}"
        );
        Ok(self
            .client
            .query(&sql, &params)?
            .iter()
            .map(|r| DueCount { customer_id: r.get(0), due: day_number(r.get(1)), vehicles: r.get(2), ours: r.get(3) })
            .collect())
    }

    fn radar_lines(&mut self, customer_ids: &[i64], from: &str, until: &str) -> Result<Vec<RadarLine>> {
        let sql = "SELECT l.id, l.customer_id, c.name, c.city, l.brand, l.model, l.category, l.vehicles, l.renewal_due
             FROM fleet_line l JOIN customer c ON c.id = l.customer_id
             WHERE l.customer_id = ANY($1) AND l.renewal_due >= $2 AND l.renewal_due <= $3";
        Ok(self.client.query(sql, &[&customer_ids, &from, &until])?.iter().map(radar_line).collect())
    }

    fn inspections_due(
        &mut self,
        owner_id: Option<i64>,
        from: &str,
        until: &str,
        limit: u32,
    ) -> Result<Vec<ServiceDue>> {
        let limit = i64::from(limit);
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&from, &until, &limit];
        let owner = match &owner_id {
            Some(owner) => {
                params.push(owner);
                "AND c.owner_id = $4"
            }
            None => "",
        };
        let sql = format!(
            "SELECT l.id, l.customer_id, c.name, l.brand, l.model, l.plate, l.vin, l.vehicles, l.inspection_due
             FROM fleet_line l JOIN customer c ON c.id = l.customer_id
             WHERE l.inspection_due >= $1 AND l.inspection_due <= $2 AND c.archived_at IS NULL {owner}
             ORDER BY l.inspection_due, l.id LIMIT $3"
        );
        Ok(self
            .client
            .query(&sql, &params)?
            .iter()
            .map(|r| ServiceDue {
                line_id: r.get(0),
                customer_id: r.get(1),
                customer_name: r.get(2),
                brand: r.get(3),
                model: r.get(4),
                plate: r.get(5),
                vin: r.get(6),
                vehicles: r.get(7),
                inspection_due: r.get(8),
            })
            .collect())
    }

    fn all_settings(&mut self) -> Result<Vec<(String, String)>> {
        let rows = self.client.query("SELECT key, value FROM setting ORDER BY key COLLATE \"C\"", &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn restore_settings(&mut self, rows: &[(String, String)]) -> Result<()> {
        write(&mut self.client, |tx| {
            for (key, value) in rows {
                tx.execute(
                    "INSERT INTO setting (key, value) VALUES ($1, $2)
                     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    &[key, value],
                )?;
            }
            Ok(())
        })
    }

    fn all_fleet_lines(&mut self) -> Result<Vec<FleetLine>> {
        let rows = self.client.query(&format!("SELECT {COLUMNS} FROM fleet_line ORDER BY id"), &[])?;
        Ok(rows.iter().map(line_from_row).collect())
    }

    fn restore_fleet_lines(&mut self, rows: &[FleetLine]) -> Result<()> {
        write(&mut self.client, |tx| {
            let insert = tx.prepare(INSERT_SQL)?;
            for l in rows {
                let id = Some(l.id);
                let params: Vec<&(dyn ToSql + Sync)> = [&id as &(dyn ToSql + Sync), &l.customer_id]
                    .into_iter()
                    .chain(line_params(&l.data))
                    .chain([&l.version as &(dyn ToSql + Sync)])
                    .collect();
                tx.query_one(&insert, &params)?;
            }
            rebuild_share(tx)?;
            tx.batch_execute("ANALYZE fleet_line; ANALYZE fleet_share")?;
            follow_ids(tx, "fleet_line")
        })
    }
}
