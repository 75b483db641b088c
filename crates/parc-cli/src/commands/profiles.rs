//! `profiles`: the export and import profiles as JSON lines; [`no_profile`] for a name
//! that matches none.

use parc_core::exchange::Kind;
use parc_core::ground::i18n::Locale;
use parc_core::Store;

use crate::exit::{Exit, Outcome, Stop};
use crate::output::print_line;
use crate::station::Station;

/// Lists the export and import profiles as JSON lines (name, kind, entity, columns, last
/// export).
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_: Args, station: &Station) -> Outcome {
    let mut store = station.connect()?;
    for p in store.exchange_profiles()? {
        let row = serde_json::json!({
            "name": p.data.name,
            "kind": p.data.kind,
            "entity": p.data.entity,
            "columns": p.data.settings.columns.iter().map(|c| &c.header).collect::<Vec<_>>(),
            "last_run_at": p.last_run_at,
            "last_rows": p.last_rows,
        });
        if !print_line(&row) {
            break;
        }
    }
    Ok(())
}

/// Says no profile of that name and kind exists, with the names there are (exit code 4).
pub fn no_profile(store: &mut Store, name: &str, kind: Kind, locale: Locale) -> Stop {
    let known: Vec<String> = store
        .exchange_profiles()
        .map(|all| all.into_iter().filter(|p| p.data.kind == kind).map(|p| p.data.name).collect())
        .unwrap_or_default();
    let key = match kind {
        Kind::Export => "cli.no_export_profile",
        Kind::Import => "cli.no_import_profile",
    };
    Exit::UnknownName.say(locale, key, &[("name", name), ("known", &known.join(", "))])
}
