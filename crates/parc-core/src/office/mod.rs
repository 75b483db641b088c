//! The office itself: the people who use Parc (salespeople, their assistants, the sales manager
//! and the dealership's director) with their roles, and the office's own lists ([`reasons`]:
//! why deals are lost or postponed, where leads come from). No passwords: the database is the
//! office's, and a workstation remembers who sits at it.

pub mod reasons;
pub(crate) mod store;
#[cfg(test)]
pub(crate) mod testing;

use serde::{Deserialize, Serialize};

use crate::ground::error::{Error, FieldError, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserRole {
    #[default]
    Salesperson,
    Assistant,
    Manager,
    /// Reads the market, the pyramid and the year against last year first; has the sales
    /// manager's rights over the office's settings.
    Director,
}

impl UserRole {
    pub const ALL: [UserRole; 4] = [UserRole::Salesperson, UserRole::Assistant, UserRole::Manager, UserRole::Director];

    /// Whether this role may change what the whole office shares (settings, plans, price list).
    pub fn manages(self) -> bool {
        matches!(self, UserRole::Manager | UserRole::Director)
    }

    pub fn code(self) -> &'static str {
        match self {
            UserRole::Salesperson => "salesperson",
            UserRole::Assistant => "assistant",
            UserRole::Manager => "manager",
            UserRole::Director => "director",
        }
    }

    pub fn parse(code: &str) -> Option<UserRole> {
        UserRole::ALL.into_iter().find(|r| r.code() == code)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserData {
    pub name: String,
    /// Two or three letters shown in lists and timelines; made from the name when left empty.
    pub initials: String,
    pub role: UserRole,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    #[serde(flatten)]
    pub data: UserData,
    pub version: i64,
}

impl UserData {
    pub fn validated(mut self) -> Result<UserData> {
        self.name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        self.initials = self.initials.trim().to_uppercase();
        if self.initials.is_empty() {
            self.initials = self
                .name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .take(3)
                .flat_map(char::to_uppercase)
                .collect();
        }
        let mut errors = Vec::new();
        if self.name.is_empty() {
            errors.push(FieldError::new("name", "validation.name_required"));
        }
        if self.name.chars().count() > 100 {
            errors.push(FieldError::new("name", "validation.too_long"));
        }
        if self.initials.chars().count() > 4 {
            errors.push(FieldError::new("initials", "validation.initials"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_come_from_the_name_when_empty() {
        let u = UserData { name: " Anna  Kowalska ".into(), active: true, ..Default::default() }.validated().unwrap();
        assert_eq!((u.name.as_str(), u.initials.as_str()), ("Anna Kowalska", "AK"));
        let u = UserData { name: "Łukasz Żak".into(), ..Default::default() }.validated().unwrap();
        assert_eq!(u.initials, "ŁŻ");
        assert!(UserData { name: "".into(), ..Default::default() }.validated().is_err());
        assert!(UserData { name: "X".into(), initials: "ABCDE".into(), ..Default::default() }.validated().is_err());
    }
}
