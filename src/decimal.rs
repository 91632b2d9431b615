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

/// [`round_half_up_str`] appended to `out` (nothing for a non-finite `x`), without allocating: the large
/// tables print millions of numbers.
pub fn push_half_up(out: &mut String, x: f64, places: usize) {
    if !x.is_finite() {
        return;
    }
    if !push_clear_of_half(out, x, places) {
        push_by_spelling(out, x, places);
    }
}

/// 10^k, exact in binary64, for the places [`push_clear_of_half`] handles.
const POW10: [f64; 10] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/// The common case without spelling the digits: appends the rounding of `x` and returns true when
/// |x|·10^places is far enough from a half (k + ½) that the shortest spelling of x lies on the same side
/// of it. That spelling S is within half an ulp of |x| (≤ |x|·2⁻⁵³), and y = |x|·10^places is computed
/// within another half ulp, so |y − S·10^places| ≤ y·2⁻⁵²; a margin of y·2⁻⁴⁹ is safely past that. Then
/// rounding S half up is rounding y to the nearest integer. Near a half, or past 10^15, returns false and
/// appends nothing: [`push_by_spelling`] decides.
fn push_clear_of_half(out: &mut String, x: f64, places: usize) -> bool {
    let Some(&scale) = POW10.get(places) else { return false };
    let y = x.abs() * scale;
    if y.is_nan() || y >= 1e15 {
        return false;
    }
    // Truncation is the floor for y ≥ 0, exact below 2^53 (an integer conversion: `floor` is a library
    // call on the baseline x86-64 target); the fraction is exact too (Sterbenz).
    let whole = y as u64;
    let frac = y - whole as f64;
    // f64::EPSILON is 2⁻⁵²: the margin is y·2⁻⁴⁹.
    if (frac - 0.5).abs() <= y * f64::EPSILON * 8.0 {
        return false;
    }
    let r = whole + u64::from(frac > 0.5);
    if x < 0.0 && r != 0 {
        out.push('-');
    }
    // The same power of ten as an integer (exact: at most 10^9).
    let unit = scale as u64;
    let mut b = itoa::Buffer::new();
    out.push_str(b.format(r / unit));
    if places > 0 {
        out.push('.');
        let f = b.format(r % unit);
        (f.len()..places).for_each(|_| out.push('0'));
        out.push_str(f);
    }
    true
}

/// [`push_half_up`] on the digits of the shortest spelling of |x|.
fn push_by_spelling(out: &mut String, x: f64, places: usize) {
    let a = x.abs();
    // `ryu` gives the same shortest digits as `Display` (the fewest that read back to x) except where two
    // spellings are as short and as near: ryu then takes the even last digit, `Display` the upper. The two
    // differ in the last digit only, at 10^-k ≤ ulp(x) ≤ |x|·2^-52; while that is finer than the digit
    // the rounding looks at (10^-(places+1)), the result is the same. Larger values are spelled by `Display`.
    if a * 10f64.powi(places.min(300) as i32 + 1) < 4.0e15 {
        push_spelled(out, ryu::Buffer::new().format_finite(a), x < 0.0, places);
    } else {
        push_spelled(out, &a.to_string(), x < 0.0, places);
    }
}

/// Rounds the spelling of |x| (`d.ddd`, or `d.ddde±n` as `ryu` writes outside 1e-5..1e16) half up at
/// `places` decimals and appends it, with a minus sign when `negative` and not all digits are zero.
fn push_spelled(out: &mut String, spelled: &str, negative: bool, places: usize) {
    let spelled = spelled.as_bytes();
    let (mantissa, exp) = match spelled.iter().position(|&b| b == b'e') {
        Some(p) => (
            &spelled[..p],
            std::str::from_utf8(&spelled[p + 1..]).ok().and_then(|e| e.parse::<i64>().ok()).unwrap_or(0),
        ),
        None => (spelled, 0),
    };
    let point = mantissa.iter().position(|&b| b == b'.');
    let n = mantissa.len() - usize::from(point.is_some());
    // |x| = Σ digit(p) × 10^(int_len − 1 − p); the f-th fraction digit is at position int_len + f.
    let int_len = point.unwrap_or(n) as i64 + exp;
    let digit = |p: i64| match usize::try_from(p) {
        Ok(p) if p < n => mantissa[if point.is_some_and(|pt| p >= pt) { p + 1 } else { p }],
        _ => b'0',
    };
    let start = out.len();
    if int_len <= 0 {
        out.push('0');
    } else {
        (0..int_len).for_each(|p| out.push(digit(p) as char));
    }
    if places > 0 {
        out.push('.');
        (0..places as i64).for_each(|f| out.push(digit(int_len + f) as char));
    }
    if digit(int_len + places as i64) >= b'5' {
        // Half up: carry from the last digit leftwards; past the first, a new leading 1.
        let mut carried = true;
        for j in (start..out.len()).rev() {
            let next = match out.as_bytes()[j] {
                b'.' => continue,
                b'9' => '0',
                d => {
                    carried = false;
                    (d + 1) as char
                }
            };
            out.replace_range(j..j + 1, next.encode_utf8(&mut [0; 4]));
            if !carried {
                break;
            }
        }
        if carried {
            out.insert(start, '1');
        }
    }
    if negative && out[start..].bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.insert(start, '-');
    }
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
    // 959518099278414.25 is exact in binary64 (50 integer bits, 2 fraction bits); clippy counts digits.
    #[allow(clippy::excessive_precision)]
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
        assert_eq!(round_half_up_str(1e20, 1), "100000000000000000000.0");
        assert_eq!(round_half_up_str(-1.25e-5, 6), "-0.000013");
        assert_eq!(round_half_up_str(1e300, 0).len(), 301);
        assert_eq!(round_half_up_str(0.0, 2), "0.00");
        assert_eq!(round_half_up_str(0.5, 0), "1");
        // Exactly between two shortest spellings, …414.2 and …414.3: `Display` says .3, as always here.
        assert_eq!(round_half_up_str(959518099278414.25, 1), "959518099278414.3");
    }

    /// Rounding the `Display` spelling digit by digit: the definition `push_half_up` must agree with.
    fn by_display(x: f64, places: usize) -> String {
        let s = format!("{}", x.abs());
        let (int_part, frac) = s.split_once('.').unwrap_or((&s, ""));
        let mut digits: Vec<u8> = int_part.bytes().map(|b| b - b'0').collect();
        digits.extend((0..places).map(|i| frac.as_bytes().get(i).map_or(0, |b| b - b'0')));
        if frac.as_bytes().get(places).is_some_and(|&d| d >= b'5') {
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
        let mut out = String::new();
        if x < 0.0 && digits.iter().any(|&d| d != 0) {
            out.push('-');
        }
        out.extend(digits[..int_len].iter().map(|d| (b'0' + d) as char));
        if places > 0 {
            out.push('.');
            out.extend(digits[int_len..].iter().map(|d| (b'0' + d) as char));
        }
        out
    }

    /// Where both ways apply, the arithmetic way must give the spelling way's digits, above all next to
    /// halves: values k/10^p + ½/10^p moved by 0 to 40 ulps either way, and random values, at 0–9 places.
    #[test]
    fn clear_of_half_agrees_with_the_spelling() {
        let mut rng = crate::xorshift::XorShift::new(0x2545_F491_4F6C_DD1D);
        let mut next = || rng.next();
        let (mut fast, mut near) = (0, 0);
        for k in 0..300_000u64 {
            let places = (k % 10) as usize;
            let scale = 10f64.powi(places as i32);
            let magnitude = 10f64.powi((next() % 13) as i32);
            let half = ((next() % 1_000_000) as f64 * magnitude + 0.5) / scale;
            let mut v = half;
            for _ in 0..(next() % 41) {
                v = if k % 2 == 0 { v.next_up() } else { v.next_down() };
            }
            let random = (next() >> 11) as f64 / (1u64 << 53) as f64 * magnitude * if k % 3 == 0 { -1.0 } else { 1.0 };
            for x in [half, v, -v, random] {
                let (mut a, mut b) = (String::new(), String::new());
                push_by_spelling(&mut b, x, places);
                if push_clear_of_half(&mut a, x, places) {
                    fast += 1;
                    assert_eq!(a, b, "{x:e} at {places} places");
                } else {
                    near += 1;
                    assert!(a.is_empty());
                }
            }
        }
        // Both branches are exercised: random values mostly take the arithmetic way, values next to halves
        // mostly do not.
        assert!(fast > 450_000 && near > 450_000, "fast {fast}, near {near}");
        let mut s = String::new();
        assert!(!push_clear_of_half(&mut s, 68.625, 2) && !push_clear_of_half(&mut s, 1.005, 2));
        assert!(!push_clear_of_half(&mut s, 1e15, 0) && !push_clear_of_half(&mut s, 1.0, 10) && s.is_empty());
    }

    #[test]
    fn same_as_rounding_the_display_spelling() {
        // A fixed pseudo-random walk over magnitudes 1e-9 … 1e21 (the largest spelled by `Display`), signs
        // and 0–6 places.
        let mut rng = crate::xorshift::XorShift::new(0x9E37_79B9_7F4A_7C15);
        for k in 0..200_000u64 {
            let state = rng.next();
            let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64;
            let x = mantissa * 10f64.powi((k % 31) as i32 - 9) * if k % 3 == 0 { -1.0 } else { 1.0 };
            // Values with few digits too (where half-way cases live): x rounded to 3 decimals.
            let y = (x * 1000.0).round() / 1000.0;
            for v in [x, y] {
                let places = (k % 7) as usize;
                assert_eq!(round_half_up_str(v, places), by_display(v, places), "{v} at {places} places");
            }
        }
    }
}
