//! `funnel`: the funnel, the three forecasts and the lead funnel as one JSON object.

use parc_core::chrono::NaiveDate;
use parc_core::funnel::deal::name_in;
use parc_core::funnel::FunnelQuery;

use crate::args::{self, date_arg, day_arg};
use crate::exit::Outcome;
use crate::station::{user_id, Station};

/// Prints the funnel (count, value, conversion and days per stage), the three forecasts
/// per month and per salesperson, the stalled count and the lead funnel, as one JSON
/// object. Open deals count when they close in the period, closed ones when they closed
/// in it; amounts are integer minor units of "currency".
#[derive(clap::Args)]
pub struct Args {
    /// Only this salesperson's deals (name or initials, case ignored).
    #[arg(long)]
    pub owner: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long, value_parser = day_arg)]
    pub from: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long, value_parser = day_arg)]
    pub to: Option<String>,
    /// Default: the currency with the most deals.
    #[arg(long)]
    pub currency: Option<String>,
    /// The day it is seen from, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub today: Option<NaiveDate>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { owner, from, to, currency, today } = args;
    let today = today.unwrap_or_else(args::today);
    let mut store = station.connect()?;
    let users = store.users()?;
    let owner_id = user_id(&users, owner.as_deref(), station.locale())?;
    let query = FunnelQuery { owner_id, from, to, currency };
    let funnel = store.funnel(&query, today)?;
    let leads = store.lead_funnel(&query)?;
    let process = store.stage_settings()?;
    let mut out = serde_json::to_value(&funnel).expect("funnel serialises");
    // Names beside ids, for people reading the output.
    for s in out["stages"].as_array_mut().expect("stages") {
        let id = s["stage_id"].as_i64().unwrap_or_default();
        let name = process.stage(id).map(|st| name_in(&st.names, "en").to_string()).unwrap_or_default();
        s["name"] = name.into();
    }
    for r in out["forecast"]["owners"].as_array_mut().expect("owners") {
        let id = r["owner_id"].as_i64();
        let name = users.iter().find(|u| Some(u.id) == id).map(|u| u.data.name.clone()).unwrap_or_default();
        r["owner"] = name.into();
    }
    out["today"] = today.to_string().into();
    out["owner_id"] = owner_id.into();
    out["leads"] = serde_json::to_value(&leads).expect("leads serialise");
    println!("{out}");
    Ok(())
}
