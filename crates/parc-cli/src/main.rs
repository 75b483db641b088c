//! `parc-cli`: Parc without a window, for scripts, support and benchmarks.
//! Every command works on the same database file as the app (`--db` or `PARC_DB`).
//! Output is JSON so scripts can read it; problems go to stderr as translated sentences with
//! their key, and the exit code says what happened (`exit.rs`, listed by `--help`).
//!
//! This file parses the command line and hands each command to its file in `commands/`.

mod args;
mod commands;
mod exit;
mod files;
mod output;
mod station;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use parc_core::host::workstation::{self, WorkstationSettings};

use crate::commands::*;
use crate::exit::{Exit, Outcome, Stop};
use crate::station::Station;

#[derive(Parser)]
#[command(name = "parc-cli", version, about = "Parc CRM without a window", after_help = Exit::help())]
struct Cli {
    /// Database: a file path or a postgres:// address (default: PARC_DB, else the database
    /// chosen in the app's settings, else the app's default file).
    #[arg(long, global = true, env = "PARC_DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// The commands in the order `--help` lists them; each one's arguments and help are in its file.
#[derive(Subcommand)]
enum Command {
    Offers(offers::Args),
    Export(export::Args),
    Profiles(profiles::Args),
    Import(import::Args),
    OfferPdf(offer_pdf::Args),
    VisitPack(visit_pack::Args),
    PriceImport(price_import::Args),
    Demo(demo::Args),
    Agenda(agenda::Args),
    Funnel(funnel::Args),
    Snapshot(snapshot::Args),
    Report(report::Args),
    Check(check::Args),
    Search(search::Args),
    Customers(customers::Args),
    MigrateStore(migrate_store::Args),
    Renewals(renewals::Args),
    Segment(segment::Args),
    Campaign(campaign::Args),
    Share(share::Args),
    Bench(bench::Args),
    Backup(backup::Args),
    Restore(restore::Args),
    CrashTest(crash::TestArgs),
    #[command(hide = true)]
    Man(man::Args),
    #[command(hide = true)]
    CrashWriter(crash::WriterArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = WorkstationSettings::load(&workstation::settings_path());
    let db = workstation::resolve_target(cli.db, &settings);
    let station = Station { db, settings };
    let exit = match run(cli.command, &station) {
        Ok(()) => Exit::Done,
        Err(Stop::Exit(exit)) => exit,
        Err(Stop::Error(e)) => {
            eprintln!("parc-cli: {}", output::error_text(&e, station.locale()));
            Exit::Failed
        }
    };
    exit.into()
}

fn run(command: Command, station: &Station) -> Outcome {
    match command {
        Command::Offers(args) => offers::run(args, station),
        Command::Export(args) => export::run(args, station),
        Command::Profiles(args) => profiles::run(args, station),
        Command::Import(args) => import::run(args, station),
        Command::OfferPdf(args) => offer_pdf::run(args, station),
        Command::VisitPack(args) => visit_pack::run(args, station),
        Command::PriceImport(args) => price_import::run(args, station),
        Command::Demo(args) => demo::run(args, station),
        Command::Agenda(args) => agenda::run(args, station),
        Command::Funnel(args) => funnel::run(args, station),
        Command::Snapshot(args) => snapshot::run(args, station),
        Command::Report(args) => report::run(args, station),
        Command::Check(args) => check::run(args, station),
        Command::Search(args) => search::run(args, station),
        Command::Customers(args) => customers::run(args, station),
        Command::MigrateStore(args) => migrate_store::run(args, station),
        Command::Renewals(args) => renewals::run(args, station),
        Command::Segment(args) => segment::run(args, station),
        Command::Campaign(args) => campaign::run(args, station),
        Command::Share(args) => share::run(args, station),
        Command::Bench(args) => bench::run(args, station),
        Command::Backup(args) => backup::run(args, station),
        Command::Restore(args) => restore::run(args, station),
        Command::CrashTest(args) => crash::test(args, station),
        Command::Man(args) => man::run(args),
        Command::CrashWriter(args) => crash::writer(args, station),
    }
}
