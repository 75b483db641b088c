//! Translations and locale formatting.
//!
//! Catalogues are flat JSON files (`i18n/<locale>.json`) compiled into the binary; English is
//! the reference and the fallback. The UI receives the same catalogue through the shell, so
//! the screen, the error messages and (later) the printed offers share one set of strings.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    It,
    Pl,
    Lt,
    Zh,
}

impl Locale {
    pub const ALL: [Locale; 5] = [Locale::En, Locale::It, Locale::Pl, Locale::Lt, Locale::Zh];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::It => "it",
            Locale::Pl => "pl",
            Locale::Lt => "lt",
            Locale::Zh => "zh",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        let code = code.trim().to_ascii_lowercase();
        let lang = code.split(['-', '_', '.']).next().unwrap_or("");
        Locale::ALL.into_iter().find(|l| l.code() == lang)
    }

    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::It => "Italiano",
            Locale::Pl => "Polski",
            Locale::Lt => "Lietuvių",
            Locale::Zh => "中文",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Locale::En => include_str!("../../i18n/en.json"),
            Locale::It => include_str!("../../i18n/it.json"),
            Locale::Pl => include_str!("../../i18n/pl.json"),
            Locale::Lt => include_str!("../../i18n/lt.json"),
            Locale::Zh => include_str!("../../i18n/zh.json"),
        }
    }

    /// Number and date conventions of the locale.
    pub fn format(self) -> LocaleFormat {
        // Polish and Lithuanian group thousands with a no-break space, as their typography does.
        let (decimal, group, date_order, date_sep) = match self {
            Locale::En => ('.', ',', DateOrder::Dmy, '/'),
            Locale::It => (',', '.', DateOrder::Dmy, '/'),
            Locale::Pl => (',', '\u{a0}', DateOrder::Dmy, '.'),
            Locale::Lt => (',', '\u{a0}', DateOrder::Ymd, '-'),
            Locale::Zh => ('.', ',', DateOrder::Ymd, '-'),
        };
        LocaleFormat { locale: self, decimal, group, date_order, date_sep }
    }
}

pub type Catalog = HashMap<String, String>;

fn catalogs() -> &'static HashMap<Locale, Catalog> {
    static CATALOGS: OnceLock<HashMap<Locale, Catalog>> = OnceLock::new();
    CATALOGS.get_or_init(|| {
        Locale::ALL
            .into_iter()
            .map(|l| {
                // The catalogues are part of the binary and checked by tests, so a parse
                // failure is a build defect, not a user error.
                let cat: Catalog = serde_json::from_str(l.source())
                    .unwrap_or_else(|e| panic!("i18n/{}.json is not valid: {e}", l.code()));
                (l, cat)
            })
            .collect()
    })
}

/// The whole catalogue of a locale, completed with English for any missing key.
pub fn catalog(locale: Locale) -> Catalog {
    let mut all = catalogs()[&Locale::En].clone();
    all.extend(catalogs()[&locale].iter().map(|(k, v)| (k.clone(), v.clone())));
    all
}

/// Translates `key`; falls back to English, then to the key itself so a gap is visible.
pub fn tr(locale: Locale, key: &str) -> &str {
    let cats = catalogs();
    cats[&locale].get(key).or_else(|| cats[&Locale::En].get(key)).map(String::as_str).unwrap_or(key)
}

/// Whether the catalogue of `locale` itself (not its English fallback) has `key`.
pub fn has_key(locale: Locale, key: &str) -> bool {
    catalogs()[&locale].contains_key(key)
}

/// Translates `key` and fills `{name}` placeholders.
pub fn trf(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = tr(locale, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// Everything the UI needs to speak a language: its strings, its formats and the choices.
#[derive(Debug, Clone, Serialize)]
pub struct UiLanguage {
    pub locale: Locale,
    pub catalog: Catalog,
    pub format: LocaleFormat,
    /// Every available language with its own name for itself.
    pub locales: Vec<(Locale, &'static str)>,
}

pub fn ui_language(locale: Locale) -> UiLanguage {
    UiLanguage {
        locale,
        catalog: catalog(locale),
        format: locale.format(),
        locales: Locale::ALL.into_iter().map(|l| (l, l.native_name())).collect(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Dmy,
    Ymd,
}

/// How a locale writes numbers and dates. Serialised for the UI, which formats with the same
/// rules instead of guessing from the WebView's own locale.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LocaleFormat {
    pub locale: Locale,
    pub decimal: char,
    pub group: char,
    pub date_order: DateOrder,
    pub date_sep: char,
}

impl LocaleFormat {
    pub fn date(&self, d: NaiveDate) -> String {
        let s = self.date_sep;
        match self.date_order {
            DateOrder::Dmy => d.format(&format!("%d{s}%m{s}%Y")).to_string(),
            DateOrder::Ymd => d.format(&format!("%Y{s}%m{s}%d")).to_string(),
        }
    }

    pub fn datetime(&self, dt: NaiveDateTime) -> String {
        format!("{} {}", self.date(dt.date()), dt.format("%H:%M"))
    }

    pub fn integer(&self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(self.group);
            }
            out.push(c);
        }
        out
    }

    /// A decimal held as integer minor units (`cents` with two decimals).
    pub fn minor_units(&self, minor: i64, decimals: u32) -> String {
        let scale = 10i64.pow(decimals);
        let whole = self.integer((minor / scale).abs());
        let sign = if minor < 0 { "-" } else { "" };
        if decimals == 0 {
            return format!("{sign}{whole}");
        }
        let frac = (minor % scale).abs();
        format!("{sign}{whole}{}{frac:0width$}", self.decimal, width = decimals as usize)
    }

    /// Money in minor units with the currency placed as the locale writes it.
    pub fn money(&self, minor: i64, currency: &str) -> String {
        let amount = self.minor_units(minor, 2);
        let symbol = currency_symbol(currency);
        match self.locale {
            // The sign goes before the symbol: "-€0.05", as a customer's document reads.
            Locale::En | Locale::Zh => match amount.strip_prefix('-') {
                Some(positive) => format!("-{symbol}{positive}"),
                None => format!("{symbol}{amount}"),
            },
            _ => format!("{amount}\u{a0}{symbol}"),
        }
    }
}

/// The currencies an amount may be in (a customer's turnover, a deal, an offer, a price seen).
pub const CURRENCIES: &[&str] = &["EUR", "PLN", "CNY", "CZK", "HUF", "RON", "GBP", "CHF", "USD"];

/// The symbol a currency is written with (its code when it has none here).
pub fn currency_symbol(currency: &str) -> &str {
    match currency {
        "EUR" => "€",
        "PLN" => "zł",
        "CNY" => "¥",
        "GBP" => "£",
        "USD" => "$",
        other => other,
    }
}

/// A text in several languages, by locale code (`"en"`, `"it"`, …).
pub type Names = std::collections::BTreeMap<String, String>;

/// The text for `locale`, else English, else any: a name typed in one language only still
/// shows in the others.
pub fn name_in<'a>(names: &'a Names, locale: &str) -> &'a str {
    names
        .get(locale)
        .filter(|s| !s.is_empty())
        .or_else(|| names.get("en").filter(|s| !s.is_empty()))
        .or_else(|| names.values().find(|s| !s.is_empty()))
        .map(String::as_str)
        .unwrap_or("")
}

pub(crate) fn names(en: &str, it: &str, pl: &str, lt: &str, zh: &str) -> Names {
    [("en", en), ("it", it), ("pl", pl), ("lt", lt), ("zh", zh)]
        .into_iter()
        .map(|(l, s)| (l.to_string(), s.to_string()))
        .collect()
}

/// Names as typed: inner runs of spaces made one, empty languages dropped.
pub(crate) fn clean_names(n: &mut Names) {
    for v in n.values_mut() {
        *v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    n.retain(|k, v| !v.is_empty() && k.len() <= 8);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(s: &str) -> Vec<&str> {
        let mut out: Vec<&str> = s.split('{').skip(1).filter_map(|p| p.split('}').next()).collect();
        out.sort_unstable();
        out
    }

    #[test]
    fn every_catalogue_has_every_english_key_with_the_same_placeholders() {
        let en = &catalogs()[&Locale::En];
        for locale in Locale::ALL {
            let cat = &catalogs()[&locale];
            let missing: Vec<_> = en.keys().filter(|k| !cat.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", locale.code());
            let extra: Vec<_> = cat.keys().filter(|k| !en.contains_key(*k)).collect();
            assert!(extra.is_empty(), "{} has keys English lacks: {extra:?}", locale.code());
            for (k, v) in cat {
                assert!(!v.trim().is_empty(), "{}:{k} is empty", locale.code());
                assert_eq!(placeholders(v), placeholders(&en[k]), "{}:{k} placeholders", locale.code());
            }
        }
    }

    /// Every quoted `"<prefix>.…"` literal in the files under `dir` with one of `exts`.
    fn literal_keys(dir: &std::path::Path, exts: &[&str], prefixes: &[&str], out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                literal_keys(&path, exts, prefixes, out);
                continue;
            }
            if !exts.iter().any(|e| path.extension().is_some_and(|x| x == *e)) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for quote in ['"', '\'', '`'] {
                for piece in text.split(quote).skip(1).step_by(2) {
                    let is_key = prefixes.iter().any(|p| piece.starts_with(p))
                        && piece.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
                        && !piece.ends_with('.');
                    if is_key {
                        out.push((path.display().to_string(), piece.to_string()));
                    }
                }
            }
        }
    }

    /// A key used in code but missing from the catalogue would show up raw on screen.
    #[test]
    fn every_key_the_code_and_the_screens_use_is_in_the_catalogue() {
        let en = &catalogs()[&Locale::En];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = Vec::new();
        literal_keys(&root.join("src"), &["rs"], &["validation.", "error.", "vat."], &mut used);
        let ui = root.join("../../ui");
        let prefixes: Vec<String> = en.keys().filter_map(|k| k.split('.').next()).map(|p| format!("{p}.")).collect();
        let prefixes: Vec<&str> = prefixes.iter().map(String::as_str).collect();
        literal_keys(&ui, &["js", "html"], &prefixes, &mut used);
        assert!(used.len() > 100, "the scan found too little: {}", used.len());
        let missing: Vec<_> = used.iter().filter(|(_, k)| !en.contains_key(k)).collect();
        assert!(missing.is_empty(), "keys missing from en.json: {missing:?}");
    }

    #[test]
    fn translates_with_placeholders_and_falls_back_to_the_key() {
        assert!(trf(Locale::En, "error.duplicate_vat", &[("name", "Acme")]).contains("Acme"));
        assert_eq!(tr(Locale::Pl, "no.such.key"), "no.such.key");
    }

    #[test]
    fn parses_locale_tags() {
        assert_eq!(Locale::parse("pl_PL.UTF-8"), Some(Locale::Pl));
        assert_eq!(Locale::parse("zh-CN"), Some(Locale::Zh));
        assert_eq!(Locale::parse("de"), None);
    }

    #[test]
    fn formats_numbers_dates_and_money_per_locale() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(Locale::En.format().date(d), "07/03/2026");
        assert_eq!(Locale::It.format().date(d), "07/03/2026");
        assert_eq!(Locale::Pl.format().date(d), "07.03.2026");
        assert_eq!(Locale::Lt.format().date(d), "2026-03-07");
        assert_eq!(Locale::Zh.format().date(d), "2026-03-07");
        assert_eq!(Locale::It.format().integer(1234567), "1.234.567");
        assert_eq!(Locale::Pl.format().integer(-1234), "-1\u{a0}234");
        assert_eq!(Locale::En.format().integer(999), "999");
        assert_eq!(Locale::It.format().money(123456, "EUR"), "1.234,56\u{a0}€");
        assert_eq!(Locale::En.format().money(-5, "EUR"), "-€0.05");
        assert_eq!(Locale::Zh.format().money(-1_343_358, "CNY"), "-¥13,433.58");
        assert_eq!(Locale::Pl.format().money(100000, "PLN"), "1\u{a0}000,00\u{a0}zł");
        assert_eq!(Locale::Zh.format().money(99, "CNY"), "¥0.99");
    }
}
