//! `campaign`: a campaign and its results as one JSON object.

use crate::exit::{Exit, Outcome};
use crate::station::Station;

/// Prints the campaign NAME with its results as one JSON object (the campaign, and
/// "results": customers on its list, contacts made, responses, leads, deals, deals won and
/// their value, cost, cost per lead and per deal won). Exit code 4 when no campaign has
/// that name.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub name: String,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { name } = args;
    let mut store = station.connect()?;
    let Some(row) = store.campaign_named(&name)? else {
        let known: Vec<String> = store.campaigns()?.into_iter().map(|c| c.campaign.data.name).collect();
        let known = known.join(", ");
        return Err(Exit::UnknownName.say(station.locale(), "cli.no_campaign", &[("name", &name), ("known", &known)]));
    };
    println!("{}", serde_json::to_string(&row).expect("campaign serialises"));
    Ok(())
}
