//! A very small statement runner both stores implement (`sqlite/exec.rs`, `postgres/exec.rs`):
//! every table's statements are written once, with `$1…` placeholders, in standard SQL both
//! dialects run, branching on [`Exec::dialect`] only where they really differ.
//! Values cross it as [`Val`]s, typed even when NULL, because PostgreSQL binds parameters by
//! type.

use crate::ground::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val {
    Int(i64),
    Text(String),
    Bool(bool),
    /// Bytes: a BLOB on SQLite, a BYTEA on PostgreSQL (attachments' files).
    Blob(Vec<u8>),
    NullInt,
    NullText,
}

impl From<&[u8]> for Val {
    #[inline]
    fn from(v: &[u8]) -> Val {
        Val::Blob(v.to_vec())
    }
}

impl From<i64> for Val {
    #[inline]
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}

impl From<Option<i64>> for Val {
    #[inline]
    fn from(v: Option<i64>) -> Val {
        v.map_or(Val::NullInt, Val::Int)
    }
}

impl From<&str> for Val {
    #[inline]
    fn from(v: &str) -> Val {
        Val::Text(v.to_string())
    }
}

impl From<String> for Val {
    #[inline]
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}

impl From<&String> for Val {
    #[inline]
    fn from(v: &String) -> Val {
        Val::Text(v.clone())
    }
}

impl From<Option<String>> for Val {
    #[inline]
    fn from(v: Option<String>) -> Val {
        v.map_or(Val::NullText, Val::Text)
    }
}

impl From<&Option<String>> for Val {
    #[inline]
    fn from(v: &Option<String>) -> Val {
        v.clone().map_or(Val::NullText, Val::Text)
    }
}

impl From<bool> for Val {
    #[inline]
    fn from(v: bool) -> Val {
        Val::Bool(v)
    }
}

/// One result row. Each getter names the kind it expects and fails with [`Error::Corrupt`]
/// when the column holds another kind (or NULL, outside the `opt_` getters): a wrong type is a
/// broken statement or database, never a value to read as 0 or "".
pub(crate) struct Cells(pub Vec<Val>);

impl Cells {
    #[inline]
    fn cell(&self, i: usize) -> Result<&Val> {
        self.0.get(i).ok_or_else(|| Error::Corrupt(format!("column {i} missing: the row has {} columns", self.0.len())))
    }

    fn wrong(&self, i: usize, expected: &str) -> Error {
        let found = match self.0.get(i) {
            Some(Val::Int(_)) => "an integer",
            Some(Val::Text(_)) => "text",
            Some(Val::Bool(_)) => "a boolean",
            Some(Val::Blob(_)) => "bytes",
            Some(Val::NullInt | Val::NullText) => "NULL",
            None => "no column",
        };
        Error::Corrupt(format!("column {i}: expected {expected}, found {found}"))
    }

    /// An integer column, NULL as `None`.
    #[inline]
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.cell(i)? {
            Val::Int(v) => Ok(Some(*v)),
            Val::NullInt | Val::NullText => Ok(None),
            _ => Err(self.wrong(i, "an integer or NULL")),
        }
    }

    #[inline]
    pub fn int(&self, i: usize) -> Result<i64> {
        match self.cell(i)? {
            Val::Int(v) => Ok(*v),
            _ => Err(self.wrong(i, "an integer")),
        }
    }

    /// A text column, NULL as `None`.
    #[inline]
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.opt_str(i)?.map(str::to_string))
    }

    #[inline]
    pub fn text(&self, i: usize) -> Result<String> {
        self.str(i).map(str::to_string)
    }

    /// A text column without copying it, NULL as `None`.
    #[inline]
    pub fn opt_str(&self, i: usize) -> Result<Option<&str>> {
        match self.cell(i)? {
            Val::Text(s) => Ok(Some(s)),
            Val::NullInt | Val::NullText => Ok(None),
            _ => Err(self.wrong(i, "text or NULL")),
        }
    }

    /// A text column moved out of the row: for the large reads that keep every row (the market
    /// share, the radar), no second copy of each string.
    #[inline]
    pub fn take_text(&mut self, i: usize) -> Result<String> {
        match self.0.get_mut(i) {
            Some(Val::Text(s)) => Ok(std::mem::take(s)),
            _ => Err(self.wrong(i, "text")),
        }
    }

    /// A bytes column (attachments' files).
    #[inline]
    pub fn bytes(&self, i: usize) -> Result<&[u8]> {
        match self.cell(i)? {
            Val::Blob(b) => Ok(b),
            _ => Err(self.wrong(i, "bytes")),
        }
    }

    /// A text column without copying it.
    #[inline]
    pub fn str(&self, i: usize) -> Result<&str> {
        match self.cell(i)? {
            Val::Text(s) => Ok(s),
            _ => Err(self.wrong(i, "text")),
        }
    }

    /// A boolean column: PostgreSQL's `boolean`, or SQLite's 0/1 integer.
    #[inline]
    pub fn boolean(&self, i: usize) -> Result<bool> {
        match self.cell(i)? {
            Val::Bool(b) => Ok(*b),
            Val::Int(v) => Ok(*v != 0),
            _ => Err(self.wrong(i, "a boolean")),
        }
    }

    /// A text column holding JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self, i: usize) -> Result<T> {
        serde_json::from_str(self.str(i)?)
            .map_err(|e| Error::Corrupt(format!("column {i}: not the JSON expected: {e}")))
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

/// After an `UPDATE ... WHERE id = $1 AND version = $2` that changed `changed` rows: none
/// means either someone else saved first (`Conflict`) or the row is gone (`NotFound`).
pub(crate) fn check_changed(x: &mut dyn Exec, changed: u64, table: &str, entity: &'static str, id: i64) -> Result<()> {
    if changed > 0 {
        return Ok(());
    }
    let exists = x.row(&format!("SELECT 1 FROM {table} WHERE id = $1"), &[id.into()])?.is_some();
    Err(if exists { Error::Conflict { entity, id } } else { Error::NotFound { entity, id } })
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

    /// Calls `f` on each row in turn, stopping at its first error: for reads of many rows that
    /// keep little of each.
    fn each(&mut self, sql: &str, args: &[Val], f: &mut dyn FnMut(&Cells) -> Result<()>) -> Result<()> {
        for r in self.rows(sql, args)? {
            f(&r)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Cells {
        Cells(vec![Val::Int(7), Val::Text("seven".into()), Val::Bool(true), Val::NullInt, Val::NullText])
    }

    fn corrupt<T: std::fmt::Debug>(r: Result<T>) -> String {
        match r {
            Err(Error::Corrupt(m)) => m,
            other => panic!("expected a corrupt error, got {other:?}"),
        }
    }

    #[test]
    fn getters_read_their_own_kind() {
        let r = row();
        assert_eq!(r.int(0).unwrap(), 7);
        assert_eq!(r.opt_int(0).unwrap(), Some(7));
        assert_eq!(r.text(1).unwrap(), "seven");
        assert_eq!(r.str(1).unwrap(), "seven");
        assert_eq!(r.opt_text(1).unwrap().as_deref(), Some("seven"));
        assert_eq!(r.opt_str(1).unwrap(), Some("seven"));
        assert!(r.boolean(2).unwrap());
        // SQLite keeps booleans as 0/1.
        assert!(!Cells(vec![Val::Int(0)]).boolean(0).unwrap());
        assert!(Cells(vec![Val::Int(1)]).boolean(0).unwrap());
    }

    #[test]
    fn opt_getters_take_null_of_either_type() {
        let r = row();
        for i in [3, 4] {
            assert_eq!(r.opt_int(i).unwrap(), None);
            assert_eq!(r.opt_text(i).unwrap(), None);
            assert_eq!(r.opt_str(i).unwrap(), None);
        }
    }

    #[test]
    fn a_wrong_kind_is_an_error_naming_the_column_and_both_kinds() {
        let r = row();
        assert_eq!(corrupt(r.int(1)), "column 1: expected an integer, found text");
        assert_eq!(corrupt(r.opt_int(1)), "column 1: expected an integer or NULL, found text");
        assert_eq!(corrupt(r.text(0)), "column 0: expected text, found an integer");
        assert_eq!(corrupt(r.str(2)), "column 2: expected text, found a boolean");
        assert_eq!(corrupt(r.opt_text(0)), "column 0: expected text or NULL, found an integer");
        assert_eq!(corrupt(r.boolean(1)), "column 1: expected a boolean, found text");
        assert_eq!(corrupt(r.int(2)), "column 2: expected an integer, found a boolean");
        assert_eq!(corrupt(r.json::<Vec<i64>>(0)), "column 0: expected text, found an integer");
    }

    #[test]
    fn null_is_an_error_outside_the_opt_getters() {
        let r = row();
        assert_eq!(corrupt(r.int(3)), "column 3: expected an integer, found NULL");
        assert_eq!(corrupt(r.int(4)), "column 4: expected an integer, found NULL");
        assert_eq!(corrupt(r.text(4)), "column 4: expected text, found NULL");
        assert_eq!(corrupt(r.boolean(3)), "column 3: expected a boolean, found NULL");
        assert_eq!(corrupt(r.json::<Vec<i64>>(4)), "column 4: expected text, found NULL");
    }

    #[test]
    fn a_missing_column_or_bad_json_is_an_error() {
        let r = row();
        assert_eq!(corrupt(r.int(9)), "column 9 missing: the row has 5 columns");
        assert_eq!(corrupt(r.opt_text(5)), "column 5 missing: the row has 5 columns");
        assert!(corrupt(r.json::<Vec<i64>>(1)).starts_with("column 1: not the JSON expected:"));
        assert_eq!(Cells(vec![Val::Text("[1,2]".into())]).json::<Vec<i64>>(0).unwrap(), vec![1, 2]);
    }
}
