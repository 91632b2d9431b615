//! Calendar dates as day numbers (days since 1970-01-01), so date rules are plain number comparisons.
//!
//! Accepted spellings: `2024-03-05`, `2024/3/5`, `2024.3.5`, `2024年3月5日`, `20240305`, and Excel serial
//! day numbers (from XLSX cells). Leap days count; no time zones are involved.

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The (year, month, day) of a day number.
pub fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// A checked date from parts: `None` for 2023-02-29 or month 13.
pub fn from_parts(y: i32, m: u32, d: u32) -> Option<i64> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1800..=2200).contains(&y) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Formats a day number as `YYYY-MM-DD`.
pub fn format(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
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
        for z in [-1000, 0, 19000, 20000, 30000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(format(days_from_civil(2025, 6, 30)), "2025-06-30");
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
