//! The people who work at a customer.

use parc_core::customer::person::{Person, PersonData};
use tauri::State;

use crate::error::ApiResult;
use crate::state::AppState;

#[tauri::command]
pub(crate) async fn people_list(state: State<'_, AppState>, customer_id: i64) -> ApiResult<Vec<Person>> {
    state.with_store(move |s| s.people(customer_id)).await
}

#[tauri::command]
pub(crate) async fn person_create(state: State<'_, AppState>, customer_id: i64, data: PersonData) -> ApiResult<Person> {
    state.with_store(move |s| s.create_person(customer_id, data)).await
}

#[tauri::command]
pub(crate) async fn person_update(
    state: State<'_, AppState>,
    id: i64,
    version: i64,
    data: PersonData,
) -> ApiResult<Person> {
    state.with_store(move |s| s.update_person(id, version, data)).await
}
