//! `import`: a CSV file or workbook checked row by row and imported with an import profile.

use std::path::PathBuf;

use parc_core::exchange::import::{self, Decision, ImportOptions};
use parc_core::exchange::{Entity, Kind, Progress};
use parc_core::office::UserRole;
use parc_core::Error;

use super::profiles::no_profile;
use crate::exit::{Exit, Outcome, Stop};
use crate::output::print_line;
use crate::station::{find_user, Station};

/// Imports FILE (CSV, or an Excel .xlsx/.xls or .ods workbook, told by its content) with the
/// import profile NAME: every row checked, the accepted ones written
/// in one transaction, the rejected ones written with their reason to --rejected (default
/// FILE-rejected.csv beside it). Prints a JSON summary. Exit codes: 0 every row imported
/// or already there, 1 some rows rejected or possible duplicates skipped (the others are
/// imported), 2 error (nothing written), 4 no import profile of that name.
#[derive(clap::Args)]
pub struct Args {
    /// customers, fleet, sightings or price_list.
    #[arg(long)]
    pub kind: String,
    #[arg(long)]
    pub profile: String,
    pub file: PathBuf,
    #[arg(long)]
    pub rejected: Option<PathBuf>,
    /// A workbook's sheet (default: the first with data).
    #[arg(long)]
    pub sheet: Option<String>,
    /// What to do with a row like a stored customer that has no ERP code or VAT id to
    /// tell: skip it, update the stored one (when just one is alike), or create it.
    #[arg(long, default_value = "skip", value_parser = ["skip", "update", "create"])]
    pub duplicates: String,
    /// Check every row and print the summary without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// The user the changes are made as (name or initials; the price list needs the sales
    /// manager, whom it defaults to).
    #[arg(long)]
    pub user: Option<String>,
    /// A value for every row where the file has none, e.g. `--set country=PL --set
    /// owner=GR`: country, owner, lead_source, currency, business_type (repeatable).
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { kind, profile, file, rejected, duplicates, dry_run, user, set, sheet } = args;
    let mut defaults = std::collections::BTreeMap::new();
    for pair in &set {
        let Some((field, value)) = pair.split_once('=') else {
            return Err(Exit::Failed.say(station.locale(), "cli.set_syntax", &[]));
        };
        let field = match field.trim() {
            "currency" => "turnover_currency",
            f => f,
        };
        defaults.insert(field.to_string(), value.to_string());
    }
    let Some(entity) = Entity::parse(&kind).filter(|e| e.can_import()) else {
        return Err(Exit::Failed.say(station.locale(), "cli.import_kinds", &[]));
    };
    let mut store = station.connect()?;
    let users = store.users()?;
    let actor = match (&user, entity) {
        (Some(name), _) => Some(find_user(&users, name, station.locale())?.id),
        (None, Entity::PriceList) => {
            users.iter().find(|u| u.data.role == UserRole::Manager && u.data.active).map(|u| u.id)
        }
        (None, _) => None,
    };
    store.set_actor(actor);
    let found = match store.exchange_profile(Kind::Import, &profile) {
        Ok(p) if p.data.entity == entity => p,
        Ok(_) | Err(Error::NotFound { .. }) => {
            return Err(no_profile(&mut store, &profile, Kind::Import, station.locale()))
        }
        Err(e) => return Err(e.into()),
    };
    let options = ImportOptions {
        entity,
        settings: found.data.settings,
        encoding: None,
        delimiter: None,
        decisions: Default::default(),
        duplicates: match duplicates.as_str() {
            "update" => Decision::Update(0),
            "create" => Decision::Create,
            _ => Decision::Skip,
        },
        sheet,
        defaults,
    };
    let bytes = std::fs::read(&file)?;
    let locale = station.locale();
    let mut progress = |p: Progress| {
        if bytes.len() > 1 << 20 {
            eprint!("\r{:?} {}/{}", p.stage, p.done, p.total);
        }
    };
    let summary = if dry_run {
        serde_json::to_value(import::check(&mut store, &bytes, &options, locale, &mut progress)?)
    } else {
        serde_json::to_value(import::commit(
            &mut store,
            &bytes,
            &options,
            locale,
            Some(&file),
            rejected.as_deref(),
            &mut progress,
        )?)
    }
    .expect("summary serialises");
    if bytes.len() > 1 << 20 {
        eprintln!();
    }
    print_line(&summary);
    // Rows refused for want of a country: say how to give one for the whole file.
    let wants_country = summary["reports"].as_array().is_some_and(|rows| {
        rows.iter().any(|r| {
            r["problems"].as_array().is_some_and(|p| p.iter().any(|p| p["key"] == "validation.country_for_vat"))
        })
    });
    if wants_country {
        eprintln!("parc-cli: {} (exchange.hint_country)", parc_core::ground::i18n::tr(locale, "exchange.hint_country"));
    }
    let left_out = summary["rejected"].as_u64().unwrap_or(0) + summary["duplicates"].as_u64().unwrap_or(0);
    if left_out > 0 {
        return Err(Stop::Exit(Exit::Problems));
    }
    Ok(())
}
