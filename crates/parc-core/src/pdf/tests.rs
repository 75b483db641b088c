//! The printed documents, read back with poppler (`pdftotext`, `pdffonts`, `pdfinfo`,
//! `pdfimages`) as a person's viewer would: every label, name and total must come out exactly.

use std::io::Write;
use std::process::Command;

use proptest::prelude::*;

use super::*;
use crate::offer::{Financing, OfferData, OfferLine, OfferStatus, PriceItem, PriceItemData, TradeIn};

const LOGO: &[u8] = DEMO_LOGO_PNG;

/// A customer per language, with the letters that go wrong first.
fn customer_for(language: &str) -> CustomerBlock {
    let (name, address, vat, person) = match language {
        "it" => ("Trasporti Nicolò Fabbri S.r.l.", "Via Emilia 45, 40026 Imola (BO)", "IT02345678901", "Nicolò Fabbri"),
        "pl" => (
            "Przedsiębiorstwo Transportowe Łódź Sp. z o.o.",
            "ul. Piotrkowska 120, 90-006 Łódź",
            "PL7251234567",
            "Żaneta Wróblewska-Kęsik",
        ),
        "lt" => (
            "UAB Šiaulių krovinių pervežimai",
            "Vilniaus g. 88, LT-76285 Šiauliai",
            "LT100001234567",
            "Žydrūnė Čepulytė",
        ),
        "zh" => ("上海顺达物流有限公司", "上海市浦东新区张江路 88 号", "91310115MA1K4XXX7Q", "王晓明"),
        _ => ("Northern Haulage Ltd", "12 Dock Road, Hull HU1 2AB", "GB123456789", "Sarah O'Neill"),
    };
    CustomerBlock {
        name: name.into(),
        address_lines: vec![address.into()],
        vat_id: vat.into(),
        contact_person: person.into(),
    }
}

fn description_for(language: &str, i: usize) -> String {
    match language {
        "it" => format!("Trattore stradale MAN TGX 18.510 4x2 BL SA, cabina GX, allestimento {i}"),
        "pl" => format!("Ciągnik siodłowy MAN TGX 18.510 4x2, kabina GX, zabudowa nr {i} (ząb, źdźbło)"),
        "lt" => format!("Vilkikas MAN TGX 18.510 4x2, GX kabina, įranga Nr. {i} (ąčęėįšųūž)"),
        "zh" => format!("曼恩 TGX 18.510 4x2 牵引车，GX 驾驶室，配置 {i}"),
        _ => format!("MAN TGX 18.510 4x2 BL SA tractor unit, GX cab, equipment {i}"),
    }
}

pub(crate) fn sample_offer(language: &str, lines: usize) -> OfferSheet {
    let currency = match language {
        "pl" => "PLN",
        "zh" => "CNY",
        _ => "EUR",
    };
    let data = OfferData {
        customer_id: 1,
        language: language.into(),
        currency: currency.into(),
        date: "2026-03-07".into(),
        valid_until: "2026-04-06".into(),
        lines: (0..lines)
            .map(|i| OfferLine {
                item_id: None,
                code: format!("TGX-18.510-{i}"),
                description: description_for(language, i),
                quantity: 1 + i as i64 % 3,
                unit_price: 9_876_543 + i as i64 * 10_000,
                discount_bp: if i % 4 == 0 { 0 } else { 350 },
                vat_bp: if i % 2 == 0 { 2200 } else { 1000 },
            })
            .collect(),
        global_discount_bp: 200,
        trade_ins: vec![TradeIn { description: "MAN TGA 18.440 (2012)".into(), value: 1_500_000 }],
        financing: Some(Financing {
            provider: "MAN Financial Services".into(),
            down_payment: 2_000_000,
            months: 48,
            monthly_rate: 345_678,
        }),
        payment_terms: "30 days net".into(),
        delivery_time: "12 weeks from order".into(),
        notes: "Prices include delivery to your depot.\nSecond line of notes.".into(),
        salesperson_id: None,
        deal_id: None,
    };
    OfferSheet {
        offer: Offer {
            id: 1,
            number: "OF-2026-0042".into(),
            decided_on: None,
            revision: 2,
            status: OfferStatus::Draft,
            totals: data.totals(),
            data,
            outcome_reason: String::new(),
            outcome_competitor: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
            created_by: None,
            version: 1,
        },
        letterhead: Letterhead {
            company_name: "Autocarri Padani S.p.A.".into(),
            address_lines: vec!["Via dell'Industria 12".into(), "20090 Segrate (MI), Italia".into()],
            vat_id: "IT01234567890".into(),
            phone: "+39 02 1234 5678".into(),
            email: "vendite@autocarripadani.it".into(),
            web: "www.autocarripadani.it".into(),
            bank_details: "Banca Intesa Sanpaolo · IBAN IT60 X054 2811 1010 0000 0123 456".into(),
            logo_png: Some(LOGO.to_vec()),
        },
        customer: customer_for(language),
        signature: Signature {
            name: "Giulia Romano".into(),
            title: "Sales consultant".into(),
            phone: "+39 335 123 4567".into(),
            email: "giulia.romano@autocarripadani.it".into(),
        },
    }
}

fn sample_summary(language: &str, rows: usize) -> CustomerSummary {
    CustomerSummary {
        language: language.into(),
        day: "2026-03-09".into(),
        customer: customer_for("pl"),
        phone: "+48 42 123 45 67".into(),
        email: "biuro@pt-lodz.pl".into(),
        salesperson: "Giulia Romano".into(),
        people: (0..rows)
            .map(|i| SummaryPerson {
                name: format!("Żaneta Wróblewska {i}"),
                position: "Kierownik floty".into(),
                decision_role: if i == 0 { "decision_maker".into() } else { "user".into() },
                phone: "+48 601 234 567".into(),
                email: "z.wroblewska@pt-lodz.pl".into(),
                is_main: i == 0,
            })
            .collect(),
        fleet: (0..rows)
            .map(|i| SummaryVehicle {
                brand: if i % 2 == 0 { "MAN".into() } else { "Scania".into() },
                model: "TGX 18.510".into(),
                category: "tractor".into(),
                vehicles: 1 + i as i64,
                first_registered: Some(2018 + (i % 5) as i32),
                plate: format!("EL {i}234K"),
                vin: String::new(),
                renewal_due: "2027-05-01".into(),
                ours: i % 2 == 0,
            })
            .collect(),
        contacts: (0..rows)
            .map(|i| SummaryContact {
                happened_at: "2026-02-20T10:30".into(),
                kind: "visit".into(),
                user: "Giulia Romano".into(),
                people: "Żaneta Wróblewska".into(),
                agreed: format!("Offer for two tractors discussed, trade-in of the old TGA to be valued ({i}). They want delivery before summer and compare with Scania."),
            })
            .collect(),
        actions: (0..rows)
            .map(|i| SummaryAction {
                due: "2026-03-12".into(),
                kind: "phone".into(),
                what: format!("Call back about the trade-in value {i}"),
                user: "Giulia Romano".into(),
            })
            .collect(),
    }
}

/// Runs a poppler tool on `pdf`; poppler-utils is installed by `scripts/install-deps --tests`.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pdf).unwrap();
    let path = file.path().to_str().unwrap().to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.push(&path);
    if tool == "pdftotext" {
        all.push("-");
    }
    let out = Command::new(tool)
        .args(&all)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed by the PDF tests (poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The text of the pages, whitespace (line breaks and no-break spaces included) as single spaces.
fn text(pdf: &[u8], pages: Option<(usize, usize)>) -> String {
    let (first, last) = pages.map(|(f, l)| (f.to_string(), l.to_string())).unwrap_or_default();
    let mut args = vec!["-raw", "-enc", "UTF-8"];
    if pages.is_some() {
        args.extend(["-f", &first, "-l", &last]);
    }
    squeeze(&poppler("pdftotext", &args, pdf))
}

fn squeeze(s: &str) -> String {
    s.split(|c: char| c.is_whitespace()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
}

fn page_count(pdf: &[u8]) -> usize {
    let info = poppler("pdfinfo", &[], pdf);
    let line = info.lines().find(|l| l.starts_with("Pages:")).expect("pdfinfo names the pages");
    line["Pages:".len()..].trim().parse().unwrap()
}

/// Whether the extracted text has `needle`, its spaces as single spaces. A line break inside
/// Chinese text is no space, so text with Chinese in it is compared without any whitespace.
fn assert_contains(haystack: &str, needle: &str, what: &str) {
    let chinese =
        needle.chars().any(|c| ('\u{3000}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c));
    let (found, needle) = if chinese {
        let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        (bare(haystack).contains(&bare(needle)), bare(needle))
    } else {
        let needle = squeeze(needle);
        (haystack.contains(&needle), needle)
    };
    assert!(found, "{what}: {needle:?} is not in the text:\n{haystack}");
}

#[test]
fn every_language_prints_its_labels_the_customer_and_the_totals_exactly() {
    for locale in Locale::ALL {
        let lang = locale.code();
        let sheet = sample_offer(lang, 3);
        let pdf = offer_pdf(&sheet).unwrap();
        assert_eq!(page_count(&pdf), 1, "{lang}");
        let text = text(&pdf, None);
        let fmt = locale.format();
        let t = sheet.offer.data.totals();
        let cur = sheet.offer.data.currency.as_str();
        for key in [
            "pdf.offer.title",
            "pdf.offer.number",
            "pdf.offer.valid_until",
            "pdf.customer",
            "pdf.col.description",
            "pdf.total.subtotal",
            "pdf.total.gross",
            "pdf.total.to_pay",
            "pdf.financing.monthly_rate",
            "pdf.payment_terms",
            "pdf.regards",
            "pdf.intro",
        ] {
            assert_contains(&text, i18n::tr(locale, key), &format!("{lang} label {key}"));
        }
        assert_contains(&text, &i18n::trf(locale, "pdf.page", &[("page", "1"), ("pages", "1")]), lang);
        assert_contains(&text, &sheet.customer.name, &format!("{lang} customer"));
        assert_contains(&text, &sheet.customer.contact_person, &format!("{lang} contact person"));
        assert_contains(&text, &sheet.customer.address_lines[0], &format!("{lang} address"));
        for line in &sheet.offer.data.lines {
            assert_contains(&text, &line.description, &format!("{lang} description"));
        }
        for amount in [t.subtotal, -t.global_discount, t.gross, t.to_pay, 345_678, 2_000_000] {
            assert_contains(&text, &fmt.money(amount, cur), &format!("{lang} total"));
        }
        for v in &t.vat {
            assert_contains(&text, &fmt.money(v.vat, cur), &format!("{lang} VAT"));
            assert_contains(&text, &fmt.money(v.net, cur), &format!("{lang} net per rate"));
        }
        for amount in &t.lines {
            assert_contains(&text, &fmt.minor_units(*amount, 2), &format!("{lang} line amount"));
        }
        assert_contains(
            &text,
            &fmt.date(chrono::NaiveDate::from_ymd_opt(2026, 4, 6).unwrap()),
            &format!("{lang} valid until"),
        );
        assert!(
            !text.contains('\u{fffd}') && !text.contains('?'),
            "{lang}: a replacement character or '?' was printed"
        );
    }
    // The formats the issue names.
    assert!(
        text(&offer_pdf(&sample_offer("it", 2)).unwrap(), None).contains("1.234,56 €")
            || Locale::It.format().money(123_456, "EUR") == "1.234,56\u{a0}€"
    );
}

#[test]
fn every_font_is_embedded_as_a_subset_with_a_unicode_map() {
    for lang in ["pl", "zh"] {
        let pdf = offer_pdf(&sample_offer(lang, 3)).unwrap();
        let fonts = poppler("pdffonts", &[], &pdf);
        let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
        // DejaVu regular and bold for the Latin text, WenQuanYi for the Chinese one.
        let expected = if lang == "zh" { 3 } else { 2 };
        assert_eq!(rows.len(), expected, "{lang}: {fonts}");
        assert!(fonts.contains("+DejaVuSans ") && fonts.contains("+DejaVuSans-Bold "), "{fonts}");
        assert_eq!(fonts.contains("+WenQuanYiMicroHei "), lang == "zh", "{fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{lang}: not embedded, subset and mapped: {row}");
        }
    }
    // A document without Chinese carries no Chinese font.
    let mut latin = sample_offer("it", 2);
    latin.customer = customer_for("it");
    let fonts = poppler("pdffonts", &[], &offer_pdf(&latin).unwrap());
    assert!(!fonts.contains("WenQuanYi"), "{fonts}");
}

#[test]
fn a_one_page_chinese_offer_stays_small() {
    let mut sheet = sample_offer("zh", 6);
    sheet.offer.data.notes = "价格含运费至贵司场站。交车前提供驾驶培训两天。".into();
    let pdf = offer_pdf(&sheet).unwrap();
    assert_eq!(page_count(&pdf), 1);
    assert!(pdf.len() < 500 * 1024, "{} bytes", pdf.len());
    assert_contains(&text(&pdf, None), "价格含运费至贵司场站。交车前提供驾驶培训两天。", "Chinese notes");
}

#[test]
fn long_offers_continue_on_the_next_page_with_the_header_repeated() {
    let sheet = sample_offer("en", 60);
    let pdf = offer_pdf(&sheet).unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 2, "{pages} pages");
    for page in 1..=pages {
        let text = text(&pdf, Some((page, page)));
        assert_contains(&text, &format!("Page {page} of {pages}"), "page number");
        if page > 1 {
            assert_contains(&text, "Offer OF-2026-0042 (continued)", "running head");
        }
        if page == 2 {
            assert_contains(&text, "Code Description Qty", "repeated table header");
        }
    }
    // Every line is printed once, in order.
    let all = text(&pdf, None);
    let mut from = 0;
    for line in &sheet.offer.data.lines {
        let needle = squeeze(&line.description);
        let at = all[from..].find(&needle).unwrap_or_else(|| panic!("{needle} missing or out of order"));
        from += at + needle.len();
    }
}

#[test]
fn a_description_longer_than_a_page_continues_on_the_next() {
    let mut sheet = sample_offer("lt", 2);
    let words: Vec<String> = (0..1500).map(|i| format!("žodis{i}")).collect();
    sheet.offer.data.lines[1].description = words.join(" ");
    let pdf = offer_pdf(&sheet).unwrap();
    assert!(page_count(&pdf) >= 3);
    let all = text(&pdf, None);
    for i in [0, 700, 1499] {
        assert!(all.contains(&format!("žodis{i}")), "word {i} missing");
    }
}

#[test]
fn characters_no_font_has_are_left_out_not_boxed() {
    let mut sheet = sample_offer("en", 1);
    sheet.offer.data.lines[0].description = "Cab 🚚 with fridge\u{7}".into();
    let pdf = offer_pdf(&sheet).unwrap();
    let text = text(&pdf, None);
    assert_contains(&text, "Cab with fridge", "the printable part");
    assert!(!text.contains('🚚') && !text.contains('\u{fffd}') && !text.contains('?'));
}

#[test]
fn the_letterhead_logo_is_printed_once_per_document() {
    let pdf = offer_pdf(&sample_offer("en", 60)).unwrap();
    let images = poppler("pdfimages", &["-list"], &pdf);
    let rows: Vec<Vec<&str>> = images.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    // The logo and its transparency (a soft mask), compressed.
    assert_eq!(rows.iter().map(|r| r[2]).collect::<Vec<_>>(), ["image", "smask"], "{images}");
    assert_eq!((rows[0][3], rows[0][4]), ("300", "90"), "{images}");
    assert!(rows.iter().all(|r| r[r.len() - 1] != "100%"), "compressed: {images}");
    let json = serde_json::to_string(&sample_offer("en", 1).letterhead).unwrap();
    assert!(json.contains("\"logo_png\":\"iVBORw0KGgo"), "the logo is base64 in JSON");
    let back: Letterhead = serde_json::from_str(&json).unwrap();
    assert_eq!(back.logo_png.as_deref(), Some(LOGO));
    let none: Letterhead = serde_json::from_str(r#"{"company_name":"X","logo_png":""}"#).unwrap();
    assert_eq!(none.logo_png, None);
    assert!(serde_json::from_str::<Letterhead>(r#"{"logo_png":"not base64!"}"#).is_err());
}

fn item(id: i64, names: &[(&str, &str)], valid_to: &str) -> PriceItem {
    PriceItem {
        id,
        retired: false,
        updated_at: String::new(),
        data: PriceItemData {
            code: format!("ITEM-{id}"),
            kind: "model".into(),
            names: names.iter().map(|(l, n)| (l.to_string(), n.to_string())).collect(),
            price: 100,
            currency: "EUR".into(),
            valid_to: valid_to.into(),
            ..Default::default()
        },
        version: 1,
    }
}

#[test]
fn the_check_finds_each_kind_of_problem() {
    let items = [
        item(1, &[("pl", "Ciągnik"), ("en", "Tractor")], ""),
        item(2, &[("it", "Trattore"), ("en", "Tractor")], ""),
        item(3, &[("pl", "Wywrotka")], "2026-02-28"),
    ];
    let mut sheet = sample_offer("pl", 4);
    let lines = &mut sheet.offer.data.lines;
    lines[0].item_id = Some(1);
    lines[1].item_id = Some(2);
    lines[2].item_id = Some(3);
    let clean = check(&sheet, &items[..1], "2026-03-07");
    assert_eq!(clean, [], "a sound offer has no problem");

    let problems = check(&sheet, &items, "2026-03-07");
    let keys: Vec<(&str, &str)> = problems.iter().map(|p| (p.key.as_str(), p.field.as_str())).collect();
    assert_eq!(
        keys,
        [
            ("pdf.problem.description_missing", "lines.1.description"),
            ("pdf.problem.price_expired", "lines.2.unit_price")
        ]
    );
    assert_eq!(problems[1].args["valid_to"], "2026-02-28");
    assert_eq!(
        problems[0].message(Locale::En),
        "Line 2 (TGX-18.510-1): the price list has no text in Polski for this item."
    );
    assert_eq!(
        problems[1].message(Locale::Pl),
        "Pozycja 3 (TGX-18.510-2): cena obowiązywała do 28.02.2026, przed datą oferty."
    );

    sheet.offer.data.lines[3].description = "  ".into();
    sheet.offer.data.notes = "Kabina 🚚 i lodówka\u{1}".into();
    sheet.customer.name = "Łódź ☃ 😀 Sp. z o.o.".into();
    sheet.letterhead.logo_png = Some(b"GIF89a not a png".to_vec());
    let problems = check(&sheet, &items, "2026-05-01");
    let keys: Vec<(&str, &str)> = problems.iter().map(|p| (p.key.as_str(), p.field.as_str())).collect();
    assert_eq!(
        keys,
        [
            ("pdf.problem.description_missing", "lines.1.description"),
            ("pdf.problem.price_expired", "lines.2.unit_price"),
            ("pdf.problem.description_empty", "lines.3.description"),
            ("pdf.problem.offer_expired", "valid_until"),
            ("pdf.problem.character", "notes"),
            ("pdf.problem.character", "notes"),
            ("pdf.problem.logo", "letterhead.logo_png"),
        ],
        "the snowman and 😀 are in DejaVu, so they print"
    );
    let emoji = &problems[4];
    assert_eq!((emoji.args["char"].as_str(), emoji.args["code"].as_str()), ("🚚", "U+1F69A"));
    assert_eq!(emoji.args["text"], "Kabina 🚚 i lodówka");
    assert_eq!(problems[5].args["code"], "U+0001");
    assert!(problems[4].message(Locale::It).contains("U+1F69A"));

    sheet.offer.data.language = "fr".into();
    let problems = check(&sheet, &items, "2026-03-07");
    assert_eq!(problems[0].key, "pdf.problem.language");
    assert_eq!(
        problems[0].message(Locale::En),
        "The offer's language (fr) is not one Parc prints: it will print in English."
    );
    // Every problem a check can name has a message in every language.
    for p in problems {
        for locale in Locale::ALL {
            assert!(i18n::has_key(locale, &p.key), "{} lacks {}", locale.code(), p.key);
        }
    }
    for key in sheet::OFFER_LABELS {
        for locale in Locale::ALL {
            assert!(i18n::has_key(locale, key), "{} lacks {key}", locale.code());
        }
    }
}

#[test]
fn every_label_the_offer_prints_is_listed_for_the_check() {
    let source = include_str!("sheet.rs");
    let used: Vec<&str> =
        source.split('"').skip(1).step_by(2).filter(|s| s.starts_with("pdf.") && !s.contains('{')).collect();
    assert!(used.len() > 30, "the scan found too little: {used:?}");
    for key in used {
        assert!(sheet::OFFER_LABELS.contains(&key), "{key} is printed but not in OFFER_LABELS");
    }
    for name in ["code", "description", "quantity", "unit_price", "discount", "vat", "amount"] {
        assert!(sheet::OFFER_LABELS.contains(&format!("pdf.col.{name}").as_str()));
    }
}

#[test]
fn the_visit_pack_puts_each_customers_offers_before_its_summary() {
    let entries = [
        VisitPackEntry { offers: vec![sample_offer("pl", 30)], summary: sample_summary("it", 3) },
        VisitPackEntry { offers: vec![sample_offer("zh", 2), sample_offer("lt", 2)], summary: sample_summary("en", 0) },
    ];
    let pdf = visit_pack(&entries).unwrap();
    let offer_pages: Vec<usize> =
        entries.iter().flat_map(|e| &e.offers).map(|o| page_count(&offer_pdf(o).unwrap())).collect();
    let pages = page_count(&pdf);
    assert_eq!(pages, offer_pages.iter().sum::<usize>() + 2);
    let first_summary = offer_pages[0] + 1;
    let summary = text(&pdf, Some((first_summary, first_summary)));
    assert_contains(&summary, "Scheda cliente", "the summary's title, in the salesperson's language");
    assert_contains(&summary, "Pagina 1 di 1", "its own page numbers");
    assert_contains(&text(&pdf, Some((1, 1))), &format!("Strona 1 z {}", offer_pages[0]), "the Polish offer's");
    let last = text(&pdf, Some((pages, pages)));
    assert_contains(&last, "Nothing recorded.", "empty lists say so");
    assert_contains(
        &text(&pdf, Some((first_summary + 1, first_summary + 1))),
        "上海顺达物流有限公司",
        "the next customer's offer",
    );
    // The logo is decoded and embedded once for the whole pack.
    let images = poppler("pdfimages", &["-list"], &pdf);
    let objects: std::collections::BTreeSet<&str> = images
        .lines()
        .skip(2)
        .filter(|l| l.split_whitespace().nth(2) == Some("image"))
        .filter_map(|l| l.split_whitespace().nth(10))
        .collect();
    assert_eq!(objects.len(), 1, "{images}");
}

#[test]
fn the_customer_summary_is_one_page_and_counts_what_does_not_fit() {
    let summary = sample_summary("pl", 40);
    let pdf = customer_summary_page(&summary).unwrap();
    assert_eq!(page_count(&pdf), 1);
    let text = text(&pdf, None);
    for key in ["pdf.summary.people", "pdf.summary.fleet", "pdf.summary.contacts", "pdf.summary.actions"] {
        assert_contains(&text, i18n::tr(Locale::Pl, key), key);
    }
    assert_contains(&text, "Przedsiębiorstwo Transportowe Łódź Sp. z o.o.", "customer");
    assert_contains(&text, "Wizyta 09.03.2026", "visit day");
    assert_contains(
        &text,
        &format!("Żaneta Wróblewska 0 {}", i18n::tr(Locale::Pl, "person.main_badge")),
        "main contact first",
    );
    assert_contains(&text, i18n::tr(Locale::Pl, "decision_role.decision_maker"), "roles translated");
    assert_contains(&text, i18n::tr(Locale::Pl, "fleet.category.tractor"), "categories translated");
    assert_contains(&text, "20.02.2026 10:30", "contact dates in the locale");
    assert!(text.contains("… i jeszcze"), "the rest is counted: {text}");

    let small = customer_summary_page(&sample_summary("zh", 2)).unwrap();
    let text = self::text(&small, None);
    assert!(!text.contains("另有"), "everything fits: {text}");
    assert_contains(&text, "拜访日期：2026-03-09", "Chinese visit day");
}

#[test]
fn tables_repeat_their_header_and_turn_landscape_when_wide() {
    let columns: Vec<TableColumn> = ["Customer", "City", "Salesperson", "Stage", "Value", "Probability"]
        .iter()
        .enumerate()
        .map(|(i, l)| TableColumn { label: l.to_string(), numeric: i >= 4 })
        .collect();
    let rows: Vec<Vec<String>> = (0..150)
        .map(|i| {
            vec![
                format!("Trasporti Łukasz {i}"),
                "Šiauliai".into(),
                "Giulia Romano".into(),
                "Negotiation".into(),
                format!("{},00 €", 100 + i),
                "75%".into(),
            ]
        })
        .collect();
    let pdf = table_pdf("Deals in negotiation", "Giulia Romano · March 2026", &columns, &rows, Locale::En).unwrap();
    let pages = page_count(&pdf);
    assert!(pages >= 3, "{pages}");
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("595.28 x 841.89"), "portrait when it fits: {info}");
    let last = text(&pdf, Some((pages, pages)));
    assert_contains(&last, "Customer City Salesperson Stage Value Probability", "header on the last page");
    assert_contains(&last, &format!("Page {pages} of {pages}"), "page number");
    assert_contains(&last, "Trasporti Łukasz 149 Šiauliai", "last row");

    let wide: Vec<TableColumn> =
        (0..14).map(|i| TableColumn { label: format!("Column {i}"), numeric: i % 2 == 1 }).collect();
    let rows = vec![(0..14).map(|i| format!("value {i} of a row")).collect::<Vec<_>>(); 3];
    let pdf = table_pdf("Wide", "", &wide, &rows, Locale::Zh).unwrap();
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("841.89") && info.contains("x 595.28 pts"), "landscape when wide: {info}");
    assert_contains(&text(&pdf, None), "第 1 页，共 1 页", "Chinese page numbers");
    // Rows shorter or longer than the columns, and no columns at all, still print.
    let ragged = vec![vec![], vec!["a".to_string(); 30]];
    table_pdf("Ragged", "", &columns, &ragged, Locale::It).unwrap();
    table_pdf("", "", &[], &ragged, Locale::Lt).unwrap();
}

/// Text a careless paste or a hostile import could bring.
fn hostile_texts() -> Vec<String> {
    vec![
        String::new(),
        " ".into(),
        "\u{0}\u{1}\u{7}\u{1b}[31m\u{7f}\u{85}".into(),
        "line\r\nbreaks\rand\ttabs\n\n\n".into(),
        "مرحبا بالعالم שלום עולם".into(),
        "\u{202e}reversed\u{202c} \u{200b}zero\u{200d}width\u{feff}".into(),
        "👨‍👩‍👧‍👦 🇵🇱 🚚💨 ✔️".into(),
        "a\u{0328}e\u{0307}z\u{030c} combining".into(),
        "𠀀𪚥 rare ideographs ㍿ ꙮ".into(),
        "W".repeat(10_000),
        "上".repeat(10_000),
        "word ".repeat(2_000),
        "-".repeat(5_000),
        "\n".repeat(3_000),
    ]
}

fn hostile_sheet(text: &str) -> OfferSheet {
    let mut sheet = sample_offer("zh", 3);
    sheet.offer.number = text.chars().take(200).collect();
    sheet.offer.data.lines[0].description = text.to_string();
    sheet.offer.data.lines[1].code = text.chars().take(60).collect();
    sheet.offer.data.notes = text.to_string();
    sheet.offer.data.trade_ins[0].description = text.to_string();
    sheet.customer.name = text.to_string();
    sheet.customer.address_lines = vec![text.to_string(); 3];
    sheet.letterhead.company_name = text.to_string();
    sheet.letterhead.bank_details = text.to_string();
    sheet.signature.name = text.to_string();
    if let Some(f) = &mut sheet.offer.data.financing {
        f.provider = text.to_string();
    }
    sheet
}

#[test]
fn hostile_text_never_panics_and_still_makes_a_pdf() {
    for (i, text) in hostile_texts().iter().enumerate() {
        // Chinese uses both fonts; the others cost the same to lay out, so the long texts
        // are printed in Chinese only.
        let languages: &[&str] = if text.len() < 1000 { &["en", "zh", "xx"] } else { &["zh"] };
        for &language in languages {
            let mut sheet = hostile_sheet(text);
            sheet.offer.data.language = language.into();
            let pdf = offer_pdf(&sheet).unwrap_or_else(|e| panic!("text {i}: {e}"));
            assert!(pdf.starts_with(b"%PDF"), "text {i}");
            check(&sheet, &[], "2026-03-07");
        }
        let mut summary = sample_summary("lt", 3);
        summary.customer.name = text.clone();
        summary.people[0].name = text.clone();
        summary.contacts[0].agreed = text.clone();
        summary.fleet[0].category = text.clone();
        summary.day = text.chars().take(30).collect();
        customer_summary_page(&summary).unwrap();
        table_pdf(text, text, &[TableColumn { label: text.clone(), numeric: true }], &[vec![text.clone()]], Locale::Pl)
            .unwrap();
    }
    // Extreme amounts shrink into their cells instead of spilling.
    let mut sheet = sample_offer("it", 2);
    for line in &mut sheet.offer.data.lines {
        line.quantity = 10_000;
        line.unit_price = crate::offer::MAX_AMOUNT;
    }
    let pdf = offer_pdf(&sheet).unwrap();
    let t = sheet.offer.data.totals();
    assert_contains(&text(&pdf, None), &Locale::It.format().money(t.to_pay, "EUR"), "a huge total");
    assert_eq!(
        page_count(&offer_pdf(&hostile_sheet("\n".repeat(3_000).as_str())).unwrap()),
        1,
        "empty lines are not pages"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}", control in proptest::collection::vec(any::<char>(), 0..40)) {
        let mixed: String = text.chars().chain(control).collect();
        let sheet = hostile_sheet(&mixed);
        prop_assert!(offer_pdf(&sheet).is_ok());
        let _ = check(&sheet, &[], "2026-03-07");
    }
}

#[test]
#[ignore = "writes sample PDFs to /tmp/pdfwork for looking at them"]
fn write_samples() {
    std::fs::create_dir_all("/tmp/pdfwork").unwrap();
    for lang in ["en", "it", "pl", "lt", "zh"] {
        std::fs::write(format!("/tmp/pdfwork/offer-{lang}.pdf"), offer_pdf(&sample_offer(lang, 20)).unwrap()).unwrap();
        std::fs::write(format!("/tmp/pdfwork/short-{lang}.pdf"), offer_pdf(&sample_offer(lang, 3)).unwrap()).unwrap();
        std::fs::write(
            format!("/tmp/pdfwork/summary-{lang}.pdf"),
            customer_summary_page(&sample_summary(lang, 6)).unwrap(),
        )
        .unwrap();
    }
    std::fs::write("/tmp/pdfwork/summary-full.pdf", customer_summary_page(&sample_summary("pl", 40)).unwrap()).unwrap();
    let columns: Vec<TableColumn> = ["Customer", "City", "Salesperson", "Stage", "Value", "Probability"]
        .iter()
        .enumerate()
        .map(|(i, l)| TableColumn { label: l.to_string(), numeric: i >= 4 })
        .collect();
    let rows: Vec<Vec<String>> = (0..70)
        .map(|i| {
            vec![
                format!("Trasporti Łukasz {i}"),
                "Šiauliai".into(),
                "Giulia Romano".into(),
                "Negotiation".into(),
                format!("{},00 €", 100 + i),
                "75%".into(),
            ]
        })
        .collect();
    std::fs::write(
        "/tmp/pdfwork/table.pdf",
        table_pdf("Deals in negotiation", "Giulia Romano · March 2026", &columns, &rows, Locale::En).unwrap(),
    )
    .unwrap();
}
