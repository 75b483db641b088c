//! `snapshot`: the forecast kept as it stands at a month end.

use parc_core::chrono::NaiveDate;

use crate::args::{self, date_arg};
use crate::exit::Outcome;
use crate::station::Station;

/// Keeps the forecast as it stands at month end AS_OF (default: the last month end before
/// today) for the three months after it, unless kept already; prints the rows kept.
#[derive(clap::Args)]
pub struct Args {
    /// A month's last day, YYYY-MM-DD.
    #[arg(long, value_parser = date_arg)]
    pub as_of: Option<NaiveDate>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { as_of } = args;
    let mut store = station.connect()?;
    let as_of = as_of.unwrap_or_else(|| parc_core::funnel::previous_month_end(args::today()));
    let kept = store.take_forecast_snapshot(as_of)?;
    println!("{}", serde_json::json!({ "as_of": as_of.to_string(), "kept": kept }));
    Ok(())
}
