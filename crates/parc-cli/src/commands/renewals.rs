//! `renewals`: the renewal radar by customer and month, as JSON lines.

use parc_core::chrono::NaiveDate;
use parc_core::fleet::share::{RadarQuery, RadarSort};

use crate::args::{self, date_arg, sort_arg};
use crate::exit::Outcome;
use crate::output::print_line;
use crate::station::{find_user, Station};

/// Prints the renewal radar: vehicles of active customers due for renewal in the next
/// MONTHS months (the rest of this month and the ones after), one JSON object per customer
/// and month with vehicles due, customers in the radar's order.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    /// competitors (most competitor vehicles first), volume or date.
    #[arg(long, default_value = "competitors", value_parser = sort_arg)]
    pub sort: RadarSort,
    /// Only the customers of this user (name or initials).
    #[arg(long)]
    pub user: Option<String>,
    /// At most this many customers.
    #[arg(long, default_value_t = 1000)]
    pub limit: u32,
    /// YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub today: Option<NaiveDate>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { months, sort, user, limit, today } = args;
    let today = today.unwrap_or_else(args::today);
    let mut store = station.connect()?;
    let owner_id = match user {
        None => None,
        Some(name) => Some(find_user(&store.users()?, &name, station.locale())?.id),
    };
    let radar = store.renewal_radar(&RadarQuery { months, owner_id, sort, limit }, today)?;
    for c in &radar.customers {
        for m in c.months.iter().filter(|m| m.vehicles > 0) {
            let lines: Vec<_> = c.lines.iter().filter(|l| l.renewal_due.starts_with(&m.month)).collect();
            let row = serde_json::json!({
                "customer_id": c.customer_id,
                "customer": c.name,
                "city": c.city,
                "month": m.month,
                "vehicles": m.vehicles,
                "competitor_vehicles": m.competitor,
                "customer_vehicles": c.vehicles,
                "customer_competitor_vehicles": c.competitor,
                "lines": lines,
            });
            if !print_line(&row) {
                return Ok(());
            }
        }
    }
    Ok(())
}
