//! Decimal rounding and display of binary64 values.
//!
//! The methodology rounds **half up (away from zero)** on the *shortest decimal representation* of a
//! binary64 value (what Rust's `Display` prints), never banker's rounding: 68.625 → 68.63, −2.5 → −3.
//! Doing it on the decimal string avoids the trap of `(x * 100.0).round()` seeing 68.62499999….

/// Rounds `x` half away from zero at `places` decimals, working on its shortest decimal spelling.
/// Returns the rounded value as a decimal string with exactly `places` decimals ("−0.00" is printed "0.00").
pub fn round_half_up_str(x: f64, places: usize) -> String {
    let mut out = String::new();
    push_half_up(&mut out, x, places);
    out
}

thread_local! {
    /// Scratch for [`push_half_up`]: the shortest spelling and the digits being rounded.
    static SCRATCH: std::cell::RefCell<(String, Vec<u8>)> = const { std::cell::RefCell::new((String::new(), Vec::new())) };
}

/// [`round_half_up_str`] appended to `out` (nothing for a non-finite `x`), without allocating: the large
/// tables print millions of numbers.
pub fn push_half_up(out: &mut String, x: f64, places: usize) {
    use std::fmt::Write;
    if !x.is_finite() {
        return;
    }
    SCRATCH.with_borrow_mut(|(s, digits)| {
        s.clear();
        let _ = write!(s, "{}", x.abs());
        let (int_part, frac_part) = s.split_once('.').unwrap_or((s.as_str(), ""));
        let frac = frac_part.as_bytes();
        digits.clear();
        digits.extend(int_part.bytes().map(|b| b - b'0'));
        digits.extend((0..places).map(|i| frac.get(i).map_or(0, |b| b - b'0')));
        if frac.get(places).is_some_and(|&d| d >= b'5') {
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
        if x < 0.0 && digits.iter().any(|&d| d != 0) {
            out.push('-');
        }
        out.extend(digits[..int_len].iter().map(|d| (b'0' + d) as char));
        if places > 0 {
            out.push('.');
            out.extend(digits[int_len..].iter().map(|d| (b'0' + d) as char));
        }
    });
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
