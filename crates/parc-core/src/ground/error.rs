//! The one error type of the core. Each variant is something the UI can explain to a person;
//! `code()` is what the UI branches on and `message()` is the translated text it shows.

use std::borrow::Cow;

use crate::ground::i18n::{self, Locale};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One invalid field of a form: the field's name as the UI knows it and a translation key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// A form field's name; user-defined fields are named `custom.<id>`.
    pub field: Cow<'static, str>,
    pub key: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<Cow<'static, str>>, key: &'static str) -> FieldError {
        FieldError { field: field.into(), key }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: i64 },

    /// Every invalid field at once, so the form can mark them all in one go.
    #[error("invalid input: {}", .0.iter().map(|e| format!("{} ({})", e.field, e.key)).collect::<Vec<_>>().join(", "))]
    Validation(Vec<FieldError>),

    #[error("VAT id already belongs to customer {existing_id} ({existing_name})")]
    DuplicateVat { existing_id: i64, existing_name: String },

    /// Someone else saved the record after it was loaded; saving would overwrite their change.
    #[error("{entity} {id} was changed by someone else")]
    Conflict { entity: &'static str, id: i64 },

    #[error("{path} is not a Parc database")]
    NotParcDatabase { path: String },

    #[error("database schema version {found} is newer than this program supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },

    #[error("database integrity check failed: {0}")]
    Corrupt(String),

    /// Only the office's sales manager may do this (define fields, change settings of all).
    #[error("only the sales manager may do this")]
    ManagerOnly,

    /// The operation with this idempotency key was applied before (see `Store::once`).
    #[error("operation {key} was already applied at {applied_at}")]
    AlreadyApplied { key: String, applied_at: String },

    /// The offer's status does not allow this (a sent offer is never edited, only revised);
    /// `key` is the catalogue key that says why.
    #[error("the offer's status does not allow this ({key})")]
    OfferState { key: &'static str },

    /// The person stopped long work (an import being checked or written); nothing was saved.
    #[error("cancelled")]
    Cancelled,

    /// A copy between stores goes only into an empty database.
    #[error("the destination database is not empty")]
    StoreNotEmpty,

    /// The database server could not be used; `problem` says what a person can do about it.
    #[error("cannot use the database server ({problem:?}): {detail}")]
    Connection { problem: ConnectionProblem, detail: String },

    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),

    #[error(transparent)]
    Io(#[from] std::io::Error),

    #[error(transparent)]
    Postgres(#[from] postgres::Error),
}

/// Why a database server could not be used, as far as a person can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionProblem {
    /// No server answers at that address (wrong host or port, server down, firewall).
    Unreachable,
    /// The server refused the user name or password.
    BadPassword,
    /// The server has no database of that name.
    DatabaseMissing,
    /// The address itself cannot be read.
    BadAddress,
}

impl Error {
    pub fn invalid(field: &'static str, key: &'static str) -> Self {
        Error::Validation(vec![FieldError::new(field, key)])
    }

    /// Stable machine-readable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Validation(_) => "validation",
            Error::DuplicateVat { .. } => "duplicate_vat",
            Error::Conflict { .. } => "conflict",
            Error::NotParcDatabase { .. } => "not_parc_database",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::Corrupt(_) => "corrupt",
            Error::ManagerOnly => "manager_only",
            Error::StoreNotEmpty => "store_not_empty",
            Error::Cancelled => "cancelled",
            Error::AlreadyApplied { .. } => "already_applied",
            Error::OfferState { .. } => "offer_state",
            Error::Connection { .. } => "connection",
            Error::Sqlite(e) if is_locked(e) => "busy",
            Error::Sqlite(e) if is_corrupt(e) => "corrupt",
            Error::Sqlite(_) | Error::Io(_) | Error::Postgres(_) => "internal",
        }
    }

    /// The short text a person reads, in their language. Internal errors get a generic
    /// sentence; their detail belongs in the log, not on screen.
    pub fn message(&self, locale: Locale) -> String {
        let t = |key| i18n::tr(locale, key).to_string();
        match self {
            Error::NotFound { .. } => t("error.not_found"),
            Error::Validation(fields) => match fields.as_slice() {
                [one] => t(one.key),
                _ => t("error.validation"),
            },
            Error::DuplicateVat { existing_name, .. } => {
                i18n::trf(locale, "error.duplicate_vat", &[("name", existing_name)])
            }
            Error::Conflict { .. } => t("error.conflict"),
            Error::NotParcDatabase { path } => i18n::trf(locale, "error.not_parc_database", &[("path", path)]),
            Error::SchemaTooNew { found, supported } => i18n::trf(
                locale,
                "error.schema_too_new",
                &[("found", &found.to_string()), ("supported", &supported.to_string())],
            ),
            Error::Corrupt(_) => t("error.corrupt"),
            Error::ManagerOnly => t("error.manager_only"),
            Error::StoreNotEmpty => t("error.store_not_empty"),
            Error::Cancelled => t("error.cancelled"),
            Error::AlreadyApplied { .. } => t("error.already_applied"),
            Error::OfferState { key } => t(key),
            Error::Connection { problem, .. } => t(match problem {
                ConnectionProblem::Unreachable => "error.connection.unreachable",
                ConnectionProblem::BadPassword => "error.connection.bad_password",
                ConnectionProblem::DatabaseMissing => "error.connection.database_missing",
                ConnectionProblem::BadAddress => "error.connection.bad_address",
            }),
            Error::Sqlite(e) if is_locked(e) => t("error.busy"),
            Error::Sqlite(e) if is_corrupt(e) => t("error.corrupt"),
            Error::Sqlite(_) | Error::Io(_) | Error::Postgres(_) => t("error.internal"),
        }
    }
}

/// SQLite found damaged pages: the file needs a backup, not a retry.
fn is_corrupt(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt))
}

fn is_locked(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}
