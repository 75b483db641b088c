//! Fields the office adds to the customer card: the manager defines them in settings (text,
//! number, date or a choice list); every customer keeps its values beside its own fields.
//! Values are canonical text (numbers with a `.` decimal point, dates `YYYY-MM-DD`), so
//! they sort, search and export the same on every workstation.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ground::error::{Error, FieldError, Result};

/// The values of a customer's user-defined fields, by field id. Empty values are not kept.
pub type CustomValues = BTreeMap<i64, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Choice,
}

impl FieldKind {
    pub const ALL: [FieldKind; 4] = [FieldKind::Text, FieldKind::Number, FieldKind::Date, FieldKind::Choice];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::Choice => "choice",
        }
    }

    pub fn parse(s: &str) -> Option<FieldKind> {
        FieldKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A field's definition as the settings form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomFieldData {
    pub label: String,
    pub kind: FieldKind,
    /// The options of a choice field, in display order.
    #[serde(default)]
    pub choices: Vec<String>,
    /// A retired field leaves the card but keeps its values (still found by search).
    #[serde(default)]
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomField {
    pub id: i64,
    #[serde(flatten)]
    pub data: CustomFieldData,
    /// Order on the card.
    pub position: i64,
    pub version: i64,
}

const MAX_LABEL: usize = 60;
const MAX_CHOICES: usize = 100;
const MAX_VALUE: usize = 200;
/// More fields than anyone reads on a card; also bounds the search key.
pub const MAX_FIELDS: usize = 50;

impl CustomFieldData {
    pub fn validated(mut self) -> Result<CustomFieldData> {
        self.label = self.label.trim().to_string();
        for choice in &mut self.choices {
            *choice = choice.trim().to_string();
        }
        self.choices.retain(|c| !c.is_empty());
        if self.kind != FieldKind::Choice {
            self.choices.clear();
        }
        let mut errors = Vec::new();
        if self.label.is_empty() {
            errors.push(FieldError::new("label", "validation.name_required"));
        } else if self.label.chars().count() > MAX_LABEL {
            errors.push(FieldError::new("label", "validation.too_long"));
        }
        if self.label.chars().any(char::is_control) {
            errors.push(FieldError::new("label", "validation.control_chars"));
        }
        if self.kind == FieldKind::Choice {
            let mut seen = std::collections::HashSet::new();
            if self.choices.is_empty() {
                errors.push(FieldError::new("choices", "validation.choices_required"));
            } else if self.choices.len() > MAX_CHOICES
                || self.choices.iter().any(|c| c.chars().count() > MAX_VALUE || c.chars().any(char::is_control))
            {
                errors.push(FieldError::new("choices", "validation.too_long"));
            } else if !self.choices.iter().all(|c| seen.insert(c.to_lowercase())) {
                errors.push(FieldError::new("choices", "validation.choices_repeated"));
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// The form-field name of a user-defined field, as errors name it.
pub fn field_name(id: i64) -> String {
    format!("custom.{id}")
}

/// Checks and normalises the values a form sends against the office's definitions. A retired
/// field keeps its previous value whatever the form says (the card no longer shows it); a
/// choice no longer offered is accepted only when it is the value already stored.
pub fn validated_values(fields: &[CustomField], values: CustomValues, previous: &CustomValues) -> Result<CustomValues> {
    let mut out = CustomValues::new();
    let mut errors = Vec::new();
    for (id, value) in values {
        let Some(field) = fields.iter().find(|f| f.id == id) else {
            errors.push(FieldError::new(field_name(id), "validation.custom_unknown"));
            continue;
        };
        if field.data.retired {
            continue;
        }
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let checked = match field.data.kind {
            FieldKind::Text if value.chars().count() > MAX_VALUE => Err("validation.too_long"),
            FieldKind::Text if value.chars().any(char::is_control) => Err("validation.control_chars"),
            FieldKind::Text => Ok(value.to_string()),
            FieldKind::Number => canonical_number(value).ok_or("validation.number"),
            FieldKind::Date => NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|d| d.format("%Y-%m-%d").to_string())
                .map_err(|_| "validation.date"),
            FieldKind::Choice
                if field.data.choices.iter().any(|c| c == value) || previous.get(&id).is_some_and(|p| p == value) =>
            {
                Ok(value.to_string())
            }
            FieldKind::Choice => Err("validation.choice"),
        };
        match checked {
            Ok(v) => {
                out.insert(id, v);
            }
            Err(key) => errors.push(FieldError::new(field_name(id), key)),
        }
    }
    for field in fields.iter().filter(|f| f.data.retired) {
        if let Some(v) = previous.get(&field.id) {
            out.insert(field.id, v.clone());
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::Validation(errors))
    }
}

/// A customer's values by their fields' labels (retired fields too: their values are data),
/// for exports that a person or another program reads.
pub fn labelled(fields: &[CustomField], values: &CustomValues) -> BTreeMap<String, String> {
    values
        .iter()
        .map(|(id, v)| {
            let label = fields.iter().find(|f| f.id == *id).map_or_else(|| field_name(*id), |f| f.data.label.clone());
            (label, v.clone())
        })
        .collect()
}

/// `-12.50` → `-12.5`; `1e3`, `1,5` and anything but plain decimal notation → `None`.
fn canonical_number(s: &str) -> Option<String> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || int.len() + frac.len() > 18
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let body = if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") };
    Some(if neg && body != "0" { format!("-{body}") } else { body })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(id: i64, kind: FieldKind, choices: &[&str], retired: bool) -> CustomField {
        CustomField {
            id,
            data: CustomFieldData {
                label: format!("f{id}"),
                kind,
                choices: choices.iter().map(|c| c.to_string()).collect(),
                retired,
            },
            position: id,
            version: 1,
        }
    }

    fn values(pairs: &[(i64, &str)]) -> CustomValues {
        pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }

    #[test]
    fn numbers_are_stored_in_one_canonical_form() {
        assert_eq!(canonical_number("0012.500").as_deref(), Some("12.5"));
        assert_eq!(canonical_number("-0.0").as_deref(), Some("0"));
        assert_eq!(canonical_number(".5").as_deref(), Some("0.5"));
        assert_eq!(canonical_number("-7").as_deref(), Some("-7"));
        for bad in ["1,5", "1e3", "", "-", ".", "12a", "1.2.3", "--1"] {
            assert_eq!(canonical_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn values_are_checked_per_kind_and_every_problem_is_reported() {
        let fields = [
            field(1, FieldKind::Text, &[], false),
            field(2, FieldKind::Number, &[], false),
            field(3, FieldKind::Date, &[], false),
            field(4, FieldKind::Choice, &["Gold", "Silver"], false),
        ];
        let ok = validated_values(
            &fields,
            values(&[(1, " Mario "), (2, "3.50"), (3, "2026-02-28"), (4, "Gold")]),
            &CustomValues::new(),
        )
        .unwrap();
        assert_eq!(ok, values(&[(1, "Mario"), (2, "3.5"), (3, "2026-02-28"), (4, "Gold")]));

        let bad = validated_values(
            &fields,
            values(&[(2, "three"), (3, "2026-02-30"), (4, "Bronze"), (9, "x")]),
            &CustomValues::new(),
        );
        let Err(Error::Validation(errors)) = bad else { panic!("must fail") };
        let named: Vec<_> = errors.iter().map(|e| (e.field.as_ref(), e.key)).collect();
        assert_eq!(
            named,
            [
                ("custom.2", "validation.number"),
                ("custom.3", "validation.date"),
                ("custom.4", "validation.choice"),
                ("custom.9", "validation.custom_unknown"),
            ]
        );
    }

    #[test]
    fn retired_fields_and_withdrawn_choices_keep_what_was_stored() {
        let fields = [field(1, FieldKind::Text, &[], true), field(2, FieldKind::Choice, &["New"], false)];
        let previous = values(&[(1, "kept"), (2, "Old")]);
        let out = validated_values(&fields, values(&[(1, "overwritten"), (2, "Old")]), &previous).unwrap();
        assert_eq!(out, previous);
        // Emptying a field removes its value.
        let out = validated_values(&fields, values(&[(2, " ")]), &previous).unwrap();
        assert_eq!(out, values(&[(1, "kept")]));
    }

    #[test]
    fn definitions_need_a_label_and_distinct_choices() {
        let d = CustomFieldData { label: " ".into(), kind: FieldKind::Choice, choices: vec![], retired: false };
        let Err(Error::Validation(errors)) = d.validated() else { panic!("must fail") };
        assert_eq!(errors.len(), 2);
        let d = CustomFieldData {
            label: "Tier".into(),
            kind: FieldKind::Choice,
            choices: vec!["A".into(), " a ".into()],
            retired: false,
        };
        assert!(matches!(d.validated(), Err(Error::Validation(e)) if e[0].key == "validation.choices_repeated"));
        let d = CustomFieldData {
            label: "Size".into(),
            kind: FieldKind::Number,
            choices: vec!["x".into()],
            retired: false,
        };
        assert!(d.validated().unwrap().choices.is_empty());
    }
}
