//! Office settings kept as versioned JSON text in the `setting` table (the funnel's stages and reasons, the fleet's brands, …): read, replaced only from the version read.

use crate::ground::error::{Error, Result};
use crate::storage::exec::Exec;

// --- settings ---

pub(crate) fn setting(x: &mut dyn Exec, key: &str) -> Result<Option<String>> {
    x.row("SELECT value FROM setting WHERE key = $1", &[key.into()])?.map(|r| r.text(0)).transpose()
}

/// A versioned office setting: the stored text and what it holds (the default when none).
pub(crate) fn stored<T: serde::de::DeserializeOwned + Default>(
    x: &mut dyn Exec,
    key: &str,
) -> Result<(Option<String>, T)> {
    let text = setting(x, key)?;
    let value = match &text {
        Some(t) => {
            serde_json::from_str(t).map_err(|e| Error::Corrupt(format!("the setting {key} cannot be read: {e}")))?
        }
        None => T::default(),
    };
    Ok((text, value))
}

/// Saves a versioned office setting edited from the stored version (`version` reaches the
/// setting's version field), bumping it; a stale version is a `Conflict`.
pub(crate) fn save_versioned<T: serde::Serialize + serde::de::DeserializeOwned + Default>(
    x: &mut dyn Exec,
    key: &str,
    settings: &mut T,
    version: impl Fn(&mut T) -> &mut i64,
) -> Result<()> {
    let (text, mut current) = stored::<T>(x, key)?;
    if *version(&mut current) != *version(settings) {
        return Err(Error::Conflict { entity: "settings", id: 0 });
    }
    *version(settings) += 1;
    replace_setting(x, key, text.as_deref(), &serde_json::to_string(settings).expect("serialises"))
}

/// Writes `value` when the stored text is still `expected` (`None`: not stored yet); else
/// `Conflict`: someone saved the setting meanwhile.
pub(crate) fn replace_setting(x: &mut dyn Exec, key: &str, expected: Option<&str>, value: &str) -> Result<()> {
    let changed = match expected {
        Some(old) => x.run(
            "UPDATE setting SET value = $3 WHERE key = $1 AND value = $2",
            &[key.into(), old.into(), value.into()],
        )?,
        None => x.run(
            "INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[key.into(), value.into()],
        )?,
    };
    if changed == 0 {
        return Err(Error::Conflict { entity: "setting", id: 0 });
    }
    Ok(())
}

impl crate::Store {
    /// An office setting's stored JSON text, if saved.
    pub fn setting(&mut self, key: &str) -> Result<Option<String>> {
        self.read(|x| crate::storage::settings::setting(x, key))
    }

    /// Saves an office setting if it still reads `expected` (`None`: never saved); else
    /// `Conflict`.
    pub fn set_setting(&mut self, key: &str, expected: Option<&str>, value: &str) -> Result<()> {
        self.write(|x| crate::storage::settings::replace_setting(x, key, expected, value))
    }
}
