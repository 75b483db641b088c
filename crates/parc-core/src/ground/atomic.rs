//! Files written whole or not at all: under a temporary name beside the final one, synced to
//! disk, then renamed over it, and the folder synced, so that a reader (the ERP's nightly job, the
//! next start) sees the old file or the new one, never half of one, even after a power cut.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` whole or not at all.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (partial, mut file) = Partial::create(path)?;
    file.write_all(bytes)?;
    partial.commit(file)
}

/// The temporary name beside `dest` that a file is written under: hidden, and with this
/// process's id so two programs writing the same file do not write into each other's.
fn partial_path(dest: &Path) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    dest.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

/// Gives the finished file `tmp` (written by someone else, e.g. SQLite's backup) the name
/// `dest`: synced first, then renamed, then the folder synced so the rename survives a crash.
pub fn replace(tmp: &Path, dest: &Path) -> io::Result<()> {
    File::open(tmp)?.sync_all()?;
    std::fs::rename(tmp, dest)?;
    sync_dir(dest);
    Ok(())
}

/// Syncs the folder holding `path`, where its name lives (best effort: not every file system
/// lets a folder be opened).
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// A file being written under a temporary name beside its final one; [`Partial::commit`]
/// syncs it and renames it. Dropped without a commit, the temporary file is removed.
pub struct Partial {
    tmp: PathBuf,
    dest: PathBuf,
    done: bool,
}

impl Partial {
    pub fn create(dest: &Path) -> io::Result<(Partial, BufWriter<File>)> {
        let tmp = partial_path(dest);
        let file = File::create(&tmp)?;
        Ok((Partial { tmp, dest: dest.to_path_buf(), done: false }, BufWriter::with_capacity(1 << 20, file)))
    }

    /// Syncs the written file to disk, then gives it its name.
    pub fn commit(mut self, writer: BufWriter<File>) -> io::Result<()> {
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&self.tmp, &self.dest)?;
        sync_dir(&self.dest);
        self.done = true;
        Ok(())
    }

    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, "old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("export.csv")]);
    }

    #[test]
    fn a_partial_file_gets_its_name_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.csv");
        let (partial, mut w) = Partial::create(&dest).unwrap();
        w.write_all(b"x").unwrap();
        assert!(!dest.exists());
        let tmp = partial.temp_path().to_path_buf();
        partial.commit(w).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"x");
        assert!(!tmp.exists());
        let (partial, _w) = Partial::create(&dir.path().join("never.csv")).unwrap();
        let tmp = partial.temp_path().to_path_buf();
        drop(partial);
        assert!(!tmp.exists() && !dir.path().join("never.csv").exists());
    }
}
