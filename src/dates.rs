//! Calendar dates as day numbers (days since 1970-01-01), so date rules are plain number comparisons.
//!
//! Accepted spellings: `2024-03-05`, `2024/3/5`, `2024.3.5`, `2024年3月5日`, `20240305`, and Excel serial
//! day numbers (from XLSX cells). Leap days count; no time zones are involved.

use time::{Date, Month};

/// The Julian day number of 1970-01-01 (day number 0).
const EPOCH_JULIAN: i64 = 2_440_588;

/// A checked date from parts as a day number: `None` for 2023-02-29, month 13, or a year outside
/// 1800–2200 (no bureau record is dated there; such a cell is a typo).
pub fn from_parts(y: i32, m: u32, d: u32) -> Option<i64> {
    if !(1800..=2200).contains(&y) {
        return None;
    }
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    let date = Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()?;
    Some(i64::from(date.to_julian_day()) - EPOCH_JULIAN)
}

/// Days since 1970-01-01 of a valid date (tests and fixed dates in code; data goes through [`from_parts`]).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    from_parts(y, m, d).expect("a valid date between 1800 and 2200")
}

/// The (year, month, day) of a day number.
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let julian = i32::try_from(z + EPOCH_JULIAN).unwrap_or(0);
    let date = Date::from_julian_day(julian).unwrap_or(Date::MIN);
    (date.year(), u8::from(date.month()) as u32, date.day() as u32)
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The `years`-th anniversary of a day number: the same month and day `years` later, the years being
/// calendar years (a year spanning 29 February has 366 days). The anniversary of 29 February in a year
/// without one is 28 February, or 1 March with `feb29_to_mar1`.
pub fn anniversary(day: i64, years: i32, feb29_to_mar1: bool) -> i64 {
    let (y, m, d) = civil_from_days(day);
    match from_parts(y + years, m, d) {
        Some(x) => x,
        None if feb29_to_mar1 => days_from_civil(y + years, 3, 1),
        None => days_from_civil(y + years, 2, 28),
    }
}

/// Excel's serial day number (1900 date system) to a day number.
pub fn from_excel_serial(serial: f64) -> Option<i64> {
    if !serial.is_finite() || !(1.0..=120000.0).contains(&serial) {
        return None;
    }
    // Serial 25569 is 1970-01-01; Excel's fictitious 1900-02-29 only shifts serials below 61.
    Some(serial.floor() as i64 - 25569)
}

/// Parses the date spellings listed in the module doc. Returns `None` for anything ambiguous or invalid.
pub fn parse(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    // Drop a time part such as "2024-03-05 00:00:00" (common in exports).
    let t = t.split([' ', 'T']).next().unwrap_or(t);
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let y = t[..4].parse().ok()?;
        return from_parts(y, t[4..6].parse().ok()?, t[6..8].parse().ok()?);
    }
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    if parts.len() == 3 && parts[0].len() == 4 {
        let y = parts[0].parse().ok()?;
        return from_parts(y, parts[1].parse().ok()?, parts[2].parse().ok()?);
    }
    // A bare number in a date column is an Excel serial (a common result of copy/paste from XLSX).
    if parts.len() == 1 && t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let v: f64 = t.parse().ok()?;
        if (20000.0..80000.0).contains(&v) {
            return from_excel_serial(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_leap_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        // 2024 is a leap year: 2024-03-01 − 2024-02-28 = 2 days.
        assert_eq!(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
        for z in [-60000, -1000, 0, 19000, 20000, 30000, 84000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(format(days_from_civil(2025, 6, 30)), "2025-06-30");
    }

    #[test]
    fn anniversaries_count_leap_days() {
        // 2023-03-01 + 1 year = 2024-03-01: 366 days, as the year holds 2024-02-29.
        let d = days_from_civil(2023, 3, 1);
        assert_eq!(anniversary(d, 1, false) - d, 366);
        // 2024-02-29 + 1 year: 2025-02-28 (month end), or 2025-03-01; + 4 years: 2028-02-29.
        let leap = days_from_civil(2024, 2, 29);
        assert_eq!(format(anniversary(leap, 1, false)), "2025-02-28");
        assert_eq!(format(anniversary(leap, 1, true)), "2025-03-01");
        assert_eq!(format(anniversary(leap, 4, false)), "2028-02-29");
    }

    #[test]
    fn spellings() {
        let want = days_from_civil(2024, 3, 5);
        for s in ["2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305", "2024-03-05 00:00:00", "45356"] {
            assert_eq!(parse(s), Some(want), "{s}");
        }
        assert_eq!(parse("2023-02-29"), None);
        assert_eq!(parse("05/03/2024"), None, "day-first dates are ambiguous and refused");
        assert_eq!(parse("明年"), None);
    }
}
