//! Reads of the audit trail and of the applied operations, their copies, and the start-up
//! check: each statement once for both stores, through [`Exec`]. The trail is written in the
//! transaction of each change ([`record`]); an operation key is claimed and
//! recorded by each store's own write transaction.

use serde_json::Value;

use super::exec::{Cells, Dialect, Exec, Val};
use super::Operation;
use crate::ground::audit::{self, Change};
use crate::ground::error::Result;

const CHANGE_COLUMNS: &str = "id, entity, entity_id, changed_at, changed_by, field, old_value, new_value";

/// A stored JSON value; what cannot be read is `null`, as the trail showed it before.
fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn change_from(r: &Cells) -> Result<Change> {
    Ok(Change {
        id: r.int(0)?,
        entity: r.text(1)?,
        entity_id: r.int(2)?,
        changed_at: r.text(3)?,
        changed_by: r.opt_int(4)?,
        field: r.text(5)?,
        old: json(r.str(6)?),
        new: json(r.str(7)?),
    })
}

fn operation_from(r: &Cells) -> Result<Operation> {
    Ok(Operation { key: r.text(0)?, applied_at: r.text(1)?, result: json(r.str(2)?) })
}

/// A record's history, oldest first.
pub(crate) fn changes(x: &mut dyn Exec, entity: &str, entity_id: i64) -> Result<Vec<Change>> {
    let sql = format!("SELECT {CHANGE_COLUMNS} FROM change_log WHERE entity = $1 AND entity_id = $2 ORDER BY id");
    x.rows(&sql, &[entity.into(), entity_id.into()])?.iter().map(change_from).collect()
}

pub(crate) fn operation(x: &mut dyn Exec, key: &str) -> Result<Option<Operation>> {
    x.row("SELECT key, applied_at, result FROM operation WHERE key = $1", &[key.into()])?
        .as_ref()
        .map(operation_from)
        .transpose()
}

/// SQLite's `quick_check` (pages and indexes, without comparing every index entry to its
/// row): "ok" or the problems found. A server keeps its own pages consistent: answering at all
/// is the check a client can make.
pub(crate) fn quick_check(x: &mut dyn Exec) -> Result<String> {
    match x.dialect() {
        Dialect::Sqlite => {
            let problems = x.rows("PRAGMA quick_check", &[])?.iter().map(|r| r.text(0)).collect::<Result<Vec<_>>>()?;
            Ok(if problems == ["ok"] { "ok".to_string() } else { problems.join("; ") })
        }
        Dialect::Postgres => {
            x.row("SELECT 1", &[])?;
            Ok("ok".into())
        }
    }
}

/// The whole trail, by id, for copying between stores.
pub(crate) fn all_changes(x: &mut dyn Exec) -> Result<Vec<Change>> {
    x.rows(&format!("SELECT {CHANGE_COLUMNS} FROM change_log ORDER BY id"), &[])?.iter().map(change_from).collect()
}

/// Copies the trail as it is (ids, stamps) into an empty store; the store's ids follow
/// afterwards ([`super::exec::Transact::follow_ids`]).
pub(crate) fn restore_changes(x: &mut dyn Exec, rows: &[Change]) -> Result<()> {
    let sql = format!("INSERT INTO change_log ({CHANGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    for c in rows {
        x.run(
            &sql,
            &[
                c.id.into(),
                (&c.entity).into(),
                c.entity_id.into(),
                (&c.changed_at).into(),
                c.changed_by.into(),
                (&c.field).into(),
                c.old.to_string().into(),
                c.new.to_string().into(),
            ],
        )?;
    }
    Ok(())
}

/// Every applied operation, by key, for copying between stores.
pub(crate) fn all_operations(x: &mut dyn Exec) -> Result<Vec<Operation>> {
    let sql = format!("SELECT key, applied_at, result FROM operation ORDER BY key{}", x.dialect().bytewise());
    x.rows(&sql, &[])?.iter().map(operation_from).collect()
}

pub(crate) fn restore_operations(x: &mut dyn Exec, rows: &[Operation]) -> Result<()> {
    for o in rows {
        x.run(
            "INSERT INTO operation (key, applied_at, result) VALUES ($1, $2, $3)",
            &[(&o.key).into(), (&o.applied_at).into(), o.result.to_string().into()],
        )?;
    }
    Ok(())
}

/// Writes a record's history inside the transaction that changes it: its creation when
/// `before` is `None`, else one line per changed field (both sides [`audit::describe`]d).
pub(crate) fn record(
    x: &mut dyn Exec,
    entity: &str,
    id: i64,
    by: Option<i64>,
    before: Option<&serde_json::Value>,
    after: &serde_json::Value,
    stamp: &str,
) -> Result<()> {
    const SQL: &str = "INSERT INTO change_log (entity, entity_id, changed_at, changed_by, field, old_value, new_value)
                       VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let row = |field: &str, old: String, new: String| -> Vec<Val> {
        vec![entity.into(), id.into(), stamp.into(), by.into(), field.into(), old.into(), new.into()]
    };
    match before {
        None => {
            x.run(SQL, &row("", "null".into(), "null".into()))?;
        }
        Some(before) => {
            for c in audit::diff(before, after) {
                x.run(SQL, &row(&c.field, c.old.to_string(), c.new.to_string()))?;
            }
        }
    }
    Ok(())
}
