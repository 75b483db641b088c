//! The desktop shell: opens the database, then exposes one Tauri command per core function.
//! No SQL and no business rules here; each command parses its arguments, calls parc-core,
//! and returns a serialisable value or an [`ApiError`].

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use parc_core::contact::{
    self, Agenda, Attachment, ColdCustomer, Contact, ContactData, ContactRevision, HistoryFilter, Material,
    MaterialData,
};
use parc_core::custom_field::{CustomField, CustomFieldData};
use parc_core::customer::{self, Customer, CustomerChoices, CustomerData, CustomerSummary};
use parc_core::deal::{
    self as deal, Deal, DealData, DealQuery, DealSummary, Lead, LeadData, MoveRequest, ReasonSettings, StageSettings,
    VehicleLine,
};
use parc_core::funnel::{Accuracy, FunnelQuery, LeadFigures};
use parc_core::i18n::{self, Locale, UiLanguage};
use parc_core::person::{self, Person, PersonData};
use parc_core::storage::{self, Board, CustomerQuery, DealView, Funnel, StoreStatus, Target};
use parc_core::user::{User, UserData};
use parc_core::workstation::{self, WorkstationSettings};
use parc_core::{demo, Error, Store};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;

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
    field: String,
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
                .map(|f| FieldMessage { field: f.field.to_string(), message: i18n::tr(locale, f.key).to_string() })
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

/// The open database, or why it could not be opened (shown instead of the customer list).
struct Db {
    target: Target,
    store: Result<Store, Error>,
}

/// What the commands share. Cloning shares the same state.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    db: Mutex<Db>,
    settings_path: PathBuf,
    settings: Mutex<WorkstationSettings>,
}

impl AppState {
    pub fn open(db_arg: Option<String>, settings_path: PathBuf) -> AppState {
        let settings = WorkstationSettings::load(&settings_path);
        let target = workstation::resolve_target(db_arg, &settings);
        let store = Store::connect(&target);
        AppState(Arc::new(Shared {
            db: Mutex::new(Db { target, store }),
            settings_path,
            settings: Mutex::new(settings),
        }))
    }

    /// Runs database work on a blocking thread: it must not stall the async runtime, and the
    /// PostgreSQL client drives a runtime of its own, which cannot start inside Tauri's.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Shared) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let shared = Arc::clone(&self.0);
        let locale = shared.locale();
        tauri::async_runtime::spawn_blocking(move || f(&shared))
            .await
            .unwrap_or_else(|join| Err(ApiError::new(&Error::Io(std::io::Error::other(join.to_string())), locale)))
    }

    async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> parc_core::Result<T> + Send + 'static,
    ) -> ApiResult<T> {
        self.blocking(move |shared| shared.with_store(f)).await
    }

    /// Like `with_store`, for work done in the name of the workstation's user.
    async fn as_user<T: Send + 'static>(
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
    fn locale(&self) -> Locale {
        self.settings().effective_locale()
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Db> {
        // A panic in another command must not lock the office out of its data.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn settings(&self) -> std::sync::MutexGuard<'_, WorkstationSettings> {
        self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Who sits at this workstation, for the open database.
    fn current_user(&self) -> Option<i64> {
        let target = self.db().target.clone();
        self.settings().user_for(&target)
    }

    /// Runs `f` on the open store, translating any error into the UI's language.
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> parc_core::Result<T>) -> ApiResult<T> {
        let locale = self.locale();
        let mut db = self.db();
        let store = db.store.as_mut().map_err(|e| ApiError::new(e, locale))?;
        f(store).map_err(|e| ApiError::new(&e, locale))
    }
}

#[derive(Serialize)]
struct AppInfo {
    version: &'static str,
    /// The database in use, password masked.
    db_target: String,
    db_kind: &'static str,
    /// Why the database is unusable, if it is.
    db_error: Option<ApiError>,
    network_filesystem: bool,
    language: UiLanguage,
    choices: CustomerChoices,
    /// The user chosen at this workstation, if any (the UI asks when there is none).
    current_user_id: Option<i64>,
    cold_after_days: u32,
    contact_kinds: &'static [&'static str],
    decision_roles: &'static [&'static str],
    vehicle_categories: &'static [&'static str],
}

#[tauri::command]
fn app_info(state: State<AppState>) -> AppInfo {
    let locale = state.0.locale();
    let db = state.0.db();
    // One guard for the whole literal: a second lock of the same settings would deadlock.
    let settings = state.0.settings();
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        db_target: db.target.to_string(),
        db_kind: match db.target {
            Target::File(_) => "file",
            Target::Postgres(_) => "postgres",
        },
        db_error: db.store.as_ref().err().map(|e| ApiError::new(e, locale)),
        network_filesystem: db.store.as_ref().is_ok_and(Store::on_network_filesystem),
        language: i18n::ui_language(locale),
        choices: customer::CHOICES,
        current_user_id: settings.user_for(&db.target),
        cold_after_days: settings.cold_after_days(),
        contact_kinds: contact::CONTACT_KINDS,
        decision_roles: person::DECISION_ROLES,
        vehicle_categories: deal::VEHICLE_CATEGORIES,
    }
}

/// Tries a database address without switching to it.
#[tauri::command]
async fn db_test(state: State<'_, AppState>, address: String) -> ApiResult<StoreStatus> {
    state
        .blocking(move |shared| {
            let locale = shared.locale();
            let address = workstation::database_choice(&address).map_err(|e| ApiError::new(&e, locale))?;
            storage::probe(&Target::parse(&address)).map_err(|e| ApiError::new(&e, locale))
        })
        .await
}

/// Switches this workstation to another database and remembers it. Nothing changes when the
/// new one cannot be opened.
#[tauri::command]
async fn db_use(state: State<'_, AppState>, address: String) -> ApiResult<()> {
    state
        .blocking(move |shared| {
            let locale = shared.locale();
            let address = workstation::database_choice(&address).map_err(|e| ApiError::new(&e, locale))?;
            let target = Target::parse(&address);
            let store = Store::connect(&target).map_err(|e| ApiError::new(&e, locale))?;
            let mut settings = shared.settings.lock().unwrap_or_else(|p| p.into_inner());
            settings.database = Some(address);
            settings.save(&shared.settings_path).map_err(|e| ApiError::new(&e, locale))?;
            *shared.db() = Db { target, store: Ok(store) };
            Ok(())
        })
        .await
}

#[tauri::command]
fn set_locale(state: State<AppState>, locale: Locale) -> ApiResult<UiLanguage> {
    let mut settings = state.0.settings.lock().unwrap_or_else(|p| p.into_inner());
    settings.locale = Some(locale);
    settings.save(&state.0.settings_path).map_err(|e| ApiError::new(&e, locale))?;
    Ok(i18n::ui_language(locale))
}

#[tauri::command]
async fn customer_search(state: State<'_, AppState>, query: CustomerQuery) -> ApiResult<Vec<CustomerSummary>> {
    state.with_store(move |s| s.search_customers(&query)).await
}

#[tauri::command]
async fn customer_get(state: State<'_, AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(move |s| s.customer(id)).await
}

#[tauri::command]
async fn customer_create(state: State<'_, AppState>, data: CustomerData) -> ApiResult<Customer> {
    state.with_store(move |s| s.create_customer(data)).await
}

#[tauri::command]
async fn customer_update(state: State<'_, AppState>, id: i64, version: i64, data: CustomerData) -> ApiResult<Customer> {
    state.with_store(move |s| s.update_customer(id, version, data)).await
}

#[tauri::command]
async fn customer_archive(state: State<'_, AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(move |s| s.archive_customer(id)).await
}

#[tauri::command]
async fn customer_restore(state: State<'_, AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(move |s| s.restore_customer(id)).await
}

#[tauri::command]
async fn demo_load(state: State<'_, AppState>, customers: usize) -> ApiResult<usize> {
    state
        .with_store(move |s| demo::load(s, customers.min(100_000), 1, chrono::Local::now().date_naive(), |_, _| {}))
        .await
}

#[tauri::command]
async fn users_list(state: State<'_, AppState>) -> ApiResult<Vec<User>> {
    state.with_store(|s| s.users()).await
}

#[tauri::command]
async fn user_create(state: State<'_, AppState>, data: UserData) -> ApiResult<User> {
    state.with_store(move |s| s.create_user(data)).await
}

#[tauri::command]
async fn user_update(state: State<'_, AppState>, id: i64, version: i64, data: UserData) -> ApiResult<User> {
    state.with_store(move |s| s.update_user(id, version, data)).await
}

/// Remembers who sits at this workstation (for the open database).
#[tauri::command]
async fn user_choose(state: State<'_, AppState>, user_id: i64) -> ApiResult<User> {
    state
        .blocking(move |shared| {
            let locale = shared.locale();
            let user = shared.with_store(|s| s.user(user_id))?;
            let target = shared.db().target.to_string();
            let mut settings = shared.settings();
            settings.users.insert(target, user.id);
            settings.save(&shared.settings_path).map_err(|e| ApiError::new(&e, locale))?;
            Ok(user)
        })
        .await
}

#[tauri::command]
fn cold_days_set(state: State<AppState>, days: u32) -> ApiResult<u32> {
    let locale = state.0.locale();
    let mut settings = state.0.settings();
    settings.cold_after_days = Some(days.clamp(1, 3650));
    settings.save(&state.0.settings_path).map_err(|e| ApiError::new(&e, locale))?;
    Ok(settings.cold_after_days())
}

#[tauri::command]
async fn people_list(state: State<'_, AppState>, customer_id: i64) -> ApiResult<Vec<Person>> {
    state.with_store(move |s| s.people(customer_id)).await
}

#[tauri::command]
async fn person_create(state: State<'_, AppState>, customer_id: i64, data: PersonData) -> ApiResult<Person> {
    state.with_store(move |s| s.create_person(customer_id, data)).await
}

#[tauri::command]
async fn person_update(state: State<'_, AppState>, id: i64, version: i64, data: PersonData) -> ApiResult<Person> {
    state.with_store(move |s| s.update_person(id, version, data)).await
}

#[tauri::command]
async fn contact_log(state: State<'_, AppState>, customer_id: i64, data: ContactData) -> ApiResult<Contact> {
    state.as_user(move |s, me| s.log_contact(customer_id, data, me)).await
}

#[tauri::command]
async fn contact_correct(state: State<'_, AppState>, id: i64, version: i64, data: ContactData) -> ApiResult<Contact> {
    state.as_user(move |s, me| s.correct_contact(id, version, data, me)).await
}

#[tauri::command]
async fn contact_history(
    state: State<'_, AppState>,
    customer_id: i64,
    filter: HistoryFilter,
) -> ApiResult<Vec<Contact>> {
    state.with_store(move |s| s.contact_history(customer_id, &filter)).await
}

#[tauri::command]
async fn contact_revisions(state: State<'_, AppState>, id: i64) -> ApiResult<Vec<ContactRevision>> {
    state.with_store(move |s| s.contact_revisions(id)).await
}

/// The agenda of `user_id` (everyone's for `None`), as of today on this workstation's clock.
#[tauri::command]
async fn agenda_get(state: State<'_, AppState>, user_id: Option<i64>) -> ApiResult<Agenda> {
    state.with_store(move |s| s.agenda(user_id, chrono::Local::now().date_naive())).await
}

#[tauri::command]
async fn action_complete(
    state: State<'_, AppState>,
    contact_id: i64,
    outcome: String,
    follow_up: Option<ContactData>,
) -> ApiResult<Option<Contact>> {
    state.as_user(move |s, me| s.complete_action(contact_id, &outcome, follow_up, me)).await
}

#[tauri::command]
async fn going_cold(state: State<'_, AppState>, owner_id: Option<i64>) -> ApiResult<Vec<ColdCustomer>> {
    let days = state.0.settings().cold_after_days();
    state.with_store(move |s| s.going_cold(owner_id, days, chrono::Local::now().date_naive(), 200)).await
}

#[tauri::command]
async fn material_list(state: State<'_, AppState>, customer_id: i64) -> ApiResult<Vec<Material>> {
    state.with_store(move |s| s.materials(customer_id)).await
}

#[tauri::command]
async fn material_add(state: State<'_, AppState>, customer_id: i64, data: MaterialData) -> ApiResult<Material> {
    state.with_store(move |s| s.add_material(customer_id, data)).await
}

#[tauri::command]
async fn material_update(
    state: State<'_, AppState>,
    customer_id: i64,
    id: i64,
    version: i64,
    data: MaterialData,
) -> ApiResult<Material> {
    state.with_store(move |s| s.update_material(customer_id, id, version, data)).await
}

#[tauri::command]
async fn material_delete(state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    state.with_store(move |s| s.delete_material(id)).await
}

#[tauri::command]
async fn custom_fields_list(state: State<'_, AppState>) -> ApiResult<Vec<CustomField>> {
    state.with_store(Store::custom_fields).await
}

#[tauri::command]
async fn custom_field_define(state: State<'_, AppState>, data: CustomFieldData) -> ApiResult<CustomField> {
    state.as_user(move |s, me| s.define_custom_field(me, data)).await
}

#[tauri::command]
async fn custom_field_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: CustomFieldData,
) -> ApiResult<CustomField> {
    state.as_user(move |s, me| s.update_custom_field(me, id, version, data)).await
}

#[tauri::command]
async fn custom_fields_reorder(state: State<'_, AppState>, ids: Vec<i64>) -> ApiResult<Vec<CustomField>> {
    state.as_user(move |s, me| s.reorder_custom_fields(me, &ids)).await
}

/// Keeps a file with a contact. The bytes come as the raw request body (no JSON encoding of
/// megabytes); the contact and the file name come in headers, the name percent-encoded.
#[tauri::command]
async fn attachment_add(state: State<'_, AppState>, request: tauri::ipc::Request<'_>) -> ApiResult<Attachment> {
    let header = |name| request.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let contact_id: i64 = header("x-contact").parse().unwrap_or(0);
    let name = percent_encoding::percent_decode_str(&header("x-name")).decode_utf8_lossy().into_owned();
    let data = match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => bytes.clone(),
        tauri::ipc::InvokeBody::Json(_) => Vec::new(),
    };
    state.as_user(move |s, me| s.attach_file(contact_id, &name, &data, me)).await
}

/// Opens a stored file with the system's viewer, from a copy in the app's cache folder.
#[tauri::command]
async fn attachment_open(app: AppHandle, state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    let dir = app.path().app_cache_dir().unwrap_or_else(|_| std::env::temp_dir()).join("attachments");
    let path = state.with_store(move |s| s.export_attachment(id, &dir)).await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| ApiError::new(&Error::Io(std::io::Error::other(e.to_string())), state.0.locale()))
}

/// This workstation's calendar day: deals close, stall and come back on local days.
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[tauri::command]
async fn stages_get(state: State<'_, AppState>) -> ApiResult<StageSettings> {
    state.with_store(Store::stage_settings).await
}

#[tauri::command]
async fn stages_save(state: State<'_, AppState>, settings: StageSettings) -> ApiResult<StageSettings> {
    state.as_user(move |s, me| s.save_stage_settings(me, settings)).await
}

#[tauri::command]
async fn reasons_get(state: State<'_, AppState>) -> ApiResult<ReasonSettings> {
    state.with_store(Store::reason_settings).await
}

#[tauri::command]
async fn reasons_save(state: State<'_, AppState>, settings: ReasonSettings) -> ApiResult<ReasonSettings> {
    state.as_user(move |s, me| s.save_reason_settings(me, settings)).await
}

#[tauri::command]
async fn deal_create(
    state: State<'_, AppState>,
    customer_id: i64,
    data: DealData,
    stage_id: Option<i64>,
) -> ApiResult<Deal> {
    state.as_user(move |s, me| s.create_deal(customer_id, data, stage_id, "card", me)).await
}

/// One action from the renewal radar or the card: a deal prefilled with these vehicles.
#[tauri::command]
async fn deal_start(state: State<'_, AppState>, customer_id: i64, vehicles: Vec<VehicleLine>) -> ApiResult<Deal> {
    state.as_user(move |s, me| s.start_deal_with_vehicles(customer_id, vehicles, me, today())).await
}

#[tauri::command]
async fn deal_update(state: State<'_, AppState>, id: i64, version: i64, data: DealData) -> ApiResult<Deal> {
    state.with_store(move |s| s.update_deal(id, version, data)).await
}

#[tauri::command]
async fn deal_move(state: State<'_, AppState>, id: i64, version: i64, request: MoveRequest) -> ApiResult<Deal> {
    state.as_user(move |s, me| s.move_deal(id, version, request, me, today())).await
}

#[tauri::command]
async fn deal_view(state: State<'_, AppState>, id: i64) -> ApiResult<DealView> {
    state.with_store(move |s| s.deal_view(id, today())).await
}

#[tauri::command]
async fn deals_list(state: State<'_, AppState>, query: DealQuery) -> ApiResult<Vec<DealSummary>> {
    state.with_store(move |s| s.deals(&query, today())).await
}

#[tauri::command]
async fn board_get(state: State<'_, AppState>, owner_id: Option<i64>, currency: Option<String>) -> ApiResult<Board> {
    state.with_store(move |s| s.board(owner_id, currency, today())).await
}

#[tauri::command]
async fn funnel_get(state: State<'_, AppState>, query: FunnelQuery) -> ApiResult<Funnel> {
    state.with_store(move |s| s.funnel(&query, today())).await
}

#[tauri::command]
async fn stalled_list(state: State<'_, AppState>, owner_id: Option<i64>) -> ApiResult<Vec<DealSummary>> {
    state.with_store(move |s| s.stalled_deals(owner_id, today(), 200)).await
}

#[tauri::command]
async fn forecast_accuracy(
    state: State<'_, AppState>,
    owner_id: Option<i64>,
    currency: Option<String>,
) -> ApiResult<Vec<Accuracy>> {
    state.with_store(move |s| s.forecast_accuracy(owner_id, currency, 6, today())).await
}

#[tauri::command]
async fn lead_create(state: State<'_, AppState>, customer_id: i64, data: LeadData) -> ApiResult<Lead> {
    state.as_user(move |s, me| s.create_lead(customer_id, data, me)).await
}

#[tauri::command]
async fn leads_list(
    state: State<'_, AppState>,
    open_only: bool,
    owner_id: Option<i64>,
    customer_id: Option<i64>,
) -> ApiResult<Vec<Lead>> {
    state.with_store(move |s| s.leads(open_only, owner_id, customer_id)).await
}

#[tauri::command]
async fn lead_qualify(state: State<'_, AppState>, id: i64, version: i64, data: DealData) -> ApiResult<Deal> {
    state.as_user(move |s, me| s.qualify_lead(id, version, data, me, today())).await
}

#[tauri::command]
async fn lead_disqualify(state: State<'_, AppState>, id: i64, version: i64, reason: String) -> ApiResult<Lead> {
    state.with_store(move |s| s.disqualify_lead(id, version, &reason, today())).await
}

#[tauri::command]
async fn lead_funnel(state: State<'_, AppState>, query: FunnelQuery) -> ApiResult<Vec<LeadFigures>> {
    state.with_store(move |s| s.lead_funnel(&query)).await
}

/// `--db PATH|URL` or `--db=PATH|URL` from the command line, if given.
fn db_arg(args: impl IntoIterator<Item = String>) -> Option<String> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--db" {
            return args.next();
        }
        if let Some(target) = arg.strip_prefix("--db=") {
            return Some(target.to_string());
        }
    }
    None
}

pub fn run() {
    let state = AppState::open(db_arg(std::env::args().skip(1)), workstation::settings_path());
    // Keep the forecast of the month end just passed, if no workstation has yet: later the
    // manager compares it with what was won. In the background: the window need not wait.
    let keeper = state.clone();
    std::thread::spawn(move || {
        if let Err(e) = keeper.0.with_store(|s| s.snapshot_passed_month_end(today())) {
            eprintln!("parc: forecast snapshot not taken: {}", e.message);
        }
    });
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
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
            db_test,
            db_use,
            users_list,
            user_create,
            user_update,
            user_choose,
            cold_days_set,
            people_list,
            person_create,
            person_update,
            contact_log,
            contact_correct,
            contact_history,
            contact_revisions,
            agenda_get,
            action_complete,
            going_cold,
            material_list,
            material_add,
            material_update,
            material_delete,
            custom_fields_list,
            custom_field_define,
            custom_field_update,
            custom_fields_reorder,
            attachment_add,
            attachment_open,
            stages_get,
            stages_save,
            reasons_get,
            reasons_save,
            deal_create,
            deal_start,
            deal_update,
            deal_move,
            deal_view,
            deals_list,
            board_get,
            funnel_get,
            stalled_list,
            forecast_accuracy,
            lead_create,
            leads_list,
            lead_qualify,
            lead_disqualify,
            lead_funnel,
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
        assert_eq!(db_arg(args(&["--db", "/x/a.sqlite3"])).as_deref(), Some("/x/a.sqlite3"));
        assert_eq!(db_arg(args(&["--db=postgres://db/parc"])).as_deref(), Some("postgres://db/parc"));
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
