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

/// A temporary folder holding a demo office of `customers` (made with `seed`, history up to
/// 2026-11-23) as `office.sqlite3`; the folder goes when the first value is dropped.
fn demo_office(customers: u32, seed: u32) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let (customers, seed) = (customers.to_string(), seed.to_string());
    let out = cli(&db, &["demo", "--customers", &customers, "--seed", &seed, "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (dir, db)
}

#[test]
fn demo_then_check_reports_counts_and_schema_as_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = cli(&db, &["demo", "--customers", "150", "--seed", "4", "--today", "2026-11-23"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let added: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(added["added"]["customers"], 150);
    assert_eq!(added["added"]["users"], 10, "a new office: director, manager, six salespeople, two assistants");
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
    assert_eq!(report["counts"]["app_user"], 10);
    assert_eq!(report["counts"]["person"], people);
    assert_eq!(report["counts"]["contact"], contacts);
    assert!(report["counts"]["setting"].is_number());

    // A keyed load run twice adds once.
    let keyed = ["demo", "--customers", "10", "--seed", "6", "--today", "2026-11-23", "--key", "load-1"];
    assert_eq!(json(&cli(&db, &keyed))["added"]["customers"], 10);
    assert_eq!(json(&cli(&db, &keyed))["added"]["customers"], 0);
    assert_eq!(json(&cli(&db, &["check"]))["counts"]["customer"], 160);

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
    let (_dir, db) = demo_office(300, 2);

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
    if let Some(url) = parc_core::host::testing::postgres_url() {
        let Target::Postgres(pg) = parc_core::host::testing::fresh_postgres_target(&url) else { unreachable!() };
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

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    stdout(o).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn renewals_prints_the_radar_by_customer_and_month_competitors_first() {
    let (_dir, db) = demo_office(300, 2);

    let rows = json_lines(&cli(&db, &["renewals", "--months", "6", "--today", "2026-11-23"]));
    assert!(rows.len() > 20, "{} rows", rows.len());
    let months = ["2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"];
    for r in &rows {
        let month = r["month"].as_str().unwrap();
        assert!(months.contains(&month), "{month} outside the next six months");
        let lines = r["lines"].as_array().unwrap();
        assert!(lines.iter().all(|l| l["renewal_due"].as_str().unwrap().starts_with(month)));
        assert!(lines.iter().all(|l| l["renewal_due"].as_str().unwrap() >= "2026-11-23"));
        let sum: i64 = lines.iter().map(|l| l["vehicles"].as_i64().unwrap()).sum();
        assert_eq!(sum, r["vehicles"].as_i64().unwrap());
    }
    // Customers in the radar's order: most competitor vehicles first.
    let mut order: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| (r["customer_id"].as_i64().unwrap(), r["customer_competitor_vehicles"].as_i64().unwrap()))
        .collect();
    order.dedup();
    assert!(order.windows(2).all(|w| w[0].1 >= w[1].1), "{order:?}");

    let by_volume = json_lines(&cli(&db, &["renewals", "--months", "6", "--sort", "volume", "--today", "2026-11-23"]));
    let mut volumes: Vec<i64> = by_volume.iter().map(|r| r["customer_vehicles"].as_i64().unwrap()).collect();
    volumes.dedup();
    assert!(volumes.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(by_volume.len(), rows.len());

    let mine = json_lines(&cli(&db, &["renewals", "--months", "6", "--user", "GR", "--today", "2026-11-23"]));
    assert!(!mine.is_empty() && mine.len() < rows.len());
    assert!(!cli(&db, &["renewals", "--sort", "alphabet"]).status.success());
}

#[test]
fn share_prints_the_market_share_by_segment_and_year() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let out = cli(&db, &["demo", "--customers", "200", "--seed", "4", "--today", "2026-11-23"]);
    let added: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let rows = json_lines(&cli(&db, &["share"]));
    let kind = |k: &str| rows.iter().filter(|r| r["kind"] == k).collect::<Vec<_>>();
    let office = kind("office");
    assert_eq!(office.len(), 1);
    assert_eq!(office[0]["vehicles"], added["added"]["vehicles"]);
    let sum = |rs: &[&serde_json::Value], f: &str| rs.iter().map(|r| r[f].as_i64().unwrap()).sum::<i64>();
    for k in ["segment_year", "segment", "year"] {
        assert_eq!(sum(&kind(k), "vehicles"), office[0]["vehicles"].as_i64().unwrap(), "{k}");
        assert_eq!(sum(&kind(k), "ours"), office[0]["ours"].as_i64().unwrap(), "{k}");
    }
    assert!(kind("segment_year").iter().all(|r| r["category"].is_string() && r.get("year").is_some()));
    let brands = kind("brand");
    assert_eq!(
        brands.iter().filter(|b| b["ours"] == true).map(|b| b["brand"].as_str().unwrap()).collect::<Vec<_>>(),
        ["MAN"]
    );
    assert!(brands.windows(2).all(|w| w[0]["vehicles"].as_i64() >= w[1]["vehicles"].as_i64()));
}

// --- backups, restore, crash safety ---

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(stdout(o).trim()).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn backup_lists_and_restores_keeping_a_copy_of_the_current_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    let folder = dir.path().join("usb");
    assert!(cli(&db, &["demo", "--customers", "40", "--seed", "3", "--today", "2026-11-23"]).status.success());
    let out = cli(&db, &["backup", "--folder", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let taken = json(&out);
    assert_eq!((taken["customers"].as_i64(), taken["verified"].as_bool()), (Some(40), Some(true)));
    let file = taken["path"].as_str().unwrap().to_string();

    assert!(cli(&db, &["demo", "--customers", "10", "--seed", "4", "--today", "2026-11-23"]).status.success());
    let out = cli(&db, &["restore", &file, "--folder", folder.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out);
    assert_eq!(report["restored"]["customers"], 40);
    assert!(report["kept"].as_str().unwrap().contains("before-restore"));
    assert_eq!(json(&cli(&db, &["check"]))["counts"]["customer"], 40);

    let out = cli(&db, &["backup", "--list", "--folder", folder.to_str().unwrap()]);
    let listed: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["kind"], "before_restore");
    assert_eq!(listed[0]["customers"], 50);

    // A damaged backup is refused with exit code 1 and nothing changes.
    let bad = folder.join("parc-20260101-000000.sqlite3");
    std::fs::write(&bad, b"SQLite format 3\0 but not really").unwrap();
    let out = cli(&db, &["restore", bad.to_str().unwrap(), "--folder", folder.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&cli(&db, &["check"]))["counts"]["customer"], 40);
}

#[test]
fn backup_of_a_server_database_says_it_is_the_servers_job() {
    let out = cli_raw(&["--db", "postgres://parc@127.0.0.1:1/parc", "backup"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}

#[test]
fn crash_test_survives_kills_with_every_reported_operation_complete() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli_raw(&[
        "crash-test",
        "--kills",
        "8",
        "--max-ms",
        "200",
        "--seed",
        "7",
        "--dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out);
    assert_eq!(report["kills"], 8);
    assert_eq!(report["integrity_checks"], 8);
    assert!(report["operations"].as_u64().unwrap() > 0, "{report}");
}

#[test]
fn two_processes_writing_one_file_both_finish_every_operation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.sqlite3");
    // The file exists before both start, as when the app has it open.
    assert!(cli(&db, &["check"]).status.success());
    let spawn = |seed: &str| {
        Command::new(env!("CARGO_BIN_EXE_parc-cli"))
            .args(["--db", db.to_str().unwrap(), "crash-writer", "--seed", seed, "--from", "0", "--ops", "77"])
            .output()
            .expect("run parc-cli")
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("1"));
        let b = s.spawn(|| spawn("2"));
        (a.join().unwrap(), b.join().unwrap())
    });
    for out in [&a, &b] {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(stdout(out).lines().count(), 77);
    }
    let report = json(&cli(&db, &["check"]));
    assert_eq!(report["integrity"], "ok");
    assert_eq!(report["counts"]["customer"], 14, "7 units of 11 operations each, per process");
    assert_eq!(report["counts"]["operation"], 155, "154 operations and one user");
    assert_eq!(report["counts"]["offer"], 14, "one offer per unit, each with its own number");
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

#[test]
fn customers_prints_every_card_with_the_office_fields_by_label() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.sqlite3");
    {
        let mut store = parc_core::Store::open(&db).unwrap();
        let boss = store
            .create_user(parc_core::office::UserData {
                name: "Capo".into(),
                role: parc_core::office::UserRole::Manager,
                active: true,
                ..Default::default()
            })
            .unwrap();
        let depot = store
            .define_custom_field(
                Some(boss.id),
                parc_core::customer::custom_field::CustomFieldData {
                    label: "Depot".into(),
                    kind: parc_core::customer::custom_field::FieldKind::Text,
                    choices: vec![],
                    retired: false,
                },
            )
            .unwrap();
        let mut rossi = parc_core::host::testing::customer("Rossi Trasporti", "Milano", "IT", "");
        rossi.custom.insert(depot.id, "Piacenza".into());
        store.create_customer(rossi).unwrap();
        let archived = store.create_customer(parc_core::host::testing::customer("Old Co", "Roma", "IT", "")).unwrap();
        store.archive_customer(archived.id).unwrap();
    }
    let out = cli(&db, &["customers"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["name"], "Rossi Trasporti");
    assert_eq!(rows[0]["office_fields"]["Depot"], "Piacenza");
    assert!(rows[1]["archived_at"].is_string());
}

#[test]
fn offers_of_the_demo_come_in_every_language_and_a_price_list_file_imports_once() {
    let (dir, db) = demo_office(200, 4);
    let offers = json_lines(&cli(&db, &["offers"]));
    let languages: std::collections::BTreeSet<&str> = offers.iter().map(|o| o["language"].as_str().unwrap()).collect();
    assert_eq!(languages.into_iter().collect::<Vec<_>>(), ["en", "it", "lt", "pl", "zh"]);
    assert!(offers
        .iter()
        .all(|o| o["number"].as_str().unwrap().starts_with("OF-20") && o["total"].as_i64().unwrap() > 0));
    let accepted = json_lines(&cli(&db, &["offers", "--status", "accepted"]));
    assert!(!accepted.is_empty() && accepted.iter().all(|o| o["status"] == "accepted"));
    assert_eq!(cli(&db, &["offers", "--status", "signed"]).status.code(), Some(2));

    let file = dir.path().join("prices.csv");
    std::fs::write(
        &file,
        "code;kind;price;currency;name_en;name_pl\nTGL-12.250;model;74 900,00;EUR;MAN TGL 12.250;MAN TGL 12.250\n",
    )
    .unwrap();
    let first = json(&cli(&db, &["price-import", file.to_str().unwrap()]));
    assert_eq!((first["added"].as_u64(), first["unchanged"].as_u64()), (Some(1), Some(0)));
    let again = json(&cli(&db, &["price-import", file.to_str().unwrap()]));
    assert_eq!((again["added"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(1)));
    std::fs::write(&file, "code;kind;price;currency;name_en\nX;model;lots;EUR;X\n").unwrap();
    let bad = cli(&db, &["price-import", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2), "a bad file fails and imports nothing");
}

#[test]
fn export_profiles_and_import_for_a_nightly_job() {
    let (dir, db) = demo_office(40, 3);
    let profiles = json_lines(&cli(&db, &["profiles"]));
    let names: Vec<(String, String, String)> = profiles
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().into(),
                p["kind"].as_str().unwrap().into(),
                p["entity"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(names.contains(&("customers".into(), "export".into(), "customers".into())), "{names:?}");
    assert!(names.contains(&("customers".into(), "import".into(), "customers".into())), "{names:?}");
    assert!(names.contains(&("orders".into(), "export".into(), "orders".into())), "{names:?}");

    let file = dir.path().join("customers.csv");
    let out = cli(&db, &["export", "--profile", "customers", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = json(&out);
    assert_eq!((report["rows"].as_u64(), report["full_reason"].as_str()), (Some(40), Some("first")));
    // The nightly job the next night: nothing changed, a file with the header alone.
    let night = dir.path().join("night.csv");
    let report = json(&cli(&db, &["export", "--profile", "customers", "--out", night.to_str().unwrap()]));
    assert_eq!((report["rows"].as_u64(), report["full"].as_bool()), (Some(0), Some(false)));
    assert_eq!(std::fs::read_to_string(&night).unwrap().lines().count(), 1);
    let missing = cli(&db, &["export", "--profile", "nope", "--out", night.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("customers"), "names the profiles there are");

    // The exported file imported back changes nothing.
    let out = cli(&db, &["import", "--kind", "customers", "--profile", "customers", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = json(&out);
    assert_eq!(
        (summary["unchanged"].as_u64(), summary["customers_created"].as_u64()),
        (Some(40), Some(0)),
        "{summary}"
    );

    // A file with a bad row: the good one is imported, the bad one goes to the rejected file.
    let prospects = dir.path().join("prospects.csv");
    std::fs::write(&prospects, "name;city;country;vat_id\r\nNuova Srl;Padova;IT;\r\nBad;Roma;IT;01234567890\r\n")
        .unwrap();
    let dry = cli(
        &db,
        &["import", "--kind", "customers", "--profile", "customers", "--dry-run", prospects.to_str().unwrap()],
    );
    assert_eq!((dry.status.code(), json(&dry)["create"].as_u64()), (Some(1), Some(1)));
    assert_eq!(json(&cli(&db, &["check"]))["counts"]["customer"], 40, "a dry run writes nothing");
    let out = cli(&db, &["import", "--kind", "customers", "--profile", "customers", prospects.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let summary = json(&out);
    assert_eq!((summary["customers_created"].as_u64(), summary["rejected"].as_u64()), (Some(1), Some(1)));
    let rejected = std::fs::read_to_string(dir.path().join("prospects-rejected.csv")).unwrap();
    assert!(rejected.contains("Bad;Roma") && rejected.contains("vat_id: "), "{rejected}");
    let wrong = cli(&db, &["import", "--kind", "boats", "--profile", "customers", prospects.to_str().unwrap()]);
    assert_eq!(wrong.status.code(), Some(2));
}

#[test]
fn report_prints_every_kind_as_json_and_as_csv_for_a_spreadsheet() {
    let (_dir, db) = demo_office(300, 2);
    let period = ["--from", "2026-06-01", "--to", "2026-11-23", "--today", "2026-11-23"];
    for kind in parc_core::report::ReportKind::ALL {
        let mut args = vec!["report", "--kind", kind.code()];
        args.extend(period);
        if kind == parc_core::report::ReportKind::Customer {
            args.extend(["--customer", "1"]);
        }
        let out = cli(&db, &args);
        assert!(out.status.success(), "{}: {}", kind.code(), String::from_utf8_lossy(&out.stderr));
        let report = json(&out);
        assert_eq!(report["kind"], kind.code());
        assert_eq!((report["from"].as_str(), report["to"].as_str()), (Some("2026-06-01"), Some("2026-11-23")));
        let columns = report["table"]["columns"].as_array().unwrap().len();
        assert!(columns >= 3, "{}", kind.code());
        for row in report["table"]["rows"].as_array().unwrap() {
            assert_eq!(row.as_array().unwrap().len(), columns, "{}", kind.code());
        }
    }
    // The demo's six salespeople, side by side, with orders won in the period.
    let activity = json(&cli(&db, &["report", "--kind", "activity", "--from", "2026-06-01", "--to", "2026-11-23"]));
    let rows = activity["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6, "{activity}");
    assert!(rows.iter().map(|r| r[3].as_i64().unwrap()).sum::<i64>() > 0, "orders won: {activity}");
    let pyramid = json(&cli(&db, &["report", "--kind", "pyramid", "--today", "2026-11-23"]));
    let customers: i64 = pyramid["table"]["rows"].as_array().unwrap().iter().map(|r| r[1].as_i64().unwrap()).sum();
    assert_eq!(customers, 300, "every customer is in a tier: {pyramid}");

    let out =
        cli(&db, &["report", "--kind", "outcomes", "--format", "csv", "--from", "2026-06-01", "--to", "2026-11-23"]);
    assert!(out.status.success());
    assert_eq!(&out.stdout[..3], b"\xEF\xBB\xBF", "a BOM for Excel");
    let text = String::from_utf8(out.stdout[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 8, "heading, six salespeople, total: {text}");
    assert_eq!(lines[0].split(';').count(), 8);

    let out = cli(&db, &["report", "--kind", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("activity"), "names the kinds");
    let out = cli(&db, &["report", "--kind", "activity", "--from", "2026-12-01", "--to", "2026-11-01"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cli(&db, &["report", "--kind", "customer"]);
    assert_eq!(out.status.code(), Some(2), "which customer?");
}

#[test]
fn segment_prints_a_saved_segments_customers_by_name_and_names_the_known_ones_otherwise() {
    use parc_core::segment::{SegmentData, SegmentFilter};
    let (_dir, db) = demo_office(300, 2);
    let filter = SegmentFilter { renewal_months: Some(6), renewal_competitors: true, ..Default::default() };
    let today = parc_core::chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let expected = {
        let mut store = parc_core::storage::Store::open(&db).unwrap();
        store.create_segment(SegmentData { name: "Competitors due".into(), filter: filter.clone() }).unwrap();
        store.segment_ids(filter, today).unwrap()
    };
    assert!(expected.len() > 10 && expected.len() < 300, "{} customers", expected.len());
    let rows = json_lines(&cli(&db, &["segment", "--name", "competitors DUE", "--today", "2026-11-23"]));
    let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, expected);
    assert!(rows.iter().all(|r| r["name"].is_string() && r["city"].is_string()));

    let out = cli(&db, &["segment", "--name", "Nobody"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Competitors due"));

    // A report kept to the segment: its customers' contacts only, fewer than the office's.
    let period = ["--kind", "contacts", "--from", "2026-06-01", "--to", "2026-11-23", "--today", "2026-11-23"];
    let contacts = |extra: &[&str]| {
        let mut args = vec!["report"];
        args.extend(period);
        args.extend(extra);
        let out = json(&cli(&db, &args));
        (out["table"]["total"][1].as_i64().unwrap(), out["table"]["subtitle"].as_str().unwrap().to_string())
    };
    let (all, _) = contacts(&[]);
    let (kept, subtitle) = contacts(&["--segment", "competitors due"]);
    assert!(kept > 0 && kept < all, "{kept} of {all}");
    assert!(subtitle.contains(&format!("“Competitors due”: {} customers", expected.len())), "{subtitle}");
    let out = cli(&db, &["report", "--kind", "contacts", "--segment", "Nobody"]);
    assert_eq!(out.status.code(), Some(4));

    // A calling campaign on that segment, started, with one interested customer.
    {
        let mut store = parc_core::storage::Store::open(&db).unwrap();
        let segment = store.segment_named("Competitors due").unwrap().unwrap();
        let data = parc_core::segment::campaign::CampaignData {
            name: "Winter calls".into(),
            segment_id: Some(segment.id),
            channel: "phone".into(),
            starts_on: "2026-11-01".into(),
            ends_on: "2026-12-31".into(),
            budget: 250_000,
            currency: "EUR".into(),
            lead_source: "central_marketing".into(),
            ..Default::default()
        };
        let c = store.create_campaign(data).unwrap();
        store.start_campaign(c.id, c.version, today).unwrap();
        store.record_response(c.id, expected[0], "interested", today, parc_core::ground::i18n::Locale::En).unwrap();
    }
    let out = json(&cli(&db, &["campaign", "--name", "winter calls"]));
    assert_eq!(out["campaign"]["name"], "Winter calls");
    assert_eq!(out["results"]["targets"], expected.len());
    assert_eq!((out["results"]["contacts"].as_i64(), out["results"]["leads"].as_i64()), (Some(1), Some(1)));
    assert_eq!(out["results"]["cost_per_lead"], 250_000);
    assert_eq!(cli(&db, &["campaign", "--name", "Summer"]).status.code(), Some(4));
}

#[test]
fn import_of_an_excel_customer_list_creates_once_and_rejects_its_bad_rows_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    for ext in ["xlsx", "xls"] {
        let db = dir.path().join(format!("office-{ext}.sqlite3"));
        // A copy: the rejected rows' file is written beside the workbook.
        let file = dir.path().join(format!("clienti.{ext}"));
        std::fs::copy(fixtures.join(format!("clienti.{ext}")), &file).unwrap();
        let import = |file: &Path| {
            cli(&db, &["import", "--kind", "customers", "--profile", "customers", file.to_str().unwrap()])
        };
        let out = import(&file);
        assert_eq!(out.status.code(), Some(1), "rows were rejected: {}", String::from_utf8_lossy(&out.stderr));
        let summary = json(&out);
        // An .xls gives no cell formats: Verdi's VAT id, shown 04567890126 by its 00000000000
        // format, reads 4567890126 there and is rejected too.
        let (created, rejected) = if ext == "xlsx" { (4, 2) } else { (3, 3) };
        assert_eq!(
            (summary["customers_created"].as_u64(), summary["people_created"].as_u64(), summary["rejected"].as_u64()),
            (Some(created), Some(4), Some(rejected)),
            "{ext}: {summary}"
        );
        let rejected = std::fs::read_to_string(dir.path().join("clienti-rejected.csv")).unwrap();
        assert!(rejected.contains("Gialli Autolinee") && rejected.contains("Partita IVA: "), "{rejected}");
        assert!(rejected.contains("Azzurri Movimento Terra") && rejected.contains("E-mail: "), "{rejected}");
        let again = json(&import(&file));
        assert_eq!(
            (
                again["customers_created"].as_u64(),
                again["customers_updated"].as_u64(),
                again["people_created"].as_u64()
            ),
            (Some(0), Some(0), Some(0)),
            "{ext}: the same file twice changes nothing: {again}"
        );
        assert_eq!(json(&cli(&db, &["check"]))["counts"]["customer"], created);
        // The fleet on the workbook's second sheet.
        let fleet = cli(
            &db,
            &["import", "--kind", "fleet", "--profile", "fleet", "--sheet", "Parco veicoli", file.to_str().unwrap()],
        );
        assert_eq!(fleet.status.code(), Some(0), "{}", String::from_utf8_lossy(&fleet.stderr));
        assert_eq!(json(&fleet)["lines_created"].as_u64(), Some(2));
        let missing = cli(
            &db,
            &["import", "--kind", "fleet", "--profile", "fleet", "--sheet", "Foglio9", file.to_str().unwrap()],
        );
        assert_eq!(missing.status.code(), Some(2), "no such sheet");
    }
}

#[test]
fn report_saves_an_excel_workbook_with_typed_cells() {
    let (dir, db) = demo_office(120, 2);
    let file = dir.path().join("outcomes.xlsx");
    let period = ["--from", "2026-06-01", "--to", "2026-11-23", "--today", "2026-11-23"];
    let mut args = vec!["report", "--kind", "outcomes", "--format", "xlsx", "--out", file.to_str().unwrap()];
    args.extend(period);
    let out = cli(&db, &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&file).unwrap();
    let sheet = parc_core::exchange::workbook::read(&bytes, None, '.').unwrap();
    // The title, the period, the header, six salespeople and the total.
    assert_eq!(sheet.rows.len(), 10, "{:?}", sheet.rows);
    assert_eq!(sheet.rows[2].0, 4, "a blank row below the title and the period");
    let total = &sheet.rows.last().unwrap().1;
    assert!(total[1].chars().all(|c| c.is_ascii_digit()), "counts are numbers: {total:?}");
    let no_file = cli(&db, &["report", "--kind", "outcomes", "--format", "xlsx"]);
    assert_eq!(no_file.status.code(), Some(2), "a workbook needs --out");
    let said = String::from_utf8_lossy(&no_file.stderr);
    assert!(said.contains("--out FILE.") && said.contains("(cli.xlsx_needs_out)"), "a sentence and its key: {said}");
}

#[test]
fn visit_pack_writes_a_days_visits_and_exits_5_when_none_is_planned() {
    let (dir, db) = demo_office(120, 2);
    let agenda = json_lines(&cli(&db, &["agenda", "--user", "GR", "--today", "2026-11-23"]));
    let visit = agenda.into_iter().find(|r| r["bucket"] == "visit").expect("a planned visit");
    let day = visit["next_due"].as_str().unwrap().to_string();

    let pack = dir.path().join("pack.pdf");
    let out = cli(&db, &["visit-pack", "--day", &day, "--user", "GR", "--out", pack.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&out)["day"], day.as_str());
    assert!(std::fs::read(&pack).unwrap().starts_with(b"%PDF"));

    // No visit that day: its own code, a sentence with its key, and no file.
    let none = dir.path().join("none.pdf");
    let out = cli(&db, &["visit-pack", "--day", "2001-01-01", "--out", none.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(cli.no_visit)"));
    assert!(!none.exists());
    // A user nobody has is a bad argument.
    let out = cli(&db, &["visit-pack", "--user", "Nobody Here", "--out", none.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(cli.no_user)"));
}

#[test]
fn help_and_man_page_list_every_exit_code() {
    let help = cli_raw(&["--help"]);
    assert!(help.status.success());
    let help = stdout(&help);
    let codes = help.rsplit_once("\nExit codes:\n").expect("an exit code list in --help").1;
    let listed: Vec<&str> = codes.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(listed, ["0", "1", "2", "3", "4", "5"], "{codes}");

    let man = cli_raw(&["man"]);
    assert!(man.status.success());
    let man = stdout(&man);
    let section = man.split_once(".SH \"EXIT STATUS\"").expect("an EXIT STATUS section").1;
    let section = section.split("\n.SH").next().unwrap();
    for code in 0..=5 {
        assert!(section.contains(&format!(".TP\n{code}\n")), "code {code} missing: {section}");
    }
    assert!(!man.contains(".SH EXTRA"), "the codes are in their own section only");
}
