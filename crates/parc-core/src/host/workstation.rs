//! What belongs to one workstation rather than to the office's database: where the database
//! is and which language this person reads. Kept as a small JSON file in the platform's
//! config folder, written atomically (temporary file, then rename).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ground::error::{Error, Result};
use crate::ground::i18n::Locale;
use crate::storage::Target;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkstationSettings {
    /// `None` until chosen: then the system's language is used.
    pub locale: Option<Locale>,
    /// The database chosen in settings (file path or `postgres://` address without password);
    /// `None` for the embedded default file.
    pub database: Option<String>,
    /// Who sits at this workstation, per database (users belong to a database).
    pub users: std::collections::BTreeMap<String, i64>,
    /// After how many days without contact or next action a customer is "going cold".
    pub cold_after_days: Option<u32>,
    /// Where backups of the database file go (a USB disk, a network share); `None` for
    /// `backups` beside the database. Kept here, not in the database: it names a folder of
    /// this machine, and restoring a backup must not change where backups go.
    pub backup_folder: Option<String>,
}

/// The default of [`WorkstationSettings::cold_after_days`].
pub const COLD_AFTER_DAYS: u32 = 60;

impl WorkstationSettings {
    /// The user chosen at this workstation for `target`, if any.
    pub fn user_for(&self, target: &Target) -> Option<i64> {
        self.users.get(&target.to_string()).copied()
    }

    pub fn cold_after_days(&self) -> u32 {
        self.cold_after_days.unwrap_or(COLD_AFTER_DAYS)
    }

    /// The folder for backups of the database file `db`.
    pub fn backup_folder(&self, db: &Path) -> PathBuf {
        match self.backup_folder.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(folder) => PathBuf::from(folder),
            None => crate::host::backup::default_folder(db),
        }
    }
}

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "Parc")
}

/// The embedded default database: `parc.sqlite3` in the user's data folder.
pub fn default_db_path() -> PathBuf {
    dirs().map(|d| d.data_dir().join("parc.sqlite3")).unwrap_or_else(|| PathBuf::from("parc.sqlite3"))
}

/// The database to open: `--db`, else `PARC_DB`, else the one chosen in settings, else the
/// embedded default file.
pub fn resolve_target(explicit: Option<String>, settings: &WorkstationSettings) -> Target {
    explicit
        .or_else(|| std::env::var("PARC_DB").ok())
        .or_else(|| settings.database.clone())
        .filter(|t| !t.trim().is_empty())
        .map(|t| Target::parse(&t))
        .unwrap_or_else(|| Target::File(default_db_path()))
}

/// Checks a database address before it is saved in settings: the settings file is plain
/// text, so a password inside a `postgres://` address is refused (it belongs in the
/// PostgreSQL password file, `~/.pgpass`).
pub fn database_choice(text: &str) -> Result<String> {
    let text = text.trim();
    if let Target::Postgres(url) = Target::parse(text) {
        if url != crate::storage::mask_password(&url) || url.contains("password=") {
            return Err(Error::invalid("database", "validation.password_in_address"));
        }
    }
    if text.is_empty() {
        return Err(Error::invalid("database", "validation.database_required"));
    }
    Ok(text.to_string())
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
        crate::ground::atomic::write(path, &serde_json::to_vec_pretty(self).expect("settings serialise"))?;
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
    fn a_password_never_goes_into_the_settings_file() {
        assert!(database_choice("postgres://ann:secret@db.office/parc").is_err());
        assert!(database_choice("postgres://db.office/parc?user=ann&password=secret").is_err());
        assert_eq!(database_choice(" postgres://ann@db.office/parc ").unwrap(), "postgres://ann@db.office/parc");
        assert_eq!(database_choice("/srv/parc/office.sqlite3").unwrap(), "/srv/parc/office.sqlite3");
        assert!(database_choice("  ").is_err());
    }

    #[test]
    fn the_command_line_wins_over_settings() {
        let s = WorkstationSettings { database: Some("postgres://db/parc".into()), ..Default::default() };
        assert_eq!(resolve_target(Some("/x.sqlite3".into()), &s), Target::File("/x.sqlite3".into()));
        if std::env::var_os("PARC_DB").is_none() {
            assert_eq!(resolve_target(None, &s), Target::Postgres("postgres://db/parc".into()));
            assert_eq!(resolve_target(None, &WorkstationSettings::default()), Target::File(default_db_path()));
        }
    }

    #[test]
    fn saves_and_loads_and_survives_a_broken_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        assert_eq!(WorkstationSettings::load(&path), WorkstationSettings::default());
        let s = WorkstationSettings {
            locale: Some(Locale::Lt),
            database: Some("/srv/office.sqlite3".into()),
            users: [("/srv/office.sqlite3".to_string(), 3)].into(),
            cold_after_days: Some(45),
            backup_folder: Some("/media/usb/parc".into()),
        };
        s.save(&path).unwrap();
        assert_eq!(WorkstationSettings::load(&path), s);
        fs::write(&path, b"{not json").unwrap();
        assert_eq!(WorkstationSettings::load(&path), WorkstationSettings::default());
    }
}
