//! Report fixtures for tests: a small office with known answers, and cell shorthands.

use crate::contact::ContactData;
use crate::contact::MaterialData;
use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::customer::testing::person;
use crate::customer::CustomerData;
use crate::fleet::testing::vehicles;
use crate::fleet::testing::we_sell;
use crate::funnel::deal::DealData;
use crate::funnel::deal::DealState;
use crate::funnel::deal::VehicleLine;
use crate::funnel::testing::deal_data;
use crate::funnel::testing::historic;
use crate::funnel::testing::moves_along;
use crate::ground::i18n::Locale;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::report::{Cell, ReportKind, ReportQuery};
use crate::storage::testing::day;
use crate::Store;

pub fn ci(n: i64) -> Cell {
    Cell::Int(n)
}

pub fn cn(x: f64) -> Cell {
    Cell::Num(x)
}

pub fn ct(s: &str) -> Cell {
    Cell::Text(s.into())
}

pub fn ce() -> Cell {
    Cell::Empty(())
}

/// A deal with a made-up history ending lost or postponed as `close` says.
pub fn closed_deal(
    store: &mut Store,
    customer_id: i64,
    data: DealData,
    path: &[(i64, &str)],
    close: impl FnOnce(&mut DealState),
) -> i64 {
    let stamp = |d: &str| format!("{d}T09:00:00.000Z");
    let moves = moves_along(path);
    let (last, since) = *path.last().unwrap();
    let mut state = DealState {
        stage_id: last,
        stage_since: stamp(since),
        reached: vec![1],
        closed_on: Some(since.to_string()),
        ..Default::default()
    };
    close(&mut state);
    store.create_deals_bulk(vec![(customer_id, data, state, moves)]).unwrap()[0]
}

pub fn with_vehicles(mut d: DealData, lines: &[(&str, i64, &str)]) -> DealData {
    d.vehicles = lines
        .iter()
        .map(|(category, count, model)| VehicleLine {
            category: category.to_string(),
            count: *count,
            model: model.to_string(),
            ..Default::default()
        })
        .collect();
    d
}

pub struct Office {
    pub anna: i64,
    pub bruno: i64,
    pub carla: i64,
    pub marco: i64,
    pub rossi: i64,
    pub bianchi: i64,
    pub verdi: i64,
    pub neri: i64,
    pub gialli: i64,
    /// Bianchi's person without a role.
    pub unknown_role: i64,
    /// The call of 20 November with Bianchi, about its won deal.
    pub late_call: i64,
}

/// A small office with known answers: two salespeople (Anna, Bruno), an assistant (Carla) and
/// the manager (Marco); five customers, six deals, five contacts, fleets of several brands (the
/// office sells MAN), as seen on 23 November 2026 over October and November.
pub fn report_office(store: &mut Store) -> Office {
    let anna = user(store, "Anna", UserRole::Salesperson).id;
    let bruno = user(store, "Bruno", UserRole::Salesperson).id;
    let carla = user(store, "Carla", UserRole::Assistant).id;
    let marco = user(store, "Marco", UserRole::Manager).id;
    we_sell(store, "MAN");
    let owned = |name: &str, owner: i64| CustomerData { owner_id: Some(owner), ..customer(name, "Milano", "IT", "") };
    let rossi = store.create_customer(owned("Rossi", anna)).unwrap().id;
    let bianchi = store.create_customer(owned("Bianchi", anna)).unwrap().id;
    let verdi = store.create_customer(owned("Verdi", bruno)).unwrap().id;
    let neri = store.create_customer(owned("Neri", bruno)).unwrap().id;
    let gialli = store.create_customer(owned("Gialli", bruno)).unwrap().id;
    let boss =
        store.create_person(rossi, PersonData { decision_role: "decision_maker".into(), ..person("Mario Rossi") });
    let boss = boss.unwrap().id;
    let secretary = store
        .create_person(bianchi, PersonData { decision_role: "assistant".into(), ..person("Sara Bianchi") })
        .unwrap()
        .id;
    let unknown_role = store.create_person(bianchi, person("Luca Bianchi")).unwrap().id;
    store
        .create_fleet_bulk(vec![
            (rossi, vehicles("Volvo", "tractor", 10, Some(2019))),
            (bianchi, vehicles("MAN", "tractor", 2, Some(2026))),
            (verdi, vehicles("MAN", "rigid", 5, Some(2020))),
            (verdi, vehicles("Scania", "rigid", 3, Some(2022))),
            (gialli, vehicles("DAF", "van", 1, Some(2015))),
        ])
        .unwrap();
    // Rossi bought in 2025; won again in October with 2 TGX.
    historic(
        store,
        rossi,
        deal_data("Old order", 10_000_000, None, Some(anna)),
        &[(1, "2025-03-01"), (6, "2025-05-10")],
        "",
    );
    let d1 = with_vehicles(deal_data("2 TGX", 20_000_000, None, Some(anna)), &[("tractor", 2, "TGX")]);
    historic(store, rossi, d1, &[(1, "2026-08-01"), (3, "2026-09-20"), (6, "2026-10-15")], "");
    // Bianchi, a new customer: opened in October, won in November, a van and a tractor.
    let d2 =
        with_vehicles(deal_data("TGE + TGX", 5_000_000, None, Some(anna)), &[("van", 1, "TGE"), ("tractor", 1, "TGX")]);
    let won_bianchi = historic(store, bianchi, d2, &[(1, "2026-10-05"), (2, "2026-10-25"), (6, "2026-11-10")], "");
    // Verdi (ours since 2020 by its fleet) lost to Scania on price; Neri postponed in PLN.
    closed_deal(
        store,
        verdi,
        deal_data("Rigids", 10_000_000, None, Some(bruno)),
        &[(1, "2026-10-20"), (7, "2026-11-05")],
        |s| {
            s.close_reason = "price".into();
            s.lost_to = "Scania".into();
            s.lost_price = Some(9_000_000);
            s.lost_currency = "EUR".into();
        },
    );
    let neri_deal = DealData { currency: "PLN".into(), ..deal_data("Vans", 3_000_000, None, Some(bruno)) };
    closed_deal(store, neri, neri_deal, &[(1, "2026-11-02"), (8, "2026-11-12")], |s| {
        s.close_reason = "budget_frozen".into();
        s.revisit_on = Some("2027-02-01".into());
    });
    historic(
        store,
        gialli,
        deal_data("Van", 4_000_000, Some("2027-01-31"), Some(bruno)),
        &[(1, "2026-09-15"), (2, "2026-10-10")],
        "",
    );
    // Contacts after the deals and fleets, as the office logs them.
    let met = |at: &str, kind: &str, minutes: i64, by: i64, people: Vec<i64>| ContactData {
        happened_at: at.into(),
        kind: kind.into(),
        duration_min: minutes,
        user_id: Some(by),
        person_ids: people,
        agreed: "x".into(),
        ..Default::default()
    };
    store.log_contact(rossi, met("2026-09-30T10:00", "visit", 45, anna, vec![boss]), Some(anna)).unwrap();
    store.log_contact(rossi, met("2026-10-06T10:00", "visit", 60, anna, vec![boss]), Some(anna)).unwrap();
    let mut first_call = met("2026-10-07T10:00", "phone", 10, anna, vec![secretary, unknown_role]);
    first_call.docs_sent = vec!["Price list".into()];
    store.log_contact(bianchi, first_call, Some(anna)).unwrap();
    store.log_contact(verdi, met("2026-11-03T10:00", "email", 5, carla, vec![]), Some(carla)).unwrap();
    let mut late = met("2026-11-20T10:00", "phone", 15, anna, vec![secretary]);
    late.deal_id = Some(won_bianchi);
    let late_call = store.log_contact(bianchi, late, Some(anna)).unwrap().id;
    let material = MaterialData { name: "Price list".into(), every_days: 90, last_sent: Some("2026-10-01".into()) };
    store.add_material(bianchi, material).unwrap();
    Office { anna, bruno, carla, marco, rossi, bianchi, verdi, neri, gialli, unknown_role, late_call }
}

pub fn autumn() -> ReportQuery {
    ReportQuery { from: Some("2026-10-01".into()), to: Some("2026-11-30".into()), ..Default::default() }
}

pub fn report_rows(store: &mut Store, kind: ReportKind, query: &ReportQuery) -> (Vec<Vec<Cell>>, Option<Vec<Cell>>) {
    let out = store.report(kind, query, day("2026-11-23"), Locale::En).unwrap();
    assert_eq!(out.table.rows.iter().chain(&out.table.total).map(Vec::len).max(), Some(out.table.columns.len()));
    (out.table.rows, out.table.total)
}
