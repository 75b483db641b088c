//! Customer search, the one read each store does its own way: SQLite over two FTS5 indexes of
//! the folded search key, `customer_search` (trigrams, substring match) and `customer_words`
//! (words, prefix match); PostgreSQL over the same key in `search_key` (trigram GIN index) and
//! its words in `search_words` (tsvector GIN index). `store.rs` keeps both in step with the
//! rows, so both stores find the same customers in the same order.

use postgres::types::ToSql;
use postgres::Row;
use rusqlite::params;
use rusqlite::types::Value;
use serde::Deserialize;

use crate::customer::CustomerSummary;
use crate::ground::error::Result;
use crate::ground::search_key::QueryPlan;
use crate::storage::{prefix_range, Native, Postgres, Sqlite};

/// Above this many matches a search page is ranked from the first matches in index order:
/// ranking tens of thousands of rows on each keystroke is what makes a search box slow, and
/// a person narrows such a query anyway.
pub const EXACT_RANKING_CAP: usize = 1000;

/// A customer list request: free text (empty lists everyone), archived or not, a page size.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CustomerQuery {
    pub text: String,
    pub include_archived: bool,
    /// Only the customers of this owner ("my customers").
    pub owner_id: Option<i64>,
    /// Only the customers of this tier of the pyramid ("A", "B" or "C").
    pub tier: Option<String>,
    pub limit: u32,
}

impl Default for CustomerQuery {
    fn default() -> Self {
        CustomerQuery { text: String::new(), include_archived: false, owner_id: None, tier: None, limit: 100 }
    }
}

/// What a customer list asks of a store, beside the text: which customers are eligible.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListScope {
    pub include_archived: bool,
    pub owner_id: Option<i64>,
    /// One of [`crate::customer::TIERS`].
    pub tier: Option<&'static str>,
    pub limit: u32,
}

/// The customers matching `plan` within `scope`, ranked.
pub(crate) fn run(db: Native, plan: &QueryPlan, scope: ListScope) -> Result<Vec<CustomerSummary>> {
    match db {
        Native::Sqlite(db) => on_sqlite(db, plan, scope),
        Native::Postgres(db) => on_postgres(db, plan, scope),
    }
}

const SUMMARY_COLUMNS: &str = "c.id, c.name, c.city, c.country, c.vat_id, c.phone, c.email, c.owner_id, c.archived_at";

// --- SQLite ---

fn summary_from_sqlite(r: &rusqlite::Row) -> rusqlite::Result<CustomerSummary> {
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

/// Row ids in every one of `streams` (queries returning ids in ascending order, each with
/// one parameter), at most `EXACT_RANKING_CAP`. The streams are intersected here: SQLite's
/// own plan for an FTS5 match inside `IN (subquery)` was a hundred times slower than
/// either match alone.
fn match_ids(db: &Sqlite, streams: &[(&str, Value)]) -> Result<Vec<i64>> {
    let mut stmts = streams.iter().map(|(sql, _)| db.conn.prepare_cached(sql)).collect::<rusqlite::Result<Vec<_>>>()?;
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

fn on_sqlite(db: &mut Sqlite, plan: &QueryPlan, scope: ListScope) -> Result<Vec<CustomerSummary>> {
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
        let mut stmt = db.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([scope.limit], summary_from_sqlite)?.collect::<rusqlite::Result<_>>()?;
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
    let candidates = match_ids(db, &streams)?;
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
    let mut stmt = db.conn.prepare(&sql)?;
    let rows = stmt.query_map(params![from, to, scope.limit], summary_from_sqlite)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

// --- PostgreSQL ---

fn summary_from_postgres(r: &Row) -> CustomerSummary {
    CustomerSummary {
        id: r.get(0),
        name: r.get(1),
        city: r.get(2),
        country: r.get(3),
        vat_id: r.get(4),
        phone: r.get(5),
        email: r.get(6),
        owner_id: r.get(7),
        archived: r.get::<_, Option<String>>(8).is_some(),
    }
}

/// A word-prefix term as tsquery text: consecutive words, the last one a prefix.
fn tsquery(words: &[String]) -> String {
    let n = words.len();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| if i + 1 == n { format!("'{w}':*") } else { format!("'{w}'") })
        .collect::<Vec<_>>()
        .join(" <-> ")
}

/// A substring term as a LIKE pattern, its wildcards escaped.
fn like_pattern(term: &str) -> String {
    let escaped = term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn on_postgres(db: &mut Postgres, plan: &QueryPlan, scope: ListScope) -> Result<Vec<CustomerSummary>> {
    let mut filter = String::new();
    if !scope.include_archived {
        filter.push_str(" AND c.archived_at IS NULL");
    }
    if let Some(owner) = scope.owner_id {
        // An integer, so formatting it into the statement is safe.
        filter.push_str(&format!(" AND c.owner_id = {owner}"));
    }
    if let Some(tier) = scope.tier {
        // One of three fixed letters, so formatting it into the statement is safe.
        filter.push_str(&format!(" AND c.id IN (SELECT customer_id FROM customer_tier WHERE tier = '{tier}')"));
    }
    let limit = i64::from(scope.limit);
    if plan.is_empty() {
        let sql =
            format!("SELECT {SUMMARY_COLUMNS} FROM customer c WHERE true {filter} ORDER BY c.sort_key, c.id LIMIT $1");
        return Ok(db.client.query(&sql, &[&limit])?.iter().map(summary_from_postgres).collect());
    }
    let (from, to) = prefix_range(&plan.folded);
    let mut args: Vec<String> = vec![from, to];
    let mut conds = Vec::new();
    for term in &plan.substrings {
        args.push(like_pattern(term));
        conds.push(format!("search_key LIKE ${}", args.len() + 1));
    }
    for words in &plan.word_prefixes {
        args.push(tsquery(words));
        conds.push(format!("search_words @@ ${}::text::tsquery", args.len() + 1));
    }
    // The candidates carry their columns out of the one heap visit the index recheck makes
    // anyway; joining back to the table cost as much again.
    let sql = format!(
        "SELECT id, name, city, country, vat_id, phone, email, owner_id, archived_at FROM (
             SELECT {SUMMARY_COLUMNS}, c.sort_key FROM customer c WHERE {} {filter} LIMIT {EXACT_RANKING_CAP}
         ) s
         ORDER BY (s.sort_key >= $2 AND s.sort_key < $3) DESC, s.sort_key, s.id LIMIT $1",
        conds.join(" AND ")
    );
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&limit];
    params.extend(args.iter().map(|a| a as &(dyn ToSql + Sync)));
    // The planner misjudges how many rows a LIKE or tsquery matches and then prefers to scan
    // the table hoping to fill the LIMIT early: 30 ms instead of 5 for a city of 4,000
    // customers. The GIN indexes answer every query in a predictable time.
    let mut tx = db.client.transaction()?;
    tx.batch_execute("SET LOCAL enable_seqscan = off")?;
    let rows = tx.query(&sql, &params)?.iter().map(summary_from_postgres).collect();
    tx.commit()?;
    Ok(rows)
}
