//! `offer-pdf`: an offer written as the PDF the window prints.

use std::path::PathBuf;

use crate::exit::Outcome;
use crate::station::Station;

/// Writes an offer as the PDF the window prints: the newest revision of NUMBER (or
/// --revision), in the offer's language or --lang (en, it, pl, lt, zh).
#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    pub offer: String,
    #[arg(long)]
    pub revision: Option<i64>,
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub lang: Option<String>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { offer, revision, out, lang } = args;
    let mut store = station.connect()?;
    let found = store.offer_by_number(&offer, revision)?;
    let pdf = store.offer_pdf(found.id, lang.as_deref())?;
    parc_core::ground::atomic::write(&out, &pdf)?;
    let summary =
        serde_json::json!({ "offer": found.number, "revision": found.revision, "out": out, "bytes": pdf.len() });
    println!("{summary}");
    Ok(())
}
