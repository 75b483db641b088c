//! The commands the page calls, a file per area of the product. Each command parses its
//! arguments, calls one parc-core function and returns its value or an `ApiError`.

pub(crate) mod backups;
pub(crate) mod contacts;
pub(crate) mod customers;
pub(crate) mod database;
pub(crate) mod deals;
pub(crate) mod exchange;
pub(crate) mod fleet;
pub(crate) mod offers;
pub(crate) mod people;
pub(crate) mod reports;
pub(crate) mod segments;
pub(crate) mod settings;
pub(crate) mod users;

#[cfg(test)]
mod tests;
