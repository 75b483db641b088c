use rusqlite::Connection;

use super::migrations::{self, LATEST, MIGRATIONS};
use super::*;
use crate::customer::CustomerData;

fn customer(name: &str, city: &str, country: &str, vat: &str) -> CustomerData {
    CustomerData {
        name: name.into(),
        city: city.into(),
        country: country.into(),
        vat_id: vat.into(),
        ..Default::default()
    }
}

fn store_with(rows: &[CustomerData]) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    for r in rows {
        store.create_customer(r.clone()).unwrap();
    }
    store
}

fn names(store: &Store, text: &str) -> Vec<String> {
    let q = CustomerQuery { text: text.into(), ..Default::default() };
    store.search_customers(&q).unwrap().into_iter().map(|c| c.name).collect()
}

// --- opening and migrations ---

#[test]
fn a_new_file_gets_the_latest_schema_and_durable_settings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/office.sqlite3");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST);
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
    let mut store = Store::open(&path).unwrap();
    assert_eq!(migrations::migrate(&mut store.conn).unwrap(), 0);
    assert_eq!(store.count_customers().unwrap(), 1);
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
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST, "from v{from}");
        let c = store.customer(1).unwrap();
        assert_eq!((c.data.name.as_str(), c.data.vat_id.as_str()), ("Łódź Trans", "5261040828"));
        assert_eq!(names(&store, "lodz"), ["Łódź Trans"]);
        assert_eq!(store.check().unwrap().integrity, "ok");
    }
}

#[test]
fn check_counts_every_table_but_not_index_internals() {
    let store = store_with(&[customer("A", "Milano", "IT", ""), customer("B", "Kraków", "PL", "")]);
    let report = store.check().unwrap();
    assert_eq!(report.integrity, "ok");
    assert_eq!(report.schema_version, LATEST);
    assert_eq!(report.counts["customer"], 2);
    assert!(report.counts.contains_key("setting"));
    assert!(!report.counts.keys().any(|k| k.starts_with("customer_search_")), "{:?}", report.counts);
}

// --- customers ---

#[test]
fn create_normalises_and_reads_back() {
    let mut store = Store::open_in_memory().unwrap();
    let c = store.create_customer(customer(" Trans-Łódź ", "Łódź", "pl", "PL526-104-08-28")).unwrap();
    assert_eq!(c.data.name, "Trans-Łódź");
    assert_eq!(c.data.vat_id, "5261040828");
    assert_eq!(c.version, 1);
    assert_eq!(store.customer(c.id).unwrap(), c);
}

#[test]
fn invalid_data_saves_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let err = store.create_customer(customer("Bad VAT", "Milano", "IT", "12345678900")).unwrap_err();
    assert!(matches!(err, Error::Validation(_)));
    assert_eq!(store.count_customers().unwrap(), 0);
}

#[test]
fn a_duplicate_vat_id_names_the_existing_customer() {
    let mut store = Store::open_in_memory().unwrap();
    let first = store.create_customer(customer("Rossi Trasporti", "Milano", "IT", "00743110157")).unwrap();
    let err = store.create_customer(customer("Copy", "Roma", "IT", "IT 00743110157")).unwrap_err();
    match err {
        Error::DuplicateVat { existing_id, existing_name } => {
            assert_eq!((existing_id, existing_name.as_str()), (first.id, "Rossi Trasporti"))
        }
        other => panic!("{other:?}"),
    }
    // Updating the first customer with its own VAT id is fine.
    store.update_customer(first.id, first.version, first.data.clone()).unwrap();
    assert_eq!(store.count_customers().unwrap(), 1);
}

#[test]
fn a_stale_save_is_refused_as_a_conflict() {
    let mut store = Store::open_in_memory().unwrap();
    let c = store.create_customer(customer("Rossi", "Milano", "IT", "")).unwrap();
    let mut mine = c.data.clone();
    mine.city = "Torino".into();
    let saved = store.update_customer(c.id, c.version, mine.clone()).unwrap();
    assert_eq!(saved.version, 2);
    let mut theirs = c.data.clone();
    theirs.city = "Bologna".into();
    assert!(matches!(store.update_customer(c.id, c.version, theirs), Err(Error::Conflict { .. })));
    assert_eq!(store.customer(c.id).unwrap().data.city, "Torino");
    assert!(matches!(store.update_customer(999, 1, mine), Err(Error::NotFound { .. })));
}

#[test]
fn updating_reindexes_the_search_key() {
    let mut store = store_with(&[customer("Rossi", "Milano", "IT", "")]);
    let c = store.customer(1).unwrap();
    let mut d = c.data.clone();
    d.city = "Šiauliai".into();
    store.update_customer(c.id, c.version, d).unwrap();
    assert_eq!(names(&store, "siauliai"), ["Rossi"]);
    assert!(names(&store, "milano").is_empty());
}

#[test]
fn archived_customers_are_hidden_by_default_and_restorable() {
    let mut store = store_with(&[customer("Rossi", "Milano", "IT", ""), customer("Bianchi", "Milano", "IT", "")]);
    let archived = store.archive_customer(1).unwrap();
    assert!(archived.archived);
    assert_eq!(names(&store, "milano"), ["Bianchi"]);
    let all = CustomerQuery { text: "milano".into(), include_archived: true, limit: 10 };
    assert_eq!(store.search_customers(&all).unwrap().len(), 2);
    assert!(!store.restore_customer(1).unwrap().archived);
    assert_eq!(names(&store, ""), ["Bianchi", "Rossi"]);
    assert!(matches!(store.archive_customer(42), Err(Error::NotFound { .. })));
}

// --- search ---

fn search_fixture() -> Store {
    let mut phone = customer("Trans-Łódź Sp. z o.o.", "Łódź", "PL", "5261040828");
    phone.phone = "+48 42 123 45 67".into();
    phone.email = "biuro@translodz.pl".into();
    store_with(&[
        phone,
        customer("UAB „Žukauskas transportas“", "Šiauliai", "LT", ""),
        customer("Rossi Trasporti S.r.l.", "Forlì", "IT", "00743110157"),
        customer("上海顺达物流有限公司", "上海", "CN", ""),
        customer("Kraków Budowa", "Kraków", "PL", ""),
    ])
}

#[test]
fn search_ignores_case_and_diacritics_both_ways() {
    let store = search_fixture();
    assert_eq!(names(&store, "lodz"), ["Trans-Łódź Sp. z o.o."]);
    assert_eq!(names(&store, "ŁÓDŹ"), ["Trans-Łódź Sp. z o.o."]);
    assert_eq!(names(&store, "siauliai"), ["UAB „Žukauskas transportas“"]);
    assert_eq!(names(&store, "zukausk"), ["UAB „Žukauskas transportas“"]);
    assert_eq!(names(&store, "forli"), ["Rossi Trasporti S.r.l."]);
    assert_eq!(names(&store, "krakow"), ["Kraków Budowa"]);
}

#[test]
fn search_needs_every_word_anywhere() {
    let store = search_fixture();
    assert_eq!(names(&store, "trans lodz"), ["Trans-Łódź Sp. z o.o."]);
    assert_eq!(names(&store, "lodz rossi"), Vec::<String>::new());
    assert_eq!(names(&store, "tras"), ["Rossi Trasporti S.r.l."]);
}

#[test]
fn search_finds_vat_ids_and_phones_by_substring_with_any_separators() {
    let store = search_fixture();
    assert_eq!(names(&store, "526-104"), ["Trans-Łódź Sp. z o.o."]);
    assert_eq!(names(&store, "1040828"), ["Trans-Łódź Sp. z o.o."]);
    assert_eq!(names(&store, "42 123 45"), ["Trans-Łódź Sp. z o.o."]);
    assert_eq!(names(&store, "743110"), ["Rossi Trasporti S.r.l."]);
    assert_eq!(names(&store, "biuro@translodz"), ["Trans-Łódź Sp. z o.o."]);
}

#[test]
fn search_works_for_chinese_and_for_one_and_two_character_queries() {
    let store = search_fixture();
    assert_eq!(names(&store, "上海"), ["上海顺达物流有限公司"]);
    assert_eq!(names(&store, "物流"), ["上海顺达物流有限公司"]);
    assert_eq!(names(&store, "顺达物流"), ["上海顺达物流有限公司"]);
    assert_eq!(names(&store, "上"), ["上海顺达物流有限公司"]);
    assert_eq!(names(&store, "ż"), ["Trans-Łódź Sp. z o.o.", "UAB „Žukauskas transportas“"], "ż and ž fold to z");
    assert_eq!(names(&store, "kr"), ["Kraków Budowa"]);
    assert_eq!(names(&store, "bu kr"), ["Kraków Budowa"]);
    assert_eq!(names(&store, "ow"), Vec::<String>::new(), "short terms match the start of a word");
    assert_eq!(names(&store, "krak 上"), Vec::<String>::new());
    assert_eq!(names(&store, "budowa k"), ["Kraków Budowa"], "long and short terms together");
}

#[test]
fn names_starting_with_the_query_come_first() {
    let store = store_with(&[
        customer("Autotrasporti Rossi", "Milano", "IT", ""),
        customer("Rossi Trasporti", "Milano", "IT", ""),
        customer("Bianchi", "Rossiglione", "IT", ""),
    ]);
    assert_eq!(names(&store, "rossi"), ["Rossi Trasporti", "Autotrasporti Rossi", "Bianchi"]);
}

#[test]
fn broad_queries_still_return_a_full_page() {
    let mut store = Store::open_in_memory().unwrap();
    crate::demo::load(&mut store, 3000, 5, |_, _| {}).unwrap();
    let q = CustomerQuery { text: "info".into(), limit: 100, ..Default::default() };
    let rows = store.search_customers(&q).unwrap();
    assert_eq!(rows.len(), 100);
    assert!(rows.windows(2).all(|w| crate::search_key::fold(&w[0].name) <= crate::search_key::fold(&w[1].name)));
}

#[test]
fn every_index_a_search_or_save_needs_is_used() {
    let plan = |sql: &str| -> String {
        let store = Store::open_in_memory().unwrap();
        let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows: Vec<String> = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap().map(|r| r.unwrap()).collect();
        rows.join("; ")
    };
    let vat = plan(&super::customers::VAT_OWNER_SQL.replace("?1", "'IT'").replace("?2", "'1'").replace("?3", "NULL"));
    assert!(vat.contains("USING INDEX customer_vat"), "{vat}");
}

#[test]
fn search_treats_query_syntax_as_plain_text() {
    let store = search_fixture();
    for hostile in ["\"", "\"\"", "a\" OR \"b", "*", "NEAR(", "%", "_", "'; DROP TABLE customer; --", "\u{1f}"] {
        let _ = names(&store, hostile);
    }
    assert_eq!(store.count_customers().unwrap(), 5);
    assert_eq!(names(&store, "o.o."), ["Trans-Łódź Sp. z o.o."]);
}

#[test]
fn an_empty_query_lists_everyone_sorted_by_name_ignoring_accents() {
    let store = search_fixture();
    assert_eq!(
        names(&store, "  "),
        [
            "Kraków Budowa",
            "Rossi Trasporti S.r.l.",
            "Trans-Łódź Sp. z o.o.",
            "UAB „Žukauskas transportas“",
            "上海顺达物流有限公司"
        ]
    );
    let one = CustomerQuery { limit: 1, ..Default::default() };
    assert_eq!(store.search_customers(&one).unwrap().len(), 1);
}

#[test]
fn bulk_create_is_all_or_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let rows = vec![customer("Ok", "Milano", "IT", ""), customer("", "Milano", "IT", "")];
    assert!(store.create_customers_bulk(rows).is_err());
    let rows = vec![customer("Same", "Milano", "IT", "00743110157"), customer("Same 2", "Roma", "IT", "00743110157")];
    assert!(matches!(store.create_customers_bulk(rows), Err(Error::DuplicateVat { .. })));
    assert_eq!(store.count_customers().unwrap(), 0);
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
