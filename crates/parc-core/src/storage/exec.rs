//! A very small statement runner both stores implement, for tables whose SQL is plain standard
//! SQL in both dialects (the funnel's deals, moves, leads, snapshots and settings): their
//! queries are written once, with `$1…` placeholders, in `storage/deals.rs`, instead of twice.
//! Values cross it as [`Val`]s, typed even when NULL, because PostgreSQL binds parameters by
//! type.

use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Int(i64),
    Text(String),
    Bool(bool),
    NullInt,
    NullText,
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}

impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Val {
        v.map_or(Val::NullInt, Val::Int)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_string())
    }
}

impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}

impl From<&String> for Val {
    fn from(v: &String) -> Val {
        Val::Text(v.clone())
    }
}

impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Val {
        v.map_or(Val::NullText, Val::Text)
    }
}

impl From<&Option<String>> for Val {
    fn from(v: &Option<String>) -> Val {
        v.clone().map_or(Val::NullText, Val::Text)
    }
}

impl From<bool> for Val {
    fn from(v: bool) -> Val {
        Val::Bool(v)
    }
}

/// One result row; reading a column as the wrong kind gives the empty value of that kind.
pub(crate) struct Cells(pub Vec<Val>);

impl Cells {
    pub fn opt_int(&self, i: usize) -> Option<i64> {
        match self.0.get(i) {
            Some(Val::Int(v)) => Some(*v),
            Some(Val::Bool(b)) => Some(i64::from(*b)),
            _ => None,
        }
    }

    pub fn int(&self, i: usize) -> i64 {
        self.opt_int(i).unwrap_or(0)
    }

    pub fn opt_text(&self, i: usize) -> Option<String> {
        match self.0.get(i) {
            Some(Val::Text(s)) => Some(s.clone()),
            _ => None,
        }
    }

    pub fn text(&self, i: usize) -> String {
        self.opt_text(i).unwrap_or_default()
    }

    /// A text column without copying it ("" when it is not text).
    pub fn str(&self, i: usize) -> &str {
        match self.0.get(i) {
            Some(Val::Text(s)) => s,
            _ => "",
        }
    }

    /// A text column moved out of the row ("" when it is not text): for the large reads that
    /// keep every row (the market share, the radar), no second copy of each string.
    pub fn take_text(&mut self, i: usize) -> String {
        match self.0.get_mut(i) {
            Some(Val::Text(s)) => std::mem::take(s),
            _ => String::new(),
        }
    }

    pub fn boolean(&self, i: usize) -> bool {
        self.opt_int(i).is_some_and(|v| v != 0)
    }

    pub fn json<T: serde::de::DeserializeOwned + Default>(&self, i: usize) -> T {
        serde_json::from_str(&self.text(i)).unwrap_or_default()
    }
}

/// Which store runs the statements, for the few things the two count differently (how an
/// export tells what changed since the last one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Put after a text column in `ORDER BY`: byte order, as SQLite sorts; a PostgreSQL column
    /// sorts by the server's locale unless told.
    pub fn bytewise(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " COLLATE \"C\"",
        }
    }

    /// A row lock (`" FOR UPDATE"`, `" FOR SHARE"`) on PostgreSQL, where two workstations write
    /// at once; nothing on SQLite, whose write transaction holds the whole file.
    pub fn lock(self, clause: &'static str) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => clause,
        }
    }
}

/// Runs statements inside one transaction of a store.
pub(crate) trait Exec {
    fn dialect(&self) -> Dialect;

    /// Runs a statement; returns the number of rows it changed.
    fn run(&mut self, sql: &str, args: &[Val]) -> Result<u64>;
    fn rows(&mut self, sql: &str, args: &[Val]) -> Result<Vec<Cells>>;

    fn row(&mut self, sql: &str, args: &[Val]) -> Result<Option<Cells>> {
        Ok(self.rows(sql, args)?.into_iter().next())
    }

    /// Calls `f` on each row in turn: for reads of many rows that keep little of each.
    fn each(&mut self, sql: &str, args: &[Val], f: &mut dyn FnMut(&Cells)) -> Result<()> {
        for r in self.rows(sql, args)? {
            f(&r);
        }
        Ok(())
    }
}

/// A store that runs [`Exec`] work in transactions: `write` commits when the work succeeds
/// and rolls back otherwise; `read` sees one consistent snapshot.
pub(crate) trait Transact {
    /// Who makes the next writes and the operation key the next one records (see
    /// [`super::Store::once`]).
    fn context(&mut self) -> &mut super::WriteContext;
    /// `work` returns what the write made, as JSON: a keyed write ([`super::Store::once`])
    /// keeps it as the operation's result.
    fn write_tx(&mut self, work: &mut dyn FnMut(&mut dyn Exec) -> Result<serde_json::Value>) -> Result<()>;
    fn read_tx(&mut self, work: &mut dyn FnMut(&mut dyn Exec) -> Result<()>) -> Result<()>;
    /// Makes new ids of `table` follow copied ones (PostgreSQL sequences; nothing on SQLite).
    fn follow_ids(&mut self, table: &str) -> Result<()>;
}

/// `ids` as a list for `IN (…)`: integers, so safe to write into the statement.
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// How many ids one `IN (…)` list holds.
pub(crate) const IN_CHUNK: usize = 500;

/// Runs `work` in one write transaction of `store`.
pub(crate) fn write<T: serde::Serialize>(
    store: &mut (impl Transact + ?Sized),
    work: impl FnOnce(&mut dyn Exec) -> Result<T>,
) -> Result<T> {
    let mut work = Some(work);
    let mut out = None;
    store.write_tx(&mut |x| {
        let made = (work.take().expect("runs once"))(x)?;
        let json = serde_json::to_value(&made).unwrap_or_default();
        out = Some(made);
        Ok(json)
    })?;
    Ok(out.expect("work ran"))
}

/// Runs `work` reading one snapshot of `store`.
pub(crate) fn read<T>(
    store: &mut (impl Transact + ?Sized),
    work: impl FnOnce(&mut dyn Exec) -> Result<T>,
) -> Result<T> {
    let mut work = Some(work);
    let mut out = None;
    store.read_tx(&mut |x| {
        out = Some((work.take().expect("runs once"))(x)?);
        Ok(())
    })?;
    Ok(out.expect("work ran"))
}
