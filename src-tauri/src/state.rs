//! What the commands share: the open database (or why it could not be opened), this
//! workstation's settings, and the way every command reaches the store off the async runtime.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use parc_core::ground::i18n::Locale;
use parc_core::host::workstation::{self, WorkstationSettings};
use parc_core::storage::Target;
use parc_core::{Error, Store};

use crate::error::{ApiError, ApiResult};

/// The open database, or why it could not be opened (shown instead of the customer list).
pub(crate) struct Db {
    pub(crate) target: Target,
    pub(crate) store: Result<Store, Error>,
}

/// What the commands share. Cloning shares the same state.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Shared>);

pub struct Shared {
    pub(crate) db: Mutex<Db>,
    pub(crate) settings_path: PathBuf,
    pub(crate) settings: Mutex<WorkstationSettings>,
    /// Why the last automatic backup failed (a USB disk unplugged), until one succeeds.
    pub(crate) backup_error: Mutex<Option<String>>,
    /// Set by the import wizard's Cancel; outside the store's lock, which the import holds.
    pub(crate) import_cancel: AtomicBool,
}

/// Opens the database and checks it before anything is shown: a damaged file is reported
/// (and a backup offered), never used. `quick_check` reads every page and index; the full
/// `integrity_check` also compares every index entry with its row, which takes several
/// times longer on a large office (see README), so it is left to backups and `parc-cli check`.
pub(crate) fn open_checked(target: &Target) -> Result<Store, Error> {
    let mut store = Store::connect(target)?;
    match store.quick_check()? {
        ok if ok == "ok" => Ok(store),
        problems => Err(Error::Corrupt(problems)),
    }
}

impl AppState {
    pub fn open(db_arg: Option<String>, settings_path: PathBuf) -> AppState {
        let settings = WorkstationSettings::load(&settings_path);
        let target = workstation::resolve_target(db_arg, &settings);
        let store = open_checked(&target);
        AppState(Arc::new(Shared {
            db: Mutex::new(Db { target, store }),
            settings_path,
            settings: Mutex::new(settings),
            backup_error: Mutex::new(None),
            import_cancel: AtomicBool::new(false),
        }))
    }

    /// Runs database work on a blocking thread: it must not stall the async runtime, and the
    /// PostgreSQL client drives a runtime of its own, which cannot start inside Tauri's.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Shared) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let shared = Arc::clone(&self.0);
        let locale = shared.locale();
        tauri::async_runtime::spawn_blocking(move || f(&shared))
            .await
            .unwrap_or_else(|join| Err(ApiError::new(&Error::Io(std::io::Error::other(join.to_string())), locale)))
    }

    pub(crate) async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> parc_core::Result<T> + Send + 'static,
    ) -> ApiResult<T> {
        self.blocking(move |shared| shared.with_store(f)).await
    }

    /// Like `with_store`, for work done in the name of the workstation's user.
    pub(crate) async fn as_user<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store, Option<i64>) -> parc_core::Result<T> + Send + 'static,
    ) -> ApiResult<T> {
        self.blocking(move |shared| {
            let me = shared.current_user();
            shared.with_store(|store| f(store, me))
        })
        .await
    }
}

impl Shared {
    pub(crate) fn locale(&self) -> Locale {
        self.settings().effective_locale()
    }

    pub(crate) fn db(&self) -> std::sync::MutexGuard<'_, Db> {
        // A panic in another command must not lock the office out of its data.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn settings(&self) -> std::sync::MutexGuard<'_, WorkstationSettings> {
        self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Who sits at this workstation, for the open database.
    pub(crate) fn current_user(&self) -> Option<i64> {
        let target = self.db().target.clone();
        self.settings().user_for(&target)
    }

    /// Runs `f` on the open store, translating any error into the UI's language. Changes are
    /// made in the name of the workstation's user (the audit trail's "who").
    pub(crate) fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> parc_core::Result<T>) -> ApiResult<T> {
        let locale = self.locale();
        let me = self.current_user();
        let mut db = self.db();
        let store = db.store.as_mut().map_err(|e| ApiError::new(e, locale))?;
        store.set_actor(me);
        f(store).map_err(|e| ApiError::new(&e, locale))
    }

    /// The database file and its backup folder; `None` on a PostgreSQL server.
    pub(crate) fn backup_paths(&self) -> Option<(PathBuf, PathBuf)> {
        let Target::File(file) = self.db().target.clone() else { return None };
        let folder = self.settings().backup_folder(&file);
        Some((file, folder))
    }

    /// "Parc — office — database": which office and which database this window shows (the
    /// office's name from its letterhead, once it has one).
    pub(crate) fn window_title(&self) -> String {
        let mut db = self.db();
        let place = db.target.short_name();
        let office =
            db.store.as_mut().ok().and_then(|s| s.letterhead().ok()).map(|l| l.company_name.trim().to_string());
        match office.filter(|o| !o.is_empty()) {
            Some(office) => format!("Parc — {office} — {place}"),
            None => format!("Parc — {place}"),
        }
    }
}

/// This workstation's calendar day: deals close, stall and come back on local days.
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
