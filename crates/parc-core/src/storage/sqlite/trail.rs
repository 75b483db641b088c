//! The audit trail and applied operations on SQLite.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde_json::Value;

use super::Sqlite;
use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::storage::{now, Operation, TrailRows, WriteContext};

/// Writes a record's history inside the transaction that changes it: its creation when
/// `before` is `None`, else one line per changed field. Both sides are [`audit::describe`]d.
pub(crate) fn record(
    tx: &Transaction,
    entity: &str,
    entity_id: i64,
    by: Option<i64>,
    before: Option<&Value>,
    after: &Value,
) -> Result<()> {
    let stamp = now();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO change_log (entity, entity_id, changed_at, changed_by, field, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    match before {
        None => {
            stmt.execute(params![entity, entity_id, stamp, by, "", "null", "null"])?;
        }
        Some(before) => {
            for c in audit::diff(before, after) {
                stmt.execute(params![entity, entity_id, stamp, by, c.field, c.old.to_string(), c.new.to_string()])?;
            }
        }
    }
    Ok(())
}

/// A record's creation in its history: what [`record`] writes with no `before`, without
/// describing the record (a creation line carries no values).
pub(crate) fn record_created(tx: &Transaction, entity: &str, entity_id: i64, by: Option<i64>) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO change_log (entity, entity_id, changed_at, changed_by, field, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, '', 'null', 'null')",
    )?
    .execute(params![entity, entity_id, now(), by])?;
    Ok(())
}

/// The creation of each of `ids` in one statement (a bulk write's thousands of rows).
pub(crate) fn record_created_all(tx: &Transaction, entity: &str, ids: &[i64], by: Option<i64>) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let ids = serde_json::to_string(ids).expect("ids serialise");
    tx.execute(
        "INSERT INTO change_log (entity, entity_id, changed_at, changed_by, field, old_value, new_value)
         SELECT ?1, value, ?2, ?3, '', 'null', 'null' FROM json_each(?4)",
        params![entity, now(), by, ids],
    )?;
    Ok(())
}

/// Takes `n` change numbers from the clock at once for rows a bulk write numbers itself (the
/// insert triggers number only rows without one). Returns the first.
pub(crate) fn take_change_numbers(tx: &Transaction, n: usize) -> Result<i64> {
    let last: i64 =
        tx.query_row("UPDATE change_clock SET seq = seq + ?1 WHERE id = 1 RETURNING seq", [n as i64], |r| r.get(0))?;
    Ok(last - n as i64 + 1)
}

/// Fails with `AlreadyApplied` when `key` was applied before.
pub(super) fn claim(tx: &Transaction, key: &str) -> Result<()> {
    let at: Option<String> =
        tx.query_row("SELECT applied_at FROM operation WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    match at {
        Some(applied_at) => Err(Error::AlreadyApplied { key: key.to_string(), applied_at }),
        None => Ok(()),
    }
}

/// Records `key` as applied, with what the operation returned.
pub(super) fn applied<T: serde::Serialize>(tx: &Transaction, key: &str, out: &T) -> Result<()> {
    let result = serde_json::to_string(out).expect("results serialise");
    tx.execute("INSERT INTO operation (key, applied_at, result) VALUES (?1, ?2, ?3)", params![key, now(), result])?;
    Ok(())
}

fn change_from_row(r: &Row) -> rusqlite::Result<Change> {
    let json =
        |i| -> rusqlite::Result<Value> { Ok(serde_json::from_str(&r.get::<_, String>(i)?).unwrap_or(Value::Null)) };
    Ok(Change {
        id: r.get(0)?,
        entity: r.get(1)?,
        entity_id: r.get(2)?,
        changed_at: r.get(3)?,
        changed_by: r.get(4)?,
        field: r.get(5)?,
        old: json(6)?,
        new: json(7)?,
    })
}

fn operation_from_row(r: &Row) -> rusqlite::Result<Operation> {
    Ok(Operation {
        key: r.get(0)?,
        applied_at: r.get(1)?,
        result: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or(Value::Null),
    })
}

const CHANGE_COLUMNS: &str = "id, entity, entity_id, changed_at, changed_by, field, old_value, new_value";

impl TrailRows for Sqlite {
    fn context(&mut self) -> &mut WriteContext {
        &mut self.ctx
    }

    fn changes(&mut self, entity: &str, entity_id: i64) -> Result<Vec<Change>> {
        let sql = format!("SELECT {CHANGE_COLUMNS} FROM change_log WHERE entity = ?1 AND entity_id = ?2 ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![entity, entity_id], change_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn operation(&mut self, key: &str) -> Result<Option<Operation>> {
        Ok(self
            .conn
            .query_row("SELECT key, applied_at, result FROM operation WHERE key = ?1", [key], operation_from_row)
            .optional()?)
    }

    fn quick_check(&mut self) -> Result<String> {
        let problems: Vec<String> =
            self.conn.prepare("PRAGMA quick_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(if problems == ["ok"] { "ok".to_string() } else { problems.join("; ") })
    }

    fn all_changes(&mut self) -> Result<Vec<Change>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {CHANGE_COLUMNS} FROM change_log ORDER BY id"))?;
        let rows = stmt.query_map([], change_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_changes(&mut self, rows: &[Change]) -> Result<()> {
        self.write(|tx| {
            let mut stmt = tx.prepare(&format!(
                "INSERT INTO change_log ({CHANGE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))?;
            for c in rows {
                stmt.execute(params![
                    c.id,
                    c.entity,
                    c.entity_id,
                    c.changed_at,
                    c.changed_by,
                    c.field,
                    c.old.to_string(),
                    c.new.to_string()
                ])?;
            }
            Ok(())
        })
    }

    fn all_operations(&mut self) -> Result<Vec<Operation>> {
        let mut stmt = self.conn.prepare("SELECT key, applied_at, result FROM operation ORDER BY key")?;
        let rows = stmt.query_map([], operation_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn restore_operations(&mut self, rows: &[Operation]) -> Result<()> {
        self.write(|tx| {
            let mut stmt = tx.prepare("INSERT INTO operation (key, applied_at, result) VALUES (?1, ?2, ?3)")?;
            for o in rows {
                stmt.execute(params![o.key, o.applied_at, o.result.to_string()])?;
            }
            Ok(())
        })
    }
}
