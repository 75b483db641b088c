//! `report`: one of the sales manager's reports over a period, as JSON, CSV or a workbook.

use std::path::PathBuf;

use parc_core::chrono::NaiveDate;
use parc_core::report::{ReportKind, ReportQuery};
use parc_core::Error;

use super::segment::no_segment;
use crate::args::{self, date_arg, day_arg, kind_arg};
use crate::exit::{Exit, Outcome, Stop};
use crate::station::{user_id, Station};

/// Prints one of the sales manager's reports over a period: as JSON (the table, with money
/// in integer minor units of "currency", and the report's own figures), or as CSV for a
/// spreadsheet (UTF-8 with BOM, `;`, the workstation's decimal sign). The kinds:
///   activity        new prospects against orders won; value from new and existing customers
///   contacts        contacts per working day and week, new and existing customers, by type, hours
///   contact-roles   contacts by the role of the person met
///   products        vehicles sold by category and model, per salesperson
///   outcomes        deals won, lost and postponed per salesperson
///   reasons         why deals were lost or postponed
///   competitors     the competitors that won the deals we lost
///   stages          deals moved forward per stage and average days per stage
///   cost            time in contacts per deal and per order, cost of selling per order
///   pyramid         the customer pyramid (tiers A, B, C) in force at the period's end
///   pyramid-movers  customers that changed tier in the period
///   market          market share (QM) by segment and year of registration
///   customer        the seven P's of one customer (--customer ID)
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// One of the kinds above.
    #[arg(long, value_parser = kind_arg)]
    pub kind: ReportKind,
    /// First day, YYYY-MM-DD (default: the first day of the month two months before --to).
    #[arg(long, value_parser = day_arg)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = day_arg)]
    pub to: Option<String>,
    /// json, csv (on stdout, or into --out) or xlsx (an Excel workbook into --out).
    #[arg(long, default_value = "json", value_parser = ["json", "csv", "xlsx"])]
    pub format: String,
    /// The file a csv or xlsx report is written to (temporary name, then renamed); json is
    /// always printed.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The currency of money columns (default: the one most deals are in).
    #[arg(long)]
    pub currency: Option<String>,
    /// Only this salesperson (name or initials), for products, reasons, competitors, stages.
    #[arg(long)]
    pub owner: Option<String>,
    /// The customer of the seven P's.
    #[arg(long)]
    pub customer: Option<i64>,
    /// Only the customers of this saved segment (its name), as of --today.
    #[arg(long)]
    pub segment: Option<String>,
    /// The day it is seen from, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = date_arg)]
    pub today: Option<NaiveDate>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { kind, from, to, format, out: file, currency, owner, customer, segment, today } = args;
    let today = today.unwrap_or_else(args::today);
    let mut store = station.connect()?;
    let users = store.users()?;
    let owner_id = user_id(&users, owner.as_deref(), station.locale())?;
    let segment_id = match segment.as_deref() {
        None => None,
        Some(name) => match store.segment_named(name)? {
            Some(s) => Some(s.id),
            None => return Err(no_segment(&mut store, name, station.locale())),
        },
    };
    let query = ReportQuery { from, to, currency, owner_id, customer_id: customer, segment_id };
    let locale = station.locale();
    let out = match store.report(kind, &query, today, locale) {
        Ok(out) => out,
        Err(Error::Validation(fields)) => {
            for f in fields {
                let option = f.field.replace('_', "-");
                eprintln!("parc-cli: --{option}: {} ({})", parc_core::ground::i18n::tr(locale, f.key), f.key);
            }
            return Err(Stop::Exit(Exit::Failed));
        }
        Err(e) => return Err(e.into()),
    };
    if let (Some(path), "csv") = (&file, format.as_str()) {
        parc_core::report::write_csv(&out.table, locale, path)?;
    } else if let (Some(path), "xlsx") = (&file, format.as_str()) {
        parc_core::report::write_report(&out.table, locale, path)?;
    } else if format == "xlsx" {
        return Err(Exit::Failed.say(locale, "cli.xlsx_needs_out", &[]));
    } else if format == "csv" {
        use std::io::Write;
        let bytes = parc_core::report::csv(&out.table, locale)?;
        let _ = std::io::stdout().lock().write_all(&bytes);
    } else {
        let json = serde_json::json!({
            "kind": out.kind,
            "from": out.from,
            "to": out.to,
            "currency": out.currency,
            "table": out.table,
            "data": out.data,
        });
        println!("{json}");
    }
    Ok(())
}
