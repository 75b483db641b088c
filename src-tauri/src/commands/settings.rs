//! What the page reads at start and the settings of this workstation and the office: language,
//! "going cold" days, home country.

use parc_core::customer::CustomerChoices;
use parc_core::ground::i18n::{Locale, UiLanguage};
use parc_core::storage::Target;
use parc_core::{contact, customer, customer::person, fleet, funnel::deal, ground::i18n, Store};
use serde::Serialize;
use tauri::State;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Serialize)]
pub(crate) struct AppInfo {
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
pub(crate) fn app_info(state: State<AppState>) -> AppInfo {
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

#[tauri::command]
pub(crate) fn set_locale(state: State<AppState>, locale: Locale) -> ApiResult<UiLanguage> {
    let mut settings = state.0.settings.lock().unwrap_or_else(|p| p.into_inner());
    settings.locale = Some(locale);
    settings.save(&state.0.settings_path).map_err(|e| ApiError::new(&e, locale))?;
    Ok(i18n::ui_language(locale))
}

#[tauri::command]
pub(crate) fn cold_days_set(state: State<AppState>, days: u32) -> ApiResult<u32> {
    let locale = state.0.locale();
    let mut settings = state.0.settings();
    settings.cold_after_days = Some(days.clamp(1, 3650));
    settings.save(&state.0.settings_path).map_err(|e| ApiError::new(&e, locale))?;
    Ok(settings.cold_after_days())
}

/// The office's home country (an ISO code), `null` until set.
#[tauri::command]
pub(crate) async fn home_country_get(state: State<'_, AppState>) -> ApiResult<Option<String>> {
    state.with_store(|s| s.home_country()).await
}

/// Sets the office's home country (`""` clears it); a manager or the director only.
#[tauri::command]
pub(crate) async fn home_country_set(state: State<'_, AppState>, code: String) -> ApiResult<Option<String>> {
    state.as_user(move |s, me| s.set_home_country(me, &code)).await
}
