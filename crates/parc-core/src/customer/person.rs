//! People at a customer: who they are and what role they play in a purchase decision.

use serde::{Deserialize, Serialize};

use crate::ground::error::{Error, FieldError, Result};
use crate::ground::vat;

/// The role a person plays in the customer's buying decision (from the seeds' customer card).
pub const DECISION_ROLES: &[&str] =
    &["decision_maker", "technical_decision_maker", "user", "assistant", "receptionist", "other"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonData {
    pub name: String,
    pub position: String,
    pub title: String,
    /// One of [`DECISION_ROLES`], or empty when not known yet.
    pub decision_role: String,
    pub branch: String,
    pub phone: String,
    pub mobile: String,
    pub email: String,
    /// Private notes of the salespeople (never printed).
    pub notes: String,
    /// The person this one is the assistant of, at the same customer.
    pub assistant_of: Option<i64>,
    /// The main contact: the default person of a new contact. At most one per customer.
    pub is_main: bool,
    /// People who left the company stay in the history, marked inactive.
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub customer_id: i64,
    #[serde(flatten)]
    pub data: PersonData,
    pub version: i64,
}

impl PersonData {
    pub fn validated(mut self) -> Result<PersonData> {
        for v in [
            &mut self.name,
            &mut self.position,
            &mut self.title,
            &mut self.decision_role,
            &mut self.branch,
            &mut self.phone,
            &mut self.mobile,
            &mut self.email,
        ] {
            *v = v.trim().to_string();
        }
        self.notes = self.notes.trim_end().to_string();
        let mut errors = Vec::new();
        let mut err = |field, key| errors.push(FieldError::new(field, key));
        if self.name.is_empty() {
            err("name", "validation.person_name_required");
        }
        for (field, value) in
            [("name", &self.name), ("position", &self.position), ("title", &self.title), ("branch", &self.branch)]
        {
            if value.chars().count() > 200 {
                err(field, "validation.too_long");
            }
            if vat::has_control(value) {
                err(field, "validation.control_chars");
            }
        }
        if !self.decision_role.is_empty() && !DECISION_ROLES.contains(&self.decision_role.as_str()) {
            err("decision_role", "validation.choice");
        }
        for (field, value) in [("phone", &self.phone), ("mobile", &self.mobile)] {
            if !value.is_empty() && !vat::is_valid_phone(value) {
                err(field, "validation.phone");
            }
        }
        if !self.email.is_empty() && !vat::is_valid_email(&self.email) {
            err("email", "validation.email");
        }
        if self.notes.chars().count() > 20_000 {
            err("notes", "validation.too_long");
        }
        if vat::has_control_in_lines(&self.notes) {
            err("notes", "validation.control_chars");
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}
