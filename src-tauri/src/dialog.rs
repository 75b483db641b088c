//! Where a file the app writes goes: the native save dialog, run off the async runtime since it
//! waits for the person. End-to-end tests cannot drive a native dialog: with
//! `PARC_TEST_SAVE_DIR` set, a PDF or an export is saved in that folder under its proposed name.

use std::path::{Path, PathBuf};

use parc_core::exchange::FileKind;
use parc_core::ground::i18n::{self, Locale};
use parc_core::{ground::atomic, Error, Store};
use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Where to save `name`, asked with the native dialog offering one filter; `None` when the
/// person cancels. With `PARC_TEST_SAVE_DIR` set (end-to-end tests: WebDriver cannot drive a
/// native dialog) it is that folder, without asking. Blocks until answered.
pub(crate) fn choose_save_path(app: &AppHandle, name: &str, filter: (&str, &[&str])) -> Option<PathBuf> {
    match std::env::var_os("PARC_TEST_SAVE_DIR") {
        Some(dir) => Some(PathBuf::from(dir).join(name)),
        None => app
            .dialog()
            .file()
            .set_file_name(name)
            .add_filter(filter.0, filter.1)
            .blocking_save_file()
            .and_then(|p| p.into_path().ok()),
    }
}

/// Asks where to save the PDF `name` and writes `bytes` there whole or not at all
/// ([`atomic::write`]). `None` when the person cancels.
pub(crate) fn save_with_dialog(app: &AppHandle, name: &str, bytes: &[u8], locale: Locale) -> ApiResult<Option<String>> {
    let Some(path) = choose_save_path(app, name, ("PDF", &["pdf"])) else { return Ok(None) };
    atomic::write(&path, bytes).map_err(|e| ApiError::new(&Error::Io(e), locale))?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// [`save_with_dialog`] off the async runtime: the native dialog blocks until answered.
pub(crate) async fn save_blocking(
    app: AppHandle,
    name: String,
    bytes: Vec<u8>,
    locale: Locale,
) -> ApiResult<Option<String>> {
    tauri::async_runtime::spawn_blocking(move || save_with_dialog(&app, &name, &bytes, locale))
        .await
        .unwrap_or_else(|join| Err(ApiError::new(&Error::Io(std::io::Error::other(join.to_string())), locale)))
}

/// A CSV file written where the person chose, and how many rows it holds.
#[derive(Debug, Serialize)]
pub(crate) struct Exported {
    path: String,
    rows: usize,
}

/// Asks where to save a table as CSV or Excel (the system's save dialog, titled by `title_key`,
/// offering `name` with the kind's extension, that kind's filter first); `None` when the
/// person cancels. The chosen name's extension decides what the core writes.
pub(crate) async fn ask_table_path(
    app: AppHandle,
    locale: Locale,
    title_key: &str,
    name: String,
    kind: FileKind,
) -> Option<PathBuf> {
    let title = i18n::tr(locale, title_key).to_string();
    let csv = (i18n::tr(locale, "reports.csv_files").to_string(), ["csv"]);
    let excel = (i18n::tr(locale, "reports.excel_files").to_string(), ["xlsx"]);
    let filters = match kind {
        FileKind::Csv => [csv, excel],
        FileKind::Xlsx => [excel, csv],
    };
    let name = format!("{name}.{}", kind.extension());
    // The dialog waits for the person: off the async runtime, like the database work.
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = app.dialog().file().set_title(title).set_file_name(name);
        for (label, extensions) in &filters {
            dialog = dialog.add_filter(label, extensions);
        }
        if let Some(window) = app.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        dialog.blocking_save_file()
    })
    .await
    .unwrap_or(None);
    chosen.and_then(|p| p.into_path().ok())
}

/// Asks where to save a table (see [`ask_table_path`]), then has `write` write it there on the
/// store and returns how many rows it wrote; `None` when the person cancels.
pub(crate) async fn export_table(
    app: AppHandle,
    state: &AppState,
    title_key: &'static str,
    name: String,
    kind: FileKind,
    write: impl FnOnce(&mut Store, &Path) -> parc_core::Result<usize> + Send + 'static,
) -> ApiResult<Option<Exported>> {
    let locale = state.0.locale();
    let Some(path) = ask_table_path(app, locale, title_key, name, kind).await else { return Ok(None) };
    state
        .with_store(move |s| {
            let rows = write(s, &path)?;
            Ok(Some(Exported { path: path.display().to_string(), rows }))
        })
        .await
}
