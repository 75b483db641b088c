//! A save refused as a [`Error::Conflict`]: someone else saved the record after the form was
//! opened. What each side changed, field by field, so the person keeps theirs or mine per
//! field and saves again against the version stored now: nothing lost, nothing overwritten
//! unseen.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::customer::person::PersonData;
use crate::customer::store::validated_customer;
use crate::customer::CustomerData;
use crate::fleet::FleetLineData;
use crate::funnel::deal::DealData;
use crate::ground::audit::{self, describe, FieldConflict};
use crate::ground::dates::today;
use crate::ground::error::{Error, Result};
use crate::Store;

/// What the conflict dialog shows, and what a resolution starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveConflict {
    /// One of [`crate::ground::audit`]'s kinds that a form saves: customer, person, fleet line, deal.
    pub entity: String,
    pub id: i64,
    /// The version stored now: the save that resolves the conflict names it.
    pub version: i64,
    /// The record's data as stored now, described as the trail describes it (the shape its
    /// save takes): a resolution is this with the fields the person keeps from the form.
    pub theirs: Value,
    /// Where the form and the record differ now, by field name.
    pub fields: Vec<FieldConflict>,
}

fn parse<T: DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|_| Error::invalid("data", "error.validation"))
}

impl Store {
    /// The conflict between the form's data `mine` (as its save sent it) and record `id` of
    /// `entity` as stored now, given the record as the form opened it (`base`, the record as
    /// it was read). `mine` is checked as its save would check it; invalid data is the same
    /// `Validation` error its save gives.
    pub fn save_conflict(&mut self, entity: &str, id: i64, base: Value, mine: Value) -> Result<SaveConflict> {
        let (version, theirs, base, mine) = match entity {
            audit::CUSTOMER => {
                let current = self.customer(id)?;
                let fields = self.custom_fields()?;
                let reasons = self.reason_settings()?;
                let (custom, source) = (&current.data.custom, &current.data.lead_source);
                let mine = validated_customer(&fields, &reasons, parse::<CustomerData>(mine)?, custom, source)?;
                (current.version, describe(&current.data), describe(&parse::<CustomerData>(base)?), describe(&mine))
            }
            audit::PERSON => {
                let current = self.person(id)?;
                let mine = parse::<PersonData>(mine)?.validated()?;
                (current.version, describe(&current.data), describe(&parse::<PersonData>(base)?), describe(&mine))
            }
            audit::FLEET_LINE => {
                let current = self.fleet_line(id)?;
                let (mine, _) = parse::<FleetLineData>(mine)?.validated(&self.fleet_settings()?, today())?;
                (current.version, describe(&current.data), describe(&parse::<FleetLineData>(base)?), describe(&mine))
            }
            audit::DEAL => {
                let current = self.deal(id)?;
                let mine = parse::<DealData>(mine)?.validated()?;
                (current.version, describe(&current.data), describe(&parse::<DealData>(base)?), describe(&mine))
            }
            _ => return Err(Error::invalid("entity", "validation.choice")),
        };
        let trail = self.changes(entity, id)?;
        let fields = audit::conflicts(&base, &theirs, &mine, &trail);
        Ok(SaveConflict { entity: entity.to_string(), id, version, theirs, fields })
    }
}
