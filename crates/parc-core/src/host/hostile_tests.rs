//! Hostile input: random data fed to every validating entry point of the store. Whatever
//! comes in, either it is valid and saved exactly as read back, or it is refused with a
//! `Validation` error whose every message is translated, and nothing changed. Independently
//! of the validators, nothing saved ever holds a control character, an over-long text or
//! an impossible date.

use crate::customer::CustomerData;
use crate::ground::error::Error;
use crate::storage::Store;
use proptest::prelude::*;

use super::*;
use crate::contact::{ContactData, HistoryFilter, MaterialData};
use crate::customer::custom_field::{CustomFieldData, FieldKind};
use crate::customer::person::PersonData;
use crate::ground::i18n::{self, Locale};
use crate::office::{UserData, UserRole};

/// Text as people and broken files send it: ordinary words, accents and Chinese, HTML and
/// formulas, control characters, very long runs, surrounding spaces.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z0-9 .,&'-]{0,30}",
        2 => "[ \\PC]{0,40}",
        1 => Just("<script>alert(1)</script>".to_string()),
        1 => Just("=HYPERLINK(\"http://x\")".to_string()),
        1 => Just("Łódź Šiauliai 上海顺达".to_string()),
        1 => "[a-z]{0,5}[\\x00-\\x1f\\x7f][a-z]{0,5}",
        1 => "[a-z\u{80}-\u{9f}]{1,6}",
        1 => (190usize..260).prop_map(|n| "x".repeat(n)),
        1 => Just(String::new()),
        1 => Just("  padded  ".to_string()),
    ]
}

/// Mostly a good value (so records get through to be saved), sometimes hostile text.
fn mostly(good: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![4 => prop::sample::select(good).prop_map(str::to_string), 1 => text()]
}

const PHONES: &[&str] = &["", "+39 045 123456", "0039-02-1234567"];
const EMAILS: &[&str] = &["", "info@rossi.it", "biuro@trans.pl"];

fn day() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (2020i32..2030, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        1 => Just("2026-02-30".to_string()),
        1 => Just("2026-13-01".to_string()),
        1 => Just("2026-1-5".to_string()),
        1 => Just("yesterday".to_string()),
        1 => text(),
    ]
}

fn number() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![Just(None), (0i64..100_000).prop_map(Some), any::<i64>().prop_map(Some), Just(Some(-1))]
}

fn customer_data() -> impl Strategy<Value = CustomerData> {
    (
        (
            text(),
            text(),
            text(),
            prop_oneof![Just("IT".to_string()), Just("pl".to_string()), Just(String::new()), text()],
        ),
        (
            mostly(PHONES),
            mostly(EMAILS),
            text(),
            prop_oneof![Just("00743110157".to_string()), Just(String::new()), text()],
        ),
        (
            number(),
            number(),
            prop_oneof![Just("EUR".to_string()), Just("PLN".to_string()), text()],
            mostly(&["", "www.rossi.it"]),
        ),
    )
        .prop_map(
            |((name, city, street, country), (phone, email, notes, vat_id), (employees, turnover, currency, web))| {
                CustomerData {
                    name,
                    city,
                    street,
                    country,
                    phone,
                    email,
                    notes,
                    vat_id,
                    employees,
                    annual_turnover: turnover,
                    turnover_currency: currency,
                    web,
                    ..Default::default()
                }
            },
        )
}

fn person_data() -> impl Strategy<Value = PersonData> {
    (text(), text(), mostly(&["decision_maker", ""]), mostly(PHONES), mostly(EMAILS), text()).prop_map(
        |(name, position, decision_role, phone, email, notes)| PersonData {
            name,
            position,
            decision_role,
            phone,
            email,
            notes,
            active: true,
            ..Default::default()
        },
    )
}

fn contact_data() -> impl Strategy<Value = ContactData> {
    (
        prop_oneof![day().prop_map(|d| format!("{d}T10:30")), Just("2026-03-01T25:00".to_string()), text()],
        prop_oneof![Just(15i64), any::<i64>(), Just(-5i64)],
        mostly(&["visit", "phone"]),
        text(),
        text(),
        prop_oneof![Just(None), day().prop_map(Some)],
        prop_oneof![Just(vec![]), Just(vec![1]), Just(vec![424242])],
    )
        .prop_map(|(happened_at, duration_min, kind, agreed, next_action, next_due, person_ids)| ContactData {
            happened_at,
            duration_min,
            kind,
            agreed,
            next_action,
            next_due,
            person_ids,
            ..Default::default()
        })
}

fn material_data() -> impl Strategy<Value = MaterialData> {
    (
        text(),
        prop_oneof![Just(30i64), any::<i64>(), Just(0i64), Just(-1i64)],
        prop_oneof![Just(None), day().prop_map(Some)],
    )
        .prop_map(|(name, every_days, last_sent)| MaterialData { name, every_days, last_sent })
}

/// A store with one customer (id 1) and its person (id 1), a manager, and an office number
/// field and date field.
fn fixture() -> (Store, i64, i64) {
    let mut store = Store::open_in_memory().unwrap();
    let boss = store
        .create_user(UserData { name: "Capo".into(), role: UserRole::Manager, active: true, ..Default::default() })
        .unwrap();
    let field = |label: &str, kind| CustomFieldData { label: label.into(), kind, choices: vec![], retired: false };
    let number = store.define_custom_field(Some(boss.id), field("Trucks", FieldKind::Number)).unwrap();
    let date = store.define_custom_field(Some(boss.id), field("Contract", FieldKind::Date)).unwrap();
    store.create_customer(crate::customer::testing::customer("Rossi", "Verona", "IT", "")).unwrap();
    store.create_person(1, PersonData { name: "Mario".into(), active: true, ..Default::default() }).unwrap();
    (store, number.id, date.id)
}

/// Everything in the store, to tell that a refused input changed nothing.
fn snapshot(store: &mut Store) -> String {
    let r = copy::fingerprint(store).unwrap();
    format!("{:?} {}", r.counts, r.checksum)
}

/// A refusal must be a `Validation` (or `NotFound` for unknown ids) whose every message
/// exists in every language.
fn assert_refusal(err: &Error) {
    match err {
        Error::Validation(fields) => {
            assert!(!fields.is_empty());
            for f in fields {
                for locale in Locale::ALL {
                    assert_ne!(i18n::tr(locale, f.key), f.key, "{} untranslated in {locale:?}", f.key);
                }
            }
        }
        Error::NotFound { .. } => {}
        other => panic!("not a person's error: {other:?}"),
    }
    for locale in Locale::ALL {
        assert!(!err.message(locale).is_empty());
    }
}

fn clean_line(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !crate::ground::vat::has_control(s) && s.trim() == s
}

fn clean_lines(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !crate::ground::vat::has_control_in_lines(s)
}

fn is_day(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok_and(|d| d.format("%Y-%m-%d").to_string() == s)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn customers_are_saved_as_read_back_or_refused_changing_nothing(
        data in customer_data(),
        trucks in prop_oneof![Just(None), text().prop_map(Some), Just(Some("-3".to_string())), Just(Some("12".to_string()))],
        contract in prop_oneof![Just(None), day().prop_map(Some)],
    ) {
        let (mut store, number, date) = fixture();
        let mut data = data;
        if let Some(t) = trucks { data.custom.insert(number, t); }
        if let Some(c) = contract { data.custom.insert(date, c); }
        let before = snapshot(&mut store);
        match store.create_customer(data.clone()) {
            Ok(saved) => {
                prop_assert_eq!(&store.customer(saved.id).unwrap(), &saved);
                let d = &saved.data;
                for s in [&d.name, &d.city, &d.street, &d.country, &d.phone, &d.email, &d.vat_id, &d.web] {
                    prop_assert!(clean_line(s, 200), "saved {:?}", s);
                }
                prop_assert!(clean_lines(&d.notes, 20_000));
                prop_assert!(d.employees.is_none_or(|n| n >= 0));
                prop_assert!(d.annual_turnover.is_none_or(|n| n >= 0));
                if let Some(c) = d.custom.get(&date) { prop_assert!(is_day(c), "date {:?}", c); }
                if let Some(t) = d.custom.get(&number) { prop_assert!(t.parse::<f64>().is_ok(), "number {:?}", t); }
                // An edit with the same data is valid too, and a stale one is a conflict.
                let again = store.update_customer(saved.id, saved.version, data.clone()).unwrap();
                let stale = store.update_customer(saved.id, saved.version, data);
                prop_assert!(matches!(stale, Err(Error::Conflict { .. })), "stale save: {:?}", stale.map(|c| c.version));
                prop_assert_eq!(again.version, 2);
            }
            Err(e) => {
                assert_refusal(&e);
                prop_assert_eq!(&snapshot(&mut store), &before);
                // The same data over an existing customer is refused the same way.
                let c = store.customer(1).unwrap();
                let err = store.update_customer(1, c.version, data).unwrap_err();
                assert_refusal(&err);
                prop_assert_eq!(&snapshot(&mut store), &before);
            }
        }
    }

    #[test]
    fn people_are_saved_as_read_back_or_refused_changing_nothing(data in person_data(), customer in prop_oneof![Just(1i64), Just(99i64), Just(-1i64)]) {
        let (mut store, _, _) = fixture();
        let before = snapshot(&mut store);
        match store.create_person(customer, data) {
            Ok(p) => {
                prop_assert_eq!(&store.person(p.id).unwrap(), &p);
                for s in [&p.data.name, &p.data.position, &p.data.phone, &p.data.email] {
                    prop_assert!(clean_line(s, 200), "saved {:?}", s);
                }
                prop_assert!(clean_lines(&p.data.notes, 20_000));
            }
            Err(e) => {
                assert_refusal(&e);
                prop_assert_eq!(&snapshot(&mut store), &before);
            }
        }
    }

    #[test]
    fn contacts_are_saved_as_read_back_or_refused_changing_nothing(data in contact_data(), customer in prop_oneof![3 => Just(1i64), 1 => Just(77i64)]) {
        let (mut store, _, _) = fixture();
        let before = snapshot(&mut store);
        match store.log_contact(customer, data, None) {
            Ok(c) => {
                prop_assert_eq!(&store.contact(c.id).unwrap(), &c);
                prop_assert!(chrono::NaiveDateTime::parse_from_str(&c.data.happened_at, "%Y-%m-%dT%H:%M").is_ok());
                prop_assert!(c.data.duration_min >= 0);
                prop_assert!(c.data.next_due.as_deref().is_none_or(is_day));
                prop_assert!(clean_lines(&c.data.agreed, 20_000));
                prop_assert!(clean_line(&c.data.next_action, 500));
                let all = HistoryFilter::default();
                prop_assert_eq!(store.contact_history(customer, &all).unwrap().len(), 1);
            }
            Err(e) => {
                assert_refusal(&e);
                prop_assert_eq!(&snapshot(&mut store), &before);
            }
        }
    }

    #[test]
    fn materials_are_saved_as_read_back_or_refused_changing_nothing(data in material_data(), customer in prop_oneof![3 => Just(1i64), 1 => Just(55i64)]) {
        let (mut store, _, _) = fixture();
        let before = snapshot(&mut store);
        match store.add_material(customer, data) {
            Ok(m) => {
                prop_assert_eq!(store.materials(customer).unwrap(), vec![m.clone()]);
                prop_assert!(clean_line(&m.data.name, 200));
                prop_assert!((1..=3650).contains(&m.data.every_days));
                prop_assert!(m.data.last_sent.as_deref().is_none_or(is_day));
            }
            Err(e) => {
                assert_refusal(&e);
                prop_assert_eq!(&snapshot(&mut store), &before);
            }
        }
    }

    #[test]
    fn the_home_country_is_saved_as_read_back_or_refused_changing_nothing(
        code in prop_oneof![3 => prop::sample::select(crate::customer::COUNTRIES).prop_map(str::to_string), 1 => text()],
    ) {
        let (mut store, _, _) = fixture();
        let before = snapshot(&mut store);
        let boss = store.users().unwrap()[0].id;
        match store.set_home_country(Some(boss), &code) {
            Ok(saved) => {
                prop_assert_eq!(&store.home_country().unwrap(), &saved);
                prop_assert!(saved.iter().all(|c| crate::customer::COUNTRIES.contains(&c.as_str())));
            }
            Err(e) => {
                assert_refusal(&e);
                prop_assert_eq!(&snapshot(&mut store), &before);
            }
        }
        // Whatever a file's cell says, a country read from it is a code or nothing.
        prop_assert!(crate::ground::country::lookup(&code).is_none_or(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())));
    }

    #[test]
    fn custom_field_definitions_are_saved_or_refused_changing_nothing(
        label in text(),
        choices in prop::collection::vec(text(), 0..4),
        kind in prop_oneof![Just(FieldKind::Text), Just(FieldKind::Choice), Just(FieldKind::Number)],
    ) {
        let (mut store, _, _) = fixture();
        let before = snapshot(&mut store);
        let boss = store.users().unwrap()[0].id;
        match store.define_custom_field(Some(boss), CustomFieldData { label, kind, choices, retired: false }) {
            Ok(f) => {
                prop_assert!(clean_line(&f.data.label, 200));
                prop_assert!(f.data.choices.iter().all(|c| clean_line(c, 200)));
                prop_assert!(store.custom_fields().unwrap().contains(&f));
            }
            Err(e) => {
                assert_refusal(&e);
                prop_assert_eq!(&snapshot(&mut store), &before);
            }
        }
    }
}

fn offer_line() -> impl Strategy<Value = crate::offer::OfferLine> {
    (
        text(),
        text(),
        -5i64..20_000,
        prop_oneof![3 => 0i64..10_000_000, 1 => any::<i64>()],
        -10i64..12_000,
        -10i64..6_000,
    )
        .prop_map(|(code, description, quantity, unit_price, discount_bp, vat_bp)| crate::offer::OfferLine {
            item_id: None,
            code,
            description,
            quantity,
            unit_price,
            discount_bp,
            vat_bp,
        })
}

fn offer_data() -> impl Strategy<Value = crate::offer::OfferData> {
    (
        (prop_oneof![3 => Just("pl".to_string()), 1 => text()], mostly(&["EUR", "PLN"]), day(), day()),
        (prop::collection::vec(offer_line(), 0..4), -10i64..12_000, text(), text()),
        (
            prop::collection::vec((text(), prop_oneof![0i64..1_000_000, any::<i64>()]), 0..2),
            prop::option::of((text(), any::<i64>(), -2i64..200, any::<i64>())),
        ),
    )
        .prop_map(
            |(
                (language, currency, date, valid_until),
                (lines, global_discount_bp, payment_terms, notes),
                (trades, financing),
            )| {
                crate::offer::OfferData {
                    customer_id: 1,
                    language,
                    currency,
                    date,
                    valid_until,
                    lines,
                    global_discount_bp,
                    trade_ins: trades
                        .into_iter()
                        .map(|(description, value)| crate::offer::TradeIn { description, value })
                        .collect(),
                    financing: financing.map(|(provider, down_payment, months, monthly_rate)| {
                        crate::offer::Financing { provider, down_payment, months, monthly_rate }
                    }),
                    payment_terms,
                    notes,
                    ..Default::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn offers_are_saved_as_read_back_or_refused_changing_nothing(data in offer_data()) {
        let (mut store, _, _) = fixture();
        let before = snapshot(&mut store);
        match store.create_offer(data) {
            Ok(o) => {
                prop_assert_eq!(&store.offer(o.id).unwrap(), &o);
                prop_assert!(o.data.lines.iter().all(|l| clean_lines(&l.description, 4000) && !l.description.is_empty()));
                prop_assert!(clean_lines(&o.data.notes, 4000) && is_day(&o.data.date));
                prop_assert_eq!(o.totals.to_pay, o.totals.gross - o.totals.trade_in);
            }
            Err(e) => {
                assert_refusal(&e);
                prop_assert_eq!(&snapshot(&mut store), &before);
            }
        }
    }

    /// Any bytes as a price list file: read and imported whole, or refused, never a panic and
    /// never half a list.
    #[test]
    fn price_list_files_import_whole_or_not_at_all(
        bytes in prop_oneof![
            2 => prop::collection::vec(any::<u8>(), 0..300),
            3 => (text(), text(), "[0-9 .,]{0,12}", mostly(&["EUR", "PLN", "XXX"]), mostly(&["model", "option", "car"]))
                .prop_map(|(code, name, price, currency, kind)| format!(
                    "code;kind;price;currency;name_en\nA1;model;100;EUR;Good\n{code};{kind};{price};{currency};{name}\n"
                ).into_bytes()),
        ]
    ) {
        let (mut store, _, _) = fixture();
        let boss = store.users().unwrap()[0].id;
        let before = snapshot(&mut store);
        match store.import_price_file(Some(boss), &bytes) {
            Ok(done) => {
                let items = store.price_items(&crate::offer::PriceQuery { include_retired: true, ..Default::default() }).unwrap();
                prop_assert_eq!(items.len(), done.added);
                prop_assert!(items.iter().all(|i| clean_line(&i.data.code, 60) && i.data.names.values().all(|n| clean_line(n, 200))));
            }
            Err(e) => {
                assert_refusal(&e);
                prop_assert_eq!(&snapshot(&mut store), &before);
            }
        }
    }
}

#[test]
fn unknown_ids_are_not_found_and_change_nothing() {
    let (mut store, _, _) = fixture();
    let before = snapshot(&mut store);
    let c = store.customer(1).unwrap();
    assert!(matches!(store.update_customer(404, 1, c.data.clone()), Err(Error::NotFound { .. })));
    assert!(matches!(store.archive_customer(404), Err(Error::NotFound { .. })));
    let p = store.person(1).unwrap();
    assert!(matches!(store.update_person(404, 1, p.data), Err(Error::NotFound { .. })));
    assert!(matches!(store.attach_file(404, "a.pdf", b"x", None), Err(Error::NotFound { .. })));
    assert!(matches!(store.delete_material(404), Err(Error::NotFound { .. })));
    assert!(store.complete_action(404, "done", None, None).is_err());
    assert_eq!(snapshot(&mut store), before);
}
