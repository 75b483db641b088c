//! Offers and what they are made of: the price list, the offer settings and letterhead, the
//! builder's lines and totals, the offer's life (send, revise, decide) and its PDF.

use parc_core::offer::{
    Offer, OfferData, OfferLine, OfferQuery, OfferSettings, OfferSummary, PriceItem, PriceItemData, PriceQuery, Totals,
};
use parc_core::offer::{OfferDecision, OfferView, PriceImport};
use parc_core::pdf::Letterhead;
use parc_core::{ground::atomic, Error, Store};
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;

use crate::dialog::save_blocking;
use crate::error::{ApiError, ApiResult};
use crate::state::{today, AppState};
use crate::window::retitle_from_command;

#[tauri::command]
pub(crate) async fn offer_settings_get(state: State<'_, AppState>) -> ApiResult<OfferSettings> {
    state.with_store(Store::offer_settings).await
}

#[tauri::command]
pub(crate) async fn offer_settings_save(
    state: State<'_, AppState>,
    settings: OfferSettings,
) -> ApiResult<OfferSettings> {
    state.as_user(move |s, me| s.save_offer_settings(me, settings)).await
}

#[tauri::command]
pub(crate) async fn letterhead_get(state: State<'_, AppState>) -> ApiResult<Letterhead> {
    state.with_store(Store::letterhead).await
}

#[tauri::command]
pub(crate) async fn letterhead_save(
    app: AppHandle,
    state: State<'_, AppState>,
    letterhead: Letterhead,
) -> ApiResult<Letterhead> {
    let saved = state.as_user(move |s, me| s.save_letterhead(me, letterhead)).await?;
    retitle_from_command(app).await;
    Ok(saved)
}

#[tauri::command]
pub(crate) async fn price_items_list(state: State<'_, AppState>, query: PriceQuery) -> ApiResult<Vec<PriceItem>> {
    state.with_store(move |s| s.price_items(&query)).await
}

#[tauri::command]
pub(crate) async fn price_item_save(
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
pub(crate) async fn price_list_import(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> ApiResult<PriceImport> {
    let data = match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => bytes.clone(),
        tauri::ipc::InvokeBody::Json(_) => Vec::new(),
    };
    state.as_user(move |s, me| s.import_price_file(me, &data)).await
}

#[tauri::command]
pub(crate) async fn offer_new(
    state: State<'_, AppState>,
    customer_id: i64,
    deal_id: Option<i64>,
) -> ApiResult<OfferData> {
    state.as_user(move |s, me| s.new_offer(customer_id, deal_id, today(), me)).await
}

#[tauri::command]
pub(crate) async fn offer_line(
    state: State<'_, AppState>,
    item_id: i64,
    language: String,
    quantity: i64,
) -> ApiResult<OfferLine> {
    state.with_store(move |s| s.offer_line(item_id, &language, quantity)).await
}

/// The builder's totals as the salesperson types: computed by the core, never in the UI.
#[tauri::command]
pub(crate) fn offer_totals(data: OfferData) -> Totals {
    data.totals()
}

#[tauri::command]
pub(crate) async fn offer_create(state: State<'_, AppState>, data: OfferData, key: Option<String>) -> ApiResult<Offer> {
    let key = key.unwrap_or_default();
    state.with_store(move |s| s.create_offer_once(&key, data).map(|(offer, _)| offer)).await
}

#[tauri::command]
pub(crate) async fn offer_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: OfferData,
) -> ApiResult<Offer> {
    state.with_store(move |s| s.update_offer(id, version, data)).await
}

#[tauri::command]
pub(crate) async fn offer_view(state: State<'_, AppState>, id: i64) -> ApiResult<OfferView> {
    state.with_store(move |s| s.offer_view(id)).await
}

#[tauri::command]
pub(crate) async fn offers_list(state: State<'_, AppState>, query: OfferQuery) -> ApiResult<Vec<OfferSummary>> {
    state.with_store(move |s| s.offers(&query)).await
}

#[tauri::command]
pub(crate) async fn offer_send(state: State<'_, AppState>, id: i64, version: i64) -> ApiResult<Offer> {
    state.with_store(move |s| s.send_offer(id, version)).await
}

#[tauri::command]
pub(crate) async fn offer_revise(state: State<'_, AppState>, id: i64) -> ApiResult<Offer> {
    state.with_store(move |s| s.revise_offer(id, today())).await
}

#[tauri::command]
pub(crate) async fn offer_decide(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    decision: OfferDecision,
) -> ApiResult<Offer> {
    state.with_store(move |s| s.decide_offer(id, version, decision, today())).await
}

#[tauri::command]
pub(crate) async fn offer_discard(state: State<'_, AppState>, id: i64, version: i64) -> ApiResult<()> {
    state.with_store(move |s| s.discard_offer(id, version)).await
}

/// A problem the check before printing found, in the screens' language.
#[derive(Debug, Serialize)]
pub(crate) struct PrintProblemView {
    key: String,
    field: String,
    message: String,
}

#[tauri::command]
pub(crate) async fn offer_print_check(state: State<'_, AppState>, id: i64) -> ApiResult<Vec<PrintProblemView>> {
    let locale = state.0.locale();
    let problems = state.with_store(move |s| s.offer_print_check(id, None, today())).await?;
    Ok(problems
        .into_iter()
        .map(|p| PrintProblemView { message: p.message(locale), key: p.key, field: p.field })
        .collect())
}

/// A file name for an offer: its number, revision and customer, nothing a file system refuses.
fn offer_file_name(offer: &Offer) -> String {
    let safe: String = offer.number.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{safe}-r{}.pdf", offer.revision)
}

#[tauri::command]
pub(crate) async fn offer_pdf_save(app: AppHandle, state: State<'_, AppState>, id: i64) -> ApiResult<Option<String>> {
    let locale = state.0.locale();
    let (offer, pdf) = state.with_store(move |s| Ok((s.offer(id)?, s.offer_pdf(id, None)?))).await?;
    save_blocking(app, offer_file_name(&offer), pdf, locale).await
}

/// Opens the offer's PDF with the system's viewer, from which it is printed.
#[tauri::command]
pub(crate) async fn offer_pdf_open(app: AppHandle, state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    let locale = state.0.locale();
    let (offer, pdf) = state.with_store(move |s| Ok((s.offer(id)?, s.offer_pdf(id, None)?))).await?;
    let dir = app.path().app_cache_dir().unwrap_or_else(|_| std::env::temp_dir()).join("offers");
    let path = dir.join(offer_file_name(&offer));
    std::fs::create_dir_all(&dir)
        .and_then(|()| atomic::write(&path, &pdf))
        .map_err(|e| ApiError::new(&Error::Io(e), locale))?;
    app.opener()
        .open_path(path.to_string_lossy(), None::<&str>)
        .map_err(|e| ApiError::new(&Error::Io(std::io::Error::other(e.to_string())), locale))
}
