//! What only the PostgreSQL store does: its schema table, advisory-locked migrations and
//! several workstations on one server. Skipped (with nothing to test) without PARC_TEST_PG,
//! which CI always sets.

use crate::customer::store::search::CustomerQuery;
use crate::customer::CustomerData;
use crate::ground::error::{ConnectionProblem, Error};
use crate::storage::postgres::migrations::{self, LATEST, MIGRATIONS};
use crate::storage::postgres::*;
use crate::storage::testing::{fresh_postgres_target, postgres_url};
use crate::storage::{Store, Target};
use postgres::{Client, Config};
use std::str::FromStr;

/// A fresh, empty schema on the test server: its address and a raw client inside it.
fn fresh() -> Option<(String, Client)> {
    let Target::Postgres(url) = fresh_postgres_target(&postgres_url()?) else { unreachable!() };
    let client = raw_client(&url).expect("connect");
    Some((url, client))
}

fn customer(name: &str, vat: &str) -> CustomerData {
    CustomerData {
        name: name.into(),
        city: "Milano".into(),
        country: "IT".into(),
        vat_id: vat.into(),
        ..Default::default()
    }
}

#[test]
fn a_fresh_database_gets_the_latest_schema_and_a_second_run_applies_nothing() {
    let Some((url, mut client)) = fresh() else { return };
    assert_eq!(migrations::migrate(&mut client, "test").unwrap(), LATEST as usize);
    assert_eq!(migrations::migrate(&mut client, "test").unwrap(), 0);
    assert_eq!(migrations::schema_version(&mut client).unwrap(), Some(LATEST));
    assert_eq!(LATEST, crate::storage::sqlite::migrations::LATEST, "both dialects have the same versions");
    assert!(Postgres::connect(&url).is_ok());
}

#[test]
fn a_failing_migration_changes_nothing() {
    let Some((_, mut client)) = fresh() else { return };
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(MIGRATIONS[0]).unwrap();
    assert!(tx.batch_execute("CREATE TABLE fine (x int); THIS IS NOT SQL;").is_err());
    drop(tx);
    let tables: i64 = client
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "DDL is transactional: the first migration was rolled back too");
}

#[test]
fn a_newer_schema_is_refused_unchanged() {
    let Some((url, mut client)) = fresh() else { return };
    drop(Postgres::connect(&url).unwrap());
    client.execute("UPDATE parc_schema SET version = $1", &[&(LATEST + 1)]).unwrap();
    match Postgres::connect(&url) {
        Err(Error::SchemaTooNew { found, supported }) => assert_eq!((found, supported), (LATEST + 1, LATEST)),
        other => panic!("{:?}", other.err()),
    }
    assert_eq!(migrations::schema_version(&mut client).unwrap(), Some(LATEST + 1));
}

#[test]
fn another_programs_database_is_refused_unchanged() {
    let Some((url, mut client)) = fresh() else { return };
    client.batch_execute("CREATE TABLE invoices (n int); INSERT INTO invoices VALUES (1);").unwrap();
    assert!(matches!(Postgres::connect(&url), Err(Error::NotParcDatabase { .. })));
    assert_eq!(migrations::schema_version(&mut client).unwrap(), None);
}

#[test]
fn upgrades_a_database_left_at_every_earlier_version() {
    for from in 1..LATEST {
        let Some((url, mut client)) = fresh() else { return };
        let mut tx = client.transaction().unwrap();
        tx.batch_execute("CREATE TABLE parc_schema (version BIGINT NOT NULL)").unwrap();
        for sql in &MIGRATIONS[..from as usize] {
            tx.batch_execute(sql).unwrap();
        }
        tx.execute("INSERT INTO parc_schema VALUES ($1)", &[&from]).unwrap();
        tx.execute(
            "INSERT INTO customer (name, city, country, sort_key, search_key, search_words, created_at, updated_at)
             VALUES ('Łódź Trans', 'Łódź', 'PL', 'lodz trans', 'lodz trans\u{1f}lodz', 'lodz:1,3 trans:2', 'x', 'x')",
            &[],
        )
        .unwrap();
        tx.commit().unwrap();
        let mut store = Store::connect(&Target::Postgres(url)).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST);
        let q = CustomerQuery { text: "lodz".into(), ..Default::default() };
        assert_eq!(store.search_customers(&q).unwrap()[0].name, "Łódź Trans");
    }
}

/// Version 12 gives existing leads their contacted and won marks (see the SQLite test).
#[test]
fn the_upgrade_to_10_marks_existing_leads_contacted_and_won() {
    let v10 = MIGRATIONS.iter().position(|m| m.contains("TRIGGER lead_contacted")).unwrap();
    for stored_process in [None, Some(r#"{"version":1,"stages":[{"id":9,"kind":"won"},{"id":6,"kind":"lost"}]}"#)] {
        let Some((url, mut client)) = fresh() else { return };
        let mut tx = client.transaction().unwrap();
        tx.batch_execute("CREATE TABLE parc_schema (version BIGINT NOT NULL)").unwrap();
        for sql in &MIGRATIONS[..v10] {
            tx.batch_execute(sql).unwrap();
        }
        tx.execute("INSERT INTO parc_schema VALUES ($1)", &[&(v10 as i64)]).unwrap();
        if let Some(json) = stored_process {
            tx.execute("INSERT INTO setting (key, value) VALUES ('funnel.stages', $1)", &[&json]).unwrap();
        }
        tx.batch_execute(
            "INSERT INTO customer (id, name, sort_key, search_key, search_words, created_at, updated_at, last_contact_at)
             VALUES (1, 'A', 'a', 'a', '', 'x', 'x', '2026-11-05T10:00'), (2, 'B', 'b', 'b', '', 'x', 'x', NULL);
             INSERT INTO deal (id, customer_id, title, value, currency, stage_id, stage_since, closed_on, created_at, updated_at)
             VALUES (1, 1, 'won in the default process', 1, 'EUR', 6, 'x', '2026-11-06', 'x', 'x'),
                    (2, 1, 'won in the stored process', 1, 'EUR', 9, 'x', '2026-11-06', 'x', 'x');
             INSERT INTO lead (id, customer_id, source, received_on, status, deal_id, created_at) VALUES
                 (1, 1, 'fair', '2026-11-05', 'qualified', 1, 'x'),
                 (2, 1, 'fair', '2026-11-06', 'qualified', 2, 'x'),
                 (3, 2, 'web', '2026-11-01', 'open', NULL, 'x');",
        )
        .unwrap();
        tx.commit().unwrap();
        drop(Store::connect(&Target::Postgres(url)).unwrap());
        let marks: Vec<(i64, bool, bool)> = client
            .query("SELECT id, contacted, won FROM lead ORDER BY id", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let by_default = stored_process.is_none();
        assert_eq!(marks, [(1, true, by_default), (2, false, !by_default), (3, false, false)]);
        client.execute("UPDATE customer SET last_contact_at = '2026-11-07T08:00' WHERE id = 1", &[]).unwrap();
        let contacted: i64 = client.query_one("SELECT count(*) FROM lead WHERE contacted", &[]).unwrap().get(0);
        assert_eq!(contacted, 2);
    }
}

/// Two workstations on one server: both write at once, each sees the other's customers on the
/// next search, a stale save is refused, and one VAT id cannot be taken twice.
#[test]
fn two_workstations_share_one_database() {
    let Some((url, _)) = fresh() else { return };
    let target = Target::Postgres(url);
    let mut a = Store::connect(&target).unwrap();
    let mut b = Store::connect(&target).unwrap();

    let writers: Vec<_> = ["A", "B"]
        .into_iter()
        .map(|who| {
            let target = target.clone();
            std::thread::spawn(move || {
                let mut s = Store::connect(&target).unwrap();
                for i in 0..40 {
                    s.create_customer(customer(&format!("{who} customer {i}"), "")).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(a.count_customers().unwrap(), 80);

    let made_on_a = a.create_customer(customer("Made on A", "")).unwrap();
    let q = CustomerQuery { text: "made on".into(), ..Default::default() };
    assert_eq!(b.search_customers(&q).unwrap()[0].id, made_on_a.id);

    let on_b = b.customer(made_on_a.id).unwrap();
    let mut edit = on_b.data.clone();
    edit.city = "Torino".into();
    a.update_customer(made_on_a.id, made_on_a.version, edit.clone()).unwrap();
    assert!(matches!(b.update_customer(on_b.id, on_b.version, edit), Err(Error::Conflict { .. })));

    // The same VAT id from both at once: exactly one wins, the other is told who has it.
    let racers: Vec<_> = ["First", "Second"]
        .into_iter()
        .map(|who| {
            let target = target.clone();
            std::thread::spawn(move || Store::connect(&target).unwrap().create_customer(customer(who, "00743110157")))
        })
        .collect();
    let results: Vec<_> = racers.into_iter().map(|r| r.join().unwrap()).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    let winner = results.iter().find_map(|r| r.as_ref().ok()).unwrap();
    match results.iter().find_map(|r| r.as_ref().err()).unwrap() {
        Error::DuplicateVat { existing_id, .. } => assert_eq!(*existing_id, winner.id),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_refused_password_and_a_missing_database_are_told_apart() {
    let Some(url) = postgres_url() else { return };
    let config = Config::from_str(&url).unwrap();
    let host = match &config.get_hosts()[0] {
        postgres::config::Host::Tcp(h) => h.clone(),
        #[cfg(unix)]
        postgres::config::Host::Unix(_) => return,
    };
    let port = config.get_ports()[0];
    let user = config.get_user().unwrap_or("parc");
    match Postgres::connect(&format!("postgres://{user}:not-the-password@{host}:{port}/parc_test")) {
        Err(Error::Connection { problem, .. }) => assert_eq!(problem, ConnectionProblem::BadPassword),
        other => panic!("{:?}", other.err()),
    }
    match Postgres::connect(&format!("postgres://{user}@{host}:{port}/no_such_database")) {
        Err(Error::Connection { problem, .. }) => assert_eq!(problem, ConnectionProblem::DatabaseMissing),
        other => panic!("{:?}", other.err()),
    }
}

/// Upgrading to the reports' schema counts the contacts already in the database.
#[test]
fn upgrading_counts_the_contacts_already_there() {
    let Some((url, mut client)) = fresh() else { return };
    let mut tx = client.transaction().unwrap();
    tx.batch_execute("CREATE TABLE parc_schema (version BIGINT NOT NULL); INSERT INTO parc_schema VALUES (0);")
        .unwrap();
    let v11 = MIGRATIONS.iter().position(|m| m.contains("CREATE TABLE contact_tally")).unwrap();
    for sql in &MIGRATIONS[..v11] {
        tx.batch_execute(sql).unwrap();
    }
    tx.execute("UPDATE parc_schema SET version = $1", &[&(v11 as i64)]).unwrap();
    // This store's customers also carry their search columns.
    let fixture = crate::report::rows::UPGRADE_FIXTURE
        .replace("sort_key, created_at", "sort_key, search_key, search_words, created_at")
        .replace("'rossi', '2026", "'rossi', 'rossi', '', '2026")
        .replace("'bianchi', '2026", "'bianchi', 'bianchi', '', '2026");
    tx.batch_execute(&fixture).unwrap();
    tx.commit().unwrap();
    let mut store = Store::connect(&Target::Postgres(url)).unwrap();
    crate::report::rows::check_upgraded_tallies(&mut store);
}

/// Tables and their columns, by name, as a store's schema has them.
type Schema = std::collections::BTreeMap<String, std::collections::BTreeSet<String>>;

fn sqlite_schema() -> Schema {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    crate::storage::sqlite_meta::migrate(&mut conn).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let columns = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (t, columns)
        })
        .collect()
}

/// The two dialects' migrations build the same tables with the same columns, but for what
/// each keeps its own way (named below): a column added on one side only fails here.
#[test]
fn both_stores_have_the_same_tables_and_columns() {
    let Some((url, mut client)) = fresh() else { return };
    drop(Store::connect(&Target::Postgres(url)).unwrap());
    let mut postgres = Schema::new();
    for row in client
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema()",
            &[],
        )
        .unwrap()
    {
        postgres.entry(row.get(0)).or_default().insert(row.get(1));
    }
    let sqlite = sqlite_schema();
    let only = |a: &Schema, b: &Schema| -> Vec<String> {
        let mut out = Vec::new();
        for (table, columns) in a {
            match b.get(table) {
                None => out.push(table.clone()),
                Some(other) => out.extend(columns.difference(other).map(|c| format!("{table}.{c}"))),
            }
        }
        out
    };
    // What each dialect keeps its own way: SQLite's search in FTS5 tables (and their shadow
    // tables) and its change clock; PostgreSQL's search in two columns of the customer (pg_trgm,
    // tsvector), its change numbers from transaction ids, and its schema version in a table
    // (SQLite's is `user_version`).
    let sqlite_only: Vec<String> = only(&sqlite, &postgres)
        .into_iter()
        .filter(|t| t != "change_clock" && !t.starts_with("customer_search") && !t.starts_with("customer_words"))
        .collect();
    let postgres_only: Vec<String> = only(&postgres, &sqlite)
        .into_iter()
        .filter(|t| !["customer.search_key", "customer.search_words", "parc_schema"].contains(&t.as_str()))
        .collect();
    assert!(
        sqlite_only.is_empty() && postgres_only.is_empty(),
        "the schemas differ: only on SQLite {sqlite_only:?}, only on PostgreSQL {postgres_only:?}"
    );
}
