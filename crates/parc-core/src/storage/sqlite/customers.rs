//! What SQLite does its own way for customers: search over two FTS5 indexes of the folded
//! search key, `customer_search` (trigrams, substring match) and `customer_words` (words,
//! prefix match), which `storage/customers.rs` keeps in step with the rows; archiving, with the
//! fleet summary it moves; the schema version and the integrity check.

use rusqlite::params;
use rusqlite::types::Value;

use super::Sqlite;
use crate::customer::CustomerSummary;
use crate::error::Result;
use crate::search_key::QueryPlan;
use crate::storage::{prefix_range, CheckReport, DialectRows, ListScope, EXACT_RANKING_CAP};

const SUMMARY_COLUMNS: &str = "c.id, c.name, c.city, c.country, c.vat_id, c.phone, c.email, c.owner_id, c.archived_at";

fn summary_from_row(r: &rusqlite::Row) -> rusqlite::Result<CustomerSummary> {
    Ok(CustomerSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        city: r.get(2)?,
        country: r.get(3)?,
        vat_id: r.get(4)?,
        phone: r.get(5)?,
        email: r.get(6)?,
        owner_id: r.get(7)?,
        archived: r.get::<_, Option<String>>(8)?.is_some(),
    })
}

/// FTS5 expressions for the plan: quoted phrases, so nothing typed is read as FTS5 syntax.
fn fts_expressions(plan: &QueryPlan) -> (Option<String>, Option<String>) {
    let quote = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
    let join = |v: Vec<String>| (!v.is_empty()).then(|| v.join(" AND "));
    let substrings = join(plan.substrings.iter().map(|t| quote(t)).collect());
    let prefixes = join(plan.word_prefixes.iter().map(|w| format!("{}*", quote(&w.join(" ")))).collect());
    (substrings, prefixes)
}

impl Sqlite {
    /// Row ids in every one of `streams` (queries returning ids in ascending order, each with
    /// one parameter), at most `EXACT_RANKING_CAP`. The streams are intersected here: SQLite's
    /// own plan for an FTS5 match inside `IN (subquery)` was a hundred times slower than
    /// either match alone.
    fn match_ids(&self, streams: &[(&str, Value)]) -> Result<Vec<i64>> {
        let mut stmts =
            streams.iter().map(|(sql, _)| self.conn.prepare_cached(sql)).collect::<rusqlite::Result<Vec<_>>>()?;
        let mut streams = stmts
            .iter_mut()
            .zip(streams)
            .map(|(stmt, (_, param))| stmt.query_map([param], |r| r.get::<_, i64>(0)))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut heads = Vec::with_capacity(streams.len());
        for s in &mut streams {
            match s.next().transpose()? {
                Some(id) => heads.push(id),
                None => return Ok(Vec::new()),
            }
        }
        let mut ids = Vec::new();
        while ids.len() < EXACT_RANKING_CAP {
            let max = *heads.iter().max().expect("at least one stream");
            let mut all_equal = true;
            for (head, stream) in heads.iter_mut().zip(&mut streams) {
                while *head < max {
                    match stream.next().transpose()? {
                        Some(id) => *head = id,
                        None => return Ok(ids),
                    }
                }
                all_equal &= *head == max;
            }
            if all_equal {
                ids.push(max);
                match streams[0].next().transpose()? {
                    Some(id) => heads[0] = id,
                    None => return Ok(ids),
                }
            }
        }
        Ok(ids)
    }
}

impl DialectRows for Sqlite {
    fn schema_version(&mut self) -> Result<i64> {
        super::migrations::schema_version(&self.conn)
    }

    fn check(&mut self) -> Result<CheckReport> {
        Sqlite::check(self)
    }

    fn search_customers(&mut self, plan: &QueryPlan, scope: ListScope) -> Result<Vec<CustomerSummary>> {
        let archived = if scope.include_archived { "" } else { "AND c.archived_at IS NULL" };
        let mut owner = match scope.owner_id {
            Some(id) => format!("AND c.owner_id = {id}"),
            None => String::new(),
        };
        if let Some(tier) = scope.tier {
            // One of three fixed letters, so formatting it into the statement is safe.
            owner.push_str(&format!(" AND c.id IN (SELECT customer_id FROM customer_tier WHERE tier = '{tier}')"));
        }
        let (substrings, prefixes) = fts_expressions(plan);
        let mut streams: Vec<(&str, Value)> = Vec::new();
        if let Some(sub) = substrings {
            streams.push(("SELECT rowid FROM customer_search WHERE customer_search MATCH ?1", Value::Text(sub)));
        }
        if let Some(words) = prefixes {
            streams.push(("SELECT rowid FROM customer_words WHERE customer_words MATCH ?1", Value::Text(words)));
        }
        if streams.is_empty() {
            // No query: everyone (or the owner's customers) by name, straight from a sort index.
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM customer c WHERE 1 {archived} {owner} ORDER BY c.sort_key, c.id LIMIT ?1"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([scope.limit], summary_from_row)?.collect::<rusqlite::Result<_>>()?;
            return Ok(rows);
        }
        if let Some(owner_id) = scope.owner_id {
            // The owner's customers in id order, so "my customers" are ranked before the cap.
            streams.push(("SELECT id FROM customer WHERE owner_id = ?1 ORDER BY id", Value::Integer(owner_id)));
        }
        if let Some(tier) = scope.tier {
            streams.push((
                "SELECT customer_id FROM customer_tier WHERE tier = ?1 ORDER BY customer_id",
                Value::Text(tier.to_string()),
            ));
        }
        let candidates = self.match_ids(&streams)?;
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        // Integers from the index, so formatting them into the statement is safe.
        let ids = candidates.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM customer c WHERE c.id IN ({ids}) {archived}
             ORDER BY (c.sort_key >= ?1 AND c.sort_key < ?2) DESC, c.sort_key, c.id LIMIT ?3"
        );
        let (from, to) = prefix_range(&plan.folded);
        let mut stmt = self.conn.prepare(&sql)?;
        let rows =
            stmt.query_map(params![from, to, scope.limit], summary_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
