//! Who had bought from us, and since when: a won deal, or one of the brands the office sells
//! in the customer's fleet. The contact tallies, the reports and the segments read it.

use crate::funnel::deal::StageKind;
use crate::ground::error::Result;
use crate::storage::exec::{Exec, Val};
use crate::storage::settings;

/// The won stage of the office's process, and the brands it sells: what "had bought from us"
/// is read from.
#[derive(Debug, Clone)]
pub(crate) struct Bought {
    pub won: i64,
    pub ours: Vec<String>,
}

impl Bought {
    pub fn read(x: &mut dyn Exec) -> Result<Bought> {
        let process: crate::funnel::deal::StageSettings = settings::setting(x, "funnel.stages")?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_else(crate::funnel::deal::StageSettings::default_process);
        let fleet: crate::fleet::FleetSettings = settings::setting(x, crate::fleet::SETTING_KEY)?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        Ok(Bought { won: process.of_kind(StageKind::Won).id, ours: fleet.our_brands() })
    }

    /// `$n, $m, …` for the brands the office sells, each pushed onto `args`: an `IN (…)` list.
    pub fn brand_args(&self, args: &mut Vec<Val>) -> String {
        let mut marks = Vec::with_capacity(self.ours.len());
        for b in &self.ours {
            args.push(b.into());
            marks.push(format!("${}", args.len()));
        }
        marks.join(", ")
    }

    /// The day a customer first bought from us: its first deal won, or the last day of the first
    /// year of our vehicles in its fleet; it is an existing customer on the days after.
    pub fn since(&self, x: &mut dyn Exec, customer_id: i64) -> Result<Option<String>> {
        let won = x
            .row(
                "SELECT min(closed_on) FROM deal WHERE customer_id = $1 AND +stage_id = $2",
                &[customer_id.into(), self.won.into()],
            )?
            .map(|r| r.opt_text(0))
            .transpose()?
            .flatten();
        let mut since = won;
        if !self.ours.is_empty() {
            let mut args: Vec<Val> = vec![customer_id.into()];
            let brands = self.brand_args(&mut args);
            let sql = format!(
                "SELECT min(first_registered) FROM fleet_line WHERE customer_id = $1 AND brand IN ({})",
                brands
            );
            if let Some(year) = x.row(&sql, &args)?.map(|r| r.opt_int(0)).transpose()?.flatten() {
                let end = format!("{year:04}-12-31");
                since = Some(match since {
                    Some(s) if s < end => s,
                    _ => end,
                });
            }
        }
        Ok(since)
    }
}
