//! `price-import`: the price list from a CSV file, all or nothing, as the sales manager.

use std::path::PathBuf;

use parc_core::office::UserRole;

use crate::exit::{Exit, Outcome};
use crate::station::Station;

/// Adds or updates the price list from a CSV file (the layout in README), all or nothing;
/// prints what it did as JSON. Runs as the office's sales manager.
#[derive(clap::Args)]
pub struct Args {
    pub file: PathBuf,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { file } = args;
    let mut store = station.connect()?;
    let bytes = std::fs::read(&file)?;
    let manager = store.users()?.into_iter().find(|u| u.data.role == UserRole::Manager && u.data.active);
    let Some(manager) = manager else {
        return Err(Exit::Failed.say(station.locale(), "cli.no_manager", &[]));
    };
    store.set_actor(Some(manager.id));
    let done = store.import_price_file(Some(manager.id), &bytes)?;
    println!("{}", serde_json::to_string(&done).expect("summary serialises"));
    Ok(())
}
