use super::*;

use crate::storage::testing::day;

#[test]
fn a_period_defaults_to_this_month_and_the_two_before_and_counts_working_days() {
    let p = Period::resolve(None, None, day("2026-11-23")).unwrap();
    assert_eq!((p.start(), p.end(), p.after()), ("2026-09-01".into(), "2026-11-23".into(), "2026-11-24".into()));
    let p = Period::resolve(Some("2026-11-02"), Some("2026-11-15"), day("2026-12-01")).unwrap();
    // Two full weeks: ten working days.
    assert_eq!((p.days(), p.working_days()), (14, 10));
    let p = Period::resolve(Some("2026-11-21"), Some("2026-11-23"), day("2026-12-01")).unwrap();
    assert_eq!(p.working_days(), 1, "Saturday, Sunday, Monday");
    let Err(Error::Validation(e)) = Period::resolve(Some("2026-12-01"), Some("2026-11-01"), day("2026-12-01")) else {
        panic!()
    };
    assert_eq!((e[0].field.as_ref(), e[0].key), ("to", "validation.period_order"));
    let Err(Error::Validation(e)) = Period::resolve(Some("1/11/2026"), Some("x"), day("2026-12-01")) else { panic!() };
    assert_eq!(e.len(), 2);
}

#[test]
fn activity_sets_prospects_against_orders_and_splits_value_by_customer() {
    // Anna (1) opened 5 deals, 4 with customers that had not bought; won 2 EUR orders, one
    // from an existing customer (3,000) and one from a new one (1,000), and one in PLN.
    // Bruno (2) opened 2 deals with new prospects and won nothing. Nobody's deal won 500.
    let opened = [
        OpenedGroup { owner_id: Some(1), deals: 5, prospects: 4 },
        OpenedGroup { owner_id: Some(2), deals: 2, prospects: 2 },
    ];
    let won = [
        WonGroup { owner_id: Some(1), currency: "EUR".into(), existing: true, deals: 1, value: 3_000 },
        WonGroup { owner_id: Some(1), currency: "EUR".into(), existing: false, deals: 1, value: 1_000 },
        WonGroup { owner_id: Some(1), currency: "PLN".into(), existing: false, deals: 1, value: 9_999 },
        WonGroup { owner_id: None, currency: "EUR".into(), existing: false, deals: 1, value: 500 },
    ];
    let (rows, total) = activity(&[2, 1], &opened, &won, "EUR");
    let ids: Vec<_> = rows.iter().map(|r| r.owner_id).collect();
    assert_eq!(ids, [Some(2), Some(1), None], "listed order, then nobody");
    let anna = &rows[1];
    assert_eq!((anna.prospects, anna.orders, anna.ratio), (4, 3, Some(75.0)));
    assert_eq!((anna.value_new, anna.value_existing, anna.existing_share), (1_000, 3_000, Some(75.0)));
    assert_eq!((rows[0].orders, rows[0].ratio), (0, Some(0.0)));
    assert_eq!(rows[2].ratio, None, "no prospects, no ratio");
    assert_eq!((total.deals_opened, total.prospects, total.orders), (7, 6, 4));
    assert_eq!((total.value_new, total.value_existing), (1_500, 3_000));
}

#[test]
fn contacts_per_day_week_kind_and_customer_with_roles_beside() {
    // Two working weeks (14 days, 10 working days).
    let p = Period::resolve(Some("2026-11-02"), Some("2026-11-15"), day("2026-12-01")).unwrap();
    let g = |u, kind: &str, existing, contacts, minutes| ContactGroup {
        user_id: Some(u),
        kind: kind.into(),
        existing,
        contacts,
        minutes,
    };
    let groups = [
        g(1, "visit", true, 6, 360),
        g(1, "phone", false, 20, 200),
        g(1, "phone", true, 5, 50),
        g(3, "email", false, 7, 70),
    ];
    let (rows, total) = contacts(&[1], &groups, &p);
    let a = &rows[0];
    assert_eq!((a.contacts, a.per_day, a.per_week), (31, Some(3.1), Some(15.5)));
    assert_eq!((a.new_customers, a.existing_customers, a.minutes), (20, 11, 610));
    assert_eq!(a.by_kind, [6, 25, 0, 0, 0], "visit, phone, letter, e-mail, other");
    assert_eq!(rows[1].user_id, Some(3), "an assistant with contacts gets a row");
    assert_eq!((total.contacts, total.minutes, total.by_kind[3]), (38, 680, 7));
    assert_eq!(hours(610), 10.2);

    let roles_g = [
        RoleGroup { user_id: Some(1), role: "decision_maker".into(), contacts: 10 },
        RoleGroup { user_id: Some(1), role: "assistant".into(), contacts: 25 },
        RoleGroup { user_id: Some(3), role: "".into(), contacts: 7 },
    ];
    let totals: Vec<(Option<i64>, i64)> = rows.iter().map(|r| (r.user_id, r.contacts)).collect();
    let (rr, rt) = roles(&[1], &roles_g, &totals);
    assert_eq!(rr[0].by_role, [10, 0, 0, 25, 0, 0, 0]);
    assert_eq!(rr[0].decision_maker_share, Some(32.3), "10 of 31 contacts reached a decision maker");
    assert_eq!((rr[1].by_role[6], rt.contacts), (7, 38));
}

fn line(category: &str, count: i64, model: &str) -> VehicleLine {
    VehicleLine { category: category.into(), count, model: model.into(), ..Default::default() }
}

#[test]
fn products_share_a_deals_value_among_its_lines_exactly() {
    assert_eq!(share_value(1_000, &[line("tractor", 1, ""), line("van", 2, "")]), [333, 667]);
    assert_eq!(share_value(7, &[line("van", 0, "")]), [7]);
    let deals = [
        WonDeal {
            owner_id: Some(1),
            currency: "EUR".into(),
            value: 300_000,
            vehicles: vec![line("tractor", 3, "T 480")],
        },
        WonDeal {
            owner_id: Some(2),
            currency: "EUR".into(),
            value: 150_000,
            vehicles: vec![line("tractor", 1, "T 480"), line("van", 2, "Master")],
        },
        WonDeal { owner_id: Some(2), currency: "PLN".into(), value: 999, vehicles: vec![line("van", 1, "Master")] },
    ];
    let owners = [Some(1), Some(2)];
    let cats: Vec<String> = ["tractor", "rigid", "van"].map(String::from).to_vec();
    let rows = products(&owners, &deals, "EUR", &cats);
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.category.as_str(), r.model.as_str(), r.by_owner.clone(), r.vehicles, r.deals, r.value))
        .collect();
    assert_eq!(got, [("tractor", "T 480", vec![3, 1], 4, 2, 350_000), ("van", "Master", vec![0, 3], 3, 2, 100_000)]);
}

#[test]
fn outcomes_reasons_and_the_competitors_that_won() {
    let closed = [
        ClosedGroup { owner_id: Some(1), kind: StageKind::Won, currency: "EUR".into(), deals: 3, value: 300 },
        ClosedGroup { owner_id: Some(1), kind: StageKind::Lost, currency: "EUR".into(), deals: 1, value: 100 },
        ClosedGroup { owner_id: Some(2), kind: StageKind::Lost, currency: "EUR".into(), deals: 2, value: 50 },
        ClosedGroup { owner_id: Some(2), kind: StageKind::Postponed, currency: "PLN".into(), deals: 1, value: 70 },
    ];
    let (rows, total) = outcomes(&[1, 2], &closed, "EUR");
    assert_eq!((rows[0].won, rows[0].lost, rows[0].win_rate), (3, 1, Some(75.0)));
    assert_eq!((rows[1].win_rate, rows[1].postponed, rows[1].postponed_value), (Some(0.0), 1, 0));
    assert_eq!((total.won, total.lost, total.lost_value, total.win_rate), (3, 3, 150, Some(50.0)));

    let rg = |o, kind, reason: &str, deals, value| ReasonGroup {
        owner_id: Some(o),
        kind,
        reason: reason.into(),
        currency: "EUR".into(),
        deals,
        value,
    };
    let groups = [
        rg(1, StageKind::Lost, "price", 1, 100),
        rg(2, StageKind::Lost, "price", 1, 20),
        rg(2, StageKind::Lost, "delivery", 1, 30),
        rg(2, StageKind::Postponed, "tender", 1, 70),
    ];
    let r = reasons(&[Some(1), Some(2)], &groups, "EUR");
    let got: Vec<_> = r.iter().map(|x| (x.reason.as_str(), x.by_owner.clone(), x.deals, x.value, x.share)).collect();
    assert_eq!(
        got,
        [
            ("price", vec![1, 1], 2, 120, Some(66.7)),
            ("delivery", vec![0, 1], 1, 30, Some(33.3)),
            ("tender", vec![0, 1], 1, 70, Some(100.0))
        ]
    );

    let lost = |o, to: &str, value, price: Option<i64>| LostDeal {
        owner_id: Some(o),
        lost_to: to.into(),
        currency: "EUR".into(),
        value,
        lost_price: price,
        lost_currency: "EUR".into(),
    };
    let deals = [
        lost(1, "Scania", 1_000, Some(900)),
        lost(2, " Scania ", 1_000, Some(950)),
        lost(2, "SCANIA", 500, None),
        lost(1, "Volvo", 2_000, None),
        lost(1, "", 10, None),
    ];
    let c = competitors(&[Some(1), Some(2)], &deals, "EUR");
    let got: Vec<_> = c
        .iter()
        .map(|x| (x.competitor.as_str(), x.by_owner.clone(), x.deals, x.value, x.priced, x.price_gap))
        .collect();
    assert_eq!(
        got,
        [
            ("Scania", vec![1, 2], 3, 2_500, 2, Some(7.5)),
            ("Volvo", vec![1, 0], 1, 2_000, 0, None),
            ("", vec![1, 0], 1, 10, 0, None)
        ],
        "three spellings are one competitor; 1,850 against 2,000 is 7.5% below"
    );
}

#[test]
fn stages_count_moves_forward_back_and_out_with_days() {
    let p = StageSettings::default_process();
    let mg = |o, from, to, moves, days: i64| MoveGroup {
        owner_id: Some(o),
        from_stage: from,
        to_stage: to,
        moves,
        seconds: days * 86_400,
    };
    // Anna: 4 moves 1→2 (10 days each), 1 jump 1→3 (5 days), 1 back 3→2 (3 days), 1 lost
    // from 2 (20 days), 1 won from 5 (2 days).
    let groups = [mg(1, 1, 2, 4, 40), mg(1, 1, 3, 1, 5), mg(1, 3, 2, 1, 3), mg(1, 2, 7, 1, 20), mg(1, 5, 6, 1, 2)];
    let rows = stages(&p, &[Some(1)], &groups);
    let got: Vec<_> = rows.iter().map(|r| (r.stage_id, r.forward, r.back, r.lost, r.avg_days)).collect();
    assert_eq!(
        got,
        [
            (1, 5, 0, 0, Some(9.0)),
            (2, 0, 0, 1, Some(20.0)),
            (3, 0, 1, 0, Some(3.0)),
            (4, 0, 0, 0, None),
            (5, 1, 0, 0, Some(2.0))
        ]
    );
}

#[test]
fn the_cost_of_selling_per_deal_and_per_order() {
    let settings = CostSettings { version: 1, hourly_cost: Some(4_500), currency: "EUR".into() };
    let inputs = [
        CostInputs { owner_id: Some(1), minutes: 600, deals_worked: 4, orders: 2, order_minutes: 90 },
        CostInputs { owner_id: Some(2), minutes: 100, deals_worked: 0, orders: 0, order_minutes: 0 },
    ];
    let (rows, total) = cost(&[1, 2], &inputs, &settings);
    let a = &rows[0];
    // 10 h at 45.00 = 450.00; per order 225.00.
    assert_eq!(
        (a.hours, a.hours_per_deal, a.hours_per_order, a.logged_hours_per_order),
        (10.0, Some(2.5), Some(5.0), Some(0.8))
    );
    assert_eq!((a.cost, a.cost_per_order), (Some(45_000), Some(22_500)));
    let b = &rows[1];
    assert_eq!((b.hours, b.hours_per_deal, b.cost, b.cost_per_order), (1.7, None, Some(7_500), None));
    assert_eq!((total.cost, total.cost_per_order), (Some(52_500), Some(26_250)));
    let (rows, _) = cost(&[1], &inputs, &CostSettings::default());
    assert_eq!(rows[0].cost, None, "no hourly cost set, no cost");
    assert!(CostSettings { hourly_cost: Some(-1), ..CostSettings::default() }.validated().is_err());
}

#[test]
fn the_pyramid_cuts_by_customers_or_by_value_and_keeps_ties_together() {
    // Ten customers: 100, 90, 80, 70, 60, 50, 40, 30, 0, 0.
    let values: Vec<(i64, i64)> =
        [100, 90, 80, 70, 60, 50, 40, 30, 0, 0].iter().enumerate().map(|(i, v)| (i as i64 + 1, *v)).collect();
    let tiers = |ranked: Vec<(i64, &str, i64)>| ranked.iter().map(|r| r.1).collect::<String>();
    // 20/30/50 of the customers: 2 A, 3 B, the rest C.
    assert_eq!(tiers(rank(&values, CutMode::Customers, 20, 30)), "AABBBCCCCC");
    // By value, total 520: A until 80% (416) is reached: 100+90+80+70 = 340 < 416, +60 = 400
    // < 416 → the sixth (50) starts at 400 < 416 so it is A too; B until 95% (494): 450
    // → 40 is B, 490 → 30 is B; zeros are C.
    assert_eq!(tiers(rank(&values, CutMode::Value, 80, 15)), "AAAAAABBCC");
    // Ties share the higher tier.
    let tied = [(1, 50), (2, 50), (3, 50), (4, 10)];
    assert_eq!(tiers(rank(&tied, CutMode::Customers, 25, 25)), "AAAC");
    let figures = tier_figures(&rank(&values, CutMode::Customers, 20, 30));
    let got: Vec<_> =
        figures.iter().map(|t| (t.tier.as_str(), t.customers, t.value, t.value_pct, t.min_value)).collect();
    assert_eq!(
        got,
        [("A", 2, 190, Some(36.5), Some(90)), ("B", 3, 210, Some(40.4), Some(60)), ("C", 5, 120, Some(23.1), Some(0))]
    );
    assert!(PyramidSettings { a: 60, b: 40, ..Default::default() }.validated().is_err());
    assert!(PyramidSettings::default().validated().is_ok());
}

#[test]
fn movers_compare_the_tier_before_the_period_with_the_one_at_its_end() {
    let m = |c, day: &str, from: &str, to: &str| TierMove {
        customer_id: c,
        ranked_on: day.into(),
        from: from.into(),
        to: to.into(),
    };
    let moves = [
        m(1, "2026-10-01", "B", "A"),
        m(2, "2026-10-01", "A", "B"),
        m(2, "2026-11-01", "B", "A"), // back where it was: not a mover
        m(3, "2026-10-01", "C", "B"),
        m(3, "2026-11-01", "B", "C"),
        m(4, "2026-11-01", "", "C"), // ranked for the first time
        m(5, "2026-11-01", "B", "C"),
    ];
    let names: HashMap<i64, (String, Option<i64>)> = (1..=5).map(|i| (i, (format!("Customer {i}"), Some(7)))).collect();
    let got: Vec<_> = movers(&moves, &names).into_iter().map(|m| (m.customer_id, m.from, m.to)).collect();
    assert_eq!(got, [(1, "B".into(), "A".into()), (5, "B".into(), "C".into())]);
}

#[test]
fn csv_has_a_bom_semicolons_locale_decimals_and_no_formulas() {
    let table = ReportTable {
        kind: "activity".into(),
        title_key: "report.activity.title".into(),
        title: "Activity".into(),
        subtitle: String::new(),
        columns: vec![
            Column { key: "a".into(), label: "Name; full".into(), kind: ColumnKind::Text, currency: None },
            Column {
                key: "b".into(),
                label: "Value (EUR)".into(),
                kind: ColumnKind::Money,
                currency: Some("EUR".into()),
            },
            Column { key: "c".into(), label: "Share".into(), kind: ColumnKind::Percent, currency: None },
            Column { key: "d".into(), label: "Count".into(), kind: ColumnKind::Integer, currency: None },
        ],
        rows: vec![
            vec![Cell::text("=HYPERLINK(\"x\")"), Cell::Int(-123_456), Cell::Num(37.5), Cell::Int(-5)],
            vec![Cell::text("-5"), Cell::Int(7), Cell::Empty(()), Cell::Int(0)],
            vec![Cell::text("@cmd"), Cell::Int(0), Cell::Num(0.0), Cell::Int(1)],
            // A phone number is no formula: as an export writes it (one rule, crate::ground::formula).
            vec![Cell::text("+39 02 1234"), Cell::Int(0), Cell::Num(0.0), Cell::Int(1)],
        ],
        total: Some(vec![Cell::text("Total"), Cell::Int(100), Cell::Empty(()), Cell::Int(3)]),
    };
    let bytes = csv(&table, Locale::It).unwrap();
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines,
        [
            "\"Name; full\";Value (EUR);Share;Count",
            "\"'=HYPERLINK(\"\"x\"\")\";-1234,56;37,5;-5",
            "-5;0,07;;0",
            "'@cmd;0,00;0,0;1",
            "+39 02 1234;0,00;0,0;1",
            "Total;1,00;;3",
            ""
        ]
    );
    let en = String::from_utf8(csv(&table, Locale::En).unwrap()[3..].to_vec()).unwrap();
    assert!(en.contains("-1234.56;37.5;-5"), "{en}");
}
