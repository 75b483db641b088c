//! The office's sales process: its stages, saved by the sales manager or the director.

use super::*;

impl Store {
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
}
