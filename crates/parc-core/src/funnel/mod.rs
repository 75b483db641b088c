//! The funnel's arithmetic: counts and values per stage, conversion, days per stage and the
//! three forecasts, computed from small groups the store aggregates (one row per stage and
//! history, or per stage, owner and month), never from every deal one by one: the manager's
//! screen must answer at once over a hundred thousand deals.
//!
//! # Which deals a funnel counts
//! A [`FunnelQuery`] names an owner (or everyone), a currency (amounts in different
//! currencies are never added up) and optionally a period `from..=to` in whole months (the
//! months of `from` and `to`, inclusive). Within it, an **open** deal counts when its expected
//! close date falls in the period, a **won, lost or postponed** deal when it was closed in the
//! period. Without a period every deal counts, and open deals without an expected close date
//! too.
//!
//! The store keeps running totals of deals per currency, owner, stage, stages reached, month
//! and commit mark (`deal_tally`), updated with every write of a deal, so a funnel reads a few
//! thousand rows whatever the number of deals.
//!
//! # Conversion and days per stage
//! A deal has *reached* a stage when it entered it or any later one (a deal moved straight
//! from the first stage to the third has passed the second). Of the deals that reached a
//! stage and are no longer sitting in it for the first time (they moved on, or were lost or
//! postponed from it, or won), the **conversion** is the share that reached the next stage.
//! The **average days** in a stage is over every time a deal left it during the period (any
//! time, without one), from entering to leaving, retired stages included.
//!
//! # The three forecasts
//! Each is over open deals whose expected close date falls in the month (an open deal whose
//! date has passed counts in the current month: it is late, not gone; one without a date is in
//! no forecast):
//! - **Pipeline**: every such open deal.
//! - **Best case**: those in a stage of [`BEST_CASE_FROM`] (50%) probability or more, plus the
//!   deals their owner marked *commit*.
//! - **Commit**: those in a stage of [`COMMIT_FROM`] (75%) or more, plus the deals marked
//!   *commit*.
//!
//! So commit ⊆ best case ⊆ pipeline. Each is given **raw** (the sum of the deals' values) and
//! **weighted** (the sum of value × stage probability, rounded once to a minor unit). Deals
//! already won in the month are shown beside them, not inside them.

pub(crate) mod rows;
mod store;
#[cfg(test)]
pub(crate) mod testing;

pub use store::{Board, BoardColumn, DealView, Funnel};

pub mod deal;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::funnel::deal::{StageKind, StageSettings, BEST_CASE_FROM, COMMIT_FROM};

/// Which deals a funnel or forecast is about; see the module documentation.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FunnelQuery {
    pub owner_id: Option<i64>,
    /// `YYYY-MM-DD`, both inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Default: the currency with the most open deals.
    pub currency: Option<String>,
}

/// Deals now in `stage_id` that reached the same stages, as the store counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachGroup {
    pub stage_id: i64,
    pub reached: Vec<i64>,
    pub deals: i64,
    pub value: i64,
}

/// Deals now in `stage_id` of one owner, closing (or, when won, closed) in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastGroup {
    pub stage_id: i64,
    pub owner_id: Option<i64>,
    /// `YYYY-MM`; `None` for an open deal without an expected close date.
    pub month: Option<String>,
    pub commit: bool,
    pub deals: i64,
    pub value: i64,
}

/// How many times deals left `stage_id`, and how long they had been in it altogether.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayGroup {
    pub stage_id: i64,
    pub stays: i64,
    pub seconds: i64,
}

/// A count of deals with their raw and probability-weighted value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    pub deals: i64,
    pub raw: i64,
    pub weighted: i64,
}

/// Sums exactly: weighted values are added as value × percent and rounded once at the end.
#[derive(Debug, Clone, Copy, Default)]
struct Sum {
    deals: i64,
    raw: i128,
    percent: i128,
}

impl Sum {
    fn add(&mut self, deals: i64, value: i64, probability: i64) {
        self.deals += deals;
        self.raw += i128::from(value);
        self.percent += i128::from(value) * i128::from(probability);
    }

    fn amounts(self) -> Amounts {
        Amounts { deals: self.deals, raw: self.raw as i64, weighted: ((self.percent + 50) / 100) as i64 }
    }
}

/// One stage of the funnel chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageFigures {
    pub stage_id: i64,
    pub kind: StageKind,
    pub retired: bool,
    pub probability: i64,
    /// Deals now in the stage: count, value, value × probability.
    pub now: Amounts,
    /// Deals that reached the stage (or a later one).
    pub reached: i64,
    /// Of those, the ones no longer sitting in it for the first time.
    pub left: i64,
    /// Of those, the ones that reached the next stage.
    pub advanced: i64,
    /// `advanced / left`; `None` when nothing left the stage yet (and for closed stages).
    pub conversion: Option<f64>,
    /// Average days a deal spent in the stage before leaving it, to a tenth.
    pub avg_days: Option<f64>,
}

/// The funnel per stage, in ladder order (open stages, won), then lost and postponed.
pub fn stage_figures(process: &StageSettings, reach: &[ReachGroup], stays: &[StayGroup]) -> Vec<StageFigures> {
    let ladder: Vec<i64> = process.ladder().map(|s| s.id).collect();
    let top = |g: &ReachGroup| g.reached.iter().filter_map(|id| ladder.iter().position(|l| l == id)).max();
    let reached_at =
        |p: usize| -> i64 { reach.iter().filter(|g| top(g).is_some_and(|t| t >= p)).map(|g| g.deals).sum() };
    let order = ladder
        .iter()
        .copied()
        .chain([StageKind::Lost, StageKind::Postponed].into_iter().map(|k| process.of_kind(k).id));
    order
        .map(|id| {
            let stage = process.stage(id).expect("ladder stages exist");
            let mut now = Sum::default();
            for g in reach.iter().filter(|g| g.stage_id == id) {
                now.add(g.deals, g.value, stage.probability);
            }
            let (mut reached, mut left, mut advanced, mut conversion) = (0, 0, 0, None);
            if let Some(p) = ladder.iter().position(|&l| l == id) {
                reached = reached_at(p);
                if stage.kind == StageKind::Open {
                    let sitting: i64 =
                        reach.iter().filter(|g| g.stage_id == id && top(g) == Some(p)).map(|g| g.deals).sum();
                    left = reached - sitting;
                    advanced = reached_at(p + 1);
                    conversion = (left > 0).then(|| round(advanced as f64 / left as f64, 1000.0));
                }
            }
            let avg_days = stays
                .iter()
                .filter(|s| s.stage_id == id && s.stays > 0)
                .map(|s| round(s.seconds as f64 / s.stays as f64 / 86_400.0, 10.0))
                .next();
            StageFigures {
                stage_id: id,
                kind: stage.kind,
                retired: stage.retired,
                probability: stage.probability,
                now: now.amounts(),
                reached,
                left,
                advanced,
                conversion,
                avg_days,
            }
        })
        .collect()
}

fn round(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

/// The three forecasts (and what was won) for one month, one owner, or everything shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastRow {
    /// `YYYY-MM` for a month's row.
    pub month: Option<String>,
    /// The owner of an owner's row (`None` there: deals without an owner).
    pub owner_id: Option<i64>,
    pub commit: Amounts,
    pub best_case: Amounts,
    pub pipeline: Amounts,
    /// Won in the month (raw = weighted).
    pub won: Amounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forecast {
    pub months: Vec<ForecastRow>,
    /// Per owner, over all the months shown.
    pub owners: Vec<ForecastRow>,
    pub total: ForecastRow,
}

#[derive(Default, Clone, Copy)]
struct RowSum {
    commit: Sum,
    best: Sum,
    pipeline: Sum,
    won: Sum,
}

impl RowSum {
    fn row(self, month: Option<String>, owner_id: Option<i64>) -> ForecastRow {
        ForecastRow {
            month,
            owner_id,
            commit: self.commit.amounts(),
            best_case: self.best.amounts(),
            pipeline: self.pipeline.amounts(),
            won: self.won.amounts(),
        }
    }
}

/// The forecasts for `months` (`YYYY-MM`, ascending) as of `current_month`; see the module
/// documentation for the definitions.
pub fn forecast(process: &StageSettings, groups: &[ForecastGroup], months: &[String], current_month: &str) -> Forecast {
    let mut by_month: BTreeMap<&str, RowSum> = months.iter().map(|m| (m.as_str(), RowSum::default())).collect();
    let mut by_owner: BTreeMap<Option<i64>, RowSum> = BTreeMap::new();
    let mut total = RowSum::default();
    for g in groups {
        let Some(stage) = process.stage(g.stage_id) else { continue };
        let Some(month) = g.month.as_deref() else { continue };
        let month = match stage.kind {
            StageKind::Open if month < current_month => current_month,
            StageKind::Open | StageKind::Won => month,
            StageKind::Lost | StageKind::Postponed => continue,
        };
        let Some(row) = by_month.get_mut(month) else { continue };
        let owner = by_owner.entry(g.owner_id).or_default();
        for r in [row, owner, &mut total] {
            if stage.kind == StageKind::Won {
                r.won.add(g.deals, g.value, 100);
                continue;
            }
            let p = stage.probability;
            r.pipeline.add(g.deals, g.value, p);
            if p >= BEST_CASE_FROM || g.commit {
                r.best.add(g.deals, g.value, p);
            }
            if p >= COMMIT_FROM || g.commit {
                r.commit.add(g.deals, g.value, p);
            }
        }
    }
    Forecast {
        months: by_month.into_iter().map(|(m, s)| s.row(Some(m.to_string()), None)).collect(),
        owners: by_owner.into_iter().map(|(o, s)| s.row(None, o)).collect(),
        total: total.row(None, None),
    }
}

/// `YYYY-MM` of a day.
pub fn month_of(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// The last day of the month before the one `day` is in.
pub fn previous_month_end(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("day 1 exists") - chrono::Days::new(1)
}

/// The months from `from`'s to `to`'s, `YYYY-MM`, at most 36.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = from.with_day(1).expect("day 1 exists");
    while d <= to && out.len() < 36 {
        out.push(month_of(d));
        d = d + chrono::Months::new(1);
    }
    out
}

/// The forecast for `month` as it stood at the month end `as_of`, for one owner (`None`:
/// everyone) in one currency: kept to be compared with what was then won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastSnapshot {
    /// `YYYY-MM-DD`, a month's last day.
    pub as_of: String,
    /// `YYYY-MM`.
    pub month: String,
    pub owner_id: Option<i64>,
    pub currency: String,
    pub commit: Amounts,
    pub best_case: Amounts,
    pub pipeline: Amounts,
    pub taken_at: String,
}

/// A month's forecast taken at the end of the month before, beside what was won in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accuracy {
    pub month: String,
    pub owner_id: Option<i64>,
    pub as_of: String,
    pub commit: Amounts,
    pub best_case: Amounts,
    pub pipeline: Amounts,
    /// Won in the month so far (the current month is not over).
    pub won: Amounts,
}

/// Leads of one source, counted the way the lead funnel shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadFigures {
    pub source: String,
    /// Received in the period.
    pub new: i64,
    /// Of those, the ones whose customer was contacted on or after the day the lead came in.
    pub contacted: i64,
    /// Qualified into a deal.
    pub qualified: i64,
    /// Whose deal is won.
    pub won: i64,
    pub disqualified: i64,
}

/// Leads of one source and status, contacted or not, won or not: as the store counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadGroup {
    pub source: String,
    pub status: crate::funnel::deal::LeadStatus,
    pub contacted: bool,
    pub won: bool,
    pub leads: i64,
}

/// The lead funnel per source, in the order of the office's `sources`: every source in use,
/// with or without leads; retired sources (and codes no longer in the list) only with leads.
pub fn lead_figures(sources: &[crate::funnel::deal::Reason], groups: &[LeadGroup]) -> Vec<LeadFigures> {
    use crate::funnel::deal::LeadStatus;
    let mut out: Vec<LeadFigures> =
        sources.iter().map(|s| LeadFigures { source: s.code.clone(), ..Default::default() }).collect();
    for g in groups {
        let i = match out.iter().position(|f| f.source == g.source) {
            Some(i) => i,
            None => {
                out.push(LeadFigures { source: g.source.clone(), ..Default::default() });
                out.len() - 1
            }
        };
        let f = &mut out[i];
        f.new += g.leads;
        // A qualified lead was contacted, whatever the dates say.
        if g.contacted || g.status == LeadStatus::Qualified {
            f.contacted += g.leads;
        }
        match g.status {
            LeadStatus::Qualified => f.qualified += g.leads,
            LeadStatus::Disqualified => f.disqualified += g.leads,
            LeadStatus::Open => {}
        }
        if g.won {
            f.won += g.leads;
        }
    }
    out.retain(|f| f.new > 0 || sources.iter().any(|s| s.code == f.source && !s.retired));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process() -> StageSettings {
        // Target 10, Qualified 25, Shortlisted 50, Negotiation 75, Near win 90, Won (6),
        // Lost (7), Postponed (8).
        StageSettings::default_process()
    }

    fn reach(stage_id: i64, reached: &[i64], deals: i64, value: i64) -> ReachGroup {
        ReachGroup { stage_id, reached: reached.to_vec(), deals, value }
    }

    #[test]
    fn counts_values_and_conversion_per_stage_by_hand() {
        // Ten deals:
        //  3 sitting in Target (1), 100 each;
        //  2 in Qualified (2) having come from Target, 200 each;
        //  1 in Shortlisted (3) that jumped from Target, 1,000;
        //  1 lost from Qualified (reached 1, 2), 500;
        //  2 won having passed 1..5 (one skipped 4), 3,000 each;
        //  1 back in Target after reaching Qualified, 100.
        let groups = [
            reach(1, &[1], 3, 300),
            reach(2, &[1, 2], 2, 400),
            reach(3, &[1, 3], 1, 1_000),
            reach(7, &[1, 2], 1, 500),
            reach(6, &[1, 2, 3, 5, 6], 1, 3_000),
            reach(6, &[1, 2, 3, 4, 5, 6], 1, 3_000),
            reach(1, &[1, 2], 1, 100),
        ];
        let stays = [StayGroup { stage_id: 1, stays: 4, seconds: 4 * 86_400 * 10 + 86_400 }];
        let f = stage_figures(&process(), &groups, &stays);
        let ids: Vec<i64> = f.iter().map(|s| s.stage_id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7, 8]);
        let target = &f[0];
        assert_eq!(target.now, Amounts { deals: 4, raw: 400, weighted: 40 });
        // Everyone reached Target; the 3 first-timers sitting there have not left it.
        assert_eq!((target.reached, target.left, target.advanced), (10, 7, 7));
        assert_eq!(target.conversion, Some(1.0));
        assert_eq!(target.avg_days, Some(10.3), "41 days over 4 stays");
        let qualified = &f[1];
        // Reached Qualified or later: 2 + 1 (jumped) + 1 lost + 2 won + 1 back = 7; the two
        // sitting there for the first time have not left; 1 (jumped) + 2 (won) went further.
        assert_eq!((qualified.reached, qualified.left, qualified.advanced), (7, 5, 3));
        assert_eq!(qualified.conversion, Some(0.6));
        assert_eq!(qualified.now, Amounts { deals: 2, raw: 400, weighted: 100 });
        let shortlisted = &f[2];
        assert_eq!((shortlisted.reached, shortlisted.left, shortlisted.advanced), (3, 2, 2));
        let negotiation = &f[3];
        assert_eq!(
            (negotiation.reached, negotiation.left, negotiation.advanced),
            (2, 2, 2),
            "skipping counts as passing"
        );
        let won = &f[5];
        assert_eq!((won.now.deals, won.now.raw, won.now.weighted, won.reached), (2, 6_000, 6_000, 2));
        assert_eq!(won.conversion, None);
        let lost = &f[6];
        assert_eq!((lost.now.deals, lost.now.raw, lost.now.weighted), (1, 500, 0));
        assert_eq!(f[7].now, Amounts::default());
    }

    fn fg(stage_id: i64, owner: i64, month: Option<&str>, commit: bool, deals: i64, value: i64) -> ForecastGroup {
        ForecastGroup { stage_id, owner_id: Some(owner), month: month.map(str::to_string), commit, deals, value }
    }

    #[test]
    fn the_three_forecasts_by_hand() {
        let months = vec!["2026-11".to_string(), "2026-12".to_string()];
        let groups = [
            // Owner 1, November: Target 1,000 (10%), Shortlisted 2,000 (50%), Negotiation
            // 3,000 (75%), Target marked commit 500.
            fg(1, 1, Some("2026-11"), false, 1, 1_000),
            fg(3, 1, Some("2026-11"), false, 1, 2_000),
            fg(4, 1, Some("2026-11"), false, 1, 3_000),
            fg(1, 1, Some("2026-11"), true, 1, 500),
            // Owner 2: Near win 10,001 in December; Qualified 333 late since October (counts
            // in November); a deal with no date; won 7,000 in November; lost in December.
            fg(5, 2, Some("2026-12"), false, 1, 10_001),
            fg(2, 2, Some("2026-10"), false, 1, 333),
            fg(2, 2, None, false, 1, 9_999),
            fg(6, 2, Some("2026-11"), false, 1, 7_000),
            fg(7, 2, Some("2026-12"), false, 1, 4_000),
            // Beyond the months shown.
            fg(5, 1, Some("2027-01"), false, 1, 50_000),
        ];
        let f = forecast(&process(), &groups, &months, "2026-11");
        let nov = &f.months[0];
        assert_eq!(nov.month.as_deref(), Some("2026-11"));
        // Pipeline: 1,000 + 2,000 + 3,000 + 500 + 333 = 6,833;
        // weighted: 100 + 1,000 + 2,250 + 50 + 83.25 = 3,483.25 → 3,483.
        assert_eq!(nov.pipeline, Amounts { deals: 5, raw: 6_833, weighted: 3_483 });
        // Best case: Shortlisted, Negotiation and the commit-marked one: 5,500; 1,000 + 2,250 + 50.
        assert_eq!(nov.best_case, Amounts { deals: 3, raw: 5_500, weighted: 3_300 });
        // Commit: Negotiation and the commit-marked one: 3,500; 2,250 + 50.
        assert_eq!(nov.commit, Amounts { deals: 2, raw: 3_500, weighted: 2_300 });
        assert_eq!(nov.won, Amounts { deals: 1, raw: 7_000, weighted: 7_000 });
        let dec = &f.months[1];
        // 10,001 × 90% = 9,000.9 → 9,001.
        assert_eq!(dec.pipeline, Amounts { deals: 1, raw: 10_001, weighted: 9_001 });
        assert_eq!(dec.commit, dec.pipeline);
        assert_eq!(dec.won, Amounts::default());
        assert_eq!(f.total.pipeline, Amounts { deals: 6, raw: 16_834, weighted: 12_484 });
        // Per owner over both months.
        let owner = |id| f.owners.iter().find(|r| r.owner_id == Some(id)).unwrap();
        assert_eq!(owner(1).pipeline, Amounts { deals: 4, raw: 6_500, weighted: 3_400 });
        assert_eq!(owner(2).commit, Amounts { deals: 1, raw: 10_001, weighted: 9_001 });
        assert_eq!(owner(2).pipeline, Amounts { deals: 2, raw: 10_334, weighted: 9_084 });
        assert_eq!(owner(2).won.raw, 7_000);
    }

    #[test]
    fn months_and_month_ends() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(months_between(d("2026-11-15"), d("2027-02-01")), ["2026-11", "2026-12", "2027-01", "2027-02"]);
        assert_eq!(previous_month_end(d("2026-03-05")), d("2026-02-28"));
        assert_eq!(previous_month_end(d("2026-01-01")), d("2025-12-31"));
    }
}
