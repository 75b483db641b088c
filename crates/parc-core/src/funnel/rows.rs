//! The funnel's deals and their stage moves, with the running tallies each write keeps, the
//! lists and the audit trail's writer ([`record_change`]); leads, forecast snapshots, the
//! funnel's figures and office settings are in `deals/`. The SQL is plain standard SQL that
//! SQLite and PostgreSQL both run (placeholders `$n`, `CAST(… AS BIGINT)` for sums,
//! `RETURNING id`), so it is written once and run through each store's [`Exec`]; data reaching
//! it is already valid, and each function runs inside the one transaction its caller opened.
//!
//! The funnel and forecasts never read deals one by one: they ask for a few hundred groups
//! (per stage and history, per stage, owner and month), which the stores answer from the
//! `deal_funnel` index.

pub(crate) mod bought;
pub(crate) mod figures;
pub(crate) mod leads;

pub(crate) mod snapshots;

use crate::funnel::deal::{Deal, DealData, DealState, DealSummary, Revisit, StageMove};
use crate::ground::error::{Error, Result};
use crate::storage::exec::{Cells, Exec, Val};

// --- deals ---

const DEAL_COLUMNS: &str = "d.id, d.customer_id, c.name, d.owner_id, d.title, d.value, d.currency,
    d.expected_close, d.is_commit, d.vehicles, d.person_ids, d.competitors, d.notes, d.stage_id, d.stage_since,
    d.reached, d.answers, d.closed_on, d.close_reason, d.close_note, d.lost_to, d.lost_price, d.lost_currency,
    d.revisit_on, d.origin, d.created_at, d.created_by, d.updated_at, d.version";

/// The columns a deal's data and state fill, in the order of [`deal_args`].
const DEAL_WRITTEN: &str = "owner_id, title, value, currency, expected_close, is_commit, vehicles, person_ids,
    competitors, notes, stage_id, stage_since, reached, answers, closed_on, close_reason, close_note, lost_to,
    lost_price, lost_currency, revisit_on";

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("deal parts serialise")
}

fn deal_args(d: &DealData, s: &DealState) -> Vec<Val> {
    vec![
        d.owner_id.into(),
        (&d.title).into(),
        d.value.into(),
        (&d.currency).into(),
        (&d.expected_close).into(),
        d.commit.into(),
        json(&d.vehicles).into(),
        json(&d.person_ids).into(),
        json(&d.competitors).into(),
        (&d.notes).into(),
        s.stage_id.into(),
        (&s.stage_since).into(),
        json(&s.reached).into(),
        json(&s.answers).into(),
        (&s.closed_on).into(),
        (&s.close_reason).into(),
        (&s.close_note).into(),
        (&s.lost_to).into(),
        s.lost_price.into(),
        (&s.lost_currency).into(),
        (&s.revisit_on).into(),
    ]
}

fn deal_from(r: &Cells) -> Result<Deal> {
    Ok(Deal {
        id: r.int(0)?,
        customer_id: r.int(1)?,
        customer_name: r.text(2)?,
        data: DealData {
            owner_id: r.opt_int(3)?,
            title: r.text(4)?,
            value: r.int(5)?,
            currency: r.text(6)?,
            expected_close: r.opt_text(7)?,
            commit: r.boolean(8)?,
            vehicles: r.json(9)?,
            person_ids: r.json(10)?,
            competitors: r.json(11)?,
            notes: r.text(12)?,
        },
        state: DealState {
            stage_id: r.int(13)?,
            stage_since: r.text(14)?,
            reached: r.json(15)?,
            answers: r.json(16)?,
            closed_on: r.opt_text(17)?,
            close_reason: r.text(18)?,
            close_note: r.text(19)?,
            lost_to: r.text(20)?,
            lost_price: r.opt_int(21)?,
            lost_currency: r.text(22)?,
            revisit_on: r.opt_text(23)?,
        },
        origin: r.text(24)?,
        created_at: r.text(25)?,
        created_by: r.opt_int(26)?,
        updated_at: r.text(27)?,
        version: r.int(28)?,
    })
}

const MOVE_COLUMNS: &str = "id, deal_id, from_stage_id, to_stage_id, moved_at, moved_by, seconds_in_from, reason, note";

fn move_from(r: &Cells) -> Result<StageMove> {
    Ok(StageMove {
        id: r.int(0)?,
        deal_id: r.int(1)?,
        from_stage_id: r.opt_int(2)?,
        to_stage_id: r.int(3)?,
        moved_at: r.text(4)?,
        moved_by: r.opt_int(5)?,
        seconds_in_from: r.int(6)?,
        reason: r.text(7)?,
        note: r.text(8)?,
    })
}

fn insert_move(x: &mut dyn Exec, deal_id: i64, m: &StageMove, keep_id: bool) -> Result<()> {
    let mut args: Vec<Val> = vec![
        deal_id.into(),
        m.from_stage_id.into(),
        m.to_stage_id.into(),
        (&m.moved_at).into(),
        m.moved_by.into(),
        m.seconds_in_from.into(),
        (&m.reason).into(),
        (&m.note).into(),
    ];
    if keep_id {
        args.push(m.id.into());
        x.run(
            "INSERT INTO deal_move (deal_id, from_stage_id, to_stage_id, moved_at, moved_by, seconds_in_from, reason,
             note, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &args,
        )?;
    } else {
        x.run(
            "INSERT INTO deal_move (deal_id, from_stage_id, to_stage_id, moved_at, moved_by, seconds_in_from, reason,
             note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &args,
        )?;
    }
    Ok(())
}

/// Where a deal counts in `deal_tally`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TallyKey {
    currency: String,
    owner_id: i64,
    stage_id: i64,
    reached: String,
    month: String,
    commit: bool,
}

impl TallyKey {
    fn of(d: &DealData, s: &DealState) -> TallyKey {
        let month = match (&s.closed_on, &d.expected_close) {
            (Some(day), _) | (None, Some(day)) => day.get(..7).unwrap_or_default().to_string(),
            (None, None) => String::new(),
        };
        TallyKey {
            currency: d.currency.clone(),
            owner_id: d.owner_id.unwrap_or(0),
            stage_id: s.stage_id,
            reached: json(&s.reached),
            month,
            commit: d.commit,
        }
    }
}

/// Adds `deals` deals worth `value` (both may be negative) to the tally row of `k`.
fn tally(x: &mut dyn Exec, k: &TallyKey, deals: i64, value: i64) -> Result<()> {
    let args: Vec<Val> = vec![
        (&k.currency).into(),
        k.owner_id.into(),
        k.stage_id.into(),
        (&k.reached).into(),
        (&k.month).into(),
        k.commit.into(),
        deals.into(),
        value.into(),
    ];
    x.run(
        "INSERT INTO deal_tally (currency, owner_id, stage_id, reached, month, is_commit, deals, value)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (currency, owner_id, stage_id, reached, month, is_commit)
         DO UPDATE SET deals = deal_tally.deals + excluded.deals, value = deal_tally.value + excluded.value",
        &args,
    )?;
    if deals < 0 {
        x.run(
            "DELETE FROM deal_tally WHERE currency = $1 AND owner_id = $2 AND stage_id = $3 AND reached = $4
             AND month = $5 AND is_commit = $6 AND deals = 0",
            &args[..6],
        )?;
    }
    Ok(())
}

/// Adds a stay (or takes one back, `sign` -1) in `move`'s stage left, for a deal in
/// `currency` of `owner_id`.
fn stay(x: &mut dyn Exec, currency: &str, owner_id: Option<i64>, m: &StageMove, sign: i64) -> Result<()> {
    let Some(stage) = m.from_stage_id else { return Ok(()) };
    x.run(
        "INSERT INTO stay_tally (currency, owner_id, stage_id, month, stays, seconds) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (currency, owner_id, stage_id, month)
         DO UPDATE SET stays = stay_tally.stays + excluded.stays, seconds = stay_tally.seconds + excluded.seconds",
        &[
            currency.into(),
            owner_id.unwrap_or(0).into(),
            stage.into(),
            m.moved_at.get(..7).unwrap_or_default().into(),
            sign.into(),
            (sign * m.seconds_in_from).into(),
        ],
    )?;
    Ok(())
}

/// Adds a move (or takes one back, `sign` -1) to `move_tally`: the moves of each day out of a
/// stage into another on the deals of an owner, which the reports read per period.
fn tally_move(x: &mut dyn Exec, owner_id: Option<i64>, m: &StageMove, sign: i64) -> Result<()> {
    let Some(from) = m.from_stage_id else { return Ok(()) };
    let args: Vec<Val> = vec![
        m.moved_at.get(..10).unwrap_or_default().into(),
        owner_id.unwrap_or(0).into(),
        from.into(),
        m.to_stage_id.into(),
        sign.into(),
        (sign * m.seconds_in_from).into(),
    ];
    x.run(
        "INSERT INTO move_tally (day, owner_id, from_stage_id, to_stage_id, moves, seconds)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (day, owner_id, from_stage_id, to_stage_id)
         DO UPDATE SET moves = move_tally.moves + excluded.moves, seconds = move_tally.seconds + excluded.seconds",
        &args,
    )?;
    if sign < 0 {
        x.run(
            "DELETE FROM move_tally WHERE day = $1 AND owner_id = $2 AND from_stage_id = $3 AND to_stage_id = $4
             AND moves = 0",
            &args[..4],
        )?;
    }
    Ok(())
}

/// A deal as it is first saved: its customer, data, state and the moves that brought it
/// there (one for a new deal; a demo deal brings its whole history).
pub(crate) struct NewDeal<'a> {
    pub customer_id: i64,
    pub data: &'a DealData,
    pub state: &'a DealState,
    pub origin: &'a str,
    pub created_at: &'a str,
    pub created_by: Option<i64>,
    pub moves: &'a [StageMove],
}

pub(super) fn customer_exists(x: &mut dyn Exec, id: i64) -> Result<()> {
    x.row("SELECT 1 FROM customer WHERE id = $1", &[id.into()])?.ok_or(Error::NotFound { entity: "customer", id })?;
    Ok(())
}

/// Saves a new deal with its moves; `NotFound` when the customer does not exist.
pub(crate) fn insert_deal(x: &mut dyn Exec, n: &NewDeal) -> Result<i64> {
    customer_exists(x, n.customer_id)?;
    let mut args = vec![n.customer_id.into()];
    args.extend(deal_args(n.data, n.state));
    args.extend([n.origin.into(), n.created_at.into(), n.created_by.into(), n.created_at.into()]);
    let placeholders: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO deal (customer_id, {DEAL_WRITTEN}, origin, created_at, created_by, updated_at)
         VALUES ({}) RETURNING id",
        placeholders.join(", ")
    );
    let id = x.row(&sql, &args)?.map(|r| r.int(0)).transpose()?.expect("INSERT … RETURNING gives the id");
    tally(x, &TallyKey::of(n.data, n.state), 1, n.data.value)?;
    for m in n.moves {
        insert_move(x, id, m, false)?;
        stay(x, &n.data.currency, n.data.owner_id, m, 1)?;
        tally_move(x, n.data.owner_id, m, 1)?;
    }
    Ok(id)
}

/// Saves `data` and `state` over deal `id` if its version is still `version` (else
/// `Conflict`), and appends `moves` to its history.
pub(crate) fn update_deal(
    x: &mut dyn Exec,
    id: i64,
    version: i64,
    data: &DealData,
    state: &DealState,
    moves: &[StageMove],
    stamp: &str,
) -> Result<()> {
    // The deal as it was, to take it out of the tallies.
    let sql = format!(
        "SELECT {DEAL_COLUMNS} FROM deal d JOIN customer c ON c.id = d.customer_id WHERE d.id = $1 AND d.version = $2"
    );
    let Some(old) = x.row(&sql, &[id.into(), version.into()])?.as_ref().map(deal_from).transpose()? else {
        let exists = x.row("SELECT 1 FROM deal WHERE id = $1", &[id.into()])?.is_some();
        return Err(if exists {
            Error::Conflict { entity: "deal", id }
        } else {
            Error::NotFound { entity: "deal", id }
        });
    };
    let mut args = deal_args(data, state);
    let sets: Vec<String> =
        DEAL_WRITTEN.split(',').map(str::trim).enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
    args.extend([stamp.into(), id.into(), version.into()]);
    let n = args.len();
    let sql = format!(
        "UPDATE deal SET {}, updated_at = ${}, version = version + 1 WHERE id = ${} AND version = ${}",
        sets.join(", "),
        n - 2,
        n - 1,
        n
    );
    if x.run(&sql, &args)? == 0 {
        return Err(Error::Conflict { entity: "deal", id });
    }
    let (before, after) = (TallyKey::of(&old.data, &old.state), TallyKey::of(data, state));
    if before != after || old.data.value != data.value {
        tally(x, &before, -1, -old.data.value)?;
        tally(x, &after, 1, data.value)?;
    }
    if old.data.currency != data.currency || old.data.owner_id != data.owner_id {
        for m in self::moves(x, id)? {
            stay(x, &old.data.currency, old.data.owner_id, &m, -1)?;
            stay(x, &data.currency, data.owner_id, &m, 1)?;
            if old.data.owner_id != data.owner_id {
                tally_move(x, old.data.owner_id, &m, -1)?;
                tally_move(x, data.owner_id, &m, 1)?;
            }
        }
    }
    for m in moves {
        insert_move(x, id, m, false)?;
        stay(x, &data.currency, data.owner_id, m, 1)?;
        tally_move(x, data.owner_id, m, 1)?;
    }
    Ok(())
}

pub(crate) fn deal(x: &mut dyn Exec, id: i64) -> Result<Option<Deal>> {
    let sql = format!("SELECT {DEAL_COLUMNS} FROM deal d JOIN customer c ON c.id = d.customer_id WHERE d.id = $1");
    x.row(&sql, &[id.into()])?.as_ref().map(deal_from).transpose()
}

pub(crate) fn moves(x: &mut dyn Exec, deal_id: i64) -> Result<Vec<StageMove>> {
    let sql = format!("SELECT {MOVE_COLUMNS} FROM deal_move WHERE deal_id = $1 ORDER BY id");
    x.rows(&sql, &[deal_id.into()])?.iter().map(move_from).collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Status {
    #[default]
    All,
    Open,
    Closed,
}

/// Today, and `(stage_id, entered before)` for every open stage (`None`: it never stalls by
/// days): what makes an open deal stalled.
pub(crate) type StallLimits = (String, Vec<(i64, Option<String>)>);

/// Which deals a query is about; `None` fields do not filter.
#[derive(Debug, Clone, Default)]
pub(crate) struct DealFilter {
    pub currency: Option<String>,
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub stage_id: Option<i64>,
    pub status: Status,
    /// The funnel's period: open deals closing in it, closed deals closed in it.
    pub period: Option<(String, String)>,
    /// `YYYY-MM` of the expected close date.
    pub close_month: Option<String>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    /// Only stalled deals: open, and closing before this day or in a stage since before the
    /// stage's limit: `(stage_id, entered before)` for every open stage, `None` for a stage
    /// that never stalls by days. Read by [`list`] in its `Waiting` order.
    pub stalled: Option<StallLimits>,
}

impl DealFilter {
    /// The conditions on deal `d`, pushing their arguments.
    fn sql(&self, args: &mut Vec<Val>) -> String {
        let mut parts = vec!["1 = 1".to_string()];
        let arg = |args: &mut Vec<Val>, v: Val| {
            args.push(v);
            format!("${}", args.len())
        };
        if let Some(c) = &self.currency {
            parts.push(format!("d.currency = {}", arg(args, c.into())));
        }
        if let Some(o) = self.owner_id {
            parts.push(format!("d.owner_id = {}", arg(args, o.into())));
        }
        if let Some(c) = self.customer_id {
            parts.push(format!("d.customer_id = {}", arg(args, c.into())));
        }
        if let Some(s) = self.stage_id {
            parts.push(format!("d.stage_id = {}", arg(args, s.into())));
        }
        match self.status {
            Status::All => {}
            Status::Open => parts.push("d.closed_on IS NULL".into()),
            Status::Closed => parts.push("d.closed_on IS NOT NULL".into()),
        }
        if let Some((from, to)) = &self.period {
            let (f, t) = (arg(args, from.into()), arg(args, to.into()));
            parts.push(format!(
                "((d.closed_on IS NULL AND d.expected_close >= {f} AND d.expected_close <= {t})
                  OR (d.closed_on >= {f} AND d.closed_on <= {t}))"
            ));
        }
        if let Some(m) = &self.close_month {
            let (f, t) = (arg(args, format!("{m}-01").into()), arg(args, format!("{m}-31").into()));
            parts.push(format!("d.expected_close >= {f} AND d.expected_close <= {t}"));
        }
        if let Some(v) = self.min_value {
            parts.push(format!("d.value >= {}", arg(args, v.into())));
        }
        if let Some(v) = self.max_value {
            parts.push(format!("d.value <= {}", arg(args, v.into())));
        }
        parts.join(" AND ")
    }
}

/// A deal as lists show it, before the store adds what depends on the stage and the day.
fn summary_from(r: &Cells) -> Result<DealSummary> {
    Ok(DealSummary {
        id: r.int(0)?,
        customer_id: r.int(1)?,
        customer_name: r.text(2)?,
        title: r.text(3)?,
        owner_id: r.opt_int(4)?,
        value: r.int(5)?,
        currency: r.text(6)?,
        weighted: 0,
        expected_close: r.opt_text(7)?,
        commit: r.boolean(8)?,
        stage_id: r.int(9)?,
        stage_since: r.text(10)?,
        closed_on: r.opt_text(11)?,
        revisit_on: r.opt_text(12)?,
        days_in_stage: 0,
        over_stage_days: false,
        past_close: false,
        version: r.int(13)?,
    })
}

/// The order a list comes in.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Order {
    /// Soonest expected close first (undated last): what to work on.
    Close,
    /// Longest in its stage first: the stalled list.
    Waiting,
    /// Most recently closed first.
    Closed,
}

const SUMMARY_COLUMNS: &str = "d.id, d.customer_id, c.name, d.title, d.owner_id, d.value, d.currency,
    d.expected_close, d.is_commit, d.stage_id, d.stage_since, d.closed_on, d.revisit_on, d.version";

pub(crate) fn list(x: &mut dyn Exec, f: &DealFilter, order: Order, limit: u32) -> Result<Vec<DealSummary>> {
    let select = |x: &mut dyn Exec, extra: &str, order: &str, limit: u32| -> Result<Vec<DealSummary>> {
        let mut args = Vec::new();
        let w = f.sql(&mut args);
        args.push(i64::from(limit).into());
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM deal d JOIN customer c ON c.id = d.customer_id
             WHERE {w} {extra} ORDER BY {order} LIMIT ${}",
            args.len()
        );
        x.rows(&sql, &args)?.iter().map(summary_from).collect()
    };
    match order {
        // Dated deals by date, then the undated: two index-ordered reads, the same order in
        // both stores (they sort NULL differently).
        Order::Close => {
            let mut rows = select(x, "AND d.expected_close IS NOT NULL", "d.expected_close, d.id", limit)?;
            if rows.len() < limit as usize {
                rows.extend(select(x, "AND d.expected_close IS NULL", "d.id", limit - rows.len() as u32)?);
            }
            Ok(rows)
        }
        Order::Waiting => match &f.stalled {
            Some((today, stages)) => stalled(x, f, today, stages, limit),
            None => select(x, "", "d.stage_since, d.id", limit),
        },
        Order::Closed => select(x, "", "d.closed_on DESC, d.id DESC", limit),
    }
}

/// The stalled deals matching `f`, longest in their stage first. Per stage, the deals that
/// entered it before its limit are the first of its index (by arrival); after them come those
/// past their close date. So each stage gives its longest waiting `limit` stalled deals from
/// the front of `deal_open_wait`, and the page is the oldest of those: the same as sorting
/// every stalled deal, without reading them all.
fn stalled(
    x: &mut dyn Exec,
    f: &DealFilter,
    today: &str,
    stages: &[(i64, Option<String>)],
    limit: u32,
) -> Result<Vec<DealSummary>> {
    if stages.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = Vec::new();
    let w = f.sql(&mut args);
    args.push(today.into());
    let today = format!("${}", args.len());
    args.push(i64::from(limit).into());
    let limit = format!("${}", args.len());
    let mut parts = Vec::new();
    for (i, (stage, before)) in stages.iter().enumerate() {
        args.push((*stage).into());
        let stage = format!("${}", args.len());
        let late = match before {
            Some(b) => {
                args.push(b.into());
                format!("(d.stage_since < ${} OR d.expected_close < {today})", args.len())
            }
            None => format!("d.expected_close < {today}"),
        };
        parts.push(format!(
            "SELECT id, stage_since FROM (SELECT d.id, d.stage_since FROM deal d
              WHERE {w} AND d.closed_on IS NULL AND d.stage_id = {stage} AND {late}
              ORDER BY d.stage_since, d.id LIMIT {limit}) p{i}"
        ));
    }
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM deal d JOIN customer c ON c.id = d.customer_id
         WHERE d.id IN (SELECT id FROM ({}) w ORDER BY stage_since, id LIMIT {limit})
         ORDER BY d.stage_since, d.id LIMIT {limit}",
        parts.join(" UNION ALL ")
    );
    x.rows(&sql, &args)?.iter().map(summary_from).collect()
}

/// How many open deals (of an owner) are stalled: closing before `today`, or in a stage since
/// before its limit. One index range per reason, merged.
pub(crate) fn stalled_count(
    x: &mut dyn Exec,
    owner_id: Option<i64>,
    today: &str,
    limits: &[(i64, Option<String>)],
) -> Result<i64> {
    let mut args: Vec<Val> = Vec::new();
    let owner = match owner_id {
        Some(o) => {
            args.push(o.into());
            " AND owner_id = $1".to_string()
        }
        None => String::new(),
    };
    args.push(today.into());
    let mut parts =
        vec![format!("SELECT id FROM deal WHERE closed_on IS NULL AND expected_close < ${}{owner}", args.len())];
    for (stage, before) in limits.iter().filter_map(|(s, b)| Some((s, b.as_ref()?))) {
        args.push((*stage).into());
        args.push(before.into());
        parts.push(format!(
            "SELECT id FROM deal WHERE closed_on IS NULL AND stage_id = ${} AND stage_since < ${}{owner}",
            args.len() - 1,
            args.len()
        ));
    }
    let sql = format!("SELECT count(*) FROM ({}) s", parts.join(" UNION "));
    Ok(x.row(&sql, &args)?.map(|r| r.int(0)).transpose()?.unwrap_or(0))
}

/// Postponed deals (of `owner_id`, or everyone's) to come back to on or before `until`.
pub(crate) fn revisits(x: &mut dyn Exec, owner_id: Option<i64>, until: &str, limit: u32) -> Result<Vec<Revisit>> {
    let mut args: Vec<Val> = vec![until.into(), i64::from(limit).into()];
    let owner = match owner_id {
        Some(o) => {
            args.push(o.into());
            "AND d.owner_id = $3"
        }
        None => "",
    };
    let sql = format!(
        "SELECT d.id, d.customer_id, c.name, d.title, d.owner_id, d.revisit_on, d.close_reason
         FROM deal d JOIN customer c ON c.id = d.customer_id
         WHERE d.revisit_on IS NOT NULL AND d.revisit_on <= $1 {owner} AND c.archived_at IS NULL
         ORDER BY d.revisit_on, c.sort_key, d.id LIMIT $2"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(Revisit {
                deal_id: r.int(0)?,
                customer_id: r.int(1)?,
                customer_name: r.text(2)?,
                title: r.text(3)?,
                owner_id: r.opt_int(4)?,
                revisit_on: r.text(5)?,
                close_reason: r.text(6)?,
            })
        })
        .collect()
}

pub(crate) fn all_deals(x: &mut dyn Exec) -> Result<Vec<(Deal, Vec<StageMove>)>> {
    let sql = format!("SELECT {DEAL_COLUMNS} FROM deal d JOIN customer c ON c.id = d.customer_id ORDER BY d.id");
    let deals: Vec<Deal> = x.rows(&sql, &[])?.iter().map(deal_from).collect::<Result<_>>()?;
    let mut moves: std::collections::HashMap<i64, Vec<StageMove>> = std::collections::HashMap::new();
    for r in x.rows(&format!("SELECT {MOVE_COLUMNS} FROM deal_move ORDER BY id"), &[])? {
        let m = move_from(&r)?;
        moves.entry(m.deal_id).or_default().push(m);
    }
    Ok(deals
        .into_iter()
        .map(|d| {
            let m = moves.remove(&d.id).unwrap_or_default();
            (d, m)
        })
        .collect())
}

/// Copies deals as they are (ids, stamps, versions, moves) into an empty store.
pub(crate) fn restore_deals(x: &mut dyn Exec, rows: &[(Deal, Vec<StageMove>)]) -> Result<()> {
    for (d, moves) in rows {
        let mut args = vec![d.customer_id.into()];
        args.extend(deal_args(&d.data, &d.state));
        args.extend([
            (&d.origin).into(),
            (&d.created_at).into(),
            d.created_by.into(),
            (&d.updated_at).into(),
            d.version.into(),
            d.id.into(),
        ]);
        let placeholders: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO deal (customer_id, {DEAL_WRITTEN}, origin, created_at, created_by, updated_at, version, id)
             VALUES ({})",
            placeholders.join(", ")
        );
        x.run(&sql, &args)?;
        tally(x, &TallyKey::of(&d.data, &d.state), 1, d.data.value)?;
        for m in moves {
            insert_move(x, d.id, m, true)?;
            stay(x, &d.data.currency, d.data.owner_id, m, 1)?;
            tally_move(x, d.data.owner_id, m, 1)?;
        }
    }
    Ok(())
}

/// A deal as it stood at some moment: for forecasts kept after the fact.
pub(crate) struct DealAt {
    pub currency: String,
    pub stage_id: i64,
    pub owner_id: Option<i64>,
    pub expected_close: Option<String>,
    pub commit: bool,
    pub value: i64,
}

/// Every deal that existed before `before` (a day or a timestamp), in the stage its history
/// had it in then; value, owner and dates as they are now.
pub(crate) fn stages_at(x: &mut dyn Exec, before: &str) -> Result<Vec<DealAt>> {
    let rows = x.rows(
        "SELECT d.currency, m.to_stage_id, d.owner_id, d.expected_close, d.is_commit, d.value
         FROM deal d JOIN deal_move m ON m.deal_id = d.id
         WHERE m.id = (SELECT m2.id FROM deal_move m2 WHERE m2.deal_id = d.id AND m2.moved_at < $1
                       ORDER BY m2.moved_at DESC, m2.id DESC LIMIT 1)",
        &[before.into()],
    )?;
    rows.iter()
        .map(|r| {
            Ok(DealAt {
                currency: r.text(0)?,
                stage_id: r.int(1)?,
                owner_id: r.opt_int(2)?,
                expected_close: r.opt_text(3)?,
                commit: r.boolean(4)?,
                value: r.int(5)?,
            })
        })
        .collect()
}
