use super::*;
use crate::contact::HistoryFilter;
use crate::customer::person::DECISION_ROLES;
use crate::customer::store::search::CustomerQuery;

use crate::storage::testing::day;

#[test]
fn is_reproducible_and_valid() {
    let a = customers(300, 7);
    assert_eq!(a, customers(300, 7));
    assert_ne!(a, customers(300, 8));
    for c in &a {
        c.clone().validated().unwrap_or_else(|e| panic!("{} invalid: {e}", c.name));
    }
}

#[test]
fn every_city_appears_from_100_customers() {
    let set = customers(100, 1);
    for city in CITIES {
        assert!(set.iter().any(|c| c.city == city.name), "{} missing", city.name);
    }
    for must in ["Łódź", "Kraków", "Šiauliai", "Milano", "上海"] {
        assert!(set.iter().any(|c| c.city == must));
    }
}

#[test]
fn vat_ids_are_unique_at_scale() {
    let set = customers(20_000, 3);
    let mut ids: Vec<_> = set.iter().map(|c| (c.country.clone(), c.vat_id.clone())).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), set.len());
}

/// One customer as a load wrote it: its card, people and contacts (newest first).
type Written = (CustomerData, Vec<PersonData>, Vec<ContactData>);

/// Everything a load wrote, without the save stamps: the users, then every customer.
fn snapshot(store: &mut Store) -> (Vec<UserData>, Vec<Written>) {
    let users = store.users().unwrap().into_iter().map(|u| u.data).collect();
    let all = CustomerQuery { limit: 1000, include_archived: true, ..Default::default() };
    let mut ids: Vec<i64> = store.search_customers(&all).unwrap().iter().map(|c| c.id).collect();
    ids.sort_unstable();
    let everything = HistoryFilter { limit: Some(1000), ..Default::default() };
    let customers = ids
        .into_iter()
        .map(|id| {
            let card = store.customer(id).unwrap().data;
            let people = store.people(id).unwrap().into_iter().map(|p| p.data).collect();
            let contacts = store.contact_history(id, &everything).unwrap().into_iter().map(|k| k.data).collect();
            (card, people, contacts)
        })
        .collect();
    (users, customers)
}

#[test]
fn the_same_count_seed_and_day_give_the_same_office_people_and_history() {
    let today = day("2026-11-23");
    let mut a = Store::open_in_memory().unwrap();
    let mut b = Store::open_in_memory().unwrap();
    let ra = load_office(&mut a, 120, 5, today, |_, _| {}).unwrap();
    let rb = load_office(&mut b, 120, 5, today, |_, _| {}).unwrap();
    assert_eq!(ra, rb);
    assert_eq!((ra.users, ra.customers), (OFFICE.len(), 120));
    let snap = snapshot(&mut a);
    assert_eq!(snap, snapshot(&mut b));
    // The cards are those of `customers`, with their owners.
    let mut names: Vec<_> = snap.1.iter().map(|(c, _, _)| c.name.clone()).collect();
    let mut expected: Vec<_> = customers(120, 5).into_iter().map(|c| c.name).collect();
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
    assert!(snap.1.iter().all(|(c, _, _)| c.owner_id.is_some()));

    let mut c = Store::open_in_memory().unwrap();
    load(&mut c, 120, 5, day("2026-12-01"), |_, _| {}).unwrap();
    assert_ne!(snapshot(&mut c).1, snap.1, "another day moves the history");
    let mut d = Store::open_in_memory().unwrap();
    load(&mut d, 120, 6, today, |_, _| {}).unwrap();
    assert_ne!(snapshot(&mut d).1, snap.1, "another seed is another history");
}

#[test]
fn customers_have_about_ten_contacts_and_one_main_contact_each() {
    let today = day("2026-11-23");
    for (kind, mut store) in crate::storage::testing::stores() {
        let report = load_office(&mut store, 400, 3, today, |_, _| {}).unwrap();
        let per_customer = report.contacts as f64 / report.customers as f64;
        assert!((9.0..=11.0).contains(&per_customer), "{kind}: {per_customer} contacts per customer");
        let counts = store.check().unwrap().counts;
        assert_eq!(counts["contact"] as usize, report.contacts, "{kind}");
        assert_eq!(counts["person"] as usize, report.people, "{kind}");
        assert_eq!(counts["app_user"] as usize, OFFICE.len(), "{kind}");

        let (_, snap) = snapshot(&mut store);
        assert_eq!(snap.len(), 400);
        let (mut people, mut gone, mut open) = (0, 0, 0);
        let oldest = (today - Days::new(3 * 365 + 3)).format(DATE_FORMAT).to_string();
        let now = today.format(DATE_FORMAT).to_string();
        for (card, persons, contacts) in &snap {
            assert_eq!(persons.iter().filter(|p| p.is_main).count(), 1, "{kind}: {}", card.name);
            assert!(persons.iter().all(|p| p.is_main <= p.active), "the main contact works there");
            assert!((2..=4).contains(&persons.len()));
            assert!((3..=17).contains(&contacts.len()));
            people += persons.len();
            gone += persons.iter().filter(|p| !p.active).count();
            for p in persons {
                p.clone().validated().unwrap();
                assert!(DECISION_ROLES.contains(&p.decision_role.as_str()));
            }
            // Newest first: only the latest may leave an open action, due around today.
            assert!(contacts[1..].iter().all(|k| k.next_due.is_none()));
            if let Some(due) = &contacts[0].next_due {
                open += 1;
                let due = day(due);
                assert!(due >= today - Days::new(20) && due <= today + Days::new(30), "{due}");
                assert_eq!(contacts[0].next_user_id, card.owner_id);
            }
            for k in contacts {
                assert!(k.happened_at.as_str() > oldest.as_str() && k.happened_at.as_str() < now.as_str());
                assert!(!k.person_ids.is_empty() && !k.agreed.is_empty());
                let users = [card.owner_id, card.assistant_ids.first().copied()];
                assert!(users.contains(&k.user_id), "made by the owner or the assistant");
            }
        }
        let gone = gone as f64 / people as f64;
        assert!((0.02..=0.09).contains(&gone), "{kind}: {gone} of the people left");
        let open = open as f64 / snap.len() as f64;
        assert!((0.78..=0.92).contains(&open), "{kind}: {open} of the customers have an open action");
    }
}

#[test]
fn a_salesperson_has_an_agenda_and_customers_going_cold() {
    let today = day("2026-11-23");
    for (kind, mut store) in crate::storage::testing::stores() {
        load(&mut store, 300, 1, today, |_, _| {}).unwrap();
        let users = store.users().unwrap();
        let seller = users.iter().find(|u| u.data.role == UserRole::Salesperson).unwrap();
        let agenda = store.agenda(Some(seller.id), today).unwrap();
        assert!(!agenda.overdue.is_empty(), "{kind}: nothing overdue");
        assert!(!agenda.upcoming.is_empty(), "{kind}: nothing this week");
        assert!(!agenda.visits.is_empty(), "{kind}: no visits planned");
        assert!(!agenda.materials.is_empty(), "{kind}: no materials to send");
        let per_customer = store.check().unwrap().counts["customer_material"] as f64 / 300.0;
        assert!((0.15..=0.4).contains(&per_customer), "{kind}: {per_customer} materials per customer");
        let cold = store.going_cold(Some(seller.id), 60, today, 100).unwrap();
        assert!(!cold.is_empty(), "{kind}: nobody going cold");
        for u in users.iter().filter(|u| u.data.role != UserRole::Salesperson) {
            let mine = CustomerQuery { owner_id: Some(u.id), ..Default::default() };
            assert!(store.search_customers(&mine).unwrap().is_empty(), "only salespeople own customers");
        }
    }
}

#[test]
fn large_sets_keep_each_agenda_to_what_one_salesperson_can_do() {
    assert_eq!(open_per_million(400, 6), 850_000);
    assert_eq!(open_per_million(2_800, 6), 850_000);
    let open = |customers: usize| customers as u64 * open_per_million(customers, 6) / 1_000_000;
    for customers in [10_000, 100_000, 1_000_000] {
        let per_seller = open(customers) / 6;
        assert!((390..=400).contains(&per_seller), "{customers}: {per_seller} open actions each");
    }
    assert_eq!(open_per_million(0, 0), 850_000);
}

#[test]
fn an_existing_office_is_reused_and_a_second_set_adds_to_the_first() {
    let today = day("2026-11-23");
    let mut store = Store::open_in_memory().unwrap();
    let anna = store.create_user(UserData { name: "Anna Nowak".into(), active: true, ..Default::default() }).unwrap();
    let report = load_office(&mut store, 60, 1, today, |_, _| {}).unwrap();
    assert_eq!(report.users, 0);
    assert_eq!(store.users().unwrap().len(), 1);
    let mine = CustomerQuery { owner_id: Some(anna.id), limit: 1000, ..Default::default() };
    assert_eq!(store.search_customers(&mine).unwrap().len(), 60);
    // Another seed on top: new VAT ids, and its people and contacts find their customers.
    let more = load_office(&mut store, 60, 2, today, |_, _| {}).unwrap();
    assert_eq!(more.customers, 60);
    assert_eq!(store.count_customers().unwrap(), 120);
    assert_eq!(store.check().unwrap().counts["person"] as usize, report.people + more.people);
}

#[test]
fn a_keyed_demo_load_resumes_after_an_interruption_and_adds_nothing_twice() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut whole = Store::open_in_memory().unwrap();
    load_once(&mut whole, "demo-1", 2500, 3, today, |_, _| {}).unwrap();
    let mut cut = Store::open_in_memory().unwrap();
    let interrupted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        load_once(&mut cut, "demo-1", 2500, 3, today, |done, _| assert!(done < 2000, "power cut"))
    }));
    assert!(interrupted.is_err());
    assert_eq!(cut.count_customers().unwrap(), 2000);
    let resumed = load_once(&mut cut, "demo-1", 2500, 3, today, |_, _| {}).unwrap();
    assert_eq!((resumed.users, resumed.customers), (0, 500));
    let counts = |s: &mut Store| {
        let mut c = s.check().unwrap().counts;
        c.remove("change_log");
        c.remove("operation");
        c
    };
    assert_eq!(counts(&mut cut), counts(&mut whole));
    let cards = |s: &mut Store| -> Vec<(String, String)> {
        s.all_customers().unwrap().into_iter().map(|c| (c.data.name, c.data.vat_id)).collect()
    };
    assert_eq!(cards(&mut cut), cards(&mut whole));
    assert_eq!(load_once(&mut cut, "demo-1", 2500, 3, today, |_, _| {}).unwrap(), DemoReport::default());
    assert_eq!(counts(&mut cut), counts(&mut whole));
}

#[test]
fn about_one_deal_per_customer_in_every_stage_with_histories_leads_and_past_forecasts() {
    let mut store = Store::open_in_memory().unwrap();
    let today = day("2026-11-23");
    let r = load_office(&mut store, 400, 3, today, |_, _| {}).unwrap();
    assert_eq!(r.deals, 400);
    assert!((70..=170).contains(&r.leads), "{} leads", r.leads);
    let eur = crate::funnel::FunnelQuery { currency: Some("EUR".into()), ..Default::default() };
    let f = store.funnel(&eur, today).unwrap();
    for s in &f.stages {
        assert!(s.now.deals > 0, "nobody in stage {}", s.stage_id);
        if s.kind == crate::funnel::deal::StageKind::Open {
            assert!(s.avg_days.is_some() && s.conversion.is_some(), "stage {}", s.stage_id);
        }
    }
    assert!(f.stalled > 0 && f.win_rate.is_some());
    assert!(f.forecast.months[0].pipeline.deals > 0 && f.forecast.months[0].commit.deals > 0);
    let acc = store.forecast_accuracy(None, Some("EUR".into()), 6, today).unwrap();
    assert!(acc.iter().all(|a| a.pipeline.deals > 0), "{acc:?}");
    assert!(acc.iter().any(|a| a.won.deals > 0));
    let leads = store.lead_funnel(&crate::funnel::FunnelQuery::default()).unwrap();
    assert!(leads.iter().any(|l| l.qualified > 0 && l.won > 0 && l.disqualified > 0));
    let a_seller = store.users().unwrap().into_iter().find(|u| u.data.role == UserRole::Salesperson).unwrap();
    assert!(!store.agenda(None, today).unwrap().revisits.is_empty());
    assert!(!store
        .deals(&crate::funnel::deal::DealQuery { owner_id: Some(a_seller.id), ..Default::default() }, today)
        .unwrap()
        .is_empty());
}
