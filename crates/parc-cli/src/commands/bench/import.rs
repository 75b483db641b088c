//! The import's speed (`bench --only import`): customers with their main contacts, as an ERP's
//! list holds them, imported into an empty office, again (nothing changes), then as many other
//! customers into that full office, and that file again. Beside it, the time `sqlite3 .import`
//! takes to load the same file into a bare table. Reported, never asserted: wall-clock seconds
//! and this process's CPU seconds (a busy machine inflates the first; on PostgreSQL the
//! server's CPU is not in the second).

use std::path::{Path, PathBuf};
use std::time::Instant;

use parc_core::exchange::csv_file::CsvWriter;
use parc_core::exchange::import::{self, ImportOptions};
use parc_core::exchange::{default_profiles, Encoding, Entity, FileFormat, Kind, Progress, Stage, CUSTOMER_COLUMNS};
use parc_core::host::demo;
use parc_core::office::{UserData, UserRole};
use parc_core::storage::Target;
use parc_core::{host::testing, Error, Store};

use super::{tempdir, which};

/// The office's salespeople, who own the imported customers.
const STAFF: &[(&str, &str)] =
    &[("Giulia Romano", "GR"), ("Łukasz Wiśniewski", "ŁW"), ("Rūta Jankauskienė", "RJ"), ("陈静", "CJ")];

/// User and system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage fills the zeroed struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Writes `rows` as the shipped `customers` profile's columns, comma-separated UTF-8.
fn write_file(
    path: &Path,
    rows: &[(parc_core::customer::CustomerData, parc_core::customer::person::PersonData)],
) -> Result<(), Error> {
    let format = FileFormat { delimiter: ',', encoding: Encoding::Utf8, ..Default::default() };
    let mut w = CsvWriter::new(std::io::BufWriter::new(std::fs::File::create(path)?), &format)?;
    w.record(CUSTOMER_COLUMNS)?;
    for (n, (c, p)) in rows.iter().enumerate() {
        let opt = |v: Option<i64>, f: &dyn Fn(i64) -> String| v.map(f).unwrap_or_default();
        let cells: Vec<String> = CUSTOMER_COLUMNS
            .iter()
            .map(|col| match *col {
                "erp_code" => c.erp_code.clone(),
                "name" => c.name.clone(),
                "legal_form" => c.legal_form.clone(),
                "street" => c.street.clone(),
                "postal_code" => c.postal_code.clone(),
                "city" => c.city.clone(),
                "region" => c.region.clone(),
                "country" => c.country.clone(),
                "vat_id" => c.vat_id.clone(),
                "phone" => c.phone.clone(),
                "mobile" => c.mobile.clone(),
                "fax" => c.fax.clone(),
                "email" => c.email.clone(),
                "web" => c.web.clone(),
                "business_type" => c.business_type.clone(),
                "market_sectors" => c.market_sectors.clone(),
                "ownership" => c.ownership.clone(),
                "employees" => opt(c.employees, &|v| v.to_string()),
                "annual_turnover" => opt(c.annual_turnover, &|v| format.money(v)),
                "turnover_currency" => c.turnover_currency.clone(),
                "lead_source" => c.lead_source.clone(),
                "owner" => STAFF[n % STAFF.len()].1.to_string(),
                "person_name" => p.name.clone(),
                "person_position" => p.position.clone(),
                "person_phone" => p.phone.clone(),
                "person_mobile" => p.mobile.clone(),
                "person_email" => p.email.clone(),
                _ => String::new(),
            })
            .map(|v| format.text(&v).into_owned())
            .collect();
        w.record(&cells)?;
    }
    use std::io::Write;
    w.into_inner()?.flush()?;
    Ok(())
}

/// An empty office to import into: a file in `dir`, or a schema of its own on the server.
fn empty_office(db: &Target, dir: &Path) -> Result<(Target, Store), Error> {
    let target = match db {
        Target::File(_) => Target::File(dir.join("office.sqlite3")),
        Target::Postgres(url) => testing::fresh_postgres_target(url),
    };
    let mut store = Store::connect(&target)?;
    for (name, initials) in STAFF {
        store.create_user(UserData {
            name: name.to_string(),
            initials: initials.to_string(),
            role: UserRole::Salesperson,
            active: true,
        })?;
    }
    Ok((target, store))
}

pub(crate) fn run(db: &Target, customers: usize) -> Result<(), Error> {
    let dir = tempdir()?;
    let all = demo::customers_with_main_contacts(customers * 2, 7);
    let (first, second) = (dir.join("customers.csv"), dir.join("more-customers.csv"));
    write_file(&first, &all[..customers])?;
    write_file(&second, &all[customers..])?;
    drop(all);
    let settings = default_profiles()
        .into_iter()
        .find(|p| p.kind == Kind::Import && p.entity == Entity::Customers)
        .map(|p| p.settings)
        .expect("the shipped customers import profile");
    let options = ImportOptions::new(Entity::Customers, settings);
    let (target, mut store) = empty_office(db, &dir)?;
    println!("import of {customers} customers with their main contacts into {target}");
    println!("{:<34} {:>8} {:>9} {:>9} {:>11}  what", "case", "wall s", "rows/s", "cpu s", "checking s");
    let mut ours = None;
    for (label, file) in [
        ("empty office", &first),
        ("same file again", &first),
        ("other customers into a full one", &second),
        ("that file again", &second),
    ] {
        let bytes = std::fs::read(file)?;
        let (wall, cpu) = (Instant::now(), cpu_seconds());
        // Checking ends when writing starts: the CPU seconds spent until then.
        let mut checked = None;
        let mut tell = |p: Progress| {
            if p.stage == Stage::Writing && checked.is_none() {
                checked = Some(cpu_seconds() - cpu);
            }
        };
        let r = import::commit(&mut store, &bytes, &options, Default::default(), None, None, &mut tell)?;
        let (wall, cpu) = (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu);
        let checking = checked.unwrap_or(cpu);
        ours.get_or_insert(wall);
        println!(
            "{label:<34} {wall:>8.2} {:>9.0} {cpu:>9.2} {checking:>11.2}  {} new, {} people, {} unchanged, {} rejected",
            r.check.rows as f64 / wall.max(1e-9),
            r.customers_created,
            r.people_created,
            r.check.unchanged,
            r.check.rejected
        );
    }
    drop(store);
    if let (Target::Postgres(url), t) = (db, &target) {
        testing::drop_postgres_target(url, t);
    }
    compare_sqlite3(&first, &dir, customers, ours.unwrap_or_default());
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// `sqlite3 .import` of the same file into a bare table of a file on disk.
fn compare_sqlite3(file: &Path, dir: &Path, rows: usize, ours: f64) {
    let Some(sqlite3) = which("sqlite3") else {
        println!("sqlite3 is not installed: no comparison with sqlite3 .import");
        return;
    };
    let bare: PathBuf = dir.join("bare.sqlite3");
    let started = Instant::now();
    let status = std::process::Command::new(sqlite3)
        .arg(&bare)
        .arg(".mode csv")
        .arg(format!(".import '{}' bare_table", file.display()))
        .status();
    let theirs = started.elapsed().as_secs_f64();
    match status {
        Ok(s) if s.success() => println!(
            "sqlite3 .import, bare table        {theirs:>8.2} {:>9.0}                        Parc into an empty office takes {:.1}x as long",
            rows as f64 / theirs.max(1e-9),
            ours / theirs.max(1e-9)
        ),
        _ => println!("sqlite3 .import failed"),
    }
}
