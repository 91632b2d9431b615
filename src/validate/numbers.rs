//! Reading numbers from bureau cells: what can be read unambiguously is read, the rest is refused with a
//! reason. Full-width digits (１２３), thousands separators (1,234.5), a unit that matches the column
//! (12亩, 3.5万元) and scientific notation are read; percentages, other units, NaN/inf, text and
//! implausibly large values are refused.

/// A unit a column accepts inside cells, with its factor to the column's canonical unit.
pub type Unit = (&'static str, f64);

pub const MU_PER_M2: f64 = 15.0 / 10000.0;
pub const AREA_UNITS: &[Unit] =
    &[("亩", 1.0), ("平方米", MU_PER_M2), ("㎡", MU_PER_M2), ("m2", MU_PER_M2), ("m²", MU_PER_M2), ("公顷", 15.0)];
pub const MONEY_UNITS: &[Unit] = &[("万元", 1.0)];
pub const ENERGY_UNITS: &[Unit] = &[("吨标准煤", 1.0), ("吨标煤", 1.0), ("tce", 1.0)];
pub const PEOPLE_UNITS: &[Unit] = &[("人", 1.0)];
pub const POWER_UNITS: &[Unit] = &[("万千瓦时", 1.0), ("万kwh", 1.0)];
pub const FLOOR_UNITS: &[Unit] = &[("平方米", 1.0), ("㎡", 1.0), ("m2", 1.0)];
pub const NO_UNITS: &[Unit] = &[];

/// The largest magnitude accepted; a province's annual totals in 万元 stay far below it.
pub const MAX_ABS: f64 = 1e13;
/// The smallest non-zero magnitude accepted (0.01 元 in 万元, 0.0007 m² in 亩): smaller values are typing or
/// unit errors, and dividing by them could overflow to infinity (1e-320 is a valid binary64).
pub const MIN_ABS: f64 = 1e-6;

fn to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' | '。' => '.',
        '，' => ',',
        '－' | '−' => '-',
        '＋' => '+',
        '　' => ' ',
        _ => c,
    }
}

/// A cell that means "no value": empty, or the dashes statistical tables use for "none".
pub fn is_blank(text: &str) -> bool {
    matches!(text.trim(), "" | "-" | "—" | "--" | "——" | "/")
}

/// Parses a number cell. `Ok(None)` for a blank cell; `Ok(Some((value, factor)))` where `factor` is the
/// unit factor found in the cell (1.0 if none); `Err(reason)` otherwise.
pub fn parse_with_unit(text: &str, units: &[Unit]) -> Result<Option<(f64, Option<f64>)>, String> {
    // Most cells of a machine export are plain decimals (-12.34): read them without the work below.
    if let Some(v) = plain_decimal(text.as_bytes()) {
        return in_range(v, text).map(|v| Some((v, None)));
    }
    if is_blank(text) {
        return Ok(None);
    }
    let mut t: String = text.trim().chars().map(to_ascii).collect();
    t = t.trim().to_string();
    let mut factor = None;
    let lower = t.to_lowercase();
    for (u, f) in units {
        if lower.ends_with(&u.to_lowercase()) {
            t.truncate(t.len() - u.len());
            t = t.trim().to_string();
            factor = Some(*f);
            break;
        }
    }
    if t.ends_with('%') {
        return Err(format!("'{}' is a percentage; this column takes a plain number", text.trim()));
    }
    if t.contains(',') {
        let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
        let groups: Vec<&str> = int.trim_start_matches(['-', '+']).split(',').collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
            && frac.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            return Err(format!("'{}' has commas that are not thousands separators", text.trim()));
        }
        t = t.replace(',', "");
    }
    let plain = t.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !plain || t.is_empty() {
        // A number followed by a unit this column does not take (35000元 in a 万元 column) says so.
        let num_end = t.find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))).unwrap_or(t.len());
        let unit = t[num_end..].trim();
        if num_end > 0
            && t[..num_end].parse::<f64>().is_ok()
            && !unit.is_empty()
            && !unit.contains(|c: char| c.is_ascii_digit())
        {
            let accepted: Vec<&str> = units.iter().map(|(u, _)| *u).collect();
            let hint = if accepted.is_empty() {
                "a plain number".to_string()
            } else {
                format!("a plain number or {}", accepted.join(", "))
            };
            return Err(format!(
                "'{}' is not a number: unit '{unit}' is not accepted here (write {hint})",
                text.trim()
            ));
        }
        return Err(format!("'{}' is not a number", text.trim()));
    }
    let v: f64 = t.parse().map_err(|_| format!("'{}' is not a number", text.trim()))?;
    Ok(Some((in_range(v, text)?, factor)))
}

/// `-`? digits (`.` digits)?, nothing else: a decimal any reader agrees on.
/// The value of a plain decimal (`-12.34`: an optional minus, digits, optionally a point and digits), or
/// `None` for any other spelling. With at most 15 significant digits and 22 decimals the digits as an
/// integer and the power of ten are exact binary64 numbers, and one IEEE division rounds their quotient
/// correctly: the result is bit for bit what `str::parse` gives (tested), read in one pass over the bytes.
/// Longer spellings are given to `str::parse`.
fn plain_decimal(b: &[u8]) -> Option<f64> {
    let (negative, digits) = match b.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, b),
    };
    let mut mantissa: u64 = 0;
    let (mut int_digits, mut frac_digits, mut point) = (0usize, 0usize, false);
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                // Saturates past 19 digits; such spellings go to `str::parse` below.
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                if point {
                    frac_digits += 1;
                } else {
                    int_digits += 1;
                }
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if int_digits == 0 || (point && frac_digits == 0) {
        return None;
    }
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    let v = if int_digits + frac_digits <= 15 && frac_digits < POW10.len() {
        mantissa as f64 / POW10[frac_digits]
    } else {
        // Valid by the scan above.
        std::str::from_utf8(digits).ok()?.parse::<f64>().ok()?
    };
    Some(if negative { -v } else { v })
}

/// The value if its magnitude is plausible for an amount, else why not.
pub fn in_range(v: f64, text: &str) -> Result<f64, String> {
    if !v.is_finite() || v.abs() > MAX_ABS {
        return Err(format!("'{}' is out of range (more than {:e} in magnitude)", text.trim(), MAX_ABS));
    }
    if v != 0.0 && v.abs() < MIN_ABS {
        return Err(format!(
            "'{}' is too small to be a real amount (below {:e} in magnitude); check the unit",
            text.trim(),
            MIN_ABS
        ));
    }
    Ok(v)
}

/// Parses a number cell and applies a unit found in the cell.
pub fn parse(text: &str, units: &[Unit]) -> Result<Option<f64>, String> {
    Ok(parse_with_unit(text, units)?.map(|(v, f)| v * f.unwrap_or(1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_spellings() {
        assert_eq!(parse("1,234.5", NO_UNITS), Ok(Some(1234.5)));
        assert_eq!(parse("１２３", NO_UNITS), Ok(Some(123.0)));
        assert_eq!(parse("3.5万元", MONEY_UNITS), Ok(Some(3.5)));
        assert_eq!(parse("12亩", AREA_UNITS), Ok(Some(12.0)));
        // 12000 m² × 15 / 10000 = 18 亩.
        assert_eq!(parse("12000平方米", AREA_UNITS), Ok(Some(18.0)));
        assert_eq!(parse("1.5e3", NO_UNITS), Ok(Some(1500.0)));
        assert_eq!(parse("-24", NO_UNITS), Ok(Some(-24.0)));
        assert_eq!(parse(" - ", NO_UNITS), Ok(None));
        assert_eq!(parse("", NO_UNITS), Ok(None));
    }

    #[test]
    fn plain_decimals_take_the_short_path_with_the_same_result() {
        for (text, want) in [("12.5", Some(12.5)), ("-0.01", Some(-0.01)), ("0", Some(0.0)), ("007", Some(7.0))] {
            assert_eq!(parse(text, MONEY_UNITS), Ok(want), "{text}");
        }
        for text in ["1.", ".5", "-", "1.2.3", "1e3", " 1", "１", "--1", "1-", ""] {
            assert_eq!(plain_decimal(text.as_bytes()), None, "{text}");
        }
        assert!(parse("99999999999999", NO_UNITS).unwrap_err().contains("out of range"));
        assert!(parse("0.0000001", NO_UNITS).unwrap_err().contains("too small"));
    }

    #[test]
    fn plain_decimals_read_bit_for_bit_as_str_parse() {
        // Spellings from 1 to 22 digits, 0 to 21 of them decimals, with and without a minus, from a fixed
        // pseudo-random sequence: each must give the bits `str::parse` gives (the short path below 16
        // significant digits, `str::parse` itself beyond).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 1 + (x % 22) as usize;
            let frac = ((x >> 8) % len as u64) as usize;
            let mut t = String::new();
            if x & (1 << 40) != 0 {
                t.push('-');
            }
            let mut y = x;
            for k in 0..len {
                if k == len - frac && frac > 0 {
                    t.push('.');
                }
                t.push(char::from(b'0' + (y % 10) as u8));
                y = (y / 10) ^ (y << 29);
            }
            let want: f64 = t.parse().unwrap();
            let got = plain_decimal(t.as_bytes()).unwrap();
            assert_eq!(got.to_bits(), want.to_bits(), "{t}");
        }
        // Edge spellings: zeros, the largest 15-digit mantissa, the first spellings past the short path.
        for t in [
            "0",
            "-0",
            "0.0",
            "-0.000",
            "000123.4500",
            "999999999999999",
            "99999999999999.9",
            "9999999999999999",
            "0.1234567890123456789012",
        ] {
            assert_eq!(plain_decimal(t.as_bytes()).unwrap().to_bits(), t.parse::<f64>().unwrap().to_bits(), "{t}");
        }
    }

    #[test]
    fn refused_spellings_say_why() {
        assert!(parse("约300", MONEY_UNITS).unwrap_err().contains("not a number"));
        assert!(parse("n/a", NO_UNITS).unwrap_err().contains("not a number"));
        assert!(parse("NaN", NO_UNITS).unwrap_err().contains("not a number"));
        assert!(parse("inf", NO_UNITS).unwrap_err().contains("not a number"));
        assert!(parse("3.5%", NO_UNITS).unwrap_err().contains("percentage"));
        assert!(parse("1,23", NO_UNITS).unwrap_err().contains("commas"));
        assert!(parse("35000元", MONEY_UNITS).unwrap_err().contains("not a number"));
        assert!(parse("1e300", NO_UNITS).unwrap_err().contains("out of range"));
    }
}
