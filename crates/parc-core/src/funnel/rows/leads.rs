//! Leads: a customer's request received, then qualified into a deal or turned down, and the lead funnel's counts.

use crate::funnel::deal::{Lead, LeadData, LeadStatus};
use crate::funnel::LeadGroup;
use crate::ground::error::{Error, Result};
use crate::storage::exec::{Cells, Exec, Val};

// --- leads ---

const LEAD_COLUMNS: &str = "l.id, l.customer_id, c.name, l.source, l.received_on, l.owner_id, l.note, l.status,
    l.reason, l.deal_id, l.decided_on, l.created_at, l.created_by, l.version";

fn lead_from(r: &Cells) -> Result<Lead> {
    Ok(Lead {
        id: r.int(0)?,
        customer_id: r.int(1)?,
        customer_name: r.text(2)?,
        data: LeadData { source: r.text(3)?, received_on: r.text(4)?, owner_id: r.opt_int(5)?, note: r.text(6)? },
        status: LeadStatus::parse(r.str(7)?),
        reason: r.text(8)?,
        deal_id: r.opt_int(9)?,
        decided_on: r.opt_text(10)?,
        created_at: r.text(11)?,
        created_by: r.opt_int(12)?,
        version: r.int(13)?,
    })
}

pub(crate) fn insert_lead(
    x: &mut dyn Exec,
    customer_id: i64,
    d: &LeadData,
    by: Option<i64>,
    stamp: &str,
) -> Result<i64> {
    crate::funnel::rows::customer_exists(x, customer_id)?;
    // Contacted since it came in: from here on the trigger on the customer's last contact
    // keeps it (migration 12).
    let row = x.row(
        "INSERT INTO lead (customer_id, source, received_on, owner_id, note, status, created_at, created_by, contacted)
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7,
                 EXISTS (SELECT 1 FROM customer c WHERE c.id = $1 AND c.last_contact_at >= $3))
         RETURNING id",
        &[
            customer_id.into(),
            (&d.source).into(),
            (&d.received_on).into(),
            d.owner_id.into(),
            (&d.note).into(),
            stamp.into(),
            by.into(),
        ],
    )?;
    Ok(row.map(|r| r.int(0)).transpose()?.expect("INSERT … RETURNING gives the id"))
}

/// Decides an open lead at `version` (else `Conflict`); a lead qualified into a deal already
/// in `won_stage` (an import) counts as won.
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide_lead(
    x: &mut dyn Exec,
    id: i64,
    version: i64,
    status: LeadStatus,
    reason: &str,
    deal_id: Option<i64>,
    day: &str,
    won_stage: i64,
) -> Result<()> {
    let changed = x.run(
        "UPDATE lead SET status = $3, reason = $4, deal_id = $5, decided_on = $6, version = version + 1,
                won = EXISTS (SELECT 1 FROM deal d WHERE d.id = $5 AND d.stage_id = $7)
         WHERE id = $1 AND version = $2 AND status = 'open'",
        &[id.into(), version.into(), status.code().into(), reason.into(), deal_id.into(), day.into(), won_stage.into()],
    )?;
    if changed == 0 {
        let exists = x.row("SELECT 1 FROM lead WHERE id = $1", &[id.into()])?.is_some();
        return Err(if exists {
            Error::Conflict { entity: "lead", id }
        } else {
            Error::NotFound { entity: "lead", id }
        });
    }
    Ok(())
}

pub(crate) fn lead(x: &mut dyn Exec, id: i64) -> Result<Option<Lead>> {
    let sql = format!("SELECT {LEAD_COLUMNS} FROM lead l JOIN customer c ON c.id = l.customer_id WHERE l.id = $1");
    x.row(&sql, &[id.into()])?.as_ref().map(lead_from).transpose()
}

/// Leads (open ones only, or all), of an owner or a customer, newest first.
pub(crate) fn leads(
    x: &mut dyn Exec,
    open_only: bool,
    owner_id: Option<i64>,
    customer_id: Option<i64>,
    limit: u32,
) -> Result<Vec<Lead>> {
    let mut args: Vec<Val> = vec![i64::from(limit).into()];
    let mut w = vec!["c.archived_at IS NULL".to_string()];
    if open_only {
        w.push("l.status = 'open'".into());
    }
    if let Some(o) = owner_id {
        args.push(o.into());
        w.push(format!("l.owner_id = ${}", args.len()));
    }
    if let Some(c) = customer_id {
        args.push(c.into());
        w.push(format!("l.customer_id = ${}", args.len()));
    }
    let sql = format!(
        "SELECT {LEAD_COLUMNS} FROM lead l JOIN customer c ON c.id = l.customer_id WHERE {}
         ORDER BY l.received_on DESC, l.id DESC LIMIT $1",
        w.join(" AND ")
    );
    x.rows(&sql, &args)?.iter().map(lead_from).collect()
}

/// Leads received in `from..=to` (of an owner), grouped for the lead funnel: read from the
/// `lead_funnel` index alone, with the contacted and won marks each lead keeps.
pub(crate) fn lead_groups(x: &mut dyn Exec, from: &str, to: &str, owner_id: Option<i64>) -> Result<Vec<LeadGroup>> {
    let mut args: Vec<Val> = vec![from.into(), to.into()];
    let owner = match owner_id {
        Some(o) => {
            args.push(o.into());
            "AND owner_id = $3"
        }
        None => "",
    };
    let sql = format!(
        "SELECT source, status, contacted, won, count(*) FROM lead
         WHERE received_on >= $1 AND received_on <= $2 {owner}
         GROUP BY source, status, contacted, won"
    );
    x.rows(&sql, &args)?
        .iter()
        .map(|r| {
            Ok(LeadGroup {
                source: r.text(0)?,
                status: LeadStatus::parse(r.str(1)?),
                contacted: r.boolean(2)?,
                won: r.boolean(3)?,
                leads: r.int(4)?,
            })
        })
        .collect()
}

/// Marks the leads qualified into deal `deal_id` won or not, as the deal's move says.
pub(crate) fn mark_leads_won(x: &mut dyn Exec, deal_id: i64, won: bool) -> Result<()> {
    x.run("UPDATE lead SET won = $2 WHERE deal_id = $1 AND won <> $2", &[deal_id.into(), won.into()])?;
    Ok(())
}

pub(crate) fn all_leads(x: &mut dyn Exec) -> Result<Vec<Lead>> {
    let sql = format!("SELECT {LEAD_COLUMNS} FROM lead l JOIN customer c ON c.id = l.customer_id ORDER BY l.id");
    x.rows(&sql, &[])?.iter().map(lead_from).collect()
}

/// Copies leads into an empty store whose customers (with their last contact) and deals are
/// already there; their contacted and won marks are worked out from those.
pub(crate) fn restore_leads(x: &mut dyn Exec, rows: &[Lead], won_stage: i64) -> Result<()> {
    for l in rows {
        x.run(
            "INSERT INTO lead (id, customer_id, source, received_on, owner_id, note, status, reason, deal_id,
             decided_on, created_at, created_by, version, contacted, won)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
                     EXISTS (SELECT 1 FROM customer c WHERE c.id = $2 AND c.last_contact_at >= $4),
                     EXISTS (SELECT 1 FROM deal d WHERE d.id = $9 AND d.stage_id = $14))",
            &[
                l.id.into(),
                l.customer_id.into(),
                (&l.data.source).into(),
                (&l.data.received_on).into(),
                l.data.owner_id.into(),
                (&l.data.note).into(),
                l.status.code().into(),
                (&l.reason).into(),
                l.deal_id.into(),
                (&l.decided_on).into(),
                (&l.created_at).into(),
                l.created_by.into(),
                l.version.into(),
                won_stage.into(),
            ],
        )?;
    }
    Ok(())
}
