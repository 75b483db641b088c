//! `visit-pack`: a day's visits as one PDF, each customer's open offers and summary page.

use std::path::PathBuf;

use parc_core::chrono::NaiveDate;
use parc_core::ground::i18n::Locale;

use crate::args::{self, date_arg};
use crate::exit::{Exit, Outcome};
use crate::station::{user_id, Station};

/// Writes the visit pack of DAY: for each customer with a visit planned that day, its open
/// offers and a one-page summary. Exit code 5 when no visit is planned (nothing is written).
#[derive(clap::Args)]
pub struct Args {
    /// YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub day: Option<NaiveDate>,
    /// The salesperson's name or initials (default: everyone's visits).
    #[arg(long)]
    pub user: Option<String>,
    #[arg(long)]
    pub out: PathBuf,
    /// The language of the summary pages (default: the workstation's).
    #[arg(long)]
    pub lang: Option<String>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { day, user, out, lang } = args;
    let day = day.unwrap_or_else(args::today);
    let mut store = station.connect()?;
    let users = store.users()?;
    let user_id = user_id(&users, user.as_deref(), station.locale())?;
    let locale = lang.as_deref().and_then(Locale::parse).unwrap_or(station.locale());
    match store.visit_pack(user_id, day, locale)? {
        Some(pdf) => {
            parc_core::ground::atomic::write(&out, &pdf)?;
            println!("{}", serde_json::json!({ "day": day.to_string(), "out": out, "bytes": pdf.len() }));
        }
        None => {
            return Err(Exit::NothingToDo.say(station.locale(), "cli.no_visit", &[("day", &day.to_string())]));
        }
    }
    Ok(())
}
