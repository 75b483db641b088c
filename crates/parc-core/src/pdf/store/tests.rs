//! Printing from the store, on each store: an offer's sheet with the letterhead, the day's visit pack.

use crate::customer::testing::customer;
use crate::offer::testing::{free_line, item, offer_for};
use crate::offer::OfferLine;
use crate::office::testing::user;
use crate::office::UserRole;
use crate::storage::testing::day;
use crate::storage::testing::each_store;
use crate::storage::testing::field_keys;

#[test]
fn an_offer_prints_with_the_letterhead_and_the_day_of_visits_makes_one_pack() {
    each_store(|store| {
        let boss = user(store, "Capo", UserRole::Manager);
        let anna = user(store, "Anna Testa", UserRole::Salesperson);
        store.set_actor(Some(anna.id));
        let bad = crate::pdf::Letterhead {
            company_name: "Autocarri Nord".into(),
            logo_png: Some(b"GIF89a".to_vec()),
            ..Default::default()
        };
        assert_eq!(
            field_keys(store.save_letterhead(Some(boss.id), bad).unwrap_err()),
            [("logo_png", "validation.logo")]
        );
        let head = crate::pdf::Letterhead {
            company_name: "Autocarri Nord S.p.A.".into(),
            phone: "+39 045 1234567".into(),
            ..Default::default()
        };
        store.save_letterhead(Some(boss.id), head).unwrap();

        let c = store.create_customer(customer("UAB Šiaulių krovinių vežimas", "Šiauliai", "LT", "")).unwrap();
        let main = crate::customer::person::PersonData {
            name: "Jonas Žukauskas".into(),
            is_main: true,
            active: true,
            ..Default::default()
        };
        store.create_person(c.id, main).unwrap();
        let tgx =
            store.save_price_item(Some(boss.id), None, 0, item("TGX", 9_500_000, "", "2026-11-01"), false).unwrap();
        let mut data = offer_for(store, c.id, anna.id, vec![OfferLine::from_item(&tgx, "lt", 1, 2100)]);
        data.lines.push(free_line("Vairuotojų mokymai", 2, 65_000));
        let offer = store.create_offer(data).unwrap();

        let text = pdf_text(&store.offer_pdf(offer.id, None).unwrap());
        for expected in [
            "Autocarri Nord S.p.A.",
            "UAB Šiaulių krovinių vežimas",
            "Jonas Žukauskas",
            &offer.number,
            "Vairuotojų mokymai",
            "Anna Testa",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from {text}");
        }
        // The item has no Lithuanian name and its price ended before the offer's date.
        let problems = store.offer_print_check(offer.id, None, day("2026-11-23")).unwrap();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert!(keys.contains(&"pdf.problem.price_expired"), "{keys:?}");
        assert!(problems.iter().any(|p| p.field == "lines.0.description"), "{problems:?}");

        // A visit planned on the 25th: that day's pack has the offer and the customer's page.
        let visit = crate::contact::ContactData {
            happened_at: "2026-11-20T10:00".into(),
            kind: "phone".into(),
            agreed: "Visit to present the offer".into(),
            next_action: "Present the TGX offer".into(),
            next_kind: "visit".into(),
            next_due: Some("2026-11-25".into()),
            next_user_id: Some(anna.id),
            ..Default::default()
        };
        store.log_contact(c.id, visit, Some(anna.id)).unwrap();
        assert!(store.visit_pack(Some(anna.id), day("2026-11-24"), crate::ground::i18n::Locale::En).unwrap().is_none());
        let pack =
            store.visit_pack(Some(anna.id), day("2026-11-25"), crate::ground::i18n::Locale::En).unwrap().unwrap();
        let text = pdf_text(&pack);
        assert!(text.contains(&offer.number) && text.contains("Present the TGX offer"), "{text}");
        assert!(text.matches("UAB Šiaulių krovinių vežimas").count() >= 2);
    });
}

fn pdf_text(pdf: &[u8]) -> String {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8", file.path().to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed by the PDF tests");
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}
