//! Backups of the SQLite database file, and restoring one.
//!
//! A backup is taken with SQLite's online backup API from a connection of its own, in one
//! step: it reads one consistent snapshot while the app goes on writing (WAL lets readers and
//! one writer work side by side). It is written under a hidden temporary name, made a
//! self-contained file (journal mode DELETE, no `-wal` beside it), synced, opened read-only
//! and integrity-checked, and only then renamed to `parc-YYYYMMDD-HHMMSS.sqlite3`: a file with
//! a backup's name is a verified backup. Old backups are thinned by [`rotate`] (the newest of
//! each of the last 7 days, 4 weeks and 12 months are kept).
//!
//! Restoring keeps a copy of the current database first (`parc-before-restore-…`, never
//! rotated away), then writes the backup into the live database through the backup API,
//! which is one write transaction of the destination: a crash leaves either the old or the
//! restored database, never a mixture, and another window with the file open simply sees the
//! restored data. A damaged database that SQLite cannot write into is set aside
//! (`parc-damaged-…`) and replaced by an atomic rename of a verified copy.
//!
//! A PostgreSQL store is the server's to back up (`pg_dump`, the server's own schedule);
//! these functions are for the embedded file only.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{Datelike, NaiveDateTime};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::ground::atomic;
use crate::ground::error::{Error, Result};
use crate::storage::sqlite_meta::{APPLICATION_ID, LATEST};

/// Regular backups: `parc-20260131-174501.sqlite3`.
const REGULAR: &str = "parc-";
/// The database as it was before a restore: never rotated away.
const BEFORE_RESTORE: &str = "parc-before-restore-";
/// A damaged database set aside by a restore.
const DAMAGED: &str = "parc-damaged-";
const SUFFIX: &str = ".sqlite3";
const STAMP: &str = "%Y%m%d-%H%M%S";

/// How often a running app takes a backup.
pub const EVERY: Duration = Duration::from_secs(24 * 3600);
/// At start-up a backup is taken unless one is younger than this (restarting the app five
/// times in a morning does not make five backups).
pub const AT_START: Duration = Duration::from_secs(3600);

/// One backup file and what is in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub file_name: String,
    /// `backup`, `before_restore` or `damaged`.
    pub kind: &'static str,
    /// Local time of the workstation that took it, `YYYY-MM-DDTHH:MM:SS`.
    pub taken_at: String,
    pub size: u64,
    pub schema_version: i64,
    pub customers: i64,
    pub people: i64,
    pub contacts: i64,
    pub attachments: i64,
    /// Whether the full integrity check ran on it here and passed (listing does not run it).
    pub verified: bool,
    /// Why it cannot be restored, if it cannot.
    pub problem: Option<String>,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub restored: BackupInfo,
    /// The copy of the database as it was before, if there was one.
    pub kept: Option<PathBuf>,
    /// How long the integrity check of the restored database took.
    pub check_ms: u128,
}

/// The default folder when none is chosen: `backups` beside the database file.
pub fn default_folder(db: &Path) -> PathBuf {
    db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("backups")
}

/// Takes a verified backup of the database file `db` into `folder` (created if missing),
/// then thins the folder with [`rotate`]. `now` is the workstation's local time.
pub fn backup(db: &Path, folder: &Path, now: NaiveDateTime) -> Result<BackupInfo> {
    fs::create_dir_all(folder)?;
    let mut name = format!("{REGULAR}{}{SUFFIX}", now.format(STAMP));
    let mut n = 1;
    while folder.join(&name).exists() {
        n += 1;
        name = format!("{REGULAR}{}-{n}{SUFFIX}", now.format(STAMP));
    }
    let path = folder.join(&name);
    write_verified_copy(db, &path)?;
    rotate(folder)?;
    info(&path, true)
}

/// Copies the live database `db` into a new file `dest` through the backup API, and verifies
/// it, under a temporary name then renamed: `dest` exists only as a good copy.
fn write_verified_copy(db: &Path, dest: &Path) -> Result<()> {
    // One fixed temporary name per backup file (not `atomic::Partial`'s per-process one): what
    // a crash mid-copy left is removed by the next try instead of piling up beside the backups.
    let file_name = dest.file_name().and_then(|n| n.to_str()).unwrap_or("backup");
    let tmp = dest.with_file_name(format!(".{file_name}.partial"));
    let _ = fs::remove_file(&tmp);
    let result = (|| {
        if !db.exists() {
            return Err(Error::Io(std::io::Error::new(std::io::ErrorKind::NotFound, db.display().to_string())));
        }
        let src = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        src.busy_timeout(Duration::from_secs(30))?;
        let mut dst = Connection::open(&tmp)?;
        copy_all(&Backup::new(&src, &mut dst)?)?;
        // A self-contained file: no -wal beside it, readable from a read-only medium.
        let _: String = dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        dst.close().map_err(|(_, e)| e)?;
        let checked = info(&tmp, true)?;
        if let Some(problem) = checked.problem {
            return Err(Error::Corrupt(problem));
        }
        atomic::replace(&tmp, dest)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Copies every page in one step: one consistent read snapshot of the source (writers go on
/// meanwhile, WAL keeps their pages apart), one write transaction of the destination. A busy
/// destination is waited for.
fn copy_all(backup: &Backup) -> Result<()> {
    use rusqlite::backup::StepResult;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50))
            }
            _ => {
                return Err(Error::Sqlite(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed busy for a minute".into()),
                )))
            }
        }
    }
}

/// Opens a backup read-only and reads what is in it; with `full`, runs the integrity check.
/// A file that is not a usable Parc database is returned with its `problem`.
pub fn info(path: &Path, full: bool) -> Result<BackupInfo> {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let kind = if file_name.starts_with(BEFORE_RESTORE) {
        "before_restore"
    } else if file_name.starts_with(DAMAGED) {
        "damaged"
    } else {
        "backup"
    };
    let mut out = BackupInfo {
        path: path.to_path_buf(),
        taken_at: stamp_of(&file_name).map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default(),
        file_name,
        kind,
        size: fs::metadata(path)?.len(),
        schema_version: 0,
        customers: 0,
        people: 0,
        contacts: 0,
        attachments: 0,
        verified: false,
        problem: None,
    };
    if let Err(problem) = read_into(path, full, &mut out) {
        out.problem = Some(problem);
    }
    Ok(out)
}

fn read_into(path: &Path, full: bool, out: &mut BackupInfo) -> std::result::Result<(), String> {
    let mut header = [0u8; 16];
    let read = std::io::Read::read(&mut fs::File::open(path).map_err(|e| e.to_string())?, &mut header)
        .map_err(|e| e.to_string())?;
    if read < 16 || &header != b"SQLite format 3\0" {
        return Err("not an SQLite database".into());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| e.to_string())?;
    let q = |sql: &str| -> std::result::Result<i64, String> {
        conn.query_row(sql, [], |r| r.get(0)).map_err(|e| e.to_string())
    };
    if q("PRAGMA application_id")? != APPLICATION_ID {
        return Err("not a Parc database".into());
    }
    out.schema_version = q("PRAGMA user_version")?;
    if out.schema_version > LATEST {
        return Err(format!("written by a newer Parc (schema {})", out.schema_version));
    }
    let count = |table: &str| -> std::result::Result<i64, String> {
        let exists = conn
            .query_row("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1", [table], |_| Ok(()))
            .optional()
            .map_err(|e| e.to_string())?;
        match exists {
            Some(()) => q(&format!("SELECT count(*) FROM \"{table}\"")),
            None => Ok(0),
        }
    };
    out.customers = count("customer")?;
    out.people = count("person")?;
    out.contacts = count("contact")?;
    out.attachments = count("contact_attachment")?;
    if full {
        let result = crate::storage::integrity(&conn).map_err(|e| e.to_string())?;
        if result != "ok" {
            return Err(result);
        }
        out.verified = true;
    }
    Ok(())
}

/// The backups in `folder`, newest first (regular ones, copies kept before restores and
/// damaged files set aside), read but not integrity-checked. A missing folder has none.
pub fn list(folder: &Path) -> Result<Vec<BackupInfo>> {
    let mut found = Vec::new();
    let entries = match fs::read_dir(folder) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(REGULAR) && name.ends_with(SUFFIX) && stamp_of(&name).is_some() {
            let written = entry.metadata()?.modified().ok();
            found.push((info(&entry.path(), false)?, written));
        }
    }
    // Two backups in one second are `…-HHMMSS.sqlite3` then `…-HHMMSS-2.sqlite3`; a backup
    // and a copy kept before a restore in the same second go by when they were written.
    let order = |(b, written): &(BackupInfo, Option<std::time::SystemTime>)| {
        let seq = b.file_name.trim_end_matches(SUFFIX).rsplit_once('-').and_then(|(_, n)| n.parse::<u32>().ok());
        (b.taken_at.clone(), seq.filter(|n| *n < 1000).unwrap_or(1), *written)
    };
    found.sort_by_key(|b| std::cmp::Reverse(order(b)));
    Ok(found.into_iter().map(|(b, _)| b).collect())
}

/// The newest backup in `folder` that passes the full integrity check: what start-up offers
/// when the database is damaged.
pub fn newest_good(folder: &Path) -> Result<Option<BackupInfo>> {
    for b in list(folder)? {
        if b.kind == "damaged" || b.problem.is_some() {
            continue;
        }
        let checked = info(&b.path, true)?;
        if checked.problem.is_none() {
            return Ok(Some(checked));
        }
    }
    Ok(None)
}

/// True when the newest regular backup in `folder` is older than `max_age`, or there is none.
pub fn due(folder: &Path, now: NaiveDateTime, max_age: Duration) -> bool {
    let newest = fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            regular_stamp(&name)
        })
        .max();
    match newest {
        Some(t) => now.signed_duration_since(t).num_seconds() >= max_age.as_secs() as i64,
        None => true,
    }
}

/// Deletes the regular backups in `folder` that [`keep`] does not keep. Returns them.
pub fn rotate(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut backups: Vec<(NaiveDateTime, PathBuf)> = fs::read_dir(folder)?
        .flatten()
        .filter_map(|e| regular_stamp(&e.file_name().to_string_lossy()).map(|t| (t, e.path())))
        .collect();
    backups.sort_by(|a, b| b.cmp(a));
    let stamps: Vec<NaiveDateTime> = backups.iter().map(|(t, _)| *t).collect();
    let mut removed = Vec::new();
    for ((_, path), kept) in backups.iter().zip(keep(&stamps)) {
        if !kept {
            fs::remove_file(path)?;
            removed.push(path.clone());
        }
    }
    Ok(removed)
}

/// Which backups to keep, for stamps sorted newest first: the newest of each of the 7 most
/// recent days with a backup, of the 4 most recent ISO weeks and of the 12 most recent
/// months. (Days with a backup, not calendar days: an office closed for two weeks still has
/// its last seven working days.)
pub fn keep(stamps_newest_first: &[NaiveDateTime]) -> Vec<bool> {
    let mut kept = vec![false; stamps_newest_first.len()];
    let mut mark = |key: &dyn Fn(&NaiveDateTime) -> (i32, u32, u32), how_many: usize| {
        let mut seen: Vec<(i32, u32, u32)> = Vec::new();
        for (i, t) in stamps_newest_first.iter().enumerate() {
            let k = key(t);
            if !seen.contains(&k) {
                if seen.len() == how_many {
                    break;
                }
                seen.push(k);
                kept[i] = true;
            }
        }
    };
    mark(&|t| (t.year(), t.month(), t.day()), 7);
    mark(&|t| (t.iso_week().year(), t.iso_week().week(), 0), 4);
    mark(&|t| (t.year(), t.month(), 0), 12);
    kept
}

/// Restores the backup `from` into the database file `db`, after keeping a copy of the
/// current database in `folder`. The backup is integrity-checked first; a damaged or newer
/// backup is refused and nothing changes.
pub fn restore(db: &Path, from: &Path, folder: &Path, now: NaiveDateTime) -> Result<RestoreReport> {
    let restored = info(from, true)?;
    if let Some(problem) = &restored.problem {
        return Err(Error::Corrupt(problem.clone()));
    }
    fs::create_dir_all(folder)?;
    let stamp = now.format(STAMP);
    let healthy = db.exists() && quick_check_file(db).is_ok_and(|r| r == "ok");
    let kept = if !db.exists() {
        None
    } else if healthy {
        let keep = folder.join(format!("{BEFORE_RESTORE}{stamp}{SUFFIX}"));
        write_verified_copy(db, &keep)?;
        Some(keep)
    } else {
        // Set the damaged file aside as it is, with its WAL, for whoever wants to look at it.
        let keep = folder.join(format!("{DAMAGED}{stamp}{SUFFIX}"));
        fs::copy(db, &keep)?;
        let wal = sidecar(db, "-wal");
        if wal.exists() {
            fs::copy(&wal, sidecar(&keep, "-wal"))?;
        }
        Some(keep)
    };
    if healthy {
        // One write transaction of the destination: all of the backup or nothing.
        let src = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut dst = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        dst.busy_timeout(Duration::from_secs(30))?;
        copy_all(&Backup::new(&src, &mut dst)?)?;
    } else {
        let tmp = sidecar(db, ".restoring");
        fs::copy(from, &tmp)?;
        // The damaged file's WAL and index must not be replayed over the restored file.
        for side in ["-wal", "-shm"] {
            let _ = fs::remove_file(sidecar(db, side));
        }
        atomic::replace(&tmp, db)?;
    }
    let started = std::time::Instant::now();
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let result = crate::storage::integrity(&conn)?;
    if result != "ok" {
        return Err(Error::Corrupt(result));
    }
    Ok(RestoreReport { restored, kept, check_ms: started.elapsed().as_millis() })
}

/// `PRAGMA quick_check` of a database file, from a connection of its own.
pub fn quick_check_file(db: &Path) -> Result<String> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let problems: Vec<String> =
        conn.prepare("PRAGMA quick_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(if problems == ["ok"] { "ok".to_string() } else { problems.join("; ") })
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// The time in a backup's name (any kind).
fn stamp_of(name: &str) -> Option<NaiveDateTime> {
    let rest = name.strip_suffix(SUFFIX)?;
    let rest = rest
        .strip_prefix(BEFORE_RESTORE)
        .or_else(|| rest.strip_prefix(DAMAGED))
        .or_else(|| rest.strip_prefix(REGULAR))?;
    NaiveDateTime::parse_from_str(rest.get(..15)?, STAMP).ok()
}

/// The time in a regular backup's name: the ones [`rotate`] thins.
fn regular_stamp(name: &str) -> Option<NaiveDateTime> {
    if name.starts_with(BEFORE_RESTORE) || name.starts_with(DAMAGED) {
        return None;
    }
    stamp_of(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customer::testing::customer;
    use crate::Store;
    use chrono::NaiveDate;

    /// A database file with 300 customers: enough pages for damage to hit data.
    fn office_of_300(db: &Path) -> Store {
        let mut store = Store::open(db).unwrap();
        let rows = (0..300).map(|i| customer(&format!("Customer {i}"), "Verona", "IT", "")).collect();
        store.create_customers_bulk(rows).unwrap();
        store
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    #[test]
    fn rotation_keeps_seven_days_four_weeks_twelve_months() {
        // Two backups a day for 400 days.
        let mut stamps = Vec::new();
        let start = at(2025, 1, 1, 9);
        for day in 0..400 {
            for h in [0, 8] {
                stamps.push(start + chrono::Duration::days(day) + chrono::Duration::hours(h));
            }
        }
        stamps.reverse();
        let kept: Vec<NaiveDateTime> = stamps.iter().zip(keep(&stamps)).filter(|(_, k)| *k).map(|(t, _)| *t).collect();
        // 7 days (the later of each day), plus older weeks and months.
        assert_eq!(kept[0], stamps[0]);
        assert!(kept.len() <= 23 && kept.len() >= 18, "{}", kept.len());
        let days: Vec<_> = kept.iter().take(7).map(|t| t.date()).collect();
        assert_eq!(days.len(), 7);
        assert!(kept.iter().all(|t| t.hour_is_evening()), "the newest of each day is kept");
        // The oldest kept is about a year back, not more.
        let oldest = *kept.last().unwrap();
        assert!(stamps[0].signed_duration_since(oldest).num_days() <= 366);
        assert!(stamps[0].signed_duration_since(oldest).num_days() >= 300);
    }

    trait Evening {
        fn hour_is_evening(&self) -> bool;
    }
    impl Evening for NaiveDateTime {
        fn hour_is_evening(&self) -> bool {
            chrono::Timelike::hour(self) == 17
        }
    }

    #[test]
    fn backup_is_verified_listed_and_restores_with_a_copy_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("parc.sqlite3");
        let folder = dir.path().join("backups");
        let mut store = Store::open(&db).unwrap();
        store.create_customer(customer("Rossi Trasporti", "Verona", "IT", "")).unwrap();
        let b = backup(&db, &folder, at(2026, 3, 2, 10)).unwrap();
        assert!(b.verified && b.problem.is_none());
        assert_eq!((b.customers, b.kind), (1, "backup"));
        assert!(!folder.join(format!(".{}.partial", b.file_name)).exists());
        // The app goes on writing; then the backup is restored under it.
        store.create_customer(customer("Nowak Transport", "Łódź", "PL", "")).unwrap();
        let report = restore(&db, &b.path, &folder, at(2026, 3, 2, 11)).unwrap();
        assert_eq!(report.restored.customers, 1);
        let kept = report.kept.unwrap();
        assert_eq!(info(&kept, true).unwrap().customers, 2);
        // The open store sees the restored data.
        assert_eq!(store.count_customers().unwrap(), 1);
        drop(store);
        let mut store = Store::open(&db).unwrap();
        assert_eq!(store.check().unwrap().integrity, "ok");
        let listed = list(&folder).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].kind, "before_restore");
    }

    #[test]
    fn a_damaged_database_is_set_aside_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("parc.sqlite3");
        let folder = dir.path().join("backups");
        drop(office_of_300(&db));
        let b = backup(&db, &folder, at(2026, 3, 2, 10)).unwrap();
        damage(&db);
        assert_ne!(quick_check_file(&db).unwrap_or_default(), "ok");
        assert_eq!(newest_good(&folder).unwrap().unwrap().path, b.path);
        let report = restore(&db, &b.path, &folder, at(2026, 3, 2, 11)).unwrap();
        assert!(report.kept.unwrap().file_name().unwrap().to_string_lossy().starts_with(DAMAGED));
        assert_eq!(Store::open(&db).unwrap().count_customers().unwrap(), 300);
    }

    #[test]
    fn a_damaged_backup_is_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("parc.sqlite3");
        let folder = dir.path().join("backups");
        let mut store = office_of_300(&db);
        let b = backup(&db, &folder, at(2026, 3, 2, 10)).unwrap();
        damage(&b.path);
        assert!(matches!(restore(&db, &b.path, &folder, at(2026, 3, 2, 11)), Err(Error::Corrupt(_))));
        assert_eq!(store.count_customers().unwrap(), 300);
        assert!(newest_good(&folder).unwrap().is_none());
        let not_parc = folder.join("parc-20260101-000000.sqlite3");
        fs::write(&not_parc, b"hello").unwrap();
        assert!(info(&not_parc, false).unwrap().problem.is_some());
    }

    /// Overwrites pages in the middle of a file with garbage, as a failing disk would.
    pub(crate) fn damage(path: &Path) {
        use std::io::{Seek, SeekFrom, Write};
        let len = fs::metadata(path).unwrap().len();
        let mut f = fs::OpenOptions::new().write(true).open(path).unwrap();
        f.seek(SeekFrom::Start(len / 2)).unwrap();
        f.write_all(&vec![0x5a; 8192]).unwrap();
    }

    #[test]
    fn a_backup_is_due_after_a_day() {
        let dir = tempfile::tempdir().unwrap();
        assert!(due(dir.path(), at(2026, 3, 2, 10), EVERY));
        fs::write(dir.path().join("parc-20260302-100000.sqlite3"), b"").unwrap();
        assert!(!due(dir.path(), at(2026, 3, 3, 9), EVERY));
        assert!(due(dir.path(), at(2026, 3, 3, 10), EVERY));
        assert!(due(dir.path(), at(2026, 3, 2, 11), AT_START));
    }
}
