//! The demo office's deals and leads: about one deal per customer, across every stage, each
//! with a history that climbed the stages over the past months (answering most checklist
//! questions on the way), some won, lost to a competitor or postponed, some stalled; and leads
//! from the customers' sources, most qualified into their deal. Reproducible like the rest.

use chrono::{Days, NaiveDate};

use crate::funnel::deal::{
    Competitor, DealData, DealState, LeadData, LeadRecord, LeadStatus, StageKind, StageMove, StageSettings, VehicleLine,
};
use crate::ground::dates::DATE_FORMAT;

use super::rng::Rng;

/// This part's own random stream (see [`Rng::stream`]).
const STREAM: [u64; 3] = [0x9E6C_63D0_676A_9A99, 0xD1B5_4A32_D192_ED03, 0x6465_616c];

/// Category, models, and the unit price range in euros.
const VEHICLES: &[(&str, &[&str], u64, u64)] = &[
    ("tractor", &["T 480", "T 520 High", "Stralis 460", "TGX 18.510", "Actros 1845"], 98_000, 125_000),
    ("rigid", &["D Wide 280", "Eurocargo 120E25", "TGM 18.290", "Atego 1530"], 70_000, 105_000),
    ("tipper", &["C 430 8x4", "Trakker 410", "TGS 35.470", "Arocs 3245"], 115_000, 160_000),
    ("van", &["Master L3H2", "Daily 35S16", "TGE 3.180", "Sprinter 316"], 32_000, 55_000),
    ("bus", &["Crossway LE", "Citelis 12", "Lion's City 12"], 190_000, 290_000),
];

const COMPETITORS: &[&str] = &["Scania", "Volvo Trucks", "MAN", "DAF", "Mercedes-Benz Trucks", "Iveco"];

/// How many euro cents a euro is in the deal's currency (an approximate rate, for demo data).
fn rate(currency: &str) -> u64 {
    match currency {
        "PLN" => 430,
        "CNY" => 780,
        _ => 100,
    }
}

fn stamp(day: NaiveDate, minutes: u64) -> String {
    format!("{}T{:02}:{:02}:00.000Z", day.format(DATE_FORMAT), 7 + minutes / 60 % 9, minutes % 60)
}

/// Customer `i`'s deal: its data, state and history, as of `today`.
pub(crate) fn deal(
    i: usize,
    seed: u64,
    process: &StageSettings,
    owner: Option<i64>,
    currency: &str,
    main_person: Option<i64>,
    today: NaiveDate,
) -> (DealData, DealState, Vec<StageMove>) {
    let mut rng = Rng::stream(seed, i, STREAM);
    let open: Vec<&crate::funnel::deal::Stage> =
        process.stages.iter().filter(|s| s.kind == StageKind::Open && !s.retired).collect();
    let won = process.of_kind(StageKind::Won);
    let lost = process.of_kind(StageKind::Lost);
    let postponed = process.of_kind(StageKind::Postponed);

    // Vehicles and value.
    let lines = if rng.chance(20) { 2 } else { 1 };
    let mut vehicles = Vec::new();
    let mut value: u64 = 0;
    for _ in 0..lines {
        let (category, models, low, high) =
            VEHICLES[if rng.chance(45) { 0 } else { rng.below(VEHICLES.len() as u64) as usize }];
        let count = if category == "bus" { rng.range(1, 3) } else { rng.range(1, 6) };
        let model = rng.pick(models);
        value += count * rng.range(low / 100, high / 100) * 100 * rate(currency);
        vehicles.push(VehicleLine {
            category: category.into(),
            count: count as i64,
            model: model.into(),
            ..Default::default()
        });
    }
    let value = value as i64;
    let title = vehicles.iter().map(|v| format!("{} × {}", v.count, v.model)).collect::<Vec<_>>().join(", ");

    // Fate, and how far it climbed: early stages are the crowded ones.
    let fate = rng.below(100);
    let kind = match fate {
        0..=54 => StageKind::Open,
        55..=74 => StageKind::Won,
        75..=91 => StageKind::Lost,
        _ => StageKind::Postponed,
    };
    let weights = [30, 25, 20, 15, 10];
    let mut top = {
        let mut draw = rng.below(100);
        let mut k = 0;
        while k + 1 < open.len() && draw >= weights[k.min(weights.len() - 1)] {
            draw -= weights[k.min(weights.len() - 1)];
            k += 1;
        }
        k
    };
    if kind == StageKind::Won {
        top = open.len() - 1;
    }
    let mut path: Vec<i64> = open[..=top].iter().map(|s| s.id).collect();
    if path.len() > 2 && rng.chance(20) {
        // A stage skipped: the customer moved fast.
        let k = rng.range(1, path.len() as u64 - 2) as usize;
        path.remove(k);
    }
    match kind {
        StageKind::Won => path.push(won.id),
        StageKind::Lost => path.push(lost.id),
        StageKind::Postponed => path.push(postponed.id),
        StageKind::Open => {}
    }
    // Days in each stage left; then how long it has sat where it is.
    let stays: Vec<u64> = (1..path.len()).map(|_| rng.range(4, 40)).collect();
    let sitting = if kind == StageKind::Open {
        if rng.chance(15) {
            rng.range(30, 90)
        } else {
            rng.range(0, 25)
        }
    } else {
        rng.range(0, 330)
    };
    let total: u64 = stays.iter().sum::<u64>() + sitting;
    let created = today - Days::new(total);
    let mut moves = Vec::with_capacity(path.len());
    let mut day = created;
    for (k, stage) in path.iter().enumerate() {
        if k > 0 {
            day = day + Days::new(stays[k - 1]);
        }
        moves.push(StageMove {
            id: 0,
            deal_id: 0,
            from_stage_id: (k > 0).then(|| path[k - 1]),
            to_stage_id: *stage,
            moved_at: stamp(day, rng.below(540)),
            moved_by: owner,
            seconds_in_from: if k > 0 { stays[k - 1] as i64 * 86_400 } else { 0 },
            reason: String::new(),
            note: String::new(),
        });
    }
    let last_day = day;

    let mut state = DealState {
        stage_id: *path.last().expect("a path has a stage"),
        stage_since: moves.last().expect("a path has a move").moved_at.clone(),
        ..Default::default()
    };
    state.reached = path.iter().copied().filter(|s| process.position(*s).is_some()).collect();
    state.reached.sort_unstable();
    for stage_id in path.iter().take(path.len() - 1) {
        if let Some(stage) = process.stage(*stage_id) {
            let answered: Vec<i64> = stage.checklist.iter().filter(|_| rng.chance(80)).map(|q| q.id).collect();
            if !answered.is_empty() {
                state.answers.insert(stage.id, answered);
            }
        }
    }
    let mut competitors = Vec::new();
    if rng.chance(65) {
        for _ in 0..rng.range(1, 2) {
            let name = rng.pick(COMPETITORS);
            if competitors.iter().any(|c: &Competitor| c.name == name) {
                continue;
            }
            let price = value / 100 * rng.range(90, 106) as i64;
            competitors.push(Competitor {
                name: name.into(),
                price: Some(price),
                currency: currency.into(),
                note: String::new(),
            });
        }
    }
    let expected_close = match kind {
        StageKind::Open => {
            let ahead = if rng.chance(10) { -(rng.range(1, 30) as i64) } else { rng.range(5, 160) as i64 };
            let d = if ahead < 0 { today - Days::new((-ahead) as u64) } else { today + Days::new(ahead as u64) };
            Some(d)
        }
        _ => Some(last_day),
    };
    if kind.is_closed() {
        state.closed_on = Some(last_day.format(DATE_FORMAT).to_string());
    }
    match kind {
        StageKind::Lost => {
            state.close_reason =
                rng.pick(&["price", "price", "product", "delivery", "financing", "relationship", "no_budget"]).into();
            let winner = competitors.first().map(|c| c.name.clone()).unwrap_or_else(|| rng.pick(COMPETITORS).into());
            state.lost_to = winner;
            state.lost_price = Some(value / 100 * rng.range(88, 99) as i64);
            state.lost_currency = currency.into();
        }
        StageKind::Postponed => {
            state.close_reason = rng.pick(&["budget_frozen", "project_delayed", "tender"]).into();
            let back = rng.range(0, 75);
            state.revisit_on = Some(
                (if back < 5 { today - Days::new(back) } else { today + Days::new(back - 5) })
                    .format(DATE_FORMAT)
                    .to_string(),
            );
        }
        _ => {}
    }
    if let Some(m) = moves.last_mut() {
        m.reason = state.close_reason.clone();
    }
    let probability = process.stage(state.stage_id).map_or(0, |s| s.probability);
    let commit = kind == StageKind::Open && (if probability >= 50 { rng.chance(25) } else { rng.chance(3) });
    let data = DealData {
        owner_id: owner,
        title,
        value,
        currency: currency.into(),
        expected_close: expected_close.map(|d| d.format(DATE_FORMAT).to_string()),
        commit,
        vehicles,
        person_ids: main_person.into_iter().collect(),
        competitors,
        notes: String::new(),
    };
    (data, state, moves)
}

/// Customer `i`'s lead, if it came in as one (three in ten did): from its source, received a
/// little before its deal started; most were qualified into that deal, some disqualified,
/// the recent ones still open.
pub(crate) fn lead(
    i: usize,
    seed: u64,
    customer_id: i64,
    source: &str,
    owner: Option<i64>,
    deal: Option<(i64, NaiveDate)>,
    today: NaiveDate,
) -> Option<LeadRecord> {
    let mut rng = Rng::stream(seed ^ 0x6c65_6164, i, STREAM);
    if source.is_empty() || !rng.chance(30) {
        return None;
    }
    let fate = rng.below(100);
    let (status, received, deal_id, reason) = match (fate, deal) {
        (0..=59, Some((id, started))) => (LeadStatus::Qualified, started - Days::new(rng.range(2, 30)), Some(id), ""),
        (60..=79, _) => (
            LeadStatus::Disqualified,
            today - Days::new(rng.range(20, 360)),
            None,
            rng.pick(&["not_target", "no_need", "unreachable", "duplicate"]),
        ),
        _ => (LeadStatus::Open, today - Days::new(rng.range(0, 45)), None, ""),
    };
    let decided = match status {
        LeadStatus::Open => None,
        _ => Some((received + Days::new(rng.range(1, 14))).min(today).format(DATE_FORMAT).to_string()),
    };
    Some(LeadRecord {
        customer_id,
        data: LeadData {
            source: source.into(),
            received_on: received.format(DATE_FORMAT).to_string(),
            owner_id: owner,
            note: String::new(),
        },
        status,
        reason: reason.into(),
        deal_id,
        decided_on: decided,
        by: owner,
    })
}
