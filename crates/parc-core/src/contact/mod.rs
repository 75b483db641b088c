//! The contact history of a customer (visits, calls, letters, e-mails), the next action each
//! contact leaves, and the agenda those actions make. A saved contact is never silently
//! edited: a correction keeps the previous version, who changed it and when.

pub(crate) mod rows;
mod store;
pub(crate) mod tallies;
#[cfg(test)]
pub(crate) mod testing;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::ground::dates::{DATETIME_FORMAT, DATE_FORMAT};
use crate::ground::error::{Error, FieldError, Result};
use crate::ground::vat;

pub const CONTACT_KINDS: &[&str] = &["visit", "phone", "letter", "email", "other"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactData {
    /// When it happened, local time, `YYYY-MM-DDTHH:MM`.
    pub happened_at: String,
    /// For the cost of selling.
    pub duration_min: i64,
    /// Who from our side.
    pub user_id: Option<i64>,
    /// One of [`CONTACT_KINDS`].
    pub kind: String,
    /// The people met or written to.
    pub person_ids: Vec<i64>,
    /// The deal and stage it concerned, once deals exist.
    pub deal_id: Option<i64>,
    pub stage: String,
    /// What was said and agreed.
    pub agreed: String,
    pub docs_received: Vec<String>,
    pub docs_sent: Vec<String>,
    /// The next action this contact leaves, if any: what, of which kind, when, by whom.
    pub next_action: String,
    pub next_kind: String,
    pub next_due: Option<String>,
    pub next_user_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    #[serde(flatten)]
    pub data: ContactData,
    /// When the next action was completed, and what came of it.
    pub next_done_at: Option<String>,
    pub next_outcome: String,
    pub created_at: String,
    pub created_by: Option<i64>,
    /// How many times it was corrected; the earlier versions are in [`ContactRevision`]s.
    pub revisions: i64,
    pub version: i64,
    /// Files kept with the contact (filled by the store where a screen shows them).
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A file kept with a contact (an offer received, a signed form), without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub contact_id: i64,
    pub name: String,
    pub size: i64,
    pub added_at: String,
    pub added_by: Option<i64>,
}

/// Larger files belong in a document system, not in every backup of the CRM.
pub const MAX_ATTACHMENT_BYTES: usize = 25 * 1024 * 1024;

/// The name a file is kept under: its last path component (a name is never a path), without
/// control characters, at most 200 characters, never empty or a dot-name like `..`.
pub fn attachment_name(name: &str) -> Result<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_string();
    if clean.is_empty() || clean.chars().all(|c| c == '.') {
        return Err(Error::invalid("attachment", "validation.attachment_name"));
    }
    Ok(clean.chars().take(200).collect())
}

/// Checks a file before it is stored.
pub fn check_attachment(data: &[u8]) -> Result<()> {
    if data.is_empty() {
        return Err(Error::invalid("attachment", "validation.attachment_empty"));
    }
    if data.len() > MAX_ATTACHMENT_BYTES {
        return Err(Error::invalid("attachment", "validation.attachment_too_big"));
    }
    Ok(())
}

/// A contact as it was before a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRevision {
    pub revised_at: String,
    pub revised_by: Option<i64>,
    pub previous: ContactData,
}

/// Which contacts a timeline shows.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HistoryFilter {
    pub kind: Option<String>,
    pub person_id: Option<i64>,
    /// Only the contacts about this deal.
    pub deal_id: Option<i64>,
    /// Page size (default 50) and how many newer ones to skip.
    pub limit: Option<u32>,
    pub offset: u32,
}

/// An open next action, with the customer it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub contact_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub next_action: String,
    pub next_kind: String,
    pub next_due: String,
    pub next_user_id: Option<i64>,
}

/// Something sent to a customer regularly (a price list every quarter, a newsletter).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MaterialData {
    pub name: String,
    /// Sent every so many days.
    pub every_days: i64,
    /// When it was last sent, `YYYY-MM-DD`; `None` if never.
    pub last_sent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub id: i64,
    pub customer_id: i64,
    #[serde(flatten)]
    pub data: MaterialData,
    pub version: i64,
}

/// A material due to be sent (never sent, or its period has run out), for the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialDue {
    pub material_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub name: String,
    pub last_sent: Option<String>,
    /// The day it is due, `YYYY-MM-DD`; `None` if never sent (due now).
    pub due: Option<String>,
}

impl MaterialData {
    /// The day it is next due (`last_sent` + `every_days`), or "" when never sent: stored
    /// beside the row, so "never sent" sorts first and the agenda reads an index.
    pub fn due(&self) -> String {
        let sent = self.last_sent.as_deref().and_then(|d| NaiveDate::parse_from_str(d, DATE_FORMAT).ok());
        match sent {
            Some(day) => (day + chrono::Days::new(self.every_days.max(0) as u64)).format(DATE_FORMAT).to_string(),
            None => String::new(),
        }
    }

    pub fn validated(mut self) -> Result<MaterialData> {
        self.name = self.name.trim().to_string();
        let sent = self.last_sent.as_deref().map(|d| NaiveDate::parse_from_str(d.trim(), DATE_FORMAT));
        if let Some(Ok(day)) = sent {
            self.last_sent = Some(day.format(DATE_FORMAT).to_string());
        }
        let mut errors = Vec::new();
        if self.name.is_empty() {
            errors.push(FieldError::new("name", "validation.material_name_required"));
        }
        if self.name.chars().count() > 200 {
            errors.push(FieldError::new("name", "validation.too_long"));
        }
        if vat::has_control(&self.name) {
            errors.push(FieldError::new("name", "validation.control_chars"));
        }
        if !(1..=3650).contains(&self.every_days) {
            errors.push(FieldError::new("every_days", "validation.every_days"));
        }
        if let Some(Err(_)) = sent {
            errors.push(FieldError::new("last_sent", "validation.date"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// A person's open actions, as of a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Agenda {
    pub overdue: Vec<AgendaItem>,
    pub today: Vec<AgendaItem>,
    /// Due in the next seven days.
    pub upcoming: Vec<AgendaItem>,
    /// Planned visits from today on (a subset of the above, for the visit plan).
    pub visits: Vec<AgendaItem>,
    /// Materials due to be sent within the week.
    pub materials: Vec<MaterialDue>,
    /// Vehicle inspections due within the month (or missed lately): service reminders.
    pub service: Vec<crate::fleet::ServiceDue>,
    /// Postponed deals to come back to within the week (overdue ones first).
    pub revisits: Vec<crate::funnel::deal::Revisit>,
}

impl Agenda {
    /// Sorts open actions (ordered by due date) into the agenda's buckets.
    pub fn from_items(items: Vec<AgendaItem>, today: NaiveDate) -> Agenda {
        let today_s = today.format(DATE_FORMAT).to_string();
        let week_s = (today + chrono::Days::new(7)).format(DATE_FORMAT).to_string();
        let mut agenda = Agenda::default();
        for item in items {
            if item.next_kind == "visit" && item.next_due >= today_s {
                agenda.visits.push(item.clone());
            }
            if item.next_due < today_s {
                agenda.overdue.push(item);
            } else if item.next_due == today_s {
                agenda.today.push(item);
            } else if item.next_due <= week_s {
                agenda.upcoming.push(item);
            }
        }
        agenda
    }
}

/// A customer nobody is working on: no open next action and no contact for a while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColdCustomer {
    pub customer_id: i64,
    pub name: String,
    pub city: String,
    /// The last contact, if there ever was one.
    pub last_contact_at: Option<String>,
}

impl ContactData {
    pub fn validated(mut self) -> Result<ContactData> {
        self.agreed = self.agreed.trim_end().to_string();
        self.next_action = self.next_action.trim().to_string();
        self.stage = self.stage.trim().to_string();
        for docs in [&mut self.docs_received, &mut self.docs_sent] {
            *docs = docs.iter().map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect();
        }
        self.person_ids.sort_unstable();
        self.person_ids.dedup();
        if self.next_kind.is_empty() && !self.next_action.is_empty() {
            self.next_kind = "phone".into();
        }
        // Dates are compared as text in both stores, so they are stored in one canonical form
        // whatever the caller sent ("2026-1-5T9:05" becomes "2026-01-05T09:05").
        let happened = NaiveDateTime::parse_from_str(self.happened_at.trim(), DATETIME_FORMAT);
        if let Ok(at) = happened {
            self.happened_at = at.format(DATETIME_FORMAT).to_string();
        }
        let due = self.next_due.as_deref().map(|d| NaiveDate::parse_from_str(d.trim(), DATE_FORMAT));
        if let Some(Ok(day)) = due {
            self.next_due = Some(day.format(DATE_FORMAT).to_string());
        }
        let mut errors = Vec::new();
        let mut err = |field, key| errors.push(FieldError::new(field, key));
        if happened.is_err() {
            err("happened_at", "validation.datetime");
        }
        if !(0..=24 * 60).contains(&self.duration_min) {
            err("duration_min", "validation.duration");
        }
        if !CONTACT_KINDS.contains(&self.kind.as_str()) {
            err("kind", "validation.choice");
        }
        if self.agreed.chars().count() > 20_000 {
            err("agreed", "validation.too_long");
        }
        if self.docs_received.iter().chain(&self.docs_sent).any(|d| d.chars().count() > 200) {
            err("docs", "validation.too_long");
        }
        if self.next_action.chars().count() > 500 {
            err("next_action", "validation.too_long");
        }
        if vat::has_control_in_lines(&self.agreed) {
            err("agreed", "validation.control_chars");
        }
        if vat::has_control(&self.next_action) || vat::has_control(&self.stage) {
            err("next_action", "validation.control_chars");
        }
        if self.docs_received.iter().chain(&self.docs_sent).any(|d| vat::has_control(d)) {
            err("docs", "validation.control_chars");
        }
        match (&self.next_due, due) {
            (Some(_), Some(Err(_))) => err("next_due", "validation.date"),
            (Some(_), _) if self.next_action.is_empty() => err("next_action", "validation.next_action_required"),
            (None, _) if !self.next_action.is_empty() => err("next_due", "validation.next_due_required"),
            _ => {}
        }
        if !self.next_kind.is_empty() && !CONTACT_KINDS.contains(&self.next_kind.as_str()) {
            err("next_kind", "validation.choice");
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }

    /// True when the contact leaves an action to do.
    pub fn has_next_action(&self) -> bool {
        self.next_due.is_some()
    }
}

/// How long a missed inspection stays in the agenda's service reminders.
pub const SERVICE_OVERDUE_DAYS: u64 = 90;

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> ContactData {
        ContactData { happened_at: "2026-11-23T10:15".into(), kind: "phone".into(), ..Default::default() }
    }

    #[test]
    fn a_next_action_needs_a_due_date_and_the_other_way_round() {
        let mut c = call();
        c.next_action = "Send the offer".into();
        assert!(matches!(c.clone().validated(), Err(Error::Validation(e)) if e[0].field == "next_due"));
        c.next_due = Some("2026-11-26".into());
        let ok = c.validated().unwrap();
        assert_eq!(ok.next_kind, "phone", "a next action is a call unless said otherwise");
        let mut c = call();
        c.next_due = Some("2026-11-26".into());
        assert!(c.validated().is_err());
    }

    #[test]
    fn dates_are_stored_in_one_canonical_form() {
        let c = ContactData {
            happened_at: " 2026-1-5T9:05".into(),
            next_action: "Call".into(),
            next_due: Some("2026-2-3".into()),
            ..call()
        };
        let c = c.validated().unwrap();
        assert_eq!((c.happened_at.as_str(), c.next_due.as_deref()), ("2026-01-05T09:05", Some("2026-02-03")));
    }

    #[test]
    fn rejects_bad_dates_kinds_and_durations() {
        let c = ContactData {
            happened_at: "23/11/2026".into(),
            kind: "fax".into(),
            duration_min: -5,
            ..Default::default()
        };
        let Err(Error::Validation(e)) = c.validated() else { panic!() };
        let fields: Vec<_> = e.iter().map(|f| f.field.as_ref()).collect();
        assert_eq!(fields, ["happened_at", "duration_min", "kind"]);
    }

    #[test]
    fn the_agenda_sorts_actions_into_overdue_today_and_the_next_seven_days() {
        let item = |due: &str, kind: &str| AgendaItem {
            contact_id: 1,
            customer_id: 1,
            customer_name: "X".into(),
            next_action: "a".into(),
            next_kind: kind.into(),
            next_due: due.into(),
            next_user_id: None,
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let items = vec![
            item("2026-11-20", "phone"),
            item("2026-11-23", "visit"),
            item("2026-11-30", "phone"),
            item("2026-12-01", "visit"),
        ];
        let a = Agenda::from_items(items, today);
        assert_eq!((a.overdue.len(), a.today.len(), a.upcoming.len()), (1, 1, 1));
        assert_eq!(a.visits.len(), 2, "planned visits go beyond the week");
    }
}
