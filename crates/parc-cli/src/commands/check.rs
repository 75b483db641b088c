//! `check`: the database's integrity, schema version and row counts.

use crate::exit::{Exit, Outcome};
use crate::station::Station;

/// Checks the database's integrity and prints its schema version and row counts.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_: Args, station: &Station) -> Outcome {
    let mut store = station.connect()?;
    let report = store.check()?;
    println!("{}", serde_json::to_string(&report).expect("report serialises"));
    if report.integrity != "ok" {
        return Err(Exit::Problems.say(station.locale(), "cli.integrity_failed", &[("detail", &report.integrity)]));
    }
    Ok(())
}
