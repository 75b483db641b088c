//! Offer fixtures for tests: price list items, offers and free lines.

use crate::offer::{OfferLine, PriceItemData};
use crate::storage::testing::day;
use crate::Store;

pub fn item(code: &str, price: i64, from: &str, to: &str) -> PriceItemData {
    PriceItemData {
        code: code.into(),
        kind: "model".into(),
        names: [("en".to_string(), format!("Tractor {code}")), ("pl".to_string(), format!("Ciągnik {code}"))].into(),
        descriptions: [("en".to_string(), "4x2, Euro 6e".to_string())].into(),
        price,
        currency: "EUR".into(),
        valid_from: from.into(),
        valid_to: to.into(),
        ..Default::default()
    }
}

pub fn offer_for(store: &mut Store, customer_id: i64, by: i64, lines: Vec<OfferLine>) -> crate::offer::OfferData {
    let mut data = store.new_offer(customer_id, None, day("2026-11-23"), Some(by)).unwrap();
    data.lines = lines;
    data
}

pub fn free_line(description: &str, quantity: i64, unit_price: i64) -> OfferLine {
    OfferLine { description: description.into(), quantity, unit_price, vat_bp: 2300, ..Default::default() }
}
