//! What every store must do alike: each test runs on SQLite and, when configured, PostgreSQL.
//! The tests are in `tests_shared/`, one file per area; the helpers they share are here.

mod conflicts;
mod customers;
mod fields;
mod fleet;
mod funnel;
mod people;
mod reports;
mod trail;

use super::*;
use crate::contact::{AgendaItem, ContactData, HistoryFilter};
use crate::custom_field::{CustomFieldData, FieldKind};
use crate::person::PersonData;
use crate::testing::{customer, static_field, stores};
use crate::user::{User, UserData, UserRole};

/// Runs `test` on a fresh store of each kind; a failure names the kind.
pub(super) fn each_store(mut test: impl FnMut(&mut Store)) {
    for (kind, mut store) in stores() {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&mut store)));
        if let Err(panic) = outcome {
            let message =
                panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("on {kind}: {}", message.unwrap_or_default());
        }
    }
}

fn fill(store: &mut Store, rows: &[CustomerData]) {
    for r in rows {
        store.create_customer(r.clone()).unwrap();
    }
}

fn names(store: &mut Store, text: &str) -> Vec<String> {
    let q = CustomerQuery { text: text.into(), ..Default::default() };
    store.search_customers(&q).unwrap().into_iter().map(|c| c.name).collect()
}

// --- users, owners, people, contacts ---

pub(super) fn user(store: &mut Store, name: &str, role: UserRole) -> User {
    store.create_user(UserData { name: name.into(), role, active: true, ..Default::default() }).unwrap()
}

fn person(name: &str) -> PersonData {
    PersonData { name: name.into(), active: true, ..Default::default() }
}

pub(super) fn call(at: &str, agreed: &str) -> ContactData {
    ContactData { happened_at: at.into(), kind: "phone".into(), agreed: agreed.into(), ..Default::default() }
}

pub(super) fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

// --- fleets, share, renewals and competitors ---

use crate::competitor::{CompetitorData, SightingData};
use crate::deal::{
    Competitor, DealData, DealQuery, DealState, DealSummary, LeadData, MoveRequest, StageMove, VehicleLine,
};
use crate::fleet::{FleetLineData, FleetSettings};
use crate::funnel::{Amounts, FunnelQuery};
use crate::share::{RadarQuery, RadarSort};

pub(super) fn vehicles(brand: &str, category: &str, n: i64, year: Option<i32>) -> FleetLineData {
    FleetLineData {
        brand: brand.into(),
        category: category.into(),
        vehicles: n,
        first_registered: year,
        ..Default::default()
    }
}

/// The office sells `brand` (a new office sells none until it says so).
pub(super) fn we_sell(store: &mut Store, brand: &str) {
    let mut s = store.fleet_settings().unwrap();
    s.brands.iter_mut().find(|b| b.name == brand).unwrap().ours = true;
    store.save_fleet_settings(s).unwrap();
}

fn deal_data(title: &str, value: i64, close: Option<&str>, owner: Option<i64>) -> DealData {
    DealData {
        owner_id: owner,
        title: title.into(),
        value,
        currency: "EUR".into(),
        expected_close: close.map(str::to_string),
        ..Default::default()
    }
}

fn to(stage: i64) -> MoveRequest {
    MoveRequest { to_stage_id: stage, ..Default::default() }
}

/// The stage moves of a made-up history that entered each `(stage, day)` of `path` in turn,
/// at 09:00 UTC.
pub(super) fn moves_along(path: &[(i64, &str)]) -> Vec<StageMove> {
    let stamp = |d: &str| format!("{d}T09:00:00.000Z");
    path.iter()
        .enumerate()
        .map(|(i, (stage, d))| {
            let from = i.checked_sub(1).map(|j| path[j]);
            StageMove {
                id: 0,
                deal_id: 0,
                from_stage_id: from.map(|f| f.0),
                to_stage_id: *stage,
                moved_at: stamp(d),
                moved_by: None,
                seconds_in_from: from.map_or(0, |f| (day(d) - day(f.1)).num_seconds()),
                reason: String::new(),
                note: String::new(),
            }
        })
        .collect()
}

/// A deal saved with a made-up history: it entered each `(stage, day)` in turn.
fn historic(store: &mut Store, customer_id: i64, data: DealData, path: &[(i64, &str)], today: &str) -> i64 {
    let process = store.stage_settings().unwrap();
    let stamp = |d: &str| format!("{d}T09:00:00.000Z");
    let moves = moves_along(path);
    let mut reached: Vec<i64> =
        path.iter().map(|(stage, _)| *stage).filter(|s| process.position(*s).is_some()).collect();
    reached.sort_unstable();
    let (last, since) = *path.last().unwrap();
    let closed = process.stage(last).unwrap().kind.is_closed();
    let state = DealState {
        stage_id: last,
        stage_since: stamp(since),
        reached,
        closed_on: closed.then(|| since.to_string()),
        close_reason: if closed { "price".into() } else { String::new() },
        ..Default::default()
    };
    let _ = today;
    store.create_deals_bulk(vec![(customer_id, data, state, moves)]).unwrap()[0]
}

fn field_keys(e: Error) -> Vec<(&'static str, &'static str)> {
    match e {
        Error::Validation(f) => f.into_iter().map(|f| (static_field(f.field), f.key)).collect(),
        other => panic!("{other:?}"),
    }
}

fn field(label: &str, kind: FieldKind, choices: &[&str]) -> CustomFieldData {
    CustomFieldData {
        label: label.into(),
        kind,
        choices: choices.iter().map(|c| c.to_string()).collect(),
        retired: false,
    }
}
