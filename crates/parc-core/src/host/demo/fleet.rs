//! The demo dealership's fleets and competitors (part of [`crate::host::demo`]): 0 to 200 vehicles
//! per customer with a realistic brand mix (European brands, Chinese ones for Chinese
//! customers), VINs with their check digit, plates as each country writes them, mileage,
//! leases, inspections; the competitors' records, some noted on customers by hand, and
//! prices seen. The demo office sells MAN, like the trucks in its contact history. Each
//! customer's fleet comes from its own random stream, so adding fleets changed nothing else.

use chrono::{Datelike, Days, NaiveDate};

use super::rng::Rng;
use crate::customer::CustomerData;
use crate::fleet::competitor::{CompetitorData, SightingData};
use crate::fleet::{vin_check_digit, FleetLineData};
use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::Result;
use crate::storage::Store;

/// This part's own random stream (see [`Rng::stream`]).
const STREAM: [u64; 3] = [0x9FB2_1C65_1E98_DF25, 0xC2B2_AE3D_27D4_EB4F, 0];

/// The brand the demo office sells.
pub const OUR_BRAND: &str = "MAN";

/// A brand's models per category, its VIN maker code and gross weights by category.
struct Make {
    brand: &'static str,
    wmi: &'static str,
    models: &'static [(&'static str, &'static [&'static str])],
}

const MAKES: &[Make] = &[
    Make {
        brand: "MAN",
        wmi: "WMA",
        models: &[
            ("tractor", &["TGX 18.470", "TGX 18.510", "TGS 18.440"]),
            ("rigid", &["TGL 12.250", "TGM 18.320", "TGS 26.440"]),
            ("tipper", &["TGS 33.430", "TGS 35.480"]),
            ("van", &["TGE 3.180", "TGE 5.180"]),
            ("bus", &["Lion's City 12", "Lion's Coach"]),
        ],
    },
    Make {
        brand: "Renault Trucks",
        wmi: "VF6",
        models: &[
            ("tractor", &["T 480", "T High 520"]),
            ("rigid", &["D Wide 280", "C 430"]),
            ("tipper", &["C 8x4 460", "K 480"]),
            ("van", &["Master"]),
        ],
    },
    Make {
        brand: "Volvo",
        wmi: "YV2",
        models: &[
            ("tractor", &["FH 500", "FH 460", "FH16 650"]),
            ("rigid", &["FM 420", "FE 280", "FL 250"]),
            ("tipper", &["FMX 460"]),
            ("bus", &["9700"]),
        ],
    },
    Make {
        brand: "Scania",
        wmi: "YS2",
        models: &[
            ("tractor", &["R 450", "S 500", "R 500"]),
            ("rigid", &["P 280", "G 410"]),
            ("tipper", &["G 450 XT"]),
            ("bus", &["Touring HD"]),
        ],
    },
    Make {
        brand: "DAF",
        wmi: "XLR",
        models: &[("tractor", &["XF 480", "XG 530"]), ("rigid", &["LF 230", "CF 340"]), ("tipper", &["CF 450 FAT"])],
    },
    Make {
        brand: "Mercedes-Benz",
        wmi: "WDB",
        models: &[
            ("tractor", &["Actros 1845", "Actros 1851"]),
            ("rigid", &["Atego 1224", "Antos 2543"]),
            ("tipper", &["Arocs 3245"]),
            ("van", &["Sprinter 316", "Sprinter 519"]),
            ("bus", &["Citaro", "Tourismo"]),
        ],
    },
    Make {
        brand: "Iveco",
        wmi: "ZCF",
        models: &[
            ("tractor", &["S-Way 490", "S-Way 530"]),
            ("rigid", &["Eurocargo 120", "Eurocargo 160"]),
            ("tipper", &["T-Way 410"]),
            ("van", &["Daily 35S16", "Daily 70C18"]),
            ("bus", &["Crossway"]),
        ],
    },
    Make {
        brand: "Sinotruk",
        wmi: "LZZ",
        models: &[
            ("tractor", &["HOWO TX 440", "Sitrak C7H 540"]),
            ("rigid", &["HOWO T5G"]),
            ("tipper", &["HOWO 8x4 tipper"]),
        ],
    },
    Make {
        brand: "FAW",
        wmi: "LFW",
        models: &[
            ("tractor", &["Jiefang J6P 460", "Jiefang JH6"]),
            ("rigid", &["Jiefang J6L"]),
            ("tipper", &["J6P 8x4"]),
        ],
    },
    Make {
        brand: "Dongfeng",
        wmi: "LGA",
        models: &[("tractor", &["KL 465", "Tianlong KL"]), ("rigid", &["Tianjin KR"]), ("van", &["Captain T"])],
    },
    Make {
        brand: "Foton",
        wmi: "LVB",
        models: &[("tractor", &["Auman EST 560"]), ("rigid", &["Aumark S"]), ("van", &["Toano"])],
    },
    Make {
        brand: "Shacman",
        wmi: "LZG",
        models: &[("tractor", &["X3000 480"]), ("rigid", &["F3000"]), ("tipper", &["X3000 8x4"])],
    },
];

/// Shares of the brands among European and among Chinese customers' vehicles.
const EUROPE_MIX: &[(&str, u64)] = &[
    ("MAN", 22),
    ("Volvo", 17),
    ("Scania", 14),
    ("Renault Trucks", 11),
    ("DAF", 13),
    ("Mercedes-Benz", 14),
    ("Iveco", 9),
];
const CHINA_MIX: &[(&str, u64)] = &[
    ("Sinotruk", 24),
    ("FAW", 20),
    ("Dongfeng", 18),
    ("Shacman", 12),
    ("Foton", 10),
    ("MAN", 8),
    ("Volvo", 4),
    ("Scania", 4),
];

/// The kinds of vehicles a business runs.
fn category_mix(business_type: &str) -> &'static [(&'static str, u64)] {
    match business_type {
        "haulier" | "logistics" => &[("tractor", 70), ("rigid", 20), ("van", 10)],
        "construction" | "waste" => &[("tipper", 55), ("rigid", 30), ("tractor", 10), ("van", 5)],
        "distribution" | "retail" => &[("rigid", 50), ("van", 35), ("tractor", 15)],
        "bus_operator" => &[("bus", 85), ("van", 15)],
        _ => &[("rigid", 35), ("van", 30), ("tractor", 25), ("tipper", 10)],
    }
}

fn weight_kg(category: &str, rng: &mut Rng) -> i64 {
    match category {
        "tractor" => 18_000 + 500 * rng.below(4) as i64,
        "rigid" => rng.pick(&[7_490, 11_990, 15_000, 18_000, 26_000]),
        "tipper" => rng.pick(&[26_000, 32_000, 41_000]),
        "van" => rng.pick(&[3_500, 3_500, 5_000, 7_000]),
        "bus" => rng.pick(&[18_000, 19_500]),
        _ => 12_000,
    }
}

fn km_per_year(category: &str, rng: &mut Rng) -> i64 {
    let (base, spread) = match category {
        "tractor" => (100_000, 50_000),
        "rigid" => (45_000, 35_000),
        "tipper" => (35_000, 25_000),
        "van" => (22_000, 20_000),
        "bus" => (60_000, 40_000),
        _ => (30_000, 20_000),
    };
    base + rng.below(spread) as i64
}

/// Model year code, position 10 of a VIN.
fn year_code(year: i32) -> char {
    const CODES: &[u8] = b"ABCDEFGHJKLMNPRSTVWXY";
    match year {
        2010..=2030 => char::from(CODES[(year - 2010) as usize]),
        2001..=2009 => char::from(b'0' + (year - 2000) as u8),
        _ => 'A',
    }
}

/// A VIN with a valid check digit, unique per (customer, line).
fn vin(make: &Make, year: i32, customer: usize, line: usize, rng: &mut Rng) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    let vds: String = (0..5).map(|_| char::from(CHARS[rng.below(CHARS.len() as u64) as usize])).collect();
    let serial = format!("{:07}", (customer * 211 + line) % 10_000_000);
    let draft = format!("{}{}0{}{}", make.wmi, vds, year_code(year), serial);
    let digit = vin_check_digit(&draft).unwrap_or('0');
    format!("{}{}{}", &draft[..8], digit, &draft[9..])
}

fn plate(c: &CustomerData, rng: &mut Rng) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTVWXYZ";
    let mut letter = || char::from(LETTERS[rng.below(LETTERS.len() as u64) as usize]);
    let (l1, l2, l3, l4) = (letter(), letter(), letter(), letter());
    let n = rng.below(100_000);
    match c.country.as_str() {
        "IT" => format!("{l1}{l2} {:03} {l3}{l4}", n % 1000),
        "PL" => {
            let prefix = match c.city.as_str() {
                "Łódź" => "EL",
                "Kraków" => "KR",
                "Warszawa" => "WA",
                "Gdańsk" => "GD",
                "Wrocław" => "DW",
                "Poznań" => "PO",
                "Białystok" => "BI",
                _ => "SB",
            };
            format!("{prefix} {n:05}")
        }
        "LT" => format!("{l1}{l2}{l3} {:03}", n % 1000),
        _ => {
            let province = match c.city.as_str() {
                "上海" => '沪',
                "北京" => '京',
                "广州" | "深圳" => '粤',
                "成都" => '川',
                _ => '渝',
            };
            format!("{province}{l1}·{n:05}")
        }
    }
}

fn leasing_company(country: &str, rng: &mut Rng) -> &'static str {
    match country {
        "IT" => rng.pick(&["Leasys", "UniCredit Leasing", "BCC Lease"]),
        "PL" => rng.pick(&["PKO Leasing", "mLeasing", "Santander Leasing"]),
        "LT" => rng.pick(&["SEB lizingas", "Swedbank lizingas", "Luminor lizingas"]),
        _ => rng.pick(&["平安租赁", "远东宏信", "狮桥融资租赁"]),
    }
}

/// How many vehicles a customer runs: none known for some, a few for most, up to 200.
fn fleet_size(rng: &mut Rng) -> i64 {
    let (from, span) =
        rng.weighted(&[((0, 1), 10), ((1, 5), 30), ((6, 10), 28), ((16, 25), 18), ((41, 60), 9), ((101, 100), 5)]);
    from + rng.below(span) as i64
}

/// The fleet of demo customer number `i`.
pub(crate) fn fleet(i: usize, c: &CustomerData, seed: u64, today: NaiveDate) -> Vec<FleetLineData> {
    let mut rng = Rng::stream(seed, i, STREAM);
    let mut left = fleet_size(&mut rng);
    let mix = if c.country == "CN" { CHINA_MIX } else { EUROPE_MIX };
    let categories = category_mix(&c.business_type);
    // A customer favours a few brands: each line draws its brand from them most of the time.
    let favourites: Vec<&str> = (0..3).map(|_| rng.weighted(mix)).collect();
    let mut lines = Vec::new();
    while left > 0 {
        let brand = if rng.chance(75) { rng.pick(&favourites) } else { rng.weighted(mix) };
        let make = MAKES.iter().find(|m| m.brand == brand).expect("every brand of the mix has models");
        let wanted = rng.weighted(categories);
        let (category, models) =
            make.models.iter().find(|(c, _)| *c == wanted).copied().unwrap_or_else(|| rng.pick(make.models));
        let age = (rng.below(8) + rng.below(8)) as i32;
        let year = today.year() - age;
        let single = left == 1 || rng.chance(35);
        let vehicles = if single { 1 } else { 2 + rng.below((left / 5).clamp(1, 30) as u64) as i64 }.min(left);
        left -= vehicles;
        let mut line = FleetLineData {
            brand: brand.to_string(),
            model: rng.pick(models).to_string(),
            category: category.to_string(),
            vehicles,
            first_registered: Some(year),
            ownership: rng.weighted(&[("owned", 60), ("leased", 30), ("rented", 10)]).to_string(),
            ..Default::default()
        };
        if rng.chance(70) {
            line.gross_weight_kg = Some(weight_kg(category, &mut rng));
        }
        if single {
            line.vin = vin(make, year, i, lines.len(), &mut rng);
            line.plate = plate(c, &mut rng);
        }
        if rng.chance(70) {
            let read = today - Days::new(rng.below(200));
            let years = (read - NaiveDate::from_ymd_opt(year, 7, 1).unwrap_or(read)).num_days().max(0) as f64 / 365.0;
            line.mileage_km = Some((years * km_per_year(category, &mut rng) as f64) as i64);
            line.mileage_read_on = Some(read.format(DATE_FORMAT).to_string());
        }
        line.supplier = if line.ownership == "owned" {
            format!("{brand} {}", c.city)
        } else {
            leasing_company(&c.country, &mut rng).to_string()
        };
        // Leases end on a known day: the salesperson noted it as the renewal.
        if line.ownership != "owned" && rng.chance(60) {
            line.renewal_manual = true;
            let end = today + Days::new(rng.below(4 * 365)) - Days::new(90);
            line.renewal_due = Some(end.format(DATE_FORMAT).to_string());
        }
        if rng.chance(if single { 80 } else { 25 }) {
            let due = today + Days::new(rng.below(365)) - Days::new(20);
            line.inspection_due = Some(due.format(DATE_FORMAT).to_string());
        }
        lines.push(line);
    }
    lines
}

/// The competitors the demo office knows: (brand, dealer, contact, strengths, weaknesses).
const COMPETITORS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Volvo",
        "Volvo Truck Center",
        "Sales desk, +39 02 5550 1200",
        "Strong brand, safety, resale value",
        "Expensive service contracts",
    ),
    ("Scania", "Scania Service Point", "Fleet sales team", "Fuel economy, driver loyalty", "Long delivery times"),
    ("DAF", "DAF dealer network", "Area manager", "Low price, PACCAR financing", "Thin workshop network in the south"),
    (
        "Mercedes-Benz",
        "Mercedes-Benz Trucks dealer",
        "Key account",
        "Vans and trucks from one dealer",
        "Rigid on discounts",
    ),
    ("Iveco", "Iveco dealer", "Sales desk", "Daily vans, gas (LNG/CNG) trucks", "Weaker resale value"),
    (
        "Renault Trucks",
        "Renault Trucks dealer",
        "Sales desk",
        "Aggressive on tractor prices",
        "Few workshops for Chinese customers",
    ),
    (
        "Sinotruk",
        "HOWO / Sitrak dealer",
        "Regional office",
        "Lowest purchase price",
        "Spare parts lead times in Europe",
    ),
    ("FAW", "FAW Jiefang dealer", "Regional office", "Market leader in China", "Little service outside China"),
    ("Dongfeng", "Dongfeng dealer", "Regional office", "Wide range, cheap", "Fuel consumption"),
    ("Shacman", "Shacman dealer", "Regional office", "Tough tippers", "Comfort, cabins"),
    ("Foton", "Foton dealer", "Regional office", "Light trucks and vans", "Heavy range"),
    ("", "Used trucks broker", "Phone only", "Fast deals, takes trade-ins", "No warranty"),
];

/// Saves the competitor records when the office has none; returns (brand, id) of every record.
pub(crate) fn competitors(store: &mut Store) -> Result<Vec<(String, i64)>> {
    let mut have = store.competitors()?;
    if have.is_empty() {
        for &(brand, dealer, contact, strengths, weaknesses) in COMPETITORS {
            store.create_competitor(CompetitorData {
                brand: brand.into(),
                dealer: dealer.into(),
                contact: contact.into(),
                strengths: strengths.into(),
                weaknesses: weaknesses.into(),
                notes: String::new(),
            })?;
        }
        have = store.competitors()?;
    }
    Ok(have.into_iter().map(|c| (c.data.brand, c.id)).collect())
}

/// Marks MAN as the office's brand, once: an office that chose already keeps its choice.
pub(crate) fn settings(store: &mut Store) -> Result<()> {
    let mut s = store.fleet_settings()?;
    if s.version == 0 {
        for b in &mut s.brands {
            b.ours = b.name == OUR_BRAND;
        }
        store.save_fleet_settings(s)?;
    }
    Ok(())
}

/// Competitors noted by hand on customer `i` and the prices seen there, from its fleet.
pub(crate) fn sightings(
    i: usize,
    c: &CustomerData,
    fleet: &[FleetLineData],
    records: &[(String, i64)],
    seed: u64,
    today: NaiveDate,
) -> (Vec<i64>, Vec<SightingData>) {
    let mut rng = Rng::stream(seed ^ 0x5EED, i, STREAM);
    let mut noted = Vec::new();
    if rng.chance(5) {
        noted.push(records[rng.below(records.len() as u64) as usize].1);
    }
    let theirs: Vec<&FleetLineData> = fleet.iter().filter(|l| l.brand != OUR_BRAND).collect();
    let mut seen = Vec::new();
    if !theirs.is_empty() && rng.chance(12) {
        for _ in 0..1 + rng.below(2) {
            let l = rng.pick(&theirs);
            let euros: i64 = match l.category.as_str() {
                "tractor" => 92_000 + rng.below(25_000) as i64,
                "rigid" => 55_000 + rng.below(35_000) as i64,
                "tipper" => 115_000 + rng.below(40_000) as i64,
                "van" => 32_000 + rng.below(18_000) as i64,
                "bus" => 210_000 + rng.below(90_000) as i64,
                _ => 60_000,
            };
            let (currency, rate) = match c.country.as_str() {
                "PL" => ("PLN", 430),
                "CN" => ("CNY", 780),
                _ => ("EUR", 100),
            };
            seen.push(SightingData {
                competitor_id: records.iter().find(|(b, _)| *b == l.brand).map(|(_, id)| *id),
                seen_on: (today - Days::new(rng.below(400))).format(DATE_FORMAT).to_string(),
                product: format!("{} {}", l.brand, l.model),
                // Whole hundreds, in minor units.
                price_minor: Some(euros / 100 * rate * 100),
                currency: currency.into(),
                conditions: rng
                    .pick(&[
                        "5% discount, delivery in 12 weeks",
                        "Leasing 48 months, 20% down payment",
                        "3-year service contract included",
                        "Trade-in of two old tractors",
                        "Price valid until end of quarter",
                    ])
                    .into(),
                source: rng
                    .pick(&["Offer seen on the desk", "Told by the fleet manager", "Tender", "Trade fair"])
                    .into(),
            });
        }
    }
    (noted, seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::{check_vin, FleetSettings, VinCheck};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, DATE_FORMAT).unwrap()
    }

    #[test]
    fn demo_fleets_are_valid_reproducible_and_of_realistic_size() {
        let today = day("2026-11-23");
        let cards = crate::host::demo::customers(2000, 3);
        let settings = FleetSettings::default();
        let mut vehicles = 0;
        let mut chinese_brands_in_china = 0;
        for (i, c) in cards.iter().enumerate() {
            let f = fleet(i, c, 3, today);
            assert_eq!(f, fleet(i, c, 3, today));
            let n: i64 = f.iter().map(|l| l.vehicles).sum();
            assert!((0..=200).contains(&n), "{n} vehicles");
            vehicles += n;
            for l in f {
                if !l.vin.is_empty() {
                    assert_eq!(check_vin(&l.vin), VinCheck::Valid, "{}", l.vin);
                }
                if c.country == "CN" && ["Sinotruk", "FAW", "Dongfeng", "Shacman", "Foton"].contains(&l.brand.as_str())
                {
                    chinese_brands_in_china += 1;
                }
                l.clone().validated(&settings, today).unwrap_or_else(|e| panic!("{l:?}: {e}"));
            }
        }
        let per_customer = vehicles / 2000;
        assert!((15..=30).contains(&per_customer), "about 20 vehicles per customer, got {per_customer}");
        assert!(chinese_brands_in_china > 100);
    }

    #[test]
    fn a_demo_office_sells_man_and_has_fleets_competitors_and_renewals_coming() {
        let today = day("2026-11-23");
        let mut store = Store::open_in_memory().unwrap();
        let report = crate::host::demo::load_office(&mut store, 300, 2, today, |_, _| {}).unwrap();
        assert!(report.fleet_lines > 300 && report.vehicles > 3000, "{report:?}");
        assert!(report.sightings > 10, "{report:?}");
        assert_eq!(store.fleet_settings().unwrap().our_brands(), [OUR_BRAND]);
        let m = store.market_share().unwrap();
        assert_eq!(m.total.vehicles, report.vehicles);
        let pct = m.total.vehicle_pct.unwrap();
        assert!((10.0..=30.0).contains(&pct), "MAN holds {pct}%");
        let radar = store.renewal_radar(&Default::default(), today).unwrap();
        assert!(radar.customer_count > 50 && radar.competitor > 0, "{} customers", radar.customer_count);
        assert!(!store.agenda(None, today).unwrap().service.is_empty());
        // A second set reuses the office's competitors and its choice of brand.
        crate::host::demo::load_office(&mut store, 10, 3, today, |_, _| {}).unwrap();
        assert_eq!(store.competitors().unwrap().len(), COMPETITORS.len());
        assert_eq!(store.fleet_settings().unwrap().version, 1);
    }
}
