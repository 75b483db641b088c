//! `bench`: latency figures on a demo office of N customers, printed and never asserted (speed
//! is reported, not tested by the clock). This file makes the office and runs the parts asked
//! for: `queries.rs` times what a person waits for (search, screens, segments, fleets, funnel,
//! reports, offers), `pdf.rs` the printed offer, `exchange.rs` the CSV exchange and `import.rs`
//! an import into an empty office.

mod exchange;
mod import;
mod pdf;
mod queries;

use std::time::Instant;

use parc_core::chrono::NaiveDate;
use parc_core::customer::CustomerQuery;
use parc_core::office::{User, UserRole};
use parc_core::storage::Target;
use parc_core::{host::demo, Error, Store};

use crate::exit::Outcome;
use crate::station::Station;

// For the parts' files, which take them from here.
use crate::files::{tempdir, which};

/// Measures search, customer card, agenda, "going cold", renewal radar, market share,
/// funnel and forecast latency on a demo database of N customers, about one deal each
/// (made if it has fewer), then the time to print a two-page offer in each language.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 100_000)]
    pub customers: usize,
    /// Timed runs of each query.
    #[arg(long, default_value_t = 20)]
    pub runs: usize,
    /// Only the printed offer's figures (ms per PDF, and headless Chromium's for
    /// comparison when it is installed): no database is made.
    #[arg(long)]
    pub pdf_only: bool,
    /// Only these parts, comma-separated: search, screens, segments, fleets, funnel, reports, offers,
    /// pdf, exchange, import (`--only import` alone makes no demo database: it imports N
    /// customers into an empty office of its own, a file or a schema on the --db server).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
}

/// The parts a person asked for: the printed offer alone, the import alone (it makes its own
/// offices, no demo database), or the queries with every part after them.
pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { customers, runs, pdf_only, only } = args;
    if pdf_only {
        pdf::run(runs)?;
    } else if only == ["import"] {
        import::run(&station.db, customers)?;
    } else {
        bench(&station.db, customers, runs, &only)?;
    }
    Ok(())
}

/// What the query parts read besides the store: a thousand customers to open, a salesperson,
/// the day, and how many timed runs.
#[derive(Clone, Copy)]
struct Sample<'a> {
    db: &'a Target,
    ids: &'a [i64],
    seller: Option<&'a User>,
    today: NaiveDate,
    runs: usize,
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
    let today = crate::args::today();
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
    let sample = Sample { db, ids: &ids, seller, today, runs };
    if part("search") {
        queries::search(&mut store, sample)?;
    }
    if part("screens") {
        queries::screens(&mut store, sample)?;
    }
    if part("segments") {
        queries::segments(&mut store, sample)?;
    }
    if part("fleets") {
        queries::fleets(&mut store, sample)?;
    }
    if part("funnel") {
        queries::funnel(&mut store, sample)?;
    }
    if part("reports") {
        queries::reports(&mut store, sample)?;
    }
    if part("offers") {
        queries::offers(&mut store, sample)?;
    }
    if part("pdf") {
        println!();
        pdf::run(runs)?;
    }
    if part("exchange") {
        exchange::run(db, &mut store)?;
    }
    if part("import") {
        println!();
        import::run(db, customers)?;
    }
    Ok(())
}
