//! [`Exec`] on SQLite: every shared statement runs here (placeholders `$n` become SQLite's
//! `?n`; booleans are integers; statements are cached by the connection).

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::ToSql;
use rusqlite::{params_from_iter, Connection, TransactionBehavior};

use super::Sqlite;
use crate::ground::error::Result;
use crate::storage::exec::{Cells, Dialect, Exec, Transact, Val};
use crate::storage::WriteContext;

/// The shared statements over one SQLite connection (or transaction).
pub(crate) struct Lite<'a>(pub(crate) &'a Connection);

fn sql_of(sql: &str) -> String {
    sql.replace('$', "?")
}

/// A value bound as it is: text and bytes are lent to SQLite, not copied (an import binds
/// millions of them).
struct Arg<'a>(&'a Val);

impl ToSql for Arg<'_> {
    #[inline]
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Val::Int(i) => ValueRef::Integer(*i),
            Val::Bool(b) => ValueRef::Integer(i64::from(*b)),
            Val::Text(s) => ValueRef::Text(s.as_bytes()),
            Val::Blob(b) => ValueRef::Blob(b),
            Val::NullInt | Val::NullText => ValueRef::Null,
        }))
    }
}

/// A column as the shared statements read it.
#[inline]
fn val(v: ValueRef) -> Val {
    match v {
        ValueRef::Integer(v) => Val::Int(v),
        ValueRef::Real(f) => Val::Int(f as i64),
        ValueRef::Text(t) => Val::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Val::Blob(b.to_vec()),
        ValueRef::Null => Val::NullText,
    }
}

impl Exec for Lite<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn run(&mut self, sql: &str, args: &[Val]) -> Result<u64> {
        let mut stmt = self.0.prepare_cached(&sql_of(sql))?;
        Ok(stmt.execute(params_from_iter(args.iter().map(Arg)))? as u64)
    }

    fn rows(&mut self, sql: &str, args: &[Val]) -> Result<Vec<Cells>> {
        let mut stmt = self.0.prepare_cached(&sql_of(sql))?;
        let n = stmt.column_count();
        let rows = stmt
            .query_map(params_from_iter(args.iter().map(Arg)), |r| {
                let mut cells = Vec::with_capacity(n);
                for i in 0..n {
                    cells.push(val(r.get_ref(i)?));
                }
                Ok(Cells(cells))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn each(&mut self, sql: &str, args: &[Val], f: &mut dyn FnMut(&Cells) -> Result<()>) -> Result<()> {
        let mut stmt = self.0.prepare_cached(&sql_of(sql))?;
        let n = stmt.column_count();
        let mut rows = stmt.query(params_from_iter(args.iter().map(Arg)))?;
        // One row's cells, reused: a scan of a million rows need not hold them all.
        let mut cells = Cells(Vec::with_capacity(n));
        while let Some(r) = rows.next()? {
            cells.0.clear();
            for i in 0..n {
                cells.0.push(val(r.get_ref(i)?));
            }
            f(&cells)?;
        }
        Ok(())
    }
}

impl Transact for Sqlite {
    fn context(&mut self) -> &mut WriteContext {
        &mut self.ctx
    }

    fn write_tx(&mut self, work: &mut dyn FnMut(&mut dyn Exec) -> Result<serde_json::Value>) -> Result<()> {
        self.write(|tx| work(&mut Lite(tx))).map(|_| ())
    }

    fn read_tx(&mut self, work: &mut dyn FnMut(&mut dyn Exec) -> Result<()>) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        work(&mut Lite(&tx))?;
        tx.commit()?;
        Ok(())
    }

    fn follow_ids(&mut self, _table: &str) -> Result<()> {
        Ok(())
    }
}
