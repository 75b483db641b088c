//! The demo office's price list (MAN trucks, vans and buses, options, bodywork from
//! suppliers, services and a leasing offer, named in all five languages) and offers for the
//! deals that got far enough to need one: in the customer's language (and about one in six in
//! English, as a foreign group asks), accepted when the deal was won, rejected with the deal's
//! reason and winner when it was lost, sent or still a draft while it is open.

use chrono::{Days, NaiveDate};

use super::rng::Rng;
use crate::funnel::deal::{DealData, DealState, StageKind, StageSettings};
use crate::ground::dates::DATE_FORMAT;
use crate::offer::store::OfferRecord;
use crate::offer::{language_for_country, OfferData, OfferLine, OfferStatus, PriceItem, PriceItemData, TradeIn};

/// This part's own random stream (see [`Rng::stream`]).
const STREAM: [u64; 3] = [0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB, 0x6f66];

type Names = [&'static str; 5];

/// Code, kind, supplier, price in euros, names (en, it, pl, lt, zh), description (same order).
const ITEMS: &[(&str, &str, &str, i64, Names, Names)] = &[
    (
        "TGX-18.510-4X2",
        "model",
        "",
        118_500,
        [
            "MAN TGX 18.510 4x2 BLS tractor unit",
            "Trattore MAN TGX 18.510 4x2 BLS",
            "Ciągnik siodłowy MAN TGX 18.510 4x2 BLS",
            "Vilkikas MAN TGX 18.510 4x2 BLS",
            "曼恩 TGX 18.510 4x2 BLS 牵引车",
        ],
        [
            "510 hp, Euro 6e, GX cab, TipMatic 12-speed gearbox, 1,160 l of tanks",
            "510 CV, Euro 6e, cabina GX, cambio TipMatic a 12 marce, serbatoi da 1.160 l",
            "510 KM, Euro 6e, kabina GX, skrzynia TipMatic 12-biegowa, zbiorniki 1160 l",
            "510 AG, Euro 6e, GX kabina, 12 pavarų TipMatic dėžė, 1 160 l bakai",
            "510 马力，欧 6e，GX 驾驶室，TipMatic 12 挡变速箱，油箱 1160 升",
        ],
    ),
    (
        "TGS-35.470-8X4",
        "model",
        "",
        146_000,
        [
            "MAN TGS 35.470 8x4 tipper chassis",
            "Telaio ribaltabile MAN TGS 35.470 8x4",
            "Podwozie wywrotki MAN TGS 35.470 8x4",
            "Savivarčio važiuoklė MAN TGS 35.470 8x4",
            "曼恩 TGS 35.470 8x4 自卸车底盘",
        ],
        [
            "470 hp, Euro 6e, hub reduction axles, hydraulic tipping pump",
            "470 CV, Euro 6e, assali con riduttori nei mozzi, pompa idraulica",
            "470 KM, Euro 6e, osie z reduktorami w piastach, pompa hydrauliczna",
            "470 AG, Euro 6e, tiltai su stebulių reduktoriais, hidraulinis siurblys",
            "470 马力，欧 6e，轮边减速桥，液压举升泵",
        ],
    ),
    (
        "TGM-18.290-4X2",
        "model",
        "",
        92_400,
        [
            "MAN TGM 18.290 4x2 rigid",
            "Autocarro MAN TGM 18.290 4x2",
            "Samochód ciężarowy MAN TGM 18.290 4x2",
            "Sunkvežimis MAN TGM 18.290 4x2",
            "曼恩 TGM 18.290 4x2 载货车",
        ],
        [
            "290 hp, Euro 6e, C cab, air suspension at the rear",
            "290 CV, Euro 6e, cabina C, sospensioni pneumatiche posteriori",
            "290 KM, Euro 6e, kabina C, tylne zawieszenie pneumatyczne",
            "290 AG, Euro 6e, C kabina, galinė pneumatinė pakaba",
            "290 马力，欧 6e，C 驾驶室，后空气悬挂",
        ],
    ),
    (
        "TGE-3.180-L3H2",
        "model",
        "",
        46_900,
        [
            "MAN TGE 3.180 panel van L3H2",
            "Furgone MAN TGE 3.180 L3H2",
            "Furgon MAN TGE 3.180 L3H2",
            "Furgonas MAN TGE 3.180 L3H2",
            "曼恩 TGE 3.180 厢式货车 L3H2",
        ],
        [
            "177 hp, 8-speed automatic, 12.2 m³ load space",
            "177 CV, automatico a 8 marce, vano di carico 12,2 m³",
            "177 KM, 8-biegowy automat, przestrzeń ładunkowa 12,2 m³",
            "177 AG, 8 pavarų automatinė dėžė, 12,2 m³ krovinių skyrius",
            "177 马力，8 速自动变速箱，货厢 12.2 立方米",
        ],
    ),
    (
        "LIONS-CITY-12E",
        "model",
        "",
        265_000,
        [
            "MAN Lion's City 12 E city bus",
            "Autobus urbano MAN Lion's City 12 E",
            "Autobus miejski MAN Lion's City 12 E",
            "Miesto autobusas MAN Lion's City 12 E",
            "曼恩 Lion's City 12 E 城市公交车",
        ],
        [
            "Battery electric, 480 kWh, 88 passengers",
            "Elettrico a batteria, 480 kWh, 88 passeggeri",
            "Elektryczny, 480 kWh, 88 pasażerów",
            "Elektrinis, 480 kWh, 88 keleiviai",
            "纯电动，480 千瓦时，88 名乘客",
        ],
    ),
    (
        "OPT-RETARDER",
        "option",
        "",
        4_350,
        [
            "Retarder (MAN PriTarder)",
            "Rallentatore (MAN PriTarder)",
            "Retarder (MAN PriTarder)",
            "Retarderis (MAN PriTarder)",
            "缓速器（MAN PriTarder）",
        ],
        ["", "", "", "", ""],
    ),
    (
        "OPT-ACC",
        "option",
        "",
        2_180,
        [
            "Adaptive cruise control with stop & go",
            "Cruise control adattivo con stop & go",
            "Adaptacyjny tempomat ze stop & go",
            "Adaptyvioji pastovaus greičio palaikymo sistema su stop & go",
            "带停走功能的自适应巡航",
        ],
        ["", "", "", "", ""],
    ),
    (
        "BODY-TIPPER-MEILLER",
        "bodywork",
        "Meiller",
        21_600,
        [
            "Three-way tipper body, 16 m³",
            "Cassone ribaltabile trilaterale, 16 m³",
            "Zabudowa wywrotki trójstronnej, 16 m³",
            "Trišalis savivartis kėbulas, 16 m³",
            "三向自卸车厢，16 立方米",
        ],
        [
            "Hardox 450 floor, hydraulic tailgate",
            "Pianale Hardox 450, sponda idraulica",
            "Podłoga Hardox 450, hydrauliczna klapa",
            "Hardox 450 grindys, hidraulinis bortas",
            "Hardox 450 底板，液压尾门",
        ],
    ),
    (
        "BODY-FRIDGE-SCHMITZ",
        "bodywork",
        "Schmitz Cargobull",
        38_900,
        [
            "Refrigerated box body with cooling unit",
            "Furgonatura frigorifera con gruppo frigo",
            "Zabudowa chłodnicza z agregatem",
            "Šaldytuvo kėbulas su šaldymo agregatu",
            "带制冷机组的冷藏厢体",
        ],
        [
            "ATP FRC, −20 °C, 18 pallets",
            "ATP FRC, −20 °C, 18 pallet",
            "ATP FRC, −20 °C, 18 palet",
            "ATP FRC, −20 °C, 18 padėklų",
            "ATP FRC，−20 °C，18 个托盘",
        ],
    ),
    (
        "SRV-MAINT-36",
        "service",
        "",
        9_800,
        [
            "Maintenance contract, 36 months",
            "Contratto di manutenzione, 36 mesi",
            "Kontrakt serwisowy, 36 miesięcy",
            "Techninės priežiūros sutartis, 36 mėn.",
            "维保合同，36 个月",
        ],
        [
            "All scheduled services and wear parts at our workshop",
            "Tutti i tagliandi e le parti soggette a usura presso la nostra officina",
            "Wszystkie przeglądy i części eksploatacyjne w naszym serwisie",
            "Visi planiniai aptarnavimai ir dylančios dalys mūsų dirbtuvėse",
            "在本店车间进行的全部定期保养及易损件",
        ],
    ),
    (
        "SRV-WARRANTY-EXT",
        "service",
        "",
        3_400,
        [
            "Driveline warranty extension to 4 years",
            "Estensione garanzia catena cinematica a 4 anni",
            "Przedłużenie gwarancji układu napędowego do 4 lat",
            "Transmisijos garantijos pratęsimas iki 4 metų",
            "传动系统质保延长至 4 年",
        ],
        ["", "", "", "", ""],
    ),
    (
        "SRV-DRIVER-TRAINING",
        "service",
        "",
        650,
        [
            "Driver training (efficient driving), one day",
            "Corso autisti (guida efficiente), un giorno",
            "Szkolenie kierowców (ekonomiczna jazda), jeden dzień",
            "Vairuotojų mokymai (taupus vairavimas), viena diena",
            "驾驶员培训（节能驾驶），一天",
        ],
        ["", "", "", "", ""],
    ),
];

const LANGS: [&str; 5] = ["en", "it", "pl", "lt", "zh"];

/// The demo price list, in euros, valid from the start of `today`'s year.
pub(crate) fn price_list(today: NaiveDate) -> Vec<PriceItemData> {
    let from = format!("{}-01-01", today.format("%Y"));
    ITEMS
        .iter()
        .map(|(code, kind, supplier, euros, names, descriptions)| PriceItemData {
            code: (*code).into(),
            kind: (*kind).into(),
            names: LANGS.iter().zip(names).map(|(l, n)| (l.to_string(), n.to_string())).collect(),
            descriptions: LANGS
                .iter()
                .zip(descriptions)
                .filter(|(_, d)| !d.is_empty())
                .map(|(l, d)| (l.to_string(), d.to_string()))
                .collect(),
            supplier: (*supplier).into(),
            price: euros * 100,
            currency: "EUR".into(),
            valid_from: from.clone(),
            valid_to: String::new(),
        })
        .collect()
}

/// The demo dealership's letterhead.
pub(crate) fn letterhead() -> crate::pdf::Letterhead {
    crate::pdf::Letterhead {
        company_name: "Veicoli Industriali Adige S.r.l.".into(),
        address_lines: vec!["Via dell'Industria 12".into(), "37135 Verona (VR), Italia".into()],
        vat_id: "IT 00743110157".into(),
        phone: "+39 045 820 1100".into(),
        email: "vendite@vi-adige.example".into(),
        web: "www.vi-adige.example".into(),
        bank_details: "Banco BPM, IBAN IT60 X054 2811 1010 0000 0123 456".into(),
        logo_png: None,
    }
}

fn vat_of(country: &str) -> i64 {
    match country {
        "IT" => 2200,
        "PL" => 2300,
        "LT" => 2100,
        "CN" => 1300,
        _ => 2000,
    }
}

/// Euro cents → cents of `currency` at the demo's rough rates.
fn converted(cents: i64, currency: &str) -> i64 {
    match currency {
        "PLN" => cents * 43 / 10,
        "CNY" => cents * 78 / 10,
        _ => cents,
    }
}

/// The offer made for customer `i`'s deal, if the deal got to where offers are made (its
/// third open stage, or closed after it). `items` is the saved price list.
#[allow(clippy::too_many_arguments)]
pub(crate) fn offer(
    i: usize,
    seed: u64,
    customer_id: i64,
    deal_id: i64,
    country: &str,
    deal: &(DealData, DealState),
    process: &StageSettings,
    items: &[PriceItem],
    today: NaiveDate,
) -> Option<OfferRecord> {
    let (data, state) = deal;
    let open: Vec<i64> = process.stages.iter().filter(|s| s.kind == StageKind::Open).map(|s| s.id).collect();
    let third = *open.get(2)?;
    if !state.reached.contains(&third) {
        return None;
    }
    let mut rng = Rng::stream(seed, i, STREAM);
    let kind = process.stage(state.stage_id).map_or(StageKind::Open, |s| s.kind);
    let language = if rng.chance(16) { "en" } else { language_for_country(country) };
    let vat = vat_of(country);
    let by_code = |code: &str| items.iter().find(|it| it.data.code == code);
    let mut lines = Vec::new();
    for v in &data.vehicles {
        let code = match v.category.as_str() {
            "tractor" => "TGX-18.510-4X2",
            "tipper" => "TGS-35.470-8X4",
            "van" => "TGE-3.180-L3H2",
            "bus" => "LIONS-CITY-12E",
            _ => "TGM-18.290-4X2",
        };
        let Some(item) = by_code(code) else { continue };
        let mut line = OfferLine::from_item(item, language, v.count, vat);
        line.unit_price = converted(line.unit_price, &data.currency);
        line.discount_bp = [0, 300, 500, 750, 1000][rng.below(5) as usize];
        lines.push(line);
        let extra = match v.category.as_str() {
            "tipper" => Some("BODY-TIPPER-MEILLER"),
            "rigid" if rng.chance(50) => Some("BODY-FRIDGE-SCHMITZ"),
            "tractor" if rng.chance(60) => Some("OPT-RETARDER"),
            _ => None,
        };
        if let Some(item) = extra.and_then(by_code) {
            let mut line = OfferLine::from_item(item, language, v.count, vat);
            line.unit_price = converted(line.unit_price, &data.currency);
            lines.push(line);
        }
    }
    for code in ["SRV-MAINT-36", "SRV-DRIVER-TRAINING"] {
        if rng.chance(55) {
            if let Some(item) = by_code(code) {
                let quantity = if code == "SRV-MAINT-36" { lines.first().map_or(1, |l| l.quantity) } else { 2 };
                let mut line = OfferLine::from_item(item, language, quantity, vat);
                line.unit_price = converted(line.unit_price, &data.currency);
                lines.push(line);
            }
        }
    }
    if lines.is_empty() {
        return None;
    }
    // The offer went out when the deal reached the third stage, or about a month before today.
    let date = state
        .stage_since
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, DATE_FORMAT).ok())
        .filter(|d| *d <= today)
        .unwrap_or(today - Days::new(30));
    let trade_ins = if rng.chance(25) {
        vec![TradeIn { description: "MAN TGX 18.440 (2016)".into(), value: converted(2_450_000, &data.currency) }]
    } else {
        Vec::new()
    };
    let offer = OfferData {
        customer_id,
        deal_id: Some(deal_id),
        language: language.into(),
        currency: data.currency.clone(),
        date: date.format(DATE_FORMAT).to_string(),
        valid_until: (date + Days::new(30)).format(DATE_FORMAT).to_string(),
        lines,
        global_discount_bp: if rng.chance(30) { 200 } else { 0 },
        trade_ins,
        financing: None,
        payment_terms: String::new(),
        delivery_time: String::new(),
        notes: String::new(),
        salesperson_id: data.owner_id,
    };
    let decided_on = state.closed_on.clone();
    let (status, reason, competitor) = match kind {
        StageKind::Won => (OfferStatus::Accepted, String::new(), String::new()),
        StageKind::Lost => (OfferStatus::Rejected, state.close_reason.clone(), state.lost_to.clone()),
        StageKind::Postponed => (OfferStatus::Expired, String::new(), String::new()),
        StageKind::Open if rng.chance(80) => (OfferStatus::Sent, String::new(), String::new()),
        StageKind::Open => (OfferStatus::Draft, String::new(), String::new()),
    };
    let decided_on = if matches!(status, OfferStatus::Draft | OfferStatus::Sent) { None } else { decided_on };
    Some(OfferRecord { data: offer, status, outcome_reason: reason, outcome_competitor: competitor, decided_on })
}
