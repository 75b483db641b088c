//! Price list and offers, on every store.

use super::*;
use crate::customer::testing::customer;
use crate::funnel::deal::{DealData, StageKind};
use crate::offer::testing::{free_line, item, offer_for};
use crate::offer::{OfferLine, OfferQuery, OfferSettings, OfferStatus, PriceQuery, TradeIn};
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::day;
use crate::storage::testing::each_store;

fn field_keys(e: Error) -> Vec<(String, &'static str)> {
    match e {
        Error::Validation(f) => f.into_iter().map(|f| (f.field.to_string(), f.key)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn the_manager_keeps_the_price_list_and_imports_it_twice_without_duplicates() {
    each_store(|store| {
        let boss = user(store, "Capo", UserRole::Manager);
        let anna = user(store, "Anna", UserRole::Salesperson);
        let err = store.save_price_item(Some(anna.id), None, 0, item("TGX", 9_500_000, "", ""), false).unwrap_err();
        assert!(matches!(err, Error::ManagerOnly));
        let tgx =
            store.save_price_item(Some(boss.id), None, 0, item("TGX", 9_500_000, "", "2026-12-31"), false).unwrap();
        // The same code and first day twice is refused; a later price of the same code is not.
        let err = store.save_price_item(Some(boss.id), None, 0, item("TGX", 1, "", ""), false).unwrap_err();
        assert_eq!(field_keys(err), [("code".to_string(), "validation.price_code_taken")]);
        store.save_price_item(Some(boss.id), None, 0, item("TGX", 9_900_000, "2027-01-01", ""), false).unwrap();

        let on = |store: &mut Store, d: &str| -> Vec<i64> {
            let q = PriceQuery { valid_on: d.into(), ..Default::default() };
            store.price_items(&q).unwrap().into_iter().map(|i| i.data.price).collect()
        };
        assert_eq!(on(store, "2026-11-23"), [9_500_000]);
        assert_eq!(on(store, "2027-02-01"), [9_900_000]);
        let words = PriceQuery { text: "ciagnik tgx".into(), ..Default::default() };
        assert_eq!(store.price_items(&words).unwrap().len(), 2, "names in any language match, folded");

        // Retired items leave the picker but stay readable.
        let retired = store.save_price_item(Some(boss.id), Some(tgx.id), tgx.version, tgx.data.clone(), true).unwrap();
        assert!(retired.retired);
        assert_eq!(on(store, "2026-11-23"), Vec::<i64>::new());
        let stale = store.save_price_item(Some(boss.id), Some(tgx.id), tgx.version, tgx.data.clone(), false);
        assert!(matches!(stale, Err(Error::Conflict { .. })));

        // An import with one bad row changes nothing and names the row.
        let mut bad = item("TGS", 8_000_000, "", "");
        bad.currency = "XXX".into();
        let rows = vec![item("TGL", 6_000_000, "", ""), bad];
        let err = store.import_price_list(Some(boss.id), rows).unwrap_err();
        assert_eq!(field_keys(err), [("rows.1.currency".to_string(), "validation.currency")]);
        assert_eq!(store.price_items(&PriceQuery { include_retired: true, ..Default::default() }).unwrap().len(), 2);

        let rows = vec![item("TGL", 6_000_000, "", ""), item("TGX", 9_500_000, "", "2026-12-31")];
        let first = store.import_price_list(Some(boss.id), rows.clone()).unwrap();
        assert_eq!((first.added, first.updated, first.unchanged), (1, 1, 0), "TGX comes back from retirement");
        let again = store.import_price_list(Some(boss.id), rows).unwrap();
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2));
        assert_eq!(store.price_items(&PriceQuery { include_retired: true, ..Default::default() }).unwrap().len(), 3);
    });
}

#[test]
fn an_offer_is_numbered_priced_from_the_list_and_revised_without_touching_what_was_sent() {
    each_store(|store| {
        let boss = user(store, "Capo", UserRole::Manager);
        let c = store.create_customer(customer("Trans-Łódź", "Łódź", "PL", "")).unwrap();
        let tgx = store.save_price_item(Some(boss.id), None, 0, item("TGX", 9_500_000, "", ""), false).unwrap();
        store.set_actor(Some(boss.id));

        let draft = store.new_offer(c.id, None, day("2026-11-23"), Some(boss.id)).unwrap();
        assert_eq!((draft.language.as_str(), draft.date.as_str()), ("pl", "2026-11-23"));
        assert_eq!(draft.valid_until, "2026-12-23", "30 days by default");

        let line = OfferLine::from_item(&tgx, &draft.language, 2, 2300);
        assert_eq!(line.description, "Ciągnik TGX\n4x2, Euro 6e", "Polish name, English description as fallback");
        let mut data = offer_for(store, c.id, boss.id, vec![line, free_line("Szkolenie kierowców", 1, 120_000)]);
        data.trade_ins = vec![TradeIn { description: "MAN TGA 2012".into(), value: 1_500_000 }];
        let first = store.create_offer(data.clone()).unwrap();
        assert_eq!((first.number.as_str(), first.revision, first.status), ("OF-2026-0001", 1, OfferStatus::Draft));
        let second = store.create_offer(data.clone()).unwrap();
        assert_eq!(second.number, "OF-2026-0002");
        store.discard_offer(second.id, second.version).unwrap();

        // Changing the list later does not change the offer: it keeps its prices.
        store.save_price_item(Some(boss.id), Some(tgx.id), tgx.version, item("TGX", 9_900_000, "", ""), false).unwrap();
        let mut edited = first.data.clone();
        edited.global_discount_bp = 500;
        let first = store.update_offer(first.id, first.version, edited).unwrap();
        assert_eq!(first.data.lines[0].unit_price, 9_500_000);
        // 19 000 000 + 120 000 = 19 120 000; less 5 % = 18 164 000; VAT 23 % = 4 177 720.
        assert_eq!((first.totals.net, first.totals.gross, first.totals.to_pay), (18_164_000, 22_341_720, 20_841_720));

        let sent = store.send_offer(first.id, first.version).unwrap();
        let err = store.update_offer(sent.id, sent.version, sent.data.clone()).unwrap_err();
        assert!(matches!(err, Error::OfferState { .. }));
        let v2 = store.revise_offer(sent.id, day("2026-11-30")).unwrap();
        assert_eq!((v2.number.as_str(), v2.revision, v2.status), ("OF-2026-0001", 2, OfferStatus::Draft));
        assert_eq!(v2.data.date, "2026-11-30");
        let mut cheaper = v2.data.clone();
        cheaper.lines[0].discount_bp = 300;
        let v2 = store.update_offer(v2.id, v2.version, cheaper).unwrap();
        assert_eq!(store.offer(sent.id).unwrap(), sent, "revision 1 is kept exactly as it was sent");
        assert!(store.revise_offer(sent.id, day("2026-11-30")).is_err(), "only the newest revision is revised");

        let view = store.offer_view(v2.id).unwrap();
        assert_eq!(view.revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), [1, 2]);
        let list = store.offers(&OfferQuery { text: "lodz".into(), ..Default::default() }).unwrap();
        assert_eq!(list.iter().map(|o| (o.number.as_str(), o.revision)).collect::<Vec<_>>(), [("OF-2026-0001", 2)]);
        assert_eq!(list[0].total, v2.totals.to_pay);
        assert_eq!(store.offer_by_number("OF-2026-0001", Some(1)).unwrap().id, sent.id);
        let history = store.changes(crate::ground::audit::OFFER, first.id).unwrap();
        assert!(history.iter().any(|c| c.field == "global_discount_bp"), "offer edits are in the audit trail");
    });
}

#[test]
fn a_rejected_offer_loses_its_deal_with_the_reason_and_the_winner() {
    each_store(|store| {
        let anna = user(store, "Anna", UserRole::Salesperson);
        store.set_actor(Some(anna.id));
        let c = store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "")).unwrap();
        let deal = DealData {
            owner_id: Some(anna.id),
            title: "2 × TGX".into(),
            value: 19_000_000,
            currency: "EUR".into(),
            ..Default::default()
        };
        let deal = store.create_deal(c.id, deal, None, "card", Some(anna.id)).unwrap();
        let mut data = store.new_offer(c.id, Some(deal.id), day("2026-11-23"), Some(anna.id)).unwrap();
        assert_eq!((data.language.as_str(), data.deal_id), ("it", Some(deal.id)));
        data.lines = vec![free_line("TGX 18.510", 2, 9_500_000)];
        let offer = store.create_offer(data).unwrap();

        let refuse = |reason: &str| OfferDecision {
            status: "rejected".into(),
            reason: reason.into(),
            competitor: "Volvo".into(),
            competitor_price: Some(9_000_000),
            close_deal: true,
        };
        // Only a sent offer is rejected, and only for a reason of the office's list.
        assert!(matches!(
            store.decide_offer(offer.id, offer.version, refuse("price"), day("2026-11-25")),
            Err(Error::OfferState { .. })
        ));
        let sent = store.send_offer(offer.id, offer.version).unwrap();
        let err = store.decide_offer(sent.id, sent.version, refuse("no-such"), day("2026-11-25")).unwrap_err();
        assert_eq!(field_keys(err), [("reason".to_string(), "validation.reason_required")]);
        let reason = store.reason_settings().unwrap().lost[0].code.clone();
        let done = store.decide_offer(sent.id, sent.version, refuse(&reason), day("2026-11-25")).unwrap();
        assert_eq!((done.status, done.outcome_competitor.as_str()), (OfferStatus::Rejected, "Volvo"));
        assert_eq!(done.decided_on.as_deref(), Some("2026-11-25"));

        let lost = store.deal(deal.id).unwrap();
        let lost_stage = store.stage_settings().unwrap().of_kind(StageKind::Lost).id;
        assert_eq!(lost.state.stage_id, lost_stage);
        assert_eq!((lost.state.close_reason.as_str(), lost.state.lost_to.as_str()), (reason.as_str(), "Volvo"));
        assert_eq!(lost.state.lost_price, Some(9_000_000));
    });
}

#[test]
fn numbers_follow_the_offices_pattern_and_a_deal_of_another_customer_is_refused() {
    each_store(|store| {
        let boss = user(store, "Capo", UserRole::Manager);
        let bad = OfferSettings { number_pattern: "OFFER".into(), ..Default::default() };
        let err = store.save_offer_settings(Some(boss.id), bad).unwrap_err();
        assert_eq!(field_keys(err), [("number_pattern".to_string(), "validation.number_pattern")]);
        let settings = OfferSettings { number_pattern: "{YYYY}/{SEQ:3}/PL".into(), ..Default::default() };
        store.save_offer_settings(Some(boss.id), settings).unwrap();

        let a = store.create_customer(customer("A", "Kaunas", "LT", "")).unwrap();
        let b = store.create_customer(customer("B", "Vilnius", "LT", "")).unwrap();
        let data = offer_for(store, a.id, boss.id, vec![free_line("Sunkvežimis", 1, 1)]);
        assert_eq!(data.language, "lt");
        assert_eq!(store.create_offer(data.clone()).unwrap().number, "2026/001/PL");
        let deal_of_b = DealData { title: "B".into(), value: 1, currency: "EUR".into(), ..Default::default() };
        let deal_of_b = store.create_deal(b.id, deal_of_b, None, "card", Some(boss.id)).unwrap();
        let err = store.create_offer(crate::offer::OfferData { deal_id: Some(deal_of_b.id), ..data }).unwrap_err();
        assert_eq!(field_keys(err), [("deal_id".to_string(), "validation.choice")]);
    });
}

#[test]
fn a_new_offer_saved_twice_under_its_key_takes_one_number() {
    each_store(|store| {
        let boss = user(store, "Capo", UserRole::Manager);
        let a = store.create_customer(customer("A", "Verona", "IT", "")).unwrap();
        let data = offer_for(store, a.id, boss.id, vec![free_line("Trattore", 1, 9_000_000)]);
        let (first, now) = store.create_offer_once("builder-1", data.clone()).unwrap();
        assert!(now);
        // The same save again (a double Ctrl+S, a retry): the same offer, no second number.
        let (again, now) = store.create_offer_once("builder-1", data.clone()).unwrap();
        assert_eq!((again.id, again.number.as_str(), now), (first.id, first.number.as_str(), false));
        let (other, _) = store.create_offer_once("builder-2", data.clone()).unwrap();
        assert_ne!(other.number, first.number);
        let all = OfferQuery { customer_id: Some(a.id), ..Default::default() };
        assert_eq!(store.offers(&all).unwrap().len(), 2);
        // A bad key is refused and makes nothing; no key is a plain save.
        let err = store.create_offer_once("bad\u{7}key", data.clone()).unwrap_err();
        assert_eq!(field_keys(err), [("key".to_string(), "validation.control_chars")]);
        let err = store.create_offer_once(&"k".repeat(101), data.clone()).unwrap_err();
        assert_eq!(field_keys(err), [("key".to_string(), "validation.too_long")]);
        assert_eq!(store.offers(&all).unwrap().len(), 2);
        store.create_offer_once(" ", data).unwrap();
        assert_eq!(store.offers(&all).unwrap().len(), 3);
    });
}

#[test]
fn the_offices_currency_is_kept_and_a_bad_one_changes_nothing() {
    each_store(|store| {
        let boss = user(store, "Kierownik", UserRole::Manager);
        assert_eq!(store.offer_settings().unwrap().currency, "EUR", "until the office says otherwise");
        let bad = OfferSettings { currency: "ZLOTY".into(), ..Default::default() };
        let err = store.save_offer_settings(Some(boss.id), bad).unwrap_err();
        assert_eq!(field_keys(err), [("currency".to_string(), "validation.currency")]);
        assert_eq!(store.offer_settings().unwrap().currency, "EUR", "a refused save changes nothing");
        let pln = OfferSettings { currency: " pln ".into(), ..Default::default() };
        store.save_offer_settings(Some(boss.id), pln).unwrap();
        assert_eq!(store.offer_settings().unwrap().currency, "PLN");
    });
}
