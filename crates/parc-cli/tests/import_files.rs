//! `parc-cli import` on customer files as other programs write them (the fixtures in
//! `tests/fixtures/import`, made by its `make.py`): each imported with no mapping, the right
//! customers and people created, the bad rows rejected with their reason, and a second import
//! changing nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use parc_core::customer::Customer;
use parc_core::office::{UserData, UserRole};
use parc_core::Store;

fn cli(db: &Path, args: &[&str], lang: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parc-cli"))
        .args([&["--db", db.to_str().unwrap()], args].concat())
        .env_remove("PARC_DB")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("parc-cli-import-tests-config"))
        .output()
        .expect("run parc-cli")
}

/// An office with a manager and a salesperson (Grzegorz Rak, "GR"), and `home` as its home
/// country; the fixture `name` copied beside it (the rejected rows are written there).
struct Office {
    _dir: tempfile::TempDir,
    db: PathBuf,
    file: PathBuf,
}

impl Office {
    fn new(fixture: &str, home: Option<&str>) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("office.sqlite3");
        let mut store = Store::open(&db).unwrap();
        let user = |name: &str, initials: &str, role| UserData {
            name: name.into(),
            initials: initials.into(),
            role,
            active: true,
        };
        let boss = store.create_user(user("Marta Zielińska", "MZ", UserRole::Manager)).unwrap();
        store.create_user(user("Grzegorz Rak", "GR", UserRole::Salesperson)).unwrap();
        if let Some(code) = home {
            store.set_home_country(Some(boss.id), code).unwrap();
        }
        let file = dir.path().join(fixture);
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(fixture);
        std::fs::copy(source, &file).unwrap();
        Office { _dir: dir, db, file }
    }

    /// Imports the file with `extra` arguments: exit code and summary.
    fn import(&self, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
        let mut args = vec!["import", "--kind", "customers", "--profile", "customers"];
        args.extend(extra);
        args.push(self.file.to_str().unwrap());
        let out = cli(&self.db, &args, "en_GB.UTF-8");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let summary = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("no summary: {stderr}"));
        (out.status.code(), summary)
    }

    fn customers(&self) -> Vec<Customer> {
        let mut store = Store::open(&self.db).unwrap();
        let mut all = store.all_customers().unwrap();
        all.sort_by(|a, b| a.data.name.cmp(&b.data.name));
        all
    }

    fn people(&self) -> Vec<String> {
        let mut store = Store::open(&self.db).unwrap();
        let mut names = Vec::new();
        for c in store.all_customers().unwrap() {
            names.extend(store.people(c.id).unwrap().into_iter().map(|p| p.data.name));
        }
        names.sort();
        names
    }

    fn rejected(&self) -> String {
        let stem = self.file.file_stem().unwrap().to_string_lossy();
        std::fs::read_to_string(self.file.with_file_name(format!("{stem}-rejected.csv"))).unwrap()
    }

    /// A second import of the same file creates and changes nothing: `unchanged` rows (a
    /// customer's further rows with their people count too) and the same rows rejected.
    fn again_changes_nothing(&self, extra: &[&str], unchanged: u64, rejected: u64) {
        let before = self.customers();
        let (_, again) = self.import(extra);
        let counts = ["customers_created", "customers_updated", "people_created", "people_updated"]
            .map(|k| again[k].as_u64().unwrap());
        assert_eq!(counts, [0; 4], "{again}");
        assert_eq!((again["unchanged"].as_u64(), again["rejected"].as_u64()), (Some(unchanged), Some(rejected)));
        assert_eq!(self.customers(), before);
    }
}

fn count(summary: &serde_json::Value, key: &str) -> u64 {
    summary[key].as_u64().unwrap_or_else(|| panic!("{key} in {summary}"))
}

fn by_name<'a>(all: &'a [Customer], name: &str) -> &'a Customer {
    all.iter().find(|c| c.data.name == name).unwrap_or_else(|| panic!("{name} not imported"))
}

#[test]
fn a_polish_erp_export_without_a_country_column_takes_the_files_country_and_owner() {
    let office = Office::new("pl-erp-cp1250.csv", None);
    let (code, s) = office.import(&["--set", "country=PL", "--set", "owner=GR"]);
    assert_eq!(code, Some(1), "some rows are rejected: {s}");
    assert_eq!(s["encoding"], "windows-1250");
    assert_eq!((count(&s, "customers_created"), count(&s, "rejected")), (6, 3), "{s}");
    assert_eq!(s["unmapped"], serde_json::json!(["REGON"]), "the register number is listed, not dropped");
    let all = office.customers();
    let zuraw = by_name(&all, "Przedsiębiorstwo Transportowe Żuraw");
    assert_eq!((zuraw.data.country.as_str(), zuraw.data.vat_id.as_str()), ("PL", "7671325342"));
    assert_eq!((zuraw.data.city.as_str(), zuraw.data.postal_code.as_str()), ("Łódź", "90-562"));
    assert_eq!((zuraw.data.annual_turnover, zuraw.data.employees), (Some(320_050_050), Some(34)));
    assert!(zuraw.data.owner_id.is_some(), "the owner given for the file");
    assert_eq!(by_name(&all, "Łódzkie Przewozy Chłodnicze S.A.").data.vat_id, "7250012344");
    assert!(all.iter().any(|c| c.data.name == "Kowalski; Syn i Wspólnicy Sp.j."), "a quoted name with a ';'");
    let rejected = office.rejected();
    assert!(rejected.contains("Błędny Numer") && rejected.contains("NIP: "), "{rejected}");
    assert!(rejected.contains("Nazwa: Enter the company name."), "{rejected}");
    assert!(rejected.contains("PL PL 7120003453"), "a doubled prefix is refused: {rejected}");
    office.again_changes_nothing(&["--set", "country=PL", "--set", "owner=GR"], 6, 3);
}

#[test]
fn without_a_country_anywhere_the_offices_home_country_is_used() {
    let office = Office::new("pl-erp-cp1250.csv", None);
    let (_, s) = office.import(&["--dry-run"]);
    assert_eq!(count(&s, "create"), 1, "only the row whose VAT id has a prefix knows its country: {s}");
    let args = ["import", "--kind", "customers", "--profile", "customers", "--dry-run", office.file.to_str().unwrap()];
    let hint = String::from_utf8_lossy(&cli(&office.db, &args, "it_IT.UTF-8").stderr).into_owned();
    let said = parc_core::ground::i18n::tr(parc_core::ground::i18n::Locale::It, "exchange.hint_country");
    assert!(hint.contains(said), "how to give the country is said: {hint}");
    let office = Office::new("pl-erp-cp1250.csv", Some("PL"));
    let (_, s) = office.import(&[]);
    assert_eq!((count(&s, "customers_created"), count(&s, "rejected")), (6, 3), "{s}");
    assert!(office.customers().iter().all(|c| c.data.country == "PL"));
    office.again_changes_nothing(&[], 6, 3);
}

#[test]
fn an_italian_gestionale_export_with_prefixed_vat_ids() {
    let office = Office::new("it-gestionale-cp1252.csv", None);
    let (code, s) = office.import(&["--set", "country=Italia"]);
    assert_eq!(code, Some(1), "{s}");
    assert_eq!((count(&s, "customers_created"), count(&s, "rejected")), (4, 1), "{s}");
    let all = office.customers();
    let bergamo = by_name(&all, "Autotrasporti Bergamaschi S.r.l.");
    assert_eq!(
        (bergamo.data.vat_id.as_str(), bergamo.data.erp_code.as_str(), bergamo.data.region.as_str()),
        ("02331250163", "C0001", "BG"),
        "\"IT: …\" is the Italian VAT id, the code its ERP code"
    );
    assert_eq!(by_name(&all, "Logistica Veneta S.p.A.").data.annual_turnover, Some(1_875_000_000));
    assert_eq!(by_name(&all, "Trasporti Città di Castello S.n.c.").data.city, "Città di Castello");
    assert!(all.iter().all(|c| c.data.country == "IT"));
    assert!(office.rejected().contains("Partita Sbagliata"));
    office.again_changes_nothing(&["--set", "country=Italia"], 4, 1);
}

#[test]
fn a_lithuanian_export_in_windows_1257_with_countries_by_name() {
    let office = Office::new("lt-cp1257.csv", None);
    let (code, s) = office.import(&[]);
    assert_eq!(code, Some(1), "{s}");
    assert_eq!(s["encoding"], "windows-1257");
    assert_eq!((count(&s, "customers_created"), count(&s, "rejected")), (4, 1), "{s}");
    assert_eq!(s["unmapped"], serde_json::json!(["Įmonės kodas"]));
    let all = office.customers();
    let siauliai = by_name(&all, "UAB „Šiaulių vežėjas“");
    assert_eq!((siauliai.data.country.as_str(), siauliai.data.city.as_str()), ("LT", "Šiauliai"));
    assert_eq!(by_name(&all, "SIA Rīgas Transports").data.country, "LV");
    assert!(office.rejected().contains("UAB Klaidingas kodas"));
    office.again_changes_nothing(&[], 4, 1);
}

#[test]
fn a_chinese_list_in_utf8_and_in_gb18030_gives_the_same_customers_and_contacts() {
    for (file, encoding) in [("cn-utf8.csv", "utf-8"), ("cn-gb18030.csv", "gb18030")] {
        let office = Office::new(file, None);
        let (code, s) = office.import(&[]);
        assert_eq!(code, Some(1), "{s}");
        assert_eq!(s["encoding"], encoding);
        assert_eq!((count(&s, "customers_created"), count(&s, "people_created"), count(&s, "rejected")), (3, 3, 1));
        let all = office.customers();
        let beijing = by_name(&all, "北京重型汽车运输有限公司");
        assert_eq!((beijing.data.country.as_str(), beijing.data.city.as_str()), ("CN", "北京"));
        assert_eq!(office.people(), ["李娜", "王伟", "陈静"]);
        assert!(office.rejected().contains("成都西部货运有限公司"));
        office.again_changes_nothing(&[], 3, 1);
    }
}

#[test]
fn an_english_crm_export_of_people_with_first_and_last_names_and_country_names() {
    let office = Office::new("en-crm-contacts.csv", None);
    let (code, s) = office.import(&[]);
    assert_eq!(code, Some(1), "{s}");
    assert_eq!((count(&s, "customers_created"), count(&s, "people_created"), count(&s, "rejected")), (3, 4, 1));
    let all = office.customers();
    let lakes = by_name(&all, "Great Lakes Freight Inc.");
    assert_eq!((lakes.data.country.as_str(), lakes.data.region.as_str()), ("US", "IL"));
    assert_eq!(lakes.data.email, "", "the work e-mail is the person's, not the company's");
    assert_eq!(by_name(&all, "Cape Haulage (Pty) Ltd").data.country, "ZA");
    assert_eq!(by_name(&all, "Nowak Logistics Sp. z o.o.").data.country, "PL");
    assert_eq!(office.people(), ["Anna Nowak", "John Miller", "Sarah Johnson", "Thabo Nkosi"]);
    let mut store = Store::open(&office.db).unwrap();
    let john = store.people(lakes.id).unwrap().into_iter().find(|p| p.data.name == "John Miller").unwrap();
    assert_eq!((john.data.email.as_str(), john.data.position.as_str()), ("j.miller@glfreight.com", "Fleet Manager"));
    assert!(office.rejected().contains("Klaus"), "a person without a company is rejected");
    office.again_changes_nothing(&[], 4, 1);
}

#[test]
fn odoo_and_dolibarr_samples_import_as_they_are() {
    let office = Office::new("odoo-partners.csv", None);
    let (code, s) = office.import(&[]);
    assert_eq!(code, Some(0), "{s}");
    assert_eq!(count(&s, "customers_created"), 4, "{s}");
    assert_eq!(s["unmapped"], serde_json::json!(["Is a Company", "Related Company"]));
    let all = office.customers();
    assert_eq!(by_name(&all, "Lumber Inc").data.country, "ZA");
    assert_eq!(by_name(&all, "Deco Addict").data.country, "US");
    office.again_changes_nothing(&[], 4, 0);

    let office = Office::new("dolibarr-companies.csv", None);
    let (code, s) = office.import(&[]);
    assert_eq!(code, Some(0), "{s}");
    assert_eq!(count(&s, "customers_created"), 3, "{s}");
    let all = office.customers();
    let dupont = by_name(&all, "Transports Dupont SARL");
    assert_eq!(
        (dupont.data.country.as_str(), dupont.data.erp_code.as_str(), dupont.data.city.as_str()),
        ("FR", "CU2401-0001", "Lyon")
    );
    office.again_changes_nothing(&[], 3, 0);
}

#[test]
fn a_row_with_a_known_vat_id_and_another_name_is_a_warning_and_keeps_the_name() {
    let office = Office::new("pl-erp-cp1250.csv", Some("PL"));
    office.import(&[]);
    let text = "Nazwa;NIP;Miasto\r\nZupełnie Inna Firma S.A.;5261040828;Warszawa\r\n";
    std::fs::write(&office.file, text).unwrap();
    let (code, s) = office.import(&[]);
    assert_eq!(code, Some(0), "{s}");
    let report = &s["reports"][0];
    assert_eq!(report["warnings"][0]["key"], "exchange.warning.name_differs", "{s}");
    assert!(report["label"].as_str().unwrap().contains("Trans-Pol"), "{report}");
    assert!(office.customers().iter().any(|c| c.data.name == "Trans-Pol Sp. z o.o."), "the card keeps its name");
}

#[test]
fn errors_are_sentences_in_the_workstations_language_with_their_key() {
    let office = Office::new("pl-erp-cp1250.csv", None);
    std::fs::write(&office.file, "Foo;Bar\r\n1;2\r\n").unwrap();
    let args = ["import", "--kind", "customers", "--profile", "customers", office.file.to_str().unwrap()];
    let out = cli(&office.db, &args, "pl_PL.UTF-8");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    let sentence =
        parc_core::ground::i18n::tr(parc_core::ground::i18n::Locale::Pl, "validation.exchange_nothing_mapped");
    assert!(said.contains(sentence) && said.contains("validation.exchange_nothing_mapped"), "{said}");

    std::fs::write(&office.file, "Nazwa\r\nTrans-Pol\r\n").unwrap();
    let mut bad = args.to_vec();
    bad.splice(5..5, ["--set", "colour=red"]);
    let out = cli(&office.db, &bad, "it_IT.UTF-8");
    let said = String::from_utf8_lossy(&out.stderr);
    let sentence =
        parc_core::ground::i18n::tr(parc_core::ground::i18n::Locale::It, "validation.exchange_default_field");
    assert!(said.contains(sentence) && said.contains("defaults.colour"), "{said}");
    let mut bad = args.to_vec();
    bad.splice(5..5, ["--set", "country=Narnia"]);
    let said = String::from_utf8_lossy(&cli(&office.db, &bad, "en_GB.UTF-8").stderr).into_owned();
    assert!(said.contains("Choose a country.") && said.contains("defaults.country"), "{said}");
    // The command's own mistakes too.
    let mut bad = args.to_vec();
    bad.splice(5..5, ["--set", "country"]);
    let out = cli(&office.db, &bad, "lt_LT.UTF-8");
    let sentence = parc_core::ground::i18n::tr(parc_core::ground::i18n::Locale::Lt, "cli.set_syntax");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(sentence));
    let mut bad = args.to_vec();
    bad[4] = "nope";
    let out = cli(&office.db, &bad, "zh_CN.UTF-8");
    assert_eq!(out.status.code(), Some(4));
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(said.contains("没有名为“nope”的导入配置") && said.contains("cli.no_import_profile"), "{said}");
}

#[test]
fn a_street_with_its_house_and_flat_numbers_in_columns_of_their_own_is_one_line() {
    let office = Office::new("pl-erp-cp1250.csv", Some("PL"));
    let text = "Nazwa;NIP;Ulica;Nr domu;Nr lokalu;Adres 2;Miejscowość\r\nTrans-Pol Sp. z o.o.;5261040828;ul. Grójecka;186;12;;Warszawa\r\nMazowiecka Spedycja S.A.;1130023454;ul. Przemysłowa;3;;Brama B;Płock\r\n";
    std::fs::write(&office.file, text).unwrap();
    let (code, s) = office.import(&[]);
    assert_eq!((code, count(&s, "customers_created")), (Some(0), 2), "{s}");
    let all = office.customers();
    assert_eq!(by_name(&all, "Trans-Pol Sp. z o.o.").data.street, "ul. Grójecka 186/12");
    assert_eq!(by_name(&all, "Mazowiecka Spedycja S.A.").data.street, "ul. Przemysłowa 3, Brama B");
    office.again_changes_nothing(&[], 2, 0);
}
