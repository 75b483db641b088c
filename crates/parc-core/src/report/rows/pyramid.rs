//! The customer pyramid: the values a ranking sorts customers by, the tiers it gives, its saved rankings and the tier moves between them.

use std::collections::HashMap;

use crate::ground::error::Result;
use crate::report::rows::{scoped_each, within, Scope};
use crate::report::{Period, Ranking, TierMove};
use crate::storage::exec::{Cells, Exec, Val};

// --- the customer pyramid ---

/// Every active customer.
pub(crate) fn active_customers(x: &mut dyn Exec) -> Result<Vec<i64>> {
    x.rows("SELECT id FROM customer WHERE archived_at IS NULL", &[])?.iter().map(|r| r.int(0)).collect()
}

/// A value per customer from `sql`, whose first two columns are the customer and the value
/// and whose `{scope}` takes the scope's condition on column `customer` (every customer's
/// without a scope).
pub(super) fn customer_values(
    x: &mut dyn Exec,
    scope: Option<&Scope>,
    customer: &str,
    sql: &str,
    args: &[Val],
) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    let mut keep = |r: &Cells| {
        out.push((r.int(0)?, r.int(1)?));
        Ok(())
    };
    match scope {
        None => x.each(&sql.replace("{scope}", "1 = 1"), args, &mut keep)?,
        Some(s) => scoped_each(x, s, customer, sql, args, keep)?,
    }
    Ok(out)
}

/// Vehicles per customer registered by the end of `year` (or of unknown year).
pub(crate) fn fleet_sizes(x: &mut dyn Exec, year: i32, scope: Option<&Scope>) -> Result<Vec<(i64, i64)>> {
    customer_values(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, CAST(sum(vehicles) AS BIGINT) FROM fleet_line
         WHERE {scope} AND (first_registered IS NULL OR first_registered <= CAST($1 AS BIGINT)) GROUP BY customer_id",
        &[i64::from(year).into()],
    )
}

/// Value won per customer in `currency` after `after` up to `until` (days).
pub(crate) fn purchases(
    x: &mut dyn Exec,
    won: i64,
    currency: &str,
    (after, until): (&str, &str),
    scope: Option<&Scope>,
) -> Result<Vec<(i64, i64)>> {
    customer_values(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, CAST(sum(value) AS BIGINT) FROM deal
         WHERE {scope} AND stage_id = $1 AND currency = $2 AND closed_on > $3 AND closed_on <= $4 GROUP BY customer_id",
        &[won.into(), currency.into(), after.into(), until.into()],
    )
}

/// Value of the deals in `currency` open at the end of day `day`, per customer.
pub(crate) fn pipeline(
    x: &mut dyn Exec,
    currency: &str,
    (day, after): (&str, &str),
    scope: Option<&Scope>,
) -> Result<Vec<(i64, i64)>> {
    customer_values(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, CAST(sum(value) AS BIGINT) FROM deal
         WHERE {scope} AND currency = $1 AND created_at < $2 AND (closed_on IS NULL OR closed_on > $3)
         GROUP BY customer_id",
        &[currency.into(), after.into(), day.into()],
    )
}

/// Annual turnover in `currency` of active customers that gave one.
pub(crate) fn turnovers(x: &mut dyn Exec, currency: &str, scope: Option<&Scope>) -> Result<Vec<(i64, i64)>> {
    customer_values(
        x,
        scope,
        "id",
        "SELECT id, annual_turnover FROM customer
         WHERE {scope} AND archived_at IS NULL AND annual_turnover IS NOT NULL AND turnover_currency = $1",
        &[currency.into()],
    )
}

/// Each ranked customer's tier.
pub(crate) fn tiers(x: &mut dyn Exec) -> Result<HashMap<i64, String>> {
    x.rows("SELECT customer_id, tier FROM customer_tier", &[])?.iter().map(|r| Ok((r.int(0)?, r.text(1)?))).collect()
}

/// Rows per multi-row statement: well under both stores' parameter limits.
const CHUNK: usize = 400;

/// Keeps a ranking made on `day`: the new tiers of the customers whose tier changed (and their
/// moves), the removal of customers no longer ranked, and the ranking's figures.
pub(crate) fn save_ranking(
    x: &mut dyn Exec,
    day: &str,
    changed: &[(i64, String, &str)],
    removed: &[i64],
    ranking: &Ranking,
) -> Result<()> {
    for chunk in changed.chunks(CHUNK) {
        let mut args: Vec<Val> = Vec::with_capacity(chunk.len() * 3);
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, _, to) in chunk {
            args.extend([(*id).into(), (*to).into(), day.into()]);
            let n = args.len();
            rows.push(format!("(${}, ${}, ${})", n - 2, n - 1, n));
        }
        x.run(
            &format!(
                "INSERT INTO customer_tier (customer_id, tier, since) VALUES {}
                 ON CONFLICT (customer_id) DO UPDATE SET tier = excluded.tier, since = excluded.since",
                rows.join(", ")
            ),
            &args,
        )?;
        // A first ranking is no move: it has no tier to move from.
        let mut args: Vec<Val> = Vec::with_capacity(chunk.len() * 4);
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, from, to) in chunk.iter().filter(|c| !c.1.is_empty()) {
            args.extend([(*id).into(), day.into(), from.into(), (*to).into()]);
            let n = args.len();
            rows.push(format!("(${}, ${}, ${}, ${})", n - 3, n - 2, n - 1, n));
        }
        if !rows.is_empty() {
            x.run(
                &format!(
                    "INSERT INTO tier_move (customer_id, ranked_on, from_tier, to_tier) VALUES {}",
                    rows.join(", ")
                ),
                &args,
            )?;
        }
    }
    for chunk in removed.chunks(CHUNK) {
        let args: Vec<Val> = chunk.iter().map(|id| (*id).into()).collect();
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        x.run(&format!("DELETE FROM customer_tier WHERE customer_id IN ({})", marks.join(", ")), &args)?;
    }
    x.run(
        "INSERT INTO tier_ranking (ranked_on, ranking) VALUES ($1, $2)",
        &[day.into(), serde_json::to_string(ranking).expect("a ranking serialises").into()],
    )?;
    Ok(())
}

/// The latest ranking made on or before `day`.
pub(crate) fn ranking(x: &mut dyn Exec, day: &str) -> Result<Option<Ranking>> {
    Ok(x.row(
        "SELECT ranking FROM tier_ranking WHERE ranked_on <= $1 ORDER BY ranked_on DESC, id DESC LIMIT 1",
        &[day.into()],
    )?
    .map(|r| r.str(0).map(|t| serde_json::from_str(t).ok()))
    .transpose()?
    .flatten())
}

/// Whether a ranking was made from `from` on.
pub(crate) fn ranked_since(x: &mut dyn Exec, from: &str) -> Result<bool> {
    Ok(x.row("SELECT 1 FROM tier_ranking WHERE ranked_on >= $1", &[from.into()])?.is_some())
}

/// Tier moves made in the period, in time order.
pub(crate) fn tier_moves(x: &mut dyn Exec, p: &Period, scope: Option<&Scope>) -> Result<Vec<TierMove>> {
    let mut out = Vec::new();
    for r in x.rows(
        "SELECT customer_id, ranked_on, from_tier, to_tier FROM tier_move
         WHERE ranked_on >= $1 AND ranked_on <= $2 ORDER BY ranked_on, id",
        &[p.start().into(), p.end().into()],
    )? {
        if within(scope, r.int(0)?) {
            out.push(TierMove { customer_id: r.int(0)?, ranked_on: r.text(1)?, from: r.text(2)?, to: r.text(3)? });
        }
    }
    Ok(out)
}

/// Name and owner of these customers.
pub(crate) fn customer_names(x: &mut dyn Exec, ids: &[i64]) -> Result<HashMap<i64, (String, Option<i64>)>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let args: Vec<Val> = chunk.iter().map(|id| (*id).into()).collect();
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, name, owner_id FROM customer WHERE id IN ({})", marks.join(", "));
        for r in x.rows(&sql, &args)? {
            out.insert(r.int(0)?, (r.text(1)?, r.opt_int(2)?));
        }
    }
    Ok(out)
}

/// Each of the scope's customers' tier after the ranking made on `day`: its tier now if it has
/// not moved since, else the tier its first move after that day left. (A customer first
/// ranked after `day` that moved later counts in its first tier: the rankings keep no list of
/// who they ranked.)
pub(crate) fn tiers_on(x: &mut dyn Exec, day: &str, scope: &Scope) -> Result<HashMap<i64, String>> {
    let mut out: HashMap<i64, String> = HashMap::new();
    scoped_each(
        x,
        scope,
        "customer_id",
        "SELECT customer_id, tier, since FROM customer_tier WHERE {scope}",
        &[],
        |r| {
            if r.str(2)? <= day {
                out.insert(r.int(0)?, r.text(1)?);
            }
            Ok(())
        },
    )?;
    // Latest first, so each customer's earliest move after the day is the one kept.
    for r in x.rows(
        "SELECT customer_id, from_tier FROM tier_move WHERE ranked_on > $1 ORDER BY ranked_on DESC, id DESC",
        &[day.into()],
    )? {
        if scope.has(r.int(0)?) {
            out.insert(r.int(0)?, r.text(1)?);
        }
    }
    Ok(out)
}

/// A customer's tier and since when.
pub(crate) fn customer_tier(x: &mut dyn Exec, customer_id: i64) -> Result<Option<(String, String)>> {
    x.row("SELECT tier, since FROM customer_tier WHERE customer_id = $1", &[customer_id.into()])?
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .transpose()
}

/// Everything of the pyramid, for copying a store.
pub(crate) struct PyramidRows {
    pub tiers: Vec<(i64, String, String)>,
    pub rankings: Vec<(String, String)>,
    pub moves: Vec<(i64, String, String, String)>,
}

pub(crate) fn all_pyramid(x: &mut dyn Exec) -> Result<PyramidRows> {
    Ok(PyramidRows {
        tiers: x
            .rows("SELECT customer_id, tier, since FROM customer_tier ORDER BY customer_id", &[])?
            .iter()
            .map(|r| Ok((r.int(0)?, r.text(1)?, r.text(2)?)))
            .collect::<Result<_>>()?,
        rankings: x
            .rows("SELECT ranked_on, ranking FROM tier_ranking ORDER BY id", &[])?
            .iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?)))
            .collect::<Result<_>>()?,
        moves: x
            .rows("SELECT customer_id, ranked_on, from_tier, to_tier FROM tier_move ORDER BY id", &[])?
            .iter()
            .map(|r| Ok((r.int(0)?, r.text(1)?, r.text(2)?, r.text(3)?)))
            .collect::<Result<_>>()?,
    })
}

pub(crate) fn restore_pyramid(x: &mut dyn Exec, rows: &PyramidRows) -> Result<()> {
    for (id, tier, since) in &rows.tiers {
        x.run(
            "INSERT INTO customer_tier (customer_id, tier, since) VALUES ($1, $2, $3)",
            &[(*id).into(), tier.into(), since.into()],
        )?;
    }
    for (day, ranking) in &rows.rankings {
        x.run("INSERT INTO tier_ranking (ranked_on, ranking) VALUES ($1, $2)", &[day.into(), ranking.into()])?;
    }
    for (id, day, from, to) in &rows.moves {
        x.run(
            "INSERT INTO tier_move (customer_id, ranked_on, from_tier, to_tier) VALUES ($1, $2, $3, $4)",
            &[(*id).into(), day.into(), from.into(), to.into()],
        )?;
    }
    Ok(())
}
