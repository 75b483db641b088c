//! `parc-cli` as scripts and support use it: real processes on temporary databases.

use std::path::Path;
use std::process::{Command, Output};

use parc_core::storage::Target;

fn cli(db: &Path, args: &[&str]) -> Output {
    cli_raw(&[&["--db", db.to_str().unwrap()], args].concat())
}

fn cli_raw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parc-cli"))
        .args(args)
        .env_remove("PARC_DB")
        // A private config folder: the developer's own settings must not choose the database.
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("parc-cli-tests-config"))
        .output()
        .expect("run parc-cli")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

#[test]
fn demo_then_check_reports_counts_and_schema_as_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = cli(&db, &["demo", "--customers", "150", "--seed", "4", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let added: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(added["added"]["customers"], 150);
    assert_eq!(added["added"]["users"], 9, "a new office: manager, six salespeople, two assistants");
    assert_eq!(added["today"], "2026-11-23");
    let (people, contacts) = (added["added"]["people"].as_u64().unwrap(), added["added"]["contacts"].as_u64().unwrap());
    assert!((300..=600).contains(&people), "{people} people");
    assert!((1200..=1800).contains(&contacts), "{contacts} contacts");

    let out = cli(&db, &["check"]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(report["integrity"], "ok");
    assert_eq!(report["schema_version"], parc_core::storage::SCHEMA_VERSION);
    assert_eq!(report["counts"]["customer"], 150);
    assert_eq!(report["counts"]["app_user"], 9);
    assert_eq!(report["counts"]["person"], people);
    assert_eq!(report["counts"]["contact"], contacts);
    assert!(report["counts"]["setting"].is_number());

    // A second set on the same office reuses its users.
    let out = cli(&db, &["demo", "--customers", "20", "--seed", "5", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!((again["added"]["users"].as_u64(), again["added"]["customers"].as_u64()), (Some(0), Some(20)));
}

#[test]
fn demo_refuses_a_today_that_is_not_a_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = cli(&db, &["demo", "--customers", "5", "--today", "23/11/2026"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn agenda_prints_a_users_open_actions_as_json_lines_with_their_bucket() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = cli(&db, &["demo", "--customers", "300", "--seed", "2", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let out = cli(&db, &["agenda", "--user", "giulia ROMANO", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let bucket = |name: &str| rows.iter().filter(|r| r["bucket"] == name).collect::<Vec<_>>();
    for name in ["overdue", "upcoming", "visit"] {
        assert!(!bucket(name).is_empty(), "no {name} action in {rows:?}");
    }
    assert!(rows.iter().all(|r| ["overdue", "today", "upcoming", "visit"].contains(&r["bucket"].as_str().unwrap())));
    assert!(bucket("overdue").iter().all(|r| r["next_due"].as_str().unwrap() < "2026-11-23"));
    assert!(bucket("today").iter().all(|r| r["next_due"] == "2026-11-23"));
    assert!(bucket("upcoming").iter().all(|r| r["next_due"].as_str().unwrap() > "2026-11-23"));
    assert!(bucket("visit").iter().all(|r| r["next_kind"] == "visit"));
    assert!(rows.iter().all(|r| r["next_user_id"] == rows[0]["next_user_id"] && r["customer_name"].is_string()));

    // The initials name the same person; the overdue list moves with the day.
    let by_initials = cli(&db, &["agenda", "--user", "gr", "--today", "2026-11-23"]);
    assert_eq!(stdout(&by_initials), stdout(&out));
    let later = cli(&db, &["agenda", "--user", "GR", "--today", "2026-12-20"]);
    assert_ne!(stdout(&later), stdout(&out));
}

#[test]
fn agenda_of_an_unknown_user_fails_and_names_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    assert!(cli(&db, &["demo", "--customers", "30", "--today", "2026-11-23"]).status.success());
    let out = cli(&db, &["agenda", "--user", "Nobody Here"]);
    assert!(!out.status.success());
    assert_eq!(stdout(&out), "");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nobody here") && err.contains("Giulia Romano"), "{err}");
}

#[test]
fn the_same_seed_gives_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3"));
    for db in [&a, &b] {
        assert!(cli(db, &["demo", "--customers", "100", "--seed", "9", "--today", "2026-11-23"]).status.success());
    }
    let (ra, rb) = (cli(&a, &["search", "", "--limit", "1000"]), cli(&b, &["search", "", "--limit", "1000"]));
    assert_eq!(stdout(&ra), stdout(&rb));
    assert_eq!(stdout(&ra).lines().count(), 100);
    let agenda = |db| stdout(&cli(db, &["agenda", "--user", "ŁW", "--today", "2026-11-23"]));
    assert_eq!(agenda(&a), agenda(&b));
    assert!(!agenda(&a).is_empty());
}

#[test]
fn search_prints_one_json_object_per_matching_customer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    assert!(cli(&db, &["demo", "--customers", "200"]).status.success());
    for (query, city) in [("lodz", "Łódź"), ("siauliai", "Šiauliai"), ("krakow", "Kraków"), ("上海", "上海")] {
        let out = cli(&db, &["search", query]);
        assert!(out.status.success());
        let rows: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert!(!rows.is_empty(), "{query} finds nothing");
        assert!(rows.iter().all(|r| r["city"] == city), "{query}: {rows:?}");
    }
    assert_eq!(stdout(&cli(&db, &["search", "no such customer anywhere"])), "");
}

#[test]
fn check_names_the_problem_and_fails_on_a_file_that_is_not_parc() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("letter.sqlite3");
    std::fs::write(&db, "not a database at all, just some text that is long enough").unwrap();
    let out = cli(&db, &["check"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Parc database"));
    assert_eq!(std::fs::read_to_string(&db).unwrap(), "not a database at all, just some text that is long enough");
}

#[test]
fn check_fails_on_a_damaged_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("damaged.sqlite3");
    assert!(cli(&db, &["demo", "--customers", "2000"]).status.success());
    // parc-cli closed the file, which folded the WAL into it; now overwrite pages in the middle.
    assert!(!dir.path().join("damaged.sqlite3-wal").exists());
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    assert!(len > 64 * 1024, "database large enough to damage: {len}");
    for b in &mut bytes[len / 2..len / 2 + 8192] {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = cli(&db, &["check"]);
    assert!(!out.status.success(), "damage went unnoticed: {}", stdout(&out));
    assert!(!out.stderr.is_empty(), "the problem is named on stderr");
}

#[test]
fn migrate_store_copies_a_file_into_postgres_and_back_verified() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("alone.sqlite3");
    assert!(cli(&file, &["demo", "--customers", "250", "--seed", "3"]).status.success());
    // Into PostgreSQL when the test server is there, and always into another file.
    let mut middles = vec![dir.path().join("middle.sqlite3").to_str().unwrap().to_string()];
    if let Some(url) = parc_core::testing::postgres_url() {
        let Target::Postgres(pg) = parc_core::testing::fresh_postgres_target(&url) else { unreachable!() };
        middles.push(pg);
    }
    for (i, middle) in middles.iter().enumerate() {
        let out = cli_raw(&["migrate-store", "--from", file.to_str().unwrap(), "--to", middle]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let report: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(report["copied"]["customer"], 250);
        assert_eq!(report["verified"], true);

        let back = dir.path().join(format!("back{i}.sqlite3"));
        let out = cli_raw(&["migrate-store", "--from", middle, "--to", back.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let again: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(again["checksum"], report["checksum"], "the round trip changed nothing");
        assert_eq!(stdout(&cli(&back, &["search", "lodz"])), stdout(&cli(&file, &["search", "lodz"])));

        // A second copy into the same, now full, destination is refused.
        let out = cli_raw(&["migrate-store", "--from", file.to_str().unwrap(), "--to", middle]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    }
}

#[test]
fn funnel_prints_stages_forecasts_and_leads_as_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = cli(&db, &["demo", "--customers", "200", "--seed", "3", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let added: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(added["added"]["deals"], 200, "about one deal per customer");
    assert!(added["added"]["snapshots"].as_u64().unwrap() > 0);

    let out = cli(&db, &["funnel", "--today", "2026-11-23", "--currency", "EUR"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let f: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(f["currency"], "EUR");
    let names: Vec<&str> = f["stages"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["Target customer", "Qualified", "Shortlisted", "Negotiation", "Near win", "Won", "Lost", "Postponed"]
    );
    assert_eq!(f["forecast"]["months"].as_array().unwrap().len(), 6);
    assert_eq!(f["forecast"]["months"][0]["month"], "2026-11");
    let total = &f["forecast"]["total"];
    assert!(total["commit"]["raw"].as_i64() <= total["best_case"]["raw"].as_i64());
    assert!(total["best_case"]["raw"].as_i64() <= total["pipeline"]["raw"].as_i64());
    assert!(f["forecast"]["owners"][0]["owner"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(!f["leads"].as_array().unwrap().is_empty());

    // One salesperson, one quarter.
    let out =
        cli(&db, &["funnel", "--owner", "GR", "--from", "2026-10-01", "--to", "2026-12-31", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mine: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(mine["forecast"]["months"].as_array().unwrap().len(), 3);
    let count = |v: &serde_json::Value| {
        v["stages"].as_array().unwrap().iter().map(|s| s["now"]["deals"].as_i64().unwrap()).sum::<i64>()
    };
    assert!(count(&mine) < count(&f));

    let out = cli(&db, &["funnel", "--owner", "Nobody Here"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user named"));

    let out = cli(&db, &["snapshot", "--as-of", "2026-10-31"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let kept: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(kept["kept"], 0, "the demo kept October's end already");
}
