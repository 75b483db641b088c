//! `restore`: a backup checked and restored into the database file.

use std::path::PathBuf;
use std::time::Instant;

use parc_core::{host::backup, Error, Store};

use super::backup::database_file;
use crate::exit::{Exit, Outcome};
use crate::files::local_now;
use crate::station::Station;

/// Restores a backup into the database file, after checking the backup and keeping a copy
/// of the current database in the backup folder. Nothing changes when the backup is bad.
#[derive(clap::Args)]
pub struct Args {
    /// The backup file; --newest takes the newest good one from the folder.
    pub file: Option<PathBuf>,
    #[arg(long, conflicts_with = "file")]
    pub newest: bool,
    #[arg(long)]
    pub folder: Option<PathBuf>,
}

pub fn run(args: Args, station: &Station) -> Outcome {
    let Args { file, newest, folder } = args;
    let db_file = database_file(station)?;
    let folder = folder.unwrap_or_else(|| station.settings.backup_folder(db_file));
    let from = match (file, newest) {
        (Some(f), _) => f,
        (None, true) => match backup::newest_good(&folder)? {
            Some(b) => b.path,
            None => {
                let folder = folder.display().to_string();
                return Err(Exit::Problems.say(station.locale(), "cli.no_good_backup", &[("folder", &folder)]));
            }
        },
        (None, false) => {
            return Err(Exit::Failed.say(station.locale(), "cli.restore_what", &[]));
        }
    };
    let started = Instant::now();
    match backup::restore(db_file, &from, &folder, local_now()) {
        Ok(report) => {
            // Open it as the app would: migrations of an older backup run now.
            Store::open(db_file)?;
            let mut out = serde_json::to_value(&report).expect("report serialises");
            out["seconds"] = started.elapsed().as_secs_f64().into();
            println!("{out}");
        }
        Err(Error::Corrupt(problem)) => {
            let file = from.display().to_string();
            return Err(Exit::Problems.say(
                station.locale(),
                "cli.backup_unusable",
                &[("file", &file), ("problem", &problem)],
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
