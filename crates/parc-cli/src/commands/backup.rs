//! `backup`: a verified backup of the database file now, or the list of backups;
//! [`database_file`] for the commands that need the file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use parc_core::host::backup;
use parc_core::storage::Target;

use crate::exit::{Exit, Outcome, Stop};
use crate::files::local_now;
use crate::output::print_line;
use crate::station::Station;

/// Takes a verified backup of the database file now (SQLite's online backup API: the app
/// may keep working), then thins old backups (7 daily, 4 weekly, 12 monthly). Prints the
/// backup as JSON. With --list, prints the backups in the folder instead, newest first.
#[derive(clap::Args)]
pub struct Args {
    /// Folder for backups (default: the one chosen in the app's settings, else `backups`
    /// beside the database).
    #[arg(long)]
    pub folder: Option<PathBuf>,
    #[arg(long)]
    pub list: bool,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { folder, list } = args;
    let file = database_file(station)?;
    let folder = folder.unwrap_or_else(|| station.settings.backup_folder(file));
    if list {
        for b in backup::list(&folder)? {
            if !print_line(&serde_json::to_string(&b).expect("backup serialises")) {
                break;
            }
        }
        return Ok(());
    }
    let started = Instant::now();
    let taken = backup::backup(file, &folder, local_now())?;
    let mut out = serde_json::to_value(&taken).expect("backup serialises");
    out["seconds"] = started.elapsed().as_secs_f64().into();
    println!("{out}");
    Ok(())
}

/// The database file, or exit code 3 with the reason: a server's database is backed up by the
/// server.
pub fn database_file(station: &Station) -> Result<&Path, Stop> {
    match &station.db {
        Target::File(file) => Ok(file),
        Target::Postgres(_) => Err(Exit::FileOnly.say(station.locale(), "cli.server_backs_up", &[])),
    }
}
