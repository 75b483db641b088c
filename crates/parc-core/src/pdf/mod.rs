//! Printed documents: offers in the customer's language, the visit pack, and tables for
//! reports. Pure rendering: the caller reads the offer, the letterhead and the customer from
//! the store and hands them in; nothing here touches the database.
//!
//! The whole API:
//! - [`offer_pdf`]`(&OfferSheet) -> Result<Vec<u8>>`: an offer on A4, every label in the
//!   offer's language (`offer.data.language`), numbers, money and dates in that locale's
//!   format, "page 1 of 2" on every page.
//! - [`check`]`(&OfferSheet, &[PriceItem], today) -> Vec<PrintProblem>`: what would come out
//!   wrong, to show before printing (translated with [`PrintProblem::message`]).
//! - [`customer_summary_page`]`(&CustomerSummary) -> Result<Vec<u8>>`: one page on a customer
//!   to take on a visit, in the salesperson's language.
//! - [`visit_pack`]`(&[VisitPackEntry]) -> Result<Vec<u8>>`: one PDF with, per customer, its
//!   offers followed by its summary page (each part numbered on its own).
//! - [`table_pdf`]`(title, subtitle, &[TableColumn], rows, Locale) -> Result<Vec<u8>>`: any
//!   report's table, portrait or landscape as its width needs, the header repeated on every
//!   page, numeric columns right-aligned.
//!
//! The inputs ([`Letterhead`], [`CustomerBlock`], [`Signature`]…) are plain serde structs;
//! the letterhead is meant to be kept as an office setting (its logo is base64 in JSON).
//! [`DEMO_LOGO_PNG`] is a plain logo for the demo office. Nothing here fails on odd text:
//! control characters are dropped, long words are cut to the column, a row taller than a
//! page continues on the next; `Result` is for the caller's sake and future limits.
//!
//! Fonts: DejaVu Sans and DejaVu Sans Bold for Latin (Polish and Lithuanian included) and
//! WenQuanYi Micro Hei for Chinese are compiled in (`crates/parc-core/fonts/`, with their
//! licences), parsed once per process, and embedded as subsets: a page carries only the
//! glyphs it prints. Each character is drawn by the first font that has it (the Chinese font
//! first for Chinese text in a Chinese document); a character no font has is left out rather
//! than printed as a box, and [`check`] names it beforehand. The drawing is done with
//! printpdf's ops (see `canvas.rs`), not its HTML layout: text is measured with the fonts'
//! own advances, wrapped and placed at absolute positions.

mod store;

mod canvas;
mod check;
mod flow;
mod fonts;
mod sheet;
mod summary;
mod table;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ground::error::Result;
use crate::ground::i18n::{self, Locale};
use crate::offer::Offer;

pub use check::check;
pub use table::{table_pdf, TableColumn};

/// A plain logo (300 × 90 px PNG with transparency) for the demo dealership's letterhead,
/// the tests and the benchmark.
pub const DEMO_LOGO_PNG: &[u8] = include_bytes!("demo-logo.png");

/// The dealer's letterhead, printed at the top of the first page and in every page's footer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Letterhead {
    pub company_name: String,
    /// Street, postcode and city, country: one printed line each.
    pub address_lines: Vec<String>,
    pub vat_id: String,
    pub phone: String,
    pub email: String,
    pub web: String,
    /// Bank and IBAN as printed in the footer (a line break starts a new printed line).
    pub bank_details: String,
    /// The dealer's logo, a PNG file's bytes (base64 in JSON). Printed at most 150 × 46 pt.
    #[serde(with = "base64_bytes", skip_serializing_if = "Option::is_none")]
    pub logo_png: Option<Vec<u8>>,
}

/// Who the offer is addressed to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerBlock {
    pub name: String,
    pub address_lines: Vec<String>,
    pub vat_id: String,
    /// The person the offer is for ("Attn."), if any.
    pub contact_person: String,
}

/// The salesperson who signs the offer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Signature {
    pub name: String,
    /// Their title as printed under the name ("Sales consultant").
    pub title: String,
    pub phone: String,
    pub email: String,
}

/// Everything an offer's PDF prints. The totals are computed from the lines
/// ([`crate::offer::OfferData::totals`]), so the printed lines always add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferSheet {
    pub offer: Offer,
    #[serde(default)]
    pub letterhead: Letterhead,
    #[serde(default)]
    pub customer: CustomerBlock,
    #[serde(default)]
    pub signature: Signature,
}

/// A person at the customer, for the summary page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryPerson {
    pub name: String,
    pub position: String,
    /// One of [`crate::customer::person::DECISION_ROLES`] (printed translated) or any text.
    pub decision_role: String,
    pub phone: String,
    pub email: String,
    pub is_main: bool,
}

/// A fleet line, for the summary page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryVehicle {
    pub brand: String,
    pub model: String,
    /// A category key (`tractor`…, printed translated) or the office's own category.
    pub category: String,
    pub vehicles: i64,
    pub first_registered: Option<i32>,
    pub plate: String,
    pub vin: String,
    /// `YYYY-MM-DD` or empty.
    pub renewal_due: String,
    /// A brand the dealership sells.
    pub ours: bool,
}

/// A past contact, for the summary page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryContact {
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub happened_at: String,
    /// One of [`crate::contact::CONTACT_KINDS`] (printed translated) or any text.
    pub kind: String,
    /// Who from our side.
    pub user: String,
    /// The people met, as one printed text.
    pub people: String,
    pub agreed: String,
}

/// An open next action, for the summary page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryAction {
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub due: String,
    /// One of [`crate::contact::CONTACT_KINDS`] or any text.
    pub kind: String,
    pub what: String,
    pub user: String,
}

/// A one-page summary of a customer to take on a visit. Lists are printed in the order given
/// (contacts newest first, actions by due date, as the caller sorts them); what does not fit
/// on the page is counted ("… and 4 more").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomerSummary {
    /// The language it prints in: the salesperson's, a locale code.
    pub language: String,
    /// The day of the visit, `YYYY-MM-DD`, or empty.
    pub day: String,
    pub customer: CustomerBlock,
    pub phone: String,
    pub email: String,
    /// The customer's responsible salesperson.
    pub salesperson: String,
    pub people: Vec<SummaryPerson>,
    pub fleet: Vec<SummaryVehicle>,
    pub contacts: Vec<SummaryContact>,
    pub actions: Vec<SummaryAction>,
}

/// One customer of a visit pack: its offers, then its summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPackEntry {
    #[serde(default)]
    pub offers: Vec<OfferSheet>,
    pub summary: CustomerSummary,
}

/// Something that would print wrong, as a catalogue key with its arguments, so the screen
/// shows it in the salesperson's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintProblem {
    /// A `pdf.problem.*` catalogue key.
    pub key: String,
    /// The offer's field it concerns, named as the builder names it (`lines.2.description`,
    /// `notes`, `customer.name`, `letterhead.logo_png`…).
    pub field: String,
    /// The key's placeholders. `language` is a locale code, dates are `YYYY-MM-DD`:
    /// [`PrintProblem::message`] writes them for the reader.
    pub args: BTreeMap<String, String>,
}

impl PrintProblem {
    /// The problem as a sentence in `locale`, its dates and language names written for it.
    pub fn message(&self, locale: Locale) -> String {
        let fmt = locale.format();
        let args: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, value)| {
                let shown = match name.as_str() {
                    "language" => Locale::parse(value)
                        .filter(|l| l.code() == value)
                        .map_or(value.clone(), |l| l.native_name().to_string()),
                    "valid_to" | "valid_until" | "date" => sheet::date_text(&fmt, value),
                    _ => value.clone(),
                };
                (name.as_str(), shown)
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        i18n::trf(locale, &self.key, &borrowed)
    }
}

/// The offer as a PDF: A4, letterhead, customer, lines, totals, financing, terms, signature.
pub fn offer_pdf(sheet: &OfferSheet) -> Result<Vec<u8>> {
    let mut images = sheet::Images::default();
    let pages = sheet::offer_pages(sheet, &mut images);
    Ok(canvas::render(&sheet.offer.number, pages, &images.list))
}

/// One page summarising a customer for a visit.
pub fn customer_summary_page(summary: &CustomerSummary) -> Result<Vec<u8>> {
    let pages = summary::summary_pages(summary);
    Ok(canvas::render(&summary.customer.name, pages, &[]))
}

/// The day's visit pack: per customer, its offers and then its summary page, in one PDF.
pub fn visit_pack(entries: &[VisitPackEntry]) -> Result<Vec<u8>> {
    let mut images = sheet::Images::default();
    let mut pages = Vec::new();
    for entry in entries {
        for offer in &entry.offers {
            pages.extend(sheet::offer_pages(offer, &mut images));
        }
        pages.extend(summary::summary_pages(&entry.summary));
    }
    Ok(canvas::render("Visit pack", pages, &images.list))
}

/// Bytes as base64 text in JSON (the letterhead's logo), without another dependency.
mod base64_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    pub fn decode(text: &str) -> Option<Vec<u8>> {
        let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        let digits = digits.strip_suffix(b"==").or_else(|| digits.strip_suffix(b"=")).unwrap_or(&digits);
        let mut out = Vec::with_capacity(digits.len() * 3 / 4);
        let (mut acc, mut bits) = (0u32, 0);
        for &b in digits {
            let v = ALPHABET.iter().position(|&a| a == b)? as u32;
            acc = acc << 6 | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        Some(out)
    }

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => s.serialize_str(&encode(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        match text {
            None => Ok(None),
            Some(t) if t.trim().is_empty() => Ok(None),
            Some(t) => decode(&t).map(Some).ok_or_else(|| serde::de::Error::custom("the logo is not base64")),
        }
    }
}
