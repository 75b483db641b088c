//! Folding text into a search key: lower case, accents dropped, letters that Unicode does not
//! decompose (ł, đ, ø, ß…) mapped by hand. Customers are indexed by their folded key and
//! queries are folded the same way, so "lodz" finds "Łódź" and "siauliai" finds "Šiauliai".
//! We fold in Rust rather than with FTS5's `remove_diacritics`, which keeps `ł` and, on a
//! trigram table, stops LIKE from using the index. Chinese characters pass through unchanged.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds free text (names, cities, e-mail).
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return fold_ascii(text);
    }
    fold_unicode(text)
}

/// [`fold`] of ASCII text, which has nothing to decompose: an import folds several cells of
/// every row, and Unicode decomposition was most of its checking time.
fn fold_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for b in text.bytes() {
        if (b as char).is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        last_space = false;
        out.push(if b == b'`' { '\'' } else { b.to_ascii_lowercase() as char });
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn fold_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        last_space = false;
        match c {
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            'ø' | 'Ø' => out.push('o'),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ı' => out.push('i'),
            // Typographic quotes and dashes fold to their ASCII forms: "D'Angelo" == "D’Angelo".
            '\u{2018}' | '\u{2019}' | '`' => out.push('\''),
            '\u{2010}'..='\u{2015}' => out.push('-'),
            c => out.extend(c.to_lowercase()),
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Keeps only letters and digits, folded: VAT ids and phones are searched as typed with or
/// without their spaces, dots and dashes ("02 123" finds "+39 02-1234").
pub fn fold_compact(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The text a query is matched against: free-text parts folded, numbers compacted.
pub fn customer_key(free_text: &[&str], compact: &[&str]) -> String {
    let mut key = String::new();
    for part in free_text.iter().map(|p| fold(p)).chain(compact.iter().map(|p| fold_compact(p))) {
        if !part.is_empty() {
            // A separator no query can contain, so a match never spans two fields.
            if !key.is_empty() {
                key.push('\u{1f}');
            }
            key.push_str(&part);
        }
    }
    key
}

/// A query folded for matching: a query that looks like a phone number or VAT id
/// (digits with separators) is compacted to match the compacted fields.
pub fn fold_query(query: &str) -> String {
    let q = query.trim();
    let looks_numeric =
        q.chars().any(|c| c.is_ascii_digit()) && q.chars().all(|c| c.is_ascii_digit() || " +-./()".contains(c));
    if looks_numeric {
        fold_compact(q)
    } else {
        fold(q)
    }
}

/// Chinese, Japanese and Korean characters: words without spaces, so each character is
/// indexed as a word of its own.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// The key as words for the word index (FTS5 `unicode61`): CJK characters spaced apart, so a
/// one- or two-character Chinese query is an indexed phrase, and Latin words can be matched
/// by prefix. Short queries use it; the trigram index cannot answer under three characters.
pub fn words_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + key.len() / 2);
    for c in key.chars() {
        if is_cjk(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The words of a text as the word index sees them: runs of letters and digits, with every
/// CJK character a word of its own.
pub fn word_tokens(text: &str) -> Vec<String> {
    words_key(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// A search query split into terms; every term must match. Each store turns the plan into its
/// own index query (FTS5 on SQLite, pg_trgm and tsquery on PostgreSQL), so what matches is
/// decided here, once.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct QueryPlan {
    /// Terms of three or more characters: each matches as a substring of the key.
    pub substrings: Vec<String>,
    /// Shorter terms, as word tokens: the tokens match consecutive words, the last as a prefix.
    pub word_prefixes: Vec<Vec<String>>,
    /// The whole folded query, to rank names that start with it first.
    pub folded: String,
}

impl QueryPlan {
    pub fn is_empty(&self) -> bool {
        self.substrings.is_empty() && self.word_prefixes.is_empty()
    }
}

pub fn plan_query(query: &str) -> QueryPlan {
    let folded = fold_query(query);
    let mut plan = QueryPlan::default();
    for term in folded.split(' ').filter(|t| !t.is_empty()) {
        if term.chars().count() >= 3 {
            plan.substrings.push(term.to_string());
        } else {
            let tokens = word_tokens(term);
            if !tokens.is_empty() {
                plan.word_prefixes.push(tokens);
            }
        }
    }
    plan.folded = folded;
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ascii_folds_as_the_unicode_path_does(text in "[\\x00-\\x7f]{0,40}") {
            proptest::prop_assert_eq!(fold_ascii(&text), fold_unicode(&text));
        }
    }

    #[test]
    fn folds_polish_lithuanian_italian_and_keeps_chinese() {
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("Šiauliai"), "siauliai");
        assert_eq!(fold("KRAKÓW  Zażółć gęślą jaźń"), "krakow zazolc gesla jazn");
        assert_eq!(fold("Città di Forlì"), "citta di forli");
        assert_eq!(fold("Klaipėda Ūkis Ąžuolas Įmonė Čia"), "klaipeda ukis azuolas imone cia");
        assert_eq!(fold("上海 物流"), "上海 物流");
        assert_eq!(fold("Straße Ørsted Đakovo"), "strasse orsted dakovo");
        assert_eq!(fold("D’Angelo – Trasporti"), "d'angelo - trasporti");
    }

    #[test]
    fn full_width_forms_fold_to_ascii() {
        assert_eq!(fold("ＡＢＣ１２"), "abc12");
    }

    #[test]
    fn cjk_characters_become_words_of_their_own() {
        assert_eq!(words_key("上海顺达 trans"), " 上  海  顺  达  trans");
        assert!(!is_cjk('ł'));
    }

    #[test]
    fn plans_long_terms_as_substrings_and_short_ones_as_word_prefixes() {
        let p = plan_query("Trans Łó 上海");
        assert_eq!(p.substrings, ["trans"]);
        assert_eq!(p.word_prefixes, [vec!["lo"], vec!["上", "海"]]);
        let p = plan_query("a\" OR \"b \"quoted\"");
        assert_eq!(p.substrings, ["\"quoted\""]);
        assert_eq!(p.word_prefixes, [vec!["a"], vec!["or"], vec!["b"]]);
        assert!(plan_query("  ").is_empty());
        assert!(plan_query("-").is_empty(), "punctuation alone matches no word");
        assert_eq!(word_tokens("info@cargo-1.it 上海"), ["info", "cargo", "1", "it", "上", "海"]);
    }

    #[test]
    fn numbers_compact_in_keys_and_queries() {
        let key = customer_key(&["Trans Łódź"], &["PL 526-104-08-28", "+48 42 123 45 67"]);
        assert_eq!(key, "trans lodz\u{1f}pl5261040828\u{1f}48421234567");
        assert_eq!(fold_query(" 42 123 "), "42123");
        assert_eq!(fold_query("A4 Trans"), "a4 trans");
        assert!(key.contains(&fold_query("526-104")));
    }
}
