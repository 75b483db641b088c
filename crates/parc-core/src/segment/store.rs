//! Segments' part of [`Store`]: saved segments (standard SQL through [`Exec`]) and the facts
//! their counts are computed from ([`crate::segment::Facts`]), read in four aggregate queries
//! and kept while the data they come from is unchanged, so that editing a filter recounts in
//! memory. The rules are in `segment/mod.rs`.

pub(crate) mod campaigns;
mod plans;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;

use crate::customer::CustomerSummary;
use crate::funnel::rows::bought::Bought;
use crate::ground::audit;
use crate::ground::error::{Error, Result};
use crate::segment::scope::Scope;
use crate::segment::{FactsBuilder, RankedSegment, Segment, SegmentData, SegmentFigures, SegmentFilter};
use crate::storage::exec::{id_list, Cells, Dialect, Exec, Val, IN_CHUNK};
use crate::storage::settings;
use crate::storage::trail;
use crate::storage::{now, Store};

/// On PostgreSQL, facts older than this are read again in full even when nothing seems
/// changed: a transaction that took its numbers earlier can commit after a later one was seen.
/// SQLite has one writer at a time, so its numbers grow in the order writes commit.
const FACTS_KEPT: Duration = Duration::from_secs(60);

/// Above this many changed customers, reading everyone again is as quick as patching.
const PATCH_MAX: usize = 2_000;

/// Above this many audit lines since the facts were read, they are read again in full.
const LOGGED_MAX: usize = 20_000;

/// What the facts were read from: when the day, the settings or the pyramid move, they are
/// read again; when only the marks move, the customers behind the new rows are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// The newest `change_seq` of customers, fleet lines and contacts; the newest id of deals,
    /// deal moves and audit-trail lines.
    marks: [i64; 6],
    /// The pyramid's newest ranking and how many customers have a tier.
    tiers: [i64; 2],
    settings: [Option<String>; 2],
    day: NaiveDate,
}

pub(crate) struct CachedFacts {
    stamp: Stamp,
    pub(super) read_at: Instant,
    facts: Arc<crate::segment::Facts>,
}

const COLUMNS: &str = "id, name, filter, version, updated_at";

fn segment_from(r: &Cells) -> Result<Segment> {
    Ok(Segment { id: r.int(0)?, name: r.text(1)?, filter: r.json(2)?, version: r.int(3)?, updated_at: r.text(4)? })
}

fn segment_json(s: &Segment) -> serde_json::Value {
    serde_json::json!({ "name": s.name, "filter": s.filter })
}

pub(crate) fn all_segments(x: &mut dyn Exec) -> Result<Vec<Segment>> {
    x.rows(&format!("SELECT {COLUMNS} FROM segment ORDER BY name, id"), &[])?.iter().map(segment_from).collect()
}

fn one(x: &mut dyn Exec, id: i64) -> Result<Segment> {
    x.row(&format!("SELECT {COLUMNS} FROM segment WHERE id = $1"), &[id.into()])?
        .ok_or(Error::NotFound { entity: "segment", id })
        .and_then(|r| segment_from(&r))
}

fn name_taken(x: &mut dyn Exec, name: &str, except: i64) -> Result<bool> {
    // Two segments whose names differ only in case would be told apart by nobody.
    Ok(x.row("SELECT 1 FROM segment WHERE lower(name) = lower($1) AND id <> $2", &[name.into(), except.into()])?
        .is_some())
}

pub(crate) fn restore_segments(x: &mut dyn Exec, rows: &[Segment]) -> Result<()> {
    for s in rows {
        x.run(
            "INSERT INTO segment (id, name, filter, version, updated_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                s.id.into(),
                (&s.name).into(),
                serde_json::to_string(&s.filter).unwrap_or_default().into(),
                s.version.into(),
                (&s.updated_at).into(),
            ],
        )?;
    }
    Ok(())
}

/// Reads what the facts come from, cheaply: the newest change of each table they read.
fn stamp(x: &mut dyn Exec, today: NaiveDate) -> Result<Stamp> {
    let row = x
        .row(
            "SELECT coalesce((SELECT max(change_seq) FROM customer), 0),
                    coalesce((SELECT max(change_seq) FROM fleet_line), 0),
                    coalesce((SELECT max(change_seq) FROM contact), 0), coalesce((SELECT max(id) FROM deal), 0),
                    coalesce((SELECT max(id) FROM deal_move), 0), coalesce((SELECT max(id) FROM change_log), 0),
                    coalesce((SELECT max(id) FROM tier_ranking), 0), (SELECT count(*) FROM customer_tier)",
            &[],
        )?
        .expect("one row");
    Ok(Stamp {
        marks: [row.int(0)?, row.int(1)?, row.int(2)?, row.int(3)?, row.int(4)?, row.int(5)?],
        tiers: [row.int(6)?, row.int(7)?],
        settings: [settings::setting(x, crate::fleet::SETTING_KEY)?, settings::setting(x, "funnel.stages")?],
        day: today,
    })
}

/// The customers whose facts may differ between `was` and `now`, or `None` when the facts
/// must be read in full: another day, other settings, a new ranking, a deleted fleet line
/// (its customer is no longer known) or more changes than patching is worth.
fn moved_customers(x: &mut dyn Exec, was: &Stamp, now: &Stamp) -> Result<Option<HashSet<i64>>> {
    if (was.day, &was.settings, was.tiers) != (now.day, &now.settings, now.tiers) {
        return Ok(None);
    }
    let [customer, fleet, contact, deal, mv, log] = was.marks;
    // The audit lines since, by the primary key: a deal's value or currency corrected names
    // the deal; a fleet line that is gone left no customer to read again.
    let logged = x.rows(
        "SELECT entity, entity_id FROM change_log WHERE id > $1 ORDER BY id LIMIT $2",
        &[log.into(), (LOGGED_MAX as i64 + 1).into()],
    )?;
    if logged.len() > LOGGED_MAX {
        return Ok(None);
    }
    let ids_of = |entity: &str| -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for r in &logged {
            if r.str(0)? == entity {
                ids.push(r.int(1)?);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    };
    let (lines, deals) = (ids_of(audit::FLEET_LINE)?, ids_of(audit::DEAL)?);
    let mut moved = HashSet::new();
    for chunk in lines.chunks(IN_CHUNK) {
        let there = x.rows(&format!("SELECT id FROM fleet_line WHERE id IN ({})", id_list(chunk)), &[])?;
        if there.len() < chunk.len() {
            return Ok(None);
        }
    }
    for chunk in deals.chunks(IN_CHUNK) {
        let sql = format!("SELECT customer_id FROM deal WHERE id IN ({})", id_list(chunk));
        for r in x.rows(&sql, &[])? {
            moved.insert(r.int(0)?);
        }
    }
    // Logging a contact moves the customer's last contact; a deal's stage or closing leaves a
    // move. One query each: as a UNION with a LIMIT, SQLite merges whole-table scans instead.
    let sources = [
        ("SELECT id FROM customer WHERE change_seq > $1 LIMIT $2", customer),
        ("SELECT customer_id FROM fleet_line WHERE change_seq > $1 LIMIT $2", fleet),
        ("SELECT customer_id FROM contact WHERE change_seq > $1 LIMIT $2", contact),
        ("SELECT customer_id FROM deal WHERE id > $1 LIMIT $2", deal),
        ("SELECT d.customer_id FROM deal_move m JOIN deal d ON d.id = m.deal_id WHERE m.id > $1 LIMIT $2", mv),
    ];
    for (sql, since) in sources {
        let rows = x.rows(sql, &[since.into(), (PATCH_MAX as i64 + 1).into()])?;
        for r in &rows {
            moved.insert(r.int(0)?);
        }
        if rows.len() > PATCH_MAX || moved.len() > PATCH_MAX {
            return Ok(None);
        }
    }
    Ok(Some(moved))
}

/// Reads the facts of every active customer into `b`, or of the `only` ones.
fn read_facts(x: &mut dyn Exec, today: NaiveDate, b: &mut FactsBuilder, only: Option<&[i64]>) -> Result<()> {
    let bought = Bought::read(x)?;
    match only {
        None => read_facts_of(x, today, &bought, b, None),
        Some(ids) => ids.chunks(IN_CHUNK).try_for_each(|c| read_facts_of(x, today, &bought, b, Some(&id_list(c)))),
    }
}

/// `ids`: a list of customer ids for `IN (…)`, or `None` for every customer.
fn read_facts_of(
    x: &mut dyn Exec,
    today: NaiveDate,
    bought: &Bought,
    b: &mut FactsBuilder,
    ids: Option<&str>,
) -> Result<()> {
    let only = |column: &str| ids.map(|ids| format!(" AND {column} IN ({ids})")).unwrap_or_default();
    // Facts of one day: the store keeps them per day (the stamp holds it).
    for r in x.rows(
        &format!(
            "SELECT c.id, c.sort_key, c.country, c.region, c.business_type, c.market_sectors, t.tier, c.owner_id,
                    c.last_contact_at, c.custom
             FROM customer c LEFT JOIN customer_tier t ON t.customer_id = c.id
             WHERE c.archived_at IS NULL{} ORDER BY c.sort_key, c.id",
            only("c.id")
        ),
        &[],
    )? {
        b.customer(
            r.int(0)?,
            r.str(1)?,
            r.str(2)?,
            r.str(3)?,
            r.str(4)?,
            r.str(5)?,
            r.opt_str(6)?,
            r.opt_int(7)?,
            r.opt_str(8)?,
            r.str(9)?,
        );
    }
    // One row per customer (the lines' own rows are eight times as many): its vehicles, the
    // competitors' ones, the first renewals due and its brands. Our brands are bound one by one.
    let mut args: Vec<Val> =
        vec![Val::Text(crate::segment::horizon(today).format(crate::ground::dates::DATE_FORMAT).to_string())];
    let ours = if bought.ours.is_empty() {
        "1 = 0".to_string()
    } else {
        let marks: Vec<String> = bought
            .ours
            .iter()
            .map(|b| {
                args.push(b.clone().into());
                format!("${}", args.len())
            })
            .collect();
        format!("brand IN ({})", marks.join(", "))
    };
    let brands = match x.dialect() {
        Dialect::Sqlite => "group_concat(DISTINCT brand)",
        Dialect::Postgres => "string_agg(DISTINCT brand, ',')",
    };
    for r in x.rows(
        &format!(
            "SELECT customer_id, CAST(sum(vehicles) AS BIGINT),
                    CAST(sum(CASE WHEN {ours} THEN 0 ELSE vehicles END) AS BIGINT),
                    min(renewal_due), min(CASE WHEN {ours} THEN NULL ELSE renewal_due END),
                    CAST(sum(CASE WHEN NOT ({ours}) AND renewal_due <= $1 THEN vehicles ELSE 0 END) AS BIGINT),
                    {brands}
             FROM fleet_line WHERE 1 = 1{} GROUP BY customer_id",
            only("customer_id")
        ),
        &args,
    )? {
        b.fleet(r.int(0)?, r.int(1)?, r.int(2)?, r.opt_str(3)?, r.opt_str(4)?, r.int(5)?, r.str(6)?);
    }
    for r in x.rows(
        &format!(
            "SELECT customer_id, count(*) FROM deal WHERE closed_on IS NULL{} GROUP BY customer_id",
            only("customer_id")
        ),
        &[],
    )? {
        b.open_deals(r.int(0)?, r.int(1)?);
    }
    let since = crate::segment::won_since(today).format(crate::ground::dates::DATE_FORMAT).to_string();
    for r in x.rows(
        &format!(
            "SELECT customer_id, currency, CAST(sum(value) AS BIGINT) FROM deal
             WHERE stage_id = $1 AND closed_on IS NOT NULL AND closed_on >= $2{} GROUP BY customer_id, currency",
            only("customer_id")
        ),
        &[bought.won.into(), Val::Text(since)],
    )? {
        b.won(r.int(0)?, r.str(1)?, r.int(2)?);
    }
    Ok(())
}

/// One page of a segment's customers.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentPage {
    /// Every customer the filter keeps.
    pub total: usize,
    /// How attractive they are.
    pub figures: SegmentFigures,
    /// The first `limit` of them, by name.
    pub customers: Vec<CustomerSummary>,
}

impl Store {
    /// The facts of every active customer as of `today`, read again only when the data moved.
    pub(crate) fn segment_facts(&mut self, today: NaiveDate) -> Result<Arc<crate::segment::Facts>> {
        let cached = self.cache::<CachedFacts>().take();
        let (stamp, read_at, facts) = self.read(|x| {
            let now = stamp(x, today)?;
            let kept = |c: &CachedFacts| x.dialect() == Dialect::Sqlite || c.read_at.elapsed() < FACTS_KEPT;
            if let Some(c) = cached.filter(kept) {
                if c.stamp == now {
                    return Ok((now, c.read_at, c.facts));
                }
                if let Some(moved) = moved_customers(x, &c.stamp, &now)? {
                    // Nobody else holds the facts between two calls: no copy is made.
                    let facts = Arc::try_unwrap(c.facts).unwrap_or_else(|shared| (*shared).clone());
                    let mut b = FactsBuilder::resume(facts, &moved);
                    read_facts(x, today, &mut b, Some(&moved.into_iter().collect::<Vec<_>>()))?;
                    return Ok((now, c.read_at, Arc::new(b.finish())));
                }
            }
            let mut b = FactsBuilder::default();
            read_facts(x, today, &mut b, None)?;
            Ok((now, Instant::now(), Arc::new(b.finish())))
        })?;
        *self.cache() = Some(CachedFacts { stamp, read_at, facts: facts.clone() });
        Ok(facts)
    }

    /// How many active customers `filter` keeps.
    pub fn segment_count(&mut self, filter: SegmentFilter, today: NaiveDate) -> Result<usize> {
        let filter = filter.validated()?;
        Ok(self.segment_facts(today)?.count(&filter, today))
    }

    /// The customers `filter` keeps, by name: how many, their figures, and the first `limit`.
    pub fn segment_customers(&mut self, filter: SegmentFilter, today: NaiveDate, limit: usize) -> Result<SegmentPage> {
        let filter = filter.validated()?;
        let facts = self.segment_facts(today)?;
        let ids = facts.select(&filter, today);
        let figures = facts.figures(&filter, today);
        let shown = &ids[..ids.len().min(limit)];
        let customers = self.read(|x| summaries(x, shown))?;
        Ok(SegmentPage { total: ids.len(), figures, customers })
    }

    /// Every customer the filter keeps, by name (for campaigns, exports and the CLI).
    pub fn segment_ids(&mut self, filter: SegmentFilter, today: NaiveDate) -> Result<Vec<i64>> {
        let filter = filter.validated()?;
        Ok(self.segment_facts(today)?.select(&filter, today))
    }

    /// The customers `filter` keeps, as what a report is kept to.
    pub(crate) fn segment_scope(&mut self, filter: SegmentFilter, today: NaiveDate) -> Result<Scope> {
        let filter = filter.validated()?;
        let facts = self.segment_facts(today)?;
        Ok(Scope::new(facts.select(&filter, today), facts.rows.len()))
    }

    /// How attractive the customers `filter` keeps are.
    pub fn segment_figures(&mut self, filter: SegmentFilter, today: NaiveDate) -> Result<SegmentFigures> {
        let filter = filter.validated()?;
        Ok(self.segment_facts(today)?.figures(&filter, today))
    }

    pub fn segments(&mut self) -> Result<Vec<Segment>> {
        self.read(all_segments)
    }

    pub fn segment(&mut self, id: i64) -> Result<Segment> {
        self.read(|x| one(x, id))
    }

    /// The saved segment of this name (case ignored).
    pub fn segment_named(&mut self, name: &str) -> Result<Option<Segment>> {
        let name = name.trim().to_lowercase();
        Ok(self.segments()?.into_iter().find(|s| s.name.to_lowercase() == name))
    }

    /// The office's segments, most attractive first: the most competitors' vehicles due for
    /// renewal, then the largest fleet.
    pub fn segment_ranking(&mut self, today: NaiveDate) -> Result<Vec<RankedSegment>> {
        let segments = self.segments()?;
        let facts = self.segment_facts(today)?;
        let mut out: Vec<RankedSegment> = segments
            .into_iter()
            .map(|s| {
                let figures = facts.figures(&s.filter, today);
                RankedSegment { segment: s, figures }
            })
            .collect();
        out.sort_by(|a, b| {
            (b.figures.competitors_due, b.figures.fleet, b.figures.customers)
                .cmp(&(a.figures.competitors_due, a.figures.fleet, a.figures.customers))
                .then_with(|| a.segment.name.cmp(&b.segment.name))
        });
        Ok(out)
    }

    pub fn create_segment(&mut self, data: SegmentData) -> Result<Segment> {
        let data = data.validated()?;
        let by = self.actor();
        self.write(|x| {
            if name_taken(x, &data.name, 0)? {
                return Err(Error::invalid("name", "segment.name_taken"));
            }
            let stamp = now();
            let id = x
                .row(
                    "INSERT INTO segment (name, filter, updated_at) VALUES ($1, $2, $3) RETURNING id",
                    &[
                        (&data.name).into(),
                        serde_json::to_string(&data.filter).unwrap_or_default().into(),
                        (&stamp).into(),
                    ],
                )?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or_default();
            let made = one(x, id)?;
            trail::record(x, "segment", id, by, None, &segment_json(&made), &stamp)?;
            Ok(made)
        })
    }

    /// Saves a segment edited from `version`; a stale version is a `Conflict`.
    pub fn update_segment(&mut self, id: i64, version: i64, data: SegmentData) -> Result<Segment> {
        let data = data.validated()?;
        let by = self.actor();
        self.write(|x| {
            let before = one(x, id)?;
            if before.version != version {
                return Err(Error::Conflict { entity: "segment", id });
            }
            if name_taken(x, &data.name, id)? {
                return Err(Error::invalid("name", "segment.name_taken"));
            }
            let stamp = now();
            let changed = x.run(
                "UPDATE segment SET name = $3, filter = $4, updated_at = $5, version = version + 1
                 WHERE id = $1 AND version = $2",
                &[
                    id.into(),
                    version.into(),
                    (&data.name).into(),
                    serde_json::to_string(&data.filter).unwrap_or_default().into(),
                    (&stamp).into(),
                ],
            )?;
            if changed == 0 {
                return Err(Error::Conflict { entity: "segment", id });
            }
            let after = one(x, id)?;
            trail::record(x, "segment", id, by, Some(&segment_json(&before)), &segment_json(&after), &stamp)?;
            Ok(after)
        })
    }

    /// Deletes a segment (its customers are untouched); returns the deleted segment so the
    /// screen can offer to undo by saving it again.
    pub fn delete_segment(&mut self, id: i64, version: i64) -> Result<Segment> {
        let by = self.actor();
        self.write(|x| {
            let before = one(x, id)?;
            if before.version != version {
                return Err(Error::Conflict { entity: "segment", id });
            }
            x.run("DELETE FROM segment WHERE id = $1", &[id.into()])?;
            let stamp = now();
            trail::record(x, "segment", id, by, Some(&segment_json(&before)), &serde_json::json!({}), &stamp)?;
            Ok(before)
        })
    }
}

/// The list rows of these customers, in this order.
fn summaries(x: &mut dyn Exec, ids: &[i64]) -> Result<Vec<CustomerSummary>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let list = id_list(chunk);
        let mut rows: Vec<CustomerSummary> = x
            .rows(
                &format!(
                    "SELECT id, name, city, country, vat_id, phone, email, owner_id, archived_at FROM customer
                     WHERE id IN ({list})"
                ),
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(CustomerSummary {
                    id: r.int(0)?,
                    name: r.text(1)?,
                    city: r.text(2)?,
                    country: r.text(3)?,
                    vat_id: r.text(4)?,
                    phone: r.text(5)?,
                    email: r.text(6)?,
                    owner_id: r.opt_int(7)?,
                    archived: r.opt_str(8)?.is_some(),
                })
            })
            .collect::<Result<_>>()?;
        let order: std::collections::HashMap<i64, usize> = chunk.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        rows.sort_by_key(|c| order.get(&c.id).copied().unwrap_or(usize::MAX));
        out.extend(rows);
    }
    Ok(out)
}

#[cfg(test)]
mod campaign_tests;
#[cfg(test)]
mod tests;
