//! The desktop shell: opens the database, then exposes one Tauri command per core function.
//! No SQL and no business rules here; each command parses its arguments, calls parc-core,
//! and returns a serialisable value or an [`ApiError`]. This file sets the app up (plugins,
//! state, window) and registers the commands, which live in `commands/`, a file per area.

mod commands;
mod dialog;
mod error;
mod state;
mod window;

use parc_core::{host::backup, host::workstation};
use tauri::Manager;

pub use error::ApiError;
use state::today;
pub use state::AppState;

/// `--db PATH|URL` or `--db=PATH|URL` from the command line, if given.
fn db_arg(args: impl IntoIterator<Item = String>) -> Option<String> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--db" {
            return args.next();
        }
        if let Some(target) = arg.strip_prefix("--db=") {
            return Some(target.to_string());
        }
    }
    None
}

pub fn run() {
    let state = AppState::open(db_arg(std::env::args().skip(1)), workstation::settings_path());
    // A backup at start-up (unless one is an hour old), then daily while the app runs.
    let auto = state.clone();
    std::thread::spawn(move || {
        auto.0.automatic_backup(backup::AT_START);
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
            auto.0.automatic_backup(backup::EVERY);
        }
    });
    // Keep the forecast of the month end just passed, if no workstation has yet: later the
    // manager compares it with what was won. In the background: the window need not wait.
    let keeper = state.clone();
    std::thread::spawn(move || {
        if let Err(e) = keeper.0.with_store(|s| s.snapshot_passed_month_end(today())) {
            eprintln!("parc: forecast snapshot not taken: {}", e.message);
        }
        // The customer pyramid follows the figures month by month: ranked once a month.
        if let Err(e) = keeper.0.with_store(|s| s.rank_if_due(today())) {
            eprintln!("parc: customers not ranked: {}", e.message);
        }
    });
    tauri::Builder::default()
        // First: a second start hands over to this window and exits before anything else runs.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::new().with_state_flags(window::WINDOW_STATE).build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(|app| {
            window::retitle(app.handle());
            let geometry = window::keep_geometry(app.handle().clone());
            if let Some(window) = app.get_webview_window("main") {
                window.on_window_event(move |event| {
                    if matches!(event, tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)) {
                        let _ = geometry.send(());
                    }
                });
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::offers::letterhead_get,
            commands::offers::letterhead_save,
            commands::offers::offer_print_check,
            commands::offers::offer_pdf_save,
            commands::offers::offer_pdf_open,
            commands::contacts::visit_pack_save,
            commands::offers::offer_settings_get,
            commands::offers::offer_settings_save,
            commands::offers::price_items_list,
            commands::offers::price_item_save,
            commands::offers::price_list_import,
            commands::exchange::exchange_profiles,
            commands::exchange::exchange_fields,
            commands::exchange::exchange_profile_save,
            commands::exchange::exchange_profile_delete,
            commands::exchange::exchange_export,
            commands::exchange::exchange_choose_file,
            commands::exchange::exchange_preview,
            commands::exchange::exchange_check,
            commands::exchange::exchange_import,
            commands::exchange::exchange_cancel,
            commands::exchange::exchange_open_rejected,
            commands::offers::offer_new,
            commands::offers::offer_line,
            commands::offers::offer_totals,
            commands::offers::offer_create,
            commands::offers::offer_update,
            commands::offers::offer_view,
            commands::offers::offers_list,
            commands::offers::offer_send,
            commands::offers::offer_revise,
            commands::offers::offer_decide,
            commands::offers::offer_discard,
            commands::settings::app_info,
            commands::settings::set_locale,
            commands::customers::customer_search,
            commands::customers::customer_get,
            commands::customers::customer_create,
            commands::customers::customer_update,
            commands::customers::customer_archive,
            commands::customers::customer_restore,
            commands::database::demo_load,
            commands::database::db_test,
            commands::database::db_use,
            commands::users::users_list,
            commands::users::user_create,
            commands::users::user_choose,
            commands::settings::cold_days_set,
            commands::people::people_list,
            commands::people::person_create,
            commands::people::person_update,
            commands::contacts::contact_log,
            commands::contacts::contact_correct,
            commands::contacts::contact_history,
            commands::contacts::contact_revisions,
            commands::contacts::agenda_get,
            commands::contacts::action_complete,
            commands::contacts::going_cold,
            commands::contacts::material_list,
            commands::contacts::material_add,
            commands::contacts::material_update,
            commands::contacts::material_delete,
            commands::customers::custom_fields_list,
            commands::customers::custom_field_define,
            commands::customers::custom_field_update,
            commands::customers::custom_fields_reorder,
            commands::contacts::attachment_add,
            commands::contacts::attachment_open,
            commands::fleet::fleet_get,
            commands::fleet::fleet_line_add,
            commands::fleet::fleet_line_update,
            commands::fleet::fleet_line_delete,
            commands::fleet::fleet_settings_get,
            commands::fleet::fleet_settings_save,
            commands::fleet::market_share,
            commands::fleet::renewal_radar,
            commands::segments::segments,
            commands::segments::segments_ranking,
            commands::segments::segment_preview,
            commands::segments::segment_create,
            commands::segments::segment_update,
            commands::segments::segment_delete,
            commands::segments::campaigns_list,
            commands::segments::campaign_create,
            commands::segments::campaign_update,
            commands::segments::campaign_start,
            commands::segments::campaign_targets,
            commands::segments::campaign_respond,
            commands::segments::campaign_actions,
            commands::segments::campaign_mailing_export,
            commands::segments::segment_export,
            commands::contacts::plans_get,
            commands::contacts::plans_save,
            commands::contacts::plan_status,
            commands::fleet::competitors_list,
            commands::fleet::competitor_create,
            commands::fleet::competitor_update,
            commands::fleet::customer_competitors,
            commands::fleet::competitor_note,
            commands::fleet::sighting_add,
            commands::fleet::sighting_delete,
            commands::backups::backup_list,
            commands::backups::backup_folder_set,
            commands::backups::backup_now,
            commands::backups::backup_newest_good,
            commands::backups::backup_restore,
            commands::customers::changes_list,
            commands::customers::save_conflict,
            commands::deals::stages_get,
            commands::deals::stages_save,
            commands::deals::reasons_get,
            commands::deals::reasons_save,
            commands::deals::deal_create,
            commands::deals::deal_start,
            commands::deals::deal_update,
            commands::deals::deal_move,
            commands::deals::deal_view,
            commands::deals::deals_list,
            commands::deals::board_get,
            commands::deals::funnel_get,
            commands::deals::stalled_list,
            commands::deals::forecast_accuracy,
            commands::deals::lead_create,
            commands::deals::leads_list,
            commands::deals::lead_qualify,
            commands::deals::lead_disqualify,
            commands::deals::lead_funnel,
            commands::reports::report_get,
            commands::reports::report_export,
            commands::settings::home_country_get,
            commands::settings::home_country_set,
            commands::reports::cost_settings_get,
            commands::reports::cost_settings_save,
            commands::reports::pyramid_settings_get,
            commands::reports::pyramid_rank,
            commands::reports::customer_tier_get,
        ])
        .run(tauri::generate_context!())
        .expect("error while running Parc");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_db_argument_in_both_forms() {
        let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(db_arg(args(&["--db", "/x/a.sqlite3"])).as_deref(), Some("/x/a.sqlite3"));
        assert_eq!(db_arg(args(&["--db=postgres://db/parc"])).as_deref(), Some("postgres://db/parc"));
        assert_eq!(db_arg(args(&["--other"])), None);
    }
}
