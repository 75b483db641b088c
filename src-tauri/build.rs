/// The UI may call only these commands; `capabilities/default.json` grants them to the main
/// window. A command missing here is refused at run time, so the list is the app's IPC surface.
const COMMANDS: &[&str] = &[
    "app_info",
    "set_locale",
    "customer_search",
    "customer_get",
    "customer_create",
    "customer_update",
    "customer_archive",
    "customer_restore",
    "demo_load",
    "db_test",
    "db_use",
    "users_list",
    "user_create",
    "user_update",
    "user_choose",
    "cold_days_set",
    "people_list",
    "person_create",
    "person_update",
    "contact_log",
    "contact_correct",
    "contact_history",
    "contact_revisions",
    "agenda_get",
    "action_complete",
    "going_cold",
    "material_list",
    "material_add",
    "material_update",
    "material_delete",
    "custom_fields_list",
    "custom_field_define",
    "custom_field_update",
    "custom_fields_reorder",
    "attachment_add",
    "attachment_open",
    "backup_list",
    "backup_folder_set",
    "backup_now",
    "backup_newest_good",
    "backup_restore",
    "changes_list",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
