//! Importing a CSV file: customers with their people, fleet lines, or competitor sightings.
//!
//! An import is planned whole before anything is written: the file is decoded (its encoding
//! and separator detected unless chosen), its columns mapped to fields, and every row checked
//! with the same rules as the forms ([`CustomerData::validated`], the VAT, e-mail and VIN
//! checks, numbers and dates in the file's format) and matched against the stored data:
//!
//! - a customer is found by its ERP code or its VAT id (the natural keys) and updated, or left
//!   alone when the row says nothing new; an empty cell never erases what Parc has;
//! - a customer without a key that looks like a stored one (the same name, give or take a
//!   letter and its legal form, in the same city) is a possible duplicate: skipped unless the
//!   person chooses to update that customer or to create a new one;
//! - rows of one customer (the same key, or the same customer cells) add its people;
//! - fleet lines are matched by VIN, else by being identical; sightings by being identical.
//!
//! So importing the same file twice creates nothing the second time. The accepted rows are
//! then written in one transaction (all or nothing); the rejected ones go to a CSV file with
//! the reason, for fixing and importing again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::customer::custom_field::{CustomField, FieldKind};
use crate::customer::person::{PersonData, DECISION_ROLES};
use crate::customer::{Customer, CustomerData, BUSINESS_TYPES};
use crate::exchange::csv_file::{self, CsvWriter};
use crate::exchange::format::{self, Encoding, FileFormat};
use crate::exchange::store::CustomerRef;
use crate::exchange::store::ImportWrite;
use crate::exchange::store::{self as rows, CustomerKey};
use crate::exchange::workbook;
use crate::exchange::{fields, vocabulary, Entity, FieldDef, ProfileSettings, Progress, Stage, PERSON_FIELDS};
use crate::fleet::competitor::{CompetitorData, SightingData};
use crate::fleet::{FleetLineData, OWNERSHIPS};
use crate::funnel::deal::ReasonSettings;
use crate::ground::atomic::Partial;
use crate::ground::audit;
use crate::ground::country;
use crate::ground::error::{Error, FieldError, Result};
use crate::ground::i18n::{self, Locale};
use crate::ground::search_key::fold;
use crate::ground::vat;
use crate::storage::Store;

mod customers;
mod lines;
mod matching;
mod plan;
mod read;
#[cfg(test)]
mod shared_tests;
#[cfg(test)]
mod tests;

use customers::*;
use lines::*;
pub(super) use matching::one_edit_apart;
use matching::*;
use plan::*;
use read::*;

/// What to do with a row that may duplicate a stored customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action", content = "target")]
pub enum Decision {
    Skip,
    /// Update that stored customer with the row (`0`: the one stored customer it resembles,
    /// when there is exactly one).
    Update(i64),
    /// Create a new customer all the same.
    Create,
}

/// What to import and how to read the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportOptions {
    pub entity: Entity,
    /// The column mapping (file header → field) and the file's format.
    pub settings: ProfileSettings,
    /// Chosen by the person, else detected (when `settings.detect`) or the profile's.
    #[serde(default)]
    pub encoding: Option<Encoding>,
    #[serde(default)]
    pub delimiter: Option<char>,
    /// Decisions on possible duplicates, by the row's line in the file.
    #[serde(default)]
    pub decisions: BTreeMap<usize, Decision>,
    /// For possible duplicates without a decision (skip unless told otherwise).
    #[serde(default = "skip")]
    pub duplicates: Decision,
    /// A workbook's sheet to read; the first with data when none is chosen.
    #[serde(default)]
    pub sheet: Option<String>,
    /// Values for the whole file, by field key ([`DEFAULTABLE`]): each fills its field in every
    /// row where the file gives none ("every customer of this file is in Poland").
    #[serde(default)]
    pub defaults: BTreeMap<String, String>,
}

/// The fields a value for the whole file can be given for.
pub const DEFAULTABLE: &[&str] = &["country", "owner", "lead_source", "turnover_currency", "business_type"];

impl ImportOptions {
    /// A file of `entity` read with `settings`: encoding and separator as the settings say
    /// (or detected), possible duplicates skipped, no whole-file values, the first sheet.
    pub fn new(entity: Entity, settings: ProfileSettings) -> ImportOptions {
        ImportOptions {
            entity,
            settings,
            encoding: None,
            delimiter: None,
            decisions: BTreeMap::new(),
            duplicates: Decision::Skip,
            defaults: Default::default(),
            sheet: None,
        }
    }
}

fn skip() -> Decision {
    Decision::Skip
}

/// The start of a file, as the wizard shows it before the import is checked.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub encoding: Encoding,
    pub delimiter: char,
    /// Bytes invalid in the encoding: probably the wrong one.
    pub malformed: bool,
    pub headers: Vec<String>,
    /// The first data rows.
    pub rows: Vec<Vec<String>>,
    /// Data rows in the whole file.
    pub total_rows: usize,
    /// The field each column goes to (from the profile, else by its header), by column.
    pub mapping: Vec<Option<String>>,
    /// A workbook's visible sheets (empty for a text file) and the one read.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// The header's line (a title above it is skipped), from 1.
    pub header_line: usize,
    /// By column: the field was guessed from a header only close to one of its names.
    pub guessed: Vec<bool>,
    /// The office's home country, which a customer without one gets.
    pub home_country: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    Create,
    Update,
    Unchanged,
    /// May be a stored customer: needs a decision (skipped without one).
    Duplicate,
    Skip,
    Rejected,
}

/// A problem of a row, for the person and for the rejected rows' file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// The file's header of the column.
    pub column: String,
    pub field: String,
    pub key: &'static str,
    /// Translated.
    pub message: String,
}

/// A stored customer a row may duplicate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub vat_id: String,
    pub erp_code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowReport {
    /// The row's line in the file (from 1, the header being line 1).
    pub line: usize,
    pub status: RowStatus,
    /// What the row is about (a customer's name, a vehicle, a product).
    pub label: String,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub candidates: Vec<Candidate>,
    /// The stored customer the row updates or refers to.
    pub target: Option<i64>,
    /// The fields an update changes.
    pub changed: Vec<String>,
}

/// What an import would do, row by row.
#[derive(Debug, Clone, Serialize)]
pub struct ImportCheck {
    pub entity: Entity,
    pub encoding: Encoding,
    pub delimiter: char,
    pub rows: usize,
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    pub skipped: usize,
    pub rejected: usize,
    /// Every row that is not a plain create or unchanged (rejected, duplicates, updates,
    /// skipped), at most [`REPORTED`].
    pub reports: Vec<RowReport>,
    pub truncated: bool,
    /// The headers of the columns nothing is imported from (a column without a header is
    /// named by its position, `#3`).
    pub unmapped: Vec<String>,
}

/// At most this many rows are described one by one.
pub const REPORTED: usize = 5000;

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    #[serde(flatten)]
    pub check: ImportCheck,
    pub customers_created: usize,
    pub customers_updated: usize,
    pub people_created: usize,
    pub people_updated: usize,
    pub lines_created: usize,
    pub lines_updated: usize,
    pub sightings_created: usize,
    pub competitors_created: usize,
    pub prices_created: usize,
    pub prices_updated: usize,
    /// The rejected rows with their reasons, to fix and import again.
    pub rejected_file: Option<String>,
    pub seconds: f64,
}

/// Reads the start of a file for the wizard: encoding and separator (chosen or detected),
/// headers, the first rows and the suggested mapping.
pub fn preview(
    store: &mut Store,
    bytes: &[u8],
    entity: Entity,
    settings: &ProfileSettings,
    encoding: Option<Encoding>,
    delimiter: Option<char>,
    locale: Locale,
) -> Result<Preview> {
    preview_sheet(store, bytes, entity, settings, encoding, delimiter, None, locale)
}

/// [`preview`] of a workbook's sheet `sheet` (the first with data when `None`).
#[allow(clippy::too_many_arguments)]
pub fn preview_sheet(
    store: &mut Store,
    bytes: &[u8],
    entity: Entity,
    settings: &ProfileSettings,
    encoding: Option<Encoding>,
    delimiter: Option<char>,
    sheet: Option<&str>,
    locale: Locale,
) -> Result<Preview> {
    let custom = store.custom_fields()?;
    let defs = import_fields(entity, &custom);
    let file = read(bytes, settings, &defs, encoding, delimiter, sheet, locale)?;
    let (columns, guessed) = map_columns_guessing(&file.headers, settings, &defs, file.positional);
    let mapping = columns.into_iter().map(|m| m.map(|(def, _)| def.key.clone())).collect();
    let home_country = store.home_country()?;
    Ok(Preview {
        encoding: file.encoding,
        delimiter: file.delimiter,
        malformed: file.malformed,
        headers: file.headers,
        rows: file.rows.iter().take(10).map(|(_, r)| r.clone()).collect(),
        total_rows: file.rows.len(),
        mapping,
        sheets: file.sheets,
        sheet: file.sheet,
        header_line: file.header_line,
        guessed,
        home_country,
    })
}

/// Checks every row of the file without writing anything.
pub fn check(
    store: &mut Store,
    bytes: &[u8],
    options: &ImportOptions,
    locale: Locale,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportCheck> {
    check_with_cancel(store, bytes, options, locale, progress, &AtomicBool::new(false))
}

/// [`check`], stopped with [`Error::Cancelled`] once `cancel` is set (looked at every 1,000
/// rows, when progress is told).
pub fn check_with_cancel(
    store: &mut Store,
    bytes: &[u8],
    options: &ImportOptions,
    locale: Locale,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<ImportCheck> {
    Ok(plan(store, bytes, options, locale, &mut watch(progress, cancel))?.check)
}

/// Tells the progress, then whether to go on: `Err(Cancelled)` once `cancel` is set.
fn watch<'a>(progress: &'a mut dyn FnMut(Progress), cancel: &'a AtomicBool) -> impl FnMut(Progress) -> Result<()> + 'a {
    move |p| {
        progress(p);
        if cancel.load(Ordering::Relaxed) {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Checks every row, then writes the accepted ones in one transaction (all or nothing) and
/// the rejected ones, with their reasons, to `rejected` (default: beside `source`, when there
/// is one; the file is not written when every row was accepted).
pub fn commit(
    store: &mut Store,
    bytes: &[u8],
    options: &ImportOptions,
    locale: Locale,
    source: Option<&Path>,
    rejected: Option<&Path>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    commit_with_cancel(store, bytes, options, locale, source, rejected, progress, &AtomicBool::new(false))
}

/// [`commit`], stopped with [`Error::Cancelled`] once `cancel` is set: while checking nothing
/// has been written; while writing (looked at between batches of rows) the one transaction
/// is rolled back, so nothing is written either.
#[allow(clippy::too_many_arguments)]
pub fn commit_with_cancel(
    store: &mut Store,
    bytes: &[u8],
    options: &ImportOptions,
    locale: Locale,
    source: Option<&Path>,
    rejected: Option<&Path>,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    let progress = &mut watch(progress, cancel);
    let started = Instant::now();
    if options.entity == Entity::PriceList {
        // As for the price list screen: only the sales manager changes the prices.
        let me = store.actor();
        store.require_manager(me)?;
    }
    let plan = plan(store, bytes, options, locale, progress)?;
    let total = plan.write.rows();
    progress(Progress { stage: Stage::Writing, done: 0, total })?;
    let w = &plan.write;
    let mut counts = ImportReport {
        check: plan.check.clone(),
        customers_created: w.new_customers.len(),
        customers_updated: w.customer_updates.len(),
        people_created: w.new_people.len(),
        people_updated: w.person_updates.len(),
        lines_created: w.new_lines.len(),
        lines_updated: w.line_updates.len(),
        sightings_created: w.new_sightings.len(),
        competitors_created: w.new_competitors.len(),
        prices_created: w.new_items.len(),
        prices_updated: w.item_updates.len(),
        rejected_file: None,
        seconds: 0.0,
    };
    if total > 0 {
        store.apply_import(w, &mut |done| progress(Progress { stage: Stage::Writing, done, total }))?;
    }
    if !plan.rejected.is_empty() {
        let path = match (rejected, source) {
            (Some(p), _) => Some(p.to_path_buf()),
            (None, Some(src)) => Some(rejected_path(src)),
            (None, None) => None,
        };
        if let Some(path) = path {
            write_rejected(&path, &plan.headers, &plan.rejected, plan.delimiter)?;
            counts.rejected_file = Some(path.display().to_string());
        }
    }
    counts.seconds = started.elapsed().as_secs_f64();
    Ok(counts)
}

/// `orders.csv` → `orders-rejected.csv` in the same folder.
pub fn rejected_path(source: &Path) -> PathBuf {
    let stem = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "import".into());
    source.with_file_name(format!("{stem}-rejected.csv"))
}

/// The rejected rows as they were, with a last column saying what is wrong.
fn write_rejected(path: &Path, headers: &[String], rows: &[(Vec<String>, String)], delimiter: char) -> Result<()> {
    let format = FileFormat { delimiter, ..Default::default() };
    let (partial, file) = Partial::create(path)?;
    let mut w = CsvWriter::new(file, &format)?;
    let mut head: Vec<String> = headers.to_vec();
    head.push("error".into());
    w.record(&head)?;
    for (cells, reason) in rows {
        let mut line: Vec<String> = cells.iter().map(|c| format.text(c).into_owned()).collect();
        line.resize(headers.len().max(line.len()), String::new());
        line.push(reason.clone());
        w.record(&line)?;
    }
    partial.commit(w.into_inner()?)?;
    Ok(())
}
