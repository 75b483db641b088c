//! Segments of the customer base and the campaigns run on them, with their lists exported.

use parc_core::exchange::FileKind;
use parc_core::segment::campaign::{Campaign, CampaignAction, CampaignData, CampaignRow, CampaignTarget};
use parc_core::segment::SegmentPage;
use parc_core::segment::{RankedSegment, Segment, SegmentData, SegmentFilter};
use parc_core::Store;
use tauri::{AppHandle, State};

use crate::dialog::{export_table, Exported};
use crate::error::ApiResult;
use crate::state::{today, AppState};

/// The office's saved segments by name, without their figures (for choosing one).
#[tauri::command]
pub(crate) async fn segments(state: State<'_, AppState>) -> ApiResult<Vec<Segment>> {
    state.with_store(|s| s.segments()).await
}

/// The office's segments with their figures, most attractive first.
#[tauri::command]
pub(crate) async fn segments_ranking(state: State<'_, AppState>) -> ApiResult<Vec<RankedSegment>> {
    state.with_store(|s| s.segment_ranking(today())).await
}

/// What a filter keeps, as the editor shows it while it is typed: the count, the figures and
/// the first `limit` customers by name.
#[tauri::command]
pub(crate) async fn segment_preview(
    state: State<'_, AppState>,
    filter: SegmentFilter,
    limit: usize,
) -> ApiResult<SegmentPage> {
    state.with_store(move |s| s.segment_customers(filter, today(), limit.min(1000))).await
}

#[tauri::command]
pub(crate) async fn segment_create(state: State<'_, AppState>, data: SegmentData) -> ApiResult<Segment> {
    state.with_store(move |s| s.create_segment(data)).await
}

#[tauri::command]
pub(crate) async fn segment_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: SegmentData,
) -> ApiResult<Segment> {
    state.with_store(move |s| s.update_segment(id, version, data)).await
}

#[tauri::command]
pub(crate) async fn segment_delete(state: State<'_, AppState>, id: i64, version: i64) -> ApiResult<Segment> {
    state.with_store(move |s| s.delete_segment(id, version)).await
}

/// Asks where to save what a segment's filter keeps today as CSV or Excel and writes it; `None`
/// when the person cancels.
#[tauri::command]
pub(crate) async fn segment_export(
    app: AppHandle,
    state: State<'_, AppState>,
    filter: SegmentFilter,
    file: Option<FileKind>,
) -> ApiResult<Option<Exported>> {
    let locale = state.0.locale();
    let name = format!("parc-segment-{}", today());
    export_table(app, &state, "segments.export_title", name, file.unwrap_or_default(), move |s, path| {
        s.export_segment_list(filter, today(), locale, path)
    })
    .await
}

#[tauri::command]
pub(crate) async fn campaigns_list(state: State<'_, AppState>) -> ApiResult<Vec<CampaignRow>> {
    state.with_store(Store::campaigns).await
}

#[tauri::command]
pub(crate) async fn campaign_create(state: State<'_, AppState>, data: CampaignData) -> ApiResult<Campaign> {
    state.with_store(move |s| s.create_campaign(data)).await
}

#[tauri::command]
pub(crate) async fn campaign_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: CampaignData,
) -> ApiResult<Campaign> {
    state.with_store(move |s| s.update_campaign(id, version, data)).await
}

/// Makes the campaign's list from its segment as of today on this workstation.
#[tauri::command]
pub(crate) async fn campaign_start(state: State<'_, AppState>, id: i64, version: i64) -> ApiResult<CampaignRow> {
    state.with_store(move |s| s.start_campaign(id, version, today())).await
}

#[tauri::command]
pub(crate) async fn campaign_targets(state: State<'_, AppState>, id: i64) -> ApiResult<Vec<CampaignTarget>> {
    state.with_store(move |s| s.campaign_targets(id)).await
}

/// Records a customer's answer; the contact it logs is written in this workstation's language.
#[tauri::command]
pub(crate) async fn campaign_respond(
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
pub(crate) async fn campaign_actions(
    state: State<'_, AppState>,
    user_id: Option<i64>,
) -> ApiResult<Vec<CampaignAction>> {
    state.with_store(move |s| s.campaign_actions(user_id, today())).await
}

/// Asks where to save the campaign's list as CSV and writes it; `None` when the person cancels.
#[tauri::command]
pub(crate) async fn campaign_mailing_export(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> ApiResult<Option<Exported>> {
    let locale = state.0.locale();
    let name = format!("parc-campaign-{id}");
    export_table(app, &state, "campaigns.export_title", name, FileKind::Csv, move |s, path| {
        s.export_mailing_list(id, locale, path)
    })
    .await
}
