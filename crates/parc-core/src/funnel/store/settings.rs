//! The office's settings the funnel reads: the generic settings, the home country, the stages and the close reasons and lead sources.

use super::*;

impl Store {
    /// An office setting's stored JSON text, if saved.
    pub fn setting(&mut self, key: &str) -> Result<Option<String>> {
        self.read(|x| crate::storage::settings::setting(x, key))
    }

    /// Saves an office setting if it still reads `expected` (`None`: never saved); else
    /// `Conflict`.
    pub fn set_setting(&mut self, key: &str, expected: Option<&str>, value: &str) -> Result<()> {
        self.write(|x| crate::storage::settings::replace_setting(x, key, expected, value))
    }

    /// The office's home country (an ISO code), the country of an imported customer when
    /// nothing else says; `None` until a manager sets it.
    pub fn home_country(&mut self) -> Result<Option<String>> {
        self.read(|x| home_in(x).map(|(_, code)| code))
    }

    /// Sets the office's home country (`""` clears it); only a manager or the director may.
    /// Returns it as stored.
    pub fn set_home_country(&mut self, by: Option<i64>, code: &str) -> Result<Option<String>> {
        self.require_manager(by)?;
        let code = crate::ground::country::home_validated(code)?;
        self.write(|x| {
            let (text, _) = home_in(x)?;
            crate::storage::settings::replace_setting(
                x,
                crate::ground::country::HOME_KEY,
                text.as_deref(),
                &serde_json::to_string(&code).expect("serialises"),
            )?;
            Ok(code)
        })
    }

    // --- the office's process ---

    /// The office's stages (the default process until the manager saves one).
    pub fn stage_settings(&mut self) -> Result<StageSettings> {
        self.read(|x| Ok(stages_in(x)?.1))
    }

    /// Saves the stages; only the sales manager may. `settings.version` must be the one read.
    pub fn save_stage_settings(&mut self, by: Option<i64>, settings: StageSettings) -> Result<StageSettings> {
        self.require_manager(by)?;
        self.write(|x| {
            let (text, current) = stages_in(x)?;
            if settings.version != current.version {
                return Err(Error::Conflict { entity: "stages", id: 0 });
            }
            let saved = settings.validated(&current)?;
            crate::storage::settings::replace_setting(
                x,
                STAGES_KEY,
                text.as_deref(),
                &serde_json::to_string(&saved).expect("serialises"),
            )?;
            Ok(saved)
        })
    }

    /// The office's lost, postponed and disqualified reasons.
    pub fn reason_settings(&mut self) -> Result<ReasonSettings> {
        self.read(|x| Ok(reasons_in(x)?.1))
    }

    pub fn save_reason_settings(&mut self, by: Option<i64>, settings: ReasonSettings) -> Result<ReasonSettings> {
        self.require_manager(by)?;
        self.write(|x| {
            let (text, current) = reasons_in(x)?;
            if settings.version != current.version {
                return Err(Error::Conflict { entity: "reasons", id: 0 });
            }
            let saved = settings.validated(&current)?;
            crate::storage::settings::replace_setting(
                x,
                REASONS_KEY,
                text.as_deref(),
                &serde_json::to_string(&saved).expect("serialises"),
            )?;
            Ok(saved)
        })
    }
}
