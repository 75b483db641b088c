//! The sales funnel: leads, deals and their stages and reasons, the board, stalled deals and the
//! forecast's accuracy.

use parc_core::funnel::deal::{
    Deal, DealData, DealQuery, DealSummary, Lead, LeadData, MoveRequest, ReasonSettings, StageSettings, VehicleLine,
};
use parc_core::funnel::{Accuracy, FunnelQuery, LeadFigures};
use parc_core::funnel::{Board, DealView, Funnel};
use parc_core::Store;
use tauri::State;

use crate::error::ApiResult;
use crate::state::{today, AppState};

#[tauri::command]
pub(crate) async fn stages_get(state: State<'_, AppState>) -> ApiResult<StageSettings> {
    state.with_store(Store::stage_settings).await
}

#[tauri::command]
pub(crate) async fn stages_save(state: State<'_, AppState>, settings: StageSettings) -> ApiResult<StageSettings> {
    state.as_user(move |s, me| s.save_stage_settings(me, settings)).await
}

#[tauri::command]
pub(crate) async fn reasons_get(state: State<'_, AppState>) -> ApiResult<ReasonSettings> {
    state.with_store(Store::reason_settings).await
}

#[tauri::command]
pub(crate) async fn reasons_save(state: State<'_, AppState>, settings: ReasonSettings) -> ApiResult<ReasonSettings> {
    state.as_user(move |s, me| s.save_reason_settings(me, settings)).await
}

#[tauri::command]
pub(crate) async fn deal_create(
    state: State<'_, AppState>,
    customer_id: i64,
    data: DealData,
    stage_id: Option<i64>,
) -> ApiResult<Deal> {
    state.as_user(move |s, me| s.create_deal(customer_id, data, stage_id, "card", me)).await
}

/// One action from the renewal radar or the card: a deal prefilled with these vehicles.
#[tauri::command]
pub(crate) async fn deal_start(
    state: State<'_, AppState>,
    customer_id: i64,
    vehicles: Vec<VehicleLine>,
) -> ApiResult<Deal> {
    state.as_user(move |s, me| s.start_deal_with_vehicles(customer_id, vehicles, me, today())).await
}

#[tauri::command]
pub(crate) async fn deal_update(state: State<'_, AppState>, id: i64, version: i64, data: DealData) -> ApiResult<Deal> {
    state.with_store(move |s| s.update_deal(id, version, data)).await
}

#[tauri::command]
pub(crate) async fn deal_move(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    request: MoveRequest,
) -> ApiResult<Deal> {
    state.as_user(move |s, me| s.move_deal(id, version, request, me, today())).await
}

#[tauri::command]
pub(crate) async fn deal_view(state: State<'_, AppState>, id: i64) -> ApiResult<DealView> {
    state.with_store(move |s| s.deal_view(id, today())).await
}

#[tauri::command]
pub(crate) async fn deals_list(state: State<'_, AppState>, query: DealQuery) -> ApiResult<Vec<DealSummary>> {
    state.with_store(move |s| s.deals(&query, today())).await
}

#[tauri::command]
pub(crate) async fn board_get(
    state: State<'_, AppState>,
    owner_id: Option<i64>,
    currency: Option<String>,
) -> ApiResult<Board> {
    state.with_store(move |s| s.board(owner_id, currency, today())).await
}

#[tauri::command]
pub(crate) async fn funnel_get(state: State<'_, AppState>, query: FunnelQuery) -> ApiResult<Funnel> {
    state.with_store(move |s| s.funnel(&query, today())).await
}

#[tauri::command]
pub(crate) async fn stalled_list(state: State<'_, AppState>, owner_id: Option<i64>) -> ApiResult<Vec<DealSummary>> {
    state.with_store(move |s| s.stalled_deals(owner_id, today(), 200)).await
}

#[tauri::command]
pub(crate) async fn forecast_accuracy(
    state: State<'_, AppState>,
    owner_id: Option<i64>,
    currency: Option<String>,
) -> ApiResult<Vec<Accuracy>> {
    state.with_store(move |s| s.forecast_accuracy(owner_id, currency, 6, today())).await
}

#[tauri::command]
pub(crate) async fn lead_create(state: State<'_, AppState>, customer_id: i64, data: LeadData) -> ApiResult<Lead> {
    state.as_user(move |s, me| s.create_lead(customer_id, data, me)).await
}

#[tauri::command]
pub(crate) async fn leads_list(
    state: State<'_, AppState>,
    open_only: bool,
    owner_id: Option<i64>,
    customer_id: Option<i64>,
) -> ApiResult<Vec<Lead>> {
    state.with_store(move |s| s.leads(open_only, owner_id, customer_id)).await
}

#[tauri::command]
pub(crate) async fn lead_qualify(state: State<'_, AppState>, id: i64, version: i64, data: DealData) -> ApiResult<Deal> {
    state.as_user(move |s, me| s.qualify_lead(id, version, data, me, today())).await
}

#[tauri::command]
pub(crate) async fn lead_disqualify(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    reason: String,
) -> ApiResult<Lead> {
    state.with_store(move |s| s.disqualify_lead(id, version, &reason, today())).await
}

#[tauri::command]
pub(crate) async fn lead_funnel(state: State<'_, AppState>, query: FunnelQuery) -> ApiResult<Vec<LeadFigures>> {
    state.with_store(move |s| s.lead_funnel(&query)).await
}
