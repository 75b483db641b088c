//! What only the SQLite file store does, tried with an office's rows: files, pragmas, migrations by
//! `user_version`, query plans. (Here rather than in `storage/`: rows belong to the features above it.)

use rusqlite::Connection;

use crate::customer::testing::customer;
use crate::ground::error::Error;
use crate::storage::sqlite::migrations::{self, LATEST, MIGRATIONS};
use crate::storage::sqlite::*;
use crate::storage::Store;

use crate::customer::testing::names;

#[test]
fn a_new_file_gets_the_latest_schema_and_durable_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/office.sqlite3");
    let store = Sqlite::open(&path).unwrap();
    assert_eq!(migrations::schema_version(&store.conn).unwrap(), LATEST);
    let mode: String = store.conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = store.conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "FULL");
    let fk: i64 = store.conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    let app: i64 = store.conn.pragma_query_value(None, "application_id", |r| r.get(0)).unwrap();
    assert_eq!(app, migrations::APPLICATION_ID);
}

#[test]
fn reopening_applies_nothing_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.sqlite3");
    Store::open(&path).unwrap().create_customer(customer("Rossi", "Milano", "IT", "")).unwrap();
    let mut store = Sqlite::open(&path).unwrap();
    assert_eq!(migrations::migrate(&mut store.conn).unwrap(), 0);
    assert_eq!(Store::open(&path).unwrap().count_customers().unwrap(), 1);
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite3");
    std::fs::write(&path, "dear customer, this is a letter, not a database").unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(Store::open(&path), Err(Error::NotParcDatabase { .. })));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn another_programs_sqlite_database_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    Connection::open(&path).unwrap().execute_batch("CREATE TABLE songs (title TEXT);").unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(matches!(Store::open(&path), Err(Error::NotParcDatabase { .. })));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_database_from_a_newer_parc_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite3");
    drop(Store::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", LATEST + 1).unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    match Store::open(&path) {
        Err(Error::SchemaTooNew { found, supported }) => assert_eq!((found, supported), (LATEST + 1, LATEST)),
        other => panic!("expected SchemaTooNew, got {:?}", other.err()),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_failing_migration_changes_nothing() {
    let mut conn = Connection::open_in_memory().unwrap();
    let broken = [MIGRATIONS[0], "CREATE TABLE fine (x); THIS IS NOT SQL;"];
    assert!(migrations::migrate_with(&mut conn, &broken).is_err());
    assert_eq!(migrations::schema_version(&conn).unwrap(), 0);
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 0, "the first migration was rolled back with the second");
}

/// A database left at every earlier schema version, with data, upgrades to the latest and
/// keeps its data.
#[test]
fn upgrades_fixture_databases_from_every_earlier_version() {
    for from in 1..LATEST {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("v{from}.sqlite3"));
        let mut conn = Connection::open(&path).unwrap();
        migrations::migrate_with(&mut conn, &MIGRATIONS[..from as usize]).unwrap();
        // Fixture rows written with the columns that existed in version 1.
        conn.execute(
            "INSERT INTO customer (name, city, country, vat_id, sort_key, created_at, updated_at)
             VALUES ('Łódź Trans', 'Łódź', 'PL', '5261040828', 'lodz trans', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        conn.execute("INSERT INTO customer_search (rowid, key) VALUES (1, 'lodz trans\u{1f}lodz')", []).unwrap();
        drop(conn);
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST, "from v{from}");
        let c = store.customer(1).unwrap();
        assert_eq!((c.data.name.as_str(), c.data.vat_id.as_str()), ("Łódź Trans", "5261040828"));
        assert_eq!(names(&mut store, "lodz"), ["Łódź Trans"]);
        assert_eq!(store.check().unwrap().integrity, "ok");
    }
}

/// Version 16 lets app_user hold a director by editing the table's CHECK in place: the users
/// and everything pointing at them stay, a connection opened before the upgrade sees the new
/// rule, and a role nobody knows is still refused.
#[test]
fn the_upgrade_to_16_admits_the_director_and_keeps_the_office() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v15.sqlite3");
    let mut conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    migrations::migrate_with(&mut conn, &MIGRATIONS[..15]).unwrap();
    conn.execute_batch(
        "INSERT INTO app_user (id, name, initials, role) VALUES (1, 'Francesca', 'FM', 'manager'), (2, 'Giulia', 'GR', 'salesperson');
         INSERT INTO customer (id, name, sort_key, created_at, updated_at, owner_id) VALUES (1, 'A', 'a', 'x', 'x', 2);",
    )
    .unwrap();
    assert!(conn.execute("INSERT INTO app_user (name, role) VALUES ('Alberto', 'director')", []).is_err());
    let other = Connection::open(&path).unwrap();
    let before: i64 = other.query_row("SELECT count(*) FROM app_user", [], |r| r.get(0)).unwrap();
    assert_eq!(before, 2);

    assert_eq!(migrations::migrate(&mut conn).unwrap(), MIGRATIONS.len() - 15);
    conn.execute("INSERT INTO app_user (id, name, role) VALUES (3, 'Alberto', 'director')", []).unwrap();
    other.execute("INSERT INTO app_user (id, name, role) VALUES (4, 'Ada', 'director')", []).unwrap();
    for c in [&conn, &other] {
        assert!(c.execute("INSERT INTO app_user (name, role) VALUES ('X', 'boss')", []).is_err());
    }
    let owner: i64 = conn.query_row("SELECT owner_id FROM customer WHERE id = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(owner, 2);
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    let orphans: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(orphans, 0);
    assert!(conn.execute("DELETE FROM app_user WHERE id = 2", []).is_err(), "the owner's key still holds");
    drop(other);
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    let roles: Vec<_> = store.users().unwrap().into_iter().map(|u| (u.data.name, u.data.role)).collect();
    assert_eq!(roles.len(), 4);
    assert!(roles.contains(&("Alberto".to_string(), crate::office::UserRole::Director)));
    assert_eq!(store.check().unwrap().integrity, "ok");
}

/// Version 10 gives existing leads their contacted and won marks: contacted when the
/// customer's last contact is on or after the day the lead came in, won when its deal is in
/// the process's won stage (read from the stored process, else the default's).
#[test]
fn the_upgrade_to_10_marks_existing_leads_contacted_and_won() {
    for stored_process in [None, Some(r#"{"version":1,"stages":[{"id":9,"kind":"won"},{"id":6,"kind":"lost"}]}"#)] {
        let mut conn = Connection::open_in_memory().unwrap();
        let v10 = MIGRATIONS.iter().position(|m| m.contains("TRIGGER lead_contacted")).unwrap();
        migrations::migrate_with(&mut conn, &MIGRATIONS[..v10]).unwrap();
        if let Some(json) = stored_process {
            conn.execute("INSERT INTO setting (key, value) VALUES ('funnel.stages', ?1)", [json]).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO customer (id, name, sort_key, created_at, updated_at, last_contact_at)
             VALUES (1, 'A', 'a', 'x', 'x', '2026-11-05T10:00'), (2, 'B', 'b', 'x', 'x', NULL);
             INSERT INTO deal (id, customer_id, title, value, currency, stage_id, stage_since, closed_on, created_at, updated_at)
             VALUES (1, 1, 'won in the default process', 1, 'EUR', 6, 'x', '2026-11-06', 'x', 'x'),
                    (2, 1, 'won in the stored process', 1, 'EUR', 9, 'x', '2026-11-06', 'x', 'x');
             INSERT INTO lead (id, customer_id, source, received_on, status, deal_id, created_at) VALUES
                 (1, 1, 'fair', '2026-11-05', 'qualified', 1, 'x'),
                 (2, 1, 'fair', '2026-11-06', 'qualified', 2, 'x'),
                 (3, 2, 'web', '2026-11-01', 'open', NULL, 'x');",
        )
        .unwrap();
        migrations::migrate(&mut conn).unwrap();
        let marks: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT id, contacted, won FROM lead ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let won_by_default = stored_process.is_none();
        assert_eq!(marks, [(1, 1, i64::from(won_by_default)), (2, 0, i64::from(!won_by_default)), (3, 0, 0)]);
        // From now on the trigger keeps the contacted mark.
        conn.execute("UPDATE customer SET last_contact_at = '2026-11-07T08:00' WHERE id = 1", []).unwrap();
        let contacted: i64 = conn.query_row("SELECT sum(contacted) FROM lead", [], |r| r.get(0)).unwrap();
        assert_eq!(contacted, 2);
    }
}

#[test]
fn check_counts_every_table_but_not_index_internals() {
    let mut store = Store::open_in_memory().unwrap();
    store.create_customers_bulk(vec![customer("A", "Milano", "IT", ""), customer("B", "Kraków", "PL", "")]).unwrap();
    let report = store.check().unwrap();
    assert_eq!(report.integrity, "ok");
    assert_eq!(report.schema_version, LATEST);
    assert_eq!(report.counts["customer"], 2);
    assert!(report.counts.contains_key("setting"));
    assert!(
        !report.counts.keys().any(|k| k.starts_with("customer_search") || k.starts_with("customer_words")),
        "{:?}",
        report.counts
    );
}

#[test]
fn every_index_a_search_or_save_needs_is_used() {
    let plan = |sql: &str| -> String {
        let store = Sqlite::open_in_memory().unwrap();
        let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows: Vec<String> = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap().map(|r| r.unwrap()).collect();
        rows.join("; ")
    };
    let vat =
        plan(&crate::customer::store::VAT_OWNER_SQL.replace("$1", "'IT'").replace("$2", "'1'").replace("$3", "NULL"));
    assert!(vat.contains("USING INDEX customer_vat"), "{vat}");
}

#[test]
fn two_connections_to_one_file_both_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sqlite3");
    let mut a = Store::open(&path).unwrap();
    let mut b = Store::open(&path).unwrap();
    let threads: Vec<_> = [("A", 0), ("B", 1)]
        .into_iter()
        .map(|(who, _)| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                for i in 0..50 {
                    s.create_customer(customer(&format!("{who}{i}"), "Milano", "IT", "")).unwrap();
                }
            })
        })
        .collect();
    a.create_customer(customer("from a", "Roma", "IT", "")).unwrap();
    b.create_customer(customer("from b", "Roma", "IT", "")).unwrap();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(a.count_customers().unwrap(), 102);
}

#[test]
fn a_record_edited_in_two_windows_is_not_silently_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sqlite3");
    let mut window_a = Store::open(&path).unwrap();
    let mut window_b = Store::open(&path).unwrap();
    let c = window_a.create_customer(customer("Rossi", "Verona", "IT", "")).unwrap();
    // Both windows show version 1; B holds the write lock for a while (a long import).
    let seen_by_b = window_b.customer(c.id).unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let b_done = {
        let (path, barrier) = (path.clone(), barrier.clone());
        std::thread::spawn(move || {
            let mut import = Store::open(&path).unwrap();
            let rows = (0..3000).map(|i| customer(&format!("Imported {i}"), "Milano", "IT", "")).collect();
            barrier.wait();
            import.create_customers_bulk(rows).unwrap().len()
        })
    };
    barrier.wait();
    // A's save waits for the import instead of failing.
    let mut edit = c.data.clone();
    edit.city = "Verona (VR)".into();
    let saved = window_a.update_customer(c.id, c.version, edit).unwrap();
    assert_eq!(b_done.join().unwrap(), 3000);
    // B saves what it loaded before A's change: refused, A's change stays.
    let mut stale = seen_by_b.data.clone();
    stale.notes = "B's note".into();
    assert!(matches!(window_b.update_customer(c.id, seen_by_b.version, stale), Err(Error::Conflict { .. })));
    assert_eq!(window_b.customer(c.id).unwrap(), saved);
    assert_eq!(window_b.count_customers().unwrap(), 3001);
}

/// Upgrading to the reports' schema counts the contacts already in the file.
#[test]
fn upgrading_counts_the_contacts_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("before.sqlite3");
    let mut conn = Connection::open(&path).unwrap();
    let v11 = MIGRATIONS.iter().position(|m| m.contains("CREATE TABLE contact_tally")).unwrap();
    migrations::migrate_with(&mut conn, &MIGRATIONS[..v11]).unwrap();
    conn.execute_batch(crate::report::rows::UPGRADE_FIXTURE).unwrap();
    drop(conn);
    let mut store = Store::open(&path).unwrap();
    crate::report::rows::check_upgraded_tallies(&mut store);
}
