//! Funnel fixtures for tests.

use crate::funnel::deal::{DealData, DealState, MoveRequest, StageMove};
use crate::storage::testing::day;
use crate::Store;

pub fn deal_data(title: &str, value: i64, close: Option<&str>, owner: Option<i64>) -> DealData {
    DealData {
        owner_id: owner,
        title: title.into(),
        value,
        currency: "EUR".into(),
        expected_close: close.map(str::to_string),
        ..Default::default()
    }
}

pub fn to(stage: i64) -> MoveRequest {
    MoveRequest { to_stage_id: stage, ..Default::default() }
}

/// The stage moves of a made-up history that entered each `(stage, day)` of `path` in turn,
/// at 09:00 UTC.
pub fn moves_along(path: &[(i64, &str)]) -> Vec<StageMove> {
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
pub fn historic(store: &mut Store, customer_id: i64, data: DealData, path: &[(i64, &str)], today: &str) -> i64 {
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
