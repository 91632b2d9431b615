//! Classify stage: class labels from positions in an ordered group (quotas) or from the rounded total
//! (thresholds). The three quota readings of "top 20%" (methodology.md 9.2) are all here, explicit.

use crate::method::{ClassMethod, Classes, Rounding};

fn rounded_count(n: usize, pct: f64, round: Rounding) -> usize {
    let x = n as f64 * pct; // exact for the integer percentages schemes publish
    let c = match round {
        Rounding::Floor => (x / 100.0).floor(),
        Rounding::Ceil => (x / 100.0).ceil(),
        Rounding::HalfUp => ((x + 50.0) / 100.0).floor(),
    };
    c.max(0.0) as usize
}

/// The class index (into `rule.labels`) of each position 1..=n of a group ordered best first, with `n`
/// the quota base. For `thresholds` use [`by_threshold`] instead.
pub fn quota(rule: &Classes, n: usize) -> Vec<usize> {
    let k = rule.labels.len();
    match rule.method {
        ClassMethod::CumulativeRound => {
            let cuts: Vec<usize> = rule.cum_pcts.iter().map(|p| rounded_count(n, *p, Rounding::HalfUp)).collect();
            (1..=n).map(|p| cuts.iter().position(|&c| p <= c).unwrap_or(k - 1)).collect()
        }
        ClassMethod::PositionShare => (1..=n)
            .map(|p| rule.cum_pcts.iter().position(|&pct| 100.0 * p as f64 <= pct * n as f64).unwrap_or(k - 1))
            .collect(),
        ClassMethod::Counts => {
            let rest = rule.labels.iter().position(|l| Some(l) == rule.rest.as_ref()).unwrap_or(k - 1);
            let mut counts = vec![0usize; k];
            for c in &rule.counts {
                if let Some(i) = rule.labels.iter().position(|l| *l == c.class) {
                    counts[i] = rounded_count(n, c.pct, c.round);
                }
            }
            // Classes below the rest class fill from the bottom first, then those above from the top;
            // the rest class takes what remains (never negative).
            let mut left = n;
            for c in counts.iter_mut().skip(rest + 1) {
                *c = (*c).min(left);
                left -= *c;
            }
            for c in counts.iter_mut().take(rest) {
                *c = (*c).min(left);
                left -= *c;
            }
            counts[rest] = left;
            counts.iter().enumerate().flat_map(|(i, &c)| std::iter::repeat_n(i, c)).collect()
        }
        ClassMethod::Thresholds => vec![k - 1; n],
    }
}

/// The class index for a rounded total under `thresholds`.
pub fn by_threshold(rule: &Classes, total: f64) -> usize {
    rule.thresholds.iter().position(|&t| total >= t).unwrap_or(rule.labels.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::{Count, Ties};

    fn rule(method: ClassMethod, cum: &[f64]) -> Classes {
        Classes {
            method,
            labels: ["A", "B", "C", "D"].iter().map(|s| s.to_string()).collect(),
            cum_pcts: cum.to_vec(),
            counts: Vec::new(),
            rest: None,
            thresholds: Vec::new(),
            group: Default::default(),
            ties: Ties::Split,
        }
    }

    fn counts(r: &Classes, n: usize) -> String {
        let q = quota(r, n);
        (0..4).map(|c| q.iter().filter(|&&x| x == c).count().to_string()).collect::<Vec<_>>().join("/")
    }

    /// methodology.md 9.2, the quota table: counts A/B/C/D for group sizes N under each reading.
    #[test]
    fn quota_table_of_the_reference() {
        let w1gs = rule(ClassMethod::CumulativeRound, &[20.0, 80.0, 95.0]);
        let w1gx = rule(ClassMethod::CumulativeRound, &[5.0, 75.0, 95.0]);
        let w2 = rule(ClassMethod::PositionShare, &[20.0, 60.0, 95.0]);
        let w3 = rule(ClassMethod::PositionShare, &[25.0, 70.0, 95.0]);
        let mut w4 = rule(ClassMethod::Counts, &[]);
        w4.counts = vec![
            Count { class: "A".into(), pct: 20.0, round: Rounding::Floor },
            Count { class: "B".into(), pct: 40.0, round: Rounding::HalfUp },
            Count { class: "D".into(), pct: 5.0, round: Rounding::Ceil },
        ];
        w4.rest = Some("C".into());
        let table: &[(usize, [&str; 5])] = &[
            (1, ["0/1/0/0", "0/1/0/0", "0/0/0/1", "0/0/0/1", "0/0/0/1"]),
            (2, ["0/2/0/0", "0/2/0/0", "0/1/0/1", "0/1/0/1", "0/1/0/1"]),
            (3, ["1/1/1/0", "0/2/1/0", "0/1/1/1", "0/2/0/1", "0/1/1/1"]),
            (4, ["1/2/1/0", "0/3/1/0", "0/2/1/1", "1/1/1/1", "0/2/1/1"]),
            (5, ["1/3/1/0", "0/4/1/0", "1/2/1/1", "1/2/1/1", "1/2/1/1"]),
            (7, ["1/5/1/0", "0/5/2/0", "1/3/2/1", "1/3/2/1", "1/3/2/1"]),
            (8, ["2/4/2/0", "0/6/2/0", "1/3/3/1", "2/3/2/1", "1/3/3/1"]),
            (9, ["2/5/2/0", "0/7/2/0", "1/4/3/1", "2/4/2/1", "1/4/3/1"]),
            (10, ["2/6/2/0", "1/7/2/0", "2/4/3/1", "2/5/2/1", "2/4/3/1"]),
            (19, ["4/11/3/1", "1/13/4/1", "3/8/7/1", "4/9/5/1", "3/8/7/1"]),
            (20, ["4/12/3/1", "1/14/4/1", "4/8/7/1", "5/9/5/1", "4/8/7/1"]),
            (21, ["4/13/3/1", "1/15/4/1", "4/8/7/2", "5/9/5/2", "4/8/7/2"]),
        ];
        for (n, want) in table {
            let got = [counts(&w1gs, *n), counts(&w1gx, *n), counts(&w2, *n), counts(&w3, *n), counts(&w4, *n)];
            assert_eq!(got.map(|s| s), want.map(|s| s.to_string()), "N = {n}");
        }
    }

    #[test]
    fn thresholds() {
        let mut r = rule(ClassMethod::Thresholds, &[]);
        r.thresholds = vec![90.0, 70.0, 50.0];
        assert_eq!(by_threshold(&r, 90.0), 0);
        assert_eq!(by_threshold(&r, 89.99), 1);
        assert_eq!(by_threshold(&r, 12.0), 3);
    }
}
