//! Classify stage: class labels from positions in an ordered group (quotas), from the rounded total
//! (thresholds), or from an ordered list of rules combining both. The three quota readings of "top 20%"
//! (methodology.md 9.2) are all here, explicit.

use crate::method::{ClassMethod, ClassRule, Classes, Rounding};

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
            let cuts: Vec<usize> = rule.cum_pcts.iter().map(|p| rounded_count(n, *p, rule.round)).collect();
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
                    counts[i] = c.count.unwrap_or_else(|| rounded_count(n, c.pct, c.round));
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
        ClassMethod::Thresholds | ClassMethod::Rules => vec![k - 1; n],
    }
}

/// The class of each firm of one class group: built once per group (its size N), then asked for each
/// position in order.
pub struct Classifier<'a> {
    rule: &'a Classes,
    n: usize,
    /// Position methods: the class of each position.
    by_position: Vec<usize>,
    /// `rules`: each rule's cut positions from the top and from the bottom, and its class.
    cuts: Vec<(Option<usize>, Option<usize>, usize)>,
}

impl<'a> Classifier<'a> {
    /// For a group of `n` firms (the quota base).
    pub fn new(rule: &'a Classes, n: usize) -> Classifier<'a> {
        let position_method = !matches!(rule.method, ClassMethod::Thresholds | ClassMethod::Rules);
        let by_position = if position_method { quota(rule, n) } else { Vec::new() };
        let cuts = rule.rules.iter().map(|r| rule_cuts(rule, r, n)).collect();
        Classifier { rule, n, by_position, cuts }
    }

    /// The class index (into the labels) of the firm at position `p` (1 = best) with rounded total `total`.
    pub fn class(&self, p: usize, total: f64) -> usize {
        let last = self.rule.labels.len() - 1;
        match self.rule.method {
            ClassMethod::Thresholds => by_threshold(self.rule, total),
            ClassMethod::Rules => self
                .rule
                .rules
                .iter()
                .zip(&self.cuts)
                .find(|(r, (top, bottom, _))| {
                    top.is_none_or(|c| p <= c)
                        && bottom.is_none_or(|c| p + c > self.n)
                        && r.min_total.is_none_or(|m| total >= m)
                        && r.below_total.is_none_or(|b| total < b)
                })
                .map_or(last, |(_, (_, _, class))| *class),
            _ => self.by_position.get(p - 1).copied().unwrap_or(last),
        }
    }
}

/// A rule's cut positions (from the top, from the bottom) for a group of `n`, and its class's index.
fn rule_cuts(rule: &Classes, r: &ClassRule, n: usize) -> (Option<usize>, Option<usize>, usize) {
    let cut = |count: Option<usize>, pct: Option<f64>| count.or_else(|| pct.map(|p| rounded_count(n, p, r.round)));
    let class = rule.labels.iter().position(|l| *l == r.class).unwrap_or(rule.labels.len() - 1);
    (cut(r.top_count, r.top_pct), cut(r.bottom_count, r.bottom_pct), class)
}

/// The class index for a rounded total under `thresholds`.
pub fn by_threshold(rule: &Classes, total: f64) -> usize {
    rule.thresholds.iter().position(|&t| total >= t).unwrap_or(rule.labels.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::{ClassRule, Count, Ties};

    fn rule(method: ClassMethod, cum: &[f64]) -> Classes {
        Classes {
            method,
            labels: ["A", "B", "C", "D"].iter().map(|s| s.to_string()).collect(),
            cum_pcts: cum.to_vec(),
            counts: Vec::new(),
            rest: None,
            thresholds: Vec::new(),
            round: Rounding::HalfUp,
            rules: Vec::new(),
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
            Count { class: "A".into(), pct: 20.0, round: Rounding::Floor, count: None },
            Count { class: "B".into(), pct: 40.0, round: Rounding::HalfUp, count: None },
            Count { class: "D".into(), pct: 5.0, round: Rounding::Ceil, count: None },
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

    /// `classes` of each position 1..=n with the totals given (best first).
    fn classes_of(r: &Classes, totals: &[f64]) -> String {
        let c = Classifier::new(r, totals.len());
        totals.iter().enumerate().map(|(p, t)| r.labels[c.class(p + 1, *t)].as_str()).collect::<Vec<_>>().join("")
    }

    /// Wenling-style cumulative cuts rounded up, and down: N = 7, cum 20/60/95.
    /// ⌈7 × 20 ÷ 100⌉ = ⌈1.4⌉ = 2, ⌈4.2⌉ = 5, ⌈6.65⌉ = 7 → A A B B B C C (no D);
    /// ⌊1.4⌋ = 1, ⌊4.2⌋ = 4, ⌊6.65⌋ = 6 → A B B B C C D; half up: 1, 4, 7 → A B B B C C C.
    #[test]
    fn cumulative_cuts_rounded_up_or_down() {
        let mut r = rule(ClassMethod::CumulativeRound, &[20.0, 60.0, 95.0]);
        let totals = [90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0];
        r.round = Rounding::Ceil;
        assert_eq!(classes_of(&r, &totals), "AABBBCC");
        r.round = Rounding::Floor;
        assert_eq!(classes_of(&r, &totals), "ABBBCCD");
        r.round = Rounding::HalfUp;
        assert_eq!(classes_of(&r, &totals), "ABBBCCC");
    }

    fn class_rule(class: &str) -> ClassRule {
        ClassRule { class: class.into(), ..ClassRule::default() }
    }

    /// Hybrid: A = best 20 % rounded down, D = worst 5 % rounded up, the rest B if the rounded total is at
    /// least 90, else C. N = 12: ⌊2.4⌋ = 2 A, ⌈0.6⌉ = 1 D; positions 3–11 by their totals.
    #[test]
    fn quotas_at_the_ends_and_a_score_line_between() {
        let mut r = rule(ClassMethod::Rules, &[]);
        r.rules = vec![
            ClassRule { top_pct: Some(20.0), round: Rounding::Floor, ..class_rule("A") },
            ClassRule { bottom_pct: Some(5.0), round: Rounding::Ceil, ..class_rule("D") },
            ClassRule { min_total: Some(90.0), ..class_rule("B") },
            class_rule("C"),
        ];
        let totals = [99.0, 98.0, 97.0, 95.0, 90.0, 89.99, 80.0, 70.0, 60.0, 50.0, 40.0, 95.0];
        // Position 12 (total 95, out of order on purpose) is in the bottom 5 %: D, whatever its total.
        assert_eq!(classes_of(&r, &totals), "AABBBCCCCCCD");
    }

    /// A class that needs both a score line and a quota place: A only if ≥ 90 and within the first 20 %
    /// (⌊10 × 0.2⌋ = 2); a fixed count: the first 3 are 优质企业 whatever their total.
    #[test]
    fn a_place_and_a_score_line_together_and_fixed_counts() {
        let mut r = rule(ClassMethod::Rules, &[]);
        r.rules = vec![
            ClassRule { top_pct: Some(20.0), round: Rounding::Floor, min_total: Some(90.0), ..class_rule("A") },
            ClassRule { min_total: Some(60.0), ..class_rule("B") },
            class_rule("C"),
        ];
        // Position 1 (95) is A; position 2 (89) misses the line: B; position 3 (92) misses the place: B.
        assert_eq!(classes_of(&r, &[95.0, 89.0, 92.0, 70.0, 65.0, 60.0, 59.0, 50.0, 40.0, 30.0]), "ABBBBBCCCC");
        let mut top3 = rule(ClassMethod::Rules, &[]);
        top3.labels = vec!["优质企业".into(), "未入选".into()];
        top3.rules = vec![ClassRule { top_count: Some(3), ..class_rule("优质企业") }, class_rule("未入选")];
        let c = Classifier::new(&top3, 5);
        let got: Vec<&str> = (1..=5).map(|p| top3.labels[c.class(p, 0.0)].as_str()).collect();
        assert_eq!(got, ["优质企业", "优质企业", "优质企业", "未入选", "未入选"]);
        // A count as a number of firms in `counts` too.
        let mut counts = rule(ClassMethod::Counts, &[]);
        counts.labels = top3.labels.clone();
        counts.counts = vec![Count { class: "优质企业".into(), pct: 0.0, round: Rounding::HalfUp, count: Some(3) }];
        counts.rest = Some("未入选".into());
        assert_eq!(quota(&counts, 5), [0, 0, 0, 1, 1]);
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
