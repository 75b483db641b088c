//! Which database this workstation uses: trying an address, switching to it, and filling an
//! empty one with the demo office.

use parc_core::storage::{StoreStatus, Target};
use parc_core::{host::demo, host::workstation, storage, Store};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Db};
use crate::window::retitle_from_command;

/// Tries a database address without switching to it.
#[tauri::command]
pub(crate) async fn db_test(state: State<'_, AppState>, address: String) -> ApiResult<StoreStatus> {
    state
        .blocking(move |shared| {
            let locale = shared.locale();
            let address = workstation::database_choice(&address).map_err(|e| ApiError::new(&e, locale))?;
            storage::probe(&Target::parse(&address)).map_err(|e| ApiError::new(&e, locale))
        })
        .await
}

/// Switches this workstation to another database and remembers it. Nothing changes when the
/// new one cannot be opened.
#[tauri::command]
pub(crate) async fn db_use(app: AppHandle, state: State<'_, AppState>, address: String) -> ApiResult<()> {
    state
        .blocking(move |shared| {
            let locale = shared.locale();
            let address = workstation::database_choice(&address).map_err(|e| ApiError::new(&e, locale))?;
            let target = Target::parse(&address);
            let store = Store::connect(&target).map_err(|e| ApiError::new(&e, locale))?;
            let mut settings = shared.settings.lock().unwrap_or_else(|p| p.into_inner());
            settings.database = Some(address);
            settings.save(&shared.settings_path).map_err(|e| ApiError::new(&e, locale))?;
            *shared.db() = Db { target, store: Ok(store) };
            Ok(())
        })
        .await?;
    retitle_from_command(app).await;
    Ok(())
}

/// How far the demo load is: customers written of those to write.
#[derive(Clone, Serialize)]
pub(crate) struct DemoProgress {
    done: usize,
    total: usize,
}

/// Loads the demo office, reporting its progress. The UI names the load with a key: asking
/// again after an error or a crash goes on where it stopped and adds nothing twice.
#[tauri::command]
pub(crate) async fn demo_load(
    state: State<'_, AppState>,
    customers: usize,
    key: Option<String>,
    on_progress: Channel<DemoProgress>,
) -> ApiResult<usize> {
    state
        .with_store(move |s| {
            let (count, today) = (customers.min(100_000), chrono::Local::now().date_naive());
            let progress = |done, total| drop(on_progress.send(DemoProgress { done, total }));
            match key {
                Some(key) => Ok(demo::load_once(s, &format!("demo:{key}"), count, 1, today, progress)?.customers),
                None => demo::load(s, count, 1, today, progress),
            }
        })
        .await
}
