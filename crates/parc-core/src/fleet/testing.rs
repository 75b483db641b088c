//! Fleet fixtures for tests.

use crate::fleet::FleetLineData;
use crate::Store;

pub fn vehicles(brand: &str, category: &str, n: i64, year: Option<i32>) -> FleetLineData {
    FleetLineData {
        brand: brand.into(),
        category: category.into(),
        vehicles: n,
        first_registered: year,
        ..Default::default()
    }
}

/// The office sells `brand` (a new office sells none until it says so).
pub fn we_sell(store: &mut Store, brand: &str) {
    let mut s = store.fleet_settings().unwrap();
    s.brands.iter_mut().find(|b| b.name == brand).unwrap().ours = true;
    store.save_fleet_settings(s).unwrap();
}
