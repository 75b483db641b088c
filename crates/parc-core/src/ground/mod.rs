//! The ground floor: what every feature builds on and which depends on no feature (errors and
//! their translations, dates, search keys, tax ids and e-mail checks, countries, the CSV formula
//! rule, atomic file writes, Excel workbooks, the audit trail's diff).

pub mod atomic;
pub mod audit;
pub mod country;
pub mod dates;
pub mod error;
pub mod formula;
pub mod i18n;
pub mod search_key;
pub mod vat;
pub mod workbook;
