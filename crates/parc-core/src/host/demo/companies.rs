//! Demo companies: cities, names in each country's style with their legal forms, valid VAT ids.

use super::*;

pub(super) struct City {
    pub(super) name: &'static str,
    pub(super) region: &'static str,
    pub(super) postal: &'static str,
    pub(super) country: &'static str,
    pub(super) area_code: &'static str,
}

pub(super) const fn city(
    name: &'static str,
    region: &'static str,
    postal: &'static str,
    country: &'static str,
    area_code: &'static str,
) -> City {
    City { name, region, postal, country, area_code }
}

/// Every one of these appears in any data set of 100 customers or more.
pub(super) const CITIES: &[City] = &[
    city("Milano", "Lombardia", "20121", "IT", "02"),
    city("Torino", "Piemonte", "10121", "IT", "011"),
    city("Bologna", "Emilia-Romagna", "40121", "IT", "051"),
    city("Verona", "Veneto", "37121", "IT", "045"),
    city("Forlì", "Emilia-Romagna", "47121", "IT", "0543"),
    city("Cantù", "Lombardia", "22063", "IT", "031"),
    city("Napoli", "Campania", "80133", "IT", "081"),
    city("Łódź", "łódzkie", "90-001", "PL", "42"),
    city("Kraków", "małopolskie", "30-001", "PL", "12"),
    city("Warszawa", "mazowieckie", "00-001", "PL", "22"),
    city("Gdańsk", "pomorskie", "80-001", "PL", "58"),
    city("Wrocław", "dolnośląskie", "50-001", "PL", "71"),
    city("Poznań", "wielkopolskie", "60-001", "PL", "61"),
    city("Białystok", "podlaskie", "15-001", "PL", "85"),
    city("Bielsko-Biała", "śląskie", "43-300", "PL", "33"),
    city("Vilnius", "Vilniaus apskritis", "LT-01100", "LT", "5"),
    city("Kaunas", "Kauno apskritis", "LT-44280", "LT", "37"),
    city("Klaipėda", "Klaipėdos apskritis", "LT-91100", "LT", "46"),
    city("Šiauliai", "Šiaulių apskritis", "LT-76100", "LT", "41"),
    city("Panevėžys", "Panevėžio apskritis", "LT-35100", "LT", "45"),
    city("Marijampolė", "Marijampolės apskritis", "LT-68100", "LT", "343"),
    city("上海", "上海市", "200000", "CN", "21"),
    city("北京", "北京市", "100000", "CN", "10"),
    city("广州", "广东省", "510000", "CN", "20"),
    city("深圳", "广东省", "518000", "CN", "755"),
    city("成都", "四川省", "610000", "CN", "28"),
    city("重庆", "重庆市", "400000", "CN", "23"),
];

pub(super) const IT_SURNAMES: &[&str] = &[
    "Rossi",
    "Bianchi",
    "Colombo",
    "Ferrari",
    "Esposito",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Cattaneo",
];
pub(super) const IT_PATTERNS: &[&str] = &[
    "{} Trasporti S.r.l.",
    "Autotrasporti {} & Figli S.n.c.",
    "{} Logistica S.p.A.",
    "Edilizia {} S.r.l.",
    "Trasporti Frigoriferi {} S.r.l.",
    "{} Movimento Terra S.a.s.",
    "Distribuzione {} S.r.l.",
    "F.lli {} S.n.c.",
];
pub(super) const IT_STREETS: &[&str] = &[
    "Via Roma",
    "Via Garibaldi",
    "Via dell'Industria",
    "Viale Europa",
    "Via Emilia",
    "Corso Italia",
    "Via dei Trasporti",
];

pub(super) const PL_SURNAMES: &[&str] = &[
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Krawczyk",
    "Piotrowski",
    "Grabowski",
    "Nowakowski",
    "Pawłowski",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłoński",
    "Wróbel",
    "Majewski",
    "Olszewski",
    "Stępień",
    "Jaworski",
    "Malinowski",
    "Górski",
    "Sikora",
    "Baran",
    "Szewczyk",
    "Ostrowski",
    "Pietrzak",
    "Zając",
    "Bąk",
    "Włodarczyk",
    "Sokołowski",
    "Żak",
];
pub(super) const PL_PATTERNS: &[&str] = &[
    "Trans-{} Sp. z o.o.",
    "PHU {}",
    "{} Logistyka S.A.",
    "Przewozy Towarowe {}",
    "Usługi Transportowe {} Sp. j.",
    "Budownictwo {} Sp. z o.o.",
    "Spedycja {} Sp. z o.o.",
    "Chłodnie {} s.c.",
];
pub(super) const PL_STREETS: &[&str] = &[
    "ul. Piotrkowska",
    "ul. Przemysłowa",
    "ul. Łódzka",
    "ul. Składowa",
    "al. Jana Pawła II",
    "ul. Źródlana",
    "ul. Transportowa",
];

pub(super) const LT_SURNAMES: &[&str] = &[
    "Kazlauskas",
    "Jankauskas",
    "Petrauskas",
    "Stankevičius",
    "Vasiliauskas",
    "Žukauskas",
    "Butkus",
    "Paulauskas",
    "Urbonas",
    "Kavaliauskas",
    "Baranauskas",
    "Pocius",
    "Šimkus",
    "Navickas",
    "Ramanauskas",
    "Žilinskas",
    "Sakalauskas",
    "Mockus",
    "Rimkus",
    "Lukoševičius",
    "Grigaliūnas",
    "Čepulis",
    "Kairys",
    "Bružas",
];
pub(super) const LT_PATTERNS: &[&str] = &[
    "UAB „{} transportas“",
    "{} ir partneriai, UAB",
    "UAB {} logistika",
    "UAB „{} krovinių vežimas“",
    "{} statyba, UAB",
    "ŽŪB „{} ūkis“",
];
pub(super) const LT_STREETS: &[&str] =
    &["Gedimino pr.", "Savanorių pr.", "Pramonės g.", "Žalgirio g.", "Taikos pr.", "Šilutės pl.", "Vilniaus g."];

pub(super) const CN_WORDS: &[&str] = &[
    "顺达", "恒通", "安捷", "鸿运", "宏远", "通达", "华信", "远航", "中联", "东方", "金桥", "新宇", "长城", "万里",
    "捷安", "瑞丰",
];
pub(super) const CN_SUFFIXES: &[&str] =
    &["物流有限公司", "运输有限公司", "货运有限公司", "建材有限公司", "冷链物流有限公司", "汽车运输有限公司"];
pub(super) const CN_STREETS: &[&str] = &["人民路", "解放路", "建设路", "中山路", "工业园路", "物流园大道", "港口路"];
/// Region codes (GB/T 2260) for the unified social credit code, in CITIES order for CN.
pub(super) fn cn_region(city: &str) -> &'static str {
    match city {
        "上海" => "310115",
        "北京" => "110105",
        "广州" => "440106",
        "深圳" => "440300",
        "成都" => "510107",
        _ => "500103",
    }
}

pub(super) const LEGAL_FORMS: &[(&str, &[&str])] = &[
    ("IT", &["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "Ditta individuale"]),
    ("PL", &["Sp. z o.o.", "S.A.", "Sp. j.", "s.c.", "JDG"]),
    ("LT", &["UAB", "AB", "MB", "IĮ", "ŽŪB"]),
    ("CN", &["有限责任公司", "股份有限公司", "个体工商户"]),
];

/// The data of customer number `i` (0-based) of a set made with `seed`.
pub(super) fn customer(i: usize, rng: &mut Rng) -> CustomerData {
    let city = &CITIES[i % CITIES.len()];
    // A sequence number makes every VAT id unique without remembering the ones already made.
    let seq = (i / CITIES.len()) as u64;
    let (name, street, domain_tld) = match city.country {
        "IT" => (
            rng.pick(IT_PATTERNS).replace("{}", rng.pick(IT_SURNAMES)),
            format!("{} {}", rng.pick(IT_STREETS), 1 + rng.below(180)),
            "it",
        ),
        "PL" => (
            rng.pick(PL_PATTERNS).replace("{}", rng.pick(PL_SURNAMES)),
            format!("{} {}", rng.pick(PL_STREETS), 1 + rng.below(250)),
            "pl",
        ),
        "LT" => (
            rng.pick(LT_PATTERNS).replace("{}", rng.pick(LT_SURNAMES)),
            format!("{} {}", rng.pick(LT_STREETS), 1 + rng.below(120)),
            "lt",
        ),
        _ => (
            format!("{}{}{}", city.name, rng.pick(CN_WORDS), rng.pick(CN_SUFFIXES)),
            format!("{}{}号", rng.pick(CN_STREETS), 1 + rng.below(999)),
            "cn",
        ),
    };
    let vat_id = demo_vat(city, seq, i, rng);
    let phone = match city.country {
        "IT" => format!("+39 {} {}", city.area_code, rng.digits(7)),
        "PL" => format!("+48 {} {} {} {}", city.area_code, rng.digits(3), rng.digits(2), rng.digits(2)),
        "LT" => format!("+370 {} {}", city.area_code, rng.digits(8 - city.area_code.len())),
        _ => format!("+86 {} {} {}", city.area_code, rng.digits(4), rng.digits(4)),
    };
    let mobile = match city.country {
        "IT" => format!("+39 3{} {}", rng.digits(2), rng.digits(7)),
        "PL" => format!("+48 5{} {} {}", rng.digits(2), rng.digits(3), rng.digits(3)),
        "LT" => format!("+370 6{} {}", rng.digits(2), rng.digits(5)),
        _ => format!("+86 13{} {} {}", rng.digits(1), rng.digits(4), rng.digits(4)),
    };
    let forms = LEGAL_FORMS.iter().find(|(c, _)| *c == city.country).map(|(_, f)| *f).unwrap_or(&[]);
    let legal_form = forms.iter().find(|f| name.contains(**f)).copied().unwrap_or_else(|| rng.pick(forms));
    let currency = match city.country {
        "PL" => "PLN",
        "CN" => "CNY",
        _ => "EUR",
    };
    let employees = 3 + rng.below(400) as i64;
    CustomerData {
        name,
        legal_form: legal_form.to_string(),
        street,
        postal_code: city.postal.to_string(),
        city: city.name.to_string(),
        region: city.region.to_string(),
        country: city.country.to_string(),
        phone,
        mobile,
        email: format!("info@{}-{}.{}", domain_slug(i), seq, domain_tld),
        web: format!("https://www.{}-{}.{}", domain_slug(i), seq, domain_tld),
        vat_id,
        business_type: rng.pick(BUSINESS_TYPES).to_string(),
        market_sectors: String::new(),
        ownership: if rng.below(5) == 0 { "group".into() } else { "private".into() },
        employees: Some(employees),
        // Roughly 150k per employee, in minor units.
        annual_turnover: Some((employees * (100_000 + rng.below(100_000) as i64)) * 100),
        turnover_currency: currency.to_string(),
        lead_source: rng.pick(LEAD_SOURCES).to_string(),
        ..Default::default()
    }
}

pub(super) fn domain_slug(i: usize) -> &'static str {
    ["trans", "logistic", "cargo", "fleet", "truck", "freight"][i % 6]
}

pub(super) fn demo_vat(city: &City, seq: u64, i: usize, rng: &mut Rng) -> String {
    // The body is unique per (city, seq); `i` keeps cities of one country apart.
    let unique = seq * CITIES.len() as u64 + (i % CITIES.len()) as u64;
    let made = match city.country {
        // Italian: 7-digit company number, 3-digit province office.
        "IT" => vat::complete_vat("IT", &format!("{:07}{:03}", 1_000_000 + unique, 1 + rng.below(100))),
        // Polish NIP: a body whose check would be 10 is skipped by trying the next tax office.
        "PL" => (0..20u64)
            .find_map(|k| vat::complete_vat("PL", &format!("{:03}{:06}", 101 + (k + rng.below(800)) % 899, unique))),
        "LT" => vat::complete_vat("LT", &format!("{:07}1", 1_000_000 + unique)),
        _ => vat::complete_vat("CN", &format!("91{}{:09}", cn_region(city.name), 100_000_000 + unique)),
    };
    made.unwrap_or_default()
}

/// `count` customers of the data set `seed`.
pub fn customers(count: usize, seed: u64) -> Vec<CustomerData> {
    let mut rng = Rng(seed);
    (0..count).map(|i| customer(i, &mut rng)).collect()
}

/// `count` customers of the data set `seed`, each with its main contact: what an ERP's
/// customer list holds (the import benchmark's file).
pub fn customers_with_main_contacts(count: usize, seed: u64) -> Vec<(CustomerData, PersonData)> {
    let mut rng = Rng(seed);
    (0..count)
        .map(|i| {
            let c = customer(i, &mut rng);
            let main = people(i, &c, &mut rng).into_iter().find(|p| p.is_main).unwrap_or_default();
            (c, main)
        })
        .collect()
}
