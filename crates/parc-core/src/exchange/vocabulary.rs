//! The names people and other programs give a customer file's columns, per field: the five
//! languages and English, and what ERPs and other CRMs write (Comarch/Subiekt "Nazwa skrócona",
//! an Italian gestionale's "Ragione sociale", Dolibarr's "Name* (s.nom)", Odoo's "Zip").
//!
//! A header is compared by its words: folded (case, accents), with `*`, punctuation and a
//! parenthesised or bracketed part ("(s.nom)") dropped, so "E-mail", "EMAIL" and "e_mail" are
//! one name. A header that is not a name here may still be close to one ([`close`]): the wizard
//! then proposes the field and says it guessed.

use crate::ground::search_key::fold;

/// Names per field, the most usual first. A name in `SECONDARY` is taken only when no column
/// of the file has the field by a name in `NAMES` ("Codice fiscale" is the VAT id only in a
/// file with no "Partita IVA").
const NAMES: &[(&str, &[&str])] = &[
    (
        "erp_code",
        &[
            "erp code",
            "customer code",
            "customer no",
            "customer number",
            "customer id",
            "client code",
            "account number",
            "code client",
            "kod",
            "kod klienta",
            "kod kontrahenta",
            "symbol",
            "symbol kontrahenta",
            "akronim",
            "cod",
            "codice",
            "codice cliente",
            "cod cliente",
            "kodas",
            "kliento kodas",
            "客户编号",
            "客户代码",
            "客户编码",
        ],
    ),
    (
        "name",
        &[
            "name",
            "company",
            "company name",
            "account name",
            "account",
            "organization",
            "organisation",
            "organization name",
            "customer",
            "customer name",
            "business name",
            "legal name",
            "third party",
            "third party name",
            "client",
            "client name",
            "nazwa",
            "nazwa skrocona",
            "nazwa pelna",
            "nazwa firmy",
            "nazwa kontrahenta",
            "kontrahent",
            "firma",
            "klient",
            "ragione sociale",
            "denominazione",
            "denominazione sociale",
            "azienda",
            "nome azienda",
            "cliente",
            "pavadinimas",
            "imones pavadinimas",
            "imone",
            "kliento pavadinimas",
            "klientas",
            "公司名称",
            "客户名称",
            "公司",
            "企业名称",
            "单位名称",
            "客户",
            "名称",
        ],
    ),
    ("legal_form", &["legal form", "forma prawna", "forma giuridica", "natura giuridica", "teisine forma", "企业类型"]),
    (
        "street",
        &[
            "street",
            "address",
            "street address",
            "address 1",
            "address line 1",
            "street 1",
            "ulica",
            "adres",
            "ulica i numer",
            "ulica nr",
            "indirizzo",
            "via",
            "sede",
            "adresas",
            "gatve",
            "地址",
            "街道",
            "详细地址",
        ],
    ),
    (
        "street_number",
        &[
            "nr domu",
            "numer domu",
            "nr budynku",
            "house number",
            "house no",
            "building number",
            "street number",
            "numero civico",
            "civico",
            "n civico",
            "namo nr",
            "namo numeris",
            "门牌号",
        ],
    ),
    ("street_flat", &["nr lokalu", "numer lokalu", "nr mieszkania", "flat", "apartment", "suite", "buto nr"]),
    ("street_line2", &["street 2", "address 2", "address line 2", "street line 2", "adres 2", "indirizzo 2"]),
    (
        "postal_code",
        &[
            "zip",
            "zip code",
            "postcode",
            "postal code",
            "post code",
            "kod pocztowy",
            "cap",
            "codice postale",
            "pasto kodas",
            "indeksas",
            "邮编",
            "邮政编码",
        ],
    ),
    ("city", &["city", "town", "miasto", "miejscowosc", "comune", "citta", "localita", "miestas", "城市", "市"]),
    (
        "region",
        &[
            "state",
            "region",
            "province",
            "county",
            "state province",
            "wojewodztwo",
            "provincia",
            "prov",
            "regione",
            "apskritis",
            "regionas",
            "省",
            "省份",
            "地区",
        ],
    ),
    (
        "country",
        &[
            "country",
            "country code",
            "country name",
            "kraj",
            "panstwo",
            "paese",
            "nazione",
            "stato",
            "salis",
            "valstybe",
            "国家",
            "国家地区",
            "国别",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "telephone",
            "tel",
            "phone number",
            "work phone",
            "office phone",
            "telefon",
            "nr telefonu",
            "telefono",
            "tel fisso",
            "telefonas",
            "电话",
            "联系电话",
            "固定电话",
            "办公电话",
        ],
    ),
    (
        "mobile",
        &[
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "cellphone",
            "telefon komorkowy",
            "komorka",
            "tel kom",
            "cellulare",
            "mobilusis",
            "mobilusis telefonas",
            "mob telefonas",
            "手机",
            "移动电话",
        ],
    ),
    ("fax", &["fax", "telefax", "faks", "传真"]),
    (
        "email",
        &[
            "email",
            "e mail",
            "mail",
            "email address",
            "e mail address",
            "adres email",
            "adres e mail",
            "indirizzo email",
            "indirizzo e mail",
            "posta elettronica",
            "el pastas",
            "elektroninis pastas",
            "邮箱",
            "电子邮件",
            "电子邮箱",
        ],
    ),
    (
        "web",
        &[
            "website",
            "website url",
            "domain",
            "domain name",
            "company domain name",
            "web",
            "www",
            "url",
            "homepage",
            "web site",
            "strona www",
            "strona internetowa",
            "sito web",
            "sito",
            "sito internet",
            "svetaine",
            "tinklalapis",
            "网站",
            "网址",
            "主页",
        ],
    ),
    (
        "vat_id",
        &[
            "vat",
            "vat id",
            "vat number",
            "vat no",
            "vat code",
            "tax id",
            "tax number",
            "tin",
            "nip",
            "nip ue",
            "partita iva",
            "p iva",
            "piva",
            "pvm moketojo kodas",
            "pvm kodas",
            "统一社会信用代码",
            "税号",
            "纳税人识别号",
            "税务登记号",
        ],
    ),
    (
        "business_type",
        &["business type", "industry", "branza", "rodzaj dzialalnosci", "tipo attivita", "veiklos tipas", "行业"],
    ),
    (
        "market_sectors",
        &["market sectors", "sectors", "sector", "sektor", "sektory", "settore", "settori", "sektorius", "市场领域"],
    ),
    ("ownership", &["ownership", "wlasnosc", "proprieta", "nuosavybe", "所有制"]),
    (
        "employees",
        &[
            "employees",
            "number of employees",
            "employee count",
            "headcount",
            "staff",
            "liczba pracownikow",
            "zatrudnienie",
            "dipendenti",
            "numero dipendenti",
            "n dipendenti",
            "darbuotoju skaicius",
            "darbuotojai",
            "员工人数",
            "员工数",
        ],
    ),
    (
        "annual_turnover",
        &[
            "annual turnover",
            "turnover",
            "revenue",
            "annual revenue",
            "sales",
            "obroty",
            "przychod",
            "przychody",
            "fatturato",
            "fatturato annuo",
            "apyvarta",
            "metine apyvarta",
            "年营业额",
            "营业额",
            "营收",
        ],
    ),
    ("turnover_currency", &["currency", "waluta", "valuta", "divisa", "valiuta", "币种", "货币"]),
    ("lead_source", &["lead source", "source", "zrodlo", "fonte", "origine", "saltinis", "来源", "客户来源"]),
    (
        "notes",
        &["notes", "note", "comment", "comments", "remarks", "uwagi", "notatki", "annotazioni", "pastabos", "备注"],
    ),
    (
        "owner",
        &[
            "owner",
            "salesperson",
            "sales rep",
            "account owner",
            "salesman",
            "opiekun",
            "handlowiec",
            "agente",
            "commerciale",
            "venditore",
            "vadybininkas",
            "atsakingas",
            "负责人",
            "销售员",
            "业务员",
        ],
    ),
    (
        "person_name",
        &[
            "contact",
            "contact person",
            "contact name",
            "osoba kontaktowa",
            "kontakt",
            "referente",
            "persona di contatto",
            "contatto",
            "kontaktinis asmuo",
            "联系人",
        ],
    ),
    ("person_first_name", &["first name", "firstname", "given name", "imie", "nome", "vardas", "名"]),
    ("person_last_name", &["last name", "lastname", "surname", "family name", "nazwisko", "cognome", "pavarde", "姓"]),
    (
        "person_position",
        &[
            "job title",
            "job position",
            "position",
            "function",
            "stanowisko",
            "ruolo",
            "mansione",
            "pareigos",
            "职位",
            "职务",
        ],
    ),
    ("person_title", &["title", "salutation", "tytul", "titolo", "kreipinys", "称谓"]),
    ("person_email", &["contact email", "email osoby", "email referente"]),
    ("person_phone", &["contact phone", "telefon osoby", "telefono referente"]),
    ("person_mobile", &["contact mobile"]),
];

const SECONDARY: &[(&str, &[&str])] = &[
    ("email", &["pec", "e mail pec"]),
    ("vat_id", &["codice fiscale", "cf", "c f", "nip regon"]),
    ("erp_code", &["id", "ref", "reference", "internal reference", "numer", "nr"]),
];

/// Register numbers that are not a field of the card (the company register, statistics, the
/// chamber of commerce): never guessed as one; a column the office may keep as its own field.
const REGISTERS: &[&str] = &[
    "codice fiscale",
    "regon",
    "krs",
    "imones kodas",
    "juridinio asmens kodas",
    "rea",
    "numero rea",
    "pesel",
    "组织机构代码",
];

/// A header as compared: its words folded, without `*`, punctuation or a parenthesised part.
pub fn words(header: &str) -> String {
    let mut kept = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' | '（' => depth += 1,
            ')' | ']' | '）' => depth = depth.saturating_sub(1),
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    let folded = fold(&kept);
    let spaced: String = folded.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn compact(words: &str) -> String {
    words.chars().filter(|c| !c.is_whitespace()).collect()
}

fn names_of(
    list: &'static [(&'static str, &'static [&'static str])],
) -> impl Iterator<Item = (&'static str, &'static str)> {
    list.iter().flat_map(|(field, names)| names.iter().map(move |n| (*field, *n)))
}

fn find(list: &'static [(&'static str, &'static [&'static str])], header: &str) -> Option<&'static str> {
    let w = compact(&words(header));
    if w.is_empty() {
        return None;
    }
    names_of(list).find(|(_, n)| compact(&words(n)) == w).map(|(f, _)| f)
}

/// The field a header names exactly (any case, spacing, punctuation, `*`, "(s.nom)").
pub fn exact(header: &str) -> Option<&'static str> {
    find(NAMES, header)
}

/// The field a header names as a second choice, when the file has no column named for it.
pub fn secondary(header: &str) -> Option<&'static str> {
    find(SECONDARY, header)
}

/// The field a header is close to: it contains a name of four letters or more as whole words
/// ("Nazwa kontrahenta pełna", "Customer E-mail address"), the longest found winning, or is one
/// letter away from one ("Adress", "Telefono1"). A guess, to be shown as one.
pub fn close(header: &str) -> Option<&'static str> {
    close_all(header).into_iter().next()
}

/// Every field a header is close to, the likeliest first ("Company phone": the name, then the
/// phone), for a file whose likeliest field another column already has.
pub fn close_all(header: &str) -> Vec<&'static str> {
    let w = words(header);
    if w.is_empty() || REGISTERS.iter().any(|r| compact(&words(r)) == compact(&w)) {
        return Vec::new();
    }
    let padded = format!(" {w} ");
    let mut found: Vec<(&'static str, usize)> = Vec::new();
    for (field, name) in names_of(NAMES) {
        let n = words(name);
        let len = n.chars().count();
        // A Latin name must be four letters or more; a Chinese one two characters.
        let long_enough = len >= 4 || (len >= 2 && !n.is_ascii());
        let contained = if n.is_ascii() { padded.contains(&format!(" {n} ")) } else { w.contains(&n) };
        if long_enough && contained {
            found.push((field, len));
        }
    }
    let c = compact(&w);
    if c.chars().count() >= 5 {
        for (field, name) in names_of(NAMES) {
            let n = compact(&words(name));
            if n.chars().count() >= 5 && super::import::one_edit_apart(&n, &c) {
                found.push((field, 0));
            }
        }
    }
    // Longest name first; a field once.
    found.sort_by_key(|(_, len)| std::cmp::Reverse(*len));
    let mut out: Vec<&'static str> = Vec::new();
    for (field, _) in found {
        if !out.contains(&field) {
            out.push(field);
        }
    }
    out
}

/// In a file of people (with first and last name columns), a contact column without "company"
/// in its name is the person's: its field for the person.
pub fn personal(field: &str, header: &str) -> Option<&'static str> {
    let own = match field {
        "email" => "person_email",
        "phone" => "person_phone",
        "mobile" => "person_mobile",
        _ => return None,
    };
    let w = words(header);
    let company = ["company", "firma", "firmowy", "azienda", "aziendale", "imones", "公司", "office", "main"];
    (!company.iter().any(|c| w.split(' ').any(|x| x == *c) || (!c.is_ascii() && w.contains(c)))).then_some(own)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_compared_by_their_words() {
        assert_eq!(words("Name* (s.nom)"), "name");
        assert_eq!(words("  E-MAIL "), "e mail");
        assert_eq!(words("Liczba pracowników"), "liczba pracownikow");
        assert_eq!(words("P.IVA"), "p iva");
        assert_eq!(words("email_work"), "email work");
        assert_eq!(words("公司名称（全称）"), "公司名称");
    }

    #[test]
    fn the_names_offices_write_are_recognised() {
        for (header, field) in [
            ("Nazwa", "name"),
            ("Nazwa skrócona", "name"),
            ("Kontrahent", "name"),
            ("Miasto", "city"),
            ("Miejscowość", "city"),
            ("Kod pocztowy", "postal_code"),
            ("Ulica", "street"),
            ("NIP", "vat_id"),
            ("Ragione sociale", "name"),
            ("Denominazione", "name"),
            ("Partita IVA", "vat_id"),
            ("P.IVA", "vat_id"),
            ("Comune", "city"),
            ("CAP", "postal_code"),
            ("Provincia", "region"),
            ("Indirizzo", "street"),
            ("Pavadinimas", "name"),
            ("PVM mokėtojo kodas", "vat_id"),
            ("Miestas", "city"),
            ("Adresas", "street"),
            ("公司名称", "name"),
            ("客户名称", "name"),
            ("统一社会信用代码", "vat_id"),
            ("税号", "vat_id"),
            ("城市", "city"),
            ("地址", "street"),
            ("电话", "phone"),
            ("Name", "name"),
            ("Company", "name"),
            ("Account Name", "name"),
            ("Organization", "name"),
            ("Street", "street"),
            ("Zip", "postal_code"),
            ("Postcode", "postal_code"),
            ("Town", "city"),
            ("State", "region"),
            ("Country", "country"),
            ("VAT", "vat_id"),
            ("Tax ID", "vat_id"),
            ("Phone", "phone"),
            ("Email", "email"),
            ("E-mail", "email"),
            ("Name* (s.nom)", "name"),
            ("Zip (s.zip)", "postal_code"),
            ("first_name", "person_first_name"),
            ("last_name", "person_last_name"),
            ("Liczba pracowników", "employees"),
            ("Obroty", "annual_turnover"),
            ("TOWN", "city"),
        ] {
            assert_eq!(exact(header), Some(field), "{header}");
        }
        assert_eq!(exact("REGON"), None);
        assert_eq!(exact("Įmonės kodas"), None);
        assert_eq!(secondary("Codice fiscale"), Some("vat_id"));
        assert_eq!(exact(""), None);
        assert_eq!(exact("()"), None);
    }

    #[test]
    fn a_close_header_is_a_guess() {
        assert_eq!(close("Nazwa kontrahenta pełna"), Some("name"));
        assert_eq!(close("Customer E-mail address"), Some("email"));
        assert_eq!(close("Adress"), Some("street"));
        assert_eq!(close("Telefono 1"), Some("phone"));
        assert_eq!(close("email_work"), Some("email"));
        assert_eq!(close("Numero dipendenti 2025"), Some("employees"));
        assert_eq!(close("Kod kraju"), None, "a short word is no guess");
        assert_eq!(close("Zzz"), None);
        assert_eq!(close("Įmonės kodas"), None, "a register number is not the ERP code");
        assert_eq!(close("Codice fiscale"), None);
        assert_eq!(close_all("Company phone"), ["name", "phone"]);
        assert_eq!(close("联系电话号码"), Some("phone"));
    }

    #[test]
    fn contact_columns_of_a_people_file_are_the_persons() {
        assert_eq!(personal("email", "email_work"), Some("person_email"));
        assert_eq!(personal("phone", "Company phone"), None);
        assert_eq!(personal("name", "Company"), None);
    }
}
