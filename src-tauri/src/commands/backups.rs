//! Backups of the database file: the list Settings shows, the folder, taking one now and restoring one.
//! A server's database is backed up by the server, so these refuse it.

use std::path::{Path, PathBuf};

use parc_core::ground::i18n::Locale;
use parc_core::host::backup::{BackupInfo, RestoreReport};
use parc_core::{host::backup, Error};
use serde::Serialize;
use tauri::State;

use crate::error::{ApiError, ApiResult};
use crate::state::{open_checked, AppState, Shared};

/// The backups of this workstation's database file, as Settings shows them.
#[derive(Serialize)]
pub(crate) struct BackupState {
    /// False on a PostgreSQL server: its backups are the server's job.
    file: bool,
    folder: String,
    /// Whether a folder was chosen (else `backups` beside the database).
    chosen: bool,
    /// Newest first.
    backups: Vec<BackupInfo>,
    last_error: Option<String>,
}

/// Refuses backup work on a server's database, saying whose job it is.
fn server_backs_up(locale: Locale) -> ApiError {
    ApiError::new(&Error::invalid("database", "validation.backup_on_server"), locale)
}

#[tauri::command]
pub(crate) async fn backup_list(state: State<'_, AppState>) -> ApiResult<BackupState> {
    state.blocking(|shared| shared.backup_state()).await
}

/// Chooses the backup folder (empty: `backups` beside the database); it is created now, so
/// a folder that cannot be written is refused at once rather than at the next backup.
#[tauri::command]
pub(crate) async fn backup_folder_set(state: State<'_, AppState>, folder: String) -> ApiResult<BackupState> {
    state
        .blocking(move |shared| {
            let locale = shared.locale();
            let folder = folder.trim().to_string();
            if !folder.is_empty() {
                let path = Path::new(&folder);
                if !path.is_absolute() {
                    return Err(ApiError::new(&Error::invalid("folder", "validation.folder_absolute"), locale));
                }
                std::fs::create_dir_all(path)
                    .map_err(|_| ApiError::new(&Error::invalid("folder", "validation.folder_unwritable"), locale))?;
            }
            let mut settings = shared.settings();
            settings.backup_folder = (!folder.is_empty()).then_some(folder);
            settings.save(&shared.settings_path).map_err(|e| ApiError::new(&e, locale))?;
            drop(settings);
            shared.backup_state()
        })
        .await
}

#[tauri::command]
pub(crate) async fn backup_now(state: State<'_, AppState>) -> ApiResult<BackupInfo> {
    state
        .blocking(|shared| {
            let locale = shared.locale();
            let (file, folder) = shared.backup_paths().ok_or_else(|| server_backs_up(locale))?;
            let taken = backup::backup(&file, &folder, chrono::Local::now().naive_local())
                .map_err(|e| ApiError::new(&e, locale))?;
            *shared.backup_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
            Ok(taken)
        })
        .await
}

/// The newest backup that passes the full integrity check, for a damaged database.
#[tauri::command]
pub(crate) async fn backup_newest_good(state: State<'_, AppState>) -> ApiResult<Option<BackupInfo>> {
    state
        .blocking(|shared| {
            let locale = shared.locale();
            let (_, folder) = shared.backup_paths().ok_or_else(|| server_backs_up(locale))?;
            backup::newest_good(&folder).map_err(|e| ApiError::new(&e, locale))
        })
        .await
}

/// Restores a backup of the backup folder, keeping a copy of the current database first,
/// then reopens (and checks) the restored database. No command runs meanwhile.
#[tauri::command]
pub(crate) async fn backup_restore(state: State<'_, AppState>, path: String) -> ApiResult<RestoreReport> {
    state
        .blocking(move |shared| {
            let locale = shared.locale();
            let (file, folder) = shared.backup_paths().ok_or_else(|| server_backs_up(locale))?;
            let from = PathBuf::from(&path);
            // Only files of the backup folder: the UI offers nothing else.
            if from.parent() != Some(folder.as_path()) {
                return Err(ApiError::new(&Error::NotFound { entity: "backup", id: 0 }, locale));
            }
            let mut db = shared.db();
            // The app's own connection goes first: a damaged file is replaced, not written.
            db.store = Err(Error::Corrupt("restoring".into()));
            let report = backup::restore(&file, &from, &folder, chrono::Local::now().naive_local());
            db.store = open_checked(&db.target);
            let report = report.map_err(|e| ApiError::new(&e, locale))?;
            db.store.as_ref().map_err(|e| ApiError::new(e, locale))?;
            Ok(report)
        })
        .await
}

impl Shared {
    /// Takes a backup when the newest one is older than `max_age` (and the database is a
    /// healthy file). Runs beside the app: the backup reads through a connection of its own.
    pub(crate) fn automatic_backup(&self, max_age: std::time::Duration) {
        let healthy = self.db().store.is_ok();
        let Some((file, folder)) = self.backup_paths().filter(|_| healthy) else { return };
        let now = chrono::Local::now().naive_local();
        if !backup::due(&folder, now, max_age) {
            return;
        }
        let outcome = backup::backup(&file, &folder, now);
        let mut error = self.backup_error.lock().unwrap_or_else(|p| p.into_inner());
        *error = outcome.err().map(|e| {
            eprintln!("parc: automatic backup into {} failed: {e:?}", folder.display());
            format!("{}: {}", folder.display(), e.message(self.locale()))
        });
    }

    pub(crate) fn backup_state(&self) -> ApiResult<BackupState> {
        let locale = self.locale();
        let last_error = self.backup_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let chosen = self.settings().backup_folder.is_some();
        match self.backup_paths() {
            None => Ok(BackupState { file: false, folder: String::new(), chosen, backups: Vec::new(), last_error }),
            Some((_, folder)) => Ok(BackupState {
                file: true,
                folder: folder.display().to_string(),
                chosen,
                backups: backup::list(&folder).map_err(|e| ApiError::new(&e, locale))?,
                last_error,
            }),
        }
    }
}
