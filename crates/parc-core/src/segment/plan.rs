//! Contact plans: how often the customers of each pyramid tier (optionally only those of a
//! segment) are to be contacted, and by which means: A customers a visit every month, B a call
//! every quarter, C a letter or e-mail twice a year. A customer is behind a plan when no
//! contact of its kind (any kind for "any") was logged in the plan's number of days up to
//! today; the owner sees such customers in the agenda, the manager each salesperson's share of
//! customers on plan. The office's plans are a versioned setting only the manager changes.

use serde::{Deserialize, Serialize};

use crate::contact::CONTACT_KINDS;
use crate::ground::error::{Error, FieldError, Result};

pub const PLANS_KEY: &str = "contact.plans";

/// One plan: customers of `tier` (and of `segment_id`'s segment when given) contacted by
/// `kind` at least every `every_days` days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPlan {
    pub tier: String,
    #[serde(default)]
    pub segment_id: Option<i64>,
    /// One of [`CONTACT_KINDS`], or "any".
    pub kind: String,
    pub every_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSettings {
    #[serde(default)]
    pub version: i64,
    pub plans: Vec<ContactPlan>,
}

impl Default for PlanSettings {
    /// The seeds' example: A a visit a month, B a call a quarter, C a letter twice a year.
    fn default() -> Self {
        let plan = |tier: &str, kind: &str, every_days| ContactPlan {
            tier: tier.into(),
            segment_id: None,
            kind: kind.into(),
            every_days,
        };
        PlanSettings {
            version: 0,
            plans: vec![plan("A", "visit", 30), plan("B", "phone", 90), plan("C", "letter", 182)],
        }
    }
}

impl PlanSettings {
    /// Checks every plan, naming the invalid ones `plans.<index>.<field>`.
    pub fn validated(self) -> Result<PlanSettings> {
        let mut errors = Vec::new();
        if self.plans.len() > 50 {
            errors.push(FieldError::new("plans", "validation.too_long"));
        }
        for (i, p) in self.plans.iter().enumerate() {
            if !matches!(p.tier.as_str(), "A" | "B" | "C") {
                errors.push(FieldError::new(format!("plans.{i}.tier"), "validation.choice"));
            }
            if p.kind != "any" && !CONTACT_KINDS.contains(&p.kind.as_str()) {
                errors.push(FieldError::new(format!("plans.{i}.kind"), "validation.choice"));
            }
            if !(1..=730).contains(&p.every_days) {
                errors.push(FieldError::new(format!("plans.{i}.every_days"), "plan.every_days"));
            }
            let same = |q: &ContactPlan| q.tier == p.tier && q.segment_id == p.segment_id && q.kind == p.kind;
            if self.plans[..i].iter().any(same) {
                errors.push(FieldError::new(format!("plans.{i}.kind"), "plan.duplicate"));
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// A customer behind one of its plans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehindPlan {
    pub customer_id: i64,
    pub name: String,
    pub city: String,
    pub owner_id: Option<i64>,
    pub tier: String,
    pub kind: String,
    pub every_days: i64,
    /// The last contact of the plan's kind, `YYYY-MM-DD`; `None`: never.
    pub last: Option<String>,
    /// When the plan wanted the next one (the last + the plan's days); `None`: at once.
    pub due: Option<String>,
}

/// One salesperson's customers under a plan, and how many are on it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Compliance {
    pub owner_id: Option<i64>,
    pub customers: i64,
    pub on_plan: i64,
    /// On plan ÷ customers, in percent with one decimal; `None` without customers.
    pub pct: Option<f64>,
}

/// Where the office stands against its plans.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanStatus {
    /// Customers behind, the longest overdue first (never contacted before all); the first
    /// ones asked for.
    pub behind: Vec<BehindPlan>,
    /// How many are behind.
    pub behind_total: usize,
    /// Per owner, by owner id (no owner first); a customer counts once, on plan only when on
    /// every plan that covers it.
    pub owners: Vec<Compliance>,
}

pub(crate) fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| ((part * 1000 + whole / 2) / whole) as f64 / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_checked_one_by_one() {
        assert!(PlanSettings::default().validated().is_ok());
        let mut s = PlanSettings::default();
        s.plans[0].tier = "D".into();
        s.plans[1].kind = "fax".into();
        s.plans[2].every_days = 0;
        s.plans.push(ContactPlan { tier: "C".into(), segment_id: None, kind: "letter".into(), every_days: 10 });
        let Err(Error::Validation(errors)) = s.validated() else { panic!() };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["plans.0.tier", "plans.1.kind", "plans.2.every_days", "plans.3.kind"]);
        assert_eq!(errors[3].key, "plan.duplicate");
    }

    #[test]
    fn compliance_is_a_rounded_percentage() {
        assert_eq!(pct(2, 3), Some(66.7));
        assert_eq!(pct(0, 0), None);
    }
}
