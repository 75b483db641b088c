//! The office's users and who sits at this workstation.

use parc_core::office::{User, UserData};
use tauri::State;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[tauri::command]
pub(crate) async fn users_list(state: State<'_, AppState>) -> ApiResult<Vec<User>> {
    state.with_store(|s| s.users()).await
}

#[tauri::command]
pub(crate) async fn user_create(state: State<'_, AppState>, data: UserData) -> ApiResult<User> {
    state.with_store(move |s| s.create_user(data)).await
}

/// Remembers who sits at this workstation (for the open database).
#[tauri::command]
pub(crate) async fn user_choose(state: State<'_, AppState>, user_id: i64) -> ApiResult<User> {
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
