//! What an argument's text means, checked while parsing so a bad one is a usage error.

use parc_core::chrono::NaiveDate;
use parc_core::fleet::share::RadarSort;
use parc_core::host::demo;
use parc_core::report::ReportKind;

/// A report's kind by its code.
pub fn kind_arg(text: &str) -> Result<ReportKind, String> {
    ReportKind::parse(text).ok_or_else(|| {
        let kinds: Vec<&str> = ReportKind::ALL.iter().map(|k| k.code()).collect();
        format!("{text:?}: choose one of {}", kinds.join(", "))
    })
}

/// The renewal radar's order.
pub fn sort_arg(text: &str) -> Result<RadarSort, String> {
    match text {
        "competitors" => Ok(RadarSort::Competitors),
        "volume" => Ok(RadarSort::Volume),
        "date" => Ok(RadarSort::Date),
        _ => Err(format!("{text:?}: choose competitors, volume or date")),
    }
}

/// A day (`--today`, `--day`, `--as-of`): a real one, `YYYY-MM-DD`.
pub fn date_arg(text: &str) -> Result<NaiveDate, String> {
    demo::day_or_today(Some(text)).map_err(|_| format!("{text:?} is not a day (YYYY-MM-DD)"))
}

/// A period's first or last day (`--from`, `--to`), checked as [`date_arg`] and kept as text
/// for the queries, which take their period so.
pub fn day_arg(text: &str) -> Result<String, String> {
    date_arg(text).map(|d| d.to_string())
}

/// Today on this workstation's clock: what a day argument left out means.
pub fn today() -> NaiveDate {
    parc_core::chrono::Local::now().date_naive()
}
