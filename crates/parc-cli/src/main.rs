//! `parc-cli`: Parc without a window, for scripts, support and benchmarks.
//! Every command works on the same database file as the app (`--db` or `PARC_DB`).
//! Output is JSON so scripts can read it; errors go to stderr with a non-zero exit code:
//! 1 when a check found a problem (damaged database or backup, failed crash test, rows an
//! import left out), 2 for errors and bad arguments, 3 when the command does not apply to a
//! PostgreSQL store, 4 when an export or import profile does not exist.

mod crash;
mod import_bench;
mod pdf_bench;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use parc_core::contact::{AgendaItem, HistoryFilter};
use parc_core::deal::name_in;
use parc_core::exchange::import::{self, Decision, ImportOptions};
use parc_core::exchange::{Entity, Kind, Progress};
use parc_core::funnel::FunnelQuery;
use parc_core::i18n::Locale;
use parc_core::offer::{OfferQuery, OfferStatus};
use parc_core::report::{ReportKind, ReportQuery};
use parc_core::share::{RadarQuery, RadarSort, Share};
use parc_core::storage::{copy_store, CustomerQuery, Target};
use parc_core::user::{User, UserRole};
use parc_core::workstation::{self, WorkstationSettings};
use parc_core::{backup, demo, Error, Store};

#[derive(Parser)]
#[command(name = "parc-cli", version, about = "Parc CRM without a window")]
struct Cli {
    /// Database: a file path or a postgres:// address (default: PARC_DB, else the database
    /// chosen in the app's settings, else the app's default file).
    #[arg(long, global = true, env = "PARC_DB")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lists offers, the newest revision of each number, newest first: one JSON object per
    /// offer (number, revision, status, customer, language, currency, date, valid_until,
    /// total to pay in minor units).
    Offers {
        /// draft, sent, accepted, rejected or expired.
        #[arg(long)]
        status: Option<String>,
        /// Words matched in the number and the customer's name.
        #[arg(long, default_value = "")]
        text: String,
    },
    /// Runs the export profile NAME into OUT: the rows changed since that profile's last
    /// export (all of them the first time, or with --full). The file appears complete or not
    /// at all; prints what was sent as JSON. Exit codes: 0 written, 2 error (nothing written,
    /// the watermark unchanged: run again), 4 no export profile of that name.
    Export {
        #[arg(long)]
        profile: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        full: bool,
    },
    /// Lists the export and import profiles as JSON lines (name, kind, entity, columns, last
    /// export).
    Profiles,
    /// Imports FILE (CSV, or an Excel .xlsx/.xls or .ods workbook, told by its content) with the
    /// import profile NAME: every row checked, the accepted ones written
    /// in one transaction, the rejected ones written with their reason to --rejected (default
    /// FILE-rejected.csv beside it). Prints a JSON summary. Exit codes: 0 every row imported
    /// or already there, 1 some rows rejected or possible duplicates skipped (the others are
    /// imported), 2 error (nothing written), 4 no import profile of that name.
    Import {
        /// customers, fleet, sightings or price_list.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        profile: String,
        file: PathBuf,
        #[arg(long)]
        rejected: Option<PathBuf>,
        /// A workbook's sheet (default: the first with data).
        #[arg(long)]
        sheet: Option<String>,
        /// What to do with a row like a stored customer that has no ERP code or VAT id to
        /// tell: skip it, update the stored one (when just one is alike), or create it.
        #[arg(long, default_value = "skip", value_parser = ["skip", "update", "create"])]
        duplicates: String,
        /// Check every row and print the summary without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// The user the changes are made as (name or initials; the price list needs the sales
        /// manager, whom it defaults to).
        #[arg(long)]
        user: Option<String>,
        /// A value for every row where the file has none, e.g. `--set country=PL --set
        /// owner=GR`: country, owner, lead_source, currency, business_type (repeatable).
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
    },
    /// Writes an offer as the PDF the window prints: the newest revision of NUMBER (or
    /// --revision), in the offer's language or --lang (en, it, pl, lt, zh).
    OfferPdf {
        #[arg(long)]
        offer: String,
        #[arg(long)]
        revision: Option<i64>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        lang: Option<String>,
    },
    /// Writes the visit pack of DAY: for each customer with a visit planned that day, its open
    /// offers and a one-page summary. Exit code 1 when no visit is planned.
    VisitPack {
        /// YYYY-MM-DD (default: today).
        #[arg(long, value_parser = day_arg)]
        day: Option<String>,
        /// The salesperson's name or initials (default: everyone's visits).
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        out: PathBuf,
        /// The language of the summary pages (default: the workstation's).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Adds or updates the price list from a CSV file (the layout in README), all or nothing;
    /// prints what it did as JSON. Runs as the office's sales manager.
    PriceImport { file: PathBuf },
    /// Adds a reproducible demo dealership: the office (if it has no users yet), N customers,
    /// their people, three years of contacts before TODAY, about one deal each across the
    /// funnel with its history, leads, and the forecasts kept at the last six month ends.
    Demo {
        #[arg(long)]
        customers: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The day the history leads up to, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = day_arg)]
        today: Option<String>,
        /// An idempotency key: running the same load again with it (after a crash, say)
        /// goes on where it stopped and adds nothing twice.
        #[arg(long)]
        key: Option<String>,
    },
    /// Prints a user's agenda as of TODAY, one JSON object per open action with its "bucket":
    /// "overdue", "today", "upcoming" (next seven days), then "visit" (planned visits of the
    /// next month, also listed in their own bucket).
    Agenda {
        /// The user's name or initials, case ignored.
        #[arg(long)]
        user: String,
        /// YYYY-MM-DD (default: today).
        #[arg(long, value_parser = day_arg)]
        today: Option<String>,
    },
    /// Prints the funnel (count, value, conversion and days per stage), the three forecasts
    /// per month and per salesperson, the stalled count and the lead funnel, as one JSON
    /// object. Open deals count when they close in the period, closed ones when they closed
    /// in it; amounts are integer minor units of "currency".
    Funnel {
        /// Only this salesperson's deals (name or initials, case ignored).
        #[arg(long)]
        owner: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long, value_parser = day_arg)]
        from: Option<String>,
        /// YYYY-MM-DD.
        #[arg(long, value_parser = day_arg)]
        to: Option<String>,
        /// Default: the currency with the most deals.
        #[arg(long)]
        currency: Option<String>,
        /// The day it is seen from, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = day_arg)]
        today: Option<String>,
    },
    /// Keeps the forecast as it stands at month end AS_OF (default: the last month end before
    /// today) for the three months after it, unless kept already; prints the rows kept.
    Snapshot {
        /// A month's last day, YYYY-MM-DD.
        #[arg(long, value_parser = day_arg)]
        as_of: Option<String>,
    },
    /// Prints one of the sales manager's reports over a period: as JSON (the table, with money
    /// in integer minor units of "currency", and the report's own figures), or as CSV for a
    /// spreadsheet (UTF-8 with BOM, `;`, the workstation's decimal sign). The kinds:
    ///   activity        new prospects against orders won; value from new and existing customers
    ///   contacts        contacts per working day and week, new and existing customers, by type, hours
    ///   contact-roles   contacts by the role of the person met
    ///   products        vehicles sold by category and model, per salesperson
    ///   outcomes        deals won, lost and postponed per salesperson
    ///   reasons         why deals were lost or postponed
    ///   competitors     the competitors that won the deals we lost
    ///   stages          deals moved forward per stage and average days per stage
    ///   cost            time in contacts per deal and per order, cost of selling per order
    ///   pyramid         the customer pyramid (tiers A, B, C) in force at the period's end
    ///   pyramid-movers  customers that changed tier in the period
    ///   market          market share (QM) by segment and year of registration
    ///   customer        the seven P's of one customer (--customer ID)
    #[command(verbatim_doc_comment)]
    Report {
        /// One of the kinds above.
        #[arg(long, value_parser = kind_arg)]
        kind: ReportKind,
        /// First day, YYYY-MM-DD (default: the first day of the month two months before --to).
        #[arg(long, value_parser = day_arg)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = day_arg)]
        to: Option<String>,
        /// json, csv (on stdout, or into --out) or xlsx (an Excel workbook into --out).
        #[arg(long, default_value = "json", value_parser = ["json", "csv", "xlsx"])]
        format: String,
        /// The file a csv or xlsx report is written to (temporary name, then renamed); json is
        /// always printed.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The currency of money columns (default: the one most deals are in).
        #[arg(long)]
        currency: Option<String>,
        /// Only this salesperson (name or initials), for products, reasons, competitors, stages.
        #[arg(long)]
        owner: Option<String>,
        /// The customer of the seven P's.
        #[arg(long)]
        customer: Option<i64>,
        /// Only the customers of this saved segment (its name), as of --today.
        #[arg(long)]
        segment: Option<String>,
        /// The day it is seen from, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = day_arg)]
        today: Option<String>,
    },
    /// Checks the database's integrity and prints its schema version and row counts.
    Check,
    /// Prints the customers matching TEXT, one JSON object per line.
    Search {
        text: String,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        /// Include archived customers.
        #[arg(long)]
        archived: bool,
    },
    /// Prints every customer card (archived ones too) as JSON lines, with the office's own
    /// fields by label under "office_fields".
    Customers,
    /// Copies an office's data into an empty store (file to PostgreSQL or back) and verifies
    /// the copy by counts and checksums.
    MigrateStore {
        /// Source: file path or postgres:// address.
        #[arg(long)]
        from: String,
        /// Destination, empty: file path or postgres:// address.
        #[arg(long)]
        to: String,
    },
    /// Prints the renewal radar: vehicles of active customers due for renewal in the next
    /// MONTHS months (the rest of this month and the ones after), one JSON object per customer
    /// and month with vehicles due, customers in the radar's order.
    Renewals {
        #[arg(long, default_value_t = 12)]
        months: u32,
        /// competitors (most competitor vehicles first), volume or date.
        #[arg(long, default_value = "competitors", value_parser = sort_arg)]
        sort: RadarSort,
        /// Only the customers of this user (name or initials).
        #[arg(long)]
        user: Option<String>,
        /// At most this many customers.
        #[arg(long, default_value_t = 1000)]
        limit: u32,
        /// YYYY-MM-DD (default: today).
        #[arg(long, value_parser = day_arg)]
        today: Option<String>,
    },
    /// Prints the customers of the saved segment NAME, by name, as JSON lines (id, name, city,
    /// country, vat_id, phone, email, owner_id). Exit code 4 when no segment has that name.
    Segment {
        #[arg(long)]
        name: String,
        /// YYYY-MM-DD (default: today): renewals and silence are counted from it.
        #[arg(long, value_parser = day_arg)]
        today: Option<String>,
    },
    /// Prints the campaign NAME with its results as one JSON object (the campaign, and
    /// "results": customers on its list, contacts made, responses, leads, deals, deals won and
    /// their value, cost, cost per lead and per deal won). Exit code 4 when no campaign has
    /// that name.
    Campaign {
        #[arg(long)]
        name: String,
    },
    /// Prints the market share (QM) among the customers' fleets as JSON lines, each with its
    /// "kind": "segment_year" (category, weight class and year of first registration; year
    /// null when unknown), "segment", "year", "office", then "brand" (largest fleet first).
    Share,
    /// Measures search, customer card, agenda, "going cold", renewal radar, market share,
    /// funnel and forecast latency on a demo database of N customers, about one deal each
    /// (made if it has fewer), then the time to print a two-page offer in each language.
    Bench {
        #[arg(long, default_value_t = 100_000)]
        customers: usize,
        /// Timed runs of each query.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Only the printed offer's figures (ms per PDF, and headless Chromium's for
        /// comparison when it is installed): no database is made.
        #[arg(long)]
        pdf_only: bool,
        /// Only these parts, comma-separated: search, screens, segments, fleets, funnel, reports, offers,
        /// pdf, exchange, import (`--only import` alone makes no demo database: it imports N
        /// customers into an empty office of its own, a file or a schema on the --db server).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Takes a verified backup of the database file now (SQLite's online backup API: the app
    /// may keep working), then thins old backups (7 daily, 4 weekly, 12 monthly). Prints the
    /// backup as JSON. With --list, prints the backups in the folder instead, newest first.
    Backup {
        /// Folder for backups (default: the one chosen in the app's settings, else `backups`
        /// beside the database).
        #[arg(long)]
        folder: Option<PathBuf>,
        #[arg(long)]
        list: bool,
    },
    /// Restores a backup into the database file, after checking the backup and keeping a copy
    /// of the current database in the backup folder. Nothing changes when the backup is bad.
    Restore {
        /// The backup file; --newest takes the newest good one from the folder.
        file: Option<PathBuf>,
        #[arg(long, conflicts_with = "file")]
        newest: bool,
        #[arg(long)]
        folder: Option<PathBuf>,
    },
    /// Proves crash safety: KILLS times, starts a writer making real changes, kills it with
    /// SIGKILL at a random moment, reopens the database and checks it. Works in its own folder,
    /// never on the office's database.
    CrashTest {
        #[arg(long, default_value_t = 1000)]
        kills: u32,
        /// Longest time a writer runs before its kill, in milliseconds.
        #[arg(long, default_value_t = 300)]
        max_ms: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder for the test database (default: a new temporary folder, removed after a pass).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Writes parc-cli's man page (roff) to stdout; the package installs it as parc-cli(1).
    #[command(hide = true)]
    Man,
    /// The writer `crash-test` runs and kills.
    #[command(hide = true)]
    CrashWriter {
        #[arg(long)]
        seed: u64,
        #[arg(long)]
        from: u64,
        #[arg(long)]
        ops: Option<u64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = WorkstationSettings::load(&workstation::settings_path());
    let db = workstation::resolve_target(cli.db, &settings);
    match run(cli.command, db, &settings) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("parc-cli: {}", error_text(&e, settings.effective_locale()));
            ExitCode::from(2)
        }
    }
}

/// An error as a person reads it, in the workstation's language, with what a script or a
/// support call needs after it: each invalid field's sentence and key, or the error's code and
/// detail.
fn error_text(e: &Error, locale: Locale) -> String {
    match e {
        Error::Validation(fields) => fields
            .iter()
            .map(|f| format!("{} ({}: {})", parc_core::i18n::tr(locale, f.key), f.field, f.key))
            .collect::<Vec<_>>()
            .join("; "),
        _ => format!("{} ({}: {e})", e.message(locale), e.code()),
    }
}

fn run(command: Command, db: Target, settings: &WorkstationSettings) -> Result<ExitCode, Error> {
    match command {
        Command::Man => {
            // The same definitions as --help, so the man page cannot drift from the program.
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut std::io::stdout())?;
        }
        Command::Demo { customers, seed, today, key } => {
            let today = demo::day_or_today(today.as_deref())?;
            let mut store = Store::connect(&db)?;
            let started = Instant::now();
            let progress = |done, total| eprint!("\r{done}/{total} customers");
            let added = match &key {
                Some(key) => demo::load_once(&mut store, key, customers, seed, today, progress)?,
                None => demo::load_office(&mut store, customers, seed, today, progress)?,
            };
            eprintln!();
            let out = serde_json::json!({
                "added": added,
                "today": today.to_string(),
                "seconds": started.elapsed().as_secs_f64(),
                "db": db.to_string(),
            });
            println!("{out}");
        }
        Command::Agenda { user, today } => {
            let today = demo::day_or_today(today.as_deref())?;
            let mut store = Store::connect(&db)?;
            let users = store.users()?;
            let found = match find_user(&users, &user, settings.effective_locale()) {
                Ok(u) => u,
                Err(problem) => {
                    eprintln!("parc-cli: {problem}");
                    return Ok(ExitCode::from(2));
                }
            };
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
                        return Ok(ExitCode::SUCCESS);
                    }
                }
            }
        }
        Command::Funnel { owner, from, to, currency, today } => {
            let today = demo::day_or_today(today.as_deref())?;
            let mut store = Store::connect(&db)?;
            let users = store.users()?;
            let owner_id = match owner.as_deref().map(|o| find_user(&users, o, settings.effective_locale())) {
                None => None,
                Some(Ok(u)) => Some(u.id),
                Some(Err(problem)) => {
                    eprintln!("parc-cli: {problem}");
                    return Ok(ExitCode::from(2));
                }
            };
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
        }
        Command::Snapshot { as_of } => {
            let mut store = Store::connect(&db)?;
            let today = demo::day_or_today(None)?;
            let as_of = match as_of {
                Some(d) => demo::day_or_today(Some(&d))?,
                None => parc_core::funnel::previous_month_end(today),
            };
            let kept = store.take_forecast_snapshot(as_of)?;
            println!("{}", serde_json::json!({ "as_of": as_of.to_string(), "kept": kept }));
        }
        Command::Offers { status, text } => {
            let mut store = Store::connect(&db)?;
            let status = match status.as_deref().map(OfferStatus::parse) {
                None => None,
                Some(Some(s)) => Some(s),
                Some(None) => {
                    say(settings.effective_locale(), "cli.unknown_status", &[("status", &status.unwrap_or_default())]);
                    return Ok(ExitCode::from(2));
                }
            };
            let query = OfferQuery { status, text, limit: u32::MAX, ..Default::default() };
            for row in store.offers(&query)? {
                if !print_line(&serde_json::to_string(&row).expect("row serialises")) {
                    break;
                }
            }
        }
        Command::Export { profile, out, full } => {
            let mut store = Store::connect(&db)?;
            match store.export_csv(&profile, &out, full, &mut |_| {}) {
                Ok(report) => println!("{}", serde_json::to_string(&report).expect("report serialises")),
                Err(Error::NotFound { entity: "exchange_profile", .. }) => {
                    return Ok(no_profile(&mut store, &profile, Kind::Export, settings.effective_locale()))
                }
                Err(e) => return Err(e),
            }
        }
        Command::Profiles => {
            let mut store = Store::connect(&db)?;
            for p in store.exchange_profiles()? {
                let row = serde_json::json!({
                    "name": p.data.name,
                    "kind": p.data.kind,
                    "entity": p.data.entity,
                    "columns": p.data.settings.columns.iter().map(|c| &c.header).collect::<Vec<_>>(),
                    "last_run_at": p.last_run_at,
                    "last_rows": p.last_rows,
                });
                if !print_line(&row) {
                    break;
                }
            }
        }
        Command::Import { kind, profile, file, rejected, duplicates, dry_run, user, set, sheet } => {
            let mut defaults = std::collections::BTreeMap::new();
            for pair in &set {
                let Some((field, value)) = pair.split_once('=') else {
                    say(settings.effective_locale(), "cli.set_syntax", &[]);
                    return Ok(ExitCode::from(2));
                };
                let field = match field.trim() {
                    "currency" => "turnover_currency",
                    f => f,
                };
                defaults.insert(field.to_string(), value.to_string());
            }
            let Some(entity) = Entity::parse(&kind).filter(|e| e.can_import()) else {
                say(settings.effective_locale(), "cli.import_kinds", &[]);
                return Ok(ExitCode::from(2));
            };
            let mut store = Store::connect(&db)?;
            let users = store.users()?;
            let actor = match (&user, entity) {
                (Some(name), _) => match find_user(&users, name, settings.effective_locale()) {
                    Ok(u) => Some(u.id),
                    Err(problem) => {
                        eprintln!("parc-cli: {problem}");
                        return Ok(ExitCode::from(2));
                    }
                },
                (None, Entity::PriceList) => {
                    users.iter().find(|u| u.data.role == UserRole::Manager && u.data.active).map(|u| u.id)
                }
                (None, _) => None,
            };
            store.set_actor(actor);
            let found = match store.exchange_profile(Kind::Import, &profile) {
                Ok(p) if p.data.entity == entity => p,
                Ok(_) | Err(Error::NotFound { .. }) => {
                    return Ok(no_profile(&mut store, &profile, Kind::Import, settings.effective_locale()))
                }
                Err(e) => return Err(e),
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
            let locale = settings.effective_locale();
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
                eprintln!("parc-cli: {} (exchange.hint_country)", parc_core::i18n::tr(locale, "exchange.hint_country"));
            }
            let left_out = summary["rejected"].as_u64().unwrap_or(0) + summary["duplicates"].as_u64().unwrap_or(0);
            if left_out > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        Command::OfferPdf { offer, revision, out, lang } => {
            let mut store = Store::connect(&db)?;
            let found = store.offer_by_number(&offer, revision)?;
            let pdf = store.offer_pdf(found.id, lang.as_deref())?;
            write_atomically(&out, &pdf)?;
            let summary = serde_json::json!({ "offer": found.number, "revision": found.revision, "out": out, "bytes": pdf.len() });
            println!("{summary}");
        }
        Command::VisitPack { day, user, out, lang } => {
            let day = demo::day_or_today(day.as_deref())?;
            let mut store = Store::connect(&db)?;
            let users = store.users()?;
            let user_id = match user.as_deref().map(|u| find_user(&users, u, settings.effective_locale())) {
                None => None,
                Some(Ok(u)) => Some(u.id),
                Some(Err(problem)) => {
                    eprintln!("parc-cli: {problem}");
                    return Ok(ExitCode::from(2));
                }
            };
            let locale = lang.as_deref().and_then(Locale::parse).unwrap_or(settings.effective_locale());
            match store.visit_pack(user_id, day, locale)? {
                Some(pdf) => {
                    write_atomically(&out, &pdf)?;
                    println!("{}", serde_json::json!({ "day": day.to_string(), "out": out, "bytes": pdf.len() }));
                }
                None => {
                    say(settings.effective_locale(), "cli.no_visit", &[("day", &day.to_string())]);
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::PriceImport { file } => {
            let mut store = Store::connect(&db)?;
            let bytes = std::fs::read(&file)?;
            let manager = store.users()?.into_iter().find(|u| u.data.role == UserRole::Manager && u.data.active);
            let Some(manager) = manager else {
                say(settings.effective_locale(), "cli.no_manager", &[]);
                return Ok(ExitCode::from(2));
            };
            store.set_actor(Some(manager.id));
            let done = store.import_price_file(Some(manager.id), &bytes)?;
            println!("{}", serde_json::to_string(&done).expect("summary serialises"));
        }
        Command::Report { kind, from, to, format, out: file, currency, owner, customer, segment, today } => {
            let today = demo::day_or_today(today.as_deref())?;
            let mut store = Store::connect(&db)?;
            let users = store.users()?;
            let owner_id = match owner.as_deref().map(|o| find_user(&users, o, settings.effective_locale())) {
                None => None,
                Some(Ok(u)) => Some(u.id),
                Some(Err(problem)) => {
                    eprintln!("parc-cli: {problem}");
                    return Ok(ExitCode::from(2));
                }
            };
            let segment_id = match segment.as_deref() {
                None => None,
                Some(name) => match store.segment_named(name)? {
                    Some(s) => Some(s.id),
                    None => return no_segment(&mut store, name, settings.effective_locale()),
                },
            };
            let query = ReportQuery { from, to, currency, owner_id, customer_id: customer, segment_id };
            let locale = settings.effective_locale();
            let out = match store.report(kind, &query, today, locale) {
                Ok(out) => out,
                Err(Error::Validation(fields)) => {
                    for f in fields {
                        let option = f.field.replace('_', "-");
                        eprintln!("parc-cli: --{option}: {} ({})", parc_core::i18n::tr(locale, f.key), f.key);
                    }
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e),
            };
            if let (Some(path), "csv") = (&file, format.as_str()) {
                parc_core::report::write_csv(&out.table, locale, path)?;
            } else if let (Some(path), "xlsx") = (&file, format.as_str()) {
                parc_core::exchange::workbook::write_report(&out.table, locale, path)?;
            } else if format == "xlsx" {
                eprintln!("parc-cli: --format xlsx writes a workbook: name it with --out FILE");
                return Ok(ExitCode::from(2));
            } else if format == "csv" {
                use std::io::Write;
                let bytes = parc_core::report::csv(&out.table, locale)?;
                let _ = std::io::stdout().lock().write_all(&bytes);
            } else {
                let json = serde_json::json!({
                    "kind": out.kind,
                    "from": out.from,
                    "to": out.to,
                    "currency": out.currency,
                    "table": out.table,
                    "data": out.data,
                });
                println!("{json}");
            }
        }
        Command::Check => {
            let mut store = Store::connect(&db)?;
            let report = store.check()?;
            println!("{}", serde_json::to_string(&report).expect("report serialises"));
            if report.integrity != "ok" {
                say(settings.effective_locale(), "cli.integrity_failed", &[("detail", &report.integrity)]);
                return Ok(ExitCode::from(1));
            }
        }
        Command::Search { text, limit, archived } => {
            let mut store = Store::connect(&db)?;
            let query = CustomerQuery { text, include_archived: archived, limit, ..Default::default() };
            for row in store.search_customers(&query)? {
                if !print_line(&serde_json::to_string(&row).expect("row serialises")) {
                    break;
                }
            }
        }
        Command::Customers => {
            let mut store = Store::connect(&db)?;
            let fields = store.custom_fields()?;
            for c in store.all_customers()? {
                let mut card = serde_json::to_value(&c).expect("a card serialises");
                card["office_fields"] = serde_json::json!(parc_core::custom_field::labelled(&fields, &c.data.custom));
                if !print_line(&card.to_string()) {
                    break;
                }
            }
        }
        Command::MigrateStore { from, to } => {
            let (from, to) = (Target::parse(&from), Target::parse(&to));
            let mut source = Store::connect(&from)?;
            let mut dest = Store::connect(&to)?;
            let started = Instant::now();
            let report = copy_store(&mut source, &mut dest)?;
            let out = serde_json::json!({
                "from": from.to_string(),
                "to": to.to_string(),
                "copied": report.counts,
                "checksum": report.checksum,
                "verified": true,
                "seconds": started.elapsed().as_secs_f64(),
            });
            println!("{out}");
        }
        Command::Renewals { months, sort, user, limit, today } => {
            let today = demo::day_or_today(today.as_deref())?;
            let mut store = Store::connect(&db)?;
            let owner_id = match user {
                None => None,
                Some(name) => match find_user(&store.users()?, &name, settings.effective_locale()) {
                    Ok(u) => Some(u.id),
                    Err(problem) => {
                        eprintln!("parc-cli: {problem}");
                        return Ok(ExitCode::from(2));
                    }
                },
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
                        return Ok(ExitCode::SUCCESS);
                    }
                }
            }
        }
        Command::Segment { name, today } => {
            let today = demo::day_or_today(today.as_deref())?;
            let mut store = Store::connect(&db)?;
            let Some(segment) = store.segment_named(&name)? else {
                return no_segment(&mut store, &name, settings.effective_locale());
            };
            for c in store.segment_customers(segment.filter, today, usize::MAX)?.customers {
                if !print_line(&serde_json::to_string(&c).expect("row serialises")) {
                    break;
                }
            }
        }
        Command::Campaign { name } => {
            let mut store = Store::connect(&db)?;
            let Some(row) = store.campaign_named(&name)? else {
                let known: Vec<String> = store.campaigns()?.into_iter().map(|c| c.campaign.data.name).collect();
                say(settings.effective_locale(), "cli.no_campaign", &[("name", &name), ("known", &known.join(", "))]);
                return Ok(ExitCode::from(4));
            };
            println!("{}", serde_json::to_string(&row).expect("campaign serialises"));
        }
        Command::Share => {
            let mut store = Store::connect(&db)?;
            let m = store.market_share()?;
            let mut rows = Vec::new();
            for seg in &m.segments {
                for y in &seg.years {
                    rows.push(share_line("segment_year", Some((&seg.category, &seg.weight_class)), y.year, &y.share));
                }
                rows.push(share_line("segment", Some((&seg.category, &seg.weight_class)), None, &seg.total));
            }
            for y in &m.years {
                rows.push(share_line("year", None, y.year, &y.share));
            }
            rows.push(share_line("office", None, None, &m.total));
            for b in &m.brands {
                rows.push(serde_json::json!({
                    "kind": "brand", "brand": b.brand, "ours": b.ours, "vehicles": b.vehicles,
                    "tonnage_kg": b.tonnage_kg, "pct": b.pct,
                }));
            }
            for row in rows {
                if !print_line(&row) {
                    break;
                }
            }
        }
        Command::Bench { pdf_only: true, runs, .. } => pdf_bench::run(runs)?,
        // The import makes its own offices: no demo database is needed.
        Command::Bench { customers, only, .. } if only == ["import"] => import_bench::run(&db, customers)?,
        Command::Bench { customers, runs, only, .. } => bench(&db, customers, runs, &only)?,
        Command::Backup { folder, list } => {
            let Target::File(file) = &db else { return Ok(server_backs_up(settings.effective_locale())) };
            let folder = folder.unwrap_or_else(|| settings.backup_folder(file));
            if list {
                for b in backup::list(&folder)? {
                    if !print_line(&serde_json::to_string(&b).expect("backup serialises")) {
                        break;
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let started = Instant::now();
            let taken = backup::backup(file, &folder, chrono_now())?;
            let mut out = serde_json::to_value(&taken).expect("backup serialises");
            out["seconds"] = started.elapsed().as_secs_f64().into();
            println!("{out}");
        }
        Command::Restore { file, newest, folder } => {
            let Target::File(db_file) = &db else { return Ok(server_backs_up(settings.effective_locale())) };
            let folder = folder.unwrap_or_else(|| settings.backup_folder(db_file));
            let from = match (file, newest) {
                (Some(f), _) => f,
                (None, true) => match backup::newest_good(&folder)? {
                    Some(b) => b.path,
                    None => {
                        say(
                            settings.effective_locale(),
                            "cli.no_good_backup",
                            &[("folder", &folder.display().to_string())],
                        );
                        return Ok(ExitCode::from(1));
                    }
                },
                (None, false) => {
                    say(settings.effective_locale(), "cli.restore_what", &[]);
                    return Ok(ExitCode::from(2));
                }
            };
            let started = Instant::now();
            match backup::restore(db_file, &from, &folder, chrono_now()) {
                Ok(report) => {
                    // Open it as the app would: migrations of an older backup run now.
                    Store::open(db_file)?;
                    let mut out = serde_json::to_value(&report).expect("report serialises");
                    out["seconds"] = started.elapsed().as_secs_f64().into();
                    println!("{out}");
                }
                Err(Error::Corrupt(problem)) => {
                    let file = from.display().to_string();
                    say(settings.effective_locale(), "cli.backup_unusable", &[("file", &file), ("problem", &problem)]);
                    return Ok(ExitCode::from(1));
                }
                Err(e) => return Err(e),
            }
        }
        Command::CrashTest { kills, max_ms, seed, dir } => {
            let temp = match &dir {
                Some(_) => None,
                None => Some(tempdir()?),
            };
            let folder = dir.clone().unwrap_or_else(|| temp.clone().expect("a folder"));
            match crash::test(&folder, kills, max_ms, seed)? {
                Ok(report) => {
                    println!("{}", serde_json::to_string(&report).expect("report serialises"));
                    if let Some(t) = temp {
                        let _ = std::fs::remove_dir_all(t);
                    }
                }
                Err(problem) => {
                    let kept = folder.display().to_string();
                    say(settings.effective_locale(), "cli.crash_failed", &[("problem", &problem), ("folder", &kept)]);
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::CrashWriter { seed, from, ops } => {
            let Target::File(file) = &db else { return Ok(server_backs_up(settings.effective_locale())) };
            crash::writer(file, seed, from, ops)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Exit code 4: no profile of that name and kind, with the names there are.
fn no_profile(store: &mut Store, name: &str, kind: Kind, locale: Locale) -> ExitCode {
    let known: Vec<String> = store
        .exchange_profiles()
        .map(|all| all.into_iter().filter(|p| p.data.kind == kind).map(|p| p.data.name).collect())
        .unwrap_or_default();
    let key = match kind {
        Kind::Export => "cli.no_export_profile",
        Kind::Import => "cli.no_import_profile",
    };
    say(locale, key, &[("name", name), ("known", &known.join(", "))]);
    ExitCode::from(4)
}

/// Prints a sentence of the catalogue in the workstation's language, with its key after it.
fn say(locale: Locale, key: &str, args: &[(&str, &str)]) {
    eprintln!("parc-cli: {}", sentence(locale, key, args));
}

/// A sentence of the catalogue in `locale` with its key after it, as the CLI prints problems.
fn sentence(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    format!("{} ({key})", parc_core::i18n::trf(locale, key, args))
}

/// The workstation's local time: backups are named after it.
fn chrono_now() -> parc_core::chrono::NaiveDateTime {
    parc_core::chrono::Local::now().naive_local()
}

/// Exit code 3, with the reason: a server's database is backed up by the server.
fn server_backs_up(locale: Locale) -> ExitCode {
    say(locale, "cli.server_backs_up", &[]);
    ExitCode::from(3)
}

/// A new private folder under the system's temporary folder.
fn tempdir() -> Result<PathBuf, Error> {
    let dir = std::env::temp_dir().join(format!("parc-crash-{}-{}", std::process::id(), chrono_now().format("%H%M%S")));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Prints one line of output; false when nobody reads it any more (`parc-cli … | head`).
fn print_line(line: &dyn std::fmt::Display) -> bool {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
}

/// Says no saved segment has that name, and which there are (exit code 4).
fn no_segment(store: &mut Store, name: &str, locale: Locale) -> Result<ExitCode, Error> {
    let known: Vec<String> = store.segments()?.into_iter().map(|s| s.name).collect();
    say(locale, "cli.no_segment", &[("name", name), ("known", &known.join(", "))]);
    Ok(ExitCode::from(4))
}

/// The user a person names: the name or the initials, case ignored. Two users with the same
/// initials must be named in full.
fn find_user<'a>(users: &'a [User], wanted: &str, locale: Locale) -> Result<&'a User, String> {
    let wanted = wanted.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if let Some(u) = users.iter().find(|u| u.data.name.to_lowercase() == wanted) {
        return Ok(u);
    }
    let by_initials: Vec<&User> = users.iter().filter(|u| u.data.initials.to_lowercase() == wanted).collect();
    match by_initials[..] {
        [u] => Ok(u),
        [] => {
            let known: Vec<String> = users.iter().map(|u| format!("{} ({})", u.data.name, u.data.initials)).collect();
            Err(sentence(locale, "cli.no_user", &[("name", &wanted), ("known", &known.join(", "))]))
        }
        _ => Err(sentence(
            locale,
            "cli.ambiguous_initials",
            &[("count", &by_initials.len().to_string()), ("initials", &wanted)],
        )),
    }
}

/// One line of `share`: a segment (or the office) in a year (or all years).
fn share_line(kind: &str, segment: Option<(&String, &String)>, year: Option<i32>, s: &Share) -> serde_json::Value {
    let mut row = serde_json::json!({
        "kind": kind,
        "vehicles": s.vehicles,
        "ours": s.ours,
        "vehicle_pct": s.vehicle_pct,
        "weighed": s.weighed,
        "tonnage_kg": s.tonnage_kg,
        "ours_tonnage_kg": s.ours_tonnage_kg,
        "tonnage_pct": s.tonnage_pct,
    });
    if let Some((category, weight_class)) = segment {
        row["category"] = category.as_str().into();
        row["weight_class"] = weight_class.as_str().into();
    }
    if kind.ends_with("year") {
        row["year"] = year.into();
    }
    row
}

fn kind_arg(text: &str) -> Result<ReportKind, String> {
    ReportKind::parse(text).ok_or_else(|| {
        let kinds: Vec<&str> = ReportKind::ALL.iter().map(|k| k.code()).collect();
        format!("{text:?}: choose one of {}", kinds.join(", "))
    })
}

fn sort_arg(text: &str) -> Result<RadarSort, String> {
    match text {
        "competitors" => Ok(RadarSort::Competitors),
        "volume" => Ok(RadarSort::Volume),
        "date" => Ok(RadarSort::Date),
        _ => Err(format!("{text:?}: choose competitors, volume or date")),
    }
}

/// A `--today` argument: a real day, `YYYY-MM-DD`.
fn day_arg(text: &str) -> Result<String, String> {
    demo::day_or_today(Some(text)).map(|d| d.to_string()).map_err(|_| format!("{text:?} is not a day (YYYY-MM-DD)"))
}

/// Times `f` `runs` times and prints its row count and p50/p95/max in milliseconds.
fn time_it(label: &str, runs: usize, f: impl FnMut(usize) -> Result<usize, Error>) -> Result<(), Error> {
    time_after(label, runs, |_| Ok(()), f)
}

/// As [`time_it`], with `before` run untimed ahead of each run.
fn time_after(
    label: &str,
    runs: usize,
    mut before: impl FnMut(usize) -> Result<(), Error>,
    mut f: impl FnMut(usize) -> Result<usize, Error>,
) -> Result<(), Error> {
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    for run in 0..runs.max(1) {
        before(run)?;
        let t = Instant::now();
        rows = f(run)?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!("{label:<28} {rows:>7} {:>9.2} {:>9.2} {:>9.2}", pct(0.5), pct(0.95), pct(1.0));
    Ok(())
}

/// Prints latency figures, never asserts them: speed is reported, not tested by the clock.
fn bench(db: &Target, customers: usize, runs: usize, only: &[String]) -> Result<(), Error> {
    let part = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    let mut store = Store::connect(db)?;
    let today = demo::day_or_today(None)?;
    let have = store.count_customers()? as usize;
    if have < customers {
        let started = Instant::now();
        let added = demo::load_office(&mut store, customers - have, have as u64 + 1, today, |_, _| {})?;
        println!(
            "made {} demo customers ({} people, {} contacts, {} vehicles in {} fleet lines, {} deals) in {:.1} s",
            added.customers,
            added.people,
            added.contacts,
            added.vehicles,
            added.fleet_lines,
            added.deals,
            started.elapsed().as_secs_f64()
        );
    }
    let sample = CustomerQuery { limit: 1000, ..Default::default() };
    let ids: Vec<i64> = store.search_customers(&sample)?.iter().map(|c| c.id).collect();
    let users = store.users()?;
    let seller = users.iter().find(|u| u.data.active && u.data.role == UserRole::Salesperson);
    if part("search") {
        println!("search over {} customers in {db}, {runs} runs each (limit 100)", store.count_customers()?);
        println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "query", "rows", "p50 ms", "p95 ms", "max ms");
        let queries = [
            "",
            "l",
            "lo",
            "lodz",
            "Łódź",
            "siauliai",
            "milano",
            "trans",
            "trans lodz",
            "上",
            "上海",
            "上海顺达",
            "526",
            "+39 02",
            "info@cargo",
            "rossi trasporti",
            "zzzz-no-match",
            "sp. z o.o.",
        ];
        for q in queries {
            let query = CustomerQuery { text: q.to_string(), ..Default::default() };
            time_it(&format!("{q:?}"), runs, |_| Ok(store.search_customers(&query)?.len()))?;
        }
    }

    // The screens a salesperson opens all day, at this size.
    if part("screens") {
        println!();
        println!("screens as of {today}, {runs} runs each");
        println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "screen", "rows", "p50 ms", "p95 ms", "max ms");
        if !ids.is_empty() {
            // Customer card with its timeline: the card, its people, the first page of contacts.
            let first_page = HistoryFilter::default();
            time_it("customer card + timeline", runs, |run| {
                let id = ids[(run * 7919) % ids.len()];
                let card = store.customer(id)?;
                let people = store.people(card.id)?;
                let contacts = store.contact_history(card.id, &first_page)?;
                Ok(1 + people.len() + contacts.len())
            })?;
        }
        if let Some(seller) = seller {
            let label = format!("agenda ({})", seller.data.initials);
            time_it(&label, runs, |_| {
                let a = store.agenda(Some(seller.id), today)?;
                Ok(a.overdue.len() + a.today.len() + a.upcoming.len() + a.visits.len())
            })?;
            let label = format!("going cold ({}, 60 days)", seller.data.initials);
            time_it(&label, runs, |_| Ok(store.going_cold(Some(seller.id), 60, today, 100)?.len()))?;
        }
        time_it("agenda (everyone)", runs, |_| {
            let a = store.agenda(None, today)?;
            Ok(a.overdue.len() + a.today.len() + a.upcoming.len() + a.visits.len())
        })?;
        time_it("going cold (everyone)", runs, |_| Ok(store.going_cold(None, 60, today, 100)?.len()))?;
    }

    // Segments: the first count reads every customer's facts; each edit of the filter after it
    // recounts them in memory (what "the count updates while typing" costs).
    if part("segments") {
        use parc_core::segment::SegmentFilter;
        println!();
        println!("segments over {} customers, {runs} runs each", store.count_customers()?);
        println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "filter", "rows", "p50 ms", "p95 ms", "max ms");
        let started = Instant::now();
        let all = store.segment_count(SegmentFilter::default(), today)?;
        println!("{:<28} {:>7} {:>9.1}", "first count (reads facts)", all, started.elapsed().as_secs_f64() * 1000.0);
        let filters = [
            ("everyone", SegmentFilter::default()),
            ("country IT", SegmentFilter { countries: vec!["IT".into()], ..Default::default() }),
            (
                "competitors due 12 months",
                SegmentFilter { renewal_months: Some(12), renewal_competitors: true, ..Default::default() },
            ),
            (
                "fleet 10+, competitors 50%+",
                SegmentFilter { fleet_min: Some(10), competitor_share_min: Some(50), ..Default::default() },
            ),
            (
                "silent 90 days, no deal",
                SegmentFilter { silent_days: Some(90), open_deals: Some(false), ..Default::default() },
            ),
            (
                "region \"lomb\", tier A",
                SegmentFilter { region: "lomb".into(), tiers: vec!["A".into()], ..Default::default() },
            ),
        ];
        for (label, filter) in filters {
            time_it(label, runs, |_| store.segment_count(filter.clone(), today))?;
        }
        let due = SegmentFilter { renewal_months: Some(12), renewal_competitors: true, ..Default::default() };
        time_it("figures + first 100 rows", runs, |_| Ok(store.segment_customers(due.clone(), today, 100)?.total))?;
        // After someone edits a card, the facts of that customer alone are read again. One run
        // adds an employee to a card and the next takes them away: the cards end as they were.
        if !ids.is_empty() {
            let runs = runs.div_ceil(2) * 2;
            let mut was = None;
            let mut edit = |store: &mut Store, run: usize| -> Result<(), Error> {
                let card = store.customer(ids[(run / 2 * 7919) % ids.len()])?;
                let mut data = card.data.clone();
                data.employees = if run % 2 == 0 {
                    was = data.employees;
                    Some(data.employees.unwrap_or(0) + 1)
                } else {
                    was
                };
                store.update_customer(card.id, card.version, data).map(|_| ())
            };
            let mut writer = Store::connect(db)?;
            time_after(
                "count after a card edit",
                runs,
                |run| edit(&mut writer, run),
                |_| store.segment_count(due.clone(), today),
            )?;
        }
        // What reads the tiers and contacts: the contact plans (everyone's and one salesperson's).
        time_it("contact plans (everyone)", runs, |_| Ok(store.plan_status(None, today, 200)?.behind_total))?;
        if let Some(seller) = seller {
            let label = format!("contact plans ({})", seller.data.initials);
            time_it(&label, runs, |_| Ok(store.plan_status(Some(seller.id), today, 200)?.behind_total))?;
            let label = format!("campaign calls ({})", seller.data.initials);
            time_it(&label, runs, |_| Ok(store.campaign_actions(Some(seller.id), today)?.len()))?;
        }
    }

    // Fleets: the card's fleet tab, the renewal radar and the office's market share.
    if part("fleets") {
        let vehicles = store.market_share()?.total.vehicles;
        println!();
        println!("fleets: {vehicles} vehicles of active customers, {runs} runs each");
        println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "query", "rows", "p50 ms", "p95 ms", "max ms");
        if !ids.is_empty() {
            time_it("customer fleet + share", runs, |run| Ok(store.fleet(ids[(run * 7919) % ids.len()])?.lines.len()))?;
        }
        for months in [3, 12] {
            let query = RadarQuery { months, ..Default::default() };
            time_it(&format!("renewal radar ({months} months)"), runs, |_| {
                Ok(store.renewal_radar(&query, today)?.customer_count)
            })?;
        }
        if let Some(seller) = seller {
            let query = RadarQuery { owner_id: Some(seller.id), ..Default::default() };
            time_it(&format!("renewal radar ({}, 12 mo)", seller.data.initials), runs, |_| {
                Ok(store.renewal_radar(&query, today)?.customer_count)
            })?;
        }
        time_it("market share (QM)", runs, |_| Ok(store.market_share()?.segments.len()))?;
    }

    // The manager's funnel: stages, conversion, days per stage, the three forecasts.
    if part("funnel") {
        let counts = store.check()?.counts;
        println!();
        println!(
            "funnel over {} deals with {} stage moves, {runs} runs each",
            counts.get("deal").copied().unwrap_or(0),
            counts.get("deal_move").copied().unwrap_or(0)
        );
        println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "view", "rows", "p50 ms", "p95 ms", "max ms");
        let everyone = FunnelQuery::default();
        time_it("funnel + forecasts", runs, |_| Ok(store.funnel(&everyone, today)?.stages.len()))?;
        let months = FunnelQuery {
            from: Some((today - parc_core::chrono::Days::new(90)).to_string()),
            to: Some(today.to_string()),
            ..Default::default()
        };
        time_it("funnel, last 90 days", runs, |_| Ok(store.funnel(&months, today)?.stages.len()))?;
        if let Some(seller) = seller {
            let mine = FunnelQuery { owner_id: Some(seller.id), ..Default::default() };
            time_it(&format!("funnel ({})", seller.data.initials), runs, |_| {
                Ok(store.funnel(&mine, today)?.stages.len())
            })?;
            time_it(&format!("board ({})", seller.data.initials), runs, |_| {
                Ok(store.board(Some(seller.id), None, today)?.columns.iter().map(|c| c.deals.len()).sum())
            })?;
        }
        time_it("board (everyone)", runs, |_| {
            Ok(store.board(None, None, today)?.columns.iter().map(|c| c.deals.len()).sum())
        })?;
        time_it("stalled deals (everyone)", runs, |_| Ok(store.stalled_deals(None, today, 200)?.len()))?;
        time_it("lead funnel", runs, |_| Ok(store.lead_funnel(&everyone)?.len()))?;
        time_it("forecast accuracy (6 months)", runs, |_| Ok(store.forecast_accuracy(None, None, 6, today)?.len()))?;
    }

    // The manager's reports, over the default period (this month and the two before) and over
    // the last twelve months; the pyramid's ranking is a write (monthly, or when the manager
    // changes its settings), timed apart.
    if part("reports") {
        let locale = parc_core::i18n::Locale::En;
        if !store.has_ranking()? {
            let settings = store.pyramid_settings()?;
            store.rank_as_of(settings, today)?;
        }
        let year =
            ReportQuery { from: Some((today - parc_core::chrono::Days::new(364)).to_string()), ..Default::default() };
        let sample = ids.first().copied();
        // Reports kept to a segment: a large one a campaign would take, a smaller one (read by
        // customer), and the worst case, everyone.
        use parc_core::segment::{SegmentData, SegmentFilter};
        let mut scoped = Vec::new();
        for (name, filter) in [
            (
                "bench: competitors due 12 months",
                SegmentFilter { renewal_months: Some(12), renewal_competitors: true, ..Default::default() },
            ),
            (
                "bench: region \"lomb\", tier A",
                SegmentFilter { region: "lomb".into(), tiers: vec!["A".into()], ..Default::default() },
            ),
            ("bench: everyone", SegmentFilter::default()),
        ] {
            let segment = match store.segment_named(name)? {
                Some(s) => s,
                None => store.create_segment(SegmentData { name: name.into(), filter })?,
            };
            let count = store.segment_ids(segment.filter.clone(), today)?.len();
            let label = format!("12 months, segment {:?} ({count} customers)", name.trim_start_matches("bench: "));
            scoped.push((label, ReportQuery { segment_id: Some(segment.id), ..year.clone() }));
        }
        let periods = [("3 months".to_string(), ReportQuery::default()), ("12 months".to_string(), year)];
        for (label, base) in periods.into_iter().chain(scoped) {
            println!();
            println!("reports over {label}, {runs} runs each");
            println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "report", "rows", "p50 ms", "p95 ms", "max ms");
            for kind in ReportKind::ALL {
                let query = ReportQuery { customer_id: sample, ..base.clone() };
                time_it(kind.code(), runs, |_| Ok(store.report(kind, &query, today, locale)?.table.rows.len()))?;
            }
        }
        let settings = store.pyramid_settings()?;
        time_it("pyramid ranking (write)", runs.min(5), |_| {
            Ok(store.rank_as_of(settings.clone(), today)?.tiers.iter().map(|t| t.customers as usize).sum())
        })?;
    }

    if part("offers") {
        // Offers: the list (newest revision of each number), a search, a customer's offers.
        println!();
        println!("offers: {} revisions, {runs} runs each", store.check()?.counts.get("offer").copied().unwrap_or(0));
        println!("{:<28} {:>7} {:>9} {:>9} {:>9}", "view", "rows", "p50 ms", "p95 ms", "max ms");
        let newest = OfferQuery::default();
        time_it("offers list (newest 200)", runs, |_| Ok(store.offers(&newest)?.len()))?;
        let sent = OfferQuery { status: Some(OfferStatus::Sent), ..Default::default() };
        time_it("offers list (sent)", runs, |_| Ok(store.offers(&sent)?.len()))?;
        let named = OfferQuery { text: "trans".into(), ..Default::default() };
        time_it("offers search (\"trans\")", runs, |_| Ok(store.offers(&named)?.len()))?;
        if !ids.is_empty() {
            time_it("a customer's offers", runs, |run| {
                let query = OfferQuery { customer_id: Some(ids[(run * 7919) % ids.len()]), ..Default::default() };
                Ok(store.offers(&query)?.len())
            })?;
        }
    }
    if part("pdf") {
        println!();
        pdf_bench::run(runs)?;
    }
    if part("exchange") {
        bench_exchange(db, &mut store)?;
    }
    if part("import") {
        println!();
        import_bench::run(db, customers)?;
    }
    Ok(())
}

/// The CSV exchange at this size: every contact exported (compared with `sqlite3 -csv` on the
/// same query, when the database is a file and sqlite3 is installed), then every customer
/// exported and imported into an empty office, and imported again here (nothing changes).
fn bench_exchange(db: &Target, store: &mut Store) -> Result<(), Error> {
    let dir = tempdir()?;
    let rate = |rows: u64, seconds: f64| rows as f64 / seconds.max(1e-9);
    println!();
    println!("CSV exchange");
    let contacts = dir.join("contacts.csv");
    let started = Instant::now();
    let report = store.export_csv("contacts", &contacts, true, &mut |_| {})?;
    let ours = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&contacts)?.len();
    println!(
        "export contacts (full)       {:>9} rows in {ours:.1} s: {:.0} rows/s, {:.0} MB",
        report.rows,
        rate(report.rows, ours),
        size as f64 / 1e6
    );
    match (db, which("sqlite3")) {
        (Target::File(file), Some(sqlite3)) => {
            // The shipped profile's columns, read by the same joins.
            let sql = "SELECT k.id, c.erp_code, c.name, k.happened_at, k.kind, k.duration_min, u.initials, k.agreed,
                k.next_action, k.next_due, n.initials, k.next_done_at FROM contact k JOIN customer c ON c.id = k.customer_id
                LEFT JOIN app_user u ON u.id = k.user_id LEFT JOIN app_user n ON n.id = k.next_user_id ORDER BY k.id";
            let out = std::fs::File::create(dir.join("sqlite3.csv"))?;
            let started = Instant::now();
            let status = std::process::Command::new(sqlite3).arg("-csv").arg(file).arg(sql).stdout(out).status()?;
            let theirs = started.elapsed().as_secs_f64();
            if status.success() {
                println!(
                    "sqlite3 -csv, same query     {:>9} s: parc-cli takes {:.2}x as long",
                    format!("{theirs:.1}"),
                    ours / theirs.max(1e-9)
                );
            }
        }
        (Target::File(_), None) => println!("sqlite3 is not installed: no comparison with sqlite3 -csv"),
        (Target::Postgres(_), _) => println!("a server's database: no comparison with sqlite3 -csv"),
    }
    let customers = dir.join("customers.csv");
    let report = store.export_csv("customers", &customers, true, &mut |_| {})?;
    let bytes = std::fs::read(&customers)?;
    let settings = store.exchange_profile(Kind::Import, "customers")?.data.settings;
    let options = ImportOptions::new(Entity::Customers, settings);
    let mut empty = Store::open(dir.join("empty.sqlite3"))?;
    for u in store.users()? {
        empty.create_user(u.data)?;
    }
    let started = Instant::now();
    let made = import::commit(&mut empty, &bytes, &options, Default::default(), None, None, &mut |_| {})?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "import customers (empty)     {:>9} rows in {seconds:.1} s: {:.0} rows/s ({} customers, {} people)",
        report.rows,
        rate(report.rows, seconds),
        made.customers_created,
        made.people_created
    );
    let started = Instant::now();
    let again = import::commit(store, &bytes, &options, Default::default(), None, None, &mut |_| {})?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "import customers (again)     {:>9} rows in {seconds:.1} s: {:.0} rows/s ({} unchanged)",
        report.rows,
        rate(report.rows, seconds),
        again.check.unchanged
    );
    drop(empty);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// A program on the PATH.
fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()))
}

/// Writes `bytes` to `path` under a temporary name first, so a reader never sees half a file.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
