//! `export`: an export profile's rows changed since its last run, into a file.

use std::path::PathBuf;

use parc_core::exchange::Kind;
use parc_core::Error;

use super::profiles::no_profile;
use crate::exit::Outcome;
use crate::station::Station;

/// Runs the export profile NAME into OUT: the rows changed since that profile's last
/// export (all of them the first time, or with --full). The file appears complete or not
/// at all; prints what was sent as JSON. Exit codes: 0 written, 2 error (nothing written,
/// the watermark unchanged: run again), 4 no export profile of that name.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub profile: String,
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub full: bool,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { profile, out, full } = args;
    let mut store = station.connect()?;
    match store.export_csv(&profile, &out, full, &mut |_| {}) {
        Ok(report) => println!("{}", serde_json::to_string(&report).expect("report serialises")),
        Err(Error::NotFound { entity: "exchange_profile", .. }) => {
            return Err(no_profile(&mut store, &profile, Kind::Export, station.locale()))
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
