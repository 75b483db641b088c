//! Reports kept to a segment, on each store.

use super::*;
use crate::contact::ContactData;
use crate::customer::person::PersonData;
use crate::fleet::testing::vehicles;
use crate::ground::i18n::Locale;
use crate::report::testing::*;
use crate::report::{CostSettings, ReportKind, ReportQuery};
use crate::storage::testing::day;
use crate::storage::testing::each_store;

/// A saved segment, by its filter.
fn saved_segment(store: &mut Store, name: &str, filter: crate::segment::SegmentFilter) -> i64 {
    store.create_segment(crate::segment::SegmentData { name: name.into(), filter }).unwrap().id
}

#[test]
fn a_report_kept_to_a_segment_counts_only_its_customers() {
    for scan in [true, false] {
        crate::segment::scope::SCAN_ALL.with(|f| f.set(Some(scan)));
        segment_reports();
    }
    crate::segment::scope::SCAN_ALL.with(|f| f.set(None));
}

fn segment_reports() {
    each_store(|store| {
        let o = report_office(store);
        let settings = store.pyramid_settings().unwrap();
        store.rank_at(settings.clone(), day("2025-12-31"), false).unwrap();
        store.rank_at(settings, day("2026-11-23"), false).unwrap();
        // Customers with MAN vehicles: Bianchi (Anna's, new) and Verdi (Bruno's, ours since 2020).
        let filter = crate::segment::SegmentFilter { brands: vec!["MAN".into()], ..Default::default() };
        let man = saved_segment(store, "MAN fleets", filter);
        let q = ReportQuery { segment_id: Some(man), currency: Some("EUR".into()), ..autumn() };

        let (rows, _) = report_rows(store, ReportKind::Activity, &q);
        assert_eq!(
            rows[0],
            [ct("Anna"), ci(1), ci(1), ci(1), cn(100.0), ci(5_000_000), ci(0), ci(5_000_000), cn(0.0)],
            "Rossi's order is not in the segment"
        );
        assert_eq!(rows[1][..4], [ct("Bruno"), ci(1), ci(0), ci(0)], "Neri's deal is not; Verdi had bought");
        // Anna's two calls to Bianchi (new in October, existing once it bought on 10 November),
        // Carla's e-mail to Verdi (existing); Rossi's visits are not in the segment.
        let (rows, sum) = report_rows(store, ReportKind::Contacts, &q);
        assert_eq!(
            rows[0],
            [ct("Anna"), ci(2), cn(0.0), cn(0.2), ci(1), ci(1), ci(0), ci(2), ci(0), ci(0), ci(0), cn(0.4)]
        );
        assert_eq!(
            rows[2],
            [ct("Carla"), ci(1), cn(0.0), cn(0.1), ci(0), ci(1), ci(0), ci(0), ci(0), ci(1), ci(0), cn(0.1)]
        );
        assert_eq!(sum.unwrap()[1], ci(3));
        // Met: the assistant twice, the person without a role once; nobody at Verdi.
        let (rows, _) = report_rows(store, ReportKind::ContactRoles, &q);
        assert_eq!(rows[0], [ct("Anna"), ci(2), ci(0), ci(0), ci(0), ci(2), ci(0), ci(0), ci(1), cn(0.0)]);
        let (rows, _) = report_rows(store, ReportKind::Products, &q);
        assert_eq!(
            rows,
            [
                vec![ct("Tractor unit"), ct("TGX"), ci(1), ci(0), ci(1), ci(1), ci(2_500_000)],
                vec![ct("Van"), ct("TGE"), ci(1), ci(0), ci(1), ci(1), ci(2_500_000)],
            ]
        );
        let (rows, _) = report_rows(store, ReportKind::Outcomes, &q);
        assert_eq!(
            rows,
            [
                vec![ct("Anna"), ci(1), ci(5_000_000), ci(0), ci(0), ci(0), ci(0), cn(100.0)],
                vec![ct("Bruno"), ci(0), ci(0), ci(1), ci(10_000_000), ci(0), ci(0), cn(0.0)],
            ],
            "Neri's postponed deal is not in the segment"
        );
        let (rows, _) = report_rows(store, ReportKind::Reasons, &q);
        assert_eq!(rows, [vec![ct("Lost"), ct("Price"), ci(0), ci(1), ci(1), ci(10_000_000), cn(100.0)]]);
        let (rows, _) = report_rows(store, ReportKind::Stages, &q);
        let forward: Vec<_> = rows.iter().filter(|r| r[2] != ci(0) || r[4] != ci(0)).map(|r| r[..6].to_vec()).collect();
        assert_eq!(
            forward,
            [
                vec![ct("Anna"), ct("Target customer"), ci(1), ci(0), ci(0), ci(0)],
                vec![ct("Anna"), ct("Qualified"), ci(1), ci(0), ci(0), ci(0)],
                vec![ct("Bruno"), ct("Target customer"), ci(0), ci(0), ci(1), ci(0)],
            ],
            "Rossi's and Gialli's deals moved too, outside the segment"
        );
        // Pyramid: both in B (8 and 2 vehicles); only Bianchi moved, up from C.
        let (rows, sum) = report_rows(store, ReportKind::Pyramid, &q);
        assert_eq!(rows[1][..4], [ct("B"), ci(2), cn(100.0), ci(10)]);
        assert_eq!((rows[0][1].clone(), rows[2][1].clone()), (ci(0), ci(0)));
        assert_eq!(sum.unwrap()[1], ci(2));
        let (rows, _) = report_rows(store, ReportKind::PyramidMovers, &q);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0][..4], [ct("Bianchi"), ct("Anna"), ct("C"), ct("B")]);
        // Their fleets only: Bianchi's 2 MAN tractors, Verdi's 5 MAN and 3 Scania rigids.
        let years = ReportQuery { from: Some("2010-01-01".into()), ..q.clone() };
        let (rows, _) = report_rows(store, ReportKind::Market, &years);
        let office: Vec<_> = rows.iter().filter(|r| r[1] == ct("")).map(|r| r[2..5].to_vec()).collect();
        assert_eq!(office, [vec![ci(2026), ci(2), ci(2)], vec![ci(2022), ci(3), ci(0)], vec![ci(2020), ci(5), ci(5)]]);

        // A segment as it is the day of the report: Rossi buys MAN vehicles and joins it.
        store.create_fleet_bulk(vec![(o.rossi, vehicles("MAN", "tractor", 1, Some(2026)))]).unwrap();
        let (rows, _) = report_rows(store, ReportKind::Products, &q);
        assert_eq!(rows[0][2], ci(3), "Rossi's two TGX of October count now");
        let out = store.report(ReportKind::Products, &q, day("2026-11-23"), Locale::It).unwrap();
        assert!(out.table.subtitle.ends_with("segmento «MAN fleets»: 3 clienti"), "{}", out.table.subtitle);
        // An unknown segment is an error, not everyone.
        let gone = ReportQuery { segment_id: Some(man + 100), ..autumn() };
        assert!(matches!(
            store.report(ReportKind::Activity, &gone, day("2026-11-23"), Locale::En),
            Err(Error::NotFound { .. })
        ));
    });
}

#[test]
fn a_report_kept_to_everyone_reads_the_rows_and_agrees_with_the_running_tallies() {
    // Kept to a segment, the reports read contacts, stage moves, fleet lines and tiers row by
    // row instead of the tallies and summaries kept in step: over everyone, both must agree.
    each_store(|store| {
        let o = report_office(store);
        let settings = store.pyramid_settings().unwrap();
        store.rank_at(settings.clone(), day("2025-12-31"), false).unwrap();
        store.rank_at(settings, day("2026-11-23"), false).unwrap();
        // A role given and a contact corrected after logging move the tallies; the rows follow.
        let p = store.person(o.unknown_role).unwrap();
        store.update_person(p.id, p.version, PersonData { decision_role: "user".into(), ..p.data }).unwrap();
        let late = store.contact(o.late_call).unwrap();
        let fixed = ContactData { kind: "visit".into(), duration_min: 30, ..late.data.clone() };
        store.correct_contact(late.id, late.version, fixed, Some(o.anna)).unwrap();
        let hourly = CostSettings { version: 0, hourly_cost: Some(4_500), currency: "EUR".into() };
        store.save_cost_settings(Some(o.marco), hourly).unwrap();
        let everyone = saved_segment(store, "Everyone", Default::default());
        let years = ReportQuery { from: Some("2020-01-01".into()), ..autumn() };
        let bases = [autumn(), years, ReportQuery { currency: Some("PLN".into()), ..autumn() }];
        for (base, scan) in bases.into_iter().flat_map(|b| [(b.clone(), true), (b, false)]) {
            crate::segment::scope::SCAN_ALL.with(|f| f.set(Some(scan)));
            for kind in ReportKind::ALL.into_iter().filter(|k| *k != ReportKind::Customer) {
                let all = store.report(kind, &base, day("2026-11-23"), Locale::En).unwrap();
                let scoped = ReportQuery { segment_id: Some(everyone), ..base.clone() };
                let kept = store.report(kind, &scoped, day("2026-11-23"), Locale::En).unwrap();
                assert_eq!((&kept.table.rows, &kept.table.total), (&all.table.rows, &all.table.total), "{kind:?}");
                assert_eq!(kept.data, all.data, "{kind:?}");
                assert!(kept.table.subtitle.contains("“Everyone”: 5 customers"), "{}", kept.table.subtitle);
            }
        }
        crate::segment::scope::SCAN_ALL.with(|f| f.set(None));
    });
}
