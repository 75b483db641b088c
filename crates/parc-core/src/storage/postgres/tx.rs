//! Transaction helpers of the PostgreSQL store that several of its modules use (people's own
//! rows are written once for both stores through `Exec`).

use postgres::{Client, GenericClient, Transaction};

use crate::ground::error::Result;

/// Runs `f` in one transaction, committed when it returns `Ok`, rolled back otherwise.
pub(super) fn write<T>(client: &mut Client, f: impl FnOnce(&mut Transaction) -> Result<T>) -> Result<T> {
    let mut tx = client.transaction()?;
    let out = f(&mut tx)?;
    tx.commit()?;
    Ok(out)
}

/// Makes the next id of `table` follow the largest one, after rows were copied with their ids
/// (an empty table starts again at 1).
pub(super) fn follow_ids(client: &mut impl GenericClient, table: &str) -> Result<()> {
    client.execute(
        &format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 0) + 1,
             false)"
        ),
        &[],
    )?;
    Ok(())
}

/// `n` new ids of `table`, in order. The sequence is named once (an init plan): naming it per
/// row with `pg_get_serial_sequence` cost ten times the `nextval` itself.
pub(crate) fn next_ids(
    client: &mut impl GenericClient,
    table: &str,
    n: usize,
) -> std::result::Result<Vec<i64>, postgres::Error> {
    let mut ids: Vec<i64> = client
        .query(
            "SELECT nextval((SELECT pg_get_serial_sequence($1, 'id')::regclass)) FROM generate_series(1, $2::int)",
            &[&table, &(n as i32)],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// Refreshes the planner's statistics of `table` after a bulk write. Columns with a statistics
/// target of their own (the search columns' 1,000) are sampled apart: in one ANALYZE their
/// 300,000-row sample made every other column's statistics from as many rows, three times the
/// cost.
pub(crate) fn analyze(client: &mut impl GenericClient, table: &str) -> Result<()> {
    let row = client.query_one(
        "SELECT string_agg(quote_ident(attname), ', ') FILTER (WHERE coalesce(attstattarget, -1) > 0),
                string_agg(quote_ident(attname), ', ') FILTER (WHERE coalesce(attstattarget, -1) < 0)
         FROM pg_attribute WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped",
        &[&table],
    )?;
    let (own, rest): (Option<String>, Option<String>) = (row.get(0), row.get(1));
    let sql = match (own, rest) {
        (Some(own), Some(rest)) => format!("ANALYZE {table} ({own}); ANALYZE {table} ({rest})"),
        _ => format!("ANALYZE {table}"),
    };
    client.batch_execute(&sql)?;
    Ok(())
}
