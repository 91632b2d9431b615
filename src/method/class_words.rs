//! Class rules in words (定等规则): quotas by position or rounding, counts, score lines and ordered rules,
//! read back for `check`, the PDF and `explain`.

use super::describe::group_zh;
use super::{ClassMethod, ClassRule, Classes, Rounding, Ties};
use crate::indicators::trim_number;

fn rounding_zh(r: Rounding) -> &'static str {
    match r {
        Rounding::Floor => "向下取整",
        Rounding::Ceil => "向上取整",
        Rounding::HalfUp => "四舍五入",
    }
}

/// A place rule's condition in words: 前 20% (向下取整), 后 3 家 …
fn place(from: &str, count: Option<usize>, pct: Option<f64>, round: Rounding) -> Option<String> {
    match (count, pct) {
        (Some(k), _) => Some(format!("{from} {k} 家")),
        (None, Some(p)) => Some(format!("{from} {}% ({})", trim_number(p), rounding_zh(round))),
        _ => None,
    }
}

/// One rule of `method = "rules"` in words.
fn class_rule_words(r: &ClassRule) -> String {
    let mut when: Vec<String> = Vec::new();
    when.extend(place("前", r.top_count, r.top_pct, r.round));
    when.extend(place("后", r.bottom_count, r.bottom_pct, r.round));
    if let Some(m) = r.min_total {
        when.push(format!("总分 ≥ {}", trim_number(m)));
    }
    if let Some(b) = r.below_total {
        when.push(format!("总分 < {}", trim_number(b)));
    }
    if when.is_empty() {
        format!("其余为 {}", r.class)
    } else {
        format!("{} 为 {}", when.join(" 且 "), r.class)
    }
}

/// A track's class rule in words.
pub fn classes_words(c: &Classes) -> String {
    let g = group_zh(c.group);
    let pct = |x: f64| trim_number(x);
    let mut text = match c.method {
        ClassMethod::PositionShare | ClassMethod::CumulativeRound => {
            let mut parts = Vec::new();
            let mut prev: Option<f64> = None;
            for (i, l) in c.labels.iter().enumerate() {
                match (c.cum_pcts.get(i), prev) {
                    (Some(p), None) => parts.push(format!("前 {}% 为 {l}", pct(*p))),
                    (Some(p), Some(q)) => parts.push(format!("{}%–{}% 为 {l}", pct(q), pct(*p))),
                    (None, _) => parts.push(format!("其余为 {l}")),
                }
                prev = c.cum_pcts.get(i).copied();
            }
            let how = match (c.method, c.round) {
                (ClassMethod::PositionShare, _) => "位次 p 满足 100p ≤ 比例 × N",
                (_, Rounding::HalfUp) => "累计名额 ⌊(N × 比例 + 50) ÷ 100⌋",
                (_, Rounding::Ceil) => "累计名额 ⌈N × 比例 ÷ 100⌉",
                (_, Rounding::Floor) => "累计名额 ⌊N × 比例 ÷ 100⌋",
            };
            format!("按{g}内总分排序定等 ({how}): {}", parts.join(", "))
        }
        ClassMethod::Thresholds => {
            let mut parts: Vec<String> =
                c.labels.iter().zip(&c.thresholds).map(|(l, x)| format!("总分 ≥ {} 为 {l}", pct(*x))).collect();
            if let Some(l) = c.labels.get(c.thresholds.len()) {
                parts.push(format!("其余为 {l}"));
            }
            format!("按分数线定等: {}", parts.join(", "))
        }
        ClassMethod::Counts => {
            let parts: Vec<String> = c
                .counts
                .iter()
                .map(|x| match x.count {
                    Some(k) => format!("{} {k} 家", x.class),
                    None => format!("{} 占 {}% ({})", x.class, pct(x.pct), rounding_zh(x.round)),
                })
                .collect();
            format!("按{g}名额定等: {}, 其余为 {}", parts.join(", "), c.rest.as_deref().unwrap_or(""))
        }
        ClassMethod::Rules => {
            let parts: Vec<String> = c.rules.iter().map(class_rule_words).collect();
            format!("按{g}内总分排序, 依次: {}", parts.join("; "))
        }
    };
    if c.ties == Ties::ShareBetter {
        text.push_str("; 总分相同者取较优等级");
    }
    text
}
