//! What would come out wrong on an offer's PDF, listed before it is printed.

use std::collections::BTreeMap;

use super::fonts::unshowable;
use super::sheet::{decode_png, OFFER_LABELS};
use super::{OfferSheet, PrintProblem};
use crate::ground::i18n::{self, Locale};
use crate::offer::PriceItem;

fn problem(key: &str, field: impl Into<String>, args: &[(&str, &str)]) -> PrintProblem {
    PrintProblem {
        key: key.to_string(),
        field: field.into(),
        args: args.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>(),
    }
}

/// The problems of `sheet` printed on `today` (`YYYY-MM-DD`), given the price list `items`
/// its lines came from:
/// - the offer's language is not one Parc prints, or a printed label lacks its translation;
/// - a line's description is empty, or its price item has no name or description in the
///   offer's language (so the line was likely filled in another language);
/// - a character no embedded font can draw (it would be left out), naming the text;
/// - a line whose price item's validity ended before the offer's date;
/// - the offer's own validity ended before `today`.
pub fn check(sheet: &OfferSheet, items: &[PriceItem], today: &str) -> Vec<PrintProblem> {
    let data = &sheet.offer.data;
    let mut out = Vec::new();
    let language = data.language.trim();
    let locale = Locale::parse(language).filter(|l| l.code() == language);
    match locale {
        None => out.push(problem("pdf.problem.language", "language", &[("language", language)])),
        Some(locale) => {
            for key in OFFER_LABELS.iter().filter(|k| !i18n::has_key(locale, k)) {
                out.push(problem("pdf.problem.label_missing", "language", &[("key", key), ("language", language)]));
            }
        }
    }
    let lang = locale.map_or("en", |l| l.code());

    for (i, line) in data.lines.iter().enumerate() {
        let number = (i + 1).to_string();
        let code = line.code.trim();
        if line.description.trim().is_empty() {
            out.push(problem("pdf.problem.description_empty", format!("lines.{i}.description"), &[("line", &number)]));
        }
        let Some(item) = line.item_id.and_then(|id| items.iter().find(|item| item.id == id)) else { continue };
        let lacks = |texts: &crate::offer::Texts| !texts.is_empty() && !texts.contains_key(lang);
        if lacks(&item.data.names) || lacks(&item.data.descriptions) {
            let code = if code.is_empty() { item.data.code.as_str() } else { code };
            out.push(problem(
                "pdf.problem.description_missing",
                format!("lines.{i}.description"),
                &[("line", &number), ("code", code), ("language", lang)],
            ));
        }
        let valid_to = item.data.valid_to.as_str();
        if !valid_to.is_empty() && !data.date.is_empty() && valid_to < data.date.as_str() {
            out.push(problem(
                "pdf.problem.price_expired",
                format!("lines.{i}.unit_price"),
                &[
                    ("line", &number),
                    ("code", if code.is_empty() { &item.data.code } else { code }),
                    ("valid_to", valid_to),
                ],
            ));
        }
    }
    if !data.valid_until.is_empty() && !today.is_empty() && data.valid_until.as_str() < today {
        out.push(problem("pdf.problem.offer_expired", "valid_until", &[("valid_until", &data.valid_until)]));
    }

    // Every printed text, by the field it comes from.
    let (lh, c, s) = (&sheet.letterhead, &sheet.customer, &sheet.signature);
    let mut texts: Vec<(String, &str)> = vec![
        ("number".into(), sheet.offer.number.as_str()),
        ("letterhead.company_name".into(), &lh.company_name),
        ("letterhead.vat_id".into(), &lh.vat_id),
        ("letterhead.phone".into(), &lh.phone),
        ("letterhead.email".into(), &lh.email),
        ("letterhead.web".into(), &lh.web),
        ("letterhead.bank_details".into(), &lh.bank_details),
        ("customer.name".into(), &c.name),
        ("customer.vat_id".into(), &c.vat_id),
        ("customer.contact_person".into(), &c.contact_person),
        ("signature.name".into(), &s.name),
        ("signature.title".into(), &s.title),
        ("signature.phone".into(), &s.phone),
        ("signature.email".into(), &s.email),
        ("currency".into(), &data.currency),
        ("payment_terms".into(), &data.payment_terms),
        ("delivery_time".into(), &data.delivery_time),
        ("notes".into(), &data.notes),
    ];
    texts.extend(
        lh.address_lines.iter().enumerate().map(|(i, l)| (format!("letterhead.address_lines.{i}"), l.as_str())),
    );
    texts.extend(c.address_lines.iter().enumerate().map(|(i, l)| (format!("customer.address_lines.{i}"), l.as_str())));
    for (i, line) in data.lines.iter().enumerate() {
        texts.push((format!("lines.{i}.code"), &line.code));
        texts.push((format!("lines.{i}.description"), &line.description));
    }
    for (i, t) in data.trade_ins.iter().enumerate() {
        texts.push((format!("trade_ins.{i}.description"), &t.description));
    }
    if let Some(fin) = &data.financing {
        texts.push(("financing.provider".into(), &fin.provider));
    }
    for (field, text) in texts {
        for c in unshowable(text) {
            let code = format!("U+{:04X}", c as u32);
            let shown = if c.is_control() { code.clone() } else { c.to_string() };
            out.push(problem(
                "pdf.problem.character",
                field.clone(),
                &[("text", &excerpt(text, c)), ("char", &shown), ("code", &code)],
            ));
        }
    }
    if lh.logo_png.as_deref().is_some_and(|bytes| decode_png(bytes).is_none()) {
        out.push(problem("pdf.problem.logo", "letterhead.logo_png", &[]));
    }
    out
}

/// Up to 40 characters of `text` around the first `c`, so a person finds the place.
fn excerpt(text: &str, c: char) -> String {
    let chars: Vec<char> = text.chars().map(|ch| if ch.is_control() && ch != c { ' ' } else { ch }).collect();
    let at = chars.iter().position(|&ch| ch == c).unwrap_or(0);
    let start = at.saturating_sub(20);
    let end = (at + 20).min(chars.len());
    let mut out: String =
        chars[start..end].iter().map(|&ch| if ch == c && ch.is_control() { '·' } else { ch }).collect();
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}
