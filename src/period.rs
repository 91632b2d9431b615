//! Evaluation periods: a year (`2025`) or a quarter (`2025Q3`), with the basis that turns a quarter into
//! the quarters summed (rolling four quarters, or year to date).

use crate::dates;
use std::fmt;

/// One calendar quarter, e.g. 2025Q3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    pub q: u8,
}

impl Quarter {
    /// Parses `2025Q3` (also `2025q3`, `2025-Q3`, `2025年第3季度`, `2025年3季度`).
    pub fn parse(text: &str) -> Option<Quarter> {
        // The canonical spelling `2025Q1`, as most rows have it, without building a normalized copy.
        if let &[y0, y1, y2, y3, b'Q', q @ b'1'..=b'4'] = text.as_bytes() {
            if [y0, y1, y2, y3].iter().all(u8::is_ascii_digit) {
                let year = [y0, y1, y2, y3].iter().fold(0i32, |a, d| a * 10 + (d - b'0') as i32);
                return (1900..=2200).contains(&year).then_some(Quarter { year, q: q - b'0' });
            }
        }
        let t: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
        let t = t.to_ascii_uppercase();
        let (y, rest) = t.split_at_checked(4)?;
        let year: i32 = y.parse().ok()?;
        let rest = rest.trim_start_matches(['-', '年']);
        let digits = rest.trim_start_matches(['Q', '第']).trim_end_matches("季度").trim_end_matches('季');
        // A quarter is marked (Q, 第 or 季度); `2025-03` or `202503` is a month, not the third quarter.
        if digits.len() == rest.len() {
            return None;
        }
        let q: u8 = digits.parse().ok()?;
        if !(1..=4).contains(&q) || !(1900..=2200).contains(&year) {
            return None;
        }
        Some(Quarter { year, q })
    }

    /// Quarters counted from year 0 (2025Q1 = 8100).
    pub fn index(self) -> i64 {
        self.year as i64 * 4 + (self.q as i64 - 1)
    }

    fn from_index(i: i64) -> Quarter {
        Quarter { year: i.div_euclid(4) as i32, q: (i.rem_euclid(4) + 1) as u8 }
    }

    /// The quarter `n` quarters earlier.
    pub fn minus(self, n: i64) -> Quarter {
        Quarter::from_index(self.index() - n)
    }

    /// First day of the quarter (day number).
    pub fn first_day(self) -> i64 {
        dates::days_from_civil(self.year, (self.q as u32 - 1) * 3 + 1, 1)
    }

    /// Last day of the quarter (day number).
    pub fn last_day(self) -> i64 {
        let next = Quarter::from_index(self.index() + 1);
        next.first_day() - 1
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// How a quarterly period turns into the quarters that are summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The four quarters ending in the given quarter (滚动四个季度).
    Rolling4,
    /// Q1 of the year up to the given quarter (年初至今).
    Ytd,
}

impl Basis {
    /// The word on the command line and in manifests.
    pub fn code(self) -> &'static str {
        match self {
            Basis::Rolling4 => "rolling4",
            Basis::Ytd => "ytd",
        }
    }

    pub fn parse(text: &str) -> Option<Basis> {
        match text.trim() {
            "rolling4" | "rolling" => Some(Basis::Rolling4),
            "ytd" => Some(Basis::Ytd),
            _ => None,
        }
    }
}

/// The period of a run: the quarters whose rows are summed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// As the user wrote it, normalized: `2024`, `2025Q3`.
    pub label: String,
    pub quarters: Vec<Quarter>,
}

impl Period {
    /// `2024` → 2024Q1..Q4; `2025Q3` → by `basis`.
    pub fn parse(text: &str, basis: Basis) -> Result<Period, String> {
        let t = text.trim().trim_end_matches('年');
        if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
            let year: i32 = t.parse().map_err(|_| bad(text))?;
            let quarters = (1..=4).map(|q| Quarter { year, q }).collect();
            return Ok(Period { label: year.to_string(), quarters });
        }
        let end = Quarter::parse(text).ok_or_else(|| bad(text))?;
        let quarters = match basis {
            Basis::Rolling4 => (0..4).rev().map(|n| end.minus(n)).collect(),
            Basis::Ytd => (1..=end.q).map(|q| Quarter { year: end.year, q }).collect(),
        };
        Ok(Period { label: end.to_string(), quarters })
    }

    /// The evaluation year used by date rules (`year` in methodology expressions): the last quarter's year.
    pub fn year(&self) -> i32 {
        self.quarters.last().map(|q| q.year).unwrap_or(0)
    }

    pub fn first_day(&self) -> i64 {
        self.quarters.first().map(|q| q.first_day()).unwrap_or(0)
    }

    pub fn last_day(&self) -> i64 {
        self.quarters.last().map(|q| q.last_day()).unwrap_or(0)
    }

    /// The same quarters one year earlier (for year-on-year and prior-year figures).
    pub fn prior_year(&self) -> Period {
        let quarters: Vec<Quarter> = self.quarters.iter().map(|q| q.minus(4)).collect();
        let label = if self.label.len() == 4 {
            (self.year() - 1).to_string()
        } else {
            quarters.last().map(|q| q.to_string()).unwrap_or_default()
        };
        Period { label, quarters }
    }

    pub fn contains(&self, q: Quarter) -> bool {
        self.quarters.contains(&q)
    }
}

fn bad(text: &str) -> String {
    format!("period '{text}' is not understood: write a year such as 2025 or a quarter such as 2025Q3")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_bases() {
        let p = Period::parse("2024", Basis::Rolling4).unwrap();
        assert_eq!(p.quarters.len(), 4);
        assert_eq!(p.year(), 2024);
        let r = Period::parse("2025Q1", Basis::Rolling4).unwrap();
        let labels: Vec<String> = r.quarters.iter().map(|q| q.to_string()).collect();
        assert_eq!(labels, ["2024Q2", "2024Q3", "2024Q4", "2025Q1"]);
        let y = Period::parse("2025Q3", Basis::Ytd).unwrap();
        assert_eq!(y.quarters.len(), 3);
        assert!(Period::parse("2025Q5", Basis::Ytd).is_err());
        assert_eq!(Quarter::parse("2024年第3季度"), Some(Quarter { year: 2024, q: 3 }));
        // The canonical spelling (fast path) and its neighbours, which must agree with the general reading.
        assert_eq!(Quarter::parse("2025Q4"), Some(Quarter { year: 2025, q: 4 }));
        assert_eq!(Quarter::parse(" 2025q4 "), Some(Quarter { year: 2025, q: 4 }));
        for bad in ["2025Q0", "2025Q5", "1899Q1", "2201Q1", "20a5Q1", "2025-03"] {
            assert_eq!(Quarter::parse(bad), None, "{bad}");
        }
        // 2024Q1 runs 2024-01-01 .. 2024-03-31 (leap February included).
        let q1 = Quarter { year: 2024, q: 1 };
        assert_eq!(q1.last_day() - q1.first_day() + 1, 91);
    }
}
