//! `share`: the market share (QM) among the customers' fleets, as JSON lines.

use parc_core::fleet::share::Share;

use crate::exit::Outcome;
use crate::output::print_line;
use crate::station::Station;

/// Prints the market share (QM) among the customers' fleets as JSON lines, each with its
/// "kind": "segment_year" (category, weight class and year of first registration; year
/// null when unknown), "segment", "year", "office", then "brand" (largest fleet first).
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_: Args, station: &Station) -> Outcome {
    let mut store = station.connect()?;
    let m = store.market_share()?;
    let mut rows = Vec::new();
    for seg in &m.segments {
        for y in &seg.years {
            rows.push(share_line("segment_year", Some((&seg.category, &seg.weight_class)), y.year, &y.share));
        }
        rows.push(share_line("segment", Some((&seg.category, &seg.weight_class)), None, &seg.total));
    }
    for y in &m.years {
        rows.push(share_line("year", None, y.year, &y.share));
    }
    rows.push(share_line("office", None, None, &m.total));
    for b in &m.brands {
        rows.push(serde_json::json!({
            "kind": "brand", "brand": b.brand, "ours": b.ours, "vehicles": b.vehicles,
            "tonnage_kg": b.tonnage_kg, "pct": b.pct,
        }));
    }
    for row in rows {
        if !print_line(&row) {
            break;
        }
    }
    Ok(())
}

/// One line of `share`: a segment (or the office) in a year (or all years).
fn share_line(kind: &str, segment: Option<(&String, &String)>, year: Option<i32>, s: &Share) -> serde_json::Value {
    let mut row = serde_json::json!({
        "kind": kind,
        "vehicles": s.vehicles,
        "ours": s.ours,
        "vehicle_pct": s.vehicle_pct,
        "weighed": s.weighed,
        "tonnage_kg": s.tonnage_kg,
        "ours_tonnage_kg": s.ours_tonnage_kg,
        "tonnage_pct": s.tonnage_pct,
    });
    if let Some((category, weight_class)) = segment {
        row["category"] = category.as_str().into();
        row["weight_class"] = weight_class.as_str().into();
    }
    if kind.ends_with("year") {
        row["year"] = year.into();
    }
    row
}
