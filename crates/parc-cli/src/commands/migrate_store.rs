//! `migrate-store`: an office's data copied into an empty store and verified.

use std::time::Instant;

use parc_core::storage::Target;

use parc_core::host::copy_store;
use parc_core::Store;

use crate::exit::Outcome;
use crate::station::Station;

/// Copies an office's data into an empty store (file to PostgreSQL or back) and verifies
/// the copy by counts and checksums.
#[derive(clap::Args)]
pub struct Args {
    /// Source: file path or postgres:// address.
    #[arg(long)]
    pub from: String,
    /// Destination, empty: file path or postgres:// address.
    #[arg(long)]
    pub to: String,
}

pub fn run(args: Args, _: &Station) -> Outcome {
    let Args { from, to } = args;
    let (from, to) = (Target::parse(&from), Target::parse(&to));
    let mut source = Store::connect(&from)?;
    let mut dest = Store::connect(&to)?;
    let started = Instant::now();
    let report = copy_store(&mut source, &mut dest)?;
    let out = serde_json::json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "copied": report.counts,
        "checksum": report.checksum,
        "verified": true,
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{out}");
    Ok(())
}
