//! Countries as an office meets them: the office's home country (an office setting, the
//! country of a customer when nothing else says) and the country a file means when it writes
//! "Polska", "POL" or "United States" (see [`lookup`]).

use celes::LookupTable;

use crate::ground::error::{Error, Result};

/// Countries offered in the form, in this order; each has a `country.XX` translation.
/// Any other ISO code is still accepted from imports.
pub const COUNTRIES: &[&str] = &[
    "IT", "PL", "LT", "CN", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR",
    "HU", "IE", "LU", "LV", "MT", "NL", "PT", "RO", "SE", "SI", "SK", "UA",
];

/// The office setting holding the home country, as JSON text (`"PL"`, or `null` when unset).
pub const HOME_KEY: &str = "office.home_country";

/// The home country as it will be stored: an ISO code of the form's list (any case, trimmed),
/// or `None` for an empty text (no home country).
pub fn home_validated(code: &str) -> Result<Option<String>> {
    let code = code.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Ok(None);
    }
    if COUNTRIES.contains(&code.as_str()) {
        Ok(Some(code))
    } else {
        Err(Error::invalid("home_country", "validation.country"))
    }
}

/// Names a file may give a country besides ISO's (and its English names, which come from the
/// ISO table) and the catalogue's names in the five languages: names in the country's own
/// language, and common short forms.
const OTHER_NAMES: &[(&str, &str)] = &[
    ("Deutschland", "DE"),
    ("Österreich", "AT"),
    ("España", "ES"),
    ("Nederland", "NL"),
    ("Holland", "NL"),
    ("België", "BE"),
    ("Belgique", "BE"),
    ("Schweiz", "CH"),
    ("Suisse", "CH"),
    ("Svizzera", "CH"),
    ("Česko", "CZ"),
    ("Česká republika", "CZ"),
    ("Czechia", "CZ"),
    ("Czech Republic", "CZ"),
    ("Slovensko", "SK"),
    ("Magyarország", "HU"),
    ("România", "RO"),
    ("България", "BG"),
    ("Hrvatska", "HR"),
    ("Slovenija", "SI"),
    ("Latvija", "LV"),
    ("Eesti", "EE"),
    ("Suomi", "FI"),
    ("Sverige", "SE"),
    ("Danmark", "DK"),
    ("Norge", "NO"),
    ("Éire", "IE"),
    ("Ελλάδα", "GR"),
    ("Hellas", "GR"),
    ("Κύπρος", "CY"),
    ("Україна", "UA"),
    ("Ukraina", "UA"),
    ("Rzeczpospolita Polska", "PL"),
    ("Repubblica Italiana", "IT"),
    ("Lietuvos Respublika", "LT"),
    ("中华人民共和国", "CN"),
    ("PRC", "CN"),
    ("P.R. China", "CN"),
    ("People's Republic of China", "CN"),
    ("China", "CN"),
    ("United States", "US"),
    ("United States of America", "US"),
    ("America", "US"),
    ("Stati Uniti", "US"),
    ("Stany Zjednoczone", "US"),
    ("JAV", "US"),
    ("美国", "US"),
    ("United Kingdom", "GB"),
    ("Great Britain", "GB"),
    ("England", "GB"),
    ("Scotland", "GB"),
    ("Wales", "GB"),
    ("UK", "GB"),
    ("Regno Unito", "GB"),
    ("Wielka Brytania", "GB"),
    ("Russia", "RU"),
    ("Rosja", "RU"),
    ("Russland", "RU"),
    ("South Africa", "ZA"),
    ("Turkey", "TR"),
    ("Türkiye", "TR"),
    ("Turcja", "TR"),
    ("Turchia", "TR"),
    ("Norway", "NO"),
    ("Norwegia", "NO"),
    ("Norvegia", "NO"),
    ("Belarus", "BY"),
    ("Białoruś", "BY"),
    ("Baltarusija", "BY"),
    ("Hong Kong", "HK"),
    ("香港", "HK"),
    ("Taiwan", "TW"),
    ("台湾", "TW"),
    ("日本", "JP"),
    ("德国", "DE"),
    ("法国", "FR"),
    ("英国", "GB"),
    ("俄罗斯", "RU"),
];

/// A name as compared: folded, without a leading "The", letters and digits only.
fn key(text: &str) -> String {
    let folded = crate::ground::search_key::fold(text);
    crate::ground::search_key::fold_compact(folded.strip_prefix("the ").unwrap_or(&folded))
}

/// Every name a country is looked up by, folded and compacted → its ISO alpha-2 code.
fn names() -> &'static std::collections::HashMap<String, String> {
    static NAMES: std::sync::OnceLock<std::collections::HashMap<String, String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut map = std::collections::HashMap::new();
        // ISO's table first: alpha-3 codes and the English names; what follows wins.
        for c in celes::Country::get_countries() {
            let code = c.alpha2.to_string();
            map.insert(key(c.alpha3), code.clone());
            map.insert(key(c.long_name), code.clone());
            for alias in c.aliases.iter() {
                map.insert(key(alias), code.clone());
            }
        }
        for (name, code) in OTHER_NAMES {
            map.insert(key(name), code.to_string());
        }
        for code in COUNTRIES {
            for l in crate::ground::i18n::Locale::ALL {
                let catalogue_key = format!("country.{code}");
                map.insert(key(crate::ground::i18n::tr(l, &catalogue_key)), code.to_string());
            }
        }
        map.remove("");
        map
    })
}

/// The ISO alpha-2 code a file's cell means: a code (`pl`, `POL`, "UK" and "EL" as GB and GR),
/// or a country's name in one of Parc's languages, in English or in its own ("Polska",
/// "Italia", "Lietuva", "中国", "United States", "Deutschland"), in any case and spacing.
/// `None` when the text names no country.
pub fn lookup(text: &str) -> Option<String> {
    let text = text.trim();
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic()) {
        let code = text.to_ascii_uppercase();
        return match code.as_str() {
            "UK" => Some("GB".into()),
            "EL" => Some("GR".into()),
            // Kosovo's user-assigned code, used by the EU.
            "XK" => Some(code),
            _ => celes::Country::from_alpha2(&code).ok().map(|_| code),
        };
    }
    names().get(&key(text)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_understood_as_people_write_them() {
        for (text, code) in [
            ("PL", "PL"),
            ("pl", "PL"),
            ("POL", "PL"),
            ("Polska", "PL"),
            ("Poland", "PL"),
            ("POLSKA", "PL"),
            ("Polonia", "PL"),
            ("Lenkija", "PL"),
            ("波兰", "PL"),
            ("Italia", "IT"),
            ("ITA", "IT"),
            ("Italy", "IT"),
            ("Włochy", "IT"),
            ("Lietuva", "LT"),
            ("Lithuania", "LT"),
            ("Litwa", "LT"),
            ("LTU", "LT"),
            ("中国", "CN"),
            ("China", "CN"),
            ("CHN", "CN"),
            ("United States", "US"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("South Africa", "ZA"),
            ("Deutschland", "DE"),
            ("Germany", "DE"),
            ("UK", "GB"),
            ("United Kingdom", "GB"),
            ("EL", "GR"),
            ("  france ", "FR"),
            ("Czech Republic", "CZ"),
        ] {
            assert_eq!(lookup(text).as_deref(), Some(code), "{text}");
        }
        for text in ["", "Narnia", "ZZ", "1", "Pol ska land"] {
            assert_eq!(lookup(text), None, "{text}");
        }
    }

    #[test]
    fn the_home_country_is_one_of_the_list() {
        assert_eq!(home_validated(" it ").unwrap().as_deref(), Some("IT"));
        assert_eq!(home_validated("").unwrap(), None);
        assert!(home_validated("Italy").is_err());
        assert!(home_validated("ZZ").is_err());
    }
}
