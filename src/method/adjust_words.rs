//! Bonus, penalty, veto and policy items in words (加减分、一票否决、差别化政策), for `check` and the PDF.

use super::describe::rule_zh;
use super::Loaded;
use crate::indicators::trim_number;

pub(super) fn adjust_words(l: &Loaded) -> Vec<String> {
    let a = &l.method.adjust;
    let signed = |x: f64| if x > 0.0 { format!("+{}", trim_number(x)) } else { trim_number(x) };
    let mut out = Vec::new();
    let items: Vec<String> = a
        .bonus_tags
        .iter()
        .map(|(t, p)| format!("带“{t}”标签 {}", signed(*p)))
        .chain(a.bonus_events.iter().map(|(e, p)| format!("事件 {e} {}", signed(*p))))
        .collect();
    if !items.is_empty() {
        let cap = a.bonus_cap.map(|c| format!(" (合计不超过 {} 分)", trim_number(c))).unwrap_or_default();
        out.push(format!("加分: {}{cap}", items.join(", ")));
    }
    let pen: Vec<String> = a.penalty_events.iter().map(|(e, p)| format!("事件 {e} {}", signed(*p))).collect();
    if !pen.is_empty() {
        let cap = a.penalty_cap.map(|c| format!(" (合计不超过 {} 分)", trim_number(c))).unwrap_or_default();
        out.push(format!("减分: 每次 {}{cap}", pen.join(", ")));
    }
    for f in &a.formulas {
        out.push(format!("{}: 当{}时, 加减 {} 分", f.name, rule_zh(&f.rule), rule_zh(&f.points)));
    }
    if !a.veto_events.is_empty() {
        out.push(format!("一票否决 (定为 {}): 期内发生 {}", a.veto_class, a.veto_events.join("、")));
    }
    out
}

pub(super) fn policy_words(l: &Loaded) -> Vec<String> {
    let p = &l.method.policies;
    let mut out: Vec<String> = p
        .by_class
        .iter()
        .map(|c| {
            let mut parts = Vec::new();
            if !c.measures.is_empty() {
                parts.push(format!("措施: {}", c.measures.join("、")));
            }
            let years: Vec<String> = c
                .electricity_surcharge
                .iter()
                .enumerate()
                .map(|(y, r)| {
                    let last = y + 1 == c.electricity_surcharge.len();
                    format!("第{}年{} {}", y + 1, if last { "及以后" } else { "" }, trim_number(*r))
                })
                .collect();
            if !years.is_empty() {
                parts.push(format!("差别化电价 (元/千瓦时, 按连续年数) {}", years.join(", ")));
            }
            parts.extend(c.other_surcharges.iter().map(|(t, r)| format!("带“{t}”标签加价 {}", trim_number(*r))));
            parts.extend(c.event_surcharges.iter().map(|(e, r)| format!("期内发生 {e} 加价 {}", trim_number(*r))));
            format!("{} 类: {}", c.class, parts.join("; "))
        })
        .collect();
    if !out.is_empty() {
        out.push("多项加价只收最高者".into());
    }
    if let Some(h) = &p.history_file {
        out.push(format!("往年等级取自文件 {h}"));
    }
    out
}
