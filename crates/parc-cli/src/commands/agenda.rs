//! `agenda`: a user's open actions as of a day, one JSON line each with its bucket.

use parc_core::chrono::NaiveDate;
use parc_core::contact::AgendaItem;

use crate::args::{self, date_arg};
use crate::exit::Outcome;
use crate::output::print_line;
use crate::station::{find_user, Station};

/// Prints a user's agenda as of TODAY, one JSON object per open action with its "bucket":
/// "overdue", "today", "upcoming" (next seven days), then "visit" (planned visits of the
/// next month, also listed in their own bucket).
#[derive(clap::Args)]
pub struct Args {
    /// The user's name or initials, case ignored.
    #[arg(long)]
    pub user: String,
    /// YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub today: Option<NaiveDate>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { user, today } = args;
    let today = today.unwrap_or_else(args::today);
    let mut store = station.connect()?;
    let users = store.users()?;
    let found = find_user(&users, &user, station.locale())?;
    let agenda = store.agenda(Some(found.id), today)?;
    let buckets: [(&str, &[AgendaItem]); 4] = [
        ("overdue", &agenda.overdue),
        ("today", &agenda.today),
        ("upcoming", &agenda.upcoming),
        ("visit", &agenda.visits),
    ];
    for (bucket, items) in buckets {
        for item in items {
            let mut row = serde_json::to_value(item).expect("agenda item serialises");
            row["bucket"] = bucket.into();
            if !print_line(&row) {
                return Ok(());
            }
        }
    }
    Ok(())
}
