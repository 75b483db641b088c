//! Copying a whole office from one store to another, on each kind of store.

use crate::contact::testing::call;
use crate::customer::custom_field::FieldKind;
use crate::customer::person::PersonData;
use crate::customer::testing::customer;
use crate::customer::testing::field;
use crate::customer::testing::names;
use crate::customer::testing::person;
use crate::funnel::deal::LeadData;
use crate::funnel::testing::deal_data;
use crate::funnel::testing::to;
use crate::ground::error::Error;
use crate::ground::i18n::Locale;
use crate::host::copy;
use crate::host::copy_store;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::report::testing::{autumn, report_office};
use crate::report::ReportKind;
use crate::storage::testing::day;
use crate::storage::testing::each_store;
use crate::storage::Store;

#[test]
fn a_copy_to_another_store_is_identical_and_refuses_a_non_empty_destination() {
    let mut source = Store::open_in_memory().unwrap();
    crate::host::demo::load(&mut source, 300, 2, day("2026-11-23"), |_, _| {}).unwrap();
    let anna = user(&mut source, "Anna", UserRole::Salesperson);
    let mut owned = source.customer(3).unwrap();
    owned.data.owner_id = Some(anna.id);
    source.update_customer(3, owned.version, owned.data).unwrap();
    let boss = source.create_person(3, PersonData { is_main: true, ..person("Mario") }).unwrap();
    source.create_person(3, PersonData { assistant_of: Some(boss.id), ..person("Sara") }).unwrap();
    let mut met = call("2026-11-20T10:00", "Wants 3 vans");
    met.person_ids = vec![boss.id];
    let k = source.log_contact(3, met, Some(anna.id)).unwrap();
    let mut fixed = k.data.clone();
    fixed.agreed = "Wants 3 tractor units".into();
    source.correct_contact(k.id, k.version, fixed, Some(anna.id)).unwrap();
    let archived = source.archive_customer(5).unwrap();
    let mut edited = source.customer(7).unwrap();
    edited.data.notes = "Called about two tractors; offer next week.".into();
    let boss_user = user(&mut source, "Capo", UserRole::Manager);
    let tier = source.define_custom_field(Some(boss_user.id), field("Tier", FieldKind::Choice, &["A", "B"])).unwrap();
    edited.data.custom.insert(tier.id, "A".into());
    source.update_customer(7, edited.version, edited.data).unwrap();
    let file = source.attach_file(k.id, "offer.pdf", b"%PDF-1.7 not really", Some(anna.id)).unwrap();
    let mut process = source.stage_settings().unwrap();
    process.stages[0].stall_days = 14;
    let process = source.save_stage_settings(Some(boss_user.id), process).unwrap();
    let sale = source
        .create_deal(3, deal_data("2 vans", 8_000_000, Some("2026-12-01"), Some(anna.id)), None, "card", None)
        .unwrap();
    let sale = source.move_deal(sale.id, sale.version, to(3), Some(anna.id), day("2026-11-23")).unwrap();
    let lead =
        LeadData { source: "fair".into(), received_on: "2026-11-02".into(), owner_id: None, note: "Stand B".into() };
    let lead = source.create_lead(7, lead, None).unwrap();
    source.take_forecast_snapshot(day("2026-11-30")).unwrap();

    each_store(|dest| {
        let report = copy_store(&mut source, dest).unwrap();
        assert_eq!(report.counts["customer"], 300);
        assert!(report.counts["person"] > 300 && report.counts["contact"] > 1000 && report.counts["app_user"] > 1);
        assert_eq!(dest.contact_revisions(k.id).unwrap()[0].previous.agreed, "Wants 3 vans");
        assert_eq!(dest.people(3).unwrap(), source.people(3).unwrap());
        assert_eq!(report, copy::fingerprint(&mut source).unwrap());
        assert_eq!(dest.customer(5).unwrap(), archived);
        assert_eq!(dest.customer(7).unwrap().version, 2);
        assert_eq!(dest.customer(7).unwrap().data.custom[&tier.id], "A");
        assert_eq!(dest.attachment(file.id).unwrap().1, b"%PDF-1.7 not really");
        assert_eq!(report.counts["custom_field"], 1);
        assert_eq!(dest.stage_settings().unwrap(), process);
        assert_eq!(
            dest.deal_view(sale.id, day("2026-11-23")).unwrap().moves,
            source.deal_view(sale.id, day("2026-11-23")).unwrap().moves
        );
        assert_eq!(dest.deal(sale.id).unwrap(), sale);
        assert_eq!(dest.lead(lead.id).unwrap(), lead);
        assert!(report.counts["forecast_snapshot"] > 0);
        let again = dest.create_deal(3, deal_data("after", 1, None, None), None, "card", None).unwrap();
        assert!(again.id > sale.id);
        assert_eq!(names(dest, "lodz"), names(&mut source, "lodz"));
        assert_eq!(dest.changes("customer", 7).unwrap(), source.changes("customer", 7).unwrap());
        assert!(report.counts["change_log"] > 300);
        // New customers continue after the copied ids.
        let next = dest.create_customer(customer("After the copy", "Vilnius", "LT", "")).unwrap();
        assert_eq!(next.id, 301);
        assert!(matches!(copy_store(&mut source, dest), Err(Error::StoreNotEmpty)));
    });
}

#[test]
fn reports_read_the_same_from_a_copy() {
    each_store(|store| {
        report_office(store);
        let settings = store.pyramid_settings().unwrap();
        store.rank_at(settings, day("2026-11-23"), false).unwrap();
        let mut copy = Store::open_in_memory().unwrap();
        copy_store(store, &mut copy).unwrap();
        for kind in ReportKind::ALL.into_iter().filter(|k| *k != ReportKind::Customer) {
            let a = store.report(kind, &autumn(), day("2026-11-23"), Locale::It).unwrap().table;
            let b = copy.report(kind, &autumn(), day("2026-11-23"), Locale::It).unwrap().table;
            assert_eq!(a, b, "{kind:?}");
        }
    });
}

#[test]
fn export_profiles_survive_a_copy_which_sends_everything_anew() {
    use crate::exchange::Kind;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "")).unwrap();
    let out = dir.path().join("x.csv");
    store.export_csv("customers", &out, false, &mut |_| {}).unwrap();
    let mut copy = Store::open_in_memory().unwrap();
    copy_store(&mut store, &mut copy).unwrap();
    let copied = copy.exchange_profile(Kind::Export, "customers").unwrap();
    assert_eq!(copied.watermark, None, "the copy's changes are counted anew");
    let again = copy.export_csv("customers", &out, false, &mut |_| {}).unwrap();
    assert_eq!((again.rows, again.full_reason), (1, Some("first")));
}
