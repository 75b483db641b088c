//! `bench`: latency figures on a demo office of N customers, printed and never asserted (speed
//! is reported, not tested by the clock). This file makes the office and times the queries a
//! person waits for; `exchange.rs` times the CSV exchange, `pdf.rs` the printed offer and
//! `import.rs` an import into an empty office.

mod exchange;
mod import;
mod pdf;

use std::time::Instant;

use parc_core::contact::HistoryFilter;
use parc_core::funnel::FunnelQuery;
use parc_core::offer::{OfferQuery, OfferStatus};
use parc_core::report::{ReportKind, ReportQuery};
use parc_core::share::RadarQuery;
use parc_core::storage::{CustomerQuery, Target};
use parc_core::user::UserRole;
use parc_core::{demo, Error, Store};

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
