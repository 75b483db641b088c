//! One file per command: its arguments with their `--help` text, and what it does.

pub mod agenda; // a user's open actions by bucket
pub mod backup; // a verified backup of the file, or the list of backups
pub mod bench; // latency figures on a demo office, printed
pub mod campaign; // a campaign and its results
pub mod check; // integrity, schema version, row counts
pub mod crash; // crash-test and the crash-writer it kills
pub mod customers; // every customer card
pub mod demo; // a reproducible demo dealership
pub mod export; // an export profile's changed rows into a file
pub mod funnel; // the funnel, forecasts and lead funnel
pub mod import; // a file checked and imported with an import profile
pub mod man; // the man page
pub mod migrate_store; // an office copied between a file and a server
pub mod offer_pdf; // an offer's PDF
pub mod offers; // the offers list
pub mod price_import; // the price list from CSV
pub mod profiles; // the exchange profiles, and who says one is missing
pub mod renewals; // the renewal radar
pub mod report; // a manager's report as JSON, CSV or a workbook
pub mod restore; // a backup restored into the file
pub mod search; // customers matching a text
pub mod segment; // a saved segment's customers, and who says one is missing
pub mod share; // market share (QM)
pub mod snapshot; // the month end's forecast kept
pub mod visit_pack; // a day's visit pack PDF
