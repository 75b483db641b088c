//! Running an export profile: every matching row (or every row changed since the profile's
//! last export), read in one snapshot of the store, written to a temporary file that gets its
//! name only when complete and counted; the watermark moves in the same step.
//!
//! How "changed since" is told without skipping or repeating a row is the store's business
//! (`exchange/store.rs`): on SQLite a change counter in commit order, on PostgreSQL the
//! export's snapshot, so a transaction committing late is sent by the next export.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use super::csv_file::CsvWriter;
use super::workbook::{SheetWriter, Value};
use super::{fields, Entity, FieldType, FileKind, Kind, Progress, Stage, Watermark};
use crate::exchange::store::{self as rows, export_query};
use crate::ground::atomic::Partial;
use crate::ground::error::{Error, Result};
use crate::storage::exec::{Cells, Val};
use crate::storage::{now, Store, Target};

/// Rows read from the store at a time.
const PAGE: i64 = 5000;

/// What an export did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportReport {
    pub profile: String,
    pub entity: Entity,
    pub path: String,
    /// Rows written (the header not counted).
    pub rows: u64,
    /// Records sent (customers, people…; orders, whose lines take a row each): checked
    /// against the count of matching records in the same snapshot.
    pub records: u64,
    /// Whether every row was sent, and why when it was not asked for.
    pub full: bool,
    /// `asked`, `first` (the profile never ran, or its columns changed), `store_changed` (the
    /// data was copied or restored into another store since), or none for an incremental one.
    pub full_reason: Option<&'static str>,
    /// Characters the file's encoding lacks, written as `?`.
    pub unmappable: u64,
    pub seconds: f64,
}

/// Where one column's cells come from.
enum Source {
    Column(usize, FieldType),
    Archived(usize),
    Custom(usize, i64, FieldType),
}

/// Runs export profile `name` into `out`. `full` sends every row; otherwise only the rows
/// changed since this profile's last export (every row the first time).
pub fn run(
    store: &mut Store,
    name: &str,
    out: &Path,
    full: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<ExportReport> {
    let started = Instant::now();
    let profile = store.exchange_profile(Kind::Export, name)?;
    let entity = profile.data.entity;
    let query = export_query(entity).ok_or(Error::invalid("entity", "validation.choice"))?;
    let users: HashMap<i64, String> = store
        .users()?
        .into_iter()
        .map(|u| (u.id, if u.data.initials.is_empty() { u.data.name } else { u.data.initials }))
        .collect();
    let custom = store.custom_fields()?;
    let defs = fields(entity, &custom);
    let index = |key: &str| query.columns.iter().position(|c| *c == key);
    let mut sources = Vec::with_capacity(profile.data.settings.columns.len());
    for c in &profile.data.settings.columns {
        let def = defs.iter().find(|d| d.key == c.field && d.export);
        let source = match (def, c.field.strip_prefix("custom.")) {
            (Some(d), Some(id)) => index("custom").zip(id.parse().ok()).map(|(i, id)| Source::Custom(i, id, d.ty)),
            (Some(_), None) if c.field == "archived" => index("archived").map(Source::Archived),
            (Some(d), None) => index(&c.field).map(|i| Source::Column(i, d.ty)),
            (None, _) => None,
        };
        // A column of a field the office has since retired is written empty.
        sources.push(source);
    }
    let previous = match (full, profile.watermark.as_deref().and_then(Watermark::parse)) {
        (true, _) => None,
        (false, w) => w,
    };
    let postgres = matches!(store.target(), Target::Postgres(_));
    let mut full_reason = match (full, &previous) {
        (true, _) => Some("asked"),
        (false, None) => Some("first"),
        (false, Some(Watermark::Snapshot(_))) if !postgres => Some("store_changed"),
        (false, Some(Watermark::Sequence(_))) if postgres => Some("store_changed"),
        (false, Some(_)) => None,
    };
    let format = profile.data.settings.format.clone();
    let (partial, file) = Partial::create(out)?;
    let headers: Vec<&str> = profile.data.settings.columns.iter().map(|c| c.header.as_str()).collect();
    let mut writer = match format.kind {
        FileKind::Csv => {
            let mut w = CsvWriter::new(file, &format)?;
            if format.header {
                w.record(&headers)?;
            }
            Sink::Csv(w)
        }
        FileKind::Xlsx => {
            let widths: Vec<usize> = headers
                .iter()
                .zip(&sources)
                .map(|(h, s)| h.chars().count().max(s.as_ref().map_or(8, Source::width)))
                .collect();
            let sheet = SheetWriter::new(&profile.data.name, format.header.then_some(&headers[..]), &widths)?;
            Sink::Xlsx(Box::new(sheet), file)
        }
    };
    let (horizon, counted, written, records) = store.read(|x| {
        let horizon = rows::horizon(x)?;
        let mut since = if full_reason.is_none() { previous.clone() } else { None };
        // A clock that went back means another store (a server restored elsewhere): the old
        // watermark cannot say what was sent.
        if since.as_ref().is_some_and(|s| horizon.xmin() < s.xmin()) {
            since = None;
            full_reason = Some("store_changed");
        }
        let total = query.count(x, since.as_ref())? as u64;
        progress(Progress { stage: Stage::Writing, done: 0, total });
        let (mut after, mut written, mut records) = (0i64, 0u64, 0u64);
        let mut cells: Vec<String> = Vec::with_capacity(sources.len());
        let mut values: Vec<Value> = Vec::with_capacity(sources.len());
        loop {
            let page = query.page(x, since.as_ref(), after, PAGE)?;
            let Some(last) = page.last() else { break };
            let last = last.int(0)?;
            for r in &page {
                let id = r.int(0)?;
                // One row per record even if the store held two main contacts for a customer.
                if id == after {
                    continue;
                }
                after = id;
                records += 1;
                let expanded = if entity == Entity::Orders { order_rows(r)? } else { Vec::new() };
                let each: Vec<&Cells> = if entity == Entity::Orders { expanded.iter().collect() } else { vec![r] };
                for r in each {
                    cells.clear();
                    values.clear();
                    let custom = sources
                        .iter()
                        .find_map(|s| match s {
                            Some(Source::Custom(i, ..)) => Some(*i),
                            _ => None,
                        })
                        .map(|i| r.json::<crate::customer::custom_field::CustomValues>(i))
                        .transpose()?
                        .unwrap_or_default();
                    for s in &sources {
                        if let Sink::Xlsx(..) = writer {
                            values.push(match s {
                                None => Value::Empty,
                                Some(Source::Column(i, ty)) => value(r, *i, *ty, &users)?,
                                Some(Source::Archived(i)) => Value::Bool(r.opt_text(*i)?.is_some()),
                                Some(Source::Custom(_, id, ty)) => {
                                    custom.get(id).map_or(Value::Empty, |v| custom_value(v, *ty))
                                }
                            });
                            continue;
                        }
                        cells.push(match s {
                            None => String::new(),
                            Some(Source::Column(i, ty)) => cell(r, *i, *ty, &format, &users)?,
                            Some(Source::Archived(i)) => if r.opt_text(*i)?.is_some() { "1" } else { "0" }.to_string(),
                            Some(Source::Custom(_, id, ty)) => match custom.get(id) {
                                None => String::new(),
                                Some(v) => match ty {
                                    FieldType::Date => format.date(v),
                                    FieldType::Decimal => format.decimal_text(v),
                                    _ => format.text(v).into_owned(),
                                },
                            },
                        });
                    }
                    match &mut writer {
                        Sink::Csv(w) => w.record(&cells)?,
                        Sink::Xlsx(w, _) => w.record(&values)?,
                    }
                    written += 1;
                }
            }
            after = last;
            progress(Progress { stage: Stage::Writing, done: records, total });
        }
        Ok((horizon, total, written, records))
    })?;
    if records != counted {
        return Err(Error::Corrupt(format!("the export wrote {records} records of the {counted} it counted")));
    }
    let (unmappable, file) = match writer {
        Sink::Csv(w) => (w.unmappable, w.into_inner()?),
        Sink::Xlsx(w, mut file) => {
            w.finish(&mut file)?;
            (0, file)
        }
    };
    // The watermark moves before the file gets its name: should the rename fail, the
    // watermark is put back, so these rows go with the next export.
    let at = now();
    let mark = horizon.to_text();
    store.write(|x| rows::record_run(x, profile.id, profile.runs, Some(&mark), &at, written as i64))?;
    if let Err(e) = partial.commit(file) {
        let _ =
            store.write(|x| rows::record_run(x, profile.id, profile.runs + 1, profile.watermark.as_deref(), &at, 0));
        return Err(e.into());
    }
    Ok(ExportReport {
        profile: profile.data.name,
        entity,
        path: out.display().to_string(),
        rows: written,
        records,
        full: full_reason.is_some(),
        full_reason,
        unmappable,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Where an export's rows go: a CSV writer, or a streamed workbook saved into the file at the end.
enum Sink {
    Csv(CsvWriter<std::io::BufWriter<std::fs::File>>),
    Xlsx(Box<SheetWriter>, std::io::BufWriter<std::fs::File>),
}

impl Source {
    /// A workbook column's width for the values of this source, in characters.
    fn width(&self) -> usize {
        match self {
            Source::Column(_, ty) | Source::Custom(_, _, ty) => match ty {
                FieldType::Text => 24,
                FieldType::Stamp => 22,
                FieldType::DateTime => 16,
                FieldType::Money => 14,
                FieldType::Date => 11,
                _ => 8,
            },
            Source::Archived(_) => 6,
        }
    }
}

/// One cell of a stored row as a workbook's typed value: numbers, money, percentages and dates
/// as Excel's own, text as text (a text cell never runs as a formula, so nothing is neutralised).
fn value(r: &Cells, i: usize, ty: FieldType, users: &HashMap<i64, String>) -> Result<Value> {
    let opt = |v: Option<Value>| v.unwrap_or(Value::Empty);
    Ok(match ty {
        FieldType::Text | FieldType::Stamp => match r.0.get(i) {
            Some(Val::Text(s)) if !s.is_empty() => Value::Text(s.clone()),
            Some(Val::Int(n)) => Value::Text(n.to_string()),
            _ => Value::Empty,
        },
        FieldType::Integer => opt(r.opt_int(i)?.map(Value::Int)),
        FieldType::Money => opt(r.opt_int(i)?.map(|n| Value::Money(n, None))),
        FieldType::Decimal => opt(r.opt_text(i)?.map(|v| custom_value(&v, FieldType::Decimal))),
        FieldType::Percent => opt(r.opt_int(i)?.map(|bp| Value::Percent(bp as f64 / 100.0))),
        FieldType::Bool => Value::Bool(r.boolean(i)?),
        FieldType::Date => opt(r.opt_text(i)?.map(|d| custom_value(&d, FieldType::Date))),
        FieldType::DateTime => opt(r.opt_text(i)?.map(|d| {
            chrono::NaiveDateTime::parse_from_str(&d, "%Y-%m-%dT%H:%M").map_or(Value::Text(d), Value::DateTime)
        })),
        FieldType::User => opt(r.opt_int(i)?.and_then(|id| users.get(&id)).map(|u| Value::Text(u.clone()))),
    })
}

/// A canonical value (an office field's, or a stored day or decimal) as a typed value.
fn custom_value(v: &str, ty: FieldType) -> Value {
    match ty {
        FieldType::Date => chrono::NaiveDate::parse_from_str(v, crate::ground::dates::DATE_FORMAT)
            .map_or_else(|_| Value::Text(v.to_string()), Value::Date),
        FieldType::Decimal => match v.parse::<f64>() {
            Ok(x) => Value::Number(x, v.split_once('.').map_or(0, |(_, f)| f.len().min(2))),
            Err(_) => Value::Text(v.to_string()),
        },
        _ if v.is_empty() => Value::Empty,
        _ => Value::Text(v.to_string()),
    }
}

/// One cell of a stored row in the file's format.
fn cell(
    r: &Cells,
    i: usize,
    ty: FieldType,
    format: &super::FileFormat,
    users: &HashMap<i64, String>,
) -> Result<String> {
    Ok(match ty {
        FieldType::Text => match r.0.get(i) {
            Some(Val::Text(s)) => format.text(s).into_owned(),
            Some(Val::Int(n)) => n.to_string(),
            _ => String::new(),
        },
        FieldType::Integer => r.opt_int(i)?.map(|n| n.to_string()).unwrap_or_default(),
        FieldType::Money => r.opt_int(i)?.map(|n| format.money(n)).unwrap_or_default(),
        FieldType::Decimal => r.opt_text(i)?.map(|v| format.decimal_text(&v)).unwrap_or_default(),
        FieldType::Percent => r.opt_int(i)?.map(|bp| format.percent(bp)).unwrap_or_default(),
        FieldType::Bool => if r.boolean(i)? { "1" } else { "0" }.to_string(),
        FieldType::Date => r.opt_text(i)?.map(|d| format.date(&d)).unwrap_or_default(),
        FieldType::DateTime => r.opt_text(i)?.map(|d| format.datetime(&d)).unwrap_or_default(),
        // A stamp not yet set (a next action not done) is an empty cell.
        FieldType::Stamp => r.opt_text(i)?.unwrap_or_default(),
        FieldType::User => {
            r.opt_int(i)?.and_then(|id| users.get(&id)).map(|u| format.text(u).into_owned()).unwrap_or_default()
        }
    })
}

/// An order (an accepted offer) as one row per line: its own cells, then the line's and the
/// order's amounts, computed as the offer computes them.
fn order_rows(r: &Cells) -> Result<Vec<Cells>> {
    use crate::offer::{OfferData, OfferLine, TradeIn};
    let data = OfferData {
        lines: r.json::<Vec<OfferLine>>(13)?,
        global_discount_bp: r.int(14)?,
        trade_ins: r.json::<Vec<TradeIn>>(15)?,
        ..Default::default()
    };
    let totals = data.totals();
    let vat: i64 = totals.vat.iter().map(|v| v.vat).sum();
    let order = [totals.net, vat, totals.gross, totals.trade_in, totals.to_pay].map(Val::Int);
    let mut out = Vec::with_capacity(data.lines.len().max(1));
    for (i, l) in data.lines.iter().enumerate() {
        let mut cells = r.0.clone();
        cells.extend([
            Val::Int(i as i64 + 1),
            Val::Text(l.code.clone()),
            Val::Text(l.description.clone()),
            Val::Int(l.quantity),
            Val::Int(l.unit_price),
            Val::Int(l.discount_bp),
            Val::Int(l.vat_bp),
            Val::Int(totals.lines.get(i).copied().unwrap_or_default()),
        ]);
        cells.extend(order.iter().cloned());
        out.push(Cells(cells));
    }
    if out.is_empty() {
        let mut cells = r.0.clone();
        cells.extend([
            Val::NullInt,
            Val::NullText,
            Val::NullText,
            Val::NullInt,
            Val::NullInt,
            Val::NullInt,
            Val::NullInt,
            Val::NullInt,
        ]);
        cells.extend(order.iter().cloned());
        out.push(Cells(cells));
    }
    Ok(out)
}
