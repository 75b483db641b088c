//! Text cells of files a spreadsheet opens (exports, reports, lists): one rule for what could
//! run as a formula or a DDE command, which gets a leading `'` so it shows as the text it is.

use std::borrow::Cow;

/// The cell as a file holds it: with a leading `'` when a spreadsheet could run it, or when it
/// already starts with `'` before such a text (so that reading it back gives every text exactly).
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if escaped(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// A cell read back: the `'` [`neutralise`] put before it comes off.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if escaped(rest) => rest,
        _ => cell,
    }
}

fn escaped(value: &str) -> bool {
    could_run(value) || value.strip_prefix('\'').is_some_and(escaped)
}

/// Whether a spreadsheet could take the cell for a formula (or a DDE command): it starts with
/// `=`, `+`, `-`, `@`, a tab, a carriage return or a line feed. A cell of only digits, spaces
/// and `+ - ( ) . , /` (a number such as `-5`, a phone number such as `+39 02 1234`) cannot
/// call anything and stays as it is, so numbers stay numbers.
pub fn could_run(value: &str) -> bool {
    let Some(first) = value.chars().next() else { return false };
    match first {
        '=' | '@' | '\t' | '\r' | '\n' => true,
        '+' | '-' => !value.chars().all(|c| c.is_ascii_digit() || " +-()./,".contains(c)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_and_phones_are_not() {
        for bad in ["=1+1", "=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|x", "@SUM(A1)", "\tx", "\r", "\nx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"), "{bad:?}");
            assert_eq!(unneutralise(&neutralise(bad)), bad);
        }
        for tricky in ["'=1+1", "''@x"] {
            assert_eq!(neutralise(tricky), format!("'{tricky}"));
            assert_eq!(unneutralise(&neutralise(tricky)), tricky);
        }
        for fine in ["-5", "+39 02 1234 5678", "-1.234,5", "Rossi", "", "'quoted", "(02) 123"] {
            assert_eq!(neutralise(fine), fine, "{fine:?}");
            assert_eq!(unneutralise(fine), fine);
        }
    }
}
