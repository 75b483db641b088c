//! Segments on every store: saved filters, their live counts and figures.

use super::*;
use crate::contact::testing::call;
use crate::customer::testing::customer;
use crate::fleet::testing::vehicles;
use crate::fleet::testing::we_sell;
use crate::fleet::FleetLineData;
use crate::funnel::deal::{DealData, MoveRequest, StageKind};
use crate::office::testing::user;
use crate::office::UserRole;
use crate::segment::{SegmentData, SegmentFilter};
use crate::storage::testing::day;
use crate::storage::testing::each_store;

fn due(brand: &str, n: i64, on: &str) -> FleetLineData {
    FleetLineData { renewal_manual: true, renewal_due: Some(on.into()), ..vehicles(brand, "tractor", n, None) }
}

fn renewals() -> SegmentFilter {
    SegmentFilter { renewal_months: Some(6), renewal_competitors: true, ..Default::default() }
}

#[test]
fn a_segment_counts_what_its_filter_keeps_and_follows_every_change() {
    each_store(|store| {
        we_sell(store, "MAN");
        let anna = user(store, "Anna", UserRole::Salesperson);
        let today = day("2026-11-23");
        let mut rossi = customer("Rossi Trasporti", "Milano", "IT", "");
        rossi.owner_id = Some(anna.id);
        let rossi = store.create_customer(rossi).unwrap();
        let bianchi = store.create_customer(customer("Bianchi Logistica", "Torino", "IT", "")).unwrap();
        let nowak = store.create_customer(customer("Nowak Transport", "Łódź", "PL", "")).unwrap();
        store
            .create_fleet_bulk(vec![
                (rossi.id, due("Volvo", 4, "2027-02-01")),
                (rossi.id, due("MAN", 2, "2027-01-01")),
                (bianchi.id, due("MAN", 5, "2027-01-15")),
                (nowak.id, due("Scania", 3, "2029-01-01")),
            ])
            .unwrap();
        assert_eq!(store.segment_count(renewals(), today).unwrap(), 1, "only Rossi has competitors due");
        let page = store.segment_customers(SegmentFilter::default(), today, 2).unwrap();
        assert_eq!(page.total, 3);
        let names: Vec<&str> = page.customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Bianchi Logistica", "Nowak Transport"], "by name, the first page");

        // Every change reaches the next count: a fleet line, a card, a contact, a deal.
        store.add_fleet_line(bianchi.id, due("DAF", 1, "2027-03-01")).unwrap();
        assert_eq!(store.segment_count(renewals(), today).unwrap(), 2);
        let mut card = store.customer(nowak.id).unwrap();
        card.data.country = "IT".into();
        store.update_customer(nowak.id, card.version, card.data).unwrap();
        let italians = SegmentFilter { countries: vec!["IT".into()], ..Default::default() };
        assert_eq!(store.segment_count(italians.clone(), today).unwrap(), 3);
        let silent = SegmentFilter { silent_days: Some(30), ..Default::default() };
        assert_eq!(store.segment_count(silent.clone(), today).unwrap(), 3);
        store.log_contact(rossi.id, call("2026-11-20T10:00", "Spoke about the Volvos"), Some(anna.id)).unwrap();
        assert_eq!(store.segment_count(silent, today).unwrap(), 2);
        let open = SegmentFilter { open_deals: Some(true), ..Default::default() };
        assert_eq!(store.segment_count(open.clone(), today).unwrap(), 0);
        let data =
            DealData { title: "4 tractors".into(), value: 40_000_000, currency: "EUR".into(), ..Default::default() };
        let deal = store.create_deal(rossi.id, data, None, "card", Some(anna.id)).unwrap();
        assert_eq!(store.segment_count(open.clone(), today).unwrap(), 1);
        let won = store.stage_settings().unwrap().of_kind(StageKind::Won).id;
        let request = MoveRequest { to_stage_id: won, ..Default::default() };
        store.move_deal(deal.id, deal.version, request, Some(anna.id), today).unwrap();
        assert_eq!(store.segment_count(open, today).unwrap(), 0);
        let figures = store.segment_figures(italians, today).unwrap();
        assert_eq!((figures.customers, figures.fleet, figures.competitors, figures.competitors_due), (3, 15, 8, 5));
        assert_eq!(figures.won, vec![("EUR".to_string(), 40_000_000)]);
        // A won deal's value corrected: its audit line brings the customer back.
        let closed = store.deal(deal.id).unwrap();
        let corrected = DealData { value: 38_000_000, ..closed.data };
        store.update_deal(deal.id, closed.version, corrected).unwrap();
        assert_eq!(store.segment_figures(SegmentFilter::default(), today).unwrap().won, [("EUR".into(), 38_000_000)]);
        // Archived customers are in no segment.
        store.archive_customer(rossi.id).unwrap();
        assert_eq!(store.segment_count(SegmentFilter::default(), today).unwrap(), 2);
    });
}

fn read_at(store: &mut Store) -> std::time::Instant {
    store.cache::<CachedFacts>().as_ref().expect("facts kept").read_at
}

/// The facts kept after a change are what a fresh read gives: the same customers, in the same
/// order, with the same figures, for a few filters.
fn as_read_afresh(store: &mut Store, today: NaiveDate) {
    let filters = [
        SegmentFilter::default(),
        renewals(),
        SegmentFilter { fleet_min: Some(3), ..Default::default() },
        SegmentFilter { silent_days: Some(7), ..Default::default() },
        SegmentFilter { open_deals: Some(true), ..Default::default() },
    ];
    let kept: Vec<_> = filters
        .iter()
        .map(|f| (store.segment_ids(f.clone(), today).unwrap(), store.segment_figures(f.clone(), today).unwrap()))
        .collect();
    let was = store.cache::<CachedFacts>().take();
    let fresh: Vec<_> = filters
        .iter()
        .map(|f| (store.segment_ids(f.clone(), today).unwrap(), store.segment_figures(f.clone(), today).unwrap()))
        .collect();
    assert_eq!(kept, fresh);
    *store.cache() = was;
}

/// After a change, only the customers it touched are read again; a deleted fleet line, whose
/// customer is no longer known, or a new pyramid ranking reads everyone.
#[test]
fn kept_facts_read_again_only_the_customers_a_change_touched() {
    each_store(|store| {
        we_sell(store, "MAN");
        let anna = user(store, "Anna", UserRole::Salesperson);
        let today = day("2026-11-23");
        let zeta = store.create_customer(customer("Zeta Trasporti", "Milano", "IT", "")).unwrap();
        let beta = store.create_customer(customer("Beta Logistica", "Torino", "IT", "")).unwrap();
        let gamma = store.create_customer(customer("Gamma Bus", "Verona", "IT", "")).unwrap();
        let line = store.add_fleet_line(zeta.id, due("Volvo", 4, "2027-02-01")).unwrap();
        assert_eq!(store.segment_count(renewals(), today).unwrap(), 1);
        let first = read_at(store);

        // Renamed to the front of the list, a new Scania line, a deal, a call: patched in place.
        let mut card = store.customer(zeta.id).unwrap();
        card.data.name = "Alfa Trasporti".into();
        store.update_customer(zeta.id, card.version, card.data).unwrap();
        store.add_fleet_line(beta.id, due("Scania", 6, "2027-01-10")).unwrap();
        store.log_contact(gamma.id, call("2026-11-20T10:00", "No fleet to renew"), Some(anna.id)).unwrap();
        let data = DealData { title: "6 tractors".into(), value: 1, currency: "EUR".into(), ..Default::default() };
        store.create_deal(beta.id, data, None, "card", Some(anna.id)).unwrap();
        let page = store.segment_customers(SegmentFilter::default(), today, 10).unwrap();
        let names: Vec<&str> = page.customers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Alfa Trasporti", "Beta Logistica", "Gamma Bus"]);
        assert_eq!(store.segment_count(renewals(), today).unwrap(), 2);
        assert_eq!(read_at(store), first, "patched, not read again");
        as_read_afresh(store, today);

        // A deleted line: everyone is read again, and the Volvos are gone.
        store.delete_fleet_line(line.saved.id).unwrap();
        assert_eq!(store.segment_count(renewals(), today).unwrap(), 1);
        assert_ne!(read_at(store), first);
        as_read_afresh(store, today);

        // Another day reads everyone again too.
        let before = read_at(store);
        assert_eq!(store.segment_count(renewals(), day("2027-06-01")).unwrap(), 1, "overdue counts as due");
        assert_ne!(read_at(store), before);
    });
}

#[test]
fn segments_are_saved_by_name_edited_with_the_version_check_and_ranked() {
    each_store(|store| {
        we_sell(store, "MAN");
        let today = day("2026-11-23");
        let rossi = store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "")).unwrap();
        let nowak = store.create_customer(customer("Nowak Transport", "Łódź", "PL", "")).unwrap();
        store
            .create_fleet_bulk(vec![(rossi.id, due("Volvo", 4, "2027-02-01")), (nowak.id, due("MAN", 9, "2027-02-01"))])
            .unwrap();
        let data = |name: &str, filter: SegmentFilter| SegmentData { name: name.into(), filter };
        let poles = store
            .create_segment(data(
                " Polish hauliers ",
                SegmentFilter { countries: vec!["pl".into()], ..Default::default() },
            ))
            .unwrap();
        assert_eq!(
            (poles.name.as_str(), poles.filter.countries.as_slice()),
            ("Polish hauliers", &["PL".to_string()][..])
        );
        let due_soon = store.create_segment(data("Competitors due", renewals())).unwrap();
        // Names are unique whatever their case.
        let err = store.create_segment(data("POLISH HAULIERS", SegmentFilter::default())).unwrap_err();
        assert!(matches!(&err, Error::Validation(f) if f[0].key == "segment.name_taken"), "{err:?}");
        let err =
            store.create_segment(data("Bad", SegmentFilter { fleet_min: Some(-1), ..Default::default() })).unwrap_err();
        assert!(matches!(&err, Error::Validation(f) if f[0].field == "fleet_min"), "{err:?}");
        assert_eq!(store.segments().unwrap().len(), 2);

        let ranking = store.segment_ranking(today).unwrap();
        let order: Vec<&str> = ranking.iter().map(|r| r.segment.name.as_str()).collect();
        assert_eq!(order, ["Competitors due", "Polish hauliers"], "competitors' vehicles due first");
        assert_eq!((ranking[1].figures.fleet, ranking[1].figures.our_share), (9, Some(100.0)));

        let edited = store.update_segment(poles.id, poles.version, data("Poles", poles.filter.clone())).unwrap();
        assert_eq!(edited.version, poles.version + 1);
        let err = store.update_segment(poles.id, poles.version, data("Stale", poles.filter.clone())).unwrap_err();
        assert!(matches!(err, Error::Conflict { .. }));
        assert_eq!(store.segment_named("poles").unwrap().map(|s| s.id), Some(poles.id));
        let gone = store.delete_segment(due_soon.id, due_soon.version).unwrap();
        assert_eq!(gone.name, "Competitors due");
        assert!(matches!(store.segment(due_soon.id), Err(Error::NotFound { .. })));
        // The trail keeps who changed what.
        assert!(!store.changes("segment", poles.id).unwrap().is_empty());
    });
}

// --- contact plans ---

use crate::contact::ContactData;
use crate::segment::plan::ContactPlan;

fn tier(store: &mut Store, customer_id: i64, tier: &str) {
    store
        .write(|x| {
            x.run(
                "INSERT INTO customer_tier (customer_id, tier, since) VALUES ($1, $2, '2026-11-01')",
                &[customer_id.into(), tier.into()],
            )
        })
        .unwrap();
}

#[test]
fn customers_behind_their_tiers_plan_are_listed_for_their_owner_and_counted_per_salesperson() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        let boss = user(store, "Capo", UserRole::Manager);
        let today = day("2026-11-23");
        let mut made = Vec::new();
        for (name, owner, t) in [
            ("Alfa", Some(anna.id), Some("A")),
            ("Beta", Some(anna.id), Some("A")),
            ("Gamma", None, Some("A")),
            ("Delta", Some(anna.id), Some("B")),
            ("Epsilon", Some(anna.id), Some("C")),
            ("Zeta", Some(anna.id), None),
        ] {
            let mut c = customer(name, "Milano", "IT", "");
            c.owner_id = owner;
            c.region = if name == "Alfa" { "Lombardia".into() } else { String::new() };
            let c = store.create_customer(c).unwrap();
            if let Some(t) = t {
                tier(store, c.id, t);
            }
            made.push(c.id);
        }
        let contact =
            |kind: &str, at: &str| ContactData { happened_at: at.into(), kind: kind.into(), ..Default::default() };
        store.log_contact(made[0], contact("visit", "2026-11-13T10:00"), Some(anna.id)).unwrap();
        store.log_contact(made[1], contact("visit", "2026-10-14T10:00"), Some(anna.id)).unwrap();
        let call = store.log_contact(made[1], contact("phone", "2026-11-20T10:00"), Some(anna.id)).unwrap();
        store.log_contact(made[3], contact("phone", "2026-11-03T10:00"), Some(anna.id)).unwrap();

        // The seeds' plans: A a visit every 30 days, B a call every 90, C a letter every 182.
        let all = store.plan_status(None, today, 100).unwrap();
        let behind: Vec<(&str, Option<&str>)> =
            all.behind.iter().map(|b| (b.name.as_str(), b.due.as_deref())).collect();
        assert_eq!(behind, [("Epsilon", None), ("Gamma", None), ("Beta", Some("2026-11-13"))]);
        assert_eq!(all.behind_total, 3);
        let first = store.plan_status(None, today, 1).unwrap();
        assert_eq!((first.behind.len(), first.behind_total), (1, 3));
        assert_eq!((all.behind[2].kind.as_str(), all.behind[2].last.as_deref()), ("visit", Some("2026-10-14")));
        let owners: Vec<(Option<i64>, i64, i64, Option<f64>)> =
            all.owners.iter().map(|c| (c.owner_id, c.customers, c.on_plan, c.pct)).collect();
        assert_eq!(owners, [(None, 1, 0, Some(0.0)), (Some(anna.id), 4, 2, Some(50.0))]);
        let mine = store.plan_status(Some(anna.id), today, 100).unwrap();
        assert_eq!(mine.behind.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["Epsilon", "Beta"]);

        // Only the manager changes the plans: Lombard A customers also get a call every week.
        let mut plans = store.plan_settings().unwrap();
        assert!(matches!(store.save_plan_settings(Some(anna.id), plans.clone()), Err(Error::ManagerOnly)));
        let filter = SegmentFilter { region: "lombardia".into(), ..Default::default() };
        let lombardy = store.create_segment(SegmentData { name: "Lombardy".into(), filter }).unwrap();
        plans.plans.push(ContactPlan {
            tier: "A".into(),
            segment_id: Some(lombardy.id),
            kind: "phone".into(),
            every_days: 7,
        });
        let saved = store.save_plan_settings(Some(boss.id), plans.clone()).unwrap();
        assert!(matches!(store.save_plan_settings(Some(boss.id), plans), Err(Error::Conflict { .. })));
        assert_eq!(saved.plans.len(), 4);
        let all = store.plan_status(None, today, 100).unwrap();
        let alfa = all.behind.iter().find(|b| b.name == "Alfa").expect("Alfa is behind its weekly call");
        assert_eq!((alfa.kind.as_str(), alfa.every_days, alfa.due.as_deref()), ("phone", 7, None));
        assert_eq!(all.owners[1].on_plan, 1, "Delta only");

        // A correction counts: Beta's call of the 20th was in fact a visit, so Beta is on plan
        // for visits (and has no call any more).
        let mut visit = call.data.clone();
        visit.kind = "visit".into();
        store.correct_contact(call.id, call.version, visit, Some(anna.id)).unwrap();
        let all = store.plan_status(None, today, 100).unwrap();
        assert!(all.behind.iter().all(|b| b.name != "Beta"), "{:?}", all.behind);
        let calls = store
            .read(|x| {
                x.rows(
                    "SELECT kind, at FROM customer_last_contact WHERE customer_id = $1 ORDER BY kind",
                    &[made[1].into()],
                )
            })
            .unwrap();
        let kept: Vec<(String, String)> = calls.iter().map(|r| (r.text(0).unwrap(), r.text(1).unwrap())).collect();
        assert_eq!(kept, [("visit".to_string(), "2026-11-20T10:00".to_string())]);
    });
}
