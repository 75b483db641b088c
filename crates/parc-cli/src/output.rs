//! What `parc-cli` prints: JSON on stdout, problems on stderr as a sentence of the catalogue in
//! the workstation's language followed by its key (what a script or a support call needs).

use parc_core::ground::i18n::{self, Locale};
use parc_core::Error;

/// Prints one line of output; false when nobody reads it any more (`parc-cli … | head`).
pub fn print_line(line: &dyn std::fmt::Display) -> bool {
    use std::io::Write;
    writeln!(std::io::stdout().lock(), "{line}").is_ok()
}

/// Prints a sentence of the catalogue in `locale` on stderr, with its key after it.
pub fn say(locale: Locale, key: &str, args: &[(&str, &str)]) {
    eprintln!("parc-cli: {} ({key})", i18n::trf(locale, key, args));
}

/// An error as a person reads it, in the workstation's language, with what a script or a
/// support call needs after it: each invalid field's sentence and key, or the error's code and
/// detail.
pub fn error_text(e: &Error, locale: Locale) -> String {
    match e {
        Error::Validation(fields) => fields
            .iter()
            .map(|f| format!("{} ({}: {})", i18n::tr(locale, f.key), f.field, f.key))
            .collect::<Vec<_>>()
            .join("; "),
        _ => format!("{} ({}: {e})", e.message(locale), e.code()),
    }
}
