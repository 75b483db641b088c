//! The reports, shown and exported, and the settings they read: costs and the customer pyramid.

use parc_core::exchange::FileKind;
use parc_core::report;
use parc_core::report::CustomerTier;
use parc_core::report::{CostSettings, PyramidSettings, Ranking, ReportKind, ReportOutput, ReportQuery};
use tauri::{AppHandle, State};

use crate::dialog::{export_table, Exported};
use crate::error::{ApiError, ApiResult};
use crate::state::{today, AppState};

#[tauri::command]
pub(crate) async fn report_get(
    state: State<'_, AppState>,
    kind: ReportKind,
    query: ReportQuery,
) -> ApiResult<ReportOutput> {
    let locale = state.0.locale();
    state.with_store(move |s| s.report(kind, &query, today(), locale)).await
}

/// Asks where to save report `kind` as CSV or Excel (the system's save dialog, named after the
/// report and its period) and writes it there; `None` when the person cancels.
#[tauri::command]
pub(crate) async fn report_export(
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
    export_table(app, &state, "reports.export_title", name, file.unwrap_or_default(), move |s, path| {
        s.export_report(kind, &query, today(), locale, path)
    })
    .await
}

#[tauri::command]
pub(crate) async fn cost_settings_get(state: State<'_, AppState>) -> ApiResult<CostSettings> {
    state.with_store(|s| s.cost_settings()).await
}

#[tauri::command]
pub(crate) async fn cost_settings_save(state: State<'_, AppState>, settings: CostSettings) -> ApiResult<CostSettings> {
    state.as_user(move |s, me| s.save_cost_settings(me, settings)).await
}

#[tauri::command]
pub(crate) async fn pyramid_settings_get(state: State<'_, AppState>) -> ApiResult<PyramidSettings> {
    state.with_store(|s| s.pyramid_settings()).await
}

#[tauri::command]
pub(crate) async fn pyramid_rank(state: State<'_, AppState>, settings: PyramidSettings) -> ApiResult<Ranking> {
    state.as_user(move |s, me| s.rank_customers(me, settings, today())).await
}

#[tauri::command]
pub(crate) async fn customer_tier_get(state: State<'_, AppState>, customer_id: i64) -> ApiResult<Option<CustomerTier>> {
    state.with_store(move |s| s.customer_tier(customer_id)).await
}
