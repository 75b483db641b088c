//! Forecast snapshots: the forecast of each month end as it stood, kept once and never rewritten.

use crate::funnel::{Amounts, ForecastSnapshot};
use crate::ground::error::Result;
use crate::storage::exec::{Cells, Exec, Val};

// --- forecast snapshots ---

const SNAPSHOT_COLUMNS: &str = "as_of, month, owner_id, currency, commit_deals, commit_raw, commit_weighted,
    best_deals, best_raw, best_weighted, pipeline_deals, pipeline_raw, pipeline_weighted, taken_at";

fn snapshot_from(r: &Cells) -> Result<ForecastSnapshot> {
    let amounts =
        |i| -> Result<Amounts> { Ok(Amounts { deals: r.int(i)?, raw: r.int(i + 1)?, weighted: r.int(i + 2)? }) };
    Ok(ForecastSnapshot {
        as_of: r.text(0)?,
        month: r.text(1)?,
        owner_id: r.opt_int(2)?,
        currency: r.text(3)?,
        commit: amounts(4)?,
        best_case: amounts(7)?,
        pipeline: amounts(10)?,
        taken_at: r.text(13)?,
    })
}

/// Keeps snapshots, leaving any already kept for the same month end, month, owner and
/// currency as they were. Returns how many were new.
pub(crate) fn insert_snapshots(x: &mut dyn Exec, rows: &[ForecastSnapshot]) -> Result<usize> {
    let mut added = 0;
    for s in rows {
        let mut args: Vec<Val> = vec![(&s.as_of).into(), (&s.month).into(), s.owner_id.into(), (&s.currency).into()];
        for a in [s.commit, s.best_case, s.pipeline] {
            args.extend([a.deals.into(), a.raw.into(), a.weighted.into()]);
        }
        args.push((&s.taken_at).into());
        let exists = x.row(
            "SELECT 1 FROM forecast_snapshot WHERE as_of = $1 AND month = $2 AND currency = $3
             AND coalesce(owner_id, 0) = $4",
            &[(&s.as_of).into(), (&s.month).into(), (&s.currency).into(), s.owner_id.unwrap_or(0).into()],
        )?;
        if exists.is_some() {
            continue;
        }
        let sql = format!(
            "INSERT INTO forecast_snapshot ({SNAPSHOT_COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        );
        x.run(&sql, &args)?;
        added += 1;
    }
    Ok(added)
}

/// Whether any snapshot was taken at month end `as_of`.
pub(crate) fn has_snapshot(x: &mut dyn Exec, as_of: &str) -> Result<bool> {
    Ok(x.row("SELECT 1 FROM forecast_snapshot WHERE as_of = $1", &[as_of.into()])?.is_some())
}

/// Snapshots for months `from..=to` (`YYYY-MM`) in `currency`, by month and owner.
pub(crate) fn snapshots(x: &mut dyn Exec, currency: &str, from: &str, to: &str) -> Result<Vec<ForecastSnapshot>> {
    let sql = format!(
        "SELECT {SNAPSHOT_COLUMNS} FROM forecast_snapshot WHERE currency = $1 AND month >= $2 AND month <= $3
         ORDER BY month, as_of, coalesce(owner_id, 0)"
    );
    x.rows(&sql, &[currency.into(), from.into(), to.into()])?.iter().map(snapshot_from).collect()
}

pub(crate) fn all_snapshots(x: &mut dyn Exec) -> Result<Vec<ForecastSnapshot>> {
    let sql = format!("SELECT {SNAPSHOT_COLUMNS} FROM forecast_snapshot ORDER BY id");
    x.rows(&sql, &[])?.iter().map(snapshot_from).collect()
}
