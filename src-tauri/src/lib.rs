//! The desktop shell: opens the database, then exposes one Tauri command per core function.
//! No SQL and no business rules here; each command parses its arguments, calls parc-core,
//! and returns a serialisable value or an [`ApiError`].

use std::path::PathBuf;
use std::sync::Mutex;

use parc_core::customer::{self, Customer, CustomerChoices, CustomerData, CustomerSummary};
use parc_core::i18n::{self, Locale, UiLanguage};
use parc_core::storage::CustomerQuery;
use parc_core::workstation::{self, WorkstationSettings};
use parc_core::{demo, Error, Store};
use serde::Serialize;
use tauri::State;

/// An error as the UI sees it: a code to branch on and a translated message to show.
#[derive(Debug, Serialize)]
pub struct ApiError {
    code: &'static str,
    message: String,
    /// Invalid fields with their translated messages, for marking the form.
    fields: Vec<FieldMessage>,
    /// The customer that already holds a VAT id, so the UI can link to it.
    existing: Option<ExistingRecord>,
}

#[derive(Debug, Serialize)]
struct ExistingRecord {
    id: i64,
    name: String,
}

#[derive(Debug, Serialize)]
struct FieldMessage {
    field: &'static str,
    message: String,
}

impl ApiError {
    fn new(err: &Error, locale: Locale) -> ApiError {
        if err.code() == "internal" {
            // The person sees a short sentence; the detail goes to the log for support.
            eprintln!("parc: internal error: {err:?}");
        }
        let fields = match err {
            Error::Validation(fields) => fields
                .iter()
                .map(|f| FieldMessage { field: f.field, message: i18n::tr(locale, f.key).to_string() })
                .collect(),
            _ => Vec::new(),
        };
        let existing = match err {
            Error::DuplicateVat { existing_id, existing_name } => {
                Some(ExistingRecord { id: *existing_id, name: existing_name.clone() })
            }
            _ => None,
        };
        ApiError { code: err.code(), message: err.message(locale), fields, existing }
    }
}

type ApiResult<T> = Result<T, ApiError>;

pub struct AppState {
    db_path: PathBuf,
    /// `Err` keeps why the database could not be opened, shown instead of the customer list.
    store: Result<Mutex<Store>, Error>,
    settings_path: PathBuf,
    settings: Mutex<WorkstationSettings>,
}

impl AppState {
    pub fn open(db_path: PathBuf, settings_path: PathBuf) -> AppState {
        let settings = WorkstationSettings::load(&settings_path);
        let store = Store::open(&db_path).map(Mutex::new);
        AppState { db_path, store, settings_path, settings: Mutex::new(settings) }
    }

    fn locale(&self) -> Locale {
        self.settings.lock().expect("settings lock").effective_locale()
    }

    /// Runs `f` on the open store, translating any error into the UI's language.
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> parc_core::Result<T>) -> ApiResult<T> {
        let locale = self.locale();
        let store = self.store.as_ref().map_err(|e| ApiError::new(e, locale))?;
        // A panic in another command must not lock the office out of its data.
        let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard).map_err(|e| ApiError::new(&e, locale))
    }
}

#[derive(Serialize)]
struct AppInfo {
    version: &'static str,
    db_path: String,
    /// Why the database is unusable, if it is.
    db_error: Option<ApiError>,
    network_filesystem: bool,
    language: UiLanguage,
    choices: CustomerChoices,
}

#[tauri::command]
fn app_info(state: State<AppState>) -> AppInfo {
    let locale = state.locale();
    let (db_error, network_filesystem) = match &state.store {
        Ok(store) => (None, store.lock().unwrap_or_else(|p| p.into_inner()).on_network_filesystem()),
        Err(e) => (Some(ApiError::new(e, locale)), false),
    };
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        db_path: state.db_path.display().to_string(),
        db_error,
        network_filesystem,
        language: i18n::ui_language(locale),
        choices: customer::CHOICES,
    }
}

#[tauri::command]
fn set_locale(state: State<AppState>, locale: Locale) -> ApiResult<UiLanguage> {
    let mut settings = state.settings.lock().expect("settings lock");
    settings.locale = Some(locale);
    settings.save(&state.settings_path).map_err(|e| ApiError::new(&e, locale))?;
    Ok(i18n::ui_language(locale))
}

#[tauri::command(async)]
fn customer_search(state: State<AppState>, query: CustomerQuery) -> ApiResult<Vec<CustomerSummary>> {
    state.with_store(|s| s.search_customers(&query))
}

#[tauri::command(async)]
fn customer_get(state: State<AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(|s| s.customer(id))
}

#[tauri::command(async)]
fn customer_create(state: State<AppState>, data: CustomerData) -> ApiResult<Customer> {
    state.with_store(|s| s.create_customer(data))
}

#[tauri::command(async)]
fn customer_update(state: State<AppState>, id: i64, version: i64, data: CustomerData) -> ApiResult<Customer> {
    state.with_store(|s| s.update_customer(id, version, data))
}

#[tauri::command(async)]
fn customer_archive(state: State<AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(|s| s.archive_customer(id))
}

#[tauri::command(async)]
fn customer_restore(state: State<AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(|s| s.restore_customer(id))
}

#[tauri::command(async)]
fn demo_load(state: State<AppState>, customers: usize) -> ApiResult<usize> {
    state.with_store(|s| demo::load(s, customers.min(100_000), 1, |_, _| {}))
}

/// `--db PATH` or `--db=PATH` from the command line, if given.
fn db_arg(args: impl IntoIterator<Item = String>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--db=") {
            return Some(PathBuf::from(path));
        }
    }
    None
}

pub fn run() {
    let db_path = workstation::resolve_db_path(db_arg(std::env::args().skip(1)));
    let state = AppState::open(db_path, workstation::settings_path());
    tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            app_info,
            set_locale,
            customer_search,
            customer_get,
            customer_create,
            customer_update,
            customer_archive,
            customer_restore,
            demo_load,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Parc");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_db_argument_in_both_forms() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(db_arg(args(&["--db", "/x/a.sqlite3"])), Some(PathBuf::from("/x/a.sqlite3")));
        assert_eq!(db_arg(args(&["--db=/y.sqlite3"])), Some(PathBuf::from("/y.sqlite3")));
        assert_eq!(db_arg(args(&["--other"])), None);
    }

    #[test]
    fn errors_reach_the_ui_as_code_message_and_fields() {
        let err = Error::invalid("vat_id", "vat.bad_check_digit");
        let json = serde_json::to_value(ApiError::new(&err, Locale::En)).unwrap();
        assert_eq!(json["code"], "validation");
        assert_eq!(json["fields"][0]["field"], "vat_id");
        assert!(!json["fields"][0]["message"].as_str().unwrap().contains("vat."), "translated: {json}");
        let dup = Error::DuplicateVat { existing_id: 7, existing_name: "Rossi".into() };
        let json = serde_json::to_value(ApiError::new(&dup, Locale::It)).unwrap();
        assert_eq!(json["code"], "duplicate_vat");
        assert_eq!(json["existing"]["id"], 7);
        assert_eq!(json["existing"]["name"], "Rossi");
        assert!(json["message"].as_str().unwrap().contains("Rossi"));
    }
}
