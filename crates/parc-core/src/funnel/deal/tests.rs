use super::*;

#[test]
fn the_default_process_is_valid_and_ordered() {
    let p = StageSettings::default_process();
    let saved = p.clone().validated(&StageSettings { version: 0, stages: Vec::new() }).unwrap();
    assert_eq!(saved.version, 1);
    let probs: Vec<i64> = saved.ladder().map(|s| s.probability).collect();
    assert_eq!(probs, [10, 25, 50, 75, 90, 100]);
    assert_eq!(saved.position(6), Some(5));
    assert_eq!(saved.position(7), None);
    for s in &saved.stages {
        for l in ["en", "it", "pl", "lt", "zh"] {
            assert!(!name_in(&s.names, l).is_empty());
            assert!(s.checklist.iter().all(|q| q.text.contains_key(l)), "{l} question of {}", s.id);
        }
    }
    assert!(ReasonSettings::default_lists().validated(&ReasonSettings::default_lists()).is_ok());
}

#[test]
fn a_stage_is_retired_never_deleted_and_new_ones_get_ids() {
    let old = StageSettings::default_process();
    let mut p = old.clone();
    p.stages.remove(1);
    assert!(p.validated(&old).is_err(), "a stage cannot disappear");
    let mut p = old.clone();
    p.stages[1].retired = true;
    let mut extra = p.stages[0].clone();
    extra.id = 0;
    extra.names = [("en".to_string(), "  Installation ".to_string())].into();
    extra.checklist = vec![Question { id: 0, text: [("en".into(), "Body built".into())].into() }];
    p.stages.insert(5, extra);
    let saved = p.validated(&old).unwrap();
    let new = saved.stages.iter().find(|s| name_in(&s.names, "it") == "Installation").unwrap();
    assert_eq!((new.id, new.checklist[0].id), (9, 1));
    assert_eq!(saved.stages.last().unwrap().kind, StageKind::Postponed);
}

#[test]
fn deals_need_a_title_a_known_currency_and_sane_vehicles() {
    let d = DealData { title: " 3 ×  T 480 ".into(), value: 30_000_000, ..Default::default() }.validated().unwrap();
    assert_eq!((d.title.as_str(), d.currency.as_str()), ("3 × T 480", "EUR"));
    let bad = DealData {
        value: -1,
        currency: "XYZ".into(),
        expected_close: Some("31/12/2026".into()),
        vehicles: vec![VehicleLine { category: "rocket".into(), count: 1, ..Default::default() }],
        ..Default::default()
    };
    let Err(Error::Validation(e)) = bad.validated() else { panic!() };
    let fields: Vec<_> = e.iter().map(|f| f.field.as_ref()).collect();
    assert_eq!(fields, ["title", "value", "currency", "expected_close", "vehicles"]);
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let v = VehicleLine { category: "tractor".into(), count: 2, model: "T 480".into(), ..Default::default() };
    let p = DealData::prefilled(Some(3), vec![v], "PLN", day);
    assert_eq!((p.title.as_str(), p.expected_close.as_deref()), ("2 × T 480", Some("2027-02-23")));
}

#[test]
fn weighting_rounds_half_up_in_integers() {
    assert_eq!(weighted(1_000_001, 25), 250_000);
    assert_eq!(weighted(2, 25), 1);
    assert_eq!(weighted(MAX_VALUE, 90), 900_000_000_000_000);
}
