//! A customer's fleet, the office's fleet settings, market share and the renewal radar, and the
//! competitors met at customers.

use parc_core::fleet::competitor::{Competitor, CompetitorData, CustomerCompetitors, Sighting, SightingData};
use parc_core::fleet::share::{MarketShare, Radar, RadarQuery};
use parc_core::fleet::{CustomerFleet, FleetLine, FleetLineData, FleetSettings};
use tauri::State;

use crate::error::{ApiResult, SavedWithWarnings};
use crate::state::AppState;

#[tauri::command]
pub(crate) async fn fleet_get(state: State<'_, AppState>, customer_id: i64) -> ApiResult<CustomerFleet> {
    state.with_store(move |s| s.fleet(customer_id)).await
}

#[tauri::command]
pub(crate) async fn fleet_line_add(
    state: State<'_, AppState>,
    customer_id: i64,
    data: FleetLineData,
) -> ApiResult<SavedWithWarnings<FleetLine>> {
    let locale = state.0.locale();
    let saved = state.with_store(move |s| s.add_fleet_line(customer_id, data)).await?;
    Ok(SavedWithWarnings::new(saved, locale))
}

#[tauri::command]
pub(crate) async fn fleet_line_update(
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
pub(crate) async fn fleet_line_delete(state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    state.with_store(move |s| s.delete_fleet_line(id)).await
}

#[tauri::command]
pub(crate) async fn fleet_settings_get(state: State<'_, AppState>) -> ApiResult<FleetSettings> {
    state.with_store(|s| s.fleet_settings()).await
}

#[tauri::command]
pub(crate) async fn fleet_settings_save(
    state: State<'_, AppState>,
    settings: FleetSettings,
) -> ApiResult<FleetSettings> {
    state.with_store(move |s| s.save_fleet_settings(settings)).await
}

#[tauri::command]
pub(crate) async fn market_share(state: State<'_, AppState>) -> ApiResult<MarketShare> {
    state.with_store(|s| s.market_share()).await
}

/// The renewal radar as of today on this workstation's clock.
#[tauri::command]
pub(crate) async fn renewal_radar(state: State<'_, AppState>, query: RadarQuery) -> ApiResult<Radar> {
    state.with_store(move |s| s.renewal_radar(&query, chrono::Local::now().date_naive())).await
}

#[tauri::command]
pub(crate) async fn competitors_list(state: State<'_, AppState>) -> ApiResult<Vec<Competitor>> {
    state.with_store(|s| s.competitors()).await
}

#[tauri::command]
pub(crate) async fn competitor_create(state: State<'_, AppState>, data: CompetitorData) -> ApiResult<Competitor> {
    state.with_store(move |s| s.create_competitor(data)).await
}

#[tauri::command]
pub(crate) async fn competitor_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: CompetitorData,
) -> ApiResult<Competitor> {
    state.with_store(move |s| s.update_competitor(id, version, data)).await
}

#[tauri::command]
pub(crate) async fn customer_competitors(
    state: State<'_, AppState>,
    customer_id: i64,
) -> ApiResult<CustomerCompetitors> {
    state.with_store(move |s| s.customer_competitors(customer_id)).await
}

#[tauri::command]
pub(crate) async fn competitor_note(
    state: State<'_, AppState>,
    customer_id: i64,
    competitor_id: i64,
    present: bool,
) -> ApiResult<()> {
    state.with_store(move |s| s.note_competitor(customer_id, competitor_id, present)).await
}

#[tauri::command]
pub(crate) async fn sighting_add(
    state: State<'_, AppState>,
    customer_id: i64,
    data: SightingData,
) -> ApiResult<Sighting> {
    state.with_store(move |s| s.add_sighting(customer_id, data)).await
}

#[tauri::command]
pub(crate) async fn sighting_delete(state: State<'_, AppState>, id: i64) -> ApiResult<()> {
    state.with_store(move |s| s.delete_sighting(id)).await
}
