//! `demo`: a reproducible demo dealership added to the database.

use std::time::Instant;

use parc_core::chrono::NaiveDate;
use parc_core::host::demo;

use crate::args::{self, date_arg};
use crate::exit::Outcome;
use crate::station::Station;

/// Adds a reproducible demo dealership: the office (if it has no users yet), N customers,
/// their people, three years of contacts before TODAY, about one deal each across the
/// funnel with its history, leads, and the forecasts kept at the last six month ends.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub customers: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The day the history leads up to, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub today: Option<NaiveDate>,
    /// An idempotency key: running the same load again with it (after a crash, say)
    /// goes on where it stopped and adds nothing twice.
    #[arg(long)]
    pub key: Option<String>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { customers, seed, today, key } = args;
    let today = today.unwrap_or_else(args::today);
    let mut store = station.connect()?;
    let started = Instant::now();
    let progress = |done, total| eprint!("\r{done}/{total} customers");
    let added = match &key {
        Some(key) => demo::load_once(&mut store, key, customers, seed, today, progress)?,
        None => demo::load_office(&mut store, customers, seed, today, progress)?,
    };
    eprintln!();
    let out = serde_json::json!({
        "added": added,
        "today": today.to_string(),
        "seconds": started.elapsed().as_secs_f64(),
        "db": station.db.to_string(),
    });
    println!("{out}");
    Ok(())
}
