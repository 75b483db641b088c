use super::*;

fn line(quantity: i64, unit_price: i64, discount_bp: i64, vat_bp: i64) -> OfferLine {
    OfferLine { description: "x".into(), quantity, unit_price, discount_bp, vat_bp, ..Default::default() }
}

#[test]
fn totals_round_each_line_then_apply_the_global_discount_per_vat_rate() {
    let offer = OfferData {
        lines: vec![
            // 2 × 98,765.43 less 3.5 % = 197,530.86 − 6,913.5801 → 190,617.28
            line(2, 9_876_543, 350, 2200),
            // 3 × 19.99 less 12.5 % = 59.97 − 7.49625 → 52.47 (52.47375 rounds down)
            line(3, 1999, 1250, 2200),
            // A service at 10 % VAT: 1,000.00, no discount.
            line(1, 100_000, 0, 1000),
        ],
        global_discount_bp: 200,
        trade_ins: vec![TradeIn { description: "MAN TGA 2012".into(), value: 1_500_000 }],
        ..Default::default()
    };
    let t = offer.totals();
    assert_eq!(t.lines, [19_061_728, 5247, 100_000]);
    assert_eq!(t.subtotal, 19_166_975);
    // 2 % of 190,669.75 = 3,813.395 → 3,813.40; of 1,000.00 = 20.00.
    assert_eq!(t.vat[0], VatAmount { vat_bp: 1000, net: 98_000, vat: 9_800 });
    assert_eq!(t.vat[1], VatAmount { vat_bp: 2200, net: 18_685_635, vat: 4_110_840 });
    assert_eq!(t.global_discount, 383_340);
    assert_eq!(t.net, 18_783_635);
    assert_eq!(t.gross, 18_783_635 + 9_800 + 4_110_840);
    assert_eq!(t.to_pay, t.gross - 1_500_000);
}

#[test]
fn half_cents_round_away_from_zero_and_credits_stay_exact() {
    assert_eq!(apply_bp(1, 5000), 1);
    assert_eq!(apply_bp(-1, 5000), -1);
    assert_eq!(apply_bp(3, 1666), 0);
    // A credit line (negative price) discounts symmetrically.
    let t = OfferData { lines: vec![line(1, -1001, 5000, 0)], ..Default::default() }.totals();
    assert_eq!(t.lines, [-500]);
}

#[test]
fn invalid_offers_name_every_bad_cell() {
    let bad = OfferData {
        language: "fr".into(),
        currency: "EUR".into(),
        date: "2026-02-30".into(),
        lines: vec![OfferLine { quantity: 0, discount_bp: 12_000, ..Default::default() }],
        ..Default::default()
    };
    let Err(Error::Validation(errors)) = bad.validated() else { panic!("must fail") };
    let fields: Vec<_> = errors.iter().map(|e| e.field.to_string()).collect();
    assert_eq!(fields, ["language", "date", "lines.0.description", "lines.0.quantity", "lines.0.discount_bp"]);
}

#[test]
fn numbers_follow_the_pattern() {
    assert_eq!(format_number(DEFAULT_NUMBER_PATTERN, 2026, 42), "OF-2026-0042");
    assert_eq!(format_number("{SEQ}/{YYYY}", 2026, 7), "7/2026");
    assert_eq!(format_number("OFF-{SEQ:6}", 2026, 12345), "OFF-012345");
}

#[test]
fn price_items_hold_between_their_days() {
    let item = PriceItemData {
        code: "TGX".into(),
        kind: "model".into(),
        names: [("en".to_string(), "TGX 18.510".to_string())].into(),
        price: 1,
        currency: "eur".into(),
        valid_from: "2026-1-1".into(),
        valid_to: "2026-06-30".into(),
        ..Default::default()
    }
    .validated()
    .unwrap();
    assert_eq!((item.valid_from.as_str(), item.currency.as_str()), ("2026-01-01", "EUR"));
    assert!(item.valid_on("2026-06-30") && !item.valid_on("2026-07-01") && !item.valid_on("2025-12-31"));
    assert_eq!(item.name_in("pl"), "TGX 18.510");
}

#[test]
fn a_price_list_file_reads_in_any_column_order_with_local_decimals() {
    let file = "\u{feff}name_pl;code;kind;price;currency;description_en;name_en;valid_to\n\
                Ciągnik TGX;TGX;model;95 000,00;EUR;\"4x2; Euro 6e\";TGX tractor;2026-12-31\n\
                ;;;;;;;\n\
                Szkolenie;DRV;service;1.234,5;PLN;;Driver training;\n";
    let rows = price_list_from_csv(file.as_bytes()).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].code.as_str(), rows[0].price, rows[0].valid_to.as_str()), ("TGX", 9_500_000, "2026-12-31"));
    assert_eq!(rows[0].names["pl"], "Ciągnik TGX");
    assert_eq!(rows[0].descriptions["en"], "4x2; Euro 6e");
    assert_eq!(rows[1].price, 123_450);

    let bad = "code,kind,price,currency,name_en\nA,model,12.3.4x,EUR,A\n";
    assert!(matches!(price_list_from_csv(bad.as_bytes()), Err(Error::Validation(f)) if f[0].field == "rows.0.price"));
    let unknown = "code;kind;price;currency;name_en;colour\n";
    assert!(matches!(price_list_from_csv(unknown.as_bytes()), Err(Error::Validation(f)) if f[0].field == "file"));
    assert!(price_list_from_csv(b"code;kind;price;currency;name_en\n\xff;model;1;EUR;x\n").is_err());
    for (text, minor) in [
        ("95000", Some(9_500_000)),
        ("1,234.56", Some(123_456)),
        ("0,5", Some(50)),
        ("-5", None),
        ("", None),
        ("1e5", None),
    ] {
        assert_eq!(parse_units(text), minor, "{text}");
    }
}
