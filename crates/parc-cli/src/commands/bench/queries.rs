//! The queries a person waits for, one function per part of `bench`, each printing a table
//! of p50/p95/max milliseconds.

use std::time::Instant;

use parc_core::contact::HistoryFilter;
use parc_core::customer::CustomerQuery;
use parc_core::fleet::share::RadarQuery;
use parc_core::funnel::FunnelQuery;
use parc_core::offer::{OfferQuery, OfferStatus};
use parc_core::report::{ReportKind, ReportQuery};
use parc_core::{Error, Store};

use super::{time_after, time_it, Sample};

/// Search over the customers: one-character, Chinese, phone, e-mail and no-match queries.
pub(super) fn search(store: &mut Store, sample: Sample) -> Result<(), Error> {
    let Sample { db, runs, .. } = sample;
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
    Ok(())
}

/// The screens a salesperson opens all day, at this size.
pub(super) fn screens(store: &mut Store, sample: Sample) -> Result<(), Error> {
    let Sample { ids, seller, today, runs, .. } = sample;
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
    Ok(())
}

/// Segments: the first count reads every customer's facts; each edit of the filter after it
/// recounts them in memory (what "the count updates while typing" costs).
pub(super) fn segments(store: &mut Store, sample: Sample) -> Result<(), Error> {
    let Sample { db, ids, seller, today, runs } = sample;
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
    Ok(())
}

/// Fleets: the card's fleet tab, the renewal radar and the office's market share.
pub(super) fn fleets(store: &mut Store, sample: Sample) -> Result<(), Error> {
    let Sample { ids, seller, today, runs, .. } = sample;
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
    Ok(())
}

/// The manager's funnel: stages, conversion, days per stage, the three forecasts.
pub(super) fn funnel(store: &mut Store, sample: Sample) -> Result<(), Error> {
    let Sample { seller, today, runs, .. } = sample;
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
        time_it(&format!("funnel ({})", seller.data.initials), runs, |_| Ok(store.funnel(&mine, today)?.stages.len()))?;
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
    Ok(())
}

/// The manager's reports, over the default period (this month and the two before) and over
/// the last twelve months; the pyramid's ranking is a write (monthly, or when the manager
/// changes its settings), timed apart.
pub(super) fn reports(store: &mut Store, sample: Sample) -> Result<(), Error> {
    let Sample { ids, today, runs, .. } = sample;
    let locale = parc_core::ground::i18n::Locale::En;
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
    Ok(())
}

/// Offers: the list (newest revision of each number), a search, a customer's offers.
pub(super) fn offers(store: &mut Store, sample: Sample) -> Result<(), Error> {
    let Sample { ids, runs, .. } = sample;
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
    Ok(())
}
