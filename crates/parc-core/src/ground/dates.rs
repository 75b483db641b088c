//! Days and times as Parc stores and exchanges them: ISO 8601 text, local time, to the minute.

use chrono::NaiveDate;

/// Local date and time as the salesperson sees it, to the minute.
pub const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M";
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// The day of a stored day or timestamp, `YYYY-MM-DD…`. Read without a format parser: reports,
/// segments and plans call it once per customer or deal of the office.
pub fn day_of(stamp: &str) -> Option<NaiveDate> {
    let b = stamp.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number =
        |digits: &[u8]| digits.iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')));
    NaiveDate::from_ymd_opt(number(&b[0..4])? as i32, number(&b[5..7])?, number(&b[8..10])?)
}

/// A day as Parc stores it: `YYYY-MM-DD`.
pub fn day_text(d: chrono::NaiveDate) -> String {
    d.format(DATE_FORMAT).to_string()
}

/// The workstation's calendar day: what "this year" means when checking a fleet line.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_from_days_and_timestamps_only() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 28);
        assert_eq!(day_of("2026-02-28"), d);
        assert_eq!(day_of("2026-02-28T09:30"), d);
        assert_eq!(day_of("2026-02-28T09:30:00.123Z"), d);
        for bad in ["", "2026-02-30", "2026/02/28", "26-02-28", "2026-2-28", "2026-02-2", "+026-02-28"] {
            assert_eq!(day_of(bad), None, "{bad}");
        }
    }
}
