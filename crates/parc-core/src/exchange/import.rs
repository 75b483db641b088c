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

use super::csv_file::{self, CsvWriter};
use super::format::{self, Encoding, FileFormat};
use super::workbook;
use super::{fields, vocabulary, Entity, FieldDef, ProfileSettings, Progress, Stage, PERSON_FIELDS};
use crate::atomic::Partial;
use crate::audit;
use crate::competitor::{CompetitorData, SightingData};
use crate::country;
use crate::custom_field::{CustomField, FieldKind};
use crate::customer::{Customer, CustomerData, BUSINESS_TYPES};
use crate::deal::ReasonSettings;
use crate::error::{Error, FieldError, Result};
use crate::fleet::{FleetLineData, OWNERSHIPS};
use crate::i18n::{self, Locale};
use crate::person::{PersonData, DECISION_ROLES};
use crate::search_key::fold;
use crate::storage::exchange::{self as rows, CustomerKey};
use crate::storage::{CustomerRef, ImportWrite, Store};
use crate::vat;

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

// --- reading and mapping ---

struct FileRows {
    encoding: Encoding,
    delimiter: char,
    malformed: bool,
    headers: Vec<String>,
    /// Without a header line, columns are mapped by position.
    positional: bool,
    rows: Vec<(usize, Vec<String>)>,
    /// A workbook's visible sheets and the one read.
    sheets: Vec<String>,
    sheet: Option<String>,
    header_line: usize,
}

fn locale_encoding(locale: Locale) -> Option<Encoding> {
    match locale {
        Locale::Pl => Some(Encoding::Windows1250),
        Locale::Lt => Some(Encoding::Windows1257),
        Locale::It => Some(Encoding::Windows1252),
        _ => None,
    }
}

/// A file as headers and rows: a workbook's sheet (told by its content, whatever its name)
/// with its cells' types, or a CSV file decoded.
fn read(
    bytes: &[u8],
    settings: &ProfileSettings,
    defs: &[FieldDef],
    encoding: Option<Encoding>,
    delimiter: Option<char>,
    sheet: Option<&str>,
    locale: Locale,
) -> Result<FileRows> {
    let f = &settings.format;
    if workbook::is_workbook(bytes) {
        let book = workbook::read(bytes, sheet, f.decimal)?;
        let (headers, positional, header_line, rows) = split_header(book.rows, settings, defs);
        return Ok(FileRows {
            encoding: Encoding::Utf8,
            // The rejected rows of a workbook go to a CSV file with the profile's separator.
            delimiter: f.delimiter,
            malformed: false,
            headers,
            positional,
            rows,
            sheets: book.sheets,
            sheet: Some(book.sheet),
            header_line,
        });
    }
    let encoding = encoding.unwrap_or_else(|| {
        if settings.detect {
            csv_file::detect_encoding(bytes, locale_encoding(locale))
        } else {
            f.encoding
        }
    });
    let decoded = csv_file::decode(bytes, Some(encoding));
    let delimiter = delimiter.filter(|d| format::DELIMITERS.contains(d)).unwrap_or_else(|| {
        if settings.detect {
            csv_file::detect_delimiter(&decoded.text)
        } else {
            f.delimiter
        }
    });
    let rows = csv_file::records(&decoded.text, delimiter);
    let (headers, positional, header_line, rows) = split_header(rows, settings, defs);
    Ok(FileRows {
        encoding: decoded.encoding,
        delimiter,
        malformed: decoded.malformed,
        headers,
        positional,
        rows,
        sheets: Vec::new(),
        sheet: None,
        header_line,
    })
}

/// Headers and data rows: the header is the first line that looks like one, so a title
/// ("Elenco clienti al 30/11/2026") and blank lines above it are skipped. Without a header,
/// columns are named by position.
#[allow(clippy::type_complexity)]
fn split_header(
    mut rows: Vec<(usize, Vec<String>)>,
    settings: &ProfileSettings,
    defs: &[FieldDef],
) -> (Vec<String>, bool, usize, Vec<(usize, Vec<String>)>) {
    if settings.format.header && !rows.is_empty() {
        let at = header_index(&rows, settings, defs);
        let mut rest = rows.split_off(at);
        let (line, cells) = rest.remove(0);
        let headers = cells.into_iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect();
        (headers, false, line, rest)
    } else {
        let n = rows.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
        ((1..=n).map(|i| format!("#{i}")).collect(), true, 0, rows)
    }
}

/// Which of the first rows is the header. A title above it names no field; the header is the
/// first row of two cells or more naming a field (as the mapping reads headers), else the first
/// row with most columns filled (at least half as many cells as the fullest of the first rows)
/// and mostly words rather than numbers or dates, below rows of one cell only. The first row
/// when none fits.
fn header_index(rows: &[(usize, Vec<String>)], settings: &ProfileSettings, defs: &[FieldDef]) -> usize {
    const LOOK: usize = 20;
    let filled = |r: &[String]| r.iter().filter(|c| !c.trim().is_empty()).count();
    let names = |r: &[String]| {
        let cells: Vec<String> = r.iter().map(|c| c.trim().to_string()).collect();
        // A guess (a header only close to a name) does not make a header: a value could be close.
        let (columns, guessed) = map_columns_guessing(&cells, settings, defs, false);
        columns.iter().zip(&guessed).any(|(c, g)| c.is_some() && !g)
    };
    if let Some(i) = rows.iter().take(LOOK).position(|(_, r)| filled(r) >= 2 && names(r)) {
        return i;
    }
    let widest = rows.iter().take(50).map(|(_, r)| filled(r)).max().unwrap_or(0);
    let wanted = widest.div_ceil(2).max(2);
    let wordy = |r: &[String]| {
        let values = r.iter().filter(|c| {
            let c = c.trim();
            !c.is_empty() && c.chars().all(|ch| ch.is_ascii_digit() || " .,-/:+'".contains(ch))
        });
        values.count() * 2 < filled(r)
    };
    let titles = rows.iter().take(LOOK).take_while(|(_, r)| filled(r) <= 1).count();
    match rows.get(titles) {
        Some((_, r)) if titles < LOOK && filled(r) >= wanted && wordy(r) => titles,
        _ => 0,
    }
}

fn import_fields(entity: Entity, custom: &[CustomField]) -> Vec<FieldDef> {
    fields(entity, custom).into_iter().filter(|f| f.import).collect()
}

/// The field of each column: by the profile (its header, or its position in a file without
/// headers), else a header that names a field (its key, its label in any language, or a name
/// of [`vocabulary`]), else one close to a name (a guess).
fn map_columns<'a>(
    headers: &[String],
    settings: &ProfileSettings,
    defs: &'a [FieldDef],
    positional: bool,
) -> Vec<Option<(&'a FieldDef, String)>> {
    map_columns_guessing(headers, settings, defs, positional).0
}

/// Each column's field and header, when it has one.
type Columns<'a> = Vec<Option<(&'a FieldDef, String)>>;

/// [`map_columns`], and by column whether its field was guessed. Each field goes to one column:
/// the profile's first, then whole names, then second-choice names, then guesses.
fn map_columns_guessing<'a>(
    headers: &[String],
    settings: &ProfileSettings,
    defs: &'a [FieldDef],
    positional: bool,
) -> (Columns<'a>, Vec<bool>) {
    let def_of = |key: &str| defs.iter().find(|d| d.key == key);
    let mut fields: Vec<Option<&'a FieldDef>> = vec![None; headers.len()];
    let mut guessed = vec![false; headers.len()];
    let mut taken: HashSet<&str> = HashSet::new();
    let mut decided = vec![false; headers.len()];
    // The profile's columns (a column it names with no field stays out: the person said so).
    for (i, header) in headers.iter().enumerate() {
        let folded = fold(header);
        let by_profile = if positional {
            settings.columns.get(i).map(|c| c.field.as_str())
        } else {
            settings.columns.iter().find(|c| fold(&c.header) == folded).map(|c| c.field.as_str())
        };
        if let Some(field) = by_profile {
            decided[i] = true;
            if let Some(d) = def_of(field).filter(|d| taken.insert(d.key.as_str())) {
                fields[i] = Some(d);
            }
        }
    }
    if !positional || settings.columns.is_empty() {
        let named = |header: &str| {
            let folded = fold(header);
            defs.iter()
                .find(|d| {
                    fold(&d.key) == folded
                        || Locale::ALL.iter().any(|l| names_it(i18n::tr(*l, &d.label), &folded))
                        || (d.key.starts_with("custom.") && fold(&d.label) == folded)
                })
                .or_else(|| vocabulary::exact(header).and_then(def_of))
        };
        // Whole names, then second choices, then guesses: the likeliest field no column has.
        for pass in 0..3 {
            for (i, header) in headers.iter().enumerate() {
                if decided[i] {
                    continue;
                }
                let candidates: Vec<&'a FieldDef> = match pass {
                    0 => named(header).into_iter().collect(),
                    1 => vocabulary::secondary(header).and_then(def_of).into_iter().collect(),
                    _ => vocabulary::close_all(header).into_iter().filter_map(def_of).collect(),
                };
                let found = candidates.into_iter().find(|d| !taken.contains(d.key.as_str()));
                if let Some(d) = found {
                    taken.insert(d.key.as_str());
                    fields[i] = Some(d);
                    decided[i] = true;
                    guessed[i] = pass == 2;
                }
            }
        }
        // A file of people (first and last names): its contact columns are the person's.
        if taken.contains("person_first_name") || taken.contains("person_last_name") {
            for (i, header) in headers.iter().enumerate() {
                let Some(d) = fields[i] else { continue };
                let by_profile = settings.columns.iter().any(|c| fold(&c.header) == fold(header));
                if let Some(own) = vocabulary::personal(&d.key, header).filter(|_| !by_profile) {
                    if let Some(p) = def_of(own).filter(|p| !taken.contains(p.key.as_str())) {
                        taken.remove(d.key.as_str());
                        taken.insert(p.key.as_str());
                        fields[i] = Some(p);
                    }
                }
            }
        }
    }
    let out = fields.into_iter().zip(headers).map(|(d, h)| d.map(|d| (d, h.clone()))).collect();
    (out, guessed)
}

/// Whether a header names a label: the whole of it, or one of its names ("Partita IVA" for
/// "Partita IVA / codice fiscale").
fn names_it(label: &str, folded_header: &str) -> bool {
    fold(label) == folded_header || label.split('/').any(|part| fold(part.trim()) == folded_header)
}

/// One row's mapped cells, trimmed, a neutralising `'` taken off.
struct Cells<'a> {
    cells: &'a [String],
    columns: &'a [Option<(&'a FieldDef, String)>],
    format: &'a FileFormat,
}

impl<'a> Cells<'a> {
    /// The non-empty cells of mapped columns: (field, header, value).
    fn iter(&self) -> impl Iterator<Item = (&'a FieldDef, &'a str, &'a str)> + '_ {
        self.columns.iter().enumerate().filter_map(move |(i, m)| {
            let (def, header) = m.as_ref()?;
            let value = self.format.untext(self.cells.get(i)?.trim());
            (!value.is_empty()).then_some((*def, header.as_str(), value))
        })
    }

    fn get(&self, key: &str) -> Option<&'a str> {
        // A field has at most one column: find it, then read only its cell.
        let i = self.columns.iter().position(|m| m.as_ref().is_some_and(|(d, _)| d.key == key))?;
        let value = self.format.untext(self.cells.get(i)?.trim());
        (!value.is_empty()).then_some(value)
    }

    fn mapped(&self, key: &str) -> bool {
        self.columns.iter().flatten().any(|(d, _)| d.key == key)
    }

    /// The row's person's name: its own column, else the first and last names together.
    fn person_name(&self) -> Option<String> {
        if let Some(name) = self.get("person_name") {
            return Some(name.to_string());
        }
        let parts: Vec<&str> = ["person_first_name", "person_last_name"].iter().filter_map(|k| self.get(k)).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

// --- planning ---

struct Plan {
    check: ImportCheck,
    write: ImportWrite,
    headers: Vec<String>,
    delimiter: char,
    /// Rejected rows as they were, with the reason.
    rejected: Vec<(Vec<String>, String)>,
}

/// A row's outcome while planning.
struct Outcome {
    line: usize,
    status: RowStatus,
    label: String,
    problems: Vec<FieldError>,
    warnings: Vec<FieldError>,
    candidates: Vec<Candidate>,
    target: Option<i64>,
    changed: Vec<String>,
}

impl Outcome {
    fn new(line: usize) -> Outcome {
        Outcome {
            line,
            status: RowStatus::Create,
            label: String::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
            candidates: Vec::new(),
            target: None,
            changed: Vec::new(),
        }
    }

    fn reject(&mut self, field: impl Into<std::borrow::Cow<'static, str>>, key: &'static str) {
        self.problems.push(FieldError::new(field, key));
        self.status = RowStatus::Rejected;
    }
}

fn plan(
    store: &mut Store,
    bytes: &[u8],
    options: &ImportOptions,
    locale: Locale,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Plan> {
    progress(Progress { stage: Stage::Reading, done: 0, total: bytes.len() as u64 })?;
    if !options.entity.can_import() {
        return Err(Error::invalid("entity", "validation.choice"));
    }
    let problems = options.settings.format.problems();
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let custom = store.custom_fields()?;
    let defs = import_fields(options.entity, &custom);
    let file =
        read(bytes, &options.settings, &defs, options.encoding, options.delimiter, options.sheet.as_deref(), locale)?;
    let columns = map_columns(&file.headers, &options.settings, &defs, file.positional);
    if columns.iter().all(Option::is_none) && !file.rows.is_empty() {
        return Err(Error::invalid("columns", "validation.exchange_nothing_mapped"));
    }
    let format = FileFormat { delimiter: file.delimiter, ..options.settings.format.clone() };
    let total = file.rows.len() as u64;
    progress(Progress { stage: Stage::Checking, done: 0, total })?;
    let mut ctx = Context::load(store, custom)?;
    if !options.defaults.is_empty() {
        ctx.defaults = file_values(&ctx, &defs, &options.defaults, &format)?;
    }
    let unmapped: Vec<String> = columns
        .iter()
        .enumerate()
        .filter(|(_, m)| m.is_none())
        .filter_map(|(i, _)| match file.headers[i].trim() {
            "" if file.rows.iter().any(|(_, r)| r.get(i).is_some_and(|c| !c.trim().is_empty())) => {
                Some(format!("#{}", i + 1))
            }
            "" => None,
            h => Some(h.to_string()),
        })
        .collect();
    let mut write = ImportWrite::default();
    let rows: Vec<Cells> =
        file.rows.iter().map(|(_, r)| Cells { cells: r, columns: &columns, format: &format }).collect();
    let lines: Vec<usize> = file.rows.iter().map(|(l, _)| *l).collect();
    let outcomes = match options.entity {
        Entity::Customers => plan_customers(store, &mut ctx, &rows, &lines, options, &mut write, progress)?,
        Entity::Fleet => plan_fleet(store, &mut ctx, &rows, &lines, &mut write, progress)?,
        Entity::Sightings => plan_sightings(store, &mut ctx, &rows, &lines, &mut write, progress)?,
        Entity::PriceList => plan_price_list(store, &rows, &lines, &mut write, progress)?,
        _ => return Err(Error::invalid("entity", "validation.choice")),
    };
    let header_of = |field: &str| -> String {
        let key = field.strip_prefix("person.").map(|f| format!("person_{f}")).unwrap_or_else(|| field.to_string());
        columns
            .iter()
            .flatten()
            .find(|(d, _)| d.key == key || d.key == field)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| field.to_string())
    };
    let problem = |e: &FieldError| Problem {
        column: header_of(&e.field),
        field: e.field.to_string(),
        key: e.key,
        message: i18n::tr(locale, e.key).to_string(),
    };
    let mut check = ImportCheck {
        entity: options.entity,
        encoding: file.encoding,
        delimiter: file.delimiter,
        rows: outcomes.len(),
        create: 0,
        update: 0,
        unchanged: 0,
        duplicates: 0,
        skipped: 0,
        rejected: 0,
        reports: Vec::new(),
        truncated: false,
        unmapped,
    };
    let mut rejected = Vec::new();
    for (o, (_, cells)) in outcomes.into_iter().zip(&file.rows) {
        match o.status {
            RowStatus::Create => check.create += 1,
            RowStatus::Update => check.update += 1,
            RowStatus::Unchanged => check.unchanged += 1,
            RowStatus::Duplicate => check.duplicates += 1,
            RowStatus::Skip => check.skipped += 1,
            RowStatus::Rejected => check.rejected += 1,
        }
        let problems: Vec<Problem> = o.problems.iter().map(problem).collect();
        if o.status == RowStatus::Rejected {
            let reason = problems.iter().map(|p| format!("{}: {}", p.column, p.message)).collect::<Vec<_>>().join("; ");
            rejected.push((cells.clone(), reason));
        }
        let plain = matches!(o.status, RowStatus::Create | RowStatus::Unchanged) && o.warnings.is_empty();
        if !plain {
            if check.reports.len() < REPORTED {
                check.reports.push(RowReport {
                    line: o.line,
                    status: o.status,
                    label: o.label,
                    problems,
                    warnings: o.warnings.iter().map(problem).collect(),
                    candidates: o.candidates,
                    target: o.target,
                    changed: o.changed,
                });
            } else {
                check.truncated = true;
            }
        }
    }
    progress(Progress { stage: Stage::Checking, done: total, total })?;
    Ok(Plan { check, write, headers: file.headers, delimiter: file.delimiter, rejected })
}

/// What an import reads of the store once.
struct Context {
    custom: Vec<CustomField>,
    /// The office's lead sources (and reasons), which a customer's lead source is checked against.
    reasons: ReasonSettings,
    /// Each user's id, initials and name, folded once (an owner column names one on every row).
    user_keys: Vec<(i64, String, String)>,
    keys: Vec<CustomerKey>,
    by_id: HashMap<i64, usize>,
    by_erp: HashMap<String, i64>,
    by_vat: HashMap<(String, String), i64>,
    /// VAT ids without a country: the customers holding each.
    by_bare_vat: HashMap<String, Vec<i64>>,
    /// The office's home country: a customer's when nothing else says.
    home: Option<String>,
    /// The values for the whole file, checked: (field, value).
    defaults: Vec<(FieldDef, String)>,
}

impl Context {
    fn load(store: &mut Store, custom: Vec<CustomField>) -> Result<Context> {
        let users = store.users()?;
        let reasons = store.reason_settings()?;
        let keys = store.read(rows::customer_keys)?;
        let user_keys = users.iter().map(|u| (u.id, fold(&u.data.initials), fold(&u.data.name))).collect();
        let home = store.home_country()?;
        let mut ctx = Context {
            home,
            defaults: Vec::new(),
            custom,
            reasons,
            user_keys,
            by_id: HashMap::with_capacity(keys.len()),
            by_erp: HashMap::new(),
            by_vat: HashMap::new(),
            by_bare_vat: HashMap::new(),
            keys,
        };
        for (i, k) in ctx.keys.iter().enumerate() {
            ctx.by_id.insert(k.id, i);
            if !k.erp_code.is_empty() {
                ctx.by_erp.insert(k.erp_code.clone(), k.id);
            }
            if !k.vat_id.is_empty() {
                ctx.by_vat.insert((k.country.clone(), k.vat_id.clone()), k.id);
                ctx.by_bare_vat.entry(k.vat_id.clone()).or_default().push(k.id);
            }
        }
        Ok(ctx)
    }

    fn user(&self, text: &str) -> Option<i64> {
        let wanted = fold(text);
        self.user_keys
            .iter()
            .find(|(_, initials, _)| *initials == wanted)
            .or_else(|| self.user_keys.iter().find(|(_, _, name)| *name == wanted))
            .map(|(id, _, _)| *id)
    }

    /// The stored customer a row names by its keys: `Err` with the field when the keys
    /// name two different customers.
    fn find(&self, key: &RowKey) -> std::result::Result<Option<i64>, &'static str> {
        let by_erp = (!key.erp.is_empty()).then(|| self.by_erp.get(&key.erp).copied()).flatten();
        let by_vat = if key.vat.is_empty() {
            None
        } else if key.country.is_empty() {
            self.by_bare_vat(&key.vat)
        } else {
            // A country the row itself does not give (the file's or the office's) is only a
            // default: a stored customer of another country with that id is still the one.
            self.by_vat.get(&(key.country.clone(), key.vat.clone())).copied().or_else(|| {
                if key.assumed {
                    self.by_bare_vat(&key.vat)
                } else {
                    None
                }
            })
        };
        match (by_erp, by_vat) {
            (Some(a), Some(b)) if a != b => Err("vat_id"),
            (a, b) => Ok(a.or(b)),
        }
    }

    fn by_bare_vat(&self, vat: &str) -> Option<i64> {
        match self.by_bare_vat.get(vat).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            _ => None,
        }
    }

    /// The country a customer row gets when neither a cell nor its VAT id's prefix gives one:
    /// the file's value, else the office's home country.
    fn fallback_country(&self) -> Option<&str> {
        self.defaults.iter().find(|(d, _)| d.key == "country").map(|(_, v)| v.as_str()).or(self.home.as_deref())
    }

    /// The customer a fleet line or sighting belongs to: by Parc id, ERP code or VAT id.
    fn owner(&self, cells: &Cells, out: &mut Outcome) -> Option<i64> {
        let mapped = ["customer_id", "customer_erp_code", "customer_vat_id"].iter().any(|k| cells.mapped(k));
        if !mapped {
            out.reject("customer_erp_code", "validation.exchange_customer_key_missing");
            return None;
        }
        if let Some(id) = cells.get("customer_id") {
            return match id.parse::<i64>().ok().filter(|id| self.by_id.contains_key(id)) {
                Some(id) => Some(id),
                None => {
                    out.reject("customer_id", "validation.exchange_customer_not_found");
                    None
                }
            };
        }
        let key = RowKey::of(cells, "customer_erp_code", "customer_vat_id", "customer_country", None);
        if key.erp.is_empty() && key.vat.is_empty() {
            out.reject("customer_erp_code", "validation.exchange_customer_key_missing");
            return None;
        }
        match self.find(&key) {
            Ok(Some(id)) => Some(id),
            Ok(None) => {
                let field = if key.erp.is_empty() { "customer_vat_id" } else { "customer_erp_code" };
                out.reject(field, "validation.exchange_customer_not_found");
                None
            }
            Err(_) => {
                out.reject("customer_vat_id", "validation.exchange_keys_disagree");
                None
            }
        }
    }
}

/// A row's natural keys: the ERP code, the country and the normalised VAT id.
#[derive(Debug, Clone, Default)]
struct RowKey {
    erp: String,
    country: String,
    vat: String,
    /// The country is the file's or the office's, not the row's.
    assumed: bool,
}

impl RowKey {
    /// The keys of a row; `fallback` is the country when neither the country cell nor the VAT
    /// id's prefix says.
    fn of(cells: &Cells, erp: &str, vat_field: &str, country: &str, fallback: Option<&str>) -> RowKey {
        let erp = cells.get(erp).unwrap_or("").to_string();
        let mut country = cells.get(country).map(country_code).unwrap_or_default();
        let raw = cells.get(vat_field).unwrap_or("");
        if country.is_empty() {
            country = vat_prefix(raw).unwrap_or_default();
        }
        let assumed = country.is_empty() && fallback.is_some();
        if assumed {
            country = fallback.unwrap_or_default().to_string();
        }
        let vat = if raw.is_empty() { String::new() } else { vat::normalize_vat(&country, raw) };
        RowKey { erp, country, vat, assumed }
    }
}

/// The country a VAT id's prefix names ("IT01234567897", "IT: 0123…", "EL…" for Greece).
fn vat_prefix(raw: &str) -> Option<String> {
    let compact: String = raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    if compact.len() > 4 && compact[..2].chars().all(|c| c.is_ascii_alphabetic()) {
        let prefix = compact[..2].to_ascii_uppercase();
        return Some(if prefix == "EL" { "GR".into() } else { prefix });
    }
    None
}

/// A country cell as a code: a code or name understood ([`country::lookup`]), else the cell in
/// capitals, which the customer's checks then refuse.
fn country_code(cell: &str) -> String {
    country::lookup(cell).unwrap_or_else(|| cell.trim().to_uppercase())
}

/// A name as compared for duplicates: folded, legal forms and punctuation dropped.
fn name_key(name: &str) -> String {
    const LEGAL_FORMS: &[&str] = &[
        "srl", "srls", "spa", "snc", "sas", "sapa", "coop", "sp", "zoo", "z", "o", "sa", "sk", "spk", "uab", "ab",
        "ii", "mb", "vsi", "ltd", "llc", "inc", "co", "gmbh", "ag", "kg", "ohg", "sro", "as", "kft", "bv", "nv", "oy",
        "sarl", "eurl", "plc", "the", "oo", "spzoo",
    ];
    const CJK_FORMS: &[&str] = &["股份有限公司", "有限责任公司", "有限公司", "集团", "公司"];
    let mut folded = fold(name);
    for f in CJK_FORMS {
        if let Some(stripped) = folded.strip_suffix(f) {
            folded = stripped.to_string();
        }
    }
    // "S.r.l." and "Srl" alike: dots go first, other punctuation separates words.
    let spaced: String =
        folded.chars().filter(|c| *c != '.').map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let kept: Vec<&str> = words.iter().copied().filter(|w| !LEGAL_FORMS.contains(w)).collect();
    // A name made only of legal-form words ("SA") keeps them.
    if kept.is_empty() {
        words.concat()
    } else {
        kept.concat()
    }
}

fn city_key(city: &str) -> String {
    fold(city).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// At most one letter inserted, removed or replaced.
pub(super) fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix + 1.min(short.len() - prefix)..] == long[prefix + 1.min(long.len() - prefix)..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// Stored customers by city and name, for "very similar name in the same city".
#[derive(Default)]
struct Similar {
    /// The hashes of (city, name key) and of (city, the name key less one letter), sorted,
    /// with the group of stored customers of that city and name key: a hash and no string per
    /// variant, so indexing a hundred thousand customers allocates next to nothing. A hash is
    /// only a lead: the city and the name are compared before a group's customers are
    /// candidates.
    index: Vec<(u64, u32)>,
    cities: HashSet<String>,
    /// The groups: (city key, name key) and their customers (indexes into the keys).
    groups: Vec<(String, String, Vec<usize>)>,
}

impl Similar {
    /// The hashes of the name key and, when it has 5 letters or more, of each of its forms
    /// less one letter, each with the city's.
    fn variants(city: &str, name: &str, out: &mut Vec<u64>) {
        // A multiply-rotate hash (as rustc's FxHash): collisions only cost a comparison.
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let step = |h: u64, v: u64| (h.rotate_left(5) ^ v).wrapping_mul(K);
        let seed = city.bytes().fold(step(0, 0xff), |h, b| step(h, b as u64));
        let chars: Vec<char> = name.chars().collect();
        out.clear();
        out.push(chars.iter().fold(seed, |h, c| step(h, *c as u64)));
        if chars.len() >= 5 {
            for skip in 0..chars.len() {
                let h = chars.iter().enumerate().filter(|(i, _)| *i != skip).fold(seed, |h, (_, c)| step(h, *c as u64));
                out.push(h);
            }
        }
    }

    /// Indexes the stored customers of `cities` (those the file names), once each.
    fn add_cities(&mut self, keys: &[CustomerKey], cities: &HashSet<String>) {
        let fresh: HashSet<&String> = cities.iter().filter(|c| !self.cities.contains(*c)).collect();
        if fresh.is_empty() {
            return;
        }
        // Offices often have several customers of one name in a city: indexed once.
        let mut group_of: HashMap<(String, String), usize> = HashMap::new();
        let mut hashes = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let city = city_key(&k.city);
            if !fresh.contains(&city) {
                continue;
            }
            let name = name_key(&k.name);
            let next = self.groups.len();
            let g = *group_of.entry((city.clone(), name.clone())).or_insert(next);
            if g == next {
                Similar::variants(&city, &name, &mut hashes);
                self.index.extend(hashes.iter().map(|h| (*h, g as u32)));
                self.groups.push((city, name, Vec::new()));
            }
            self.groups[g].2.push(i);
        }
        self.index.sort_unstable();
        self.cities.extend(fresh.into_iter().cloned());
    }

    /// Stored customers with a very similar name in the same city.
    fn candidates(&self, city: &str, name: &str) -> Vec<usize> {
        if self.index.is_empty() {
            return Vec::new();
        }
        let city = city_key(city);
        let name = name_key(name);
        if name.is_empty() {
            return Vec::new();
        }
        let mut hashes = Vec::new();
        Similar::variants(&city, &name, &mut hashes);
        let mut groups: Vec<u32> = hashes
            .iter()
            .flat_map(|h| {
                let from = self.index.partition_point(|(k, _)| k < h);
                self.index[from..].iter().take_while(move |(k, _)| k == h).map(|(_, g)| *g)
            })
            .collect();
        groups.sort_unstable();
        groups.dedup();
        let len = name.chars().count();
        let mut found: Vec<usize> = groups
            .into_iter()
            .map(|g| &self.groups[g as usize])
            .filter(|(c, stored, _)| {
                // A shared form less one letter exists only from 5 letters on (see `variants`).
                *c == city && one_edit_apart(stored, &name) && (*stored == name || len.max(stored.chars().count()) >= 5)
            })
            .flat_map(|(_, _, members)| members.iter().copied())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }
}

fn choice(prefix: &str, codes: &[&str], value: &str) -> String {
    // Every code and label folded once per list and thread, not once per row: the first code
    // whose code or label (in any language) folds to the cell's text, as a scan would find.
    thread_local! {
        static LISTS: std::cell::RefCell<HashMap<(String, usize), HashMap<String, String>>> = Default::default();
    }
    let folded = fold(value);
    LISTS.with(|lists| {
        let mut lists = lists.borrow_mut();
        let list = lists.entry((prefix.to_string(), codes.as_ptr() as usize)).or_insert_with(|| {
            let mut list = HashMap::new();
            for code in codes {
                list.entry(fold(code)).or_insert_with(|| code.to_string());
                for l in Locale::ALL {
                    list.entry(fold(i18n::tr(l, &format!("{prefix}.{code}")))).or_insert_with(|| code.to_string());
                }
            }
            list
        });
        list.get(&folded).cloned().unwrap_or_else(|| value.to_string())
    })
}

/// The office's lead source a cell names, by its code or its name in any language; else the
/// cell as it is, which the customer's checks then refuse.
fn lead_source(reasons: &ReasonSettings, value: &str) -> String {
    let folded = fold(value);
    reasons
        .sources
        .iter()
        .find(|s| fold(&s.code) == folded || s.names.values().any(|n| fold(n) == folded))
        .map_or_else(|| value.to_string(), |s| s.code.clone())
}

/// Sets a customer field from a cell; `Err` with the message key when the cell is unreadable.
fn set_customer(
    d: &mut CustomerData,
    def: &FieldDef,
    value: &str,
    format: &FileFormat,
    ctx: &Context,
) -> std::result::Result<(), &'static str> {
    let text = value.to_string();
    match def.key.as_str() {
        "erp_code" => d.erp_code = text,
        "name" => d.name = text,
        "legal_form" => d.legal_form = text,
        "street" => d.street = text,
        "postal_code" => d.postal_code = text,
        "city" => d.city = text,
        "region" => d.region = text,
        "country" => d.country = country_code(value),
        "other_address" => d.other_address = text,
        "phone" => d.phone = text,
        "mobile" => d.mobile = text,
        "fax" => d.fax = text,
        "email" => d.email = text,
        "web" => d.web = text,
        "vat_id" => d.vat_id = text,
        "business_type" => d.business_type = choice("business_type", BUSINESS_TYPES, value),
        "market_sectors" => d.market_sectors = text,
        "ownership" => d.ownership = text,
        "employees" => d.employees = Some(format.parse_integer(value).ok_or("validation.exchange_number")?),
        "annual_turnover" => d.annual_turnover = Some(format.parse_money(value).ok_or("validation.exchange_amount")?),
        "turnover_currency" => d.turnover_currency = text.to_ascii_uppercase(),
        "lead_source" => d.lead_source = lead_source(&ctx.reasons, value),
        "notes" => d.notes = text,
        "owner" => d.owner_id = Some(ctx.user(value).ok_or("validation.exchange_unknown_user")?),
        key => {
            let Some(id) = key.strip_prefix("custom.").and_then(|id| id.parse::<i64>().ok()) else { return Ok(()) };
            let kind = ctx.custom.iter().find(|f| f.id == id).map(|f| f.data.kind).unwrap_or(FieldKind::Text);
            let canonical = match kind {
                FieldKind::Number => format.parse_decimal(value).ok_or("validation.exchange_number")?,
                FieldKind::Date => format.parse_date(value).ok_or("validation.exchange_date")?,
                _ => text,
            };
            d.custom.insert(id, canonical);
        }
    }
    Ok(())
}

/// Whether a customer's field is empty, so a value for the whole file fills it.
fn unset(d: &CustomerData, key: &str) -> bool {
    match key {
        "country" => d.country.is_empty(),
        "owner" => d.owner_id.is_none(),
        "lead_source" => d.lead_source.is_empty(),
        "turnover_currency" => d.turnover_currency.is_empty(),
        "business_type" => d.business_type.is_empty(),
        _ => false,
    }
}

/// Checks the values for the whole file as the card would take them: each of [`DEFAULTABLE`],
/// read like a cell of its column. An unknown field or an unreadable value refuses the import.
fn file_values(
    ctx: &Context,
    defs: &[FieldDef],
    values: &BTreeMap<String, String>,
    format: &FileFormat,
) -> Result<Vec<(FieldDef, String)>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut probe = CustomerData::default();
    for (key, value) in values {
        let value = value.trim();
        let field = format!("defaults.{key}");
        let Some(def) = defs.iter().find(|d| d.key == *key && DEFAULTABLE.contains(&key.as_str())) else {
            errors.push(FieldError::new(field, "validation.exchange_default_field"));
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let checked = match set_customer(&mut probe, def, value, format, ctx) {
            Err(msg) => Err(msg),
            Ok(()) => match key.as_str() {
                "country" if country::lookup(value).is_none() => Err("validation.country"),
                "turnover_currency" if !crate::customer::CURRENCIES.contains(&probe.turnover_currency.as_str()) => {
                    Err("validation.currency")
                }
                "business_type" if !BUSINESS_TYPES.contains(&probe.business_type.as_str()) => Err("validation.choice"),
                "lead_source" if !ctx.reasons.sources.iter().any(|s| s.code == probe.lead_source && !s.retired) => {
                    Err("validation.lead_source")
                }
                _ => Ok(()),
            },
        };
        match checked {
            // The country as its code: it is also the keys' country for rows without one.
            Ok(()) if key == "country" => out.push((def.clone(), probe.country.clone())),
            Ok(()) => out.push((def.clone(), value.to_string())),
            Err(msg) => errors.push(FieldError::new(field, msg)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Validation(errors))
    }
}

/// Two names of one company: alike but for case, accents, punctuation, the legal form and one
/// letter.
fn same_company(a: &str, b: &str) -> bool {
    let (a, b) = (name_key(a), name_key(b));
    a == b || one_edit_apart(&a, &b)
}

fn set_person(p: &mut PersonData, key: &str, value: &str) {
    let text = value.to_string();
    match key {
        "person_name" => p.name = text,
        "person_position" => p.position = text,
        "person_title" => p.title = text,
        "person_decision_role" => p.decision_role = choice("decision_role", DECISION_ROLES, value),
        "person_phone" => p.phone = text,
        "person_mobile" => p.mobile = text,
        "person_email" => p.email = text,
        _ => {}
    }
}

/// The fields that differ between two descriptions of a record, by name.
fn changed_fields<T: Serialize>(before: &T, after: &T) -> Vec<String> {
    audit::diff(&audit::describe(before), &audit::describe(after)).into_iter().map(|c| c.field).collect()
}

/// Where a customer row's customer goes: a stored one, or one this import creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Dest {
    Stored(i64),
    New(usize),
}

/// A customer's part of the plan, shared by its rows.
struct Group {
    dest: Option<Dest>,
    /// The first row's line, for the rows that follow it.
    line: usize,
    rejected: bool,
}

fn plan_customers(
    store: &mut Store,
    ctx: &mut Context,
    rows: &[Cells],
    lines: &[usize],
    options: &ImportOptions,
    write: &mut ImportWrite,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Vec<Outcome>> {
    let total = rows.len() as u64;
    // First pass: every row's keys and which stored customers it may touch.
    let fallback = ctx.fallback_country().map(str::to_string);
    let keys: Vec<RowKey> =
        rows.iter().map(|c| RowKey::of(c, "erp_code", "vat_id", "country", fallback.as_deref())).collect();
    let mut wanted: HashSet<i64> = HashSet::new();
    let mut cities = HashSet::new();
    for (k, c) in keys.iter().zip(rows) {
        match ctx.find(k) {
            Ok(Some(id)) => {
                wanted.insert(id);
            }
            Ok(None) => {
                cities.insert(city_key(c.get("city").unwrap_or("")));
            }
            Err(_) => {}
        }
    }
    let mut similar = Similar::default();
    similar.add_cities(&ctx.keys, &cities);
    for (k, c) in keys.iter().zip(rows) {
        if matches!(ctx.find(k), Ok(None)) {
            for i in similar.candidates(c.get("city").unwrap_or(""), c.get("name").unwrap_or("")) {
                // Only those `plan_customer` compares the row with (another VAT id is another
                // company): a file of new customers reads no stored card it will not look at.
                let stored = &ctx.keys[i];
                if k.vat.is_empty() || stored.vat_id.is_empty() || stored.vat_id == k.vat {
                    wanted.insert(stored.id);
                }
            }
        }
    }
    for d in options.decisions.values() {
        if let Decision::Update(id) = d {
            if ctx.by_id.contains_key(id) {
                wanted.insert(*id);
            }
        }
    }
    let wanted: Vec<i64> = wanted.into_iter().collect();
    let (mut stored, people) = store.read(|x| Ok((rows::customers(x, &wanted)?, rows::people_of(x, &wanted)?)))?;
    let mut people_of: HashMap<i64, Vec<crate::person::Person>> = HashMap::new();
    for p in people {
        people_of.entry(p.customer_id).or_default().push(p);
    }
    let has_person_columns = PERSON_FIELDS.iter().any(|f| rows.first().is_some_and(|c| c.mapped(f)));

    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    // Stored customers this import updates: the index of the update, to merge later rows.
    let mut updates_of: HashMap<i64, usize> = HashMap::new();
    // People this import creates, per destination, to match later rows by name.
    let mut new_people_of: HashMap<Dest, Vec<usize>> = HashMap::new();
    let mut person_updates_of: HashMap<i64, usize> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());

    for (n, (cells, key)) in rows.iter().zip(&keys).enumerate() {
        if n % 1000 == 0 {
            progress(Progress { stage: Stage::Checking, done: n as u64, total })?;
        }
        let mut o = Outcome::new(lines[n]);
        o.label = cells.get("name").unwrap_or("").to_string();
        // Rows of one customer: the same ERP code or VAT id, or (without either) the same
        // customer cells.
        let group_keys: Vec<String> = {
            let mut g = Vec::new();
            if !key.erp.is_empty() {
                g.push(format!("e\u{1f}{}", key.erp));
            }
            if !key.vat.is_empty() {
                g.push(format!("v\u{1f}{}\u{1f}{}", key.country, key.vat));
            }
            if g.is_empty() {
                let own: Vec<&str> =
                    cells.iter().filter(|(d, _, _)| !d.key.starts_with("person_")).map(|(_, _, v)| v).collect();
                g.push(format!("c\u{1f}{}", own.join("\u{1f}")));
            }
            g
        };
        // The row's person is checked on its own first: a row whose person is wrong is
        // rejected whole, before its customer is planned.
        let person_cells: Vec<(&FieldDef, &str, &str)> =
            cells.iter().filter(|(d, _, _)| d.key.starts_with("person_")).collect();
        if has_person_columns && !person_cells.is_empty() {
            let mut alone = PersonData { active: true, ..Default::default() };
            for (def, _, value) in &person_cells {
                set_person(&mut alone, &def.key, value);
            }
            alone.name = cells.person_name().unwrap_or_default();
            if let Err(Error::Validation(errors)) = alone.validated() {
                for e in errors {
                    o.reject(format!("person.{}", e.field), e.key);
                }
            }
        }
        let existing_group = group_keys.iter().find_map(|k| group_of.get(k).copied());
        if o.status == RowStatus::Rejected {
            if existing_group.is_none() {
                let g = groups.len();
                groups.push(Group { dest: None, line: lines[n], rejected: true });
                for k in &group_keys {
                    group_of.insert(k.clone(), g);
                }
            }
            out.push(o);
            continue;
        }
        let group = match existing_group {
            Some(g) => {
                let first = &groups[g];
                if first.rejected {
                    o.reject("name", "validation.exchange_group_rejected");
                    o.label = format!("{} ({})", o.label, first.line);
                    out.push(o);
                    continue;
                }
                // A further row of a customer planned above: only its person counts.
                o.status = RowStatus::Unchanged;
                o.target = match first.dest {
                    Some(Dest::Stored(id)) => Some(id),
                    _ => None,
                };
                g
            }
            None => {
                let g = groups.len();
                groups.push(Group { dest: None, line: lines[n], rejected: false });
                for k in &group_keys {
                    group_of.insert(k.clone(), g);
                }
                // The customer's own part, from this first row.
                let dest =
                    plan_customer(ctx, &mut stored, &similar, cells, key, options, &mut o, write, &mut updates_of)?;
                groups[g].dest = dest;
                if o.status == RowStatus::Rejected {
                    groups[g].rejected = true;
                }
                g
            }
        };
        let dest = groups[group].dest;
        // The row's person, when it names one.
        // The customer skipped (a duplicate not decided) or rejected: so is its person.
        if let (Some(dest), false, true) = (dest, person_cells.is_empty(), o.status != RowStatus::Rejected) {
            plan_person(
                dest,
                &person_cells,
                cells,
                &mut o,
                write,
                &people_of,
                &mut new_people_of,
                &mut person_updates_of,
            );
        }
        out.push(o);
    }
    Ok(out)
}

/// Plans a group's customer from its first row. Returns where its people go (`None` when the
/// customer is skipped or rejected).
#[allow(clippy::too_many_arguments)]
fn plan_customer(
    ctx: &Context,
    stored: &mut HashMap<i64, Customer>,
    similar: &Similar,
    cells: &Cells,
    key: &RowKey,
    options: &ImportOptions,
    o: &mut Outcome,
    write: &mut ImportWrite,
    updates_of: &mut HashMap<i64, usize>,
) -> Result<Option<Dest>> {
    let format = cells.format;
    let own: Vec<(&FieldDef, &str, &str)> = cells.iter().filter(|(d, _, _)| !d.key.starts_with("person_")).collect();
    // The customer the row updates: by its keys, else as the person decided for a duplicate.
    let mut target = match ctx.find(key) {
        Ok(t) => t,
        Err(field) => {
            o.reject(field, "validation.exchange_keys_disagree");
            return Ok(None);
        }
    };
    let keyed = target.is_some();
    // Applies the row's cells over `base`, then checks the result as the card would.
    let build = |base: CustomerData, o: &mut Outcome| -> Result<Option<CustomerData>> {
        let mut d = base;
        let (previous, previous_source) = (d.custom.clone(), d.lead_source.clone());
        let mut bad = Vec::new();
        for (def, _, value) in &own {
            if let Err(msg) = set_customer(&mut d, def, value, format, ctx) {
                bad.push(FieldError::new(def.key.clone(), msg));
            }
        }
        if !bad.is_empty() {
            for e in bad {
                o.problems.push(e);
            }
            o.status = RowStatus::Rejected;
            return Ok(None);
        }
        // "ul. Grójecka", "186" and "12" in columns of their own: one street line.
        if let Some(street) = cells.get("street") {
            let mut line = street.to_string();
            if let Some(number) = cells.get("street_number") {
                line = format!("{line} {number}");
            }
            if let Some(flat) = cells.get("street_flat") {
                line = format!("{line}/{flat}");
            }
            if let Some(more) = cells.get("street_line2") {
                line = format!("{line}, {more}");
            }
            d.street = line;
        }
        // Where the row says nothing: its VAT id's country, then the file's values, then the
        // office's home country.
        if d.country.is_empty() && !key.assumed {
            d.country = key.country.clone();
        }
        for (def, value) in &ctx.defaults {
            if unset(&d, &def.key) {
                set_customer(&mut d, def, value, format, ctx).expect("checked when the import began");
            }
        }
        if d.country.is_empty() {
            d.country = ctx.home.clone().unwrap_or_default();
        }
        match crate::storage::validated_customer(&ctx.custom, &ctx.reasons, d, &previous, &previous_source) {
            Ok(d) => Ok(Some(d)),
            Err(Error::Validation(errors)) => {
                o.problems.extend(errors);
                o.status = RowStatus::Rejected;
                Ok(None)
            }
            Err(e) => Err(e),
        }
    };
    if target.is_none() {
        let name = cells.get("name").unwrap_or("");
        let city = cells.get("city").unwrap_or("");
        let found: Vec<&CustomerKey> = similar
            .candidates(city, name)
            .into_iter()
            .map(|i| &ctx.keys[i])
            // Two different VAT ids are two companies, however alike their names.
            .filter(|k| key.vat.is_empty() || k.vat_id.is_empty() || k.vat_id == key.vat)
            .collect();
        if !found.is_empty() {
            // A row that changes nothing of one of them is that customer, already here.
            for k in &found {
                if let Some(c) = stored.get(&k.id) {
                    let mut probe = Outcome::new(o.line);
                    if build(c.data.clone(), &mut probe)?.as_ref() == Some(&c.data) {
                        o.status = RowStatus::Unchanged;
                        o.target = Some(k.id);
                        o.label = c.data.name.clone();
                        return Ok(Some(Dest::Stored(k.id)));
                    }
                }
            }
            o.candidates = found
                .iter()
                .map(|k| Candidate {
                    id: k.id,
                    name: k.name.clone(),
                    city: k.city.clone(),
                    vat_id: k.vat_id.clone(),
                    erp_code: k.erp_code.clone(),
                })
                .collect();
            match options.decisions.get(&o.line).copied().unwrap_or(options.duplicates) {
                Decision::Skip => {
                    o.status =
                        if options.decisions.contains_key(&o.line) { RowStatus::Skip } else { RowStatus::Duplicate };
                    return Ok(None);
                }
                // "The stored one", when there is exactly one (scripts cannot name it).
                Decision::Update(0) if found.len() == 1 && stored.contains_key(&found[0].id) => {
                    target = Some(found[0].id)
                }
                Decision::Update(0) => {
                    o.status = RowStatus::Duplicate;
                    return Ok(None);
                }
                Decision::Update(id) if stored.contains_key(&id) => target = Some(id),
                Decision::Update(_) => {
                    o.reject("name", "validation.exchange_customer_not_found");
                    return Ok(None);
                }
                Decision::Create => {}
            }
        }
    }
    match target {
        Some(id) => {
            let Some(current) = stored.get(&id).cloned() else {
                o.reject("name", "validation.exchange_customer_not_found");
                return Ok(None);
            };
            o.target = Some(id);
            // Two rows updating one customer (a duplicate decided onto a keyed one): the
            // second merges into the first's update.
            let (base, pending) = match updates_of.get(&id) {
                Some(i) => (write.customer_updates[*i].2.clone(), Some(*i)),
                None => (current.data.clone(), None),
            };
            let Some(mut d) = build(base, o)? else { return Ok(None) };
            // The same keys with another company's name: the card keeps its name, and the
            // line says so rather than renaming a customer quietly.
            if keyed && !d.name.is_empty() && !same_company(&d.name, &current.data.name) {
                o.warnings.push(FieldError::new("name", "exchange.warning.name_differs"));
                o.label = format!("{} ≠ {}", cells.get("name").unwrap_or(&d.name), current.data.name);
                d.name = current.data.name.clone();
            } else {
                o.label = d.name.clone();
            }
            if d == current.data {
                o.status = RowStatus::Unchanged;
            } else {
                o.status = RowStatus::Update;
                o.changed = changed_fields(&current.data, &d);
                match pending {
                    Some(i) => write.customer_updates[i].2 = d.clone(),
                    None => {
                        updates_of.insert(id, write.customer_updates.len());
                        write.customer_updates.push((id, current.version, d.clone()));
                    }
                }
                stored.insert(id, Customer { data: d, ..current });
            }
            Ok(Some(Dest::Stored(id)))
        }
        None => {
            let Some(d) = build(CustomerData::default(), o)? else { return Ok(None) };
            o.label = d.name.clone();
            o.status = RowStatus::Create;
            write.new_customers.push(d);
            Ok(Some(Dest::New(write.new_customers.len() - 1)))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_person(
    dest: Dest,
    person_cells: &[(&FieldDef, &str, &str)],
    cells: &Cells,
    o: &mut Outcome,
    write: &mut ImportWrite,
    people_of: &HashMap<i64, Vec<crate::person::Person>>,
    new_people_of: &mut HashMap<Dest, Vec<usize>>,
    person_updates_of: &mut HashMap<i64, usize>,
) {
    let Some(name) = cells.person_name() else {
        o.reject("person_name", "validation.person_name_required");
        return;
    };
    let wanted = fold(&name);
    let apply = |mut p: PersonData| {
        for (def, _, value) in person_cells {
            set_person(&mut p, &def.key, value);
        }
        p.name = name.clone();
        p
    };
    let stored = match dest {
        Dest::Stored(id) => people_of.get(&id).map(Vec::as_slice).unwrap_or(&[]),
        Dest::New(_) => &[],
    };
    let person_problems = |p: PersonData, o: &mut Outcome| -> Option<PersonData> {
        match p.validated() {
            Ok(p) => Some(p),
            Err(Error::Validation(errors)) => {
                for e in errors {
                    o.reject(format!("person.{}", e.field), e.key);
                }
                None
            }
            Err(_) => None,
        }
    };
    let bump = |o: &mut Outcome| {
        if o.status == RowStatus::Unchanged {
            o.status = RowStatus::Update;
        }
    };
    // A person this import already creates for the customer.
    if let Some(i) =
        new_people_of.get(&dest).and_then(|v| v.iter().copied().find(|i| fold(&write.new_people[*i].1.name) == wanted))
    {
        let Some(p) = person_problems(apply(write.new_people[i].1.clone()), o) else { return };
        write.new_people[i].1 = p;
        return;
    }
    // A stored person of that name.
    if let Some(current) = stored.iter().find(|p| fold(&p.data.name) == wanted) {
        let base = match person_updates_of.get(&current.id) {
            Some(i) => write.person_updates[*i].2.clone(),
            None => current.data.clone(),
        };
        let Some(p) = person_problems(apply(base), o) else { return };
        if p != current.data {
            o.changed.extend(changed_fields(&current.data, &p).into_iter().map(|f| format!("person.{f}")));
            bump(o);
            match person_updates_of.get(&current.id) {
                Some(i) => write.person_updates[*i].2 = p,
                None => {
                    person_updates_of.insert(current.id, write.person_updates.len());
                    write.person_updates.push((current.id, current.version, p));
                }
            }
        }
        return;
    }
    // A new person: the customer's main contact when it has none yet.
    let has_main = stored.iter().any(|p| p.data.is_main)
        || new_people_of.get(&dest).is_some_and(|v| v.iter().any(|i| write.new_people[*i].1.is_main));
    let base = PersonData { active: true, is_main: !has_main, ..Default::default() };
    let Some(p) = person_problems(apply(base), o) else { return };
    let r = match dest {
        Dest::Stored(id) => CustomerRef::Stored(id),
        Dest::New(i) => CustomerRef::New(i),
    };
    new_people_of.entry(dest).or_default().push(write.new_people.len());
    write.new_people.push((r, p));
    bump(o);
}

// --- fleet lines ---

fn set_line(
    d: &mut FleetLineData,
    def: &FieldDef,
    value: &str,
    format: &FileFormat,
) -> std::result::Result<(), &'static str> {
    let text = value.to_string();
    let int = || format.parse_integer(value).ok_or("validation.exchange_number");
    let day = || format.parse_date(value).ok_or("validation.exchange_date");
    match def.key.as_str() {
        "brand" => d.brand = text,
        "model" => d.model = text,
        "category" => d.category = text,
        "weight_class" => d.weight_class = text,
        "gross_weight_kg" => d.gross_weight_kg = Some(int()?),
        "vehicles" => d.vehicles = int()?,
        "vin" => d.vin = text,
        "plate" => d.plate = text,
        "first_registered" => {
            d.first_registered = Some(i32::try_from(int()?).map_err(|_| "validation.exchange_number")?)
        }
        "mileage_km" => d.mileage_km = Some(int()?),
        "mileage_read_on" => d.mileage_read_on = Some(day()?),
        "ownership" => d.ownership = choice("fleet.ownership", OWNERSHIPS, value),
        "supplier" => d.supplier = text,
        "renewal_due" => d.renewal_due = Some(day()?),
        "renewal_manual" => d.renewal_manual = format::parse_bool(value).ok_or("validation.exchange_yes_no")?,
        "inspection_due" => d.inspection_due = Some(day()?),
        "notes" => d.notes = text,
        _ => {}
    }
    Ok(())
}

fn plan_fleet(
    store: &mut Store,
    ctx: &mut Context,
    rows: &[Cells],
    lines: &[usize],
    write: &mut ImportWrite,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Vec<Outcome>> {
    let settings = store.fleet_settings()?;
    let today = chrono::Local::now().date_naive();
    let total = rows.len() as u64;
    let mut owners = Vec::with_capacity(rows.len());
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(rows.len());
    for (n, cells) in rows.iter().enumerate() {
        let mut o = Outcome::new(lines[n]);
        owners.push(ctx.owner(cells, &mut o));
        outcomes.push(o);
    }
    let ids: Vec<i64> = owners.iter().flatten().copied().collect::<HashSet<_>>().into_iter().collect();
    let stored = store.read(|x| rows::fleet_of(x, &ids))?;
    // Stored lines not yet matched by a row, per customer.
    let mut pool: HashMap<i64, Vec<crate::fleet::FleetLine>> = HashMap::new();
    for l in stored {
        pool.entry(l.customer_id).or_default().push(l);
    }
    let mut new_vins: HashSet<String> = HashSet::new();
    for (n, cells) in rows.iter().enumerate() {
        if n % 1000 == 0 {
            progress(Progress { stage: Stage::Checking, done: n as u64, total })?;
        }
        let o = &mut outcomes[n];
        let Some(customer_id) = owners[n] else { continue };
        o.target = Some(customer_id);
        let apply = |base: FleetLineData, o: &mut Outcome| -> Option<FleetLineData> {
            let mut d = base;
            let mut bad = false;
            for (def, _, value) in cells.iter() {
                if let Err(msg) = set_line(&mut d, def, value, cells.format) {
                    o.reject(def.key.clone(), msg);
                    bad = true;
                }
            }
            if bad {
                return None;
            }
            // A renewal date given without saying it was set by hand is taken as set by hand
            // when it is not the one the office's rule gives.
            if d.renewal_due.is_some() && !cells.mapped("renewal_manual") {
                let by_rule = FleetLineData { renewal_manual: false, ..d.clone() }.validated(&settings, today);
                d.renewal_manual = by_rule.map(|(l, _)| l.renewal_due != d.renewal_due).unwrap_or(true);
            }
            match d.validated(&settings, today) {
                Ok((d, warnings)) => {
                    o.warnings.extend(warnings);
                    Some(d)
                }
                Err(Error::Validation(errors)) => {
                    for e in errors {
                        o.reject(e.field, e.key);
                    }
                    None
                }
                Err(_) => None,
            }
        };
        let vin = crate::fleet::normalise_vin(cells.get("vin").unwrap_or(""));
        let lines_here = pool.entry(customer_id).or_default();
        let by_vin = (!vin.is_empty()).then(|| lines_here.iter().position(|l| l.data.vin == vin)).flatten();
        if let Some(i) = by_vin {
            let current = lines_here.remove(i);
            let Some(d) = apply(current.data.clone(), o) else { continue };
            o.label = format!("{} {} {}", d.brand, d.model, d.vin).trim().to_string();
            if d == current.data {
                o.status = RowStatus::Unchanged;
            } else {
                o.status = RowStatus::Update;
                o.changed = changed_fields(&current.data, &d);
                write.line_updates.push((current.id, current.version, d));
            }
            continue;
        }
        let base = FleetLineData { vehicles: 1, ..Default::default() };
        let Some(d) = apply(base, o) else { continue };
        o.label = format!("{} {} {}", d.brand, d.model, d.vin).trim().to_string();
        if let Some(i) = lines_here.iter().position(|l| l.data == d) {
            lines_here.remove(i);
            o.status = RowStatus::Unchanged;
            continue;
        }
        if !d.vin.is_empty() && !new_vins.insert(d.vin.clone()) {
            o.reject("vin", "validation.exchange_vin_repeated");
            continue;
        }
        o.status = RowStatus::Create;
        write.new_lines.push((customer_id, d));
    }
    Ok(outcomes)
}

// --- competitor sightings ---

fn plan_sightings(
    store: &mut Store,
    ctx: &mut Context,
    rows: &[Cells],
    lines: &[usize],
    write: &mut ImportWrite,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Vec<Outcome>> {
    let competitors = store.competitors()?;
    let total = rows.len() as u64;
    let mut owners = Vec::with_capacity(rows.len());
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(rows.len());
    for (n, cells) in rows.iter().enumerate() {
        let mut o = Outcome::new(lines[n]);
        owners.push(ctx.owner(cells, &mut o));
        outcomes.push(o);
    }
    let ids: Vec<i64> = owners.iter().flatten().copied().collect::<HashSet<_>>().into_iter().collect();
    let stored = store.read(|x| rows::sightings_of(x, &ids))?;
    let mut seen: HashMap<i64, Vec<SightingData>> = HashMap::new();
    for s in stored {
        seen.entry(s.customer_id).or_default().push(s.data);
    }
    let mut new_competitor: HashMap<String, usize> = HashMap::new();
    for (n, cells) in rows.iter().enumerate() {
        if n % 1000 == 0 {
            progress(Progress { stage: Stage::Checking, done: n as u64, total })?;
        }
        let o = &mut outcomes[n];
        let Some(customer_id) = owners[n] else { continue };
        o.target = Some(customer_id);
        let mut d = SightingData::default();
        let mut competitor: Option<String> = None;
        for (def, _, value) in cells.iter() {
            let text = value.to_string();
            match def.key.as_str() {
                "competitor" => competitor = Some(text),
                "seen_on" => match cells.format.parse_date(value) {
                    Some(day) => d.seen_on = day,
                    None => o.reject("seen_on", "validation.exchange_date"),
                },
                "product" => d.product = text,
                "price" => match cells.format.parse_money(value) {
                    Some(m) => d.price_minor = Some(m),
                    None => o.reject("price", "validation.exchange_amount"),
                },
                "currency" => d.currency = text,
                "conditions" => d.conditions = text,
                "source" => d.source = text,
                _ => {}
            }
        }
        // The competitor named: a record by its brand or dealer, else a new record.
        let mut new_index = None;
        if let Some(name) = competitor.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            let wanted = fold(name);
            let known = competitors.iter().find(|c| {
                fold(&c.data.brand) == wanted
                    || fold(&c.data.dealer) == wanted
                    || fold(&format!("{} {}", c.data.brand, c.data.dealer)) == wanted
            });
            match known {
                Some(c) => d.competitor_id = Some(c.id),
                None => match new_competitor.get(&wanted) {
                    Some(i) => new_index = Some(*i),
                    None => match (CompetitorData { brand: name.to_string(), ..Default::default() }).validated() {
                        Ok(c) => {
                            new_index = Some(write.new_competitors.len());
                            new_competitor.insert(wanted, write.new_competitors.len());
                            write.new_competitors.push(c);
                        }
                        Err(_) => o.reject("competitor", "validation.too_long"),
                    },
                },
            }
        }
        if o.status == RowStatus::Rejected {
            continue;
        }
        let d = match d.validated() {
            Ok(d) => d,
            Err(Error::Validation(errors)) => {
                for e in errors {
                    let field = if e.field == "price_minor" { "price".into() } else { e.field };
                    o.reject(field, e.key);
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        o.label = format!("{} {}", d.seen_on, d.product);
        let known = seen.entry(customer_id).or_default();
        if new_index.is_none() && known.contains(&d) {
            o.status = RowStatus::Unchanged;
            continue;
        }
        known.push(d.clone());
        o.status = RowStatus::Create;
        write.new_sightings.push((customer_id, d, new_index));
    }
    Ok(outcomes)
}

// --- the price list ---

fn plan_price_list(
    store: &mut Store,
    rows: &[Cells],
    lines: &[usize],
    write: &mut ImportWrite,
    progress: &mut dyn FnMut(Progress) -> Result<()>,
) -> Result<Vec<Outcome>> {
    use crate::offer::{PriceItemData, ITEM_KINDS};
    let stored = store.read(crate::storage::offers::all_items)?;
    let by_key: HashMap<(String, String), &crate::offer::PriceItem> =
        stored.iter().map(|i| ((i.data.code.clone(), i.data.valid_from.clone()), i)).collect();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let total = rows.len() as u64;
    let mut out = Vec::with_capacity(rows.len());
    for (n, cells) in rows.iter().enumerate() {
        if n % 1000 == 0 {
            progress(Progress { stage: Stage::Checking, done: n as u64, total })?;
        }
        let mut o = Outcome::new(lines[n]);
        let mut d = PriceItemData::default();
        for (def, _, value) in cells.iter() {
            let text = value.to_string();
            match def.key.as_str() {
                "code" => d.code = text,
                "kind" => d.kind = choice("prices.kind", ITEM_KINDS, value),
                "supplier" => d.supplier = text,
                "price" => match cells.format.parse_money(value) {
                    Some(m) => d.price = m,
                    None => o.reject("price", "validation.exchange_amount"),
                },
                "currency" => d.currency = text,
                "valid_from" | "valid_to" => match cells.format.parse_date(value) {
                    Some(day) if def.key == "valid_from" => d.valid_from = day,
                    Some(day) => d.valid_to = day,
                    None => o.reject(def.key.clone(), "validation.exchange_date"),
                },
                key => {
                    if let Some(lang) = key.strip_prefix("name_") {
                        d.names.insert(lang.to_string(), text);
                    } else if let Some(lang) = key.strip_prefix("description_") {
                        d.descriptions.insert(lang.to_string(), text);
                    }
                }
            }
        }
        o.label = d.code.clone();
        if o.status == RowStatus::Rejected {
            out.push(o);
            continue;
        }
        let d = match d.validated() {
            Ok(d) => d,
            Err(Error::Validation(errors)) => {
                for e in errors {
                    o.reject(e.field, e.key);
                }
                out.push(o);
                continue;
            }
            Err(e) => return Err(e),
        };
        let key = (d.code.clone(), d.valid_from.clone());
        if !seen.insert(key.clone()) {
            o.reject("code", "validation.price_code_taken");
        } else {
            match by_key.get(&key) {
                None => {
                    o.status = RowStatus::Create;
                    write.new_items.push(d);
                }
                Some(old) if old.data == d && !old.retired => o.status = RowStatus::Unchanged,
                Some(old) => {
                    o.status = RowStatus::Update;
                    o.changed = changed_fields(&old.data, &d);
                    write.item_updates.push((old.id, old.version, d));
                }
            }
        }
        out.push(o);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_accents_legal_forms_and_one_typo() {
        assert_eq!(name_key("Rossi Trasporti S.r.l."), "rossitrasporti");
        assert_eq!(name_key("ROSSI TRASPORTI SRL"), "rossitrasporti");
        assert_eq!(name_key("Trans-Łódź Sp. z o.o."), "translodz");
        assert_eq!(name_key("上海顺达物流有限公司"), "上海顺达物流");
        assert!(one_edit_apart("rossitrasporti", "rositrasporti"));
        assert!(one_edit_apart("rossitrasporti", "rossitrasporta"));
        assert!(!one_edit_apart("rossitrasporti", "bianchitrasporti"));
        assert!(one_edit_apart("abc", "abc"));
        let keys: Vec<CustomerKey> =
            [("Rossi Trasporti Srl", "Verona"), ("Rossi Trasporti", "Milano"), ("Bianchi", "Verona")]
                .iter()
                .enumerate()
                .map(|(i, (n, c))| CustomerKey {
                    id: i as i64 + 1,
                    erp_code: String::new(),
                    country: "IT".into(),
                    vat_id: String::new(),
                    name: n.to_string(),
                    city: c.to_string(),
                })
                .collect();
        let mut s = Similar::default();
        s.add_cities(&keys, &["verona".to_string()].into_iter().collect());
        assert_eq!(s.candidates("VERONA", "Rosi Trasporti S.R.L."), [0]);
        assert!(s.candidates("Verona", "Verdi").is_empty());
        assert!(s.candidates("Milano", "Rossi Trasporti").is_empty(), "Milano was not indexed");
    }

    fn mapped(headers: &[&str]) -> Vec<(Option<String>, bool)> {
        let defs = import_fields(Entity::Customers, &[]);
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let settings = ProfileSettings { columns: Vec::new(), format: FileFormat::default(), detect: true };
        let (columns, guessed) = map_columns_guessing(&headers, &settings, &defs, false);
        columns.into_iter().map(|m| m.map(|(d, _)| d.key.clone())).zip(guessed).collect()
    }

    #[test]
    fn columns_are_mapped_by_the_names_offices_use_and_guesses_are_marked() {
        let got = mapped(&["Nazwa kontrahenta pełna", "NIP", "Miasto", "REGON", "Nazwa", "Adress", ""]);
        let want = [
            (None, false),
            (Some("vat_id"), false),
            (Some("city"), false),
            (None, false),
            (Some("name"), false),
            (Some("street"), true),
            (None, false),
        ];
        assert_eq!(got, want.map(|(f, g)| (f.map(String::from), g)), "a whole name wins over a guess");
        let got = mapped(&["Partita IVA", "Codice fiscale", "Ragione sociale"]);
        assert_eq!(got[1].0, None, "the codice fiscale is second to the partita IVA");
        let got = mapped(&["Codice fiscale", "Ragione sociale"]);
        assert_eq!(got[0].0.as_deref(), Some("vat_id"), "without a partita IVA it is the VAT id");
    }

    #[test]
    fn the_contact_columns_of_a_people_file_go_to_the_person() {
        let got: Vec<Option<String>> =
            mapped(&["first_name", "last_name", "company", "email_work", "Company phone", "job_title"])
                .into_iter()
                .map(|(f, _)| f)
                .collect();
        let want = ["person_first_name", "person_last_name", "name", "person_email", "phone", "person_position"];
        assert_eq!(got, want.map(|f| Some(f.to_string())));
        let got = mapped(&["Company", "Email", "Contact"]);
        assert_eq!(got[1].0.as_deref(), Some("email"), "without first and last names the e-mail is the company's");
    }

    #[test]
    fn salesforce_and_hubspot_account_exports_map_without_help() {
        let salesforce = [
            "Account Name",
            "Billing Street",
            "Billing City",
            "Billing State/Province",
            "Billing Zip/Postal Code",
            "Billing Country",
            "Phone",
            "Fax",
            "Website",
            "Industry",
            "Employees",
            "Annual Revenue",
            "Account Owner",
            "Account Number",
        ];
        let fields: Vec<Option<String>> = mapped(&salesforce).into_iter().map(|(f, _)| f).collect();
        let want = [
            "name",
            "street",
            "city",
            "region",
            "postal_code",
            "country",
            "phone",
            "fax",
            "web",
            "business_type",
            "employees",
            "annual_turnover",
            "owner",
            "erp_code",
        ];
        assert_eq!(fields, want.map(|f| Some(f.to_string())));
        let hubspot = [
            "Company name",
            "Company Domain Name",
            "City",
            "State/Region",
            "Country/Region",
            "Phone Number",
            "Number of Employees",
            "Annual Revenue",
            "Street Address",
            "Postal Code",
            "Company owner",
        ];
        let fields: Vec<Option<String>> = mapped(&hubspot).into_iter().map(|(f, _)| f).collect();
        let want = [
            Some("name"),
            Some("web"),
            Some("city"),
            Some("region"),
            Some("country"),
            Some("phone"),
            Some("employees"),
            Some("annual_turnover"),
            Some("street"),
            Some("postal_code"),
            Some("owner"),
        ];
        assert_eq!(fields, want.map(|f| f.map(String::from)));
    }

    #[test]
    fn polish_and_italian_accounting_programs_map_without_help() {
        let subiekt = [
            "Symbol",
            "Nazwa",
            "Nazwa pełna",
            "NIP",
            "REGON",
            "Ulica",
            "Nr domu",
            "Nr lokalu",
            "Kod pocztowy",
            "Miejscowość",
            "Województwo",
            "Kraj",
            "Telefon",
            "E-mail",
            "WWW",
            "Uwagi",
        ];
        let fields: Vec<Option<String>> = mapped(&subiekt).into_iter().map(|(f, _)| f).collect();
        let want = [
            Some("erp_code"),
            Some("name"),
            None,
            Some("vat_id"),
            None,
            Some("street"),
            Some("street_number"),
            Some("street_flat"),
            Some("postal_code"),
            Some("city"),
            Some("region"),
            Some("country"),
            Some("phone"),
            Some("email"),
            Some("web"),
            Some("notes"),
        ];
        assert_eq!(fields, want.map(|f| f.map(String::from)));
        let optima = ["Akronim", "Nazwa1", "NIP", "Miasto", "Kraj"];
        let got = mapped(&optima);
        assert_eq!((got[0].0.as_deref(), got[1].clone()), (Some("erp_code"), (Some("name".to_string()), true)));
        let easyfatt = [
            "Cod.",
            "Denominazione",
            "Indirizzo",
            "Cap",
            "Città",
            "Prov.",
            "Nazione",
            "Partita Iva",
            "Codice fiscale",
            "Tel.",
            "Cell",
            "e-mail",
            "Pec",
        ];
        let fields: Vec<Option<String>> = mapped(&easyfatt).into_iter().map(|(f, _)| f).collect();
        let want = [
            Some("erp_code"),
            Some("name"),
            Some("street"),
            Some("postal_code"),
            Some("city"),
            Some("region"),
            Some("country"),
            Some("vat_id"),
            None,
            Some("phone"),
            Some("mobile"),
            Some("email"),
            None,
        ];
        assert_eq!(fields, want.map(|f| f.map(String::from)));
    }
}
