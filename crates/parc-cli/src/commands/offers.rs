//! `offers`: the offers list, newest revision of each number, as JSON lines.

use parc_core::offer::{OfferQuery, OfferStatus};

use crate::exit::{Exit, Outcome};
use crate::output::print_line;
use crate::station::Station;

/// Lists offers, the newest revision of each number, newest first: one JSON object per
/// offer (number, revision, status, customer, language, currency, date, valid_until,
/// total to pay in minor units).
#[derive(clap::Args)]
pub struct Args {
    /// draft, sent, accepted, rejected or expired.
    #[arg(long)]
    pub status: Option<String>,
    /// Words matched in the number and the customer's name.
    #[arg(long, default_value = "")]
    pub text: String,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { status, text } = args;
    let mut store = station.connect()?;
    let status = match status.as_deref().map(OfferStatus::parse) {
        None => None,
        Some(Some(s)) => Some(s),
        Some(None) => {
            let status = status.unwrap_or_default();
            return Err(Exit::Failed.say(station.locale(), "cli.unknown_status", &[("status", &status)]));
        }
    };
    let query = OfferQuery { status, text, limit: u32::MAX, ..Default::default() };
    for row in store.offers(&query)? {
        if !print_line(&serde_json::to_string(&row).expect("row serialises")) {
            break;
        }
    }
    Ok(())
}
