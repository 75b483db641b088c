//! The window: its title ("Parc — office — database") and the size and position it keeps
//! between starts.

use tauri::{AppHandle, Manager};
use tauri_plugin_window_state::StateFlags;

use crate::state::AppState;

/// `retitle` for a command: the store is read on a blocking thread, since the PostgreSQL
/// client panics when called inside the async runtime.
pub(crate) async fn retitle_from_command(app: AppHandle) {
    let _ = tauri::async_runtime::spawn_blocking(move || retitle(&app)).await;
}

/// Puts the office's name and the database into the window's title.
pub(crate) fn retitle(app: &AppHandle) {
    let title = app.state::<AppState>().0.window_title();
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.set_title(&title);
    }
}

/// The window-state plugin writes the size and position when the app exits normally; a PC
/// switched off or a killed process would lose them. This also writes them once the window
/// has been still for a second after a move or a resize.
pub(crate) fn keep_geometry(app: AppHandle) -> std::sync::mpsc::Sender<()> {
    use tauri_plugin_window_state::AppHandleExt;
    let (changed, changes) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        while changes.recv().is_ok() {
            while changes.recv_timeout(std::time::Duration::from_secs(1)).is_ok() {}
            if let Err(e) = app.save_window_state(WINDOW_STATE) {
                eprintln!("parc: window size and position not saved: {e}");
            }
        }
    });
    changed
}

/// What the window keeps between starts.
pub(crate) const WINDOW_STATE: StateFlags = StateFlags::SIZE.union(StateFlags::POSITION).union(StateFlags::MAXIMIZED);
