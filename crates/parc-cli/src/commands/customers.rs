//! `customers`: every customer card with the office's own fields by label, as JSON lines.

use crate::exit::Outcome;
use crate::output::print_line;
use crate::station::Station;

/// Prints every customer card (archived ones too) as JSON lines, with the office's own
/// fields by label under "office_fields".
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_: Args, station: &Station) -> Outcome {
    let mut store = station.connect()?;
    let fields = store.custom_fields()?;
    for c in store.all_customers()? {
        let mut card = serde_json::to_value(&c).expect("a card serialises");
        card["office_fields"] = serde_json::json!(parc_core::customer::custom_field::labelled(&fields, &c.data.custom));
        if !print_line(&card.to_string()) {
            break;
        }
    }
    Ok(())
}
