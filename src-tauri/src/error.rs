//! The error as the page sees it: a stable code to branch on, a message in the workstation's
//! language, and the invalid fields. Every command returns [`ApiResult`].

use parc_core::fleet::Saved;
use parc_core::ground::i18n::{self, Locale};
use parc_core::Error;
use serde::Serialize;

/// An error as the UI sees it: a code to branch on and a translated message to show.
#[derive(Debug, Serialize)]
pub struct ApiError {
    code: &'static str,
    pub(crate) message: String,
    /// Invalid fields with their translated messages, for marking the form.
    fields: Vec<FieldMessage>,
    /// The customer that already holds a VAT id, so the UI can link to it.
    existing: Option<ExistingRecord>,
}

#[derive(Debug, Serialize)]
struct ExistingRecord {
    id: i64,
    name: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct FieldMessage {
    field: String,
    message: String,
}

impl ApiError {
    pub(crate) fn new(err: &Error, locale: Locale) -> ApiError {
        if err.code() == "internal" {
            // The person sees a short sentence; the detail goes to the log for support.
            eprintln!("parc: internal error: {err:?}");
        }
        let fields = match err {
            Error::Validation(fields) => fields
                .iter()
                .map(|f| FieldMessage { field: f.field.to_string(), message: i18n::tr(locale, f.key).to_string() })
                .collect(),
            _ => Vec::new(),
        };
        let existing = match err {
            Error::DuplicateVat { existing_id, existing_name } => {
                Some(ExistingRecord { id: *existing_id, name: existing_name.clone() })
            }
            _ => None,
        };
        ApiError { code: err.code(), message: err.message(locale), fields, existing }
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// A saved record with the warnings it was saved with, translated like field errors.
#[derive(Debug, Serialize)]
pub(crate) struct SavedWithWarnings<T> {
    saved: T,
    warnings: Vec<FieldMessage>,
}

impl<T> SavedWithWarnings<T> {
    pub(crate) fn new(s: Saved<T>, locale: Locale) -> Self {
        let warnings = s
            .warnings
            .iter()
            .map(|w| FieldMessage { field: w.field.to_string(), message: i18n::tr(locale, w.key).to_string() })
            .collect();
        SavedWithWarnings { saved: s.saved, warnings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_reach_the_ui_as_code_message_and_fields() {
        let err = Error::invalid("vat_id", "vat.bad_check_digit");
        let json = serde_json::to_value(ApiError::new(&err, Locale::En)).unwrap();
        assert_eq!(json["code"], "validation");
        assert_eq!(json["fields"][0]["field"], "vat_id");
        assert!(!json["fields"][0]["message"].as_str().unwrap().contains("vat."), "translated: {json}");
        let dup = Error::DuplicateVat { existing_id: 7, existing_name: "Rossi".into() };
        let json = serde_json::to_value(ApiError::new(&dup, Locale::It)).unwrap();
        assert_eq!(json["code"], "duplicate_vat");
        assert_eq!(json["existing"]["id"], 7);
        assert_eq!(json["existing"]["name"], "Rossi");
        assert!(json["message"].as_str().unwrap().contains("Rossi"));
    }
}
