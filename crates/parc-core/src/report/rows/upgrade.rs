//! A store from before the reports, to check that upgrading counts the contacts already there.

/// A database of the schema before the reports' (customers, a person with a role and one
/// without, a deal won in 2025, our MAN of 2020 at Bianchi, three contacts), to check that
/// upgrading counts the contacts already there.
pub(crate) const UPGRADE_FIXTURE: &str = r#"
    INSERT INTO app_user (id, name, initials, role) VALUES (1, 'Anna', 'A', 'salesperson');
    INSERT INTO customer (id, name, sort_key, created_at, updated_at) VALUES
        (1, 'Rossi', 'rossi', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'),
        (2, 'Bianchi', 'bianchi', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
    INSERT INTO person (id, customer_id, name, decision_role) VALUES (1, 1, 'Mario', 'decision_maker'), (2, 2, 'Sara', '');
    INSERT INTO setting (key, value) VALUES
        ('fleet', '{"version":1,"brands":[{"name":"MAN","ours":true},{"name":"DAF","ours":false}],"categories":["tractor"],"rules":[]}');
    INSERT INTO fleet_line (customer_id, brand, category, vehicles, first_registered) VALUES
        (2, 'MAN', 'tractor', 1, 2020), (1, 'DAF', 'tractor', 4, 2019);
    INSERT INTO deal (id, customer_id, owner_id, title, value, currency, stage_id, stage_since, closed_on, created_at,
                      updated_at) VALUES
        (1, 1, 1, 'Old order', 100, 'EUR', 6, '2025-01-01T09:00:00Z', '2025-01-01', '2024-12-01T09:00:00Z',
         '2025-01-01T09:00:00Z');
    INSERT INTO contact (id, customer_id, happened_at, duration_min, user_id, kind, created_at) VALUES
        (1, 1, '2026-10-06T10:00', 60, 1, 'visit', '2026-10-06T10:00:00Z'),
        (2, 2, '2026-10-07T10:00', 10, 1, 'phone', '2026-10-07T10:00:00Z'),
        (3, 1, '2024-06-01T10:00', 5, NULL, 'email', '2024-06-01T10:00:00Z');
    INSERT INTO contact_person (contact_id, person_id) VALUES (1, 1), (2, 2);
"#;

/// After upgrading [`UPGRADE_FIXTURE`]: Anna's two contacts are with customers that had bought
/// (Rossi's deal of 2025, Bianchi's MAN of 2020), nobody's of 2024 was with a new customer;
/// the roles met are a decision maker, a person without a role and (nobody's) no one.
pub(crate) fn check_upgraded_tallies(store: &mut crate::Store) {
    use crate::report::Cell::{Int, Num, Text};
    use crate::report::{ReportKind, ReportQuery};
    let q = ReportQuery { from: Some("2024-01-01".into()), to: Some("2026-12-31".into()), ..Default::default() };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let t = store.report(ReportKind::Contacts, &q, today, crate::ground::i18n::Locale::En).unwrap().table;
    let brief: Vec<_> =
        t.rows.iter().map(|r| (r[0].clone(), r[1].clone(), r[4].clone(), r[5].clone(), r[11].clone())).collect();
    let nobody = Text(crate::ground::i18n::tr(crate::ground::i18n::Locale::En, "report.nobody").into());
    assert_eq!(
        brief,
        [(Text("Anna".into()), Int(2), Int(0), Int(2), Num(1.2)), (nobody, Int(1), Int(1), Int(0), Num(0.1))]
    );
    let t = store.report(ReportKind::ContactRoles, &q, today, crate::ground::i18n::Locale::En).unwrap().table;
    assert_eq!(t.rows[0][1..9], [Int(2), Int(1), Int(0), Int(0), Int(0), Int(0), Int(0), Int(1)]);
    assert_eq!(t.rows[1][8], Int(1));
}
