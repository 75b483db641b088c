//! `crash-test` and the hidden `crash-writer` it runs and kills; `harness.rs` is what they do.

mod harness;

use std::path::PathBuf;

use crate::exit::{Exit, Outcome};
use crate::files::tempdir;
use crate::station::Station;

/// Proves crash safety: KILLS times, starts a writer making real changes, kills it with
/// SIGKILL at a random moment, reopens the database and checks it. Works in its own folder,
/// never on the office's database.
#[derive(clap::Args)]
pub struct TestArgs {
    #[arg(long, default_value_t = 1000)]
    pub kills: u32,
    /// Longest time a writer runs before its kill, in milliseconds.
    #[arg(long, default_value_t = 300)]
    pub max_ms: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder for the test database (default: a new temporary folder, removed after a pass).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn test(args: TestArgs, station: &Station) -> Outcome {
    let TestArgs { kills, max_ms, seed, dir } = args;
    let temp = match &dir {
        Some(_) => None,
        None => Some(tempdir()?),
    };
    let folder = dir.clone().unwrap_or_else(|| temp.clone().expect("a folder"));
    match harness::test(&folder, kills, max_ms, seed)? {
        Ok(report) => {
            println!("{}", serde_json::to_string(&report).expect("report serialises"));
            if let Some(t) = temp {
                let _ = std::fs::remove_dir_all(t);
            }
            Ok(())
        }
        Err(problem) => {
            let kept = folder.display().to_string();
            Err(Exit::Problems.say(station.locale(), "cli.crash_failed", &[("problem", &problem), ("folder", &kept)]))
        }
    }
}

/// The writer `crash-test` runs and kills.
#[derive(clap::Args)]
pub struct WriterArgs {
    #[arg(long)]
    pub seed: u64,
    #[arg(long)]
    pub from: u64,
    #[arg(long)]
    pub ops: Option<u64>,
}

pub fn writer(args: WriterArgs, station: &Station) -> Outcome {
    let file = super::backup::database_file(station)?;
    harness::writer(file, args.seed, args.from, args.ops)?;
    Ok(())
}
