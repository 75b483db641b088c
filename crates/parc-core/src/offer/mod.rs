//! Offers: the price list they are built from, their lines, exact totals and versions.
//!
//! Money is integer minor units (cents) of the offer's currency; percentages are basis points
//! (`1250` = 12.5 %). Every line is rounded to the cent once, then totals are sums of rounded
//! amounts, so the printed lines always add up to the printed totals.

pub(crate) mod rows;
pub(crate) mod store;
#[cfg(test)]
pub(crate) mod testing;

pub use store::{OfferDecision, OfferRecord, OfferView, PriceImport};

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::customer::CURRENCIES;
use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, FieldError, Result};
use crate::ground::i18n::Locale;
use crate::ground::vat::{has_control, has_control_in_lines};

/// What a price list item is; the PDF groups nothing by it, the builder filters by it.
pub const ITEM_KINDS: &[&str] = &["model", "option", "bodywork", "service", "financing"];

/// Text in each language an offer may be printed in, by locale code ("en", "it"…).
pub type Texts = BTreeMap<String, String>;

/// One price list entry as edited or imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriceItemData {
    /// The dealer's or manufacturer's code, unique in the list ("TGX-18.510-4x2").
    pub code: String,
    pub kind: String,
    /// Name and description per language; the PDF prints the offer's language.
    pub names: Texts,
    pub descriptions: Texts,
    /// Who supplies bodywork and outfitting (empty for the brand's own items).
    pub supplier: String,
    pub price: i64,
    pub currency: String,
    /// First and last day the price holds (`YYYY-MM-DD`; empty: open).
    pub valid_from: String,
    pub valid_to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceItem {
    pub id: i64,
    #[serde(flatten)]
    pub data: PriceItemData,
    /// Withdrawn from the list: no longer offered, still shown on the offers that used it.
    pub retired: bool,
    pub updated_at: String,
    pub version: i64,
}

/// What the price list screen and the builder's picker ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriceQuery {
    /// Words matched in the code, supplier and names (any language).
    pub text: String,
    pub kind: String,
    /// Only prices that hold on this day (`YYYY-MM-DD`).
    pub valid_on: String,
    pub include_retired: bool,
    pub limit: u32,
}

impl PriceItemData {
    pub fn validated(mut self) -> Result<PriceItemData> {
        self.code = self.code.trim().to_string();
        self.supplier = self.supplier.trim().to_string();
        self.currency = self.currency.trim().to_ascii_uppercase();
        for texts in [&mut self.names, &mut self.descriptions] {
            texts.retain(|_, v| !v.trim().is_empty());
            for v in texts.values_mut() {
                *v = v.trim().to_string();
            }
        }
        let mut errors = Vec::new();
        if self.code.is_empty() {
            errors.push(FieldError::new("code", "validation.code_required"));
        }
        if self.code.chars().count() > 60 || self.supplier.chars().count() > 200 {
            errors.push(FieldError::new("code", "validation.too_long"));
        }
        if !ITEM_KINDS.contains(&self.kind.as_str()) {
            errors.push(FieldError::new("kind", "validation.choice"));
        }
        if self.names.is_empty() {
            errors.push(FieldError::new("names", "validation.name_required"));
        }
        let bad_lang = |t: &Texts| t.keys().any(|k| Locale::parse(k).is_none_or(|l| l.code() != k));
        let too_long = |t: &Texts, max: usize| t.values().any(|v| v.chars().count() > max);
        if bad_lang(&self.names) || bad_lang(&self.descriptions) {
            errors.push(FieldError::new("names", "validation.language"));
        }
        if too_long(&self.names, 200) || too_long(&self.descriptions, 4000) {
            errors.push(FieldError::new("names", "validation.too_long"));
        }
        if self.names.values().any(|v| has_control(v))
            || self.descriptions.values().any(|v| has_control_in_lines(v))
            || has_control(&self.code)
            || has_control(&self.supplier)
        {
            errors.push(FieldError::new("names", "validation.control_chars"));
        }
        if !(0..=MAX_AMOUNT).contains(&self.price) {
            errors.push(FieldError::new("price", "validation.amount"));
        }
        if !CURRENCIES.contains(&self.currency.as_str()) {
            errors.push(FieldError::new("currency", "validation.currency"));
        }
        for (field, value) in [("valid_from", &mut self.valid_from), ("valid_to", &mut self.valid_to)] {
            match canonical_day(value) {
                Ok(day) => *value = day,
                Err(()) => errors.push(FieldError::new(field, "validation.date")),
            }
        }
        if !self.valid_from.is_empty() && !self.valid_to.is_empty() && self.valid_to < self.valid_from {
            errors.push(FieldError::new("valid_to", "validation.date_order"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }

    /// Whether the price holds on `day`.
    pub fn valid_on(&self, day: &str) -> bool {
        (self.valid_from.is_empty() || self.valid_from.as_str() <= day)
            && (self.valid_to.is_empty() || day <= self.valid_to.as_str())
    }

    /// The name in `lang`, else English, else any.
    pub fn name_in(&self, lang: &str) -> &str {
        self.names.get(lang).or_else(|| self.names.get("en")).or_else(|| self.names.values().next()).map_or("", |s| s)
    }
}

/// `""` stays empty; a real day is written canonically; anything else is an error.
fn canonical_day(value: &str) -> std::result::Result<String, ()> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    NaiveDate::parse_from_str(value, DATE_FORMAT).map(|d| d.format(DATE_FORMAT).to_string()).map_err(|_| ())
}

/// A billion in any currency: far above any truck deal, far below overflow in every product.
pub const MAX_AMOUNT: i64 = 100_000_000_000;

/// One line of an offer: from the price list (its code and price copied, so the offer keeps
/// the prices it was made with) or free text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfferLine {
    pub item_id: Option<i64>,
    pub code: String,
    /// In the offer's language.
    pub description: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub discount_bp: i64,
    pub vat_bp: i64,
}

/// A vehicle the customer hands in, with the value allowed for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TradeIn {
    pub description: String,
    pub value: i64,
}

/// Financing as the finance company quoted it: printed as entered, never computed here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Financing {
    pub provider: String,
    pub down_payment: i64,
    pub months: i64,
    pub monthly_rate: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    #[default]
    Draft,
    Sent,
    Accepted,
    Rejected,
    Expired,
}

impl OfferStatus {
    pub const ALL: [OfferStatus; 5] =
        [OfferStatus::Draft, OfferStatus::Sent, OfferStatus::Accepted, OfferStatus::Rejected, OfferStatus::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            OfferStatus::Draft => "draft",
            OfferStatus::Sent => "sent",
            OfferStatus::Accepted => "accepted",
            OfferStatus::Rejected => "rejected",
            OfferStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<OfferStatus> {
        OfferStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// What the salesperson fills in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfferData {
    pub customer_id: i64,
    pub deal_id: Option<i64>,
    /// The language it prints in (a locale code), independent of the screens' language.
    pub language: String,
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub valid_until: String,
    pub lines: Vec<OfferLine>,
    pub global_discount_bp: i64,
    pub trade_ins: Vec<TradeIn>,
    pub financing: Option<Financing>,
    pub payment_terms: String,
    pub delivery_time: String,
    pub notes: String,
    /// Who signs it.
    pub salesperson_id: Option<i64>,
}

/// A stored offer version. An offer is its `number`; each revision of a sent offer is a new
/// `revision` and the earlier ones stay as they were sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    pub id: i64,
    pub number: String,
    pub revision: i64,
    pub status: OfferStatus,
    #[serde(flatten)]
    pub data: OfferData,
    pub totals: Totals,
    /// Why it was rejected and who won, when it was.
    pub outcome_reason: String,
    pub outcome_competitor: String,
    /// The day it was accepted, rejected or expired.
    pub decided_on: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<i64>,
    pub version: i64,
}

/// Which offers a list shows: the newest revision of each offer number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfferQuery {
    pub customer_id: Option<i64>,
    pub deal_id: Option<i64>,
    pub status: Option<OfferStatus>,
    /// Words matched in the number and the customer's name.
    pub text: String,
    /// 0: the first 200; `u32::MAX`: all of them; else at most 1,000.
    pub limit: u32,
}

/// The office's offer defaults, an office setting the sales manager edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfferSettings {
    pub number_pattern: String,
    /// Days an offer holds from its date.
    pub validity_days: i64,
    /// VAT of a new line, in basis points.
    pub vat_bp: i64,
    /// Printed terms per language of the offer (a locale code).
    pub payment_terms: Texts,
    pub delivery_time: Texts,
    /// The office's currency: new customers and price items start in it, and a new offer
    /// takes it when neither its deal nor its customer names one.
    pub currency: String,
    pub version: i64,
}

impl Default for OfferSettings {
    fn default() -> Self {
        OfferSettings {
            number_pattern: DEFAULT_NUMBER_PATTERN.into(),
            validity_days: 30,
            vat_bp: 2200,
            payment_terms: Texts::new(),
            delivery_time: Texts::new(),
            currency: "EUR".into(),
            version: 0,
        }
    }
}

impl OfferSettings {
    pub fn validated(mut self) -> Result<OfferSettings> {
        self.number_pattern = self.number_pattern.trim().to_string();
        let mut errors = Vec::new();
        // Without the running number two offers would share a number.
        if !self.number_pattern.contains("{SEQ") || self.number_pattern.chars().count() > 40 {
            errors.push(FieldError::new("number_pattern", "validation.number_pattern"));
        }
        if !(1..=365).contains(&self.validity_days) {
            errors.push(FieldError::new("validity_days", "validation.days"));
        }
        if !(0..=5_000).contains(&self.vat_bp) {
            errors.push(FieldError::new("vat_bp", "validation.percent"));
        }
        self.currency = self.currency.trim().to_ascii_uppercase();
        if !CURRENCIES.contains(&self.currency.as_str()) {
            errors.push(FieldError::new("currency", "validation.currency"));
        }
        for texts in [&mut self.payment_terms, &mut self.delivery_time] {
            texts.retain(|k, v| !v.trim().is_empty() && Locale::parse(k).is_some_and(|l| l.code() == k));
            for v in texts.values_mut() {
                *v = v.trim().to_string();
                if v.chars().count() > 500 {
                    errors.push(FieldError::new("payment_terms", "validation.too_long"));
                }
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }

    /// The running-number key of an offer dated in `year`: numbers restart each year only
    /// when the pattern shows the year.
    pub fn sequence_year(&self, year: i32) -> i64 {
        if self.number_pattern.contains("{YYYY}") {
            i64::from(year)
        } else {
            0
        }
    }
}

/// The language an offer to a customer in `country` (ISO code) prints in by default.
pub fn language_for_country(country: &str) -> &'static str {
    match country.trim().to_ascii_uppercase().as_str() {
        "IT" | "SM" | "VA" => "it",
        "PL" => "pl",
        "LT" => "lt",
        "CN" | "TW" | "HK" | "SG" => "zh",
        _ => "en",
    }
}

impl OfferLine {
    /// A line for `quantity` of a price list item, in `lang`: its price as it is today (the
    /// offer keeps it), its name and description in the offer's language.
    pub fn from_item(item: &PriceItem, lang: &str, quantity: i64, vat_bp: i64) -> OfferLine {
        let name = item.data.name_in(lang);
        let description = match item.data.descriptions.get(lang).or_else(|| item.data.descriptions.get("en")) {
            Some(d) if !d.is_empty() => format!("{name}\n{d}"),
            _ => name.to_string(),
        };
        OfferLine {
            item_id: Some(item.id),
            code: item.data.code.clone(),
            description,
            quantity,
            unit_price: item.data.price,
            discount_bp: 0,
            vat_bp,
        }
    }
}

/// One offer in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferSummary {
    pub id: i64,
    pub number: String,
    pub revision: i64,
    pub status: OfferStatus,
    pub customer_id: i64,
    pub customer_name: String,
    pub deal_id: Option<i64>,
    pub language: String,
    pub currency: String,
    pub date: String,
    pub valid_until: String,
    /// What the customer pays (gross less trade-ins).
    pub total: i64,
    pub salesperson_id: Option<i64>,
}

/// The amounts of one VAT rate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatAmount {
    pub vat_bp: i64,
    /// Net of this rate after the global discount.
    pub net: i64,
    pub vat: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Each line's net amount after its discount, rounded to the cent.
    pub lines: Vec<i64>,
    /// Sum of the lines.
    pub subtotal: i64,
    /// The global discount, as an amount (sum over the VAT rates).
    pub global_discount: i64,
    pub net: i64,
    pub vat: Vec<VatAmount>,
    pub gross: i64,
    pub trade_in: i64,
    /// What the customer pays: gross less the trade-in.
    pub to_pay: i64,
}

/// `amount × bp / 10 000`, rounded half away from zero, without floating point.
fn apply_bp(amount: i128, bp: i64) -> i128 {
    let product = amount * i128::from(bp);
    let (q, r) = (product / 10_000, product % 10_000);
    if r.abs() * 2 >= 10_000 {
        q + product.signum()
    } else {
        q
    }
}

impl OfferData {
    /// The totals of the offer. The global discount applies to each VAT rate's lines (so the
    /// VAT is computed on what is really charged); trade-ins come off the gross.
    pub fn totals(&self) -> Totals {
        let lines: Vec<i64> = self
            .lines
            .iter()
            .map(|l| {
                let gross = i128::from(l.quantity) * i128::from(l.unit_price);
                (gross - apply_bp(gross, l.discount_bp)) as i64
            })
            .collect();
        let subtotal: i64 = lines.iter().sum();
        let mut by_rate: BTreeMap<i64, i64> = BTreeMap::new();
        for (line, net) in self.lines.iter().zip(&lines) {
            *by_rate.entry(line.vat_bp).or_default() += net;
        }
        let mut global_discount = 0;
        let vat: Vec<VatAmount> = by_rate
            .into_iter()
            .map(|(vat_bp, before)| {
                let off = apply_bp(i128::from(before), self.global_discount_bp) as i64;
                global_discount += off;
                let net = before - off;
                VatAmount { vat_bp, net, vat: apply_bp(i128::from(net), vat_bp) as i64 }
            })
            .collect();
        let net = subtotal - global_discount;
        let gross = net + vat.iter().map(|v| v.vat).sum::<i64>();
        let trade_in = self.trade_ins.iter().map(|t| t.value).sum();
        Totals { lines, subtotal, global_discount, net, vat, gross, trade_in, to_pay: gross - trade_in }
    }

    /// Trims and checks every field, reporting every problem at once. Line fields are named
    /// `lines.<i>.<field>` so the builder can mark the cell.
    pub fn validated(mut self) -> Result<OfferData> {
        self.language = self.language.trim().to_ascii_lowercase();
        self.currency = self.currency.trim().to_ascii_uppercase();
        for text in [&mut self.payment_terms, &mut self.delivery_time, &mut self.notes] {
            *text = text.trim().to_string();
        }
        let mut errors = Vec::new();
        if Locale::parse(&self.language).is_none_or(|l| l.code() != self.language) {
            errors.push(FieldError::new("language", "validation.language"));
        }
        if !CURRENCIES.contains(&self.currency.as_str()) {
            errors.push(FieldError::new("currency", "validation.currency"));
        }
        for (field, value) in [("date", &mut self.date), ("valid_until", &mut self.valid_until)] {
            match canonical_day(value) {
                Ok(day) if day.is_empty() && field == "date" => errors.push(FieldError::new(field, "validation.date")),
                Ok(day) => *value = day,
                Err(()) => errors.push(FieldError::new(field, "validation.date")),
            }
        }
        if !self.valid_until.is_empty() && self.valid_until < self.date {
            errors.push(FieldError::new("valid_until", "validation.date_order"));
        }
        if self.lines.is_empty() {
            errors.push(FieldError::new("lines", "validation.offer_lines"));
        }
        if self.lines.len() > 200 || self.trade_ins.len() > 20 {
            errors.push(FieldError::new("lines", "validation.too_many"));
        }
        for (i, line) in self.lines.iter_mut().enumerate() {
            line.code = line.code.trim().to_string();
            line.description = line.description.trim().to_string();
            let mut bad = |field: &str, key| errors.push(FieldError::new(format!("lines.{i}.{field}"), key));
            if line.description.is_empty() {
                bad("description", "validation.description_required");
            }
            if line.description.chars().count() > 4000 || line.code.chars().count() > 60 {
                bad("description", "validation.too_long");
            }
            if has_control_in_lines(&line.description) || has_control(&line.code) {
                bad("description", "validation.control_chars");
            }
            if !(1..=10_000).contains(&line.quantity) {
                bad("quantity", "validation.quantity");
            }
            if !(-MAX_AMOUNT..=MAX_AMOUNT).contains(&line.unit_price) {
                bad("unit_price", "validation.amount");
            }
            if !(0..=10_000).contains(&line.discount_bp) {
                bad("discount_bp", "validation.percent");
            }
            if !(0..=5_000).contains(&line.vat_bp) {
                bad("vat_bp", "validation.percent");
            }
        }
        for (i, t) in self.trade_ins.iter_mut().enumerate() {
            t.description = t.description.trim().to_string();
            if t.description.is_empty() || t.description.chars().count() > 500 || has_control(&t.description) {
                errors.push(FieldError::new(format!("trade_ins.{i}.description"), "validation.description_required"));
            }
            if !(0..=MAX_AMOUNT).contains(&t.value) {
                errors.push(FieldError::new(format!("trade_ins.{i}.value"), "validation.amount"));
            }
        }
        if let Some(f) = &mut self.financing {
            f.provider = f.provider.trim().to_string();
            if f.provider.chars().count() > 200 || has_control(&f.provider) {
                errors.push(FieldError::new("financing", "validation.too_long"));
            }
            if !(0..=MAX_AMOUNT).contains(&f.down_payment) || !(0..=MAX_AMOUNT).contains(&f.monthly_rate) {
                errors.push(FieldError::new("financing", "validation.amount"));
            }
            if !(1..=120).contains(&f.months) {
                errors.push(FieldError::new("financing", "validation.months"));
            }
        }
        if !(0..=10_000).contains(&self.global_discount_bp) {
            errors.push(FieldError::new("global_discount_bp", "validation.percent"));
        }
        if [&self.payment_terms, &self.delivery_time].iter().any(|t| t.chars().count() > 500)
            || self.notes.chars().count() > 4000
        {
            errors.push(FieldError::new("notes", "validation.too_long"));
        }
        if [&self.payment_terms, &self.delivery_time, &self.notes].iter().any(|t| has_control_in_lines(t)) {
            errors.push(FieldError::new("notes", "validation.control_chars"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// The office's offer numbering: `{YYYY}` is the offer's year, `{SEQ:n}` the year's running
/// number padded to n digits. Default `OF-{YYYY}-{SEQ:4}` gives `OF-2026-0042`.
pub const DEFAULT_NUMBER_PATTERN: &str = "OF-{YYYY}-{SEQ:4}";

pub fn format_number(pattern: &str, year: i32, seq: i64) -> String {
    let mut out = pattern.replace("{YYYY}", &year.to_string());
    if let Some(start) = out.find("{SEQ") {
        if let Some(len) = out[start..].find('}') {
            let spec = &out[start + 4..start + len];
            let width = spec.strip_prefix(':').and_then(|w| w.parse::<usize>().ok()).unwrap_or(1).min(12);
            out.replace_range(start..=start + len, &format!("{seq:0width$}"));
        }
    }
    out
}

/// The price list's file layout, one header row then one item per row (`;` or `,`
/// separated, UTF-8): `code`, `kind`, `supplier`, `price` (in units, `.` or `,` for the
/// decimals, spaces allowed: `95 000,00`), `currency`, `valid_from`, `valid_to`
/// (`YYYY-MM-DD` or empty), then `name_<lang>` and `description_<lang>` for each language
/// (`name_en`, `description_pl`…). Columns may come in any order; unknown ones are refused.
pub const PRICE_COLUMNS: &[&str] = &["code", "kind", "supplier", "price", "currency", "valid_from", "valid_to"];

/// Reads a price list file into rows for [`crate::Store::import_price_list`]. Problems are
/// named `rows.<i>.<field>` (row 0 is the file's second line) or `file`.
pub fn price_list_from_csv(bytes: &[u8]) -> Result<Vec<PriceItemData>> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::invalid("file", "validation.csv_encoding"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() >= first.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| Error::invalid("file", "validation.csv_columns"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let known = |h: &str| {
        PRICE_COLUMNS.contains(&h)
            || ["name_", "description_"]
                .iter()
                .any(|p| h.strip_prefix(p).and_then(Locale::parse).is_some_and(|l| Some(l.code()) == h.strip_prefix(p)))
    };
    let has_name = headers.iter().any(|h| h.starts_with("name_"));
    if headers.iter().any(|h| !known(h))
        || !["code", "kind", "price", "currency"].iter().all(|c| headers.iter().any(|h| h == c))
        || !has_name
    {
        return Err(Error::invalid("file", "validation.csv_columns"));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                errors.push(FieldError::new(format!("rows.{i}.code"), "validation.csv_row"));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut item = PriceItemData::default();
        for (h, cell) in headers.iter().zip(record.iter()) {
            let cell = cell.trim().to_string();
            match h.as_str() {
                "code" => item.code = cell,
                "kind" => item.kind = cell.to_ascii_lowercase(),
                "supplier" => item.supplier = cell,
                "currency" => item.currency = cell,
                "valid_from" => item.valid_from = cell,
                "valid_to" => item.valid_to = cell,
                "price" => match parse_units(&cell) {
                    Some(minor) => item.price = minor,
                    None => errors.push(FieldError::new(format!("rows.{i}.price"), "validation.amount")),
                },
                other => {
                    if let Some(lang) = other.strip_prefix("name_") {
                        item.names.insert(lang.to_string(), cell);
                    } else if let Some(lang) = other.strip_prefix("description_") {
                        item.descriptions.insert(lang.to_string(), cell);
                    }
                }
            }
        }
        rows.push(item);
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(Error::Validation(errors))
    }
}

/// `95 000,00`, `95000.5`, `1.234,56` or `1,234.56` in units to minor units (cents); the last
/// `.` or `,` followed by one or two digits is the decimal mark. `None` for anything else.
pub fn parse_units(text: &str) -> Option<i64> {
    let t: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\'').collect();
    if t.is_empty() || t.starts_with('-') {
        return None;
    }
    let (whole, cents) = match t.rfind(['.', ',']) {
        Some(at) if (1..=2).contains(&(t.len() - at - 1)) => (&t[..at], &t[at + 1..]),
        _ => (t.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    if whole.is_empty() && cents.is_empty() || !whole.chars().chain(cents.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let units: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let cents: i64 = match cents.len() {
        0 => 0,
        1 => cents.parse::<i64>().ok()? * 10,
        _ => cents.parse().ok()?,
    };
    units.checked_mul(100)?.checked_add(cents).filter(|v| *v <= MAX_AMOUNT)
}

#[cfg(test)]
mod tests;
