//! The embedded SQLite store: one file, configured for durability (WAL, `synchronous=FULL`)
//! and for several processes on one file (busy timeout, IMMEDIATE write transactions).

pub(crate) mod exec;
pub mod migrations;
pub(crate) mod trail;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use super::{CheckReport, DialectRows, Native, WriteContext};
use crate::ground::error::{Error, Result};
use migrations::{APPLICATION_ID, LATEST};

pub(crate) struct Sqlite {
    pub(crate) conn: Connection,
    pub(crate) ctx: WriteContext,
}

impl DialectRows for Sqlite {
    fn schema_version(&mut self) -> Result<i64> {
        migrations::schema_version(&self.conn)
    }

    fn check(&mut self) -> Result<CheckReport> {
        Sqlite::check(self)
    }

    fn native(&mut self) -> Native<'_> {
        Native::Sqlite(self)
    }
}

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite> {
        let not_parc = || Error::NotParcDatabase { path: path.display().to_string() };
        let existing = fs::metadata(path).map(|m| m.len() > 0).unwrap_or(false);
        if existing {
            let mut header = [0u8; 16];
            let read = fs::File::open(path)?.read(&mut header)?;
            if read < 16 || &header != b"SQLite format 3\0" {
                return Err(not_parc());
            }
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        if existing {
            // Look before touching: switching to WAL would already rewrite the header.
            let app_id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|e| {
                match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::NotADatabase) => not_parc(),
                    _ => Error::Sqlite(e),
                }
            })?;
            let version = migrations::schema_version(&conn)?;
            if app_id != APPLICATION_ID {
                let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
                if app_id != 0 || version != 0 || objects != 0 {
                    return Err(not_parc());
                }
            }
            if version > LATEST {
                return Err(Error::SchemaTooNew { found: version, supported: LATEST });
            }
        }
        Self::configure(conn)
    }

    pub fn open_in_memory() -> Result<Sqlite> {
        Self::configure(Connection::open_in_memory()?)
    }

    fn configure(mut conn: Connection) -> Result<Sqlite> {
        // WAL lets readers go on while one writes; FULL syncs the WAL on every commit, so a
        // committed change survives a power cut, not only a crash of the program.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Up to 64 MiB of pages kept in the program (SQLite's default is 2 MiB): the manager's
        // reports read indexes of a hundred thousand entries, which otherwise come back from
        // the operating system page by page on every read.
        conn.pragma_update(None, "cache_size", -65_536)?;
        migrations::migrate(&mut conn)?;
        // Bulk saves cycle through a few dozen statements per row (customer, search keys,
        // people, history): room for all of them, so none is parsed again for every row.
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Sqlite { conn, ctx: WriteContext::default() })
    }

    /// Runs `f` in an IMMEDIATE transaction: the write lock is taken up front, so two
    /// processes wait for each other (busy timeout) instead of failing half-way. A pending
    /// operation key (`Store::once`) is checked and recorded in the same transaction.
    pub(crate) fn write<T: serde::Serialize>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let key = self.ctx.key.take();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(key) = &key {
            trail::claim(&tx, key)?;
        }
        let out = f(&tx)?;
        if let Some(key) = &key {
            trail::applied(&tx, key, &out)?;
        }
        tx.commit()?;
        Ok(out)
    }

    fn check(&mut self) -> Result<CheckReport> {
        let integrity = integrity(&self.conn)?;
        let mut counts = BTreeMap::new();
        for table in self.tables()? {
            let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0))?;
            counts.insert(table, n);
        }
        Ok(CheckReport { integrity, schema_version: migrations::schema_version(&self.conn)?, counts })
    }

    /// The application's own tables: no SQLite internals, no FTS index tables.
    fn tables(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(names)
    }
}

/// `PRAGMA integrity_check` as one line: "ok" or the problems.
pub(crate) fn integrity(conn: &Connection) -> rusqlite::Result<String> {
    let problems: Vec<String> =
        conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(if problems == ["ok"] { "ok".to_string() } else { problems.join("; ") })
}

#[cfg(target_os = "linux")]
pub(crate) fn is_network_filesystem(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    // Ask about the directory: the file itself may not exist yet.
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(c_path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: c_path is a valid NUL-terminated string and st a properly sized out-parameter.
    if unsafe { libc::statfs(c_path.as_ptr(), &mut st) } != 0 {
        return false;
    }
    // NFS, SMB, CIFS, SMB2, AFS, Coda, NCP, 9p, FUSE (sshfs and friends).
    const NETWORK: [i64; 9] =
        [0x6969, 0x517B, 0xFF53_4D42, 0xFE53_4D42, 0x5346_414F, 0x7375_7245, 0x564C, 0x0102_1997, 0x6573_5546];
    NETWORK.contains(&(st.f_type as i64))
}

#[cfg(windows)]
pub(crate) fn is_network_filesystem(path: &Path) -> bool {
    // UNC paths (\\server\share) are network shares; mapped drive letters are not detected.
    path.to_string_lossy().starts_with(r"\\")
}

#[cfg(not(any(target_os = "linux", windows)))]
pub(crate) fn is_network_filesystem(_path: &Path) -> bool {
    false
}
