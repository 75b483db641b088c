//! The funnel's figures (per stage and month, per stage history, per owner and month, stays, currencies), read from the running tallies that the writes of deals keep.

use crate::funnel::{ForecastGroup, ReachGroup, StayGroup};
use crate::ground::error::Result;
use crate::storage::exec::{Exec, Val};

/// Deals and value per stage and month, from the tallies.
pub(crate) fn stage_month_totals(x: &mut dyn Exec, f: &TallyFilter) -> Result<Vec<(i64, String, i64, i64)>> {
    let mut args = Vec::new();
    let w = f.sql(&mut args);
    let sql = format!(
        "SELECT stage_id, month, CAST(sum(deals) AS BIGINT), CAST(sum(value) AS BIGINT) FROM deal_tally WHERE {w}
         GROUP BY stage_id, month"
    );
    x.rows(&sql, &args)?.iter().map(|r| Ok((r.int(0)?, r.text(1)?, r.int(2)?, r.int(3)?))).collect()
}

/// Which tally rows a funnel reads: a currency, an owner, months `from..=to` (`YYYY-MM`).
#[derive(Debug, Clone, Default)]
pub(crate) struct TallyFilter {
    pub currency: Option<String>,
    pub owner_id: Option<i64>,
    pub months: Option<(String, String)>,
}

impl TallyFilter {
    fn sql(&self, args: &mut Vec<Val>) -> String {
        let mut parts = vec!["1 = 1".to_string()];
        if let Some(c) = &self.currency {
            args.push(c.into());
            parts.push(format!("currency = ${}", args.len()));
        }
        if let Some(o) = self.owner_id {
            args.push(o.into());
            parts.push(format!("owner_id = ${}", args.len()));
        }
        if let Some((from, to)) = &self.months {
            args.push(from.into());
            args.push(to.into());
            parts.push(format!("month >= ${} AND month <= ${}", args.len() - 1, args.len()));
        }
        parts.join(" AND ")
    }
}

pub(crate) fn reach_groups(x: &mut dyn Exec, f: &TallyFilter) -> Result<Vec<ReachGroup>> {
    let mut args = Vec::new();
    let w = f.sql(&mut args);
    let sql = format!(
        "SELECT stage_id, reached, CAST(sum(deals) AS BIGINT), CAST(sum(value) AS BIGINT) FROM deal_tally WHERE {w}
         GROUP BY stage_id, reached"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| Ok(ReachGroup { stage_id: r.int(0)?, reached: r.json(1)?, deals: r.int(2)?, value: r.int(3)? }))
        .filter(|g| g.as_ref().map_or(true, |g| g.deals != 0))
        .collect()
}

/// Deals by stage, owner, month (expected close while open, closing once closed) and commit
/// mark; the forecast tells open from won by the stage.
pub(crate) fn forecast_groups(x: &mut dyn Exec, f: &TallyFilter) -> Result<Vec<ForecastGroup>> {
    let mut args = Vec::new();
    let w = f.sql(&mut args);
    let sql = format!(
        "SELECT stage_id, owner_id, month, is_commit, CAST(sum(deals) AS BIGINT), CAST(sum(value) AS BIGINT)
         FROM deal_tally WHERE {w} GROUP BY stage_id, owner_id, month, is_commit"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(ForecastGroup {
                stage_id: r.int(0)?,
                owner_id: Some(r.int(1)?).filter(|o| *o != 0),
                month: Some(r.text(2)?).filter(|m| !m.is_empty()),
                commit: r.boolean(3)?,
                deals: r.int(4)?,
                value: r.int(5)?,
            })
        })
        .filter(|g| g.as_ref().map_or(true, |g| g.deals != 0))
        .collect()
}

/// Stays in each stage that ended in the filter's months.
pub(crate) fn stay_groups(x: &mut dyn Exec, f: &TallyFilter) -> Result<Vec<StayGroup>> {
    let mut args = Vec::new();
    let w = f.sql(&mut args);
    let sql = format!(
        "SELECT stage_id, CAST(sum(stays) AS BIGINT), CAST(sum(seconds) AS BIGINT) FROM stay_tally WHERE {w}
         GROUP BY stage_id"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| Ok(StayGroup { stage_id: r.int(0)?, stays: r.int(1)?, seconds: r.int(2)? }))
        .filter(|g| g.as_ref().map_or(true, |g| g.stays > 0))
        .collect()
}

/// The currencies of the deals (of an owner), with how many deals each, most first.
pub(crate) fn currencies(x: &mut dyn Exec, owner_id: Option<i64>) -> Result<Vec<(String, i64)>> {
    let f = TallyFilter { owner_id, ..Default::default() };
    let mut args = Vec::new();
    let w = f.sql(&mut args);
    let sql = format!(
        "SELECT currency, CAST(sum(deals) AS BIGINT) FROM deal_tally WHERE {w} GROUP BY currency ORDER BY 2 DESC, 1"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| Ok((r.text(0)?, r.int(1)?)))
        .filter(|g| g.as_ref().map_or(true, |(_, n)| *n > 0))
        .collect()
}
