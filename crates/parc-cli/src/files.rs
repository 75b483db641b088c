//! Temporary folders and programs on PATH. (Files are written whole with `parc_core::ground::atomic`.)

use std::path::PathBuf;

use parc_core::Error;

/// The workstation's local time: backups and temporary folders are named after it.
pub fn local_now() -> parc_core::chrono::NaiveDateTime {
    parc_core::chrono::Local::now().naive_local()
}

/// A new private folder under the system's temporary folder.
pub fn tempdir() -> Result<PathBuf, Error> {
    let dir = std::env::temp_dir().join(format!("parc-crash-{}-{}", std::process::id(), local_now().format("%H%M%S")));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A program on the PATH.
pub fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|p| p.is_file()))
}
