//! The CSV and Excel exchange's commands: profiles, exports into a file the person chooses, and
//! the import wizard's steps (preview, check, import). Long work reports its progress through a
//! channel the screen passes in. Each command calls one core function.
//!
//! End-to-end tests cannot drive native file dialogs: with `PARC_TEST_SAVE_DIR` set an export
//! is saved in that folder under its proposed name, and with `PARC_TEST_OPEN_PATH` set
//! "Choose file…" picks that file.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parc_core::exchange::export::ExportReport;
use parc_core::exchange::import::{self, ImportCheck, ImportOptions, ImportReport, Preview};
use parc_core::exchange::{
    fields, Encoding, Entity, FieldDef, FileKind, Profile, ProfileData, ProfileSettings, Progress,
};
use parc_core::ground::i18n::Locale;
use parc_core::{Error, Store};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::dialog::choose_save_path;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

fn io(e: std::io::Error, locale: Locale) -> ApiError {
    ApiError::new(&Error::Io(e), locale)
}

/// Runs a native dialog (which blocks) away from the async runtime.
async fn on_thread<T: Send + 'static>(locale: Locale, f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|join| io(std::io::Error::other(join.to_string()), locale))
}

#[tauri::command]
pub(crate) async fn exchange_profiles(state: State<'_, AppState>) -> ApiResult<Vec<Profile>> {
    state.with_store(|s| s.exchange_profiles()).await
}

/// The columns an entity's profiles can have (labels are catalogue keys, or an office
/// field's own label).
#[tauri::command]
pub(crate) async fn exchange_fields(state: State<'_, AppState>, entity: Entity) -> ApiResult<Vec<FieldDef>> {
    state.with_store(move |s| Ok(fields(entity, &s.custom_fields()?))).await
}

#[tauri::command]
pub(crate) async fn exchange_profile_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    version: i64,
    data: ProfileData,
) -> ApiResult<Profile> {
    state.with_store(move |s| s.save_exchange_profile(id, version, data)).await
}

#[tauri::command]
pub(crate) async fn exchange_profile_delete(state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    state.with_store(move |s| s.delete_exchange_profile(id)).await
}

/// A file name for an export: the profile's name and today, nothing a file system refuses.
fn export_file_name(profile: &str, kind: FileKind) -> String {
    let safe: String = profile.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{safe}-{}.{}", chrono::Local::now().format("%Y%m%d"), kind.extension())
}

/// Asks where to save the export of profile `name` (a CSV file or an Excel workbook, `file`
/// being the profile's kind), then runs it there. `None` when the person cancels the dialog.
#[tauri::command]
pub(crate) async fn exchange_export(
    app: AppHandle,
    state: State<'_, AppState>,
    name: String,
    full: bool,
    file: Option<FileKind>,
    on_progress: Channel<Progress>,
) -> ApiResult<Option<ExportReport>> {
    let locale = state.0.locale();
    let file = file.unwrap_or_default();
    let proposed = export_file_name(&name, file);
    let filter = match file {
        FileKind::Csv => ("CSV".to_string(), vec!["csv", "txt"]),
        FileKind::Xlsx => (parc_core::ground::i18n::tr(locale, "reports.excel_files").to_string(), vec!["xlsx"]),
    };
    let path = on_thread(locale, move || choose_save_path(&app, &proposed, (&filter.0, &filter.1))).await?;
    let Some(path) = path else { return Ok(None) };
    state.with_store(move |s| s.export_csv(&name, &path, full, &mut |p| drop(on_progress.send(p)))).await.map(Some)
}

/// The file to import, chosen with the native dialog; `None` when cancelled.
#[tauri::command]
pub(crate) async fn exchange_choose_file(app: AppHandle, state: State<'_, AppState>) -> ApiResult<Option<String>> {
    let locale = state.0.locale();
    on_thread(locale, move || match std::env::var_os("PARC_TEST_OPEN_PATH") {
        Some(path) => Some(PathBuf::from(path).to_string_lossy().into_owned()),
        None => {
            use tauri_plugin_dialog::DialogExt;
            // A workbook is told by its content; the filter only helps the person find it.
            app.dialog()
                .file()
                .add_filter(
                    parc_core::ground::i18n::tr(locale, "exchange.import_files"),
                    &["csv", "txt", "tsv", "xlsx", "xls", "ods"],
                )
                .blocking_pick_file()
                .and_then(|p| p.into_path().ok())
                .map(|p| p.to_string_lossy().into_owned())
        }
    })
    .await
}

fn read(path: &str, locale: Locale) -> ApiResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| io(e, locale))
}

/// The wizard's first look at a file: encoding, separator (or a workbook's sheets), headers,
/// first rows, mapping.
#[tauri::command]
pub(crate) async fn exchange_preview(
    state: State<'_, AppState>,
    path: String,
    entity: Entity,
    settings: ProfileSettings,
    encoding: Option<Encoding>,
    delimiter: Option<char>,
    sheet: Option<String>,
) -> ApiResult<Preview> {
    let locale = state.0.locale();
    let bytes = read(&path, locale)?;
    state
        .with_store(move |s| {
            import::preview_sheet(s, &bytes, entity, &settings, encoding, delimiter, sheet.as_deref(), locale)
        })
        .await
}

/// Checks every row of the file against the rules and the stored data; writes nothing.
#[tauri::command]
pub(crate) async fn exchange_check(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
    on_progress: Channel<Progress>,
) -> ApiResult<ImportCheck> {
    import_step(state, path, on_progress, move |s, bytes, _, locale, tell, cancel| {
        import::check_with_cancel(s, bytes, &options, locale, tell, cancel)
    })
    .await
}

/// Imports the file: the accepted rows in one transaction, the rejected ones into a file
/// beside it.
#[tauri::command]
pub(crate) async fn exchange_import(
    state: State<'_, AppState>,
    path: String,
    options: ImportOptions,
    on_progress: Channel<Progress>,
) -> ApiResult<ImportReport> {
    import_step(state, path, on_progress, move |s, bytes, path, locale, tell, cancel| {
        import::commit_with_cancel(s, bytes, &options, locale, Some(path), None, tell, cancel)
    })
    .await
}

/// A step of the wizard that reads the whole file: it runs `step` on the file's bytes in the
/// workstation user's name, reporting progress on the screen's channel, with the Cancel flag
/// cleared first.
async fn import_step<T: Send + 'static>(
    state: State<'_, AppState>,
    path: String,
    on_progress: Channel<Progress>,
    step: impl FnOnce(&mut Store, &[u8], &Path, Locale, &mut dyn FnMut(Progress), &AtomicBool) -> parc_core::Result<T>
        + Send
        + 'static,
) -> ApiResult<T> {
    let locale = state.0.locale();
    let bytes = read(&path, locale)?;
    state.0.import_cancel.store(false, Ordering::Relaxed);
    let shared = Arc::clone(&state.0);
    state
        .as_user(move |s, _| {
            let tell = &mut |p| drop(on_progress.send(p));
            step(s, &bytes, Path::new(&path), locale, tell, &shared.import_cancel)
        })
        .await
}

/// Stops the check or import under way (it ends with the `cancelled` error, nothing saved).
/// Sets a flag only: it must not wait for the store, which the import holds.
#[tauri::command]
pub(crate) fn exchange_cancel(state: State<'_, AppState>) {
    state.0.import_cancel.store(true, Ordering::Relaxed);
}

/// Opens an import's rejected rows with the system's program for CSV files (a spreadsheet).
#[tauri::command]
pub(crate) async fn exchange_open_rejected(app: AppHandle, state: State<'_, AppState>, path: String) -> ApiResult<()> {
    let locale = state.0.locale();
    // Only the files imports write: the screen cannot open anything else through this.
    if !path.ends_with("-rejected.csv") || !Path::new(&path).is_file() {
        return Err(ApiError::new(&Error::NotFound { entity: "file", id: 0 }, locale));
    }
    app.opener().open_path(path, None::<&str>).map_err(|e| io(std::io::Error::other(e.to_string()), locale))
}
