//! `segment`: a saved segment's customers as JSON lines; [`no_segment`] for a name that
//! matches none.

use parc_core::chrono::NaiveDate;
use parc_core::ground::i18n::Locale;
use parc_core::Store;

use crate::args::{self, date_arg};
use crate::exit::{Exit, Outcome, Stop};
use crate::output::print_line;
use crate::station::Station;

/// Prints the customers of the saved segment NAME, by name, as JSON lines (id, name, city,
/// country, vat_id, phone, email, owner_id). Exit code 4 when no segment has that name.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub name: String,
    /// YYYY-MM-DD (default: today): renewals and silence are counted from it.
    #[arg(long, value_parser = date_arg)]
    pub today: Option<NaiveDate>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { name, today } = args;
    let today = today.unwrap_or_else(args::today);
    let mut store = station.connect()?;
    let Some(segment) = store.segment_named(&name)? else {
        return Err(no_segment(&mut store, &name, station.locale()));
    };
    for c in store.segment_customers(segment.filter, today, usize::MAX)?.customers {
        if !print_line(&serde_json::to_string(&c).expect("row serialises")) {
            break;
        }
    }
    Ok(())
}

/// Says no saved segment has that name, and which there are (exit code 4).
pub fn no_segment(store: &mut Store, name: &str, locale: Locale) -> Stop {
    match store.segments() {
        Ok(all) => {
            let known: Vec<String> = all.into_iter().map(|s| s.name).collect();
            Exit::UnknownName.say(locale, "cli.no_segment", &[("name", name), ("known", &known.join(", "))])
        }
        Err(e) => Stop::Error(e),
    }
}
