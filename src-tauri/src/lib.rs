//! The desktop shell: opens the database, then exposes one Tauri command per core function.
//! No SQL and no business rules here; each command parses its arguments, calls parc-core,
//! and returns a serialisable value or an [`ApiError`].

mod commands;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use parc_core::audit::Change;
use parc_core::backup::{self, BackupInfo, RestoreReport};
use parc_core::campaign::{Campaign, CampaignAction, CampaignData, CampaignRow, CampaignTarget};
use parc_core::competitor::{Competitor, CompetitorData, CustomerCompetitors, Sighting, SightingData};
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
use parc_core::exchange::FileKind;
use parc_core::fleet::{self, CustomerFleet, FleetLine, FleetLineData, FleetSettings, Saved};
use parc_core::funnel::{Accuracy, FunnelQuery, LeadFigures};
use parc_core::i18n::{self, Locale, UiLanguage};
use parc_core::offer::{
    Offer, OfferData, OfferLine, OfferQuery, OfferSettings, OfferSummary, PriceItem, PriceItemData, PriceQuery, Totals,
};
use parc_core::pdf::Letterhead;
use parc_core::person::{self, Person, PersonData};
use parc_core::plan::{PlanSettings, PlanStatus};
use parc_core::report::{self, CostSettings, PyramidSettings, Ranking, ReportKind, ReportOutput, ReportQuery};
use parc_core::segment::{RankedSegment, Segment, SegmentData, SegmentFilter};
use parc_core::share::{MarketShare, Radar, RadarQuery};
use parc_core::storage::{
    self, Board, CustomerQuery, CustomerTier, DealView, Funnel, OfferDecision, OfferView, PriceImport, SaveConflict,
    SegmentPage, StoreStatus, Target,
};
use parc_core::user::{User, UserData};
use parc_core::workstation::{self, WorkstationSettings};
use parc_core::{demo, Error, Store};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;
use tauri_plugin_window_state::StateFlags;

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

/// A saved record with the warnings it was saved with, translated like field errors.
#[derive(Debug, Serialize)]
struct SavedWithWarnings<T> {
    saved: T,
    warnings: Vec<FieldMessage>,
}

impl<T> SavedWithWarnings<T> {
    fn new(s: Saved<T>, locale: Locale) -> Self {
        let warnings = s
            .warnings
            .iter()
            .map(|w| FieldMessage { field: w.field.to_string(), message: i18n::tr(locale, w.key).to_string() })
            .collect();
        SavedWithWarnings { saved: s.saved, warnings }
    }
}

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
    /// Why the last automatic backup failed (a USB disk unplugged), until one succeeds.
    backup_error: Mutex<Option<String>>,
    /// Set by the import wizard's Cancel; outside the store's lock, which the import holds.
    import_cancel: AtomicBool,
}

/// Opens the database and checks it before anything is shown: a damaged file is reported
/// (and a backup offered), never used. `quick_check` reads every page and index; the full
/// `integrity_check` also compares every index entry with its row, which takes several
/// times longer on a large office (see README), so it is left to backups and `parc-cli check`.
fn open_checked(target: &Target) -> Result<Store, Error> {
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

    /// Runs `f` on the open store, translating any error into the UI's language. Changes are
    /// made in the name of the workstation's user (the audit trail's "who").
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> parc_core::Result<T>) -> ApiResult<T> {
        let locale = self.locale();
        let me = self.current_user();
        let mut db = self.db();
        let store = db.store.as_mut().map_err(|e| ApiError::new(e, locale))?;
        store.set_actor(me);
        f(store).map_err(|e| ApiError::new(&e, locale))
    }

    /// The database file and its backup folder; `None` on a PostgreSQL server.
    fn backup_paths(&self) -> Option<(PathBuf, PathBuf)> {
        let Target::File(file) = self.db().target.clone() else { return None };
        let folder = self.settings().backup_folder(&file);
        Some((file, folder))
    }

    /// Takes a backup when the newest one is older than `max_age` (and the database is a
    /// healthy file). Runs beside the app: the backup reads through a connection of its own.
    fn automatic_backup(&self, max_age: std::time::Duration) {
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

    /// "Parc — office — database": which office and which database this window shows (the
    /// office's name from its letterhead, once it has one).
    fn window_title(&self) -> String {
        let mut db = self.db();
        let place = db.target.short_name();
        let office =
            db.store.as_mut().ok().and_then(|s| s.letterhead().ok()).map(|l| l.company_name.trim().to_string());
        match office.filter(|o| !o.is_empty()) {
            Some(office) => format!("Parc — {office} — {place}"),
            None => format!("Parc — {place}"),
        }
    }

    fn backup_state(&self) -> ApiResult<BackupState> {
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

/// The backups of this workstation's database file, as Settings shows them.
#[derive(Serialize)]
struct BackupState {
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
async fn backup_list(state: State<'_, AppState>) -> ApiResult<BackupState> {
    state.blocking(|shared| shared.backup_state()).await
}

/// Chooses the backup folder (empty: `backups` beside the database); it is created now, so
/// a folder that cannot be written is refused at once rather than at the next backup.
#[tauri::command]
async fn backup_folder_set(state: State<'_, AppState>, folder: String) -> ApiResult<BackupState> {
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
async fn backup_now(state: State<'_, AppState>) -> ApiResult<BackupInfo> {
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
async fn backup_newest_good(state: State<'_, AppState>) -> ApiResult<Option<BackupInfo>> {
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
async fn backup_restore(state: State<'_, AppState>, path: String) -> ApiResult<RestoreReport> {
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

/// A save refused as a conflict: what the record (`customer`, `person`, `fleet_line`,
/// `deal`) is now and how it differs from the form, field by field.
#[tauri::command]
async fn save_conflict(
    state: State<'_, AppState>,
    entity: String,
    id: i64,
    base: serde_json::Value,
    mine: serde_json::Value,
) -> ApiResult<SaveConflict> {
    state.with_store(move |s| s.save_conflict(&entity, id, base, mine)).await
}

/// The history of changes of a record (`customer`, `person`).
#[tauri::command]
async fn changes_list(state: State<'_, AppState>, entity: String, id: i64) -> ApiResult<Vec<Change>> {
    state.with_store(move |s| s.changes(&entity, id)).await
}

#[derive(Serialize)]
struct AppInfo {
    /// The workspace's version (the package's and parc-cli's too).
    version: &'static str,
    /// The database's schema version; none when it could not be opened.
    schema_version: Option<i64>,
    /// The database in use, password masked.
    db_target: String,
    db_kind: &'static str,
    /// The database holds no customer yet: the start page offers the ways in.
    empty: bool,
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
    ownerships: &'static [&'static str],
    weight_classes: Vec<&'static str>,
    vehicle_categories: &'static [&'static str],
}

#[tauri::command]
fn app_info(state: State<AppState>) -> AppInfo {
    let locale = state.0.locale();
    let mut db = state.0.db();
    let store = db.store.as_mut().ok();
    let (schema_version, empty) = match store {
        Some(s) => (s.schema_version().ok(), s.count_customers().is_ok_and(|n| n == 0)),
        None => (None, false),
    };
    // One guard for the whole literal: a second lock of the same settings would deadlock.
    let settings = state.0.settings();
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        schema_version,
        empty,
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
        ownerships: fleet::OWNERSHIPS,
        weight_classes: fleet::WEIGHT_CLASSES.iter().map(|(k, _)| *k).collect(),
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
async fn db_use(app: AppHandle, state: State<'_, AppState>, address: String) -> ApiResult<()> {
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
        .await?;
    retitle_from_command(app).await;
    Ok(())
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

/// How far the demo load is: customers written of those to write.
#[derive(Clone, Serialize)]
struct DemoProgress {
    done: usize,
    total: usize,
}

/// Loads the demo office, reporting its progress. The UI names the load with a key: asking
/// again after an error or a crash goes on where it stopped and adds nothing twice.
#[tauri::command]
async fn demo_load(
    state: State<'_, AppState>,
    customers: usize,
    key: Option<String>,
    on_progress: Channel<DemoProgress>,
) -> ApiResult<usize> {
    state
        .with_store(move |s| {
            let (count, today) = (customers.min(100_000), chrono::Local::now().date_naive());
            let progress = |done, total| drop(on_progress.send(DemoProgress { done, total }));
            match key {
                Some(key) => Ok(demo::load_once(s, &format!("demo:{key}"), count, 1, today, progress)?.customers),
                None => demo::load(s, count, 1, today, progress),
            }
        })
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

#[tauri::command]
async fn fleet_get(state: State<'_, AppState>, customer_id: i64) -> ApiResult<CustomerFleet> {
    state.with_store(move |s| s.fleet(customer_id)).await
}

#[tauri::command]
async fn fleet_line_add(
    state: State<'_, AppState>,
    customer_id: i64,
    data: FleetLineData,
) -> ApiResult<SavedWithWarnings<FleetLine>> {
    let locale = state.0.locale();
    let saved = state.with_store(move |s| s.add_fleet_line(customer_id, data)).await?;
    Ok(SavedWithWarnings::new(saved, locale))
}

#[tauri::command]
async fn fleet_line_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: FleetLineData,
) -> ApiResult<SavedWithWarnings<FleetLine>> {
    let locale = state.0.locale();
    let saved = state.with_store(move |s| s.update_fleet_line(id, version, data)).await?;
    Ok(SavedWithWarnings::new(saved, locale))
}

#[tauri::command]
async fn fleet_line_delete(state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    state.with_store(move |s| s.delete_fleet_line(id)).await
}

#[tauri::command]
async fn fleet_settings_get(state: State<'_, AppState>) -> ApiResult<FleetSettings> {
    state.with_store(|s| s.fleet_settings()).await
}

#[tauri::command]
async fn fleet_settings_save(state: State<'_, AppState>, settings: FleetSettings) -> ApiResult<FleetSettings> {
    state.with_store(move |s| s.save_fleet_settings(settings)).await
}

#[tauri::command]
async fn market_share(state: State<'_, AppState>) -> ApiResult<MarketShare> {
    state.with_store(|s| s.market_share()).await
}

/// The renewal radar as of today on this workstation's clock.
#[tauri::command]
async fn renewal_radar(state: State<'_, AppState>, query: RadarQuery) -> ApiResult<Radar> {
    state.with_store(move |s| s.renewal_radar(&query, chrono::Local::now().date_naive())).await
}

/// The office's saved segments by name, without their figures (for choosing one).
#[tauri::command]
async fn segments(state: State<'_, AppState>) -> ApiResult<Vec<Segment>> {
    state.with_store(|s| s.segments()).await
}

/// The office's segments with their figures, most attractive first.
#[tauri::command]
async fn segments_ranking(state: State<'_, AppState>) -> ApiResult<Vec<RankedSegment>> {
    state.with_store(|s| s.segment_ranking(today())).await
}

/// What a filter keeps, as the editor shows it while it is typed: the count, the figures and
/// the first `limit` customers by name.
#[tauri::command]
async fn segment_preview(state: State<'_, AppState>, filter: SegmentFilter, limit: usize) -> ApiResult<SegmentPage> {
    state.with_store(move |s| s.segment_customers(filter, today(), limit.min(1000))).await
}

#[tauri::command]
async fn segment_create(state: State<'_, AppState>, data: SegmentData) -> ApiResult<Segment> {
    state.with_store(move |s| s.create_segment(data)).await
}

#[tauri::command]
async fn segment_update(state: State<'_, AppState>, id: i64, version: i64, data: SegmentData) -> ApiResult<Segment> {
    state.with_store(move |s| s.update_segment(id, version, data)).await
}

#[tauri::command]
async fn segment_delete(state: State<'_, AppState>, id: i64, version: i64) -> ApiResult<Segment> {
    state.with_store(move |s| s.delete_segment(id, version)).await
}

#[tauri::command]
async fn competitors_list(state: State<'_, AppState>) -> ApiResult<Vec<Competitor>> {
    state.with_store(|s| s.competitors()).await
}

#[tauri::command]
async fn competitor_create(state: State<'_, AppState>, data: CompetitorData) -> ApiResult<Competitor> {
    state.with_store(move |s| s.create_competitor(data)).await
}

#[tauri::command]
async fn competitor_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: CompetitorData,
) -> ApiResult<Competitor> {
    state.with_store(move |s| s.update_competitor(id, version, data)).await
}

#[tauri::command]
async fn customer_competitors(state: State<'_, AppState>, customer_id: i64) -> ApiResult<CustomerCompetitors> {
    state.with_store(move |s| s.customer_competitors(customer_id)).await
}

#[tauri::command]
async fn competitor_note(
    state: State<'_, AppState>,
    customer_id: i64,
    competitor_id: i64,
    present: bool,
) -> ApiResult<()> {
    state.with_store(move |s| s.note_competitor(customer_id, competitor_id, present)).await
}

#[tauri::command]
async fn sighting_add(state: State<'_, AppState>, customer_id: i64, data: SightingData) -> ApiResult<Sighting> {
    state.with_store(move |s| s.add_sighting(customer_id, data)).await
}

#[tauri::command]
async fn sighting_delete(state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    state.with_store(move |s| s.delete_sighting(id)).await
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
async fn offer_settings_get(state: State<'_, AppState>) -> ApiResult<OfferSettings> {
    state.with_store(Store::offer_settings).await
}

#[tauri::command]
async fn offer_settings_save(state: State<'_, AppState>, settings: OfferSettings) -> ApiResult<OfferSettings> {
    state.as_user(move |s, me| s.save_offer_settings(me, settings)).await
}

#[tauri::command]
async fn price_items_list(state: State<'_, AppState>, query: PriceQuery) -> ApiResult<Vec<PriceItem>> {
    state.with_store(move |s| s.price_items(&query)).await
}

#[tauri::command]
async fn price_item_save(
    state: State<'_, AppState>,
    id: Option<i64>,
    version: i64,
    data: PriceItemData,
    retired: bool,
) -> ApiResult<PriceItem> {
    state.as_user(move |s, me| s.save_price_item(me, id, version, data, retired)).await
}

/// The price list file arrives as the raw body (bytes, any encoding: the core checks it).
#[tauri::command]
async fn price_list_import(state: State<'_, AppState>, request: tauri::ipc::Request<'_>) -> ApiResult<PriceImport> {
    let data = match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => bytes.clone(),
        tauri::ipc::InvokeBody::Json(_) => Vec::new(),
    };
    state.as_user(move |s, me| s.import_price_file(me, &data)).await
}

#[tauri::command]
async fn offer_new(state: State<'_, AppState>, customer_id: i64, deal_id: Option<i64>) -> ApiResult<OfferData> {
    state.as_user(move |s, me| s.new_offer(customer_id, deal_id, today(), me)).await
}

#[tauri::command]
async fn offer_line(state: State<'_, AppState>, item_id: i64, language: String, quantity: i64) -> ApiResult<OfferLine> {
    state.with_store(move |s| s.offer_line(item_id, &language, quantity)).await
}

/// The builder's totals as the salesperson types: computed by the core, never in the UI.
#[tauri::command]
fn offer_totals(data: OfferData) -> Totals {
    data.totals()
}

#[tauri::command]
async fn offer_create(state: State<'_, AppState>, data: OfferData, key: Option<String>) -> ApiResult<Offer> {
    let key = key.unwrap_or_default();
    state.with_store(move |s| s.create_offer_once(&key, data).map(|(offer, _)| offer)).await
}

#[tauri::command]
async fn offer_update(state: State<'_, AppState>, id: i64, version: i64, data: OfferData) -> ApiResult<Offer> {
    state.with_store(move |s| s.update_offer(id, version, data)).await
}

#[tauri::command]
async fn offer_view(state: State<'_, AppState>, id: i64) -> ApiResult<OfferView> {
    state.with_store(move |s| s.offer_view(id)).await
}

#[tauri::command]
async fn offers_list(state: State<'_, AppState>, query: OfferQuery) -> ApiResult<Vec<OfferSummary>> {
    state.with_store(move |s| s.offers(&query)).await
}

#[tauri::command]
async fn offer_send(state: State<'_, AppState>, id: i64, version: i64) -> ApiResult<Offer> {
    state.with_store(move |s| s.send_offer(id, version)).await
}

#[tauri::command]
async fn offer_revise(state: State<'_, AppState>, id: i64) -> ApiResult<Offer> {
    state.with_store(move |s| s.revise_offer(id, today())).await
}

#[tauri::command]
async fn offer_decide(state: State<'_, AppState>, id: i64, version: i64, decision: OfferDecision) -> ApiResult<Offer> {
    state.with_store(move |s| s.decide_offer(id, version, decision, today())).await
}

#[tauri::command]
async fn offer_discard(state: State<'_, AppState>, id: i64, version: i64) -> ApiResult<()> {
    state.with_store(move |s| s.discard_offer(id, version)).await
}

#[tauri::command]
async fn letterhead_get(state: State<'_, AppState>) -> ApiResult<Letterhead> {
    state.with_store(Store::letterhead).await
}

#[tauri::command]
async fn letterhead_save(app: AppHandle, state: State<'_, AppState>, letterhead: Letterhead) -> ApiResult<Letterhead> {
    let saved = state.as_user(move |s, me| s.save_letterhead(me, letterhead)).await?;
    retitle_from_command(app).await;
    Ok(saved)
}

/// `retitle` for a command: the store is read on a blocking thread, since the PostgreSQL
/// client panics when called inside the async runtime.
async fn retitle_from_command(app: AppHandle) {
    let _ = tauri::async_runtime::spawn_blocking(move || retitle(&app)).await;
}

/// Puts the office's name and the database into the window's title.
fn retitle(app: &AppHandle) {
    let title = app.state::<AppState>().0.window_title();
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.set_title(&title);
    }
}

/// A problem the check before printing found, in the screens' language.
#[derive(Debug, Serialize)]
struct PrintProblemView {
    key: String,
    field: String,
    message: String,
}

#[tauri::command]
async fn offer_print_check(state: State<'_, AppState>, id: i64) -> ApiResult<Vec<PrintProblemView>> {
    let locale = state.0.locale();
    let problems = state.with_store(move |s| s.offer_print_check(id, None, today())).await?;
    Ok(problems
        .into_iter()
        .map(|p| PrintProblemView { message: p.message(locale), key: p.key, field: p.field })
        .collect())
}

/// Asks where to save `name` with the native dialog and writes `bytes` there (under a
/// temporary name, then renamed). `None` when the person cancels. With `PARC_TEST_SAVE_DIR`
/// set (end-to-end tests: WebDriver cannot drive a native dialog) the file goes there.
fn save_with_dialog(app: &AppHandle, name: &str, bytes: &[u8], locale: Locale) -> ApiResult<Option<String>> {
    use tauri_plugin_dialog::DialogExt;
    let path = match std::env::var_os("PARC_TEST_SAVE_DIR") {
        Some(dir) => Some(PathBuf::from(dir).join(name)),
        None => app
            .dialog()
            .file()
            .set_file_name(name)
            .add_filter("PDF", &["pdf"])
            .blocking_save_file()
            .and_then(|p| p.into_path().ok()),
    };
    let Some(path) = path else { return Ok(None) };
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| ApiError::new(&Error::Io(e), locale))?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// [`save_with_dialog`] off the async runtime: the native dialog blocks until answered.
async fn save_blocking(app: AppHandle, name: String, bytes: Vec<u8>, locale: Locale) -> ApiResult<Option<String>> {
    tauri::async_runtime::spawn_blocking(move || save_with_dialog(&app, &name, &bytes, locale))
        .await
        .unwrap_or_else(|join| Err(ApiError::new(&Error::Io(std::io::Error::other(join.to_string())), locale)))
}

/// A file name for an offer: its number, revision and customer, nothing a file system refuses.
fn offer_file_name(offer: &Offer) -> String {
    let safe: String = offer.number.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{safe}-r{}.pdf", offer.revision)
}

#[tauri::command]
async fn offer_pdf_save(app: AppHandle, state: State<'_, AppState>, id: i64) -> ApiResult<Option<String>> {
    let locale = state.0.locale();
    let (offer, pdf) = state.with_store(move |s| Ok((s.offer(id)?, s.offer_pdf(id, None)?))).await?;
    save_blocking(app, offer_file_name(&offer), pdf, locale).await
}

/// Opens the offer's PDF with the system's viewer, from which it is printed.
#[tauri::command]
async fn offer_pdf_open(app: AppHandle, state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    let locale = state.0.locale();
    let (offer, pdf) = state.with_store(move |s| Ok((s.offer(id)?, s.offer_pdf(id, None)?))).await?;
    let dir = app.path().app_cache_dir().unwrap_or_else(|_| std::env::temp_dir()).join("offers");
    let path = dir.join(offer_file_name(&offer));
    let tmp = path.with_extension("part");
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&tmp, &pdf))
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| ApiError::new(&Error::Io(e), locale))?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| ApiError::new(&Error::Io(std::io::Error::other(e.to_string())), locale))
}

/// The visit pack of `day` (`YYYY-MM-DD`) for `user_id` (everyone's for `None`), saved where
/// the person chooses. `Ok(None)` when cancelled; `not_found` when no visit is planned.
#[tauri::command]
async fn visit_pack_save(
    app: AppHandle,
    state: State<'_, AppState>,
    day: String,
    user_id: Option<i64>,
) -> ApiResult<Option<String>> {
    let locale = state.0.locale();
    let parsed = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
        .map_err(|_| ApiError::new(&Error::invalid("day", "validation.date"), locale))?;
    let pack = state.with_store(move |s| s.visit_pack(user_id, parsed, locale)).await?;
    let Some(pdf) = pack else {
        return Err(ApiError::new(&Error::invalid("day", "visit_pack.none"), locale));
    };
    save_blocking(app, format!("visits-{day}.pdf"), pdf, locale).await
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

#[tauri::command]
async fn report_get(state: State<'_, AppState>, kind: ReportKind, query: ReportQuery) -> ApiResult<ReportOutput> {
    let locale = state.0.locale();
    state.with_store(move |s| s.report(kind, &query, today(), locale)).await
}

/// A CSV file written where the person chose, and how many rows it holds.
#[derive(Debug, Serialize)]
struct Exported {
    path: String,
    rows: usize,
}

/// Asks where to save a table as CSV or Excel (the system's save dialog, titled by `title_key`,
/// offering `name` with the kind's extension, that kind's filter first); `None` when the
/// person cancels. The chosen name's extension decides what the core writes.
async fn ask_table_path(
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

/// Asks where to save report `kind` as CSV or Excel (the system's save dialog, named after the
/// report and its period) and writes it there; `None` when the person cancels.
#[tauri::command]
async fn report_export(
    app: AppHandle,
    state: State<'_, AppState>,
    kind: ReportKind,
    query: ReportQuery,
    file: Option<FileKind>,
) -> ApiResult<Option<Exported>> {
    let locale = state.0.locale();
    let period = report::Period::resolve(query.from.as_deref(), query.to.as_deref(), today())
        .map_err(|e| ApiError::new(&e, locale))?;
    let name = report::csv_name(kind, &period);
    let name = name.strip_suffix(".csv").unwrap_or(&name).to_string();
    let file = file.unwrap_or_default();
    let Some(path) = ask_table_path(app, locale, "reports.export_title", name, file).await else { return Ok(None) };
    state
        .with_store(move |s| {
            let rows = s.export_report(kind, &query, today(), locale, &path)?;
            Ok(Some(Exported { path: path.display().to_string(), rows }))
        })
        .await
}

#[tauri::command]
async fn campaigns_list(state: State<'_, AppState>) -> ApiResult<Vec<CampaignRow>> {
    state.with_store(Store::campaigns).await
}

#[tauri::command]
async fn campaign_create(state: State<'_, AppState>, data: CampaignData) -> ApiResult<Campaign> {
    state.with_store(move |s| s.create_campaign(data)).await
}

#[tauri::command]
async fn campaign_update(state: State<'_, AppState>, id: i64, version: i64, data: CampaignData) -> ApiResult<Campaign> {
    state.with_store(move |s| s.update_campaign(id, version, data)).await
}

/// Makes the campaign's list from its segment as of today on this workstation.
#[tauri::command]
async fn campaign_start(state: State<'_, AppState>, id: i64, version: i64) -> ApiResult<CampaignRow> {
    state.with_store(move |s| s.start_campaign(id, version, today())).await
}

#[tauri::command]
async fn campaign_targets(state: State<'_, AppState>, id: i64) -> ApiResult<Vec<CampaignTarget>> {
    state.with_store(move |s| s.campaign_targets(id)).await
}

/// Records a customer's answer; the contact it logs is written in this workstation's language.
#[tauri::command]
async fn campaign_respond(
    state: State<'_, AppState>,
    campaign_id: i64,
    customer_id: i64,
    response: String,
) -> ApiResult<CampaignTarget> {
    let locale = state.0.locale();
    state.with_store(move |s| s.record_response(campaign_id, customer_id, &response, today(), locale)).await
}

/// The calls and visits of running campaigns still to make by this workstation's user.
#[tauri::command]
async fn campaign_actions(state: State<'_, AppState>, user_id: Option<i64>) -> ApiResult<Vec<CampaignAction>> {
    state.with_store(move |s| s.campaign_actions(user_id, today())).await
}

/// Asks where to save the campaign's list as CSV and writes it; `None` when the person cancels.
#[tauri::command]
async fn campaign_mailing_export(app: AppHandle, state: State<'_, AppState>, id: i64) -> ApiResult<Option<Exported>> {
    let locale = state.0.locale();
    let name = format!("parc-campaign-{id}");
    let Some(path) = ask_table_path(app, locale, "campaigns.export_title", name, FileKind::Csv).await else {
        return Ok(None);
    };
    state
        .with_store(move |s| {
            let rows = s.export_mailing_list(id, locale, &path)?;
            Ok(Some(Exported { path: path.display().to_string(), rows }))
        })
        .await
}

/// Asks where to save what a segment's filter keeps today as CSV or Excel and writes it; `None`
/// when the person cancels.
#[tauri::command]
async fn segment_export(
    app: AppHandle,
    state: State<'_, AppState>,
    filter: SegmentFilter,
    file: Option<FileKind>,
) -> ApiResult<Option<Exported>> {
    let locale = state.0.locale();
    let name = format!("parc-segment-{}", today());
    let file = file.unwrap_or_default();
    let Some(path) = ask_table_path(app, locale, "segments.export_title", name, file).await else { return Ok(None) };
    state
        .with_store(move |s| {
            let rows = s.export_segment_list(filter, today(), locale, &path)?;
            Ok(Some(Exported { path: path.display().to_string(), rows }))
        })
        .await
}

#[tauri::command]
async fn plans_get(state: State<'_, AppState>) -> ApiResult<PlanSettings> {
    state.with_store(Store::plan_settings).await
}

#[tauri::command]
async fn plans_save(state: State<'_, AppState>, settings: PlanSettings) -> ApiResult<PlanSettings> {
    state.as_user(move |s, me| s.save_plan_settings(me, settings)).await
}

/// Who is behind the contact plans (of `owner_id`, or everyone's) today, the first 200 and
/// how many, and the share on plan.
#[tauri::command]
async fn plan_status(state: State<'_, AppState>, owner_id: Option<i64>) -> ApiResult<PlanStatus> {
    state.with_store(move |s| s.plan_status(owner_id, today(), 200)).await
}

/// The office's home country (an ISO code), `null` until set.
#[tauri::command]
async fn home_country_get(state: State<'_, AppState>) -> ApiResult<Option<String>> {
    state.with_store(|s| s.home_country()).await
}

/// Sets the office's home country (`""` clears it); a manager or the director only.
#[tauri::command]
async fn home_country_set(state: State<'_, AppState>, code: String) -> ApiResult<Option<String>> {
    state.as_user(move |s, me| s.set_home_country(me, &code)).await
}

#[tauri::command]
async fn cost_settings_get(state: State<'_, AppState>) -> ApiResult<CostSettings> {
    state.with_store(|s| s.cost_settings()).await
}

#[tauri::command]
async fn cost_settings_save(state: State<'_, AppState>, settings: CostSettings) -> ApiResult<CostSettings> {
    state.as_user(move |s, me| s.save_cost_settings(me, settings)).await
}

#[tauri::command]
async fn pyramid_settings_get(state: State<'_, AppState>) -> ApiResult<PyramidSettings> {
    state.with_store(|s| s.pyramid_settings()).await
}

#[tauri::command]
async fn pyramid_rank(state: State<'_, AppState>, settings: PyramidSettings) -> ApiResult<Ranking> {
    state.as_user(move |s, me| s.rank_customers(me, settings, today())).await
}

#[tauri::command]
async fn customer_tier_get(state: State<'_, AppState>, customer_id: i64) -> ApiResult<Option<CustomerTier>> {
    state.with_store(move |s| s.customer_tier(customer_id)).await
}

/// The window-state plugin writes the size and position when the app exits normally; a PC
/// switched off or a killed process would lose them. This also writes them once the window
/// has been still for a second after a move or a resize.
fn keep_geometry(app: AppHandle) -> std::sync::mpsc::Sender<()> {
    use tauri_plugin_window_state::AppHandleExt;
    let (changed, changes) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        while changes.recv().is_ok() {
            while changes.recv_timeout(std::time::Duration::from_secs(1)).is_ok() {}
            if let Err(e) = app.save_window_state(WINDOW_STATE) {
                eprintln!("parc: window size and position not saved: {e}");
            }
        }
    });
    changed
}

/// What the window keeps between starts.
const WINDOW_STATE: StateFlags = StateFlags::SIZE.union(StateFlags::POSITION).union(StateFlags::MAXIMIZED);

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
    // A backup at start-up (unless one is an hour old), then daily while the app runs.
    let auto = state.clone();
    std::thread::spawn(move || {
        auto.0.automatic_backup(backup::AT_START);
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
            auto.0.automatic_backup(backup::EVERY);
        }
    });
    // Keep the forecast of the month end just passed, if no workstation has yet: later the
    // manager compares it with what was won. In the background: the window need not wait.
    let keeper = state.clone();
    std::thread::spawn(move || {
        if let Err(e) = keeper.0.with_store(|s| s.snapshot_passed_month_end(today())) {
            eprintln!("parc: forecast snapshot not taken: {}", e.message);
        }
        // The customer pyramid follows the figures month by month: ranked once a month.
        if let Err(e) = keeper.0.with_store(|s| s.rank_if_due(today())) {
            eprintln!("parc: customers not ranked: {}", e.message);
        }
    });
    tauri::Builder::default()
        // First: a second start hands over to this window and exits before anything else runs.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::new().with_state_flags(WINDOW_STATE).build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            retitle(app.handle());
            let geometry = keep_geometry(app.handle().clone());
            if let Some(window) = app.get_webview_window("main") {
                window.on_window_event(move |event| {
                    if matches!(event, tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)) {
                        let _ = geometry.send(());
                    }
                });
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            letterhead_get,
            letterhead_save,
            offer_print_check,
            offer_pdf_save,
            offer_pdf_open,
            visit_pack_save,
            offer_settings_get,
            offer_settings_save,
            price_items_list,
            price_item_save,
            price_list_import,
            commands::exchange::exchange_profiles,
            commands::exchange::exchange_fields,
            commands::exchange::exchange_profile_save,
            commands::exchange::exchange_profile_delete,
            commands::exchange::exchange_export,
            commands::exchange::exchange_choose_file,
            commands::exchange::exchange_preview,
            commands::exchange::exchange_check,
            commands::exchange::exchange_import,
            commands::exchange::exchange_cancel,
            commands::exchange::exchange_open_rejected,
            offer_new,
            offer_line,
            offer_totals,
            offer_create,
            offer_update,
            offer_view,
            offers_list,
            offer_send,
            offer_revise,
            offer_decide,
            offer_discard,
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
            fleet_get,
            fleet_line_add,
            fleet_line_update,
            fleet_line_delete,
            fleet_settings_get,
            fleet_settings_save,
            market_share,
            renewal_radar,
            segments,
            segments_ranking,
            segment_preview,
            segment_create,
            segment_update,
            segment_delete,
            campaigns_list,
            campaign_create,
            campaign_update,
            campaign_start,
            campaign_targets,
            campaign_respond,
            campaign_actions,
            campaign_mailing_export,
            segment_export,
            plans_get,
            plans_save,
            plan_status,
            competitors_list,
            competitor_create,
            competitor_update,
            customer_competitors,
            competitor_note,
            sighting_add,
            sighting_delete,
            backup_list,
            backup_folder_set,
            backup_now,
            backup_newest_good,
            backup_restore,
            changes_list,
            save_conflict,
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
            report_get,
            report_export,
            home_country_get,
            home_country_set,
            cost_settings_get,
            cost_settings_save,
            pyramid_settings_get,
            pyramid_rank,
            customer_tier_get,
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
