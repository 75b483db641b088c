//! `search`: the customers matching a text, as JSON lines.

use parc_core::customer::CustomerQuery;

use crate::exit::Outcome;
use crate::output::print_line;
use crate::station::Station;

/// Prints the customers matching TEXT, one JSON object per line.
#[derive(clap::Args)]
pub struct Args {
    pub text: String,
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// Include archived customers.
    #[arg(long)]
    pub archived: bool,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { text, limit, archived } = args;
    let mut store = station.connect()?;
    let query = CustomerQuery { text, include_archived: archived, limit, ..Default::default() };
    for row in store.search_customers(&query)? {
        if !print_line(&serde_json::to_string(&row).expect("row serialises")) {
            break;
        }
    }
    Ok(())
}
