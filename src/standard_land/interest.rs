//! Late interest on a shortfall paid in cash (e.g. 税收差额, Hefei Binhu): the shortfall item's amount ×
//! rate per day from the payment due date (the check date or the stage's due date, plus `grace_days`) to
//! the date a `shortfall_paid` event records, or to the as-of date while unpaid. An event with an amount
//! pays that much; interest then runs on the rest, one term per period. Counting stops at a contract end
//! that stops `shortfall_interest`.

use super::assess::StageResult;
use super::contract::EventKind;
use super::contract_rules::{Clause, InterestFrom};
use super::liability::{d4, short, Cx, Item, ItemKind};
use crate::dates::format as day;

/// Below this (万元) a shortfall counts as paid.
const PAID: f64 = 1e-9;

/// The late-interest item of `shortfall` (an indicator item of `st`), if its indicator has an `interest`
/// rule and the shortfall was paid late or is unpaid; notes what each matching event did in `events`.
pub fn item(cx: &Cx, st: &StageResult, shortfall: &Item, events: &mut [String]) -> Option<Item> {
    let rule = cx.rules.rules.indicators[shortfall.indicator?].interest.as_ref()?;
    let check = st.check.as_ref()?;
    if shortfall.amount <= PAID {
        return None;
    }
    let base = match rule.from {
        InterestFrom::Check => check.date,
        InterestFrom::Due => st.due?,
    };
    let due = base + rule.grace_days;
    let stop = cx.timeline.stop(cx.rules, Clause::ShortfallInterest);
    let cut = |d: i64| stop.map_or(d, |e| d.min(e));
    let (mut outstanding, mut at) = (shortfall.amount, due);
    let mut terms: Vec<(f64, i64, i64)> = Vec::new();
    let stage_name = &cx.rules.rules.stages[st.stage].name;
    for (k, e) in cx.project.milestones.events.iter().enumerate() {
        let matches =
            e.kind == EventKind::ShortfallPaid && e.date >= check.date && e.stage.is_none_or(|s| s == st.stage);
        if !matches || outstanding <= PAID || !events[k].is_empty() {
            continue;
        }
        let d = cut(e.date);
        if d > at {
            terms.push((outstanding, at, d));
            at = d;
        }
        let paid = e.amount.unwrap_or(outstanding).min(outstanding);
        outstanding -= paid;
        events[k] = format!(
            "pays {} of the {stage_name} {} shortfall {}; {} outstanding",
            d4(paid),
            shortfall.label,
            d4(shortfall.amount),
            d4(outstanding.max(0.0))
        );
    }
    let end = cut(cx.as_of);
    if outstanding > PAID && end > at {
        terms.push((outstanding, at, end));
        at = end;
    }
    if terms.is_empty() {
        return None;
    }
    let amount: f64 = terms.iter().map(|(o, a, b)| o * rule.rate * (b - a) as f64).sum();
    let formula: Vec<String> = terms
        .iter()
        .map(|(o, a, b)| format!("{} × {} × {} days ({} → {})", d4(*o), short(rule.rate), b - a, day(*a), day(*b)))
        .collect();
    Some(Item {
        clause: Clause::ShortfallInterest,
        stage: Some(st.stage),
        scope: stage_name.clone(),
        label: format!("{} {}", shortfall.label, rule.label),
        indicator: shortfall.indicator,
        kind: ItemKind::LatePerDay,
        amount,
        formula: formula.join(" + "),
        action: String::new(),
        days: Some(terms.iter().map(|(_, a, b)| b - a).sum()),
        from: Some(due),
        to: Some(at),
    })
}
