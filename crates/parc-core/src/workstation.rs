//! What belongs to one workstation rather than to the office's database: where the database
//! is and which language this person reads. Kept as a small JSON file in the platform's
//! config folder, written atomically (temporary file, then rename).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::i18n::Locale;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkstationSettings {
    /// `None` until chosen: then the system's language is used.
    pub locale: Option<Locale>,
}

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "Parc")
}

/// The embedded default database: `parc.sqlite3` in the user's data folder.
pub fn default_db_path() -> PathBuf {
    dirs().map(|d| d.data_dir().join("parc.sqlite3")).unwrap_or_else(|| PathBuf::from("parc.sqlite3"))
}

/// The database to open: an explicit choice, else `PARC_DB`, else the default.
pub fn resolve_db_path(explicit: Option<PathBuf>) -> PathBuf {
    explicit
        .or_else(|| std::env::var_os("PARC_DB").filter(|v| !v.is_empty()).map(PathBuf::from))
        .unwrap_or_else(default_db_path)
}

pub fn settings_path() -> PathBuf {
    dirs().map(|d| d.config_dir().join("settings.json")).unwrap_or_else(|| PathBuf::from("parc-settings.json"))
}

impl WorkstationSettings {
    /// Reads the settings; a missing or unreadable file gives the defaults, never an error
    /// that would keep the app from starting.
    pub fn load(path: &Path) -> WorkstationSettings {
        fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        fs::write(&tmp, serde_json::to_vec_pretty(self).expect("settings serialise"))?;
        fs::rename(&tmp, path)?;
        Ok(())
    }

    /// The language to show: the saved choice, else the system's (`LANG`), else English.
    pub fn effective_locale(&self) -> Locale {
        self.locale.unwrap_or_else(|| {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|v| std::env::var(v).ok())
                .find_map(|v| Locale::parse(&v))
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_and_survives_a_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        assert_eq!(WorkstationSettings::load(&path), WorkstationSettings::default());
        let s = WorkstationSettings { locale: Some(Locale::Lt) };
        s.save(&path).unwrap();
        assert_eq!(WorkstationSettings::load(&path), s);
        fs::write(&path, b"{not json").unwrap();
        assert_eq!(WorkstationSettings::load(&path), WorkstationSettings::default());
    }
}
