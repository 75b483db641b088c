//! Campaigns: an action on the customers of a segment through one channel (visits, calls, a
//! mailing, an event), for a period, with a budget and the products it promotes. Starting a
//! campaign fixes its list of customers, each assigned to the customer's owner; responses are
//! recorded from the list, and an interested customer becomes a lead with the campaign's lead
//! source. Results compare what it cost with what it brought.
//!
//! Definitions of the results:
//! - contacts made: customers with a response recorded;
//! - leads: customers whose response was "interested" (each made a lead);
//! - deals: those leads qualified into a deal; won: those deals won, with their value;
//! - cost: what was spent when given, else the budget; cost per lead and per won deal divide
//!   it (none when there is nothing to divide by).

use serde::{Deserialize, Serialize};

use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, FieldError, Result};
use crate::segment::SegmentFilter;

pub const CHANNELS: &[&str] = &["phone", "visit", "mailing", "event"];

/// What a customer answered; each has a key on the list (1 to 4).
pub const RESPONSES: &[&str] = &["interested", "not_now", "not_interested", "wrong_contact"];

/// The contact a response is logged as, by channel.
pub fn contact_kind(channel: &str) -> &'static str {
    match channel {
        "visit" => "visit",
        "mailing" => "email",
        "event" => "other",
        _ => "phone",
    }
}

/// A campaign as the form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignData {
    pub name: String,
    /// The saved segment it targets.
    pub segment_id: Option<i64>,
    /// One of [`CHANNELS`].
    pub channel: String,
    /// `YYYY-MM-DD`, both days included.
    pub starts_on: String,
    pub ends_on: String,
    /// Minor units of `currency`.
    pub budget: i64,
    /// What was actually spent, once known (minor units); the results use it over the budget.
    pub spent: Option<i64>,
    pub currency: String,
    /// The products it promotes, free text (models, services).
    pub products: String,
    /// The lead source the leads it makes are recorded with (one of the office's sources).
    pub lead_source: String,
}

/// A stored campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    #[serde(flatten)]
    pub data: CampaignData,
    /// The segment's name and filter when the campaign started (the list was made from them).
    pub segment_name: String,
    pub filter: Option<SegmentFilter>,
    /// When its list was made; `None` for a campaign still being prepared.
    pub started_at: Option<String>,
    pub version: i64,
}

/// One customer on a started campaign's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignTarget {
    pub customer_id: i64,
    pub customer: String,
    pub city: String,
    pub phone: String,
    pub owner_id: Option<i64>,
    /// One of [`RESPONSES`], once recorded.
    pub response: Option<String>,
    pub responded_on: Option<String>,
    pub lead_id: Option<i64>,
}

/// What a campaign brought, against what it cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CampaignResults {
    pub targets: i64,
    pub contacts: i64,
    /// Responses per code of [`RESPONSES`], in that order.
    pub responses: Vec<(String, i64)>,
    pub leads: i64,
    pub deals: i64,
    pub won_deals: i64,
    /// Won value per currency, largest first.
    pub won: Vec<(String, i64)>,
    pub cost: i64,
    pub currency: String,
    pub budget: i64,
    pub cost_per_lead: Option<i64>,
    pub cost_per_won_deal: Option<i64>,
}

/// A campaign with its results, for the list that compares them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CampaignRow {
    pub campaign: Campaign,
    pub results: CampaignResults,
}

/// A customer to call or visit for a running campaign, in its owner's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignAction {
    pub campaign_id: i64,
    pub campaign: String,
    pub channel: String,
    pub ends_on: String,
    pub customer_id: i64,
    pub customer: String,
    pub city: String,
}

fn day_ok(text: &str) -> Option<String> {
    chrono::NaiveDate::parse_from_str(text.trim(), DATE_FORMAT).ok().map(|d| d.format(DATE_FORMAT).to_string())
}

impl CampaignData {
    /// Trims and checks every field, reporting every problem at once; `sources` are the
    /// office's lead sources in use.
    pub fn validated(mut self, allows_source: impl Fn(&str) -> bool) -> Result<CampaignData> {
        let mut errors = Vec::new();
        self.name = self.name.trim().to_string();
        self.products = self.products.trim().to_string();
        self.currency = self.currency.trim().to_uppercase();
        self.lead_source = self.lead_source.trim().to_string();
        if self.name.is_empty() {
            errors.push(FieldError::new("name", "campaign.name_required"));
        } else if self.name.chars().count() > 100 {
            errors.push(FieldError::new("name", "validation.too_long"));
        }
        for (field, text, max) in [("name", &self.name, 100), ("products", &self.products, 2000)] {
            if crate::ground::vat::has_control_in_lines(text) {
                errors.push(FieldError::new(field, "validation.control_chars"));
            } else if field == "products" && text.chars().count() > max {
                errors.push(FieldError::new(field, "validation.too_long"));
            }
        }
        if self.segment_id.is_none() {
            errors.push(FieldError::new("segment_id", "campaign.segment_required"));
        }
        if !CHANNELS.contains(&self.channel.as_str()) {
            errors.push(FieldError::new("channel", "validation.choice"));
        }
        let starts = day_ok(&self.starts_on);
        let ends = day_ok(&self.ends_on);
        match &starts {
            Some(d) => self.starts_on = d.clone(),
            None => errors.push(FieldError::new("starts_on", "validation.date")),
        }
        match &ends {
            Some(d) => self.ends_on = d.clone(),
            None => errors.push(FieldError::new("ends_on", "validation.date")),
        }
        if let (Some(s), Some(e)) = (starts, ends) {
            if e < s {
                errors.push(FieldError::new("ends_on", "campaign.ends_before_start"));
            }
        }
        if !(0..=1_000_000_000_000).contains(&self.budget) {
            errors.push(FieldError::new("budget", "validation.turnover"));
        }
        if self.spent.is_some_and(|s| !(0..=1_000_000_000_000).contains(&s)) {
            errors.push(FieldError::new("spent", "validation.turnover"));
        }
        if !crate::customer::CURRENCIES.contains(&self.currency.as_str()) {
            errors.push(FieldError::new("currency", "validation.currency"));
        }
        if self.lead_source.is_empty() || !allows_source(&self.lead_source) {
            errors.push(FieldError::new("lead_source", "validation.lead_source"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// The results from the campaign's counts: responses per code, leads, deals, won deals with
/// their value per currency.
pub fn results(
    data: &CampaignData,
    targets: i64,
    responses: &[(String, i64)],
    leads: i64,
    deals: i64,
    won: &[(String, i64, i64)],
) -> CampaignResults {
    let cost = data.spent.unwrap_or(data.budget);
    let won_deals: i64 = won.iter().map(|(_, n, _)| n).sum();
    let mut won_value: Vec<(String, i64)> = won.iter().map(|(c, _, v)| (c.clone(), *v)).collect();
    won_value.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let per = |n: i64| (n > 0).then(|| (cost + n / 2) / n);
    CampaignResults {
        targets,
        contacts: responses.iter().map(|(_, n)| n).sum(),
        responses: RESPONSES
            .iter()
            .map(|r| (r.to_string(), responses.iter().find(|(c, _)| c == r).map_or(0, |(_, n)| *n)))
            .collect(),
        leads,
        deals,
        won_deals,
        won: won_value,
        cost,
        currency: data.currency.clone(),
        budget: data.budget,
        cost_per_lead: per(leads),
        cost_per_won_deal: per(won_deals),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> CampaignData {
        CampaignData {
            name: " Spring calls ".into(),
            segment_id: Some(1),
            channel: "phone".into(),
            starts_on: "2026-03-01".into(),
            ends_on: "2026-03-31".into(),
            budget: 300_000,
            currency: "eur".into(),
            lead_source: "central_marketing".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_campaign_is_checked_field_by_field() {
        let ok = data().validated(|s| s == "central_marketing").unwrap();
        assert_eq!((ok.name.as_str(), ok.currency.as_str()), ("Spring calls", "EUR"));
        let bad = CampaignData {
            name: "".into(),
            segment_id: None,
            channel: "fax".into(),
            ends_on: "2026-02-01".into(),
            budget: -1,
            lead_source: "rumour".into(),
            ..data()
        };
        let Err(Error::Validation(errors)) = bad.validated(|s| s == "central_marketing") else { panic!() };
        let keys: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_ref(), e.key)).collect();
        assert_eq!(
            keys,
            [
                ("name", "campaign.name_required"),
                ("segment_id", "campaign.segment_required"),
                ("channel", "validation.choice"),
                ("ends_on", "campaign.ends_before_start"),
                ("budget", "validation.turnover"),
                ("lead_source", "validation.lead_source"),
            ]
        );
    }

    #[test]
    fn results_weigh_the_cost_against_leads_and_won_deals() {
        let responses = [("interested".to_string(), 3), ("not_now".to_string(), 2), ("wrong_contact".to_string(), 1)];
        let won = [("EUR".to_string(), 1, 9_000_000), ("PLN".to_string(), 1, 20_000_000)];
        let r = results(&data(), 40, &responses, 3, 2, &won);
        assert_eq!((r.targets, r.contacts, r.leads, r.deals, r.won_deals), (40, 6, 3, 2, 2));
        assert_eq!(r.responses[1], ("not_now".to_string(), 2));
        assert_eq!(r.responses[2], ("not_interested".to_string(), 0));
        assert_eq!((r.cost, r.cost_per_lead, r.cost_per_won_deal), (300_000, Some(100_000), Some(150_000)));
        assert_eq!(r.won[0], ("PLN".to_string(), 20_000_000));
        // What was spent replaces the budget; nothing to divide by gives no figure.
        let spent = CampaignData { spent: Some(450_000), ..data() };
        let r = results(&spent, 40, &[], 0, 0, &[]);
        assert_eq!((r.cost, r.budget, r.cost_per_lead, r.cost_per_won_deal), (450_000, 300_000, None, None));
    }
}
