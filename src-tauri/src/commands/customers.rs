//! The customer card: search, create, edit, archive; the office's own fields on it; a record's
//! history of changes and what a refused save conflicts with.

use parc_core::customer::custom_field::{CustomField, CustomFieldData};
use parc_core::customer::CustomerQuery;
use parc_core::customer::{Customer, CustomerData, CustomerSummary};
use parc_core::ground::audit::Change;
use parc_core::host::SaveConflict;
use parc_core::Store;
use tauri::State;

use crate::error::ApiResult;
use crate::state::AppState;

#[tauri::command]
pub(crate) async fn customer_search(
    state: State<'_, AppState>,
    query: CustomerQuery,
) -> ApiResult<Vec<CustomerSummary>> {
    state.with_store(move |s| s.search_customers(&query)).await
}

#[tauri::command]
pub(crate) async fn customer_get(state: State<'_, AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(move |s| s.customer(id)).await
}

#[tauri::command]
pub(crate) async fn customer_create(state: State<'_, AppState>, data: CustomerData) -> ApiResult<Customer> {
    state.with_store(move |s| s.create_customer(data)).await
}

#[tauri::command]
pub(crate) async fn customer_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: CustomerData,
) -> ApiResult<Customer> {
    state.with_store(move |s| s.update_customer(id, version, data)).await
}

#[tauri::command]
pub(crate) async fn customer_archive(state: State<'_, AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(move |s| s.archive_customer(id)).await
}

#[tauri::command]
pub(crate) async fn customer_restore(state: State<'_, AppState>, id: i64) -> ApiResult<Customer> {
    state.with_store(move |s| s.restore_customer(id)).await
}

#[tauri::command]
pub(crate) async fn custom_fields_list(state: State<'_, AppState>) -> ApiResult<Vec<CustomField>> {
    state.with_store(Store::custom_fields).await
}

#[tauri::command]
pub(crate) async fn custom_field_define(state: State<'_, AppState>, data: CustomFieldData) -> ApiResult<CustomField> {
    state.as_user(move |s, me| s.define_custom_field(me, data)).await
}

#[tauri::command]
pub(crate) async fn custom_field_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: CustomFieldData,
) -> ApiResult<CustomField> {
    state.as_user(move |s, me| s.update_custom_field(me, id, version, data)).await
}

#[tauri::command]
pub(crate) async fn custom_fields_reorder(state: State<'_, AppState>, ids: Vec<i64>) -> ApiResult<Vec<CustomField>> {
    state.as_user(move |s, me| s.reorder_custom_fields(me, &ids)).await
}

/// The history of changes of a record (`customer`, `person`).
#[tauri::command]
pub(crate) async fn changes_list(state: State<'_, AppState>, entity: String, id: i64) -> ApiResult<Vec<Change>> {
    state.with_store(move |s| s.changes(&entity, id)).await
}

/// A save refused as a conflict: what the record (`customer`, `person`, `fleet_line`,
/// `deal`) is now and how it differs from the form, field by field.
#[tauri::command]
pub(crate) async fn save_conflict(
    state: State<'_, AppState>,
    entity: String,
    id: i64,
    base: serde_json::Value,
    mine: serde_json::Value,
) -> ApiResult<SaveConflict> {
    state.with_store(move |s| s.save_conflict(&entity, id, base, mine)).await
}
