//! Decimal rounding and display of binary64 values.
//!
//! The methodology rounds **half up (away from zero)** on the *shortest decimal representation* of a
//! binary64 value (what Rust's `Display` prints), never banker's rounding: 68.625 → 68.63, −2.5 → −3.
//! Doing it on the decimal string avoids the trap of `(x * 100.0).round()` seeing 68.62499999….

/// Rounds `x` half away from zero at `places` decimals, working on its shortest decimal spelling.
/// Returns the rounded value as a decimal string with exactly `places` decimals ("−0.00" is printed "0.00").
pub fn round_half_up_str(x: f64, places: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{}", x.abs());
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (s.clone(), String::new()),
    };
    let mut digits: Vec<u8> = int_part.bytes().map(|b| b - b'0').collect();
    let frac: Vec<u8> = frac_part.bytes().map(|b| b - b'0').collect();
    for i in 0..places {
        digits.push(*frac.get(i).unwrap_or(&0));
    }
    let round_up = frac.get(places).is_some_and(|&d| d >= 5);
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let int_len = digits.len() - places;
    let (ip, fp) = digits.split_at(int_len);
    let mut out = String::new();
    let is_zero = digits.iter().all(|&d| d == 0);
    if x < 0.0 && !is_zero {
        out.push('-');
    }
    out.extend(ip.iter().map(|d| (b'0' + d) as char));
    if places > 0 {
        out.push('.');
        out.extend(fp.iter().map(|d| (b'0' + d) as char));
    }
    out
}

/// Rounds half away from zero at `places` decimals (see [`round_half_up_str`]) and returns the number.
pub fn round_half_up(x: f64, places: usize) -> f64 {
    if !x.is_finite() {
        return x;
    }
    round_half_up_str(x, places).parse().unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_up_on_shortest_representation() {
        // W2 S03: 33.75 + 21.875 + 16 − 3 = 68.625 exactly → 68.63 (banker's rounding would say 68.62).
        assert_eq!(round_half_up_str(68.625, 2), "68.63");
        // W2 X01: 50.625 + 43.75 + 15 + 3 = 112.375 → 112.38.
        assert_eq!(round_half_up_str(112.375, 2), "112.38");
        // 1.005 is stored as 1.00499999999999989…, but its shortest spelling is "1.005" → 1.01.
        assert_eq!(round_half_up_str(1.005, 2), "1.01");
        assert_eq!(round_half_up_str(-2.5, 0), "-3");
        assert_eq!(round_half_up_str(9.995, 2), "10.00");
        assert_eq!(round_half_up_str(99.999, 2), "100.00");
        assert_eq!(round_half_up_str(-0.001, 2), "0.00");
        assert_eq!(round_half_up_str(17.5, 2), "17.50");
        assert_eq!(round_half_up_str(0.0302, 4), "0.0302");
        assert_eq!(round_half_up_str(1e-7, 4), "0.0000");
        assert_eq!(round_half_up(116.8126, 2), 116.81);
    }
}
