//! Bonus (加分), penalty (减分) and veto (一票否决) items from tags and dated events. Only events dated
//! inside the period count; the bonus total and the penalty total may each be capped.

use crate::dataset::{Dataset, Event};
use crate::indicators::trim_number;
use crate::method::expr::{Env, Expr};
use crate::method::Adjust;
use crate::period::Period;

fn in_period(date: i64, p: &Period) -> bool {
    date >= p.first_day() && date <= p.last_day()
}

/// The veto that applies to enterprise `i`, as a reason, if any.
pub(super) fn veto(a: &Adjust, events: &[&Event], p: &Period) -> Option<String> {
    events
        .iter()
        .filter(|ev| in_period(ev.date, p) && a.veto_events.contains(&ev.kind))
        .map(|ev| format!("veto: {} on {} → {}", ev.kind, crate::dates::format(ev.date), a.veto_class))
        .next()
}

/// (bonus, penalty, notes, items) of enterprise `i`; penalty is ≤ 0; items list each bonus and penalty.
#[allow(clippy::type_complexity)]
pub(super) fn bonus_penalty(
    a: &Adjust,
    data: &Dataset,
    i: usize,
    events: &[&Event],
    p: &Period,
    formulas: &[(Expr, Expr)],
    env: &dyn Env,
) -> (f64, f64, Vec<String>, Vec<(String, f64)>) {
    let e = &data.enterprises[i];
    let mut notes = Vec::new();
    let mut items = Vec::new();
    let mut bonus = 0.0;
    for (tag, pts) in &a.bonus_tags {
        if e.tags.iter().any(|t| t == tag) {
            bonus += pts;
            items.push((format!("bonus tag {tag}"), *pts));
        }
    }
    let mut penalty = 0.0;
    for ev in events.iter().filter(|ev| in_period(ev.date, p)) {
        let what = format!("{} {} {}", ev.kind, crate::dates::format(ev.date), ev.note);
        if let Some(pts) = a.bonus_events.get(&ev.kind) {
            bonus += pts;
            items.push((format!("bonus event {}", what.trim()), *pts));
        }
        if let Some(pts) = a.penalty_events.get(&ev.kind) {
            penalty += pts;
            notes.push(format!("{} {} {}", ev.kind, crate::dates::format(ev.date), trim_number(*pts)));
            items.push((format!("penalty event {}", what.trim()), *pts));
        }
    }
    for ((rule, points), f) in formulas.iter().zip(&a.formulas) {
        if !rule.eval(env).truthy() {
            continue;
        }
        if let Some(x) = points.eval(env).num() {
            if x > 0.0 {
                bonus += x;
            } else if x < 0.0 {
                penalty += x;
                notes.push(format!("{} {}", f.name, trim_number(x)));
            }
            if x != 0.0 {
                items.push((f.name.clone(), x));
            }
        }
    }
    if let Some(cap) = a.bonus_cap {
        if bonus > cap {
            notes.push(format!("bonus capped ({} → {})", trim_number(bonus), trim_number(cap)));
            bonus = cap;
        }
    }
    if let Some(cap) = a.penalty_cap {
        if penalty < -cap {
            notes.push(format!("penalty capped ({} → {})", trim_number(penalty), trim_number(-cap)));
            penalty = -cap;
        }
    }
    (bonus, penalty, notes, items)
}

/// Events grouped by enterprise index, in file order.
pub(super) fn by_enterprise(data: &Dataset) -> Vec<Vec<&Event>> {
    let mut v = vec![Vec::new(); data.enterprises.len()];
    for ev in &data.events {
        v[ev.enterprise].push(ev);
    }
    v
}
