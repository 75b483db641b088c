//! A realistic, reproducible dealership of any size: companies from Italy, Poland, Lithuania
//! and China with their real diacritics and characters and valid VAT ids; the office that
//! sells to them (a sales manager, salespeople and assistants); 2–4 people at each customer;
//! and three years of contacts, the latest leaving next actions around "today" that fill the
//! agenda. The same `(count, seed, today)` always gives the same data.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::contact::{ContactData, MaterialData};
use crate::customer::{CustomerData, BUSINESS_TYPES, LEAD_SOURCES};
use crate::dates::{day_of, DATE_FORMAT};
use crate::demo_funnel;
use crate::error::{Error, Result};
use crate::person::PersonData;
use crate::storage::Store;
use crate::user::{UserData, UserRole};
use crate::{demo_fleet, vat};

/// SplitMix64: tiny, fast and stable across versions, which a demo data set must be
/// (a general-purpose RNG crate may change its streams between releases).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
}

struct City {
    name: &'static str,
    region: &'static str,
    postal: &'static str,
    country: &'static str,
    area_code: &'static str,
}

const fn city(
    name: &'static str,
    region: &'static str,
    postal: &'static str,
    country: &'static str,
    area_code: &'static str,
) -> City {
    City { name, region, postal, country, area_code }
}

/// Every one of these appears in any data set of 100 customers or more.
const CITIES: &[City] = &[
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

const IT_SURNAMES: &[&str] = &[
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
const IT_PATTERNS: &[&str] = &[
    "{} Trasporti S.r.l.",
    "Autotrasporti {} & Figli S.n.c.",
    "{} Logistica S.p.A.",
    "Edilizia {} S.r.l.",
    "Trasporti Frigoriferi {} S.r.l.",
    "{} Movimento Terra S.a.s.",
    "Distribuzione {} S.r.l.",
    "F.lli {} S.n.c.",
];
const IT_STREETS: &[&str] = &[
    "Via Roma",
    "Via Garibaldi",
    "Via dell'Industria",
    "Viale Europa",
    "Via Emilia",
    "Corso Italia",
    "Via dei Trasporti",
];

const PL_SURNAMES: &[&str] = &[
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
const PL_PATTERNS: &[&str] = &[
    "Trans-{} Sp. z o.o.",
    "PHU {}",
    "{} Logistyka S.A.",
    "Przewozy Towarowe {}",
    "Usługi Transportowe {} Sp. j.",
    "Budownictwo {} Sp. z o.o.",
    "Spedycja {} Sp. z o.o.",
    "Chłodnie {} s.c.",
];
const PL_STREETS: &[&str] = &[
    "ul. Piotrkowska",
    "ul. Przemysłowa",
    "ul. Łódzka",
    "ul. Składowa",
    "al. Jana Pawła II",
    "ul. Źródlana",
    "ul. Transportowa",
];

const LT_SURNAMES: &[&str] = &[
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
const LT_PATTERNS: &[&str] = &[
    "UAB „{} transportas“",
    "{} ir partneriai, UAB",
    "UAB {} logistika",
    "UAB „{} krovinių vežimas“",
    "{} statyba, UAB",
    "ŽŪB „{} ūkis“",
];
const LT_STREETS: &[&str] =
    &["Gedimino pr.", "Savanorių pr.", "Pramonės g.", "Žalgirio g.", "Taikos pr.", "Šilutės pl.", "Vilniaus g."];

const CN_WORDS: &[&str] = &[
    "顺达", "恒通", "安捷", "鸿运", "宏远", "通达", "华信", "远航", "中联", "东方", "金桥", "新宇", "长城", "万里",
    "捷安", "瑞丰",
];
const CN_SUFFIXES: &[&str] =
    &["物流有限公司", "运输有限公司", "货运有限公司", "建材有限公司", "冷链物流有限公司", "汽车运输有限公司"];
const CN_STREETS: &[&str] = &["人民路", "解放路", "建设路", "中山路", "工业园路", "物流园大道", "港口路"];
/// Region codes (GB/T 2260) for the unified social credit code, in CITIES order for CN.
fn cn_region(city: &str) -> &'static str {
    match city {
        "上海" => "310115",
        "北京" => "110105",
        "广州" => "440106",
        "深圳" => "440300",
        "成都" => "510107",
        _ => "500103",
    }
}

const LEGAL_FORMS: &[(&str, &[&str])] = &[
    ("IT", &["S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "Ditta individuale"]),
    ("PL", &["Sp. z o.o.", "S.A.", "Sp. j.", "s.c.", "JDG"]),
    ("LT", &["UAB", "AB", "MB", "IĮ", "ŽŪB"]),
    ("CN", &["有限责任公司", "股份有限公司", "个体工商户"]),
];

/// The data of customer number `i` (0-based) of a set made with `seed`.
fn customer(i: usize, rng: &mut Rng) -> CustomerData {
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

fn domain_slug(i: usize) -> &'static str {
    ["trans", "logistic", "cargo", "fleet", "truck", "freight"][i % 6]
}

fn demo_vat(city: &City, seq: u64, i: usize, rng: &mut Rng) -> String {
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

// ---------------------------------------------------------------------------------------------
// The office, the people at the customers and the contact history
// ---------------------------------------------------------------------------------------------

/// The demo office, made when the store has no users yet: (name, initials, role).
const OFFICE: &[(&str, &str, UserRole)] = &[
    ("Francesca Moretti", "FM", UserRole::Manager),
    ("Łukasz Wiśniewski", "ŁW", UserRole::Salesperson),
    ("Giulia Romano", "GR", UserRole::Salesperson),
    ("Rūta Jankauskienė", "RJ", UserRole::Salesperson),
    ("陈静", "CJ", UserRole::Salesperson),
    ("Marco Bianchi", "MB", UserRole::Salesperson),
    ("Žygimantas Petrauskas", "ŽP", UserRole::Salesperson),
    ("Agnieszka Dąbrowska", "AD", UserRole::Assistant),
    ("李娜", "LN", UserRole::Assistant),
    ("Alberto Conti", "AC", UserRole::Director),
];

/// The dealership's trucks and vans, and what customers trade in.
const TRUCKS: &[&str] = &["TGX 18.510", "TGX 18.470", "TGX 18.640", "TGS 18.440", "TGS 18.510"];
const RIGIDS: &[&str] = &["TGS 26.440", "TGS 33.430", "TGM 18.320", "TGL 12.250"];
const VANS: &[&str] = &["TGE 3.180", "TGE 3.140", "TGE 5.180", "eTGE"];
const TRADE_INS: &[&str] =
    &["Scania R 450", "DAF XF 480", "Volvo FH 460", "Iveco S-Way 490", "Mercedes-Benz Actros 1845", "Renault T 480"];

/// What a person does at a customer, in [`Lang::posts`] order, with its decision role.
const POST_ROLES: [&str; 8] = [
    "decision_maker",           // owner
    "decision_maker",           // managing director
    "technical_decision_maker", // fleet manager
    "other",                    // purchasing
    "technical_decision_maker", // workshop chief
    "assistant",                // secretary
    "other",                    // accountant
    "user",                     // dispatcher
];
const OWNER: usize = 0;
const DIRECTOR: usize = 1;
const SECRETARY: usize = 5;
const DISPATCHER: usize = 7;

/// The words of one country: people's names and jobs, and what salespeople write down.
/// Templates may use {truck} (tractor unit), {rigid} (rigid truck), {van}, {old} (a trade-in),
/// {n}, {months}, {pct}, {km} (thousands), {weeks}.
struct Lang {
    male: &'static [&'static str],
    female: &'static [&'static str],
    /// (male, female) academic or professional titles.
    titles: &'static [(&'static str, &'static str)],
    /// (male, female) for each post, in [`POST_ROLES`] order.
    posts: [(&'static str, &'static str); 8],
    agreed: &'static [&'static str],
    /// (kind, text) of next actions.
    next: &'static [(&'static str, &'static str)],
    docs_sent: &'static [&'static str],
    docs_received: &'static [&'static str],
    /// Materials sent regularly: (name, every so many days).
    materials: &'static [(&'static str, i64)],
}

const IT: Lang = Lang {
    male: &[
        "Marco",
        "Giuseppe",
        "Luca",
        "Alessandro",
        "Andrea",
        "Francesco",
        "Matteo",
        "Davide",
        "Stefano",
        "Paolo",
        "Nicolò",
        "Gianluca",
    ],
    female: &["Giulia", "Francesca", "Chiara", "Sara", "Elena", "Valentina", "Federica", "Alessia", "Martina", "Lucia"],
    titles: &[("Dott.", "Dott.ssa"), ("Ing.", "Ing."), ("Rag.", "Rag."), ("Geom.", "Geom.")],
    posts: [
        ("Titolare", "Titolare"),
        ("Amministratore delegato", "Amministratrice delegata"),
        ("Responsabile flotta", "Responsabile flotta"),
        ("Responsabile acquisti", "Responsabile acquisti"),
        ("Capo officina", "Capo officina"),
        ("Segretario", "Segretaria"),
        ("Responsabile amministrativo", "Responsabile amministrativa"),
        ("Responsabile traffico", "Responsabile traffico"),
    ],
    agreed: &[
        "Presentata l'offerta per {n} trattori {truck}; il cliente valuta il leasing a {months} mesi.",
        "Il titolare chiede una permuta per il suo {old}: valutazione entro la settimana.",
        "Prova su strada del {truck} con semirimorchio carico: consumi piaciuti, dubbi sul prezzo.",
        "Discusso il contratto di manutenzione full service per {n} veicoli, {km}.000 km l'anno.",
        "Interessati a {n} furgoni {van} per la distribuzione urbana; chiedono i tempi di consegna.",
        "Il cliente ha un'offerta concorrente più bassa del {pct}%: rivedere lo sconto.",
        "Finanziamento approvato dalla banca; in attesa della firma del contratto.",
        "Consegnato il {truck}: spiegati all'autista i sistemi di assistenza alla guida.",
        "Lamentela per i tempi di attesa in officina; promesso un veicolo sostitutivo.",
        "Rinnovo della flotta rinviato al prossimo anno per il calo dei noli.",
        "Richiesto un preventivo per l'allestimento frigorifero su {van}.",
        "Visita al deposito: diversi mezzi oltre i 900.000 km, buona occasione per la sostituzione.",
        "Confermato l'ordine di {n} {truck}; consegna prevista tra {weeks} settimane.",
        "Chiesti i documenti per il noleggio a lungo termine di {months} mesi.",
        "Chiesto un preventivo per {n} motrici {rigid} con cassone ribaltabile per i cantieri.",
        "Il cliente preferisce il {truck} al {old} per il comfort in cabina; decide il titolare.",
        "Offerta per il contratto di riparazione e manutenzione sul {old} appena acquistato usato.",
    ],
    next: &[
        ("phone", "Richiamare per l'esito dell'offerta"),
        ("phone", "Telefonare al titolare per la decisione sul leasing"),
        ("phone", "Sentire il capo officina dopo la prova del {truck}"),
        ("visit", "Visita in sede con l'offerta definitiva"),
        ("visit", "Portare in prova il {truck}"),
        ("visit", "Valutare in sede il {old} in permuta"),
        ("email", "Inviare l'offerta aggiornata per {n} {truck}"),
        ("email", "Mandare la proposta di contratto di manutenzione"),
        ("email", "Inviare il preventivo di leasing a {months} mesi"),
    ],
    docs_sent: &[
        "Offerta commerciale",
        "Scheda tecnica",
        "Preventivo leasing",
        "Contratto di manutenzione",
        "Listino allestimenti",
        "Brochure TGE",
    ],
    docs_received: &[
        "Visura camerale",
        "Bilancio d'esercizio",
        "Libretto di circolazione (permuta)",
        "Richiesta di finanziamento firmata",
        "Ordine firmato",
    ],
    materials: &[("Listino prezzi", 90), ("Newsletter Parc Veicoli", 30), ("Calendario corsi autisti", 180)],
};

const PL: Lang = Lang {
    male: &[
        "Piotr",
        "Krzysztof",
        "Andrzej",
        "Tomasz",
        "Paweł",
        "Michał",
        "Marcin",
        "Łukasz",
        "Grzegorz",
        "Jarosław",
        "Wojciech",
    ],
    female: &[
        "Anna",
        "Katarzyna",
        "Małgorzata",
        "Agnieszka",
        "Joanna",
        "Ewa",
        "Magdalena",
        "Dorota",
        "Beata",
        "Żaneta",
    ],
    titles: &[("mgr", "mgr"), ("inż.", "inż."), ("mgr inż.", "mgr inż."), ("dr", "dr")],
    posts: [
        ("Właściciel", "Właścicielka"),
        ("Prezes zarządu", "Prezes zarządu"),
        ("Kierownik floty", "Kierownik floty"),
        ("Specjalista ds. zakupów", "Specjalistka ds. zakupów"),
        ("Kierownik warsztatu", "Kierownik warsztatu"),
        ("Sekretarz", "Sekretarka"),
        ("Główny księgowy", "Główna księgowa"),
        ("Dyspozytor", "Dyspozytorka"),
    ],
    agreed: &[
        "Przedstawiono ofertę na ciągniki siodłowe {truck}, {n} szt.; klient rozważa leasing na {months} miesięcy.",
        "Właściciel chce oddać w rozliczeniu pojazd {old}; wycena do końca tygodnia.",
        "Jazda próbna {truck} z naczepą: spalanie na plus, cena za wysoka.",
        "Omówiono kontrakt serwisowy full service na {n} szt. pojazdów, {km} 000 km rocznie.",
        "Zainteresowani furgonami {van} ({n} szt.) do dystrybucji miejskiej; pytają o termin dostawy.",
        "Konkurencja dała ofertę niższą o {pct}%; trzeba zrewidować rabat.",
        "Bank zatwierdził finansowanie; czekamy na podpisanie umowy.",
        "Wydano {truck}; kierowca przeszkolony z systemów wspomagania jazdy.",
        "Skarga na czas oczekiwania w serwisie; obiecano auto zastępcze.",
        "Wymiana floty przesunięta na przyszły rok z powodu spadku stawek frachtowych.",
        "Zapytanie o zabudowę chłodniczą na {van}.",
        "Wizyta w bazie: kilka pojazdów z przebiegiem ponad 900 000 km, dobra okazja do wymiany.",
        "Potwierdzono zamówienie: {truck}, {n} szt.; dostawa za {weeks} tygodni.",
        "Poproszono o dokumenty do wniosku o wynajem długoterminowy na {months} miesięcy.",
        "Zapytanie o podwozia {rigid} z wywrotką na budowy, {n} szt.",
        "Klient woli {truck} ze względu na kabinę, model {old} przegrywa; decyzja należy do właściciela.",
        "Oferta na kontrakt naprawczy dla używanego pojazdu {old}, kupionego w zeszłym miesiącu.",
    ],
    next: &[
        ("phone", "Zadzwonić w sprawie decyzji o ofercie"),
        ("phone", "Zapytać właściciela o decyzję leasingową"),
        ("phone", "Umówić jazdę próbną {truck}"),
        ("visit", "Wizyta z ostateczną ofertą"),
        ("visit", "Przyprowadzić {truck} na jazdę próbną"),
        ("visit", "Wycenić na miejscu pojazd {old} w rozliczeniu"),
        ("email", "Wysłać zaktualizowaną ofertę na {truck}, {n} szt."),
        ("email", "Wysłać projekt umowy serwisowej"),
        ("email", "Wysłać kalkulację leasingu na {months} miesięcy"),
    ],
    docs_sent: &[
        "Oferta handlowa",
        "Karta techniczna",
        "Kalkulacja leasingu",
        "Umowa serwisowa",
        "Cennik zabudów",
        "Broszura TGE",
    ],
    docs_received: &[
        "Odpis z KRS",
        "Sprawozdanie finansowe",
        "Dowód rejestracyjny (pojazd w rozliczeniu)",
        "Podpisany wniosek leasingowy",
        "Podpisane zamówienie",
    ],
    materials: &[("Cennik", 90), ("Newsletter", 30), ("Harmonogram szkoleń kierowców", 180)],
};

const LT: Lang = Lang {
    male: &[
        "Jonas",
        "Tomas",
        "Mantas",
        "Andrius",
        "Darius",
        "Vytautas",
        "Žygimantas",
        "Giedrius",
        "Rimantas",
        "Linas",
        "Saulius",
        "Mindaugas",
    ],
    female: &["Rūta", "Jurgita", "Aušra", "Eglė", "Inga", "Lina", "Giedrė", "Vaida", "Kristina", "Rasa"],
    titles: &[("dr.", "dr.")],
    posts: [
        ("Savininkas", "Savininkė"),
        ("Direktorius", "Direktorė"),
        ("Transporto vadovas", "Transporto vadovė"),
        ("Pirkimų vadybininkas", "Pirkimų vadybininkė"),
        ("Dirbtuvių vadovas", "Dirbtuvių vadovė"),
        ("Sekretorius", "Sekretorė"),
        ("Vyriausiasis buhalteris", "Vyriausioji buhalterė"),
        ("Ekspeditorius", "Ekspeditorė"),
    ],
    agreed: &[
        "Pateiktas pasiūlymas vilkikams {truck}, {n} vnt.; klientas svarsto lizingą {months} mėn.",
        "Savininkas nori atiduoti savo {old} kaip dalį mokėjimo; įvertinimas iki savaitės pabaigos.",
        "Bandomasis važiavimas {truck} su puspriekabe: degalų sąnaudos patiko, kaina per didelė.",
        "Aptarta pilno serviso sutartis {n} vnt. transporto priemonių, {km} 000 km per metus.",
        "Domisi furgonais {van} ({n} vnt.) miesto paskirstymui; klausia apie pristatymo terminus.",
        "Konkurentų pasiūlymas {pct}% pigesnis; reikia peržiūrėti nuolaidą.",
        "Bankas patvirtino finansavimą; laukiame sutarties pasirašymo.",
        "Perduotas {truck}; vairuotojas apmokytas naudotis pagalbinėmis sistemomis.",
        "Skundas dėl laukimo servise; pažadėtas pakaitinis automobilis.",
        "Parko atnaujinimas atidėtas kitiems metams dėl mažesnių krovinių tarifų.",
        "Užklausa dėl šaldytuvo įrengimo ant {van}.",
        "Apsilankymas bazėje: keli vilkikai su daugiau nei 900 000 km rida, gera proga keisti.",
        "Patvirtintas užsakymas: {truck}, {n} vnt.; pristatymas po {weeks} sav.",
        "Paprašyta dokumentų ilgalaikei nuomai {months} mėn.",
        "Užklausa dėl {rigid} važiuoklių su savivarčiu kėbulu statyboms, {n} vnt.",
        "Klientui labiau patinka {truck} kabina nei {old}; sprendžia savininkas.",
        "Pasiūlyta remonto sutartis naudotam {old}, įsigytam praėjusį mėnesį.",
    ],
    next: &[
        ("phone", "Paskambinti dėl sprendimo pagal pasiūlymą"),
        ("phone", "Pasiteirauti savininko dėl lizingo sprendimo"),
        ("phone", "Suderinti {truck} bandomąjį važiavimą"),
        ("visit", "Vizitas su galutiniu pasiūlymu"),
        ("visit", "Atvežti {truck} bandomajam važiavimui"),
        ("visit", "Vietoje įvertinti keičiamą {old}"),
        ("email", "Išsiųsti atnaujintą pasiūlymą: {truck}, {n} vnt."),
        ("email", "Išsiųsti serviso sutarties projektą"),
        ("email", "Išsiųsti lizingo skaičiavimą {months} mėn."),
    ],
    docs_sent: &[
        "Komercinis pasiūlymas",
        "Techninė specifikacija",
        "Lizingo skaičiavimas",
        "Serviso sutartis",
        "Antstatų kainoraštis",
        "TGE brošiūra",
    ],
    docs_received: &[
        "Registrų centro išrašas",
        "Finansinės ataskaitos",
        "Registracijos liudijimas (keičiamas automobilis)",
        "Pasirašyta lizingo paraiška",
        "Pasirašytas užsakymas",
    ],
    materials: &[("Kainoraštis", 90), ("Naujienlaiškis", 30), ("Vairuotojų mokymų tvarkaraštis", 180)],
};

/// Chinese names are written in characters; the e-mail address uses their pinyin.
const CN_SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
];
const CN_GIVEN_MALE: &[(&str, &str)] = &[
    ("伟", "wei"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("勇", "yong"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("建国", "jianguo"),
    ("志强", "zhiqiang"),
    ("晓东", "xiaodong"),
    ("海波", "haibo"),
    ("国华", "guohua"),
];
const CN_GIVEN_FEMALE: &[(&str, &str)] = &[
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("艳", "yan"),
    ("秀英", "xiuying"),
    ("海燕", "haiyan"),
    ("晓红", "xiaohong"),
    ("桂英", "guiying"),
    ("婷", "ting"),
    ("雪", "xue"),
];

const CN: Lang = Lang {
    male: &[],
    female: &[],
    titles: &[],
    posts: [
        ("董事长", "董事长"),
        ("总经理", "总经理"),
        ("车队经理", "车队经理"),
        ("采购经理", "采购经理"),
        ("维修车间主任", "维修车间主任"),
        ("行政秘书", "行政秘书"),
        ("财务经理", "财务经理"),
        ("调度主管", "调度主管"),
    ],
    agreed: &[
        "向客户介绍了{n}台{truck}牵引车的报价，客户考虑{months}个月融资租赁。",
        "老板希望用旧车{old}置换，本周内给出评估价。",
        "{truck}牵引车满载试驾：油耗满意，价格偏高。",
        "讨论了{n}台车辆的全包维修保养合同，每年行驶{km}000公里。",
        "客户对{n}台{van}厢式车用于城市配送感兴趣，询问交货期。",
        "竞争对手报价低{pct}%，需要重新考虑折扣。",
        "银行已批准融资，等待签订合同。",
        "{truck}已交车，向司机讲解了驾驶辅助系统。",
        "客户投诉维修等待时间过长，承诺提供替代车辆。",
        "因运价下跌，车队更新推迟到明年。",
        "询问{van}加装冷藏厢的报价。",
        "参观车场：多台车辆行驶超过90万公里，是更新车辆的好机会。",
        "确认订购{n}台{truck}，预计{weeks}周后交车。",
        "客户要求提供{months}个月长期租赁的资料。",
        "询问{n}台{rigid}自卸车用于工地的报价。",
        "客户认为{truck}驾驶室比{old}舒适，由老板最终决定。",
        "为上月购入的二手{old}提供维修合同报价。",
    ],
    next: &[
        ("phone", "电话跟进报价结果"),
        ("phone", "询问老板融资租赁的决定"),
        ("phone", "预约{truck}试驾"),
        ("visit", "带最终报价上门拜访"),
        ("visit", "把{truck}开到客户处试驾"),
        ("visit", "上门评估置换车{old}"),
        ("email", "发送{n}台{truck}的更新报价"),
        ("email", "发送维修保养合同草案"),
        ("email", "发送{months}个月融资租赁方案"),
    ],
    docs_sent: &["商务报价单", "技术参数表", "融资租赁方案", "维修保养合同", "上装价格表", "TGE宣传册"],
    docs_received: &["营业执照复印件", "财务报表", "置换车辆行驶证", "已签融资申请", "已签订单"],
    materials: &[("价格表", 90), ("客户通讯", 30), ("驾驶员培训日程", 180)],
};

fn lang(country: &str) -> &'static Lang {
    match country {
        "IT" => &IT,
        "PL" => &PL,
        "LT" => &LT,
        _ => &CN,
    }
}

/// A template with its placeholders filled in.
fn fill(template: &str, rng: &mut Rng) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    let mut out = template.to_string();
    for (key, value) in [
        ("{truck}", rng.pick(TRUCKS).to_string()),
        ("{rigid}", rng.pick(RIGIDS).to_string()),
        ("{van}", rng.pick(VANS).to_string()),
        ("{old}", rng.pick(TRADE_INS).to_string()),
        ("{n}", (2 + rng.below(14)).to_string()),
        ("{months}", rng.pick(&[36, 48, 60, 72]).to_string()),
        ("{pct}", (3 + rng.below(9)).to_string()),
        ("{km}", rng.pick(&[80, 100, 120, 150, 180]).to_string()),
        ("{weeks}", (6 + rng.below(11)).to_string()),
    ] {
        if out.contains(key) {
            out = out.replace(key, &value);
        }
    }
    out
}

/// The feminine form of a surname (Polish -ski/-cki, Lithuanian married -ienė).
fn feminine_surname(country: &str, surname: &str) -> String {
    match country {
        "PL" if surname.ends_with("ki") => format!("{}a", &surname[..surname.len() - 1]),
        "LT" => ["ius", "as", "is", "ys", "us"]
            .iter()
            .find_map(|end| surname.strip_suffix(end))
            .map(|stem| format!("{stem}ienė"))
            .unwrap_or_else(|| surname.to_string()),
        _ => surname.to_string(),
    }
}

/// Letters and digits only, folded: the part of an e-mail address made from a name.
fn mail_part(text: &str) -> String {
    crate::search_key::fold(text).chars().filter(char::is_ascii_alphanumeric).collect()
}

/// A person's name and the local part of their e-mail address.
fn person_name(country: &str, female: bool, rng: &mut Rng) -> (String, String) {
    if country == "CN" {
        let (surname, s_pinyin) = rng.pick(CN_SURNAMES);
        let (given, g_pinyin) = rng.pick(if female { CN_GIVEN_FEMALE } else { CN_GIVEN_MALE });
        return (format!("{surname}{given}"), format!("{g_pinyin}.{s_pinyin}"));
    }
    let l = lang(country);
    let first = rng.pick(if female { l.female } else { l.male });
    let surname = rng.pick(match country {
        "IT" => IT_SURNAMES,
        "PL" => PL_SURNAMES,
        _ => LT_SURNAMES,
    });
    let surname = if female { feminine_surname(country, surname) } else { surname.to_string() };
    let local = format!("{}.{}", mail_part(first).chars().next().unwrap_or('x'), mail_part(&surname));
    (format!("{first} {surname}"), local)
}

fn mobile_number(country: &str, rng: &mut Rng) -> String {
    match country {
        "IT" => format!("+39 3{} {}", rng.digits(2), rng.digits(7)),
        "PL" => format!("+48 5{} {} {}", rng.digits(2), rng.digits(3), rng.digits(3)),
        "LT" => format!("+370 6{} {}", rng.digits(2), rng.digits(5)),
        _ => format!("+86 13{} {} {}", rng.digits(1), rng.digits(4), rng.digits(4)),
    }
}

/// The people of customer `c` (number `i`): 2–4, one main contact, some who left.
fn people(i: usize, c: &CustomerData, rng: &mut Rng) -> Vec<PersonData> {
    let city = &CITIES[i % CITIES.len()];
    let l = lang(&c.country);
    let domain = c.email.split_once('@').map(|(_, d)| d).unwrap_or("example.com");
    let count = 2 + rng.below(3) as usize;
    let mut posts = vec![if rng.below(3) == 0 { DIRECTOR } else { OWNER }];
    while posts.len() < count {
        let post = 2 + rng.below(6) as usize;
        if !posts.contains(&post) {
            posts.push(post);
        }
    }
    let main = if rng.below(2) == 0 { 0 } else { 1 };
    let mut out: Vec<PersonData> = Vec::with_capacity(count);
    for (k, &post) in posts.iter().enumerate() {
        let female = rng.below(100) < if post == SECRETARY { 85 } else { 25 };
        // Names are unique within a customer: the timeline tells people apart by name.
        let (mut name, mut local) = person_name(&c.country, female, rng);
        for _ in 0..20 {
            if !out.iter().any(|p| p.name == name) {
                break;
            }
            (name, local) = person_name(&c.country, female, rng);
        }
        let (male_post, female_post) = l.posts[post];
        // Titles go with the owner's, managers' and experts' jobs; Lithuanians rarely use them.
        let titled = post != SECRETARY && post != DISPATCHER && rng.below(if c.country == "LT" { 12 } else { 4 }) == 0;
        let title = match l.titles {
            [] => "",
            titles if titled => {
                let (m, f) = rng.pick(titles);
                if female {
                    f
                } else {
                    m
                }
            }
            _ => "",
        };
        let decision_role = match POST_ROLES[post] {
            "assistant" if rng.below(3) == 0 => "receptionist",
            role => role,
        };
        let phone = match rng.below(3) {
            0 => String::new(),
            1 => c.phone.clone(),
            _ => match c.country.as_str() {
                "IT" => format!("+39 {} {}", city.area_code, rng.digits(7)),
                "PL" => format!("+48 {} {} {} {}", city.area_code, rng.digits(3), rng.digits(2), rng.digits(2)),
                "LT" => format!("+370 {} {}", city.area_code, rng.digits(8 - city.area_code.len())),
                _ => format!("+86 {} {} {}", city.area_code, rng.digits(4), rng.digits(4)),
            },
        };
        let mobile = if rng.below(100) < 85 { mobile_number(&c.country, rng) } else { String::new() };
        let email = if rng.below(100) < 80 { format!("{local}@{domain}") } else { String::new() };
        // About one person in twenty has left the company; never the main contact.
        let active = k == main || rng.below(1000) >= 75;
        out.push(PersonData {
            name,
            position: if female { female_post } else { male_post }.to_string(),
            title: title.to_string(),
            decision_role: decision_role.to_string(),
            phone,
            mobile,
            email,
            is_main: k == main,
            active,
            ..Default::default()
        });
    }
    out
}

/// Saturdays and Sundays move back to Friday: nobody visits a customer on a Sunday.
fn weekday_on_or_before(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day - Days::new(1),
        Weekday::Sun => day - Days::new(2),
        _ => day,
    }
}

fn weekday_on_or_after(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day + Days::new(2),
        Weekday::Sun => day + Days::new(1),
        _ => day,
    }
}

/// Customers from this draw (per million) on have no action planned and no contact for two
/// months or more: "going cold".
const COLD_FROM: u64 = 850_000;

/// How many customers a salesperson can keep an open next action for: a few a working day
/// over the agenda's seven weeks. Above this many customers per salesperson (large demo
/// sets, for benchmarks), the others are quiet rather than every agenda overflowing.
const OPEN_ACTIONS_PER_SELLER: u64 = 400;

/// The share (per million) of customers with an open next action when `customers` are shared
/// by `sellers` salespeople: 85% up to [`OPEN_ACTIONS_PER_SELLER`] each.
fn open_per_million(customers: usize, sellers: usize) -> u64 {
    let capacity = OPEN_ACTIONS_PER_SELLER * sellers.max(1) as u64 * 1_000_000 / COLD_FROM;
    match customers as u64 {
        n if n <= capacity => COLD_FROM,
        n => COLD_FROM * capacity / n,
    }
}

/// Who works on the demo customers.
struct Staff {
    /// Owners, round-robin: the active salespeople (managers when there are none).
    sellers: Vec<i64>,
    assistants: Vec<i64>,
}

/// A contact before its people are saved: `people` index the customer's people.
struct PlannedContact {
    data: ContactData,
    people: Vec<usize>,
    by: Option<i64>,
}

/// Everything demo customer number `i` brings besides its card.
struct History {
    owner: Option<i64>,
    assistant: Option<i64>,
    people: Vec<PersonData>,
    contacts: Vec<PlannedContact>,
}

/// The rng of customer `i`'s history: independent of batches and of the customers' stream.
fn history_rng(seed: u64, i: usize) -> Rng {
    let mut rng = Rng(seed.wrapping_mul(0xA076_1D64_78BD_642F) ^ (i as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    rng.next();
    rng
}

/// Three years of contacts with customer `c`, oldest first. The latest leaves an open next
/// action due around `today` for `open_per_million` of the customers; about 15% are going cold
/// (nothing since two months and more), and any others are quiet (no action planned).
fn history(i: usize, c: &CustomerData, staff: &Staff, seed: u64, today: NaiveDate, open_per_million: u64) -> History {
    let mut rng = history_rng(seed, i);
    let owner = (!staff.sellers.is_empty()).then(|| staff.sellers[i % staff.sellers.len()]);
    let assistant = if !staff.assistants.is_empty() && rng.below(100) < 30 {
        Some(staff.assistants[rng.below(staff.assistants.len() as u64) as usize])
    } else {
        None
    };
    let people = people(i, c, &mut rng);
    let l = lang(&c.country);

    let count = 3 + rng.below(15) as usize;
    let draw = rng.below(1_000_000);
    let open = draw < open_per_million.min(COLD_FROM);
    let latest = weekday_on_or_before(if open {
        today - Days::new(1 + rng.below(30))
    } else if draw >= COLD_FROM {
        today - Days::new(61 + rng.below(500))
    } else {
        today - Days::new(1 + rng.below(700))
    });
    let first = today - Days::new(3 * 365);
    let span = (latest - first).num_days().max(1) as u64;
    let mut moments: Vec<(NaiveDate, u64)> =
        (0..count - 1).map(|_| (weekday_on_or_before(first + Days::new(rng.below(span))), rng.below(118))).collect();
    moments.sort_unstable();
    moments.push((latest, rng.below(118)));

    let active: Vec<usize> = (0..people.len()).filter(|&k| people[k].active).collect();
    let main = people.iter().position(|p| p.is_main).unwrap_or(0);
    let mut contacts = Vec::with_capacity(count);
    for (n, (day, slot)) in moments.into_iter().enumerate() {
        let last = n + 1 == count;
        let kind = match rng.below(100) {
            0..=44 => "phone",
            45..=64 => "visit",
            65..=84 => "email",
            85..=91 => "letter",
            _ => "other",
        };
        let duration_min = match kind {
            "phone" => 3 + rng.below(18),
            "visit" => 30 + 5 * rng.below(25),
            "email" => 5 + rng.below(16),
            "letter" => 10 + rng.below(21),
            _ => 5 + rng.below(56),
        } as i64;
        // Office hours in 5-minute steps: visits between 8:30 and 15:00, the rest 8:00-17:45.
        let minutes = if kind == "visit" { 510 + (slot % 79) * 5 } else { 480 + slot * 5 };
        let happened_at = format!("{}T{:02}:{:02}", day.format(DATE_FORMAT), minutes / 60, minutes % 60);
        let by = match assistant {
            Some(a) if kind != "visit" && rng.below(4) == 0 => Some(a),
            _ => owner,
        };
        // People who left are in old contacts only.
        let pool: &[usize] = if last { &active } else { &[] };
        let choose = |rng: &mut Rng| {
            if pool.is_empty() {
                rng.below(people.len() as u64) as usize
            } else {
                pool[rng.below(pool.len() as u64) as usize]
            }
        };
        let mut met = vec![if rng.below(2) == 0 { main } else { choose(&mut rng) }];
        if rng.below(100) < 30 {
            let other = choose(&mut rng);
            if !met.contains(&other) {
                met.push(other);
            }
        }
        let mut data = ContactData {
            happened_at,
            duration_min,
            user_id: by,
            kind: kind.to_string(),
            agreed: fill(rng.pick(l.agreed), &mut rng),
            ..Default::default()
        };
        if rng.below(100) < 20 {
            data.docs_sent.push(rng.pick(l.docs_sent).to_string());
        }
        if rng.below(100) < 10 {
            data.docs_received.push(rng.pick(l.docs_received).to_string());
        }
        if last && open {
            let (next_kind, text) = loop {
                let (k, t) = rng.pick(l.next);
                let wanted = match rng.below(10) {
                    0..=4 => "phone",
                    5..=7 => "visit",
                    _ => "email",
                };
                if k == wanted {
                    break (k, t);
                }
            };
            let due = (day + Days::new(2 + rng.below(34))).clamp(today - Days::new(20), today + Days::new(30));
            let due = weekday_on_or_after(due);
            let due = if due > today + Days::new(30) { weekday_on_or_before(due) } else { due };
            data.next_action = fill(text, &mut rng);
            data.next_kind = next_kind.to_string();
            data.next_due = Some(due.format(DATE_FORMAT).to_string());
            data.next_user_id = owner;
        }
        contacts.push(PlannedContact { data, people: met, by });
    }
    History { owner, assistant, people, contacts }
}

/// About one customer in four gets the price list or the newsletter regularly (one in twenty
/// both), last sent so that some are due this week and a few were never sent.
fn materials(i: usize, country: &str, seed: u64, today: NaiveDate) -> Vec<MaterialData> {
    let mut rng = history_rng(seed ^ 0x6d61_7465_7269_616c, i);
    let offered = lang(country).materials;
    let count = match rng.below(100) {
        0..=4 => 2,
        5..=24 => 1,
        _ => 0,
    };
    let first = rng.below(offered.len() as u64) as usize;
    (0..count)
        .map(|k| {
            let (name, every_days) = offered[(first + k) % offered.len()];
            let last_sent = (rng.below(10) != 0).then(|| {
                let ago = rng.below(every_days as u64 + 20);
                (today - Days::new(ago)).format(DATE_FORMAT).to_string()
            });
            MaterialData { name: name.to_string(), every_days, last_sent }
        })
        .collect()
}

/// What a demo load added to the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoReport {
    pub users: usize,
    pub customers: usize,
    pub people: usize,
    pub contacts: usize,
    pub materials: usize,
    /// Fleet lines and the vehicles they stand for.
    pub fleet_lines: usize,
    pub vehicles: i64,
    /// Competitors' prices seen at customers.
    pub sightings: usize,
    pub deals: usize,
    pub leads: usize,
    pub offers: usize,
    /// Forecast rows kept at the past month ends.
    pub snapshots: usize,
}

/// Customers saved per round: one transaction for their cards, one for their people and one
/// for their contacts (about 20,000).
const BATCH: usize = 2_000;

/// Adds a demo dealership to the store: the office (when it has no users yet), `count`
/// customers with their people and three years of contacts before `today`. The same
/// `(count, seed, today)` on an empty store gives the same data. Saved in batches of
/// [`BATCH`] customers: an error leaves the batches before it saved. `progress` hears each
/// batch saved. Returns the number of customers added; [`load_office`] tells everything added.
pub fn load(
    store: &mut Store,
    count: usize,
    seed: u64,
    today: NaiveDate,
    progress: impl FnMut(usize, usize),
) -> Result<usize> {
    Ok(load_office(store, count, seed, today, progress)?.customers)
}

/// [`load`], reporting how many users, customers, people and contacts it added.
pub fn load_office(
    store: &mut Store,
    count: usize,
    seed: u64,
    today: NaiveDate,
    progress: impl FnMut(usize, usize),
) -> Result<DemoReport> {
    load_keyed(store, None, count, seed, today, progress)
}

/// [`load_office`] as an operation that may be retried: every write of the load is keyed
/// under `key` (see [`Store::once`]), so running it again with the same key after a crash or
/// an error goes on where it stopped and adds nothing twice. The report counts what this run
/// added.
pub fn load_once(
    store: &mut Store,
    key: &str,
    count: usize,
    seed: u64,
    today: NaiveDate,
    progress: impl FnMut(usize, usize),
) -> Result<DemoReport> {
    load_keyed(store, Some(key), count, seed, today, progress)
}

/// Runs one write of a load, under `key/part` when the load is keyed; returns the ids it
/// saved (now or, for a keyed write applied before, then) and whether it ran now.
fn step(
    store: &mut Store,
    key: Option<&str>,
    part: &str,
    write: impl FnOnce(&mut Store) -> Result<Vec<i64>>,
) -> Result<(Vec<i64>, bool)> {
    let Some(key) = key else { return Ok((write(store)?, true)) };
    match store.once(&format!("{key}/{part}"), write)? {
        crate::storage::Once::Now(ids) => Ok((ids, true)),
        crate::storage::Once::Before(op) => Ok((serde_json::from_value(op.result).unwrap_or_default(), false)),
    }
}

fn load_keyed(
    store: &mut Store,
    key: Option<&str>,
    count: usize,
    seed: u64,
    today: NaiveDate,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoReport> {
    let mut report = DemoReport::default();
    let staff = staff(store, key, &mut report)?;
    demo_fleet::settings(store)?;
    let competitors = demo_fleet::competitors(store)?;
    // Numbering goes on after the customers already there, so that a second demo set added
    // to a demo database has VAT ids of its own. A resumed load counts from where it began.
    let mut resumed = 0;
    if let Some(key) = key {
        for batch in 0..count.div_ceil(BATCH) {
            match store.operation(&format!("{key}/{batch}/customers"))? {
                Some(op) => resumed += op.result.as_array().map_or(0, Vec::len),
                None => break,
            }
        }
    }
    let start = store.count_customers()? as usize - resumed;
    let open = open_per_million(start + count, staff.sellers.len());
    let process = store.stage_settings()?;
    // The price list offers are made from, imported as the office's manager (an office
    // without one gets no demo offers).
    let manager = store.users()?.into_iter().find(|u| u.data.active && u.data.role == crate::user::UserRole::Manager);
    if let Some(m) = &manager {
        let list = crate::demo_offers::price_list(today);
        step(store, key, "prices", |s| s.import_price_list(Some(m.id), list).map(|_| Vec::new()))?;
        if store.letterhead()?.company_name.is_empty() {
            store.save_letterhead(Some(m.id), crate::demo_offers::letterhead())?;
        }
    }
    let price_items = store.price_items(&crate::offer::PriceQuery::default())?;
    let mut rng = Rng(seed);
    let mut done = 0;
    while done < count {
        let first = start + done;
        let n = BATCH.min(count - done);
        let mut cards = Vec::with_capacity(n);
        let mut histories = Vec::with_capacity(n);
        for i in first..first + n {
            let mut card = customer(i, &mut rng);
            let h = history(i, &card, &staff, seed, today, open);
            card.owner_id = h.owner;
            card.assistant_ids = h.assistant.into_iter().collect();
            cards.push(card);
            histories.push(h);
        }
        let countries: Vec<String> = cards.iter().map(|c| c.country.clone()).collect();
        let currencies: Vec<String> = cards.iter().map(|c| c.turnover_currency.clone()).collect();
        let sources: Vec<String> = cards.iter().map(|c| c.lead_source.clone()).collect();
        let owners: Vec<Option<i64>> = histories.iter().map(|h| h.owner).collect();
        let mains: Vec<usize> =
            histories.iter().map(|h| h.people.iter().position(|p| p.is_main).unwrap_or(0)).collect();
        let fleet_cards = cards.clone();
        let batch = done / BATCH;
        let (customer_ids, added) =
            step(store, key, &format!("{batch}/customers"), |s| s.create_customers_bulk(cards))?;

        let mut people = Vec::new();
        let mut people_of = Vec::with_capacity(n);
        for (h, &cid) in histories.iter_mut().zip(&customer_ids) {
            people_of.push(h.people.len());
            people.extend(std::mem::take(&mut h.people).into_iter().map(|p| (cid, p)));
        }
        let (person_ids, people_added) =
            step(store, key, &format!("{batch}/people"), |s| s.create_people_bulk(people))?;

        let mut contacts = Vec::new();
        let mut theirs = &person_ids[..];
        let mut main_people = Vec::with_capacity(n);
        for (((h, &cid), &k), &main) in histories.into_iter().zip(&customer_ids).zip(&people_of).zip(&mains) {
            main_people.push(theirs.get(main).copied());
            for mut planned in h.contacts {
                planned.data.person_ids = planned.people.iter().map(|&p| theirs[p]).collect();
                contacts.push((cid, planned.data, planned.by));
            }
            theirs = &theirs[k..];
        }
        let materials: Vec<_> = (first..first + n)
            .zip(&customer_ids)
            .flat_map(|(i, &cid)| materials(i, &countries[i - first], seed, today).into_iter().map(move |m| (cid, m)))
            .collect();
        let (material_ids, materials_added) =
            step(store, key, &format!("{batch}/materials"), |s| s.add_materials_bulk(materials))?;
        report.materials += if materials_added { material_ids.len() } else { 0 };

        let (mut lines, mut noted, mut seen, mut vehicles) = (Vec::new(), Vec::new(), Vec::new(), 0);
        for (k, (card, &cid)) in fleet_cards.iter().zip(&customer_ids).enumerate() {
            let fleet = demo_fleet::fleet(first + k, card, seed, today);
            let (by_hand, prices) = demo_fleet::sightings(first + k, card, &fleet, &competitors, seed, today);
            vehicles += fleet.iter().map(|l| l.vehicles).sum::<i64>();
            lines.extend(fleet.into_iter().map(|l| (cid, l)));
            noted.extend(by_hand.into_iter().map(|k| (cid, k)));
            seen.extend(prices.into_iter().map(|p| (cid, p)));
        }
        let (line_ids, lines_added) = step(store, key, &format!("{batch}/fleet"), |s| s.create_fleet_bulk(lines))?;
        if lines_added {
            report.fleet_lines += line_ids.len();
            report.vehicles += vehicles;
        }
        step(store, key, &format!("{batch}/competitors"), |s| s.note_competitors_bulk(noted).map(|()| Vec::new()))?;
        let (seen_ids, seen_added) =
            step(store, key, &format!("{batch}/sightings"), |s| s.create_sightings_bulk(seen))?;
        report.sightings += if seen_added { seen_ids.len() } else { 0 };
        // About one deal per customer, across every stage, with its history.
        let deals: Vec<_> = (first..first + n)
            .map(|i| {
                let k = i - first;
                let (data, state, moves) =
                    demo_funnel::deal(i, seed, &process, owners[k], &currencies[k], main_people[k], today);
                (customer_ids[k], data, state, moves)
            })
            .collect();
        let started: Vec<NaiveDate> =
            deals.iter().map(|d| d.3.first().and_then(|m| day_of(&m.moved_at)).unwrap_or(today)).collect();
        let deal_parts: Vec<_> = deals.iter().map(|d| (d.1.clone(), d.2.clone())).collect();
        let (deal_ids, deals_added) = step(store, key, &format!("{batch}/deals"), |s| s.create_deals_bulk(deals))?;
        report.deals += if deals_added { deal_ids.len() } else { 0 };
        let offers: Vec<_> = (first..first + n)
            .filter_map(|i| {
                let k = i - first;
                let country = &countries[k];
                let deal = &deal_parts[k];
                crate::demo_offers::offer(
                    i,
                    seed,
                    customer_ids[k],
                    deal_ids[k],
                    country,
                    deal,
                    &process,
                    &price_items,
                    today,
                )
            })
            .collect();
        let (offer_ids, offers_added) = step(store, key, &format!("{batch}/offers"), |s| s.create_offers_bulk(offers))?;
        report.offers += if offers_added { offer_ids.len() } else { 0 };
        // The contacts after the deals and fleets: each is counted with a new or an existing
        // customer as its customer stood on the contact's day.
        let (contact_ids, contacts_added) =
            step(store, key, &format!("{batch}/contacts"), |s| s.log_contacts_bulk(contacts))?;
        report.contacts += if contacts_added { contact_ids.len() } else { 0 };
        let leads: Vec<_> = (first..first + n)
            .filter_map(|i| {
                let k = i - first;
                demo_funnel::lead(
                    i,
                    seed,
                    customer_ids[k],
                    &sources[k],
                    owners[k],
                    Some((deal_ids[k], started[k])),
                    today,
                )
            })
            .collect();
        let (lead_ids, leads_added) = step(store, key, &format!("{batch}/leads"), |s| s.create_leads_bulk(leads))?;
        report.leads += if leads_added { lead_ids.len() } else { 0 };
        report.people += if people_added { person_ids.len() } else { 0 };
        report.customers += if added { n } else { 0 };
        done += n;
        progress(done, count);
    }
    // The pyramid as it stood at the end of last year (once, for a new office) and as it stands
    // today: tiers on the cards, and customers that moved tier since.
    let settings = store.pyramid_settings()?;
    let rank = |store: &mut Store, day: NaiveDate| -> Result<()> {
        let run = |s: &mut Store| s.rank_at(settings.clone(), day, false).map(|_| ());
        match key {
            Some(key) => store.once(&format!("{key}/rank/{day}"), run).map(|_| ()),
            None => run(store),
        }
    };
    if !store.has_ranking()? {
        rank(store, NaiveDate::from_ymd_opt(today.year() - 1, 12, 31).expect("a day"))?;
    }
    rank(store, today)?;
    // The forecasts as they stood at the last six month ends, so accuracy has a past.
    let mut month_end = crate::funnel::previous_month_end(today);
    for _ in 0..6 {
        report.snapshots += store.take_forecast_snapshot(month_end)?;
        month_end = crate::funnel::previous_month_end(month_end);
    }
    Ok(report)
}

/// The office's active salespeople and assistants; a new office when there are no users
/// (or when a keyed load that began the office is resumed).
fn staff(store: &mut Store, key: Option<&str>, report: &mut DemoReport) -> Result<Staff> {
    let mut users = store.users()?;
    let resuming = match key {
        Some(key) => store.operation(&format!("{key}/users/0"))?.is_some(),
        None => false,
    };
    if users.is_empty() || resuming {
        for (i, &(name, initials, role)) in OFFICE.iter().enumerate() {
            let data = UserData { name: name.into(), initials: initials.into(), role, active: true };
            let (_, added) = step(store, key, &format!("users/{i}"), |s| Ok(vec![s.create_user(data)?.id]))?;
            report.users += usize::from(added);
        }
        users = store.users()?;
    }
    // By id, not by name: the round-robin of owners must not depend on how names sort.
    users.sort_by_key(|u| u.id);
    let active = |role: UserRole| -> Vec<i64> {
        users.iter().filter(|u| u.data.active && u.data.role == role).map(|u| u.id).collect()
    };
    let mut sellers = active(UserRole::Salesperson);
    if sellers.is_empty() {
        sellers = active(UserRole::Manager);
    }
    Ok(Staff { sellers, assistants: active(UserRole::Assistant) })
}

/// A day given as `YYYY-MM-DD`, or the workstation's local today for `None`: the `--today`
/// of `parc-cli`.
pub fn day_or_today(text: Option<&str>) -> Result<NaiveDate> {
    match text {
        None => Ok(chrono::Local::now().date_naive()),
        Some(t) => {
            NaiveDate::parse_from_str(t.trim(), DATE_FORMAT).map_err(|_| Error::invalid("today", "validation.date"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::HistoryFilter;
    use crate::person::DECISION_ROLES;
    use crate::storage::CustomerQuery;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE_FORMAT).unwrap()
    }

    #[test]
    fn is_reproducible_and_valid() {
        let a = customers(300, 7);
        assert_eq!(a, customers(300, 7));
        assert_ne!(a, customers(300, 8));
        for c in &a {
            c.clone().validated().unwrap_or_else(|e| panic!("{} invalid: {e}", c.name));
        }
    }

    #[test]
    fn every_city_appears_from_100_customers() {
        let set = customers(100, 1);
        for city in CITIES {
            assert!(set.iter().any(|c| c.city == city.name), "{} missing", city.name);
        }
        for must in ["Łódź", "Kraków", "Šiauliai", "Milano", "上海"] {
            assert!(set.iter().any(|c| c.city == must));
        }
    }

    #[test]
    fn vat_ids_are_unique_at_scale() {
        let set = customers(20_000, 3);
        let mut ids: Vec<_> = set.iter().map(|c| (c.country.clone(), c.vat_id.clone())).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), set.len());
    }

    /// One customer as a load wrote it: its card, people and contacts (newest first).
    type Written = (CustomerData, Vec<PersonData>, Vec<ContactData>);

    /// Everything a load wrote, without the save stamps: the users, then every customer.
    fn snapshot(store: &mut Store) -> (Vec<UserData>, Vec<Written>) {
        let users = store.users().unwrap().into_iter().map(|u| u.data).collect();
        let all = CustomerQuery { limit: 1000, include_archived: true, ..Default::default() };
        let mut ids: Vec<i64> = store.search_customers(&all).unwrap().iter().map(|c| c.id).collect();
        ids.sort_unstable();
        let everything = HistoryFilter { limit: Some(1000), ..Default::default() };
        let customers = ids
            .into_iter()
            .map(|id| {
                let card = store.customer(id).unwrap().data;
                let people = store.people(id).unwrap().into_iter().map(|p| p.data).collect();
                let contacts = store.contact_history(id, &everything).unwrap().into_iter().map(|k| k.data).collect();
                (card, people, contacts)
            })
            .collect();
        (users, customers)
    }

    #[test]
    fn the_same_count_seed_and_day_give_the_same_office_people_and_history() {
        let today = day("2026-11-23");
        let mut a = Store::open_in_memory().unwrap();
        let mut b = Store::open_in_memory().unwrap();
        let ra = load_office(&mut a, 120, 5, today, |_, _| {}).unwrap();
        let rb = load_office(&mut b, 120, 5, today, |_, _| {}).unwrap();
        assert_eq!(ra, rb);
        assert_eq!((ra.users, ra.customers), (OFFICE.len(), 120));
        let snap = snapshot(&mut a);
        assert_eq!(snap, snapshot(&mut b));
        // The cards are those of `customers`, with their owners.
        let mut names: Vec<_> = snap.1.iter().map(|(c, _, _)| c.name.clone()).collect();
        let mut expected: Vec<_> = customers(120, 5).into_iter().map(|c| c.name).collect();
        names.sort();
        expected.sort();
        assert_eq!(names, expected);
        assert!(snap.1.iter().all(|(c, _, _)| c.owner_id.is_some()));

        let mut c = Store::open_in_memory().unwrap();
        load(&mut c, 120, 5, day("2026-12-01"), |_, _| {}).unwrap();
        assert_ne!(snapshot(&mut c).1, snap.1, "another day moves the history");
        let mut d = Store::open_in_memory().unwrap();
        load(&mut d, 120, 6, today, |_, _| {}).unwrap();
        assert_ne!(snapshot(&mut d).1, snap.1, "another seed is another history");
    }

    #[test]
    fn customers_have_about_ten_contacts_and_one_main_contact_each() {
        let today = day("2026-11-23");
        for (kind, mut store) in crate::testing::stores() {
            let report = load_office(&mut store, 400, 3, today, |_, _| {}).unwrap();
            let per_customer = report.contacts as f64 / report.customers as f64;
            assert!((9.0..=11.0).contains(&per_customer), "{kind}: {per_customer} contacts per customer");
            let counts = store.check().unwrap().counts;
            assert_eq!(counts["contact"] as usize, report.contacts, "{kind}");
            assert_eq!(counts["person"] as usize, report.people, "{kind}");
            assert_eq!(counts["app_user"] as usize, OFFICE.len(), "{kind}");

            let (_, snap) = snapshot(&mut store);
            assert_eq!(snap.len(), 400);
            let (mut people, mut gone, mut open) = (0, 0, 0);
            let oldest = (today - Days::new(3 * 365 + 3)).format(DATE_FORMAT).to_string();
            let now = today.format(DATE_FORMAT).to_string();
            for (card, persons, contacts) in &snap {
                assert_eq!(persons.iter().filter(|p| p.is_main).count(), 1, "{kind}: {}", card.name);
                assert!(persons.iter().all(|p| p.is_main <= p.active), "the main contact works there");
                assert!((2..=4).contains(&persons.len()));
                assert!((3..=17).contains(&contacts.len()));
                people += persons.len();
                gone += persons.iter().filter(|p| !p.active).count();
                for p in persons {
                    p.clone().validated().unwrap();
                    assert!(DECISION_ROLES.contains(&p.decision_role.as_str()));
                }
                // Newest first: only the latest may leave an open action, due around today.
                assert!(contacts[1..].iter().all(|k| k.next_due.is_none()));
                if let Some(due) = &contacts[0].next_due {
                    open += 1;
                    let due = day(due);
                    assert!(due >= today - Days::new(20) && due <= today + Days::new(30), "{due}");
                    assert_eq!(contacts[0].next_user_id, card.owner_id);
                }
                for k in contacts {
                    assert!(k.happened_at.as_str() > oldest.as_str() && k.happened_at.as_str() < now.as_str());
                    assert!(!k.person_ids.is_empty() && !k.agreed.is_empty());
                    let users = [card.owner_id, card.assistant_ids.first().copied()];
                    assert!(users.contains(&k.user_id), "made by the owner or the assistant");
                }
            }
            let gone = gone as f64 / people as f64;
            assert!((0.02..=0.09).contains(&gone), "{kind}: {gone} of the people left");
            let open = open as f64 / snap.len() as f64;
            assert!((0.78..=0.92).contains(&open), "{kind}: {open} of the customers have an open action");
        }
    }

    #[test]
    fn a_salesperson_has_an_agenda_and_customers_going_cold() {
        let today = day("2026-11-23");
        for (kind, mut store) in crate::testing::stores() {
            load(&mut store, 300, 1, today, |_, _| {}).unwrap();
            let users = store.users().unwrap();
            let seller = users.iter().find(|u| u.data.role == UserRole::Salesperson).unwrap();
            let agenda = store.agenda(Some(seller.id), today).unwrap();
            assert!(!agenda.overdue.is_empty(), "{kind}: nothing overdue");
            assert!(!agenda.upcoming.is_empty(), "{kind}: nothing this week");
            assert!(!agenda.visits.is_empty(), "{kind}: no visits planned");
            assert!(!agenda.materials.is_empty(), "{kind}: no materials to send");
            let per_customer = store.check().unwrap().counts["customer_material"] as f64 / 300.0;
            assert!((0.15..=0.4).contains(&per_customer), "{kind}: {per_customer} materials per customer");
            let cold = store.going_cold(Some(seller.id), 60, today, 100).unwrap();
            assert!(!cold.is_empty(), "{kind}: nobody going cold");
            for u in users.iter().filter(|u| u.data.role != UserRole::Salesperson) {
                let mine = CustomerQuery { owner_id: Some(u.id), ..Default::default() };
                assert!(store.search_customers(&mine).unwrap().is_empty(), "only salespeople own customers");
            }
        }
    }

    #[test]
    fn large_sets_keep_each_agenda_to_what_one_salesperson_can_do() {
        assert_eq!(open_per_million(400, 6), 850_000);
        assert_eq!(open_per_million(2_800, 6), 850_000);
        let open = |customers: usize| customers as u64 * open_per_million(customers, 6) / 1_000_000;
        for customers in [10_000, 100_000, 1_000_000] {
            let per_seller = open(customers) / 6;
            assert!((390..=400).contains(&per_seller), "{customers}: {per_seller} open actions each");
        }
        assert_eq!(open_per_million(0, 0), 850_000);
    }

    #[test]
    fn an_existing_office_is_reused_and_a_second_set_adds_to_the_first() {
        let today = day("2026-11-23");
        let mut store = Store::open_in_memory().unwrap();
        let anna =
            store.create_user(UserData { name: "Anna Nowak".into(), active: true, ..Default::default() }).unwrap();
        let report = load_office(&mut store, 60, 1, today, |_, _| {}).unwrap();
        assert_eq!(report.users, 0);
        assert_eq!(store.users().unwrap().len(), 1);
        let mine = CustomerQuery { owner_id: Some(anna.id), limit: 1000, ..Default::default() };
        assert_eq!(store.search_customers(&mine).unwrap().len(), 60);
        // Another seed on top: new VAT ids, and its people and contacts find their customers.
        let more = load_office(&mut store, 60, 2, today, |_, _| {}).unwrap();
        assert_eq!(more.customers, 60);
        assert_eq!(store.count_customers().unwrap(), 120);
        assert_eq!(store.check().unwrap().counts["person"] as usize, report.people + more.people);
    }

    #[test]
    fn a_keyed_demo_load_resumes_after_an_interruption_and_adds_nothing_twice() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut whole = Store::open_in_memory().unwrap();
        load_once(&mut whole, "demo-1", 2500, 3, today, |_, _| {}).unwrap();
        let mut cut = Store::open_in_memory().unwrap();
        let interrupted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            load_once(&mut cut, "demo-1", 2500, 3, today, |done, _| assert!(done < 2000, "power cut"))
        }));
        assert!(interrupted.is_err());
        assert_eq!(cut.count_customers().unwrap(), 2000);
        let resumed = load_once(&mut cut, "demo-1", 2500, 3, today, |_, _| {}).unwrap();
        assert_eq!((resumed.users, resumed.customers), (0, 500));
        let counts = |s: &mut Store| {
            let mut c = s.check().unwrap().counts;
            c.remove("change_log");
            c.remove("operation");
            c
        };
        assert_eq!(counts(&mut cut), counts(&mut whole));
        let cards = |s: &mut Store| -> Vec<(String, String)> {
            s.all_customers().unwrap().into_iter().map(|c| (c.data.name, c.data.vat_id)).collect()
        };
        assert_eq!(cards(&mut cut), cards(&mut whole));
        assert_eq!(load_once(&mut cut, "demo-1", 2500, 3, today, |_, _| {}).unwrap(), DemoReport::default());
        assert_eq!(counts(&mut cut), counts(&mut whole));
    }

    #[test]
    fn about_one_deal_per_customer_in_every_stage_with_histories_leads_and_past_forecasts() {
        let mut store = Store::open_in_memory().unwrap();
        let today = day("2026-11-23");
        let r = load_office(&mut store, 400, 3, today, |_, _| {}).unwrap();
        assert_eq!(r.deals, 400);
        assert!((70..=170).contains(&r.leads), "{} leads", r.leads);
        let eur = crate::funnel::FunnelQuery { currency: Some("EUR".into()), ..Default::default() };
        let f = store.funnel(&eur, today).unwrap();
        for s in &f.stages {
            assert!(s.now.deals > 0, "nobody in stage {}", s.stage_id);
            if s.kind == crate::deal::StageKind::Open {
                assert!(s.avg_days.is_some() && s.conversion.is_some(), "stage {}", s.stage_id);
            }
        }
        assert!(f.stalled > 0 && f.win_rate.is_some());
        assert!(f.forecast.months[0].pipeline.deals > 0 && f.forecast.months[0].commit.deals > 0);
        let acc = store.forecast_accuracy(None, Some("EUR".into()), 6, today).unwrap();
        assert!(acc.iter().all(|a| a.pipeline.deals > 0), "{acc:?}");
        assert!(acc.iter().any(|a| a.won.deals > 0));
        let leads = store.lead_funnel(&crate::funnel::FunnelQuery::default()).unwrap();
        assert!(leads.iter().any(|l| l.qualified > 0 && l.won > 0 && l.disqualified > 0));
        let a_seller = store.users().unwrap().into_iter().find(|u| u.data.role == UserRole::Salesperson).unwrap();
        assert!(!store.agenda(None, today).unwrap().revisits.is_empty());
        assert!(!store
            .deals(&crate::deal::DealQuery { owner_id: Some(a_seller.id), ..Default::default() }, today)
            .unwrap()
            .is_empty());
    }
}
