//! Fleet lines, the office summary (`fleet_share`) kept in step with them, the office's
//! `setting` rows, and the renewal radar's and the agenda's reads of the fleet: each statement
//! once for both stores, through [`Exec`]. The rules are in `fleet/mod.rs` and `share.rs`.
//!
//! On PostgreSQL a line write takes a share lock on its customer's row, and archiving takes the
//! row's update lock before it reads the fleet, so the summary counts every line of an active
//! customer exactly once whatever two workstations do at once; summary rows are upserted in key
//! order, so two writers never wait for each other in a circle. SQLite's write transaction
//! holds the whole file and needs no row lock ([`Dialect::lock`]).

pub(crate) mod competitors;

use std::collections::HashMap;

use serde_json::Value;

use crate::customer::Customer;
use crate::fleet::share;
use crate::fleet::share::MarketShare;
use crate::fleet::share::Radar;
use crate::fleet::share::RadarQuery;
use crate::fleet::share::{day_number, DueCount, RadarLine, ShareDelta, ShareRow};
use crate::fleet::CustomerFleet;
use crate::fleet::Saved;
use crate::fleet::{FleetLine, FleetLineData, FleetSettings, ServiceDue, SETTING_KEY};
use crate::ground::audit::{self, describe};
use crate::ground::dates::today;
use crate::ground::error::{Error, Result};
use crate::storage::exec::{Cells, Dialect, Exec, Val};
use crate::storage::now;
use crate::storage::settings;
use crate::storage::trail;
use crate::Store;
use chrono::NaiveDate;

pub(crate) const COLUMNS: &str =
    "id, customer_id, brand, model, category, weight_class, gross_weight_kg, vehicles, vin, plate,
    first_registered, mileage_km, mileage_read_on, ownership, supplier, renewal_due, renewal_manual, inspection_due,
    notes, version";

// `first_registered` and the summary's `year` are 32-bit on PostgreSQL: their parameters are
// cast from the 64-bit integers every value crosses as.
const INSERT_SQL: &str = "INSERT INTO fleet_line (customer_id, brand, model, category, weight_class, gross_weight_kg,
     vehicles, vin, plate, first_registered, mileage_km, mileage_read_on, ownership, supplier, renewal_due,
     renewal_manual, inspection_due, notes, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS BIGINT), $11, $12, $13, $14, $15, $16, $17, $18, $19)
     RETURNING id";

const RESTORE_SQL: &str = "INSERT INTO fleet_line (customer_id, brand, model, category, weight_class, gross_weight_kg,
     vehicles, vin, plate, first_registered, mileage_km, mileage_read_on, ownership, supplier, renewal_due,
     renewal_manual, inspection_due, notes, version, id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS BIGINT), $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";

/// Settings are saved one workstation at a time (PostgreSQL): the row may not exist yet to be
/// locked.
const SETTINGS_LOCK: i64 = 0x5041_5253;

pub(crate) fn line_from(r: &Cells) -> Result<FleetLine> {
    Ok(FleetLine {
        id: r.int(0)?,
        customer_id: r.int(1)?,
        data: FleetLineData {
            brand: r.text(2)?,
            model: r.text(3)?,
            category: r.text(4)?,
            weight_class: r.text(5)?,
            gross_weight_kg: r.opt_int(6)?,
            vehicles: r.int(7)?,
            vin: r.text(8)?,
            plate: r.text(9)?,
            first_registered: r.opt_int(10)?.and_then(|y| i32::try_from(y).ok()),
            mileage_km: r.opt_int(11)?,
            mileage_read_on: r.opt_text(12)?,
            ownership: r.text(13)?,
            supplier: r.text(14)?,
            renewal_due: r.opt_text(15)?,
            renewal_manual: r.boolean(16)?,
            inspection_due: r.opt_text(17)?,
            notes: r.text(18)?,
        },
        version: r.int(19)?,
        ours: false,
    })
}

/// The line's own columns in table order: the middle of every INSERT and UPDATE of a line.
fn line_args(d: &FleetLineData) -> [Val; 17] {
    [
        (&d.brand).into(),
        (&d.model).into(),
        (&d.category).into(),
        (&d.weight_class).into(),
        d.gross_weight_kg.into(),
        d.vehicles.into(),
        (&d.vin).into(),
        (&d.plate).into(),
        d.first_registered.map(i64::from).into(),
        d.mileage_km.into(),
        (&d.mileage_read_on).into(),
        (&d.ownership).into(),
        (&d.supplier).into(),
        (&d.renewal_due).into(),
        d.renewal_manual.into(),
        (&d.inspection_due).into(),
        (&d.notes).into(),
    ]
}

/// The office's fleet settings and the text they were read from (`None`: never saved, the
/// defaults).
pub(crate) fn settings(x: &mut dyn Exec) -> Result<(FleetSettings, Option<String>)> {
    let raw = settings::setting(x, SETTING_KEY)?;
    let settings = match &raw {
        Some(text) => {
            serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("the fleet settings cannot be read: {e}")))?
        }
        None => FleetSettings::default(),
    };
    Ok((settings, raw))
}

/// Saves the fleet settings `value` if the stored value is still `previous` (else
/// `Conflict`), and gives the lines of the `recompute` categories whose renewal was not set by
/// hand the renewal `renewal` tells.
pub(crate) fn save_settings(
    x: &mut dyn Exec,
    previous: Option<&str>,
    value: &str,
    recompute: &[String],
    renewal: &dyn Fn(&FleetLineData) -> Option<String>,
) -> Result<()> {
    let dialect = x.dialect();
    if dialect == Dialect::Postgres {
        x.run("SELECT pg_advisory_xact_lock($1)", &[SETTINGS_LOCK.into()])?;
    }
    let stored =
        x.row("SELECT value FROM setting WHERE key = $1", &[SETTING_KEY.into()])?.map(|r| r.text(0)).transpose()?;
    if stored.as_deref() != previous {
        return Err(Error::Conflict { entity: "settings", id: 0 });
    }
    x.run(
        "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        &[SETTING_KEY.into(), value.into()],
    )?;
    // Each store's partial index on the category is written with its own boolean.
    let by_rule = match dialect {
        Dialect::Sqlite => "renewal_manual = 0",
        Dialect::Postgres => "NOT renewal_manual",
    };
    let sql =
        format!("SELECT {COLUMNS} FROM fleet_line WHERE category = $1 AND {by_rule}{}", dialect.lock(" FOR UPDATE"));
    for category in recompute {
        let mut changed: Vec<(i64, Option<String>)> = Vec::new();
        for r in x.rows(&sql, &[category.into()])? {
            let l = line_from(&r)?;
            let due = renewal(&l.data);
            if due != l.data.renewal_due {
                changed.push((l.id, due));
            }
        }
        match dialect {
            Dialect::Sqlite => {
                for (id, due) in changed {
                    x.run("UPDATE fleet_line SET renewal_due = $2 WHERE id = $1", &[id.into(), due.into()])?;
                }
            }
            // One statement for the category: a round trip per line to a server would take
            // seconds for a large office.
            Dialect::Postgres if !changed.is_empty() => {
                let pairs = serde_json::to_string(&changed).expect("renewals serialise");
                x.run(
                    "UPDATE fleet_line l SET renewal_due = v.e ->> 1
                     FROM json_array_elements(CAST($1 AS TEXT)::json) AS v(e) WHERE l.id = CAST(v.e ->> 0 AS BIGINT)",
                    &[pairs.into()],
                )?;
            }
            Dialect::Postgres => {}
        }
    }
    Ok(())
}

/// Whether the customer is active (its fleet counts in the summary), holding its row on
/// PostgreSQL so it cannot be archived meanwhile; `NotFound` if missing.
fn customer_active(x: &mut dyn Exec, customer_id: i64) -> Result<bool> {
    let sql = format!("SELECT archived_at IS NULL FROM customer WHERE id = $1{}", x.dialect().lock(" FOR SHARE"));
    x.row(&sql, &[customer_id.into()])?.ok_or(Error::NotFound { entity: "customer", id: customer_id })?.boolean(0)
}

/// Adds the summed changes to the office summary; rows left with no vehicle go.
pub(crate) fn apply_share(x: &mut dyn Exec, delta: &ShareDelta) -> Result<()> {
    for ((category, class, year, brand), [vehicles, weighed, kg]) in delta.entries() {
        let key: [Val; 4] = [category.into(), class.into(), i64::from(*year).into(), brand.into()];
        let mut args = key.to_vec();
        args.extend([(*vehicles).into(), (*weighed).into(), (*kg).into()]);
        x.run(
            "INSERT INTO fleet_share (category, weight_class, year, brand, vehicles, weighed, tonnage_kg)
             VALUES ($1, $2, CAST($3 AS BIGINT), $4, $5, $6, $7)
             ON CONFLICT (category, weight_class, year, brand) DO UPDATE SET
             vehicles = fleet_share.vehicles + EXCLUDED.vehicles, weighed = fleet_share.weighed + EXCLUDED.weighed,
             tonnage_kg = fleet_share.tonnage_kg + EXCLUDED.tonnage_kg",
            &args,
        )?;
        if *vehicles < 0 {
            x.run(
                "DELETE FROM fleet_share WHERE category = $1 AND weight_class = $2 AND year = CAST($3 AS BIGINT)
                 AND brand = $4 AND vehicles <= 0",
                &key,
            )?;
        }
    }
    Ok(())
}

/// Counts a customer's whole fleet in (`sign` 1, restored) or out (-1, archived) of the
/// summary. On PostgreSQL the caller holds the customer's row lock.
pub(crate) fn share_customer(x: &mut dyn Exec, customer_id: i64, sign: i64) -> Result<()> {
    let mut delta = ShareDelta::default();
    let sql = format!("SELECT {COLUMNS} FROM fleet_line WHERE customer_id = $1");
    for r in x.rows(&sql, &[customer_id.into()])? {
        delta.add(&line_from(&r)?.data, sign);
    }
    apply_share(x, &delta)
}

/// Recomputes the summary from every line of active customers (after a copy).
fn rebuild_share(x: &mut dyn Exec) -> Result<()> {
    x.run("DELETE FROM fleet_share", &[])?;
    x.run(
        "INSERT INTO fleet_share (category, weight_class, year, brand, vehicles, weighed, tonnage_kg)
         SELECT l.category, l.weight_class, COALESCE(l.first_registered, 0), l.brand, CAST(sum(l.vehicles) AS BIGINT),
                CAST(sum(CASE WHEN l.gross_weight_kg IS NULL THEN 0 ELSE l.vehicles END) AS BIGINT),
                CAST(sum(COALESCE(l.gross_weight_kg, 0) * l.vehicles) AS BIGINT)
         FROM fleet_line l JOIN customer c ON c.id = l.customer_id
         WHERE c.archived_at IS NULL
         GROUP BY 1, 2, 3, 4",
        &[],
    )?;
    if x.dialect() == Dialect::Postgres {
        // The server plans the copied tables' queries from statistics it has not gathered yet.
        x.run("ANALYZE fleet_line", &[])?;
        x.run("ANALYZE fleet_share", &[])?;
    }
    Ok(())
}

/// The line, locked on PostgreSQL until the transaction ends; `NotFound` if missing.
fn read_line(x: &mut dyn Exec, id: i64) -> Result<FleetLine> {
    let sql = format!("SELECT {COLUMNS} FROM fleet_line WHERE id = $1{}", x.dialect().lock(" FOR UPDATE"));
    line_from(&x.row(&sql, &[id.into()])?.ok_or(Error::NotFound { entity: "fleet_line", id })?)
}

pub(crate) fn line(x: &mut dyn Exec, id: i64) -> Result<Option<FleetLine>> {
    x.row(&format!("SELECT {COLUMNS} FROM fleet_line WHERE id = $1"), &[id.into()])?.as_ref().map(line_from).transpose()
}

/// A customer's fleet: by category, brand and model.
pub(crate) fn lines(x: &mut dyn Exec, customer_id: i64) -> Result<Vec<FleetLine>> {
    let c = x.dialect().bytewise();
    let sql =
        format!("SELECT {COLUMNS} FROM fleet_line WHERE customer_id = $1 ORDER BY category{c}, brand, model{c}, id");
    x.rows(&sql, &[customer_id.into()])?.iter().map(line_from).collect()
}

/// Saves lines `(customer_id, data)` made by `by`, the office summary kept in step; `NotFound`
/// for a missing customer. Returns their ids, in order.
pub(crate) fn insert_lines(x: &mut dyn Exec, rows: &[(i64, FleetLineData)], by: Option<i64>) -> Result<Vec<i64>> {
    let mut active: HashMap<i64, bool> = HashMap::new();
    let mut delta = ShareDelta::default();
    let mut ids = Vec::with_capacity(rows.len());
    for (customer_id, d) in rows {
        let counts = match active.get(customer_id) {
            Some(a) => *a,
            None => {
                let a = customer_active(x, *customer_id)?;
                active.insert(*customer_id, a);
                a
            }
        };
        let mut args = vec![(*customer_id).into()];
        args.extend(line_args(d));
        args.push(1.into());
        let id = x.row(INSERT_SQL, &args)?.expect("INSERT … RETURNING gives the id").int(0)?;
        trail::record(x, audit::FLEET_LINE, id, by, None, &Value::Null, &now())?;
        ids.push(id);
        if counts {
            delta.add(d, 1);
        }
    }
    apply_share(x, &delta)?;
    Ok(ids)
}

/// Saves over line `id` at `version` (a stale one is a `Conflict`), made by `by`.
pub(crate) fn update_line(x: &mut dyn Exec, id: i64, version: i64, d: &FleetLineData, by: Option<i64>) -> Result<()> {
    let current = read_line(x, id)?;
    let active = customer_active(x, current.customer_id)?;
    let mut args = vec![id.into(), version.into()];
    args.extend(line_args(d));
    let changed = x.run(
        "UPDATE fleet_line SET brand = $3, model = $4, category = $5, weight_class = $6, gross_weight_kg = $7,
                 vehicles = $8, vin = $9, plate = $10, first_registered = CAST($11 AS BIGINT), mileage_km = $12,
                 mileage_read_on = $13, ownership = $14, supplier = $15, renewal_due = $16, renewal_manual = $17,
                 inspection_due = $18, notes = $19, version = version + 1
                 WHERE id = $1 AND version = $2",
        &args,
    )?;
    // The line was read above: only its version can have stopped the update.
    if changed == 0 {
        return Err(Error::Conflict { entity: "fleet_line", id });
    }
    trail::record(x, audit::FLEET_LINE, id, by, Some(&describe(&current.data)), &describe(d), &now())?;
    if active {
        let mut delta = ShareDelta::default();
        delta.add(&current.data, -1);
        delta.add(d, 1);
        apply_share(x, &delta)?;
    }
    Ok(())
}

/// Deletes line `id`; false when there was no such line.
pub(crate) fn delete_line(x: &mut dyn Exec, id: i64, by: Option<i64>) -> Result<bool> {
    let current = match read_line(x, id) {
        Ok(line) => line,
        Err(Error::NotFound { .. }) => return Ok(false),
        Err(e) => return Err(e),
    };
    let active = customer_active(x, current.customer_id)?;
    x.run("DELETE FROM fleet_line WHERE id = $1", &[id.into()])?;
    let gone = |g: bool| serde_json::json!({ "deleted": g });
    trail::record(x, audit::FLEET_LINE, id, by, Some(&gone(false)), &gone(true), &now())?;
    if active {
        let mut delta = ShareDelta::default();
        delta.add(&current.data, -1);
        apply_share(x, &delta)?;
    }
    Ok(true)
}

/// The office summary: vehicles of active customers per segment, year and brand.
pub(crate) fn share_rows(x: &mut dyn Exec) -> Result<Vec<ShareRow>> {
    let c = x.dialect().bytewise();
    let sql = format!(
        "SELECT category, weight_class, year, brand, vehicles, weighed, tonnage_kg FROM fleet_share
         ORDER BY category{c}, weight_class{c}, year, brand{c}"
    );
    x.rows(&sql, &[])?
        .into_iter()
        .map(|mut r| {
            Ok(ShareRow {
                category: r.take_text(0)?,
                weight_class: r.take_text(1)?,
                year: r.int(2)? as i32,
                brand: r.take_text(3)?,
                vehicles: r.int(4)?,
                weighed: r.int(5)?,
                tonnage_kg: r.int(6)?,
            })
        })
        .collect()
}

/// Lines of active customers (of `owner_id`, or all) due for renewal from `from` to `until`
/// (`YYYY-MM-DD`, both included), as numbers; `ours` tells the brands we sell.
pub(crate) fn renewal_counts(
    x: &mut dyn Exec,
    owner_id: Option<i64>,
    from: &str,
    until: &str,
    ours: &[String],
) -> Result<Vec<DueCount>> {
    let ours = serde_json::to_string(ours).expect("brands serialise");
    let mut args: Vec<Val> = vec![from.into(), until.into(), ours.into()];
    // Each store is led to its own best plan.
    let sql = match x.dialect() {
        // From the covering index alone, customers filtered through small id lists: no row of
        // either table is read for the hundred thousand lines a year may bring due. (`+` keeps
        // SQLite from walking the owner's customers instead: reading all their lines costs more
        // than checking each due line against the owner's ids.)
        Dialect::Sqlite => {
            args.push(owner_id.into());
            let owner = if owner_id.is_some() {
                "AND +l.customer_id IN (SELECT id FROM customer WHERE owner_id = $4)"
            } else {
                "AND $4 IS NULL"
            };
            format!(
                "SELECT l.customer_id, l.renewal_due, l.vehicles, l.brand IN (SELECT value FROM json_each($3))
                 FROM fleet_line l
                 WHERE l.renewal_due >= $1 AND l.renewal_due <= $2 {owner}
                   AND l.customer_id NOT IN (SELECT id FROM customer WHERE archived_at IS NOT NULL)"
            )
        }
        Dialect::Postgres => {
            let owner = match owner_id {
                Some(id) => {
                    args.push(id.into());
                    "AND c.owner_id = $4"
                }
                None => "",
            };
            format!(
                "SELECT l.customer_id, l.renewal_due, l.vehicles,
                        l.brand = ANY(ARRAY(SELECT json_array_elements_text(CAST($3 AS TEXT)::json)))
                 FROM fleet_line l JOIN customer c ON c.id = l.customer_id
                 WHERE l.renewal_due >= $1 AND l.renewal_due <= $2 AND c.archived_at IS NULL {owner}"
            )
        }
    };
    let mut counts = Vec::new();
    x.each(&sql, &args, &mut |r| {
        counts.push(DueCount {
            customer_id: r.int(0)?,
            due: day_number(r.str(1)?),
            vehicles: r.int(2)?,
            ours: r.boolean(3)?,
        });
        Ok(())
    })?;
    Ok(counts)
}

/// The lines of these customers due from `from` to `until`, with the customer's name and
/// city; `ours` left false.
pub(crate) fn radar_lines(x: &mut dyn Exec, customer_ids: &[i64], from: &str, until: &str) -> Result<Vec<RadarLine>> {
    if customer_ids.is_empty() {
        return Ok(Vec::new());
    }
    // By customer (a few lines each), not by due day (every line of the window).
    let (sql, args): (String, Vec<Val>) = match x.dialect() {
        Dialect::Sqlite => (
            "SELECT l.id, l.customer_id, c.name, c.city, l.brand, l.model, l.category, l.vehicles, l.renewal_due
             FROM fleet_line l JOIN customer c ON c.id = l.customer_id
             WHERE l.customer_id IN (SELECT value FROM json_each($1)) AND +l.renewal_due >= $2 AND +l.renewal_due <= $3"
                .to_string(),
            vec![serde_json::to_string(customer_ids).expect("ids serialise").into(), from.into(), until.into()],
        ),
        // The ids written out (integers): the server's statements live one transaction anyway.
        Dialect::Postgres => (
            format!(
                "SELECT l.id, l.customer_id, c.name, c.city, l.brand, l.model, l.category, l.vehicles, l.renewal_due
                 FROM fleet_line l JOIN customer c ON c.id = l.customer_id
                 WHERE l.customer_id IN ({}) AND l.renewal_due >= $1 AND l.renewal_due <= $2",
                crate::storage::exec::id_list(customer_ids)
            ),
            vec![from.into(), until.into()],
        ),
    };
    x.rows(&sql, &args)?
        .into_iter()
        .map(|mut r| {
            Ok(RadarLine {
                line_id: r.int(0)?,
                customer_id: r.int(1)?,
                customer_name: r.take_text(2)?,
                city: r.take_text(3)?,
                brand: r.take_text(4)?,
                model: r.take_text(5)?,
                category: r.take_text(6)?,
                vehicles: r.int(7)?,
                renewal_due: r.take_text(8)?,
                ours: false,
            })
        })
        .collect()
}

/// Inspections of active customers' vehicles (of `owner_id`, or all) due from `from` to
/// `until`, by due day, at most `limit`.
pub(crate) fn inspections_due(
    x: &mut dyn Exec,
    owner_id: Option<i64>,
    from: &str,
    until: &str,
    limit: u32,
) -> Result<Vec<ServiceDue>> {
    let mut args: Vec<Val> = vec![from.into(), until.into(), i64::from(limit).into()];
    let owner = match owner_id {
        Some(id) => {
            args.push(id.into());
            " AND c.owner_id = $4"
        }
        None => "",
    };
    // Lines in due order, each looked up in its customer (SQLite's CROSS JOIN keeps that
    // order): the page fills after a few hundred lines even for one owner among many.
    let sql = format!(
        "SELECT l.id, l.customer_id, c.name, l.brand, l.model, l.plate, l.vin, l.vehicles, l.inspection_due
         FROM fleet_line l CROSS JOIN customer c
         WHERE c.id = l.customer_id AND l.inspection_due >= $1 AND l.inspection_due <= $2
           AND c.archived_at IS NULL{owner}
         ORDER BY l.inspection_due, l.id LIMIT $3"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(ServiceDue {
                line_id: r.int(0)?,
                customer_id: r.int(1)?,
                customer_name: r.text(2)?,
                brand: r.text(3)?,
                model: r.text(4)?,
                plate: r.text(5)?,
                vin: r.text(6)?,
                vehicles: r.int(7)?,
                inspection_due: r.text(8)?,
            })
        })
        .collect()
}

/// Every office setting, by key, for copying between stores.
pub(crate) fn all_settings(x: &mut dyn Exec) -> Result<Vec<(String, String)>> {
    let sql = format!("SELECT key, value FROM setting ORDER BY key{}", x.dialect().bytewise());
    x.rows(&sql, &[])?.iter().map(|r| Ok((r.text(0)?, r.text(1)?))).collect()
}

pub(crate) fn restore_settings(x: &mut dyn Exec, rows: &[(String, String)]) -> Result<()> {
    for (key, value) in rows {
        x.run(
            "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[key.into(), value.into()],
        )?;
    }
    Ok(())
}

/// Every line, by id, for copying between stores.
pub(crate) fn all_lines(x: &mut dyn Exec) -> Result<Vec<FleetLine>> {
    x.rows(&format!("SELECT {COLUMNS} FROM fleet_line ORDER BY id"), &[])?.iter().map(line_from).collect()
}

/// Copies lines as they are (ids, versions) into an empty store and rebuilds the summary from
/// the customers' archived state; the store's ids follow afterwards
/// ([`crate::storage::exec::Transact::follow_ids`]).
pub(crate) fn restore_lines(x: &mut dyn Exec, rows: &[FleetLine]) -> Result<()> {
    for l in rows {
        let mut args = vec![l.customer_id.into()];
        args.extend(line_args(&l.data));
        args.extend([l.version.into(), l.id.into()]);
        x.run(RESTORE_SQL, &args)?;
    }
    rebuild_share(x)
}

/// Archives customer `id`, or restores it: its fleet leaves the office's market share, or
/// comes back, in the same transaction. False when there is no such customer.
pub(crate) fn set_archived(x: &mut dyn Exec, id: i64, archived: bool, by: Option<i64>) -> Result<bool> {
    let stamp = now();
    let lock = x.dialect().lock(" FOR NO KEY UPDATE");
    let sql = format!("SELECT archived_at IS NOT NULL FROM customer WHERE id = $1{lock}");
    let Some(was) = x.row(&sql, &[id.into()])?.map(|r| r.boolean(0)).transpose()? else {
        return Ok(false);
    };
    x.run(
        "UPDATE customer SET archived_at = $2, updated_at = $3, version = version + 1 WHERE id = $1",
        &[id.into(), archived.then(|| stamp.clone()).into(), stamp.as_str().into()],
    )?;
    if was != archived {
        share_customer(x, id, if archived { -1 } else { 1 })?;
    }
    let side = |a: bool| serde_json::json!({ "archived": a });
    trail::record(x, audit::CUSTOMER, id, by, Some(&side(was)), &side(archived), &stamp)?;
    Ok(true)
}

impl Store {
    /// Archiving hides a customer from lists without losing its history; `restore` undoes it.
    pub fn archive_customer(&mut self, id: i64) -> Result<Customer> {
        self.set_archived(id, true)
    }

    pub fn restore_customer(&mut self, id: i64) -> Result<Customer> {
        self.set_archived(id, false)
    }

    fn set_archived(&mut self, id: i64, archived: bool) -> Result<Customer> {
        let by = self.actor();
        if !self.write(|x| set_archived(x, id, archived, by))? {
            return Err(Error::NotFound { entity: "customer", id });
        }
        self.customer(id)
    }

    /// The office's fleet settings: brands (ours or not), categories and renewal rules.
    pub fn fleet_settings(&mut self) -> Result<FleetSettings> {
        Ok(self.read(self::settings)?.0)
    }

    /// Saves the fleet settings edited from `settings.version`; a stale version is a
    /// `Conflict`. Lines whose category's renewal rule changed, and whose renewal was not set
    /// by hand, get the new default in the same transaction.
    pub fn save_fleet_settings(&mut self, settings: FleetSettings) -> Result<FleetSettings> {
        let mut settings = settings.validated()?;
        let (current, raw) = self.read(self::settings)?;
        if current.version != settings.version {
            return Err(Error::Conflict { entity: "settings", id: 0 });
        }
        settings.version += 1;
        let recompute = current.changed_rules(&settings);
        let value = serde_json::to_string(&settings).expect("settings serialise");
        let rules = settings.clone();
        let renewal = move |d: &FleetLineData| {
            rules.default_renewal(d).map(|d| d.format(crate::ground::dates::DATE_FORMAT).to_string())
        };
        self.write(|x| save_settings(x, raw.as_deref(), &value, &recompute, &renewal))?;
        Ok(settings)
    }

    /// A customer's fleet with our share of it.
    pub fn fleet(&mut self, customer_id: i64) -> Result<CustomerFleet> {
        let (settings, mut lines) = self.read(|x| Ok((settings(x)?.0, lines(x, customer_id)?)))?;
        for l in &mut lines {
            l.ours = settings.is_ours(&l.data.brand);
        }
        let share = share::customer_share(&lines, &settings.categories, |b| settings.is_ours(b));
        Ok(CustomerFleet { lines, share })
    }

    pub fn fleet_line(&mut self, id: i64) -> Result<FleetLine> {
        let (settings, line) = self.read(|x| Ok((settings(x)?.0, line(x, id)?)))?;
        let mut line = line.ok_or(Error::NotFound { entity: "fleet_line", id })?;
        line.ours = settings.is_ours(&line.data.brand);
        Ok(line)
    }

    /// Validates and saves a fleet line; a VIN whose check digit does not match is saved
    /// with a warning.
    pub fn add_fleet_line(&mut self, customer_id: i64, data: FleetLineData) -> Result<Saved<FleetLine>> {
        let (data, warnings) = data.validated(&self.fleet_settings()?, today())?;
        let by = self.actor();
        let ids = self.write(|x| insert_lines(x, &[(customer_id, data)], by))?;
        Ok(Saved { saved: self.fleet_line(ids[0])?, warnings })
    }

    pub fn update_fleet_line(&mut self, id: i64, version: i64, data: FleetLineData) -> Result<Saved<FleetLine>> {
        let (data, warnings) = data.validated(&self.fleet_settings()?, today())?;
        let by = self.actor();
        self.write(|x| update_line(x, id, version, &data, by))?;
        Ok(Saved { saved: self.fleet_line(id)?, warnings })
    }

    pub fn delete_fleet_line(&mut self, id: i64) -> Result<()> {
        let by = self.actor();
        if self.write(|x| delete_line(x, id, by))? {
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
        self.write(|x| insert_lines(x, &rows, by))
    }

    /// The office's market share (QM) among its active customers' fleets, by segment and
    /// year of registration, with the brands that hold the most vehicles.
    pub fn market_share(&mut self) -> Result<MarketShare> {
        let (settings, rows) = self.read(|x| Ok((settings(x)?.0, share_rows(x)?)))?;
        Ok(share::market_share(&rows, &settings.categories, |b| settings.is_ours(b)))
    }

    /// Vehicles due for renewal in the next `query.months` months as of `today`, grouped by
    /// customer and month.
    pub fn renewal_radar(&mut self, query: &RadarQuery, today: NaiveDate) -> Result<Radar> {
        let (from, until) = share::radar_window(today, query.months);
        let day = |d: NaiveDate| d.format(crate::ground::dates::DATE_FORMAT).to_string();
        let (from_s, until_s) = (day(from), day(until));
        self.read(|x| {
            let settings = settings(x)?.0;
            let counts = renewal_counts(x, query.owner_id, &from_s, &until_s, &settings.our_brands())?;
            let mut radar = share::radar(&counts, from, until, query.sort, query.limit.clamp(1, 5000) as usize);
            let ids: Vec<i64> = radar.customers.iter().map(|c| c.customer_id).collect();
            let mut lines = radar_lines(x, &ids, &from_s, &until_s)?;
            for l in &mut lines {
                l.ours = settings.is_ours(&l.brand);
            }
            share::attach_lines(&mut radar, lines);
            Ok(radar)
        })
    }
}

#[cfg(test)]
mod tests;
