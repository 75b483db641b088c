//! `parc-cli`: Parc without a window, for scripts, support and benchmarks.
//! Every command works on the same database file as the app (`--db` or `PARC_DB`).
//! Output is JSON so scripts can read it; errors go to stderr with a non-zero exit code.

use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use parc_core::storage::{copy_store, CustomerQuery, Target};
use parc_core::workstation::{self, WorkstationSettings};
use parc_core::{demo, Error, Store};

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
    /// Adds a reproducible demo data set of N customers.
    Demo {
        #[arg(long)]
        customers: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
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
    /// Measures search latency on a demo database of N customers (made if it has fewer).
    Bench {
        #[arg(long, default_value_t = 100_000)]
        customers: usize,
        /// Timed runs of each query.
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = WorkstationSettings::load(&workstation::settings_path());
    let db = workstation::resolve_target(cli.db, &settings);
    match run(cli.command, db) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("parc-cli: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command, db: Target) -> Result<ExitCode, Error> {
    match command {
        Command::Demo { customers, seed } => {
            let mut store = Store::connect(&db)?;
            let started = Instant::now();
            let added = demo::load(&mut store, customers, seed, |done, total| {
                eprint!("\r{done}/{total} customers");
            })?;
            eprintln!();
            let out = serde_json::json!({
                "added": { "customers": added },
                "seconds": started.elapsed().as_secs_f64(),
                "db": db.to_string(),
            });
            println!("{out}");
        }
        Command::Check => {
            let mut store = Store::connect(&db)?;
            let report = store.check()?;
            println!("{}", serde_json::to_string(&report).expect("report serialises"));
            if report.integrity != "ok" {
                eprintln!("parc-cli: integrity check failed: {}", report.integrity);
                return Ok(ExitCode::from(1));
            }
        }
        Command::Search { text, limit, archived } => {
            let mut store = Store::connect(&db)?;
            let query = CustomerQuery { text, include_archived: archived, limit, ..Default::default() };
            for row in store.search_customers(&query)? {
                println!("{}", serde_json::to_string(&row).expect("row serialises"));
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
        Command::Bench { customers, runs } => bench(&db, customers, runs)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints latency figures, never asserts them: speed is reported, not tested by the clock.
fn bench(db: &Target, customers: usize, runs: usize) -> Result<(), Error> {
    let mut store = Store::connect(db)?;
    let have = store.count_customers()? as usize;
    if have < customers {
        let started = Instant::now();
        demo::load(&mut store, customers - have, have as u64 + 1, |_, _| {})?;
        println!("made {} demo customers in {:.1} s", customers - have, started.elapsed().as_secs_f64());
    }
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
        let mut times = Vec::with_capacity(runs);
        let mut rows = 0;
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            rows = store.search_customers(&query)?.len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        println!("{:<28} {rows:>7} {:>9.2} {:>9.2} {:>9.2}", format!("{q:?}"), pct(0.5), pct(0.95), pct(1.0));
    }
    Ok(())
}
