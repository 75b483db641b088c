//! Campaigns' part of [`Store`]: campaigns and their lists of customers (standard SQL through
//! [`Exec`]), starting one from its segment, recording responses (an interested customer
//! becomes a lead in the same transaction), the results, the owners' actions and the mailing
//! list. The rules are in `segment/campaign.rs`.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::contact::ContactData;
use crate::funnel::deal::LeadData;
use crate::funnel::rows as deals;
use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, Result};
use crate::ground::i18n::{tr, Locale};
use crate::segment::campaign::{
    self, Campaign, CampaignAction, CampaignData, CampaignResults, CampaignRow, CampaignTarget, RESPONSES,
};
use crate::storage::exec::{id_list, Cells, Exec, Val, IN_CHUNK};
use crate::storage::trail;
use crate::storage::{now, Store};

const COLUMNS: &str =
    "id, name, segment_id, channel, starts_on, ends_on, budget, spent, currency, products, lead_source,
                       segment_name, filter, started_at, version";

fn campaign_from(r: &Cells) -> Result<Campaign> {
    Ok(Campaign {
        id: r.int(0)?,
        data: CampaignData {
            name: r.text(1)?,
            segment_id: r.opt_int(2)?,
            channel: r.text(3)?,
            starts_on: r.text(4)?,
            ends_on: r.text(5)?,
            budget: r.int(6)?,
            spent: r.opt_int(7)?,
            currency: r.text(8)?,
            products: r.text(9)?,
            lead_source: r.text(10)?,
        },
        segment_name: r.text(11)?,
        filter: r.opt_text(12)?.and_then(|t| serde_json::from_str(&t).ok()),
        started_at: r.opt_text(13)?,
        version: r.int(14)?,
    })
}

fn one(x: &mut dyn Exec, id: i64) -> Result<Campaign> {
    x.row(&format!("SELECT {COLUMNS} FROM campaign WHERE id = $1"), &[id.into()])?
        .ok_or(Error::NotFound { entity: "campaign", id })
        .and_then(|r| campaign_from(&r))
}

fn name_taken(x: &mut dyn Exec, name: &str, except: i64) -> Result<bool> {
    Ok(x.row("SELECT 1 FROM campaign WHERE lower(name) = lower($1) AND id <> $2", &[name.into(), except.into()])?
        .is_some())
}

fn data_args(d: &CampaignData) -> Vec<Val> {
    vec![
        (&d.name).into(),
        d.segment_id.into(),
        (&d.channel).into(),
        (&d.starts_on).into(),
        (&d.ends_on).into(),
        d.budget.into(),
        d.spent.into(),
        (&d.currency).into(),
        (&d.products).into(),
        (&d.lead_source).into(),
    ]
}

fn json(c: &Campaign) -> serde_json::Value {
    serde_json::to_value(&c.data).unwrap_or_default()
}

/// Every campaign's results, read in four grouped queries.
fn all_results(x: &mut dyn Exec, campaigns: &[Campaign]) -> Result<HashMap<i64, CampaignResults>> {
    let mut targets: HashMap<i64, i64> = HashMap::new();
    let mut responses: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
    let mut leads: HashMap<i64, i64> = HashMap::new();
    for r in x.rows(
        "SELECT campaign_id, response, count(*), count(lead_id) FROM campaign_target GROUP BY campaign_id, response",
        &[],
    )? {
        *targets.entry(r.int(0)?).or_default() += r.int(2)?;
        *leads.entry(r.int(0)?).or_default() += r.int(3)?;
        if let Some(code) = r.opt_text(1)? {
            responses.entry(r.int(0)?).or_default().push((code, r.int(2)?));
        }
    }
    let deals: HashMap<i64, i64> = x
        .rows(
            "SELECT t.campaign_id, count(*) FROM campaign_target t JOIN lead l ON l.id = t.lead_id
             WHERE l.deal_id IS NOT NULL GROUP BY t.campaign_id",
            &[],
        )?
        .iter()
        .map(|r| Ok((r.int(0)?, r.int(1)?)))
        .collect::<Result<_>>()?;
    let won_stage = crate::funnel::rows::bought::Bought::read(x)?.won;
    let mut won: HashMap<i64, Vec<(String, i64, i64)>> = HashMap::new();
    for r in x.rows(
        "SELECT t.campaign_id, d.currency, count(*), CAST(sum(d.value) AS BIGINT) FROM campaign_target t
         JOIN lead l ON l.id = t.lead_id JOIN deal d ON d.id = l.deal_id
         WHERE d.stage_id = $1 GROUP BY t.campaign_id, d.currency",
        &[won_stage.into()],
    )? {
        won.entry(r.int(0)?).or_default().push((r.text(1)?, r.int(2)?, r.int(3)?));
    }
    Ok(campaigns
        .iter()
        .map(|c| {
            let id = c.id;
            let got = campaign::results(
                &c.data,
                targets.get(&id).copied().unwrap_or(0),
                responses.get(&id).map_or(&[][..], |v| v.as_slice()),
                leads.get(&id).copied().unwrap_or(0),
                deals.get(&id).copied().unwrap_or(0),
                won.get(&id).map_or(&[][..], |v| v.as_slice()),
            );
            (id, got)
        })
        .collect())
}

fn target_from(r: &Cells) -> Result<CampaignTarget> {
    Ok(CampaignTarget {
        customer_id: r.int(0)?,
        customer: r.text(1)?,
        city: r.text(2)?,
        phone: r.text(3)?,
        owner_id: r.opt_int(4)?,
        response: r.opt_text(5)?,
        responded_on: r.opt_text(6)?,
        lead_id: r.opt_int(7)?,
    })
}

const TARGET_COLUMNS: &str =
    "t.customer_id, c.name, c.city, c.phone, t.owner_id, t.response, t.responded_on, t.lead_id";

fn target(x: &mut dyn Exec, campaign_id: i64, customer_id: i64) -> Result<CampaignTarget> {
    x.row(
        &format!(
            "SELECT {TARGET_COLUMNS} FROM campaign_target t JOIN customer c ON c.id = t.customer_id
             WHERE t.campaign_id = $1 AND t.customer_id = $2"
        ),
        &[campaign_id.into(), customer_id.into()],
    )?
    .ok_or(Error::NotFound { entity: "campaign_target", id: customer_id })
    .and_then(|r| target_from(&r))
}

pub(crate) fn all_campaigns(x: &mut dyn Exec) -> Result<Vec<Campaign>> {
    x.rows(&format!("SELECT {COLUMNS} FROM campaign ORDER BY starts_on DESC, name, id"), &[])?
        .iter()
        .map(campaign_from)
        .collect()
}

/// A row of `campaign_target`, as copied between stores.
pub(crate) type TargetRow = (i64, i64, Option<i64>, Option<String>, Option<String>, Option<i64>, Option<i64>);

pub(crate) fn all_targets(x: &mut dyn Exec) -> Result<Vec<TargetRow>> {
    x.rows(
        "SELECT campaign_id, customer_id, owner_id, response, responded_on, responded_by, lead_id FROM campaign_target
         ORDER BY campaign_id, customer_id",
        &[],
    )?
    .iter()
    .map(|r| Ok((r.int(0)?, r.int(1)?, r.opt_int(2)?, r.opt_text(3)?, r.opt_text(4)?, r.opt_int(5)?, r.opt_int(6)?)))
    .collect()
}

pub(crate) fn restore_campaigns(x: &mut dyn Exec, campaigns: &[Campaign], targets: &[TargetRow]) -> Result<()> {
    for c in campaigns {
        let mut args = vec![c.id.into()];
        args.extend(data_args(&c.data));
        args.extend([
            (&c.segment_name).into(),
            c.filter.as_ref().map(|f| serde_json::to_string(f).unwrap_or_default()).into(),
            (&c.started_at).into(),
            c.version.into(),
        ]);
        x.run(
            "INSERT INTO campaign (id, name, segment_id, channel, starts_on, ends_on, budget, spent, currency, products,
             lead_source, segment_name, filter, started_at, version, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '')",
            &args,
        )?;
    }
    for (campaign_id, customer_id, owner_id, response, responded_on, responded_by, lead_id) in targets {
        x.run(
            "INSERT INTO campaign_target (campaign_id, customer_id, owner_id, response, responded_on, responded_by, lead_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                (*campaign_id).into(),
                (*customer_id).into(),
                (*owner_id).into(),
                response.clone().into(),
                responded_on.clone().into(),
                (*responded_by).into(),
                (*lead_id).into(),
            ],
        )?;
    }
    Ok(())
}

impl Store {
    /// Checks a campaign; `kept` is the lead source it has now, which stays allowed after the
    /// office retired it (a campaign never loses its own).
    fn checked_campaign(&mut self, data: CampaignData, kept: &str) -> Result<CampaignData> {
        let reasons = self.reason_settings()?;
        data.validated(|s| reasons.allows_source(s, kept))
    }

    /// Every campaign with its results, the latest first.
    pub fn campaigns(&mut self) -> Result<Vec<CampaignRow>> {
        self.read(|x| {
            let all = all_campaigns(x)?;
            let mut results = all_results(x, &all)?;
            Ok(all
                .into_iter()
                .map(|c| CampaignRow { results: results.remove(&c.id).unwrap_or_default(), campaign: c })
                .collect())
        })
    }

    pub fn campaign(&mut self, id: i64) -> Result<CampaignRow> {
        self.read(|x| {
            let c = one(x, id)?;
            let results = all_results(x, std::slice::from_ref(&c))?.remove(&id).unwrap_or_default();
            Ok(CampaignRow { campaign: c, results })
        })
    }

    /// The campaign of this name (case ignored).
    pub fn campaign_named(&mut self, name: &str) -> Result<Option<CampaignRow>> {
        let name = name.trim().to_lowercase();
        Ok(self.campaigns()?.into_iter().find(|c| c.campaign.data.name.to_lowercase() == name))
    }

    pub fn create_campaign(&mut self, data: CampaignData) -> Result<Campaign> {
        let data = self.checked_campaign(data, "")?;
        let by = self.actor();
        self.write(|x| {
            if name_taken(x, &data.name, 0)? {
                return Err(Error::invalid("name", "campaign.name_taken"));
            }
            segment_exists(x, data.segment_id)?;
            let stamp = now();
            let mut args = data_args(&data);
            args.extend([(&stamp).into(), by.into()]);
            let id = x
                .row(
                    "INSERT INTO campaign (name, segment_id, channel, starts_on, ends_on, budget, spent, currency, products,
                     lead_source, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                     RETURNING id",
                    &args,
                )?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or_default();
            let made = one(x, id)?;
            trail::record(x, "campaign", id, by, None, &json(&made), &stamp)?;
            Ok(made)
        })
    }

    /// Saves a campaign edited from `version`. Once started, its segment stays the one its
    /// list was made from.
    pub fn update_campaign(&mut self, id: i64, version: i64, data: CampaignData) -> Result<Campaign> {
        let kept = self.campaign(id)?.campaign.data.lead_source;
        let data = self.checked_campaign(data, &kept)?;
        let by = self.actor();
        self.write(|x| {
            let before = one(x, id)?;
            if before.version != version {
                return Err(Error::Conflict { entity: "campaign", id });
            }
            if name_taken(x, &data.name, id)? {
                return Err(Error::invalid("name", "campaign.name_taken"));
            }
            if before.started_at.is_some() && before.data.segment_id != data.segment_id {
                return Err(Error::invalid("segment_id", "campaign.started_segment"));
            }
            segment_exists(x, data.segment_id)?;
            let mut args = data_args(&data);
            args.extend([id.into(), version.into()]);
            let changed = x.run(
                "UPDATE campaign SET name = $1, segment_id = $2, channel = $3, starts_on = $4, ends_on = $5, budget = $6,
                 spent = $7, currency = $8, products = $9, lead_source = $10, version = version + 1
                 WHERE id = $11 AND version = $12",
                &args,
            )?;
            if changed == 0 {
                return Err(Error::Conflict { entity: "campaign", id });
            }
            let after = one(x, id)?;
            trail::record(x, "campaign", id, by, Some(&json(&before)), &json(&after), &now())?;
            Ok(after)
        })
    }

    /// Makes the campaign's list: every customer its segment keeps today, each assigned to
    /// the customer's owner. A campaign starts once; a segment keeping nobody is refused.
    pub fn start_campaign(&mut self, id: i64, version: i64, today: NaiveDate) -> Result<CampaignRow> {
        let c = self.campaign(id)?.campaign;
        if c.version != version {
            return Err(Error::Conflict { entity: "campaign", id });
        }
        if c.started_at.is_some() {
            return Err(Error::invalid("segment_id", "campaign.already_started"));
        }
        let segment = match c.data.segment_id {
            Some(s) => self.segment(s)?,
            None => return Err(Error::invalid("segment_id", "campaign.segment_required")),
        };
        let ids = self.segment_ids(segment.filter.clone(), today)?;
        if ids.is_empty() {
            return Err(Error::invalid("segment_id", "campaign.empty_segment"));
        }
        let by = self.actor();
        self.write(|x| {
            let stamp = now();
            let changed = x.run(
                "UPDATE campaign SET started_at = $3, segment_name = $4, filter = $5, version = version + 1
                 WHERE id = $1 AND version = $2 AND started_at IS NULL",
                &[
                    id.into(),
                    version.into(),
                    (&stamp).into(),
                    (&segment.name).into(),
                    serde_json::to_string(&segment.filter).unwrap_or_default().into(),
                ],
            )?;
            if changed == 0 {
                return Err(Error::Conflict { entity: "campaign", id });
            }
            for chunk in ids.chunks(IN_CHUNK) {
                let list = id_list(chunk);
                x.run(
                    &format!(
                        "INSERT INTO campaign_target (campaign_id, customer_id, owner_id)
                         SELECT $1, id, owner_id FROM customer WHERE id IN ({list})"
                    ),
                    &[id.into()],
                )?;
            }
            trail::record(
                x,
                "campaign",
                id,
                by,
                Some(&serde_json::json!({ "targets": 0 })),
                &serde_json::json!({ "targets": ids.len() }),
                &stamp,
            )?;
            Ok(())
        })?;
        self.campaign(id)
    }

    /// The campaign's list, by customer name.
    pub fn campaign_targets(&mut self, id: i64) -> Result<Vec<CampaignTarget>> {
        self.read(|x| {
            x.rows(
                &format!(
                    "SELECT {TARGET_COLUMNS} FROM campaign_target t JOIN customer c ON c.id = t.customer_id
                     WHERE t.campaign_id = $1 ORDER BY c.sort_key, c.id"
                ),
                &[id.into()],
            )?
            .iter()
            .map(target_from)
            .collect()
        })
    }

    /// Records what a customer on the list answered. "Interested" makes a lead (in the same
    /// transaction) with the campaign's lead source, for the customer's owner; each first
    /// response is logged as a contact of the campaign's channel, its text in `locale`. A
    /// response may be corrected, except away from "interested" once its lead exists.
    pub fn record_response(
        &mut self,
        campaign_id: i64,
        customer_id: i64,
        response: &str,
        today: NaiveDate,
        locale: Locale,
    ) -> Result<CampaignTarget> {
        if !RESPONSES.contains(&response) {
            return Err(Error::invalid("response", "validation.choice"));
        }
        let by = self.actor();
        let (c, first) = self.write(|x| {
            let c = one(x, campaign_id)?;
            if c.started_at.is_none() {
                return Err(Error::invalid("response", "campaign.not_started"));
            }
            let t = target(x, campaign_id, customer_id)?;
            if t.lead_id.is_some() && response != "interested" {
                return Err(Error::invalid("response", "campaign.lead_made"));
            }
            let lead_id = match t.lead_id {
                Some(id) => Some(id),
                None if response == "interested" => {
                    let lead = LeadData {
                        source: c.data.lead_source.clone(),
                        received_on: today.format(DATE_FORMAT).to_string(),
                        owner_id: t.owner_id.or(by),
                        note: c.data.name.clone(),
                    };
                    Some(deals::leads::insert_lead(x, customer_id, &lead, by, &now())?)
                }
                None => None,
            };
            x.run(
                "UPDATE campaign_target SET response = $3, responded_on = $4, responded_by = $5, lead_id = $6
                 WHERE campaign_id = $1 AND customer_id = $2",
                &[
                    campaign_id.into(),
                    customer_id.into(),
                    response.into(),
                    today.format(DATE_FORMAT).to_string().into(),
                    by.into(),
                    lead_id.into(),
                ],
            )?;
            Ok((c, t.response.is_none()))
        })?;
        if first {
            // The call or visit in the customer's history, after the response is safe.
            let key = format!("campaign.response.{response}");
            let label = tr(locale, &key).to_string();
            let contact = ContactData {
                happened_at: chrono::Local::now()
                    .naive_local()
                    .format(crate::ground::dates::DATETIME_FORMAT)
                    .to_string(),
                kind: campaign::contact_kind(&c.data.channel).into(),
                user_id: by,
                agreed: format!("{}: {label}", c.data.name),
                ..Default::default()
            };
            self.log_contact(customer_id, contact, by)?;
        }
        self.read(|x| target(x, campaign_id, customer_id))
    }

    /// The calls and visits of running campaigns still to make by `user_id` (everyone's when
    /// `None`), for the agenda: campaigns whose period includes `today`.
    pub fn campaign_actions(&mut self, user_id: Option<i64>, today: NaiveDate) -> Result<Vec<CampaignAction>> {
        let day = today.format(DATE_FORMAT).to_string();
        self.read(|x| {
            let mut args: Vec<Val> = vec![day.into()];
            let owner = match user_id {
                Some(id) => {
                    args.push(id.into());
                    " AND t.owner_id = $2"
                }
                None => "",
            };
            x.rows(
                &format!(
                    "SELECT k.id, k.name, k.channel, k.ends_on, c.id, c.name, c.city
                     FROM campaign_target t JOIN campaign k ON k.id = t.campaign_id JOIN customer c ON c.id = t.customer_id
                     WHERE t.response IS NULL AND k.started_at IS NOT NULL AND k.channel IN ('phone', 'visit')
                       AND k.starts_on <= $1 AND k.ends_on >= $1 AND c.archived_at IS NULL{owner}
                     ORDER BY k.ends_on, k.name, c.sort_key, c.id"
                ),
                &args,
            )?
            .iter()
            .map(|r| Ok(CampaignAction {
                campaign_id: r.int(0)?,
                campaign: r.text(1)?,
                channel: r.text(2)?,
                ends_on: r.text(3)?,
                customer_id: r.int(4)?,
                customer: r.text(5)?,
                city: r.text(6)?,
            }))
            .collect()
        })
    }
}

fn segment_exists(x: &mut dyn Exec, id: Option<i64>) -> Result<()> {
    let Some(id) = id else { return Err(Error::invalid("segment_id", "campaign.segment_required")) };
    if x.row("SELECT 1 FROM segment WHERE id = $1", &[id.into()])?.is_none() {
        return Err(Error::invalid("segment_id", "campaign.segment_required"));
    }
    Ok(())
}
