//! [`Exec`] on PostgreSQL: every shared statement runs here, each prepared once per transaction (a demo of a hundred thousand deals
//! inserts half a million rows in a few transactions).

use std::collections::HashMap;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{IsolationLevel, Row, Statement, Transaction};

use super::tx::follow_ids;
use super::Postgres;
use crate::ground::error::Result;
use crate::storage::exec::{Cells, Dialect, Exec, Transact, Val};
use crate::storage::WriteContext;

pub(crate) struct Pg<'a, 'b> {
    tx: &'a mut Transaction<'b>,
    prepared: HashMap<String, Statement>,
}

/// The shared statements inside one of this store's transactions.
pub(crate) fn exec<'a, 'b>(tx: &'a mut Transaction<'b>) -> Pg<'a, 'b> {
    Pg { tx, prepared: HashMap::new() }
}

impl Pg<'_, '_> {
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.prepared.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

fn params(args: &[Val]) -> Vec<Box<dyn ToSql + Sync>> {
    args.iter()
        .map(|v| -> Box<dyn ToSql + Sync> {
            match v {
                Val::Int(i) => Box::new(*i),
                Val::Bool(b) => Box::new(*b),
                Val::Text(s) => Box::new(s.clone()),
                Val::Blob(b) => Box::new(b.clone()),
                Val::NullInt => Box::new(None::<i64>),
                Val::NullText => Box::new(None::<String>),
            }
        })
        .collect()
}

impl Exec for Pg<'_, '_> {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn run(&mut self, sql: &str, args: &[Val]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        let owned = params(args);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        Ok(self.tx.execute(&stmt, &refs)?)
    }

    fn rows(&mut self, sql: &str, args: &[Val]) -> Result<Vec<Cells>> {
        let stmt = self.statement(sql)?;
        let owned = params(args);
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        Ok(self.tx.query(&stmt, &refs)?.iter().map(cells).collect())
    }

    fn each(&mut self, sql: &str, args: &[Val], f: &mut dyn FnMut(&Cells) -> Result<()>) -> Result<()> {
        let stmt = self.statement(sql)?;
        let owned = params(args);
        // Rows as the server sends them: a scan of a million rows need not hold them all.
        let mut rows = self.tx.query_raw(&stmt, owned.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)))?;
        while let Some(r) = rows.next()? {
            f(&cells(&r))?;
        }
        Ok(())
    }
}

fn cells(r: &Row) -> Cells {
    Cells(
        (0..r.len())
            .map(|i| match *r.columns()[i].type_() {
                Type::INT8 => r.get::<_, Option<i64>>(i).map_or(Val::NullInt, Val::Int),
                Type::INT4 => r.get::<_, Option<i32>>(i).map_or(Val::NullInt, |v| Val::Int(v.into())),
                Type::BOOL => r.get::<_, Option<bool>>(i).map_or(Val::NullInt, Val::Bool),
                Type::BYTEA => r.get::<_, Option<Vec<u8>>>(i).map_or(Val::NullText, Val::Blob),
                _ => r.get::<_, Option<String>>(i).map_or(Val::NullText, Val::Text),
            })
            .collect(),
    )
}

impl Transact for Postgres {
    fn context(&mut self) -> &mut WriteContext {
        &mut self.ctx
    }

    fn write_tx(&mut self, work: &mut dyn FnMut(&mut dyn Exec) -> Result<serde_json::Value>) -> Result<()> {
        // Through the store's own write: a keyed operation is claimed and recorded with it.
        self.write(|tx| work(&mut Pg { tx, prepared: HashMap::new() })).map(|_| ())
    }

    fn read_tx(&mut self, work: &mut dyn FnMut(&mut dyn Exec) -> Result<()>) -> Result<()> {
        // One snapshot for the several queries of a screen (the funnel reads three groupings).
        let mut tx =
            self.client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).read_only(true).start()?;
        work(&mut Pg { tx: &mut tx, prepared: HashMap::new() })?;
        tx.commit()?;
        Ok(())
    }

    fn follow_ids(&mut self, table: &str) -> Result<()> {
        follow_ids(&mut self.client, table)
    }
}
