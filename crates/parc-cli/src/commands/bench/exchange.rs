use std::time::Instant;

use parc_core::exchange::import::{self, ImportOptions};
use parc_core::exchange::{Entity, Kind};
use parc_core::storage::Target;
use parc_core::{Error, Store};

use super::{tempdir, which};

/// The CSV exchange at this size: every contact exported (compared with `sqlite3 -csv` on the
/// same query, when the database is a file and sqlite3 is installed), then every customer
/// exported and imported into an empty office, and imported again here (nothing changes).
pub(super) fn run(db: &Target, store: &mut Store) -> Result<(), Error> {
    let dir = tempdir()?;
    let rate = |rows: u64, seconds: f64| rows as f64 / seconds.max(1e-9);
    println!();
    println!("CSV exchange");
    let contacts = dir.join("contacts.csv");
    let started = Instant::now();
    let report = store.export_csv("contacts", &contacts, true, &mut |_| {})?;
    let ours = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&contacts)?.len();
    println!(
        "export contacts (full)       {:>9} rows in {ours:.1} s: {:.0} rows/s, {:.0} MB",
        report.rows,
        rate(report.rows, ours),
        size as f64 / 1e6
    );
    match (db, which("sqlite3")) {
        (Target::File(file), Some(sqlite3)) => {
            // The shipped profile's columns, read by the same joins.
            let sql = "SELECT k.id, c.erp_code, c.name, k.happened_at, k.kind, k.duration_min, u.initials, k.agreed,
                k.next_action, k.next_due, n.initials, k.next_done_at FROM contact k JOIN customer c ON c.id = k.customer_id
                LEFT JOIN app_user u ON u.id = k.user_id LEFT JOIN app_user n ON n.id = k.next_user_id ORDER BY k.id";
            let out = std::fs::File::create(dir.join("sqlite3.csv"))?;
            let started = Instant::now();
            let status = std::process::Command::new(sqlite3).arg("-csv").arg(file).arg(sql).stdout(out).status()?;
            let theirs = started.elapsed().as_secs_f64();
            if status.success() {
                println!(
                    "sqlite3 -csv, same query     {:>9} s: parc-cli takes {:.2}x as long",
                    format!("{theirs:.1}"),
                    ours / theirs.max(1e-9)
                );
            }
        }
        (Target::File(_), None) => println!("sqlite3 is not installed: no comparison with sqlite3 -csv"),
        (Target::Postgres(_), _) => println!("a server's database: no comparison with sqlite3 -csv"),
    }
    let customers = dir.join("customers.csv");
    let report = store.export_csv("customers", &customers, true, &mut |_| {})?;
    let bytes = std::fs::read(&customers)?;
    let settings = store.exchange_profile(Kind::Import, "customers")?.data.settings;
    let options = ImportOptions::new(Entity::Customers, settings);
    let mut empty = Store::open(dir.join("empty.sqlite3"))?;
    for u in store.users()? {
        empty.create_user(u.data)?;
    }
    let started = Instant::now();
    let made = import::commit(&mut empty, &bytes, &options, Default::default(), None, None, &mut |_| {})?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "import customers (empty)     {:>9} rows in {seconds:.1} s: {:.0} rows/s ({} customers, {} people)",
        report.rows,
        rate(report.rows, seconds),
        made.customers_created,
        made.people_created
    );
    let started = Instant::now();
    let again = import::commit(store, &bytes, &options, Default::default(), None, None, &mut |_| {})?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "import customers (again)     {:>9} rows in {seconds:.1} s: {:.0} rows/s ({} unchanged)",
        report.rows,
        rate(report.rows, seconds),
        again.check.unchanged
    );
    drop(empty);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
