//! Enterprise identifiers: the 18-character unified social credit code (统一社会信用代码, GB 32100-2015).
//!
//! The 18th character is a check digit over the first 17 in base 31 with the alphabet below (no I, O, S, V, Z).

/// The GB 32100 alphabet; a character's value is its index.
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters of a code, or `None` if one of them is not in the alphabet.
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

/// Why an id is not a valid unified social credit code, in words an analyst understands.
pub fn id_problem(id: &str) -> Option<String> {
    let n = id.chars().count();
    if n == 15 && id.chars().all(|c| c.is_ascii_digit()) {
        return Some(format!(
            "'{id}' looks like an old 15-digit registration number (注册号), not an 18-character unified social credit code"
        ));
    }
    if (id.contains("E+") || id.contains("e+")) && id.parse::<f64>().is_ok() {
        return Some(format!(
            "'{id}' is a number in scientific notation: Excel turned the code into a number; format the column as text and paste the codes again"
        ));
    }
    if n != 18 {
        return Some(format!("'{id}' has {n} characters; a unified social credit code has 18"));
    }
    let bytes = id.as_bytes();
    if let Some(bad) = id.chars().find(|c| !c.is_ascii() || value(*c as u8).is_none()) {
        return Some(format!("'{id}' contains '{bad}', which is not allowed in a unified social credit code"));
    }
    let expect = check_char(&bytes[..17])?;
    if expect != bytes[17] as char {
        return Some(format!("'{id}' fails the GB 32100 check digit (last character should be '{expect}')"));
    }
    None
}

/// Normalizes how ids are typed in exports: surrounding and inner spaces (and invisible zero-width
/// characters pasted from web pages) removed, full-width characters typed with a Chinese input method
/// (９１６１…) made ASCII, letters upper-cased.
pub fn normalize(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Builds a valid code from a 17-character stem (used by the synthetic-data generator and tests).
pub fn with_check(first17: &str) -> Option<String> {
    let c = check_char(first17.as_bytes())?;
    Some(format!("{first17}{c}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_example_ids_pass() {
        for id in ["91610902MA0001018F", "91610921MA0001085X", "91610926MA000303XR", "91610929MA000506XN"] {
            assert_eq!(id_problem(id), None, "{id}");
        }
    }

    #[test]
    fn wrong_check_digit_is_named() {
        let p = id_problem("91610902MA0001018G").unwrap();
        assert!(p.contains("should be 'F'"), "{p}");
    }

    #[test]
    fn old_registration_number_and_bad_chars() {
        assert!(id_problem("610902000012345").unwrap().contains("15-digit"));
        assert!(id_problem("91610902MA000101OF").unwrap().contains("'O'"));
        assert!(id_problem("123").unwrap().contains("3 characters"));
    }

    #[test]
    fn normalize_and_build() {
        assert_eq!(normalize(" 91610902ma0001018f "), "91610902MA0001018F");
        assert_eq!(with_check("91610902MA0001018").as_deref(), Some("91610902MA0001018F"));
    }
}
