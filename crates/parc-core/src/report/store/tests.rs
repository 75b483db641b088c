//! Shared store tests of what the manager reads: the reports, their scopes, costs and the pyramid.

use super::*;
use crate::contact::ContactData;
use crate::customer::person::PersonData;
use crate::customer::CustomerQuery;
use crate::report::testing::*;
use crate::storage::testing::day;
use crate::storage::testing::each_store;

use crate::ground::i18n::{tr, Locale};
use crate::report::{CostSettings, CutMode, PyramidSettings, ReportKind, ReportQuery};

#[test]
fn salesperson_activity_compares_prospects_orders_and_new_against_existing_customers() {
    each_store(|store| {
        report_office(store);
        let total = ct(tr(Locale::En, "report.total"));
        let (rows, sum) =
            report_rows(store, ReportKind::Activity, &ReportQuery { currency: Some("EUR".into()), ..autumn() });
        // Salesperson, deals opened, prospects, orders, orders per prospect, value from new
        // customers, from existing ones, total, share from existing.
        assert_eq!(
            rows,
            [
                vec![
                    ct("Anna"),
                    ci(1),
                    ci(1),
                    ci(2),
                    cn(200.0),
                    ci(5_000_000),
                    ci(20_000_000),
                    ci(25_000_000),
                    cn(80.0)
                ],
                vec![ct("Bruno"), ci(2), ci(1), ci(0), cn(0.0), ci(0), ci(0), ci(0), ce()],
            ]
        );
        assert_eq!(
            sum.unwrap(),
            [total, ci(3), ci(2), ci(2), cn(100.0), ci(5_000_000), ci(20_000_000), ci(25_000_000), cn(80.0)]
        );
    });
}

#[test]
fn contacts_per_day_type_customer_and_role_follow_every_write() {
    each_store(|store| {
        let o = report_office(store);
        // 61 days, 43 working days in October and November 2026.
        let (rows, sum) = report_rows(store, ReportKind::Contacts, &autumn());
        // User, contacts, per day, per week, with new, with existing, visit, phone, letter,
        // e-mail, other, hours.
        assert_eq!(
            rows,
            [
                vec![ct("Anna"), ci(3), cn(0.1), cn(0.3), ci(1), ci(2), ci(1), ci(2), ci(0), ci(0), ci(0), cn(1.4)],
                vec![ct("Bruno"), ci(0), cn(0.0), cn(0.0), ci(0), ci(0), ci(0), ci(0), ci(0), ci(0), ci(0), cn(0.0)],
                vec![ct("Carla"), ci(1), cn(0.0), cn(0.1), ci(0), ci(1), ci(0), ci(0), ci(0), ci(1), ci(0), cn(0.1)],
            ]
        );
        assert_eq!(sum.unwrap()[1], ci(4));
        // Roles met: decision maker, technical, user, assistant, receptionist, other, not
        // recorded, and the share that reached a decision maker.
        let (rows, _) = report_rows(store, ReportKind::ContactRoles, &autumn());
        assert_eq!(rows[0], [ct("Anna"), ci(3), ci(1), ci(0), ci(0), ci(2), ci(0), ci(0), ci(1), cn(33.3)]);
        assert_eq!(rows[2], [ct("Carla"), ci(1), ci(0), ci(0), ci(0), ci(0), ci(0), ci(0), ci(1), cn(0.0)]);

        // A role given later moves the contacts it was met in; a correction moves the contact.
        let p = store.person(o.unknown_role).unwrap();
        store.update_person(p.id, p.version, PersonData { decision_role: "user".into(), ..p.data }).unwrap();
        let late = store.contact(o.late_call).unwrap();
        let fixed = ContactData { kind: "visit".into(), duration_min: 30, ..late.data.clone() };
        store.correct_contact(late.id, late.version, fixed, Some(o.anna)).unwrap();
        let (rows, _) = report_rows(store, ReportKind::ContactRoles, &autumn());
        assert_eq!(rows[0], [ct("Anna"), ci(3), ci(1), ci(0), ci(1), ci(2), ci(0), ci(0), ci(0), cn(33.3)]);
        let (rows, _) = report_rows(store, ReportKind::Contacts, &autumn());
        assert_eq!(
            rows[0],
            [ct("Anna"), ci(3), cn(0.1), cn(0.3), ci(1), ci(2), ci(2), ci(1), ci(0), ci(0), ci(0), cn(1.7)]
        );
        // A follow-up logged when completing an action counts too.
        let mut planned =
            ContactData { happened_at: "2026-11-16T09:00".into(), kind: "phone".into(), ..Default::default() };
        planned.next_action = "Call back".into();
        planned.next_due = Some("2026-11-18".into());
        planned.user_id = Some(o.bruno);
        let k = store.log_contact(o.neri, planned, Some(o.bruno)).unwrap();
        let follow = ContactData {
            happened_at: "2026-11-18T09:00".into(),
            kind: "letter".into(),
            duration_min: 20,
            user_id: Some(o.bruno),
            ..Default::default()
        };
        store.complete_action(k.id, "done", Some(follow), Some(o.bruno)).unwrap();
        let (rows, _) = report_rows(store, ReportKind::Contacts, &autumn());
        assert_eq!(
            rows[1],
            [ct("Bruno"), ci(2), cn(0.0), cn(0.2), ci(2), ci(0), ci(0), ci(1), ci(1), ci(0), ci(0), cn(0.3)]
        );
        let _ = (o.rossi, o.verdi, o.gialli, o.carla);
    });
}

#[test]
fn products_outcomes_reasons_competitors_and_stages_side_by_side() {
    each_store(|store| {
        report_office(store);
        let eur = ReportQuery { currency: Some("EUR".into()), ..autumn() };
        let (rows, sum) = report_rows(store, ReportKind::Products, &eur);
        // Category, model, Anna, Bruno, vehicles, deals, value.
        assert_eq!(
            rows,
            [
                vec![ct("Tractor unit"), ct("TGX"), ci(3), ci(0), ci(3), ci(2), ci(22_500_000)],
                vec![ct("Van"), ct("TGE"), ci(1), ci(0), ci(1), ci(1), ci(2_500_000)],
            ]
        );
        assert_eq!(sum.unwrap()[4..], [ci(4), ce(), ci(25_000_000)]);

        let (rows, _) = report_rows(store, ReportKind::Outcomes, &eur);
        assert_eq!(
            rows,
            [
                vec![ct("Anna"), ci(2), ci(25_000_000), ci(0), ci(0), ci(0), ci(0), cn(100.0)],
                vec![ct("Bruno"), ci(0), ci(0), ci(1), ci(10_000_000), ci(1), ci(0), cn(0.0)],
            ],
            "the postponed deal is in PLN: counted, not valued in EUR"
        );

        let (rows, _) = report_rows(store, ReportKind::Reasons, &eur);
        // Outcome, reason, Anna, Bruno, deals, value, share.
        assert_eq!(
            rows,
            [
                vec![ct("Lost"), ct("Price"), ci(0), ci(1), ci(1), ci(10_000_000), cn(100.0)],
                vec![ct("Postponed"), ct("Budget frozen"), ci(0), ci(1), ci(1), ci(0), cn(100.0)],
            ]
        );
        let (rows, _) = report_rows(store, ReportKind::Competitors, &eur);
        assert_eq!(rows, [vec![ct("Scania"), ci(0), ci(1), ci(1), ci(10_000_000), ci(1), cn(10.0)]]);

        let (rows, _) = report_rows(store, ReportKind::Stages, &autumn());
        // Salesperson, stage, forward, back, lost, postponed, average days.
        let stage = |who: &str, name: &str, f: i64, l: i64, p: i64, days: Option<f64>| {
            vec![ct(who), ct(name), ci(f), ci(0), ci(l), ci(p), days.map_or(ce(), cn)]
        };
        assert_eq!(
            rows,
            [
                stage("Anna", "Target customer", 1, 0, 0, Some(20.0)),
                stage("Anna", "Qualified", 1, 0, 0, Some(16.0)),
                stage("Anna", "Shortlisted", 1, 0, 0, Some(25.0)),
                stage("Anna", "Negotiation", 0, 0, 0, None),
                stage("Anna", "Near win", 0, 0, 0, None),
                stage("Bruno", "Target customer", 1, 1, 1, Some(17.0)),
                stage("Bruno", "Qualified", 0, 0, 0, None),
                stage("Bruno", "Shortlisted", 0, 0, 0, None),
                stage("Bruno", "Negotiation", 0, 0, 0, None),
                stage("Bruno", "Near win", 0, 0, 0, None),
            ]
        );
        // One salesperson only.
        let anna = store.users().unwrap().into_iter().find(|u| u.data.name == "Anna").unwrap().id;
        let (rows, _) = report_rows(store, ReportKind::Products, &ReportQuery { owner_id: Some(anna), ..eur });
        assert_eq!(rows[0], [ct("Tractor unit"), ct("TGX"), ci(3), ci(3), ci(2), ci(22_500_000)]);
    });
}

#[test]
fn the_cost_of_selling_needs_the_managers_hourly_cost() {
    each_store(|store| {
        let o = report_office(store);
        let (rows, _) = report_rows(store, ReportKind::Cost, &autumn());
        assert_eq!(rows[0][7], ce(), "no hourly cost yet: no cost");
        let hourly = CostSettings { version: 0, hourly_cost: Some(4_500), currency: "EUR".into() };
        assert!(matches!(store.save_cost_settings(Some(o.anna), hourly.clone()), Err(Error::ManagerOnly)));
        let saved = store.save_cost_settings(Some(o.marco), hourly.clone()).unwrap();
        assert_eq!(saved.version, 1);
        assert!(matches!(store.save_cost_settings(Some(o.marco), hourly), Err(Error::Conflict { .. })));
        let (rows, sum) = report_rows(store, ReportKind::Cost, &autumn());
        // Salesperson, hours, deals worked, hours per deal, orders, hours per order, hours
        // logged on the won deals per order, cost, cost per order.
        assert_eq!(
            rows,
            [
                vec![ct("Anna"), cn(1.4), ci(2), cn(0.7), ci(2), cn(0.7), cn(0.1), ci(6_375), ci(3_188)],
                vec![ct("Bruno"), cn(0.0), ci(3), cn(0.0), ci(0), ce(), ce(), ci(0), ce()],
                vec![ct("Carla"), cn(0.1), ci(0), ce(), ci(0), ce(), ce(), ci(375), ce()],
            ]
        );
        assert_eq!(sum.unwrap()[7..], [ci(6_750), ci(3_375)]);
    });
}

#[test]
fn the_pyramid_ranks_tiers_keeps_movers_shows_on_the_card_and_filters_the_list() {
    each_store(|store| {
        let o = report_office(store);
        assert_eq!(store.customer_tier(o.rossi).unwrap(), None);
        // Ranked at the end of 2025 (Bianchi's MAN of 2026 not there yet), then today.
        let settings = store.pyramid_settings().unwrap();
        store.rank_at(settings.clone(), day("2025-12-31"), false).unwrap();
        let ranking = store.rank_at(settings, day("2026-11-23"), false).unwrap();
        let tiers: Vec<_> =
            ranking.tiers.iter().map(|t| (t.tier.as_str(), t.customers, t.value, t.min_value)).collect();
        assert_eq!(tiers, [("A", 1, 10, Some(10)), ("B", 2, 10, Some(2)), ("C", 2, 1, Some(0))]);
        assert_eq!(store.rank_if_due(day("2026-11-28")).unwrap(), None, "ranked this month already");
        let tier = store.customer_tier(o.rossi).unwrap().unwrap();
        assert_eq!((tier.tier.as_str(), tier.since.as_str()), ("A", "2025-12-31"));
        let (rows, sum) = report_rows(store, ReportKind::Pyramid, &autumn());
        // Tier, customers, share, vehicles, share of vehicles, threshold.
        assert_eq!(
            rows,
            [
                vec![ct("A"), ci(1), cn(20.0), ci(10), cn(47.6), ci(10)],
                vec![ct("B"), ci(2), cn(40.0), ci(10), cn(47.6), ci(2)],
                vec![ct("C"), ci(2), cn(40.0), ci(1), cn(4.8), ci(0)],
            ]
        );
        assert_eq!(sum.unwrap()[..2], [ct(tr(Locale::En, "report.total")), ci(5)]);
        let (rows, _) = report_rows(store, ReportKind::PyramidMovers, &autumn());
        let up = ct(tr(Locale::En, "report.pyramid.up"));
        let down = ct(tr(Locale::En, "report.pyramid.down"));
        assert_eq!(
            rows,
            [
                vec![ct("Bianchi"), ct("Anna"), ct("C"), ct("B"), up, ct("2026-11-23")],
                vec![ct("Gialli"), ct("Bruno"), ct("B"), ct("C"), down, ct("2026-11-23")],
            ]
        );
        let tier_b = CustomerQuery { tier: Some("B".into()), ..Default::default() };
        let names: Vec<String> = store.search_customers(&tier_b).unwrap().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["Bianchi", "Verdi"]);
        let text_b = CustomerQuery { text: "milano".into(), tier: Some("B".into()), ..Default::default() };
        assert_eq!(store.search_customers(&text_b).unwrap().len(), 2);
        assert!(store.search_customers(&CustomerQuery { tier: Some("D".into()), ..Default::default() }).is_err());

        // The manager ranks by value instead: 80 / 15 of the vehicles.
        let by_value = PyramidSettings { mode: CutMode::Value, a: 80, b: 15, ..store.pyramid_settings().unwrap() };
        assert!(matches!(
            store.rank_customers(Some(o.anna), by_value.clone(), day("2026-11-23")),
            Err(Error::ManagerOnly)
        ));
        let r = store.rank_customers(Some(o.marco), by_value, day("2026-11-23")).unwrap();
        // 21 vehicles: Rossi 10 and Verdi 8 make 18 (A starts below 80% = 16.8: 0, 10 → A),
        // Bianchi starts at 18 (85.7% < 95%) → B; Gialli at 20 → C.
        let t: Vec<_> = r.tiers.iter().map(|t| t.customers).collect();
        assert_eq!(t, [2, 1, 2]);
        assert_eq!(store.pyramid_settings().unwrap().version, 1);
        let _ = (o.bianchi, o.verdi, o.neri, o.gialli);
    });
}

#[test]
fn market_share_by_segment_and_year_and_the_seven_ps_of_a_customer() {
    each_store(|store| {
        let o = report_office(store);
        let years =
            ReportQuery { from: Some("2020-01-01".into()), to: Some("2026-11-30".into()), ..Default::default() };
        let out = store.report(ReportKind::Market, &years, day("2026-11-23"), Locale::En).unwrap();
        let unknown = ct(tr(Locale::En, "fleet.weight_unknown"));
        let office = ct(tr(Locale::En, "report.market.office"));
        assert_eq!(
            out.table.rows,
            [
                vec![ct("Tractor unit"), unknown.clone(), ci(2026), ci(2), ci(2), cn(100.0)],
                vec![ct("Rigid truck"), unknown.clone(), ci(2022), ci(3), ci(0), cn(0.0)],
                vec![ct("Rigid truck"), unknown, ci(2020), ci(5), ci(5), cn(100.0)],
                vec![office.clone(), ct(""), ci(2026), ci(2), ci(2), cn(100.0)],
                vec![office.clone(), ct(""), ci(2022), ci(3), ci(0), cn(0.0)],
                vec![office, ct(""), ci(2020), ci(5), ci(5), cn(100.0)],
            ]
        );
        let crate::report::Chart::Lines { labels, series, .. } = out.chart else { panic!("a trend") };
        assert_eq!(labels, ["2020", "2022", "2026"]);
        assert_eq!(series[0].values, [Some(100.0), Some(0.0), Some(100.0)]);

        let q = ReportQuery { customer_id: Some(o.bianchi), ..autumn() };
        let a = store
            .customer_analysis(
                o.bianchi,
                &crate::report::Period::resolve(q.from.as_deref(), q.to.as_deref(), day("2026-11-23")).unwrap(),
                day("2026-11-23"),
            )
            .unwrap();
        assert_eq!((a.profile.owner_id, a.profile.people, a.profile.decision_makers), (Some(o.anna), 2, 0));
        let ps = &a.persistency;
        assert_eq!(
            (ps.customer_since.as_deref(), ps.orders, ps.repeat_orders, ps.fleet_share),
            (Some("2026-11-10"), 1, 0, Some(100.0))
        );
        assert_eq!(
            (ps.first_contact.as_deref(), ps.last_contact.as_deref()),
            (Some("2026-10-07T10:00"), Some("2026-11-20T10:00"))
        );
        let m = &a.profitability.lines[0];
        assert_eq!(
            (m.currency.as_str(), m.won, m.won_in_period, m.average_order),
            ("EUR", 5_000_000, 5_000_000, Some(5_000_000))
        );
        assert_eq!(a.profitability.by_year, [("2026".to_string(), 5_000_000)]);
        assert_eq!(
            a.performance.by_category,
            [("tractor".to_string(), 1, 2_500_000), ("van".to_string(), 1, 2_500_000)]
        );
        assert_eq!(a.performance.by_origin, [("card".to_string(), 1, 1)]);
        assert_eq!((a.prospecting.open_deals, a.prospecting.renewals_due), (0, 0));
        assert_eq!((a.product.vehicles, a.product.ours), (2, 2));
        assert_eq!(a.promotion.contacts_by_kind, [0, 2, 0, 0, 0]);
        assert_eq!((a.promotion.documents_sent, a.promotion.materials.len()), (1, 1));
        let (rows, _) = report_rows(store, ReportKind::Customer, &q);
        assert!(
            rows.iter().any(|r| r[1] == ct(tr(Locale::En, "report.p.customer_since")) && r[2] == ct("10/11/2026")),
            "{rows:?}"
        );
        // Verdi lost to Scania 10% under our price; its open deal is Gialli's, not its own.
        let v = store
            .customer_analysis(
                o.verdi,
                &crate::report::Period::resolve(Some("2026-10-01"), None, day("2026-11-23")).unwrap(),
                day("2026-11-23"),
            )
            .unwrap();
        assert_eq!((v.profitability.lines[0].lost, v.profitability.lines[0].price_gap), (10_000_000, Some(10.0)));
        assert_eq!(v.persistency.customer_since.as_deref(), Some("2020-12-31"), "MAN vehicles of 2020");
        assert!(
            store.report(ReportKind::Customer, &autumn(), day("2026-11-23"), Locale::En).is_err(),
            "which customer?"
        );
    });
}

#[test]
fn a_report_exports_as_csv_and_a_bad_period_is_refused() {
    each_store(|store| {
        report_office(store);
        let settings = store.pyramid_settings().unwrap();
        store.rank_at(settings, day("2026-11-23"), false).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("activity.csv");
        let rows = store.export_report(ReportKind::Activity, &autumn(), day("2026-11-23"), Locale::It, &path).unwrap();
        assert_eq!(rows, 2);
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "heading, two salespeople, total");
        assert!(lines[0].starts_with(tr(Locale::It, "report.col.salesperson")), "{}", lines[0]);
        assert!(lines[1].starts_with("Anna;1;1;2;200,0;50000,00;200000,00;250000,00;80,0"), "{}", lines[1]);
        assert!(!dir.path().join(".activity.csv.partial").exists());
        let bad = ReportQuery { from: Some("2026-12-01".into()), to: Some("2026-11-01".into()), ..Default::default() };
        assert!(matches!(
            store.report(ReportKind::Activity, &bad, day("2026-11-23"), Locale::En),
            Err(Error::Validation(_))
        ));
    });
}
