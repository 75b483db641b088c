//! Shape and check-digit validation of VAT / tax ids, e-mail addresses and phone numbers.
//!
//! Everything here is a pure function over `&str` with no I/O, and none of it panics on any
//! input: ids are only indexed after they are known to be ASCII.
//!
//! Real check-digit algorithms exist for IT, PL, LT and CN; the other EU member states (plus
//! GB and CH) get a format check only, and any other country a loose "looks like an id" check,
//! so that a customer from anywhere can always be saved.

/// Why a VAT id, e-mail or phone is not acceptable. Each variant maps to a translation key (see `key()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VatProblem {
    Empty,
    BadFormat,
    BadCheckDigit,
    UnknownCountry,
}

impl VatProblem {
    /// The translation key the UI shows for this problem.
    pub fn key(self) -> &'static str {
        match self {
            VatProblem::Empty => "vat.empty",
            VatProblem::BadFormat => "vat.bad_format",
            VatProblem::BadCheckDigit => "vat.bad_check_digit",
            VatProblem::UnknownCountry => "vat.unknown_country",
        }
    }
}

/// Normalises a VAT id as typed: strip spaces, dots, dashes, slashes; uppercase; strip a leading
/// two-letter country prefix equal to `country` (e.g. "IT 123..." with country "IT"; note Greece
/// uses "EL" as prefix for country "GR"). Returns the bare national number.
///
/// For GB the Northern Ireland prefix "XI" is stripped too, and for CH a trailing language
/// suffix ("MWST", "TVA", "IVA", "TPV") printed after Swiss VAT numbers is dropped.
/// Note that "CHE-123.456.789" therefore normalises to "E123456789" for country CH.
pub fn normalize_vat(country: &str, raw: &str) -> String {
    let country = canonical_country(country);
    let cleaned = clean(&country, raw);
    strip_country_prefix(&country, &cleaned).to_owned()
}

/// Validates a VAT/tax id for an ISO 3166-1 alpha-2 country (uppercase or lowercase accepted).
///
/// * `Empty` when nothing but separators (or only the country prefix) was typed;
/// * `UnknownCountry` when `country` is not two ASCII letters at all;
/// * `BadFormat` for a wrong length or character;
/// * `BadCheckDigit` when the shape is right but the check digit/char is not (IT, PL, LT, CN).
///
/// Countries without a rule here are accepted when the id is 2..=20 ASCII letters/digits:
/// an unfamiliar country must never stop a customer from being saved.
pub fn validate_vat(country: &str, raw: &str) -> Result<(), VatProblem> {
    let country = canonical_country(country);
    let cleaned = clean(&country, raw);
    let bare = strip_country_prefix(&country, &cleaned);
    if bare.is_empty() {
        return Err(VatProblem::Empty);
    }
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(VatProblem::UnknownCountry);
    }
    match check_national(&country, bare) {
        Ok(()) => Ok(()),
        // A national number may itself begin with the country's letters (a French key "FR",
        // a Swiss "CHE..." typed without the "CH" prefix); give the unstripped form a chance.
        // If only the unstripped form has the right shape, its verdict is the informative one.
        Err(problem) if bare.len() != cleaned.len() => match check_national(&country, &cleaned) {
            Ok(()) => Ok(()),
            Err(VatProblem::BadCheckDigit) => Err(VatProblem::BadCheckDigit),
            Err(_) => Err(problem),
        },
        Err(problem) => Err(problem),
    }
}

/// Compute a valid check digit/char so demo-data generators can produce valid ids: given the
/// body without the check character, return the full normalised id. Supported: "IT" (10-digit
/// body), "PL" (9-digit body; `None` if the remainder would be 10), "LT" (8-digit body for the
/// 9-digit form, whose 8th digit must be '1'; an 11-digit body with 11th digit '1' gives the
/// 12-digit form), "CN" (17-char body). Others, or a body of the wrong shape, → `None`.
pub fn complete_vat(country: &str, body: &str) -> Option<String> {
    let country = canonical_country(country);
    let body = clean(&country, body);
    let check = match country.as_str() {
        "IT" if is_digits(&body, 10) => it_check_digit(body.as_bytes()),
        "PL" if is_digits(&body, 9) => pl_check_digit(body.as_bytes())?,
        "LT" if lt_body_ok(&body) => lt_check_digit(body.as_bytes()),
        "CN" if cn_body_ok(&body) => cn_check_char(body.as_bytes())?,
        _ => return None,
    };
    let mut id = body;
    id.push(char::from(check));
    Some(id)
}

/// E-mail shape: one '@', non-empty local part without spaces, domain with a dot, labels of
/// [A-Za-z0-9-] or non-ASCII characters (IDN), no leading/trailing dot or hyphen in labels,
/// total <= 254. Returns false on spaces, missing parts, "a@b", "a@.com", "a@b..com".
///
/// Deliberately a shape check, not RFC 5322: quoted local parts and IP-literal domains are
/// rejected, and deliverability is the mail server's business.
pub fn is_valid_email(s: &str) -> bool {
    // RFC 5321 limits: 254 octets for the whole path, 64 for the local part, 63 for a label.
    if s.len() > 254 {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty()
        || local.len() > 64
        || domain.contains('@')
        || local.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || !labels.iter().all(|label| is_domain_label(label)) {
        return false;
    }
    // No top-level domain is numeric; "a@10.0.0.1" is an IP address, not a mail domain.
    labels.last().is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

/// Phone shape: optional leading '+', then digits with optional spaces, dots, dashes, slashes,
/// parentheses; 6..=15 digits in total (E.164 max 15). Extension like " ext. 12" or " wew. 12"
/// NOT supported – keep it simple.
///
/// Surrounding whitespace is ignored; parentheses must pair up and not nest, as in
/// "+44 (0)20 7946 0958".
pub fn is_valid_phone(s: &str) -> bool {
    let s = s.trim();
    let rest = s.strip_prefix('+').unwrap_or(s);
    let mut digits = 0usize;
    let mut in_parens = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => digits += 1,
            ' ' | '.' | '-' | '/' => {}
            '(' if !in_parens => in_parens = true,
            ')' if in_parens => in_parens = false,
            _ => return false,
        }
    }
    !in_parens && (6..=15).contains(&digits)
}

// ---------------------------------------------------------------------------------------------
// Normalisation helpers
// ---------------------------------------------------------------------------------------------

/// Uppercased, trimmed country code; "EL" (the prefix Greece uses in VIES) is taken as "GR".
fn canonical_country(country: &str) -> String {
    let country = country.trim().to_ascii_uppercase();
    if country == "EL" {
        "GR".to_owned()
    } else {
        country
    }
}

/// Separators people type or paste inside ids: whitespace (including no-break spaces),
/// dots, slashes, the colon after a prefix ("IT: 0123…", also full-width) and the hyphen with
/// its typographic look-alikes.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '-' | '/' | ':' | '\u{FF1A}' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
        )
}

/// Drops separators and uppercases; for CH also drops the language suffix of the VAT number.
fn clean(country: &str, raw: &str) -> String {
    let mut cleaned: String = raw.chars().filter(|&c| !is_separator(c)).flat_map(char::to_uppercase).collect();
    if country == "CH" {
        for suffix in ["MWST", "TVA", "IVA", "TPV"] {
            if let Some(stripped) = cleaned.strip_suffix(suffix) {
                cleaned.truncate(stripped.len());
                break;
            }
        }
    }
    cleaned
}

/// The prefixes under which `country`'s ids are written in VAT contexts (VIES and invoices).
fn country_prefixes(country: &str) -> &[&str] {
    match country {
        "GR" => &["EL", "GR"],
        "GB" => &["GB", "XI"],
        _ => &[],
    }
}

fn strip_country_prefix<'a>(country: &str, cleaned: &'a str) -> &'a str {
    let mut prefixes = country_prefixes(country).iter().copied();
    let own = (country.len() == 2).then_some(country);
    prefixes
        .find_map(|p| cleaned.strip_prefix(p))
        .or_else(|| own.and_then(|p| cleaned.strip_prefix(p)))
        .unwrap_or(cleaned)
}

// ---------------------------------------------------------------------------------------------
// Per-country rules
// ---------------------------------------------------------------------------------------------

/// Checks an already normalised national number (uppercase, no separators, no prefix).
fn check_national(country: &str, id: &str) -> Result<(), VatProblem> {
    let ok = match country {
        "IT" => return check_it(id),
        "PL" => return check_pl(id),
        "LT" => return check_lt(id),
        "CN" => return check_cn(id),
        "AT" => shape(id, "U99999999"),
        "BE" => is_digits(id, 10) && matches!(id.as_bytes().first(), Some(b'0' | b'1')),
        "BG" => is_digits_in(id, 9, 10),
        "CY" => shape(id, "99999999A"),
        "CZ" => is_digits_in(id, 8, 10),
        "DE" | "EE" | "GR" | "PT" => is_digits(id, 9),
        "DK" | "FI" | "HU" | "LU" | "MT" | "SI" => is_digits(id, 8),
        "ES" => shape(id, "X9999999X"),
        "FR" => shape(id, "XX999999999"),
        "HR" | "LV" => is_digits(id, 11),
        "IE" => ["9999999A", "9999999AA", "9A99999A", "9+99999A", "9*99999A"].iter().any(|pattern| shape(id, pattern)),
        "NL" => shape(id, "999999999B99"),
        "RO" => is_digits_in(id, 2, 10),
        "SE" => is_digits(id, 12),
        "SK" => is_digits(id, 10),
        "GB" => is_digits(id, 9) || is_digits(id, 12),
        "CH" => shape(id, "E999999999") || shape(id, "CHE999999999"),
        _ => (2..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()),
    };
    if ok {
        Ok(())
    } else {
        Err(VatProblem::BadFormat)
    }
}

/// Compares `id` against a fixed-length pattern: '9' is an ASCII digit, 'A' an ASCII uppercase
/// letter, 'X' either; any other pattern byte must appear literally. Byte-wise, so a non-ASCII
/// id simply fails to match.
fn shape(id: &str, pattern: &str) -> bool {
    id.len() == pattern.len()
        && id.bytes().zip(pattern.bytes()).all(|(b, p)| match p {
            b'9' => b.is_ascii_digit(),
            b'A' => b.is_ascii_uppercase(),
            b'X' => b.is_ascii_digit() || b.is_ascii_uppercase(),
            literal => b == literal,
        })
}

fn is_digits(id: &str, len: usize) -> bool {
    is_digits_in(id, len, len)
}

fn is_digits_in(id: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// Value of an ASCII digit; callers check digits first, but a stray byte counts as 0, not a panic.
fn digit(b: u8) -> u32 {
    char::from(b).to_digit(10).unwrap_or(0)
}

fn check_digit_matches(id: &[u8], expected: Option<u8>) -> Result<(), VatProblem> {
    if id.last().copied() == expected {
        Ok(())
    } else {
        Err(VatProblem::BadCheckDigit)
    }
}

// IT: partita IVA, 11 digits, the last a Luhn check digit over the first 10.

fn check_it(id: &str) -> Result<(), VatProblem> {
    if !is_digits(id, 11) {
        return Err(VatProblem::BadFormat);
    }
    let bytes = id.as_bytes();
    check_digit_matches(bytes, Some(it_check_digit(&bytes[..10])))
}

/// Luhn: digits in even 1-based positions are doubled (minus 9 when two-digit).
fn it_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let d = digit(b);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    b'0' + ((10 - sum % 10) % 10) as u8
}

// PL: NIP, 10 digits, weighted sum mod 11 of the first 9 gives the last.

fn check_pl(id: &str) -> Result<(), VatProblem> {
    if !is_digits(id, 10) {
        return Err(VatProblem::BadFormat);
    }
    let bytes = id.as_bytes();
    // A body whose remainder is 10 has no valid NIP at all, so any last digit is wrong.
    check_digit_matches(bytes, pl_check_digit(&bytes[..9]))
}

fn pl_check_digit(body: &[u8]) -> Option<u8> {
    const WEIGHTS: [u32; 9] = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(&b, w)| digit(b) * w).sum();
    let rem = sum % 11;
    (rem < 10).then(|| b'0' + rem as u8)
}

// LT: PVM mokėtojo kodas, 9 digits (legal entities, 8th digit '1') or 12 digits (temporary
// taxpayers, 11th digit '1'); mod-11 check digit with a second pass when the first gives 10.

fn check_lt(id: &str) -> Result<(), VatProblem> {
    let body = id.get(..id.len().saturating_sub(1)).unwrap_or_default();
    if !(is_digits(id, 9) || is_digits(id, 12)) || !lt_body_ok(body) {
        return Err(VatProblem::BadFormat);
    }
    check_digit_matches(id.as_bytes(), Some(lt_check_digit(body.as_bytes())))
}

/// The body (id without check digit) is 8 or 11 digits and its last digit is the fixed '1'.
fn lt_body_ok(body: &str) -> bool {
    (is_digits(body, 8) || is_digits(body, 11)) && body.ends_with('1')
}

fn lt_check_digit(body: &[u8]) -> u8 {
    // Weights run 1..=9 and wrap back to 1; the second pass starts at 3 instead.
    let weighted = |offset: usize| -> u32 {
        body.iter().enumerate().map(|(i, &b)| (1 + ((i + offset) % 9) as u32) * digit(b)).sum::<u32>() % 11
    };
    let mut rem = weighted(0);
    if rem == 10 {
        rem = weighted(2);
    }
    b'0' + (rem % 10) as u8
}

// CN: unified social credit code (GB 32100-2015), 18 chars from a 31-symbol alphabet without
// I, O, S, V, Z; characters 3..=8 are the numeric administrative division code; the last is a
// mod-31 check character.

const CN_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn check_cn(id: &str) -> Result<(), VatProblem> {
    let body = id.get(..17).unwrap_or_default();
    let last_ok = id.as_bytes().get(17).is_some_and(|b| CN_ALPHABET.contains(b));
    if id.len() != 18 || !last_ok || !cn_body_ok(body) {
        return Err(VatProblem::BadFormat);
    }
    check_digit_matches(id.as_bytes(), cn_check_char(body.as_bytes()))
}

fn cn_body_ok(body: &str) -> bool {
    let bytes = body.as_bytes();
    bytes.len() == 17 && bytes.iter().all(|b| CN_ALPHABET.contains(b)) && bytes[2..8].iter().all(u8::is_ascii_digit)
}

/// `None` only if a character is outside the alphabet, which callers have already excluded.
fn cn_check_char(body: &[u8]) -> Option<u8> {
    // 3^i mod 31 for i = 0..17.
    const WEIGHTS: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let mut sum = 0usize;
    for (&b, w) in body.iter().zip(WEIGHTS) {
        sum += CN_ALPHABET.iter().position(|&c| c == b)? * w;
    }
    CN_ALPHABET.get((31 - sum % 31) % 31).copied()
}

// ---------------------------------------------------------------------------------------------
// E-mail helpers
// ---------------------------------------------------------------------------------------------

/// One DNS label: ASCII letters, digits and inner hyphens, or non-ASCII characters for
/// internationalised domains. Any non-ASCII character that is not whitespace or a control is
/// allowed because IDN labels legitimately contain combining marks (e.g. the Devanagari
/// virama), which `char::is_alphanumeric` rejects.
fn is_domain_label(label: &str) -> bool {
    !label.is_empty()
        && label.chars().count() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || (!c.is_ascii() && !c.is_whitespace() && !c.is_control()))
}

/// Control characters in one-line text: never typed, and they break lists, CSV files and
/// printed offers (an escape sequence, a NUL). Refused.
pub fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// In text of several lines (notes, what was agreed), line breaks and tabs are allowed and
/// every other control character is refused.
pub fn has_control_in_lines(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests;
