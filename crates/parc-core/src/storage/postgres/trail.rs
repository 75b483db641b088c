//! The audit trail and applied operations on PostgreSQL (see `sqlite/trail.rs`).

use postgres::error::SqlState;
use postgres::{Row, Transaction};
use serde_json::Value;

use super::people::follow_ids;
use super::Postgres;
use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::storage::{now, Operation, TrailRows, WriteContext};

/// Writes a record's history inside the transaction that changes it: its creation when
/// `before` is `None`, else one line per changed field.
pub(crate) fn record(
    tx: &mut Transaction,
    entity: &str,
    entity_id: i64,
    by: Option<i64>,
    before: Option<&Value>,
    after: &Value,
) -> Result<()> {
    let stamp = now();
    let lines: Vec<(String, String, String)> = match before {
        None => vec![(String::new(), "null".into(), "null".into())],
        Some(before) => {
            audit::diff(before, after).into_iter().map(|c| (c.field, c.old.to_string(), c.new.to_string())).collect()
        }
    };
    if lines.is_empty() {
        return Ok(());
    }
    let stmt = tx.prepare(
        "INSERT INTO change_log (entity, entity_id, changed_at, changed_by, field, old_value, new_value)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )?;
    for (field, old, new) in lines {
        tx.execute(&stmt, &[&entity, &entity_id, &stamp, &by, &field, &old, &new])?;
    }
    Ok(())
}

/// The creation of many records of one kind, in one statement (bulk saves).
pub(crate) fn record_created(tx: &mut Transaction, entity: &str, ids: &[i64], by: Option<i64>) -> Result<()> {
    tx.execute(
        "INSERT INTO change_log (entity, entity_id, changed_at, changed_by, field)
         SELECT $1, unnest($2::bigint[]), $3, $4, ''",
        &[&entity, &ids, &now(), &by],
    )?;
    Ok(())
}

/// Fails with `AlreadyApplied` when `key` was applied before.
pub(crate) fn claim(tx: &mut Transaction, key: &str) -> Result<()> {
    match tx.query_opt("SELECT applied_at FROM operation WHERE key = $1", &[&key])? {
        Some(r) => Err(Error::AlreadyApplied { key: key.to_string(), applied_at: r.get(0) }),
        None => Ok(()),
    }
}

/// Records `key` as applied. Another workstation applying the same key at the same moment
/// makes this insert fail on the key: the whole transaction is then rolled back.
pub(crate) fn applied<T: serde::Serialize>(tx: &mut Transaction, key: &str, out: &T) -> Result<()> {
    let result = serde_json::to_string(out).expect("results serialise");
    match tx.execute("INSERT INTO operation (key, applied_at, result) VALUES ($1, $2, $3)", &[&key, &now(), &result]) {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            Err(Error::AlreadyApplied { key: key.to_string(), applied_at: String::new() })
        }
        Err(e) => Err(e.into()),
    }
}

fn change_from_row(r: &Row) -> Change {
    let json = |i| serde_json::from_str(r.get::<_, &str>(i)).unwrap_or(Value::Null);
    Change {
        id: r.get(0),
        entity: r.get(1),
        entity_id: r.get(2),
        changed_at: r.get(3),
        changed_by: r.get(4),
        field: r.get(5),
        old: json(6),
        new: json(7),
    }
}

fn operation_from_row(r: &Row) -> Operation {
    Operation {
        key: r.get(0),
        applied_at: r.get(1),
        result: serde_json::from_str(r.get::<_, &str>(2)).unwrap_or(Value::Null),
    }
}

const CHANGE_COLUMNS: &str = "id, entity, entity_id, changed_at, changed_by, field, old_value, new_value";

impl TrailRows for Postgres {
    fn context(&mut self) -> &mut WriteContext {
        &mut self.ctx
    }

    fn changes(&mut self, entity: &str, entity_id: i64) -> Result<Vec<Change>> {
        let sql = format!("SELECT {CHANGE_COLUMNS} FROM change_log WHERE entity = $1 AND entity_id = $2 ORDER BY id");
        Ok(self.client.query(&sql, &[&entity, &entity_id])?.iter().map(change_from_row).collect())
    }

    fn operation(&mut self, key: &str) -> Result<Option<Operation>> {
        let row = self.client.query_opt("SELECT key, applied_at, result FROM operation WHERE key = $1", &[&key])?;
        Ok(row.as_ref().map(operation_from_row))
    }

    fn quick_check(&mut self) -> Result<String> {
        // The server keeps its own pages consistent; answering at all is the client's check.
        self.client.query_one("SELECT 1", &[])?;
        Ok("ok".into())
    }

    fn all_changes(&mut self) -> Result<Vec<Change>> {
        let sql = format!("SELECT {CHANGE_COLUMNS} FROM change_log ORDER BY id");
        Ok(self.client.query(&sql, &[])?.iter().map(change_from_row).collect())
    }

    fn restore_changes(&mut self, rows: &[Change]) -> Result<()> {
        self.write(|tx| {
            let stmt = tx.prepare(&format!(
                "INSERT INTO change_log ({CHANGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ))?;
            for c in rows {
                let (old, new) = (c.old.to_string(), c.new.to_string());
                tx.execute(
                    &stmt,
                    &[&c.id, &c.entity, &c.entity_id, &c.changed_at, &c.changed_by, &c.field, &old, &new],
                )?;
            }
            follow_ids(tx, "change_log")
        })
    }

    fn all_operations(&mut self) -> Result<Vec<Operation>> {
        let rows =
            self.client.query("SELECT key, applied_at, result FROM operation ORDER BY key COLLATE \"C\"", &[])?;
        Ok(rows.iter().map(operation_from_row).collect())
    }

    fn restore_operations(&mut self, rows: &[Operation]) -> Result<()> {
        self.write(|tx| {
            let stmt = tx.prepare("INSERT INTO operation (key, applied_at, result) VALUES ($1, $2, $3)")?;
            for o in rows {
                tx.execute(&stmt, &[&o.key, &o.applied_at, &o.result.to_string()])?;
            }
            Ok(())
        })
    }
}
