//! Contacts and what follows from them: the history, next actions and the agenda, customers going
//! cold, contact plans, material left with a customer, attached files and the day's visit pack.

use parc_core::contact::{
    Agenda, Attachment, ColdCustomer, Contact, ContactData, ContactRevision, HistoryFilter, Material, MaterialData,
};
use parc_core::segment::plan::{PlanSettings, PlanStatus};
use parc_core::{Error, Store};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;

use crate::dialog::save_blocking;
use crate::error::{ApiError, ApiResult};
use crate::state::{today, AppState};

#[tauri::command]
pub(crate) async fn contact_log(state: State<'_, AppState>, customer_id: i64, data: ContactData) -> ApiResult<Contact> {
    state.as_user(move |s, me| s.log_contact(customer_id, data, me)).await
}

#[tauri::command]
pub(crate) async fn contact_correct(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: ContactData,
) -> ApiResult<Contact> {
    state.as_user(move |s, me| s.correct_contact(id, version, data, me)).await
}

#[tauri::command]
pub(crate) async fn contact_history(
    state: State<'_, AppState>,
    customer_id: i64,
    filter: HistoryFilter,
) -> ApiResult<Vec<Contact>> {
    state.with_store(move |s| s.contact_history(customer_id, &filter)).await
}

#[tauri::command]
pub(crate) async fn contact_revisions(state: State<'_, AppState>, id: i64) -> ApiResult<Vec<ContactRevision>> {
    state.with_store(move |s| s.contact_revisions(id)).await
}

/// The agenda of `user_id` (everyone's for `None`), as of today on this workstation's clock.
#[tauri::command]
pub(crate) async fn agenda_get(state: State<'_, AppState>, user_id: Option<i64>) -> ApiResult<Agenda> {
    state.with_store(move |s| s.agenda(user_id, chrono::Local::now().date_naive())).await
}

#[tauri::command]
pub(crate) async fn action_complete(
    state: State<'_, AppState>,
    contact_id: i64,
    outcome: String,
    follow_up: Option<ContactData>,
) -> ApiResult<Option<Contact>> {
    state.as_user(move |s, me| s.complete_action(contact_id, &outcome, follow_up, me)).await
}

#[tauri::command]
pub(crate) async fn going_cold(state: State<'_, AppState>, owner_id: Option<i64>) -> ApiResult<Vec<ColdCustomer>> {
    let days = state.0.settings().cold_after_days();
    state.with_store(move |s| s.going_cold(owner_id, days, chrono::Local::now().date_naive(), 200)).await
}

#[tauri::command]
pub(crate) async fn plans_get(state: State<'_, AppState>) -> ApiResult<PlanSettings> {
    state.with_store(Store::plan_settings).await
}

#[tauri::command]
pub(crate) async fn plans_save(state: State<'_, AppState>, settings: PlanSettings) -> ApiResult<PlanSettings> {
    state.as_user(move |s, me| s.save_plan_settings(me, settings)).await
}

/// Who is behind the contact plans (of `owner_id`, or everyone's) today, the first 200 and
/// how many, and the share on plan.
#[tauri::command]
pub(crate) async fn plan_status(state: State<'_, AppState>, owner_id: Option<i64>) -> ApiResult<PlanStatus> {
    state.with_store(move |s| s.plan_status(owner_id, today(), 200)).await
}

#[tauri::command]
pub(crate) async fn material_list(state: State<'_, AppState>, customer_id: i64) -> ApiResult<Vec<Material>> {
    state.with_store(move |s| s.materials(customer_id)).await
}

#[tauri::command]
pub(crate) async fn material_add(
    state: State<'_, AppState>,
    customer_id: i64,
    data: MaterialData,
) -> ApiResult<Material> {
    state.with_store(move |s| s.add_material(customer_id, data)).await
}

#[tauri::command]
pub(crate) async fn material_update(
    state: State<'_, AppState>,
    customer_id: i64,
    id: i64,
    version: i64,
    data: MaterialData,
) -> ApiResult<Material> {
    state.with_store(move |s| s.update_material(customer_id, id, version, data)).await
}

#[tauri::command]
pub(crate) async fn material_delete(state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    state.with_store(move |s| s.delete_material(id)).await
}

/// Keeps a file with a contact. The bytes come as the raw request body (no JSON encoding of
/// megabytes); the contact and the file name come in headers, the name percent-encoded.
#[tauri::command]
pub(crate) async fn attachment_add(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> ApiResult<Attachment> {
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
pub(crate) async fn attachment_open(app: AppHandle, state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    let dir = app.path().app_cache_dir().unwrap_or_else(|_| std::env::temp_dir()).join("attachments");
    let path = state.with_store(move |s| s.export_attachment(id, &dir)).await?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| ApiError::new(&Error::Io(std::io::Error::other(e.to_string())), state.0.locale()))
}

/// The visit pack of `day` (`YYYY-MM-DD`) for `user_id` (everyone's for `None`), saved where
/// the person chooses. `Ok(None)` when cancelled; `not_found` when no visit is planned.
#[tauri::command]
pub(crate) async fn visit_pack_save(
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
