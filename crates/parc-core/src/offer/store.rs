//! The offers' part of [`Store`]: the office's offer defaults, the price list (edited and
//! imported), and offers through their life: a draft is edited freely; sending freezes it;
//! revising a sent offer makes the next revision (the sent one stays as it was); accepting
//! makes it an order; rejecting records why and who won, and can close the deal as lost.
//! Rules live here; `rows.rs` only reads and writes rows.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::customer::store::search::CustomerQuery;
use crate::funnel::deal::{MoveRequest, StageKind};
use crate::ground::audit;
use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, FieldError, Result};
use crate::offer::rows as offers;
use crate::offer::{
    format_number, language_for_country, Offer, OfferData, OfferLine, OfferQuery, OfferSettings, OfferStatus,
    OfferSummary, PriceItem, PriceItemData, PriceQuery,
};
use crate::storage::settings;
use crate::storage::trail;
use crate::storage::{now, Once, Store};

const SETTINGS_KEY: &str = "offers.settings";

/// An offer with what its page shows beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OfferView {
    pub offer: Offer,
    pub customer_name: String,
    /// Every revision of its number, oldest first.
    pub revisions: Vec<OfferSummary>,
}

/// How a sent offer ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfferDecision {
    /// `accepted`, `rejected` or `expired`.
    pub status: String,
    /// For a rejection: a lost reason of the office's list.
    pub reason: String,
    /// For a rejection: who won, when known.
    pub competitor: String,
    pub competitor_price: Option<i64>,
    /// Also move the offer's open deal: to won when accepted, to lost when rejected.
    pub close_deal: bool,
}

/// An offer as a whole, with how it ended: for loading offers made elsewhere (the demo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferRecord {
    pub data: OfferData,
    pub status: OfferStatus,
    pub outcome_reason: String,
    pub outcome_competitor: String,
    pub decided_on: Option<String>,
}

/// What an import of price list rows did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceImport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, DATE_FORMAT).ok()
}

impl Store {
    // --- office defaults ---

    pub fn offer_settings(&mut self) -> Result<OfferSettings> {
        Ok(self.setting(SETTINGS_KEY)?.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
    }

    /// Saves the offer defaults; only the sales manager may. `settings.version` is the one read.
    pub fn save_offer_settings(&mut self, by: Option<i64>, settings: OfferSettings) -> Result<OfferSettings> {
        self.require_manager(by)?;
        let settings = settings.validated()?;
        self.write(|x| {
            let text = settings::setting(x, SETTINGS_KEY)?;
            let current: OfferSettings = text.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default();
            if current.version != settings.version {
                return Err(Error::Conflict { entity: "setting", id: 0 });
            }
            let saved = OfferSettings { version: settings.version + 1, ..settings };
            settings::replace_setting(
                x,
                SETTINGS_KEY,
                text.as_deref(),
                &serde_json::to_string(&saved).expect("serialises"),
            )?;
            Ok(saved)
        })
    }

    // --- price list ---

    pub fn price_items(&mut self, query: &PriceQuery) -> Result<Vec<PriceItem>> {
        self.read(|x| offers::items(x, query))
    }

    pub fn price_item(&mut self, id: i64) -> Result<PriceItem> {
        self.read(|x| offers::item(x, id))
    }

    /// Adds (`id: None`) or saves a price list item; only the sales manager may change prices.
    pub fn save_price_item(
        &mut self,
        by: Option<i64>,
        id: Option<i64>,
        version: i64,
        data: PriceItemData,
        retired: bool,
    ) -> Result<PriceItem> {
        self.require_manager(by)?;
        let data = data.validated()?;
        let stamp = now();
        let id = self.write(|x| match id {
            None => offers::insert_item(x, &data, &stamp),
            Some(id) => offers::update_item(x, id, version, &data, retired, &stamp).map(|()| id),
        })?;
        self.price_item(id)
    }

    /// Adds or updates price list rows by code and first day, all in one transaction: every
    /// row is checked first, and one bad row changes nothing (the error names its row as
    /// `rows.<i>.<field>`). Importing the same rows twice changes nothing the second time.
    pub fn import_price_list(&mut self, by: Option<i64>, rows: Vec<PriceItemData>) -> Result<PriceImport> {
        self.require_manager(by)?;
        let mut errors = Vec::new();
        let mut valid = Vec::with_capacity(rows.len());
        let mut seen = std::collections::HashSet::new();
        for (i, row) in rows.into_iter().enumerate() {
            match row.validated() {
                Ok(row) => {
                    if !seen.insert((row.code.clone(), row.valid_from.clone())) {
                        errors.push(FieldError::new(format!("rows.{i}.code"), "validation.price_code_taken"));
                    }
                    valid.push(row);
                }
                Err(Error::Validation(fields)) => errors.extend(
                    fields.into_iter().map(|f| FieldError { field: format!("rows.{i}.{}", f.field).into(), ..f }),
                ),
                Err(e) => return Err(e),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let stamp = now();
        self.write(|x| {
            let mut done = PriceImport::default();
            for row in &valid {
                match offers::item_by_key(x, &row.code, &row.valid_from)? {
                    None => {
                        offers::insert_item(x, row, &stamp)?;
                        done.added += 1;
                    }
                    Some(old) if old.data == *row && !old.retired => done.unchanged += 1,
                    Some(old) => {
                        offers::update_item(x, old.id, old.version, row, false, &stamp)?;
                        done.updated += 1;
                    }
                }
            }
            Ok(done)
        })
    }

    /// Reads a price list file (the layout of [`crate::offer::PRICE_COLUMNS`]) and imports it.
    pub fn import_price_file(&mut self, by: Option<i64>, bytes: &[u8]) -> Result<PriceImport> {
        self.require_manager(by)?;
        let rows = crate::offer::price_list_from_csv(bytes)?;
        self.import_price_list(by, rows)
    }

    /// A line for `quantity` of price list item `item_id` in the offer's language, with the
    /// office's VAT rate.
    pub fn offer_line(&mut self, item_id: i64, language: &str, quantity: i64) -> Result<OfferLine> {
        let item = self.price_item(item_id)?;
        let vat = self.offer_settings()?.vat_bp;
        Ok(OfferLine::from_item(&item, language, quantity.max(1), vat))
    }

    // --- offers ---

    /// A new offer's data for a customer (and one of its deals), not yet saved: the language
    /// from the customer's country, the deal's or the customer's currency, today's date, the
    /// office's validity, terms and delivery time in that language, signed by `by`.
    pub fn new_offer(
        &mut self,
        customer_id: i64,
        deal_id: Option<i64>,
        today: NaiveDate,
        by: Option<i64>,
    ) -> Result<OfferData> {
        let customer = self.customer(customer_id)?;
        let settings = self.offer_settings()?;
        let deal = deal_id.map(|id| self.deal(id)).transpose()?;
        let language = language_for_country(&customer.data.country).to_string();
        let currency = match &deal {
            Some(d) => d.data.currency.clone(),
            None if !customer.data.turnover_currency.is_empty() => customer.data.turnover_currency.clone(),
            None => settings.currency.clone(),
        };
        let text = |t: &crate::offer::Texts| t.get(&language).cloned().unwrap_or_default();
        Ok(OfferData {
            customer_id,
            deal_id: deal.map(|d| d.id),
            payment_terms: text(&settings.payment_terms),
            delivery_time: text(&settings.delivery_time),
            language,
            currency,
            date: today.format(DATE_FORMAT).to_string(),
            valid_until: today
                .checked_add_days(Days::new(settings.validity_days.max(1) as u64))
                .unwrap_or(today)
                .format(DATE_FORMAT)
                .to_string(),
            salesperson_id: by,
            ..OfferData::default()
        })
    }

    /// Checks an offer's data together with the store: its deal belongs to its customer, its
    /// salesperson works here.
    fn checked_offer(&mut self, data: OfferData) -> Result<OfferData> {
        let data = data.validated()?;
        self.customer(data.customer_id)?;
        if let Some(deal_id) = data.deal_id {
            match self.deal(deal_id) {
                Ok(d) if d.customer_id == data.customer_id => {}
                Ok(_) | Err(Error::NotFound { .. }) => return Err(Error::invalid("deal_id", "validation.choice")),
                Err(e) => return Err(e),
            }
        }
        if let Some(user) = data.salesperson_id {
            if !self.users()?.iter().any(|u| u.id == user) {
                return Err(Error::invalid("salesperson_id", "validation.choice"));
            }
        }
        Ok(data)
    }

    /// Saves a new offer as a draft with the next number of the office's pattern.
    pub fn create_offer(&mut self, data: OfferData) -> Result<Offer> {
        let data = self.checked_offer(data)?;
        let settings = self.offer_settings()?;
        let year = day(&data.date).map_or(1970, |d| d.year());
        let (by, stamp) = (self.actor(), now());
        let id = self.write(|x| {
            let seq = offers::next_sequence(x, settings.sequence_year(year))?;
            let number = format_number(&settings.number_pattern, year, seq);
            if offers::offer_by_number(x, &number, None)?.is_some() {
                // A pattern changed to one that repeats old numbers.
                return Err(Error::invalid("number_pattern", "validation.number_taken"));
            }
            let id = offers::insert_offer(x, &number, 1, &data, by, &stamp)?;
            trail::record(x, audit::OFFER, id, by, None, &serde_json::Value::Null, &stamp)?;
            Ok(id)
        })?;
        self.offer(id)
    }

    /// The operation key [`Store::create_offer_once`] records `key` under: its own namespace,
    /// so a window's key never meets another operation's.
    pub fn offer_operation_key(key: &str) -> String {
        format!("offer-create:{}", key.trim())
    }

    /// [`Store::create_offer`] under the window's key for this new offer: a save sent twice
    /// (a double Ctrl+S, a retry after a lost answer) returns the offer the first one made
    /// instead of taking a second number. Says whether the offer was made now.
    pub fn create_offer_once(&mut self, key: &str, data: OfferData) -> Result<(Offer, bool)> {
        let key = key.trim();
        if key.is_empty() {
            return self.create_offer(data).map(|o| (o, true));
        }
        if key.chars().any(char::is_control) {
            return Err(Error::invalid("key", "validation.control_chars"));
        }
        if key.len() > 100 {
            return Err(Error::invalid("key", "validation.too_long"));
        }
        match self.once(&Store::offer_operation_key(key), |s| s.create_offer(data))? {
            Once::Now(offer) => Ok((offer, true)),
            Once::Before(op) => {
                let id = op.result.as_i64().ok_or_else(|| Error::Corrupt(format!("offer key {key}: {}", op.result)))?;
                Ok((self.offer(id)?, false))
            }
        }
    }

    /// Saves many offers in one transaction (all or none), each numbered by the office's
    /// pattern in the year of its date, made by its salesperson on its date. The data is
    /// validated; customers and deals are trusted to exist (the caller made them).
    pub fn create_offers_bulk(&mut self, rows: Vec<OfferRecord>) -> Result<Vec<i64>> {
        let rows =
            rows.into_iter().map(|r| Ok(OfferRecord { data: r.data.validated()?, ..r })).collect::<Result<Vec<_>>>()?;
        let settings = self.offer_settings()?;
        self.write(|x| {
            let mut ids = Vec::with_capacity(rows.len());
            for r in &rows {
                let year = day(&r.data.date).map_or(1970, |d| d.year());
                let seq = offers::next_sequence(x, settings.sequence_year(year))?;
                let number = format_number(&settings.number_pattern, year, seq);
                let stamp = format!("{}T09:00:00.000Z", r.data.date);
                let id = offers::insert_offer(x, &number, 1, &r.data, r.data.salesperson_id, &stamp)?;
                if r.status != OfferStatus::Draft {
                    let (reason, competitor) = (&r.outcome_reason, &r.outcome_competitor);
                    offers::set_status(x, id, 1, r.status, reason, competitor, r.decided_on.as_deref(), &stamp)?;
                }
                ids.push(id);
            }
            Ok(ids)
        })
    }

    /// Saves a draft's data if nobody saved it since `version`; a sent offer is never changed
    /// (revise it instead).
    pub fn update_offer(&mut self, id: i64, version: i64, data: OfferData) -> Result<Offer> {
        let data = self.checked_offer(data)?;
        let (by, stamp) = (self.actor(), now());
        self.write(|x| {
            let current = offers::offer_at(x, id, version)?;
            if current.status != OfferStatus::Draft {
                return Err(Error::OfferState { key: "error.offer_not_draft" });
            }
            if current.data.customer_id != data.customer_id {
                return Err(Error::invalid("customer_id", "validation.choice"));
            }
            offers::update_offer(x, id, version, &data, &stamp)?;
            let (before, after) = (audit::describe(&current.data), audit::describe(&data));
            trail::record(x, audit::OFFER, id, by, Some(&before), &after, &stamp)
        })?;
        self.offer(id)
    }

    pub fn offer(&mut self, id: i64) -> Result<Offer> {
        self.read(|x| offers::offer(x, id))
    }

    /// An offer by its number: the given revision, or the newest.
    pub fn offer_by_number(&mut self, number: &str, revision: Option<i64>) -> Result<Offer> {
        self.read(|x| offers::offer_by_number(x, number.trim(), revision))?
            .ok_or(Error::NotFound { entity: "offer", id: 0 })
    }

    pub fn offer_view(&mut self, id: i64) -> Result<OfferView> {
        let offer = self.offer(id)?;
        let customer_name = self.customer(offer.data.customer_id)?.data.name;
        let revisions = self.read(|x| offers::revisions(x, &offer.number))?;
        Ok(OfferView { offer, customer_name, revisions })
    }

    /// The newest revision of each offer matching `query`, newest first. Words match the
    /// number or, through the customer search, the customer.
    pub fn offers(&mut self, query: &OfferQuery) -> Result<Vec<OfferSummary>> {
        let named: Vec<i64> = if query.text.trim().is_empty() {
            Vec::new()
        } else {
            let q = CustomerQuery { text: query.text.clone(), limit: 200, ..CustomerQuery::default() };
            self.search_customers(&q)?.into_iter().map(|c| c.id).collect()
        };
        self.read(|x| offers::offers(x, query, &named))
    }

    /// Marks a draft as sent to the customer: from now on it is kept as it was sent.
    pub fn send_offer(&mut self, id: i64, version: i64) -> Result<Offer> {
        self.set_offer_status(id, version, &[OfferStatus::Draft], OfferStatus::Sent, "", "", None)
    }

    /// Starts the next revision of a sent (or rejected, or expired) offer as a draft with the
    /// same number, dated `today` with a fresh validity; the earlier revision stays unchanged.
    pub fn revise_offer(&mut self, id: i64, today: NaiveDate) -> Result<Offer> {
        let settings = self.offer_settings()?;
        let (by, stamp) = (self.actor(), now());
        let id = self.write(|x| {
            let old = offers::offer(x, id)?;
            let newest = offers::offer_by_number(x, &old.number, None)?.expect("the offer exists");
            if newest.id != old.id {
                // Only the newest revision is revised: the next one exists already.
                return Err(Error::Conflict { entity: "offer", id });
            }
            if old.status == OfferStatus::Draft || old.status == OfferStatus::Accepted {
                return Err(Error::OfferState { key: "error.offer_not_revisable" });
            }
            let mut data = old.data.clone();
            data.date = today.format(DATE_FORMAT).to_string();
            data.valid_until = today
                .checked_add_days(Days::new(settings.validity_days.max(1) as u64))
                .unwrap_or(today)
                .format(DATE_FORMAT)
                .to_string();
            let new = offers::insert_offer(x, &old.number, old.revision + 1, &data, by, &stamp)?;
            trail::record(x, audit::OFFER, new, by, None, &serde_json::Value::Null, &stamp)?;
            Ok(new)
        })?;
        self.offer(id)
    }

    /// Records how a sent offer ended: accepted (an order), rejected (a lost reason of the
    /// office's list, and who won) or expired. With `close_deal`, its open deal moves to won or
    /// lost in the same step.
    pub fn decide_offer(&mut self, id: i64, version: i64, decision: OfferDecision, today: NaiveDate) -> Result<Offer> {
        let status = OfferStatus::parse(&decision.status)
            .filter(|s| matches!(s, OfferStatus::Accepted | OfferStatus::Rejected | OfferStatus::Expired))
            .ok_or_else(|| Error::invalid("status", "validation.choice"))?;
        let competitor = decision.competitor.trim().to_string();
        let mut reason = String::new();
        if status == OfferStatus::Rejected {
            let reasons = self.reason_settings()?;
            if !reasons.lost.iter().any(|r| r.code == decision.reason && !r.retired) {
                return Err(Error::invalid("reason", "validation.reason_required"));
            }
            reason = decision.reason.clone();
            if competitor.chars().count() > 200 {
                return Err(Error::invalid("competitor", "validation.too_long"));
            }
        }
        let offer = self.offer(id)?;
        let today_text = today.format(DATE_FORMAT).to_string();
        let allowed: &[OfferStatus] = match status {
            // An offer that was never sent can still be recorded as accepted at the visit.
            OfferStatus::Accepted => &[OfferStatus::Sent, OfferStatus::Draft],
            _ => &[OfferStatus::Sent],
        };
        let competitor_text = if status == OfferStatus::Rejected { competitor.as_str() } else { "" };
        let decided =
            self.set_offer_status(id, version, allowed, status, &reason, competitor_text, Some(&today_text))?;
        if decision.close_deal {
            if let Some(deal_id) = offer.data.deal_id {
                self.close_deal_for(deal_id, &offer, status, &reason, &competitor, decision.competitor_price, today)?;
            }
        }
        Ok(decided)
    }

    /// Moves the offer's deal to won or lost, when it is still open.
    #[allow(clippy::too_many_arguments)]
    fn close_deal_for(
        &mut self,
        deal_id: i64,
        offer: &Offer,
        status: OfferStatus,
        reason: &str,
        competitor: &str,
        competitor_price: Option<i64>,
        today: NaiveDate,
    ) -> Result<()> {
        let deal = self.deal(deal_id)?;
        let process = self.stage_settings()?;
        let open = process.stage(deal.state.stage_id).is_some_and(|s| s.kind == StageKind::Open);
        let kind = match status {
            OfferStatus::Accepted => StageKind::Won,
            OfferStatus::Rejected => StageKind::Lost,
            _ => return Ok(()),
        };
        if !open {
            return Ok(());
        }
        let request = MoveRequest {
            to_stage_id: process.of_kind(kind).id,
            reason: reason.to_string(),
            note: offer.number.clone(),
            lost_to: competitor.to_string(),
            lost_price: competitor_price,
            lost_currency: if competitor_price.is_some() { offer.data.currency.clone() } else { String::new() },
            ..MoveRequest::default()
        };
        let by = self.actor();
        self.move_deal(deal_id, deal.version, request, by, today).map(|_| ())
    }

    #[allow(clippy::too_many_arguments)]
    fn set_offer_status(
        &mut self,
        id: i64,
        version: i64,
        from: &[OfferStatus],
        to: OfferStatus,
        reason: &str,
        competitor: &str,
        decided_on: Option<&str>,
    ) -> Result<Offer> {
        let (by, stamp) = (self.actor(), now());
        self.write(|x| {
            let current = offers::offer_at(x, id, version)?;
            if !from.contains(&current.status) {
                return Err(Error::OfferState { key: "error.offer_status" });
            }
            offers::set_status(x, id, version, to, reason, competitor, decided_on, &stamp)?;
            let describe = |status: OfferStatus, reason: &str, competitor: &str| serde_json::json!({ "status": status.as_str(), "outcome_reason": reason, "outcome_competitor": competitor });
            let before = describe(current.status, &current.outcome_reason, &current.outcome_competitor);
            trail::record(x, audit::OFFER, id, by, Some(&before), &describe(to, reason, competitor), &stamp)
        })?;
        self.offer(id)
    }

    /// Deletes a draft made by mistake. Sent offers are never deleted.
    pub fn discard_offer(&mut self, id: i64, version: i64) -> Result<()> {
        self.write(|x| {
            let current = offers::offer_at(x, id, version)?;
            if current.status != OfferStatus::Draft {
                return Err(Error::OfferState { key: "error.offer_not_draft" });
            }
            offers::delete_draft(x, id, version)
        })
    }
}

#[cfg(test)]
mod tests;
