//! The commands the page calls, a file per area of the product. Each command parses its
//! arguments, calls one parc-core function and returns its value or an `ApiError`.

pub(crate) mod exchange;
