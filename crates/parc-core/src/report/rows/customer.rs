//! One customer's deals, contacts and open actions as the seven P's read them.

use crate::funnel::deal::VehicleLine;
use crate::ground::error::Result;
use crate::report::Period;
use crate::storage::exec::Exec;

// --- one customer, for the seven P's ---

/// A customer's deal as the seven P's read it.
pub(crate) struct CustomerDeal {
    pub id: i64,
    pub stage_id: i64,
    pub currency: String,
    pub value: i64,
    pub closed_on: Option<String>,
    pub expected_close: Option<String>,
    pub origin: String,
    pub vehicles: Vec<VehicleLine>,
    pub lost_price: Option<i64>,
    pub lost_currency: String,
}

pub(crate) fn customer_deals(x: &mut dyn Exec, customer_id: i64) -> Result<Vec<CustomerDeal>> {
    x.rows(
        "SELECT id, stage_id, currency, value, closed_on, expected_close, origin, vehicles, lost_price, lost_currency
         FROM deal WHERE customer_id = $1 ORDER BY id",
        &[customer_id.into()],
    )?
    .iter()
    .map(|r| {
        Ok(CustomerDeal {
            id: r.int(0)?,
            stage_id: r.int(1)?,
            currency: r.text(2)?,
            value: r.int(3)?,
            closed_on: r.opt_text(4)?,
            expected_close: r.opt_text(5)?,
            origin: r.text(6)?,
            vehicles: r.json(7)?,
            lost_price: r.opt_int(8)?,
            lost_currency: r.text(9)?,
        })
    })
    .collect()
}

/// A customer's first and last contact (`YYYY-MM-DDTHH:MM`).
pub(crate) fn contact_span(x: &mut dyn Exec, customer_id: i64) -> Result<(Option<String>, Option<String>)> {
    Ok(x.row("SELECT min(happened_at), max(happened_at) FROM contact WHERE customer_id = $1", &[customer_id.into()])?
        .map(|r| Ok::<_, crate::ground::error::Error>((r.opt_text(0)?, r.opt_text(1)?)))
        .transpose()?
        .unwrap_or_default())
}

/// A customer's contacts in the period: kind and the documents sent (JSON list).
pub(crate) fn customer_contacts(x: &mut dyn Exec, customer_id: i64, p: &Period) -> Result<Vec<(String, Vec<String>)>> {
    x.rows(
        "SELECT kind, docs_sent FROM contact WHERE customer_id = $1 AND happened_at >= $2 AND happened_at < $3",
        &[customer_id.into(), p.start().into(), p.after().into()],
    )?
    .iter()
    .map(|r| Ok((r.text(0)?, r.json(1)?)))
    .collect()
}

/// A customer's open next actions: how many, and the soonest due.
pub(crate) fn open_actions(x: &mut dyn Exec, customer_id: i64) -> Result<(i64, Option<String>)> {
    Ok(x.row(
        "SELECT count(*), min(next_due) FROM contact WHERE customer_id = $1 AND next_due IS NOT NULL
         AND next_done_at IS NULL",
        &[customer_id.into()],
    )?
    .map(|r| Ok::<_, crate::ground::error::Error>((r.int(0)?, r.opt_text(1)?)))
    .transpose()?
    .unwrap_or_default())
}
