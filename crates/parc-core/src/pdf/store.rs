//! What the printed documents need from the store: the office's letterhead (an office
//! setting), an offer's sheet (letterhead, customer block, signature), the check before
//! printing, and the day's visit pack. The drawing itself is `crate::pdf`'s.

use chrono::NaiveDate;

use crate::contact::HistoryFilter;
use crate::ground::dates::DATE_FORMAT;
use crate::ground::error::{Error, FieldError, Result};
use crate::ground::i18n::{self, Locale};
use crate::offer::{Offer, OfferQuery, OfferStatus, PriceItem};
use crate::office::User;
use crate::pdf::{
    self, CustomerBlock, CustomerSummary, Letterhead, OfferSheet, PrintProblem, Signature, SummaryAction,
    SummaryContact, SummaryPerson, SummaryVehicle, VisitPackEntry,
};
use crate::storage::Store;

const LETTERHEAD_KEY: &str = "offers.letterhead";

/// A logo larger than this is not a letterhead logo.
const MAX_LOGO: usize = 1024 * 1024;

fn validated(mut l: Letterhead) -> Result<Letterhead> {
    let mut errors = Vec::new();
    for text in [&mut l.company_name, &mut l.vat_id, &mut l.phone, &mut l.email, &mut l.web] {
        *text = text.trim().to_string();
    }
    l.address_lines = l.address_lines.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
    l.bank_details = l.bank_details.trim().to_string();
    if l.company_name.is_empty() {
        errors.push(FieldError::new("company_name", "validation.name_required"));
    }
    let single = [&l.company_name, &l.vat_id, &l.phone, &l.email, &l.web];
    if single.iter().any(|t| t.chars().count() > 200 || crate::ground::vat::has_control(t))
        || l.address_lines.len() > 4
        || l.address_lines.iter().any(|a| a.chars().count() > 200 || crate::ground::vat::has_control(a))
        || l.bank_details.chars().count() > 500
        || crate::ground::vat::has_control_in_lines(&l.bank_details)
    {
        errors.push(FieldError::new("company_name", "validation.too_long"));
    }
    if let Some(logo) = &l.logo_png {
        if logo.len() > MAX_LOGO || !logo.starts_with(b"\x89PNG\r\n\x1a\n") {
            errors.push(FieldError::new("logo_png", "validation.logo"));
        }
    }
    if errors.is_empty() {
        Ok(l)
    } else {
        Err(Error::Validation(errors))
    }
}

/// The customer as an offer addresses it.
fn customer_block(c: &crate::customer::CustomerData, contact_person: String) -> CustomerBlock {
    let city = [c.postal_code.as_str(), c.city.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    CustomerBlock {
        name: c.name.clone(),
        address_lines: [c.street.clone(), city, c.country.clone()].into_iter().filter(|s| !s.is_empty()).collect(),
        vat_id: c.vat_id.clone(),
        contact_person,
    }
}

impl Store {
    /// The office's letterhead (empty until the manager saves one).
    pub fn letterhead(&mut self) -> Result<Letterhead> {
        Ok(self.setting(LETTERHEAD_KEY)?.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
    }

    /// Saves the letterhead; only the sales manager may.
    pub fn save_letterhead(&mut self, by: Option<i64>, letterhead: Letterhead) -> Result<Letterhead> {
        self.require_manager(by)?;
        let letterhead = validated(letterhead)?;
        let old = self.setting(LETTERHEAD_KEY)?;
        self.set_setting(LETTERHEAD_KEY, old.as_deref(), &serde_json::to_string(&letterhead).expect("serialises"))?;
        Ok(letterhead)
    }

    /// Everything offer `id` prints, in `language` when given (else the offer's own).
    pub fn offer_sheet(&mut self, id: i64, language: Option<&str>) -> Result<OfferSheet> {
        let mut offer = self.offer(id)?;
        self.sheet_of(&mut offer, language)
    }

    fn sheet_of(&mut self, offer: &mut Offer, language: Option<&str>) -> Result<OfferSheet> {
        if let Some(lang) = language {
            offer.data.language = lang.trim().to_ascii_lowercase();
        }
        let customer = self.customer(offer.data.customer_id)?;
        let people = self.people(customer.id)?;
        let main =
            people.iter().find(|p| p.data.is_main && p.data.active).map(|p| p.data.name.clone()).unwrap_or_default();
        let locale = Locale::parse(&offer.data.language).unwrap_or(Locale::En);
        let signature = match offer.data.salesperson_id {
            Some(user) => {
                let u: Option<User> = self.users()?.into_iter().find(|u| u.id == user);
                u.map(|u| Signature {
                    title: i18n::tr(locale, &format!("role.{}", u.data.role.code())).to_string(),
                    name: u.data.name,
                    ..Signature::default()
                })
                .unwrap_or_default()
            }
            None => Signature::default(),
        };
        Ok(OfferSheet {
            offer: offer.clone(),
            letterhead: self.letterhead()?,
            customer: customer_block(&customer.data, main),
            signature,
        })
    }

    /// Offer `id` as a PDF (in `language` when given).
    pub fn offer_pdf(&mut self, id: i64, language: Option<&str>) -> Result<Vec<u8>> {
        pdf::offer_pdf(&self.offer_sheet(id, language)?)
    }

    /// What would print wrong in offer `id` (in `language` when given), as of `today`.
    pub fn offer_print_check(
        &mut self,
        id: i64,
        language: Option<&str>,
        today: NaiveDate,
    ) -> Result<Vec<PrintProblem>> {
        let sheet = self.offer_sheet(id, language)?;
        let mut items: Vec<PriceItem> = Vec::new();
        for item_id in sheet.offer.data.lines.iter().filter_map(|l| l.item_id) {
            if items.iter().any(|i| i.id == item_id) {
                continue;
            }
            match self.price_item(item_id) {
                Ok(item) => items.push(item),
                // An item deleted from the list: the line keeps its own text and price.
                Err(Error::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(pdf::check(&sheet, &items, &today.format(DATE_FORMAT).to_string()))
    }

    /// The customers `user_id` (everyone's for `None`) plans to visit on `day`, in visit order.
    fn visits_on(&mut self, user_id: Option<i64>, day: NaiveDate) -> Result<Vec<i64>> {
        let from = day.format(DATE_FORMAT).to_string();
        // Dues are `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`: "T~" sorts after every time of the day.
        let until = format!("{from}T~");
        let mut customers = Vec::new();
        for item in self.read(|x| crate::contact::rows::open_actions(x, user_id, &from, &until, 200))? {
            if item.next_kind == "visit" && !customers.contains(&item.customer_id) {
                customers.push(item.customer_id);
            }
        }
        Ok(customers)
    }

    /// A customer's one-page summary for a visit on `day`, in `locale`.
    pub fn customer_summary(&mut self, customer_id: i64, day: NaiveDate, locale: Locale) -> Result<CustomerSummary> {
        let customer = self.customer(customer_id)?;
        let users = self.users()?;
        let user_name =
            |id: Option<i64>| users.iter().find(|u| Some(u.id) == id).map(|u| u.data.name.clone()).unwrap_or_default();
        let people = self.people(customer_id)?;
        let fleet = self.fleet(customer_id)?;
        let history =
            self.contact_history(customer_id, &HistoryFilter { limit: Some(50), ..HistoryFilter::default() })?;
        let name_of = |id: i64| people.iter().find(|p| p.id == id).map(|p| p.data.name.clone()).unwrap_or_default();
        let main =
            people.iter().find(|p| p.data.is_main && p.data.active).map(|p| p.data.name.clone()).unwrap_or_default();
        let mut actions: Vec<SummaryAction> = history
            .iter()
            .filter(|c| c.next_done_at.is_none() && c.data.next_due.is_some())
            .map(|c| SummaryAction {
                due: c.data.next_due.clone().unwrap_or_default(),
                kind: c.data.next_kind.clone(),
                what: c.data.next_action.clone(),
                user: user_name(c.data.next_user_id),
            })
            .collect();
        actions.sort_by(|a, b| a.due.cmp(&b.due));
        Ok(CustomerSummary {
            language: locale.code().to_string(),
            day: day.format(DATE_FORMAT).to_string(),
            customer: customer_block(&customer.data, main),
            phone: customer.data.phone.clone(),
            email: customer.data.email.clone(),
            salesperson: user_name(customer.data.owner_id),
            people: people
                .iter()
                .filter(|p| p.data.active)
                .map(|p| SummaryPerson {
                    name: p.data.name.clone(),
                    position: p.data.position.clone(),
                    decision_role: p.data.decision_role.clone(),
                    phone: if p.data.mobile.is_empty() { p.data.phone.clone() } else { p.data.mobile.clone() },
                    email: p.data.email.clone(),
                    is_main: p.data.is_main,
                })
                .collect(),
            fleet: fleet
                .lines
                .iter()
                .map(|l| SummaryVehicle {
                    brand: l.data.brand.clone(),
                    model: l.data.model.clone(),
                    category: l.data.category.clone(),
                    vehicles: l.data.vehicles,
                    first_registered: l.data.first_registered,
                    plate: l.data.plate.clone(),
                    vin: l.data.vin.clone(),
                    renewal_due: l.data.renewal_due.clone().unwrap_or_default(),
                    ours: l.ours,
                })
                .collect(),
            contacts: history
                .iter()
                .take(8)
                .map(|c| SummaryContact {
                    happened_at: c.data.happened_at.clone(),
                    kind: c.data.kind.clone(),
                    user: user_name(c.data.user_id),
                    people: c
                        .data
                        .person_ids
                        .iter()
                        .map(|&id| name_of(id))
                        .filter(|n| !n.is_empty())
                        .collect::<Vec<_>>()
                        .join(", "),
                    agreed: c.data.agreed.clone(),
                })
                .collect(),
            actions,
        })
    }

    /// The visit pack of `day`: for each customer `user_id` plans to visit (everyone's for
    /// `None`), its open offers (draft or sent, newest revisions) and a one-page summary in
    /// `locale`, as one PDF. `None` when no visit is planned that day.
    pub fn visit_pack(&mut self, user_id: Option<i64>, day: NaiveDate, locale: Locale) -> Result<Option<Vec<u8>>> {
        let customers = self.visits_on(user_id, day)?;
        if customers.is_empty() {
            return Ok(None);
        }
        let mut entries = Vec::with_capacity(customers.len());
        for customer_id in customers {
            let mut offers = Vec::new();
            let query = OfferQuery { customer_id: Some(customer_id), limit: 20, ..OfferQuery::default() };
            for summary in self.offers(&query)? {
                if matches!(summary.status, OfferStatus::Draft | OfferStatus::Sent) {
                    let mut offer = self.offer(summary.id)?;
                    offers.push(self.sheet_of(&mut offer, None)?);
                }
            }
            entries.push(VisitPackEntry { offers, summary: self.customer_summary(customer_id, day, locale)? });
        }
        pdf::visit_pack(&entries).map(Some)
    }
}

#[cfg(test)]
mod tests;
