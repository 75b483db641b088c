//! The price list and offers' rows. Plain standard SQL both stores run (like `funnel/rows.rs`),
//! written once and run through each store's [`Exec`] inside the caller's transaction; data
//! reaching it is already valid.

use crate::ground::error::{Error, Result};
use crate::ground::search_key::fold;
use crate::offer::{Offer, OfferData, OfferQuery, OfferStatus, OfferSummary, PriceItem, PriceItemData, PriceQuery};
use crate::storage::exec::{Cells, Exec, Val};

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("offer parts serialise")
}

// --- price list ---

const ITEM_COLUMNS: &str =
    "id, code, kind, names, descriptions, supplier, price, currency, valid_from, valid_to, retired, updated_at, version";

fn item_from(r: &Cells) -> Result<PriceItem> {
    Ok(PriceItem {
        id: r.int(0)?,
        data: PriceItemData {
            code: r.text(1)?,
            kind: r.text(2)?,
            names: r.json(3)?,
            descriptions: r.json(4)?,
            supplier: r.text(5)?,
            price: r.int(6)?,
            currency: r.text(7)?,
            valid_from: r.text(8)?,
            valid_to: r.text(9)?,
        },
        retired: r.boolean(10)?,
        updated_at: r.text(11)?,
        version: r.int(12)?,
    })
}

fn item_args(d: &PriceItemData) -> Vec<Val> {
    vec![
        (&d.code).into(),
        (&d.kind).into(),
        json(&d.names).into(),
        json(&d.descriptions).into(),
        (&d.supplier).into(),
        d.price.into(),
        (&d.currency).into(),
        (&d.valid_from).into(),
        (&d.valid_to).into(),
    ]
}

/// The item with this code and first day, if any (the list's natural key).
pub(crate) fn item_by_key(x: &mut dyn Exec, code: &str, valid_from: &str) -> Result<Option<PriceItem>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM price_item WHERE code = $1 AND valid_from = $2");
    x.row(&sql, &[code.into(), valid_from.into()])?.as_ref().map(item_from).transpose()
}

pub(crate) fn insert_item(x: &mut dyn Exec, d: &PriceItemData, stamp: &str) -> Result<i64> {
    if item_by_key(x, &d.code, &d.valid_from)?.is_some() {
        return Err(Error::invalid("code", "validation.price_code_taken"));
    }
    let mut args = item_args(d);
    args.push(stamp.into());
    let sql = "INSERT INTO price_item (code, kind, names, descriptions, supplier, price, currency, valid_from,
               valid_to, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
    Ok(x.row(sql, &args)?.map(|r| r.int(0)).transpose()?.expect("INSERT … RETURNING gives the id"))
}

/// Saves `d` (and the retired mark) over item `id` if its version is still `version`.
pub(crate) fn update_item(
    x: &mut dyn Exec,
    id: i64,
    version: i64,
    d: &PriceItemData,
    retired: bool,
    stamp: &str,
) -> Result<()> {
    if item_by_key(x, &d.code, &d.valid_from)?.is_some_and(|other| other.id != id) {
        return Err(Error::invalid("code", "validation.price_code_taken"));
    }
    let mut args = item_args(d);
    args.extend([retired.into(), stamp.into(), id.into(), version.into()]);
    let sql = "UPDATE price_item SET code = $1, kind = $2, names = $3, descriptions = $4, supplier = $5, price = $6,
               currency = $7, valid_from = $8, valid_to = $9, retired = $10, updated_at = $11, version = version + 1
               WHERE id = $12 AND version = $13";
    if x.run(sql, &args)? == 0 {
        let exists = x.row("SELECT 1 FROM price_item WHERE id = $1", &[id.into()])?.is_some();
        return Err(if exists {
            Error::Conflict { entity: "price_item", id }
        } else {
            Error::NotFound { entity: "price_item", id }
        });
    }
    Ok(())
}

pub(crate) fn item(x: &mut dyn Exec, id: i64) -> Result<PriceItem> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM price_item WHERE id = $1");
    x.row(&sql, &[id.into()])?.as_ref().ok_or(Error::NotFound { entity: "price_item", id }).and_then(item_from)
}

/// The list filtered by kind, day and retired mark, then by words (folded like searches), by
/// code. A dealer's list is hundreds to a few thousand lines: the words are matched here.
pub(crate) fn items(x: &mut dyn Exec, q: &PriceQuery) -> Result<Vec<PriceItem>> {
    let mut sql = format!("SELECT {ITEM_COLUMNS} FROM price_item WHERE 1 = 1");
    let mut args: Vec<Val> = Vec::new();
    if !q.kind.is_empty() {
        args.push((&q.kind).into());
        sql += &format!(" AND kind = ${}", args.len());
    }
    if !q.valid_on.is_empty() {
        args.push((&q.valid_on).into());
        let n = args.len();
        sql += &format!(" AND (valid_from = '' OR valid_from <= ${n}) AND (valid_to = '' OR valid_to >= ${n})");
    }
    if !q.include_retired {
        sql += " AND retired = $";
        args.push(false.into());
        sql += &args.len().to_string();
    }
    sql += " ORDER BY code, valid_from";
    let words: Vec<String> = fold(&q.text).split_whitespace().map(str::to_string).collect();
    let limit = if q.limit == 0 { usize::MAX } else { q.limit as usize };
    x.rows(&sql, &args)?
        .iter()
        .map(item_from)
        .filter(|i| {
            let Ok(i) = i else { return true };
            words.is_empty() || {
                let hay = fold(&format!(
                    "{} {} {}",
                    i.data.code,
                    i.data.supplier,
                    i.data.names.values().cloned().collect::<Vec<_>>().join(" ")
                ));
                words.iter().all(|w| hay.contains(w.as_str()))
            }
        })
        .take(limit)
        .collect()
}

pub(crate) fn all_items(x: &mut dyn Exec) -> Result<Vec<PriceItem>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM price_item ORDER BY id");
    x.rows(&sql, &[])?.iter().map(item_from).collect()
}

pub(crate) fn restore_items(x: &mut dyn Exec, items: &[PriceItem]) -> Result<()> {
    for i in items {
        let mut args = vec![i.id.into()];
        args.extend(item_args(&i.data));
        args.extend([i.retired.into(), (&i.updated_at).into(), i.version.into()]);
        x.run(
            "INSERT INTO price_item (id, code, kind, names, descriptions, supplier, price, currency, valid_from,
             valid_to, retired, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            &args,
        )?;
    }
    Ok(())
}

// --- offers ---

const OFFER_COLUMNS: &str = "o.id, o.number, o.revision, o.status, o.customer_id, o.deal_id, o.language, o.currency,
    o.offer_date, o.valid_until, o.lines, o.global_discount_bp, o.trade_ins, o.financing, o.payment_terms,
    o.delivery_time, o.notes, o.salesperson_id, o.outcome_reason, o.outcome_competitor, o.decided_on, o.created_at,
    o.created_by, o.updated_at, o.version";

/// The columns an offer's data fills, in the order of [`data_args`].
const DATA_WRITTEN: &str = "customer_id, deal_id, language, currency, offer_date, valid_until, lines,
    global_discount_bp, trade_ins, financing, payment_terms, delivery_time, notes, salesperson_id, total";

fn data_args(d: &OfferData) -> Vec<Val> {
    vec![
        d.customer_id.into(),
        d.deal_id.into(),
        (&d.language).into(),
        (&d.currency).into(),
        (&d.date).into(),
        (&d.valid_until).into(),
        json(&d.lines).into(),
        d.global_discount_bp.into(),
        json(&d.trade_ins).into(),
        json(&d.financing).into(),
        (&d.payment_terms).into(),
        (&d.delivery_time).into(),
        (&d.notes).into(),
        d.salesperson_id.into(),
        d.totals().to_pay.into(),
    ]
}

fn offer_from(r: &Cells) -> Result<Offer> {
    let data = OfferData {
        customer_id: r.int(4)?,
        deal_id: r.opt_int(5)?,
        language: r.text(6)?,
        currency: r.text(7)?,
        date: r.text(8)?,
        valid_until: r.text(9)?,
        lines: r.json(10)?,
        global_discount_bp: r.int(11)?,
        trade_ins: r.json(12)?,
        financing: r.json(13)?,
        payment_terms: r.text(14)?,
        delivery_time: r.text(15)?,
        notes: r.text(16)?,
        salesperson_id: r.opt_int(17)?,
    };
    Ok(Offer {
        id: r.int(0)?,
        number: r.text(1)?,
        revision: r.int(2)?,
        status: OfferStatus::parse(r.str(3)?).unwrap_or_default(),
        totals: data.totals(),
        data,
        outcome_reason: r.text(18)?,
        outcome_competitor: r.text(19)?,
        decided_on: r.opt_text(20)?,
        created_at: r.text(21)?,
        created_by: r.opt_int(22)?,
        updated_at: r.text(23)?,
        version: r.int(24)?,
    })
}

/// The next running number of `year` (0: numbers that never restart).
pub(crate) fn next_sequence(x: &mut dyn Exec, year: i64) -> Result<i64> {
    let sql = "INSERT INTO offer_sequence (year, last) VALUES ($1, 1)
               ON CONFLICT (year) DO UPDATE SET last = offer_sequence.last + 1 RETURNING last";
    Ok(x.row(sql, &[year.into()])?.map(|r| r.int(0)).transpose()?.expect("upsert … RETURNING gives the number"))
}

fn customer_exists(x: &mut dyn Exec, id: i64) -> Result<()> {
    x.row("SELECT 1 FROM customer WHERE id = $1", &[id.into()])?.ok_or(Error::NotFound { entity: "customer", id })?;
    Ok(())
}

/// Saves a new offer revision as a draft.
pub(crate) fn insert_offer(
    x: &mut dyn Exec,
    number: &str,
    revision: i64,
    d: &OfferData,
    by: Option<i64>,
    stamp: &str,
) -> Result<i64> {
    customer_exists(x, d.customer_id)?;
    let mut args: Vec<Val> = vec![number.into(), revision.into()];
    args.extend(data_args(d));
    args.extend([stamp.into(), by.into(), stamp.into()]);
    let placeholders: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO offer (number, revision, status, {DATA_WRITTEN}, created_at, created_by, updated_at)
         VALUES ($1, $2, 'draft', {}) RETURNING id",
        placeholders[2..].join(", ")
    );
    Ok(x.row(&sql, &args)?.map(|r| r.int(0)).transpose()?.expect("INSERT … RETURNING gives the id"))
}

/// The offer at `id` when its version is still `version`; `Conflict` or `NotFound` otherwise.
pub(crate) fn offer_at(x: &mut dyn Exec, id: i64, version: i64) -> Result<Offer> {
    let o = offer(x, id)?;
    if o.version != version {
        return Err(Error::Conflict { entity: "offer", id });
    }
    Ok(o)
}

/// Saves a draft's data over offer `id` at `version`.
pub(crate) fn update_offer(x: &mut dyn Exec, id: i64, version: i64, d: &OfferData, stamp: &str) -> Result<()> {
    let mut args = data_args(d);
    let sets: Vec<String> =
        DATA_WRITTEN.split(',').map(str::trim).enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
    args.extend([stamp.into(), id.into(), version.into()]);
    let n = args.len();
    let sql = format!(
        "UPDATE offer SET {}, updated_at = ${}, version = version + 1
         WHERE id = ${} AND version = ${} AND status = 'draft'",
        sets.join(", "),
        n - 2,
        n - 1,
        n
    );
    if x.run(&sql, &args)? == 0 {
        return Err(Error::Conflict { entity: "offer", id });
    }
    Ok(())
}

/// Sets the status (and its outcome) of offer `id` at `version`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn set_status(
    x: &mut dyn Exec,
    id: i64,
    version: i64,
    status: OfferStatus,
    reason: &str,
    competitor: &str,
    decided_on: Option<&str>,
    stamp: &str,
) -> Result<()> {
    let args: Vec<Val> = vec![
        status.as_str().into(),
        reason.into(),
        competitor.into(),
        decided_on.map(str::to_string).into(),
        stamp.into(),
        id.into(),
        version.into(),
    ];
    let sql = "UPDATE offer SET status = $1, outcome_reason = $2, outcome_competitor = $3, decided_on = $4,
               updated_at = $5, version = version + 1 WHERE id = $6 AND version = $7";
    if x.run(sql, &args)? == 0 {
        return Err(Error::Conflict { entity: "offer", id });
    }
    Ok(())
}

/// Removes a draft that was never sent (a mistake); its number is not given out again.
pub(crate) fn delete_draft(x: &mut dyn Exec, id: i64, version: i64) -> Result<()> {
    if x.run("DELETE FROM offer WHERE id = $1 AND version = $2 AND status = 'draft'", &[id.into(), version.into()])?
        == 0
    {
        return Err(Error::Conflict { entity: "offer", id });
    }
    Ok(())
}

pub(crate) fn offer(x: &mut dyn Exec, id: i64) -> Result<Offer> {
    let sql = format!("SELECT {OFFER_COLUMNS} FROM offer o WHERE o.id = $1");
    x.row(&sql, &[id.into()])?.as_ref().ok_or(Error::NotFound { entity: "offer", id }).and_then(offer_from)
}

/// The revision `revision` of offer `number`, or its newest when `None`.
pub(crate) fn offer_by_number(x: &mut dyn Exec, number: &str, revision: Option<i64>) -> Result<Option<Offer>> {
    let rows = match revision {
        Some(r) => x.rows(
            &format!("SELECT {OFFER_COLUMNS} FROM offer o WHERE o.number = $1 AND o.revision = $2"),
            &[number.into(), r.into()],
        )?,
        None => x.rows(
            &format!("SELECT {OFFER_COLUMNS} FROM offer o WHERE o.number = $1 ORDER BY o.revision DESC LIMIT 1"),
            &[number.into()],
        )?,
    };
    rows.first().map(offer_from).transpose()
}

const SUMMARY_COLUMNS: &str = "o.id, o.number, o.revision, o.status, o.customer_id, c.name, o.deal_id, o.language,
    o.currency, o.offer_date, o.valid_until, o.total, o.salesperson_id";

fn summary_from(r: &Cells) -> Result<OfferSummary> {
    Ok(OfferSummary {
        id: r.int(0)?,
        number: r.text(1)?,
        revision: r.int(2)?,
        status: OfferStatus::parse(r.str(3)?).unwrap_or_default(),
        customer_id: r.int(4)?,
        customer_name: r.text(5)?,
        deal_id: r.opt_int(6)?,
        language: r.text(7)?,
        currency: r.text(8)?,
        date: r.text(9)?,
        valid_until: r.text(10)?,
        total: r.int(11)?,
        salesperson_id: r.opt_int(12)?,
    })
}

/// The newest revision of each offer matching `q`, newest first. `q.text` matches the number;
/// `named` are the customers whose names matched it (the store's customer search).
pub(crate) fn offers(x: &mut dyn Exec, q: &OfferQuery, named: &[i64]) -> Result<Vec<OfferSummary>> {
    let mut sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM offer o JOIN customer c ON c.id = o.customer_id
         WHERE NOT EXISTS (SELECT 1 FROM offer n WHERE n.number = o.number AND n.revision > o.revision)"
    );
    let mut args: Vec<Val> = Vec::new();
    if let Some(c) = q.customer_id {
        args.push(c.into());
        sql += &format!(" AND o.customer_id = ${}", args.len());
    }
    if let Some(d) = q.deal_id {
        args.push(d.into());
        sql += &format!(" AND o.deal_id = ${}", args.len());
    }
    if let Some(s) = q.status {
        args.push(s.as_str().into());
        sql += &format!(" AND o.status = ${}", args.len());
    }
    let text = q.text.trim();
    if !text.is_empty() {
        args.push(format!("%{}%", text.to_uppercase().replace(['%', '_'], "")).into());
        sql += &format!(" AND (upper(o.number) LIKE ${}", args.len());
        // Ids are integers: written into the statement, not bound one by one.
        if !named.is_empty() {
            let ids: Vec<String> = named.iter().map(i64::to_string).collect();
            sql += &format!(" OR o.customer_id IN ({})", ids.join(", "));
        }
        sql += ")";
    }
    sql += " ORDER BY o.offer_date DESC, o.id DESC";
    match q.limit {
        0 => sql += " LIMIT 200",
        // Every offer: exports and scripts.
        u32::MAX => {}
        n => sql += &format!(" LIMIT {}", n.min(1000)),
    }
    x.rows(&sql, &args)?.iter().map(summary_from).collect()
}

/// Every revision of offer `number`, oldest first.
pub(crate) fn revisions(x: &mut dyn Exec, number: &str) -> Result<Vec<OfferSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM offer o JOIN customer c ON c.id = o.customer_id
         WHERE o.number = $1 ORDER BY o.revision"
    );
    x.rows(&sql, &[number.into()])?.iter().map(summary_from).collect()
}

pub(crate) fn all_offers(x: &mut dyn Exec) -> Result<Vec<Offer>> {
    let sql = format!("SELECT {OFFER_COLUMNS} FROM offer o ORDER BY o.id");
    x.rows(&sql, &[])?.iter().map(offer_from).collect()
}

pub(crate) fn all_sequences(x: &mut dyn Exec) -> Result<Vec<(i64, i64)>> {
    x.rows("SELECT year, last FROM offer_sequence ORDER BY year", &[])?
        .iter()
        .map(|r| Ok((r.int(0)?, r.int(1)?)))
        .collect()
}

pub(crate) fn restore_offers(x: &mut dyn Exec, offers: &[Offer], sequences: &[(i64, i64)]) -> Result<()> {
    for o in offers {
        let mut args: Vec<Val> = vec![o.id.into(), (&o.number).into(), o.revision.into(), o.status.as_str().into()];
        args.extend(data_args(&o.data));
        args.extend([
            (&o.outcome_reason).into(),
            (&o.outcome_competitor).into(),
            (&o.decided_on).into(),
            (&o.created_at).into(),
            o.created_by.into(),
            (&o.updated_at).into(),
            o.version.into(),
        ]);
        let placeholders: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO offer (id, number, revision, status, {DATA_WRITTEN}, outcome_reason, outcome_competitor,
             decided_on, created_at, created_by, updated_at, version) VALUES ({})",
            placeholders.join(", ")
        );
        x.run(&sql, &args)?;
    }
    for (year, last) in sequences {
        x.run("INSERT INTO offer_sequence (year, last) VALUES ($1, $2)", &[(*year).into(), (*last).into()])?;
    }
    Ok(())
}
