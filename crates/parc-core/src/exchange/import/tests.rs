use super::*;

#[test]
fn names_compare_without_case_accents_legal_forms_and_one_typo() {
    assert_eq!(name_key("Rossi Trasporti S.r.l."), "rossitrasporti");
    assert_eq!(name_key("ROSSI TRASPORTI SRL"), "rossitrasporti");
    assert_eq!(name_key("Trans-Łódź Sp. z o.o."), "translodz");
    assert_eq!(name_key("上海顺达物流有限公司"), "上海顺达物流");
    assert!(one_edit_apart("rossitrasporti", "rositrasporti"));
    assert!(one_edit_apart("rossitrasporti", "rossitrasporta"));
    assert!(!one_edit_apart("rossitrasporti", "bianchitrasporti"));
    assert!(one_edit_apart("abc", "abc"));
    let keys: Vec<CustomerKey> =
        [("Rossi Trasporti Srl", "Verona"), ("Rossi Trasporti", "Milano"), ("Bianchi", "Verona")]
            .iter()
            .enumerate()
            .map(|(i, (n, c))| CustomerKey {
                id: i as i64 + 1,
                erp_code: String::new(),
                country: "IT".into(),
                vat_id: String::new(),
                name: n.to_string(),
                city: c.to_string(),
            })
            .collect();
    let mut s = Similar::default();
    s.add_cities(&keys, &["verona".to_string()].into_iter().collect());
    assert_eq!(s.candidates("VERONA", "Rosi Trasporti S.R.L."), [0]);
    assert!(s.candidates("Verona", "Verdi").is_empty());
    assert!(s.candidates("Milano", "Rossi Trasporti").is_empty(), "Milano was not indexed");
}

fn mapped(headers: &[&str]) -> Vec<(Option<String>, bool)> {
    let defs = import_fields(Entity::Customers, &[]);
    let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let settings = ProfileSettings { columns: Vec::new(), format: FileFormat::default(), detect: true };
    let (columns, guessed) = map_columns_guessing(&headers, &settings, &defs, false);
    columns.into_iter().map(|m| m.map(|(d, _)| d.key.clone())).zip(guessed).collect()
}

#[test]
fn columns_are_mapped_by_the_names_offices_use_and_guesses_are_marked() {
    let got = mapped(&["Nazwa kontrahenta pełna", "NIP", "Miasto", "REGON", "Nazwa", "Adress", ""]);
    let want = [
        (None, false),
        (Some("vat_id"), false),
        (Some("city"), false),
        (None, false),
        (Some("name"), false),
        (Some("street"), true),
        (None, false),
    ];
    assert_eq!(got, want.map(|(f, g)| (f.map(String::from), g)), "a whole name wins over a guess");
    let got = mapped(&["Partita IVA", "Codice fiscale", "Ragione sociale"]);
    assert_eq!(got[1].0, None, "the codice fiscale is second to the partita IVA");
    let got = mapped(&["Codice fiscale", "Ragione sociale"]);
    assert_eq!(got[0].0.as_deref(), Some("vat_id"), "without a partita IVA it is the VAT id");
}

#[test]
fn the_contact_columns_of_a_people_file_go_to_the_person() {
    let got: Vec<Option<String>> =
        mapped(&["first_name", "last_name", "company", "email_work", "Company phone", "job_title"])
            .into_iter()
            .map(|(f, _)| f)
            .collect();
    let want = ["person_first_name", "person_last_name", "name", "person_email", "phone", "person_position"];
    assert_eq!(got, want.map(|f| Some(f.to_string())));
    let got = mapped(&["Company", "Email", "Contact"]);
    assert_eq!(got[1].0.as_deref(), Some("email"), "without first and last names the e-mail is the company's");
}

#[test]
fn salesforce_and_hubspot_account_exports_map_without_help() {
    let salesforce = [
        "Account Name",
        "Billing Street",
        "Billing City",
        "Billing State/Province",
        "Billing Zip/Postal Code",
        "Billing Country",
        "Phone",
        "Fax",
        "Website",
        "Industry",
        "Employees",
        "Annual Revenue",
        "Account Owner",
        "Account Number",
    ];
    let fields: Vec<Option<String>> = mapped(&salesforce).into_iter().map(|(f, _)| f).collect();
    let want = [
        "name",
        "street",
        "city",
        "region",
        "postal_code",
        "country",
        "phone",
        "fax",
        "web",
        "business_type",
        "employees",
        "annual_turnover",
        "owner",
        "erp_code",
    ];
    assert_eq!(fields, want.map(|f| Some(f.to_string())));
    let hubspot = [
        "Company name",
        "Company Domain Name",
        "City",
        "State/Region",
        "Country/Region",
        "Phone Number",
        "Number of Employees",
        "Annual Revenue",
        "Street Address",
        "Postal Code",
        "Company owner",
    ];
    let fields: Vec<Option<String>> = mapped(&hubspot).into_iter().map(|(f, _)| f).collect();
    let want = [
        Some("name"),
        Some("web"),
        Some("city"),
        Some("region"),
        Some("country"),
        Some("phone"),
        Some("employees"),
        Some("annual_turnover"),
        Some("street"),
        Some("postal_code"),
        Some("owner"),
    ];
    assert_eq!(fields, want.map(|f| f.map(String::from)));
}

#[test]
fn polish_and_italian_accounting_programs_map_without_help() {
    let subiekt = [
        "Symbol",
        "Nazwa",
        "Nazwa pełna",
        "NIP",
        "REGON",
        "Ulica",
        "Nr domu",
        "Nr lokalu",
        "Kod pocztowy",
        "Miejscowość",
        "Województwo",
        "Kraj",
        "Telefon",
        "E-mail",
        "WWW",
        "Uwagi",
    ];
    let fields: Vec<Option<String>> = mapped(&subiekt).into_iter().map(|(f, _)| f).collect();
    let want = [
        Some("erp_code"),
        Some("name"),
        None,
        Some("vat_id"),
        None,
        Some("street"),
        Some("street_number"),
        Some("street_flat"),
        Some("postal_code"),
        Some("city"),
        Some("region"),
        Some("country"),
        Some("phone"),
        Some("email"),
        Some("web"),
        Some("notes"),
    ];
    assert_eq!(fields, want.map(|f| f.map(String::from)));
    let optima = ["Akronim", "Nazwa1", "NIP", "Miasto", "Kraj"];
    let got = mapped(&optima);
    assert_eq!((got[0].0.as_deref(), got[1].clone()), (Some("erp_code"), (Some("name".to_string()), true)));
    let easyfatt = [
        "Cod.",
        "Denominazione",
        "Indirizzo",
        "Cap",
        "Città",
        "Prov.",
        "Nazione",
        "Partita Iva",
        "Codice fiscale",
        "Tel.",
        "Cell",
        "e-mail",
        "Pec",
    ];
    let fields: Vec<Option<String>> = mapped(&easyfatt).into_iter().map(|(f, _)| f).collect();
    let want = [
        Some("erp_code"),
        Some("name"),
        Some("street"),
        Some("postal_code"),
        Some("city"),
        Some("region"),
        Some("country"),
        Some("vat_id"),
        None,
        Some("phone"),
        Some("mobile"),
        Some("email"),
        None,
    ];
    assert_eq!(fields, want.map(|f| f.map(String::from)));
}
