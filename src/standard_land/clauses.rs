//! The clauses tied to contract milestones (履约节点): late payment of the land price, late start of
//! construction, idle land (闲置土地), and what ends the contract (无偿收回, 解除合同). Each item carries its
//! arithmetic and the dates it counts between; each milestone becomes a row of milestones.csv.
//!
//! Days late = the later date − the due date (the due date itself is in time). The contract's end is the
//! earliest end of a kind in `[contract_end] by` on or before the as-of date; clauses in `stops` count
//! their days to it and charge nothing that arises after it.

use super::contract::{EventKind, Instalment, Milestones};
use super::contract_rules::{Clause, EndKind, LeapDay, PaymentBase};
use super::input::Project;
use super::liability::{short, Item, ItemKind};
use super::rules::Loaded;
use crate::dates::{self, format as day};

/// An end of the contract: what, from when, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct End {
    pub kind: EndKind,
    pub date: i64,
    pub why: String,
    /// The same in Chinese (the PDF).
    pub zh: String,
    /// Whether it ends the contract: an event does; a trigger does while its breach is uncured at the
    /// as-of date (and `[contract_end] triggers` is on); otherwise it is a flag only.
    pub ends: bool,
}

/// What a row of milestones.csv is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneKind {
    Instalment,
    Start,
    IdleFee,
    IdleTakeBack,
    Stage,
    Event,
    End,
}

impl MilestoneKind {
    pub fn key(self) -> &'static str {
        match self {
            MilestoneKind::Instalment => "instalment",
            MilestoneKind::Start => "start",
            MilestoneKind::IdleFee => "idle_fee",
            MilestoneKind::IdleTakeBack => "idle_take_back",
            MilestoneKind::Stage => "stage",
            MilestoneKind::Event => "event",
            MilestoneKind::End => "contract_end",
        }
    }
}

/// A row of milestones.csv.
#[derive(Debug, Clone)]
pub struct MilestoneRow {
    /// 缴款 第1期, 开工, 闲置满1年, 竣工验收, 整改验收通过, 合同终止 …
    pub milestone: String,
    pub kind: MilestoneKind,
    /// The agreed date (due date, anniversary).
    pub due: Option<i64>,
    /// What happened, and when (payment, start, completion, event date).
    pub actual: Option<i64>,
    /// 万元: the instalment, the event's amount.
    pub amount: Option<f64>,
    pub days_late: Option<i64>,
    /// The item charged for it, 万元.
    pub item: Option<f64>,
    pub note: String,
}

/// What one project's milestones give.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// The contract's end, if it ended by the as-of date.
    pub end: Option<End>,
    /// Every end found by the as-of date and not after the contract's end (each is a flag).
    pub ends: Vec<End>,
    pub items: Vec<Item>,
    pub rows: Vec<MilestoneRow>,
    /// Not started by the idle-fee anniversary (and that before the contract's end).
    pub idle: bool,
    pub late_payment_days: i64,
    pub late_start_days: i64,
    /// Instalments past due and unpaid at the as-of date.
    pub unpaid: usize,
}

impl Timeline {
    /// Ended by take-back (无偿收回), by a trigger or an event.
    pub fn take_back(&self) -> bool {
        self.ends.iter().any(|e| e.kind == EndKind::TakeBack && e.ends)
    }
    /// Ended by termination (解除合同), by a trigger or an event.
    pub fn terminate(&self) -> bool {
        self.ends.iter().any(|e| e.kind == EndKind::Terminate && e.ends)
    }
    /// The contract's end date, if `clause` stops at it.
    pub fn stop(&self, rules: &Loaded, clause: Clause) -> Option<i64> {
        self.end.as_ref().filter(|_| rules.rules.contract_end.stops(clause)).map(|e| e.date)
    }
}

/// The scope of an instalment in item texts: `缴款` or `缴款 第2期`.
fn scope(i: &Instalment) -> String {
    if i.label.is_empty() {
        "缴款".into()
    } else {
        format!("缴款 {}", i.label)
    }
}

/// The date an instalment counts to: its payment, or the as-of date while unpaid (or paid later).
fn paid_by(i: &Instalment, as_of: i64) -> i64 {
    i.paid.filter(|p| *p <= as_of).unwrap_or(as_of)
}

/// Not started by `anniversary`, seen at the as-of date (the anniversary itself is in time).
fn idle_at(m: &Milestones, anniversary: i64, as_of: i64) -> bool {
    as_of > anniversary && m.start.filter(|s| *s <= as_of).is_none_or(|s| s > anniversary)
}

fn anniversary(m: &Milestones, years: i32, leap: LeapDay) -> Option<i64> {
    m.start_due.map(|d| dates::anniversary(d, years, leap == LeapDay::Mar1))
}

/// Every end of the contract found by the as-of date, by date.
fn ends(p: &Project, rules: &Loaded, as_of: i64) -> Vec<End> {
    let m = &p.milestones;
    let mut v = Vec::new();
    let triggers = rules.rules.contract_end.triggers;
    if let Some(idle) = &rules.rules.idle {
        let years = idle.take_back_after_years;
        if let (Some(n), Some(a)) = (years, years.and_then(|n| anniversary(m, n, idle.leap_day))) {
            if idle_at(m, a, as_of) {
                let agreed = day(m.start_due.unwrap_or_default());
                let started = m.start.filter(|s| *s <= as_of);
                let cured =
                    started.map(|s| format!("; started {}, so the contract continues", day(s))).unwrap_or_default();
                let why = format!(
                    "not started by {} ({n} years after the agreed start {agreed}) → take-back without compensation (无偿收回){cured}",
                    day(a)
                );
                let ends = triggers && started.is_none();
                let cured = started.map(|s| format!(", 已于 {} 动工, 合同继续", day(s))).unwrap_or_default();
                let zh = format!("约定开工日 {agreed} 起满 {n} 年 ({}) 未动工, 可无偿收回{cured}", day(a));
                v.push(End { kind: EndKind::TakeBack, date: a + 1, why, zh, ends });
            }
        }
    }
    if let Some(n) = rules.rules.late_payment.as_ref().and_then(|l| l.terminate_after_days) {
        for i in m.instalments.iter().filter(|i| paid_by(i, as_of) - i.due > n) {
            let deposit = p.deposit.map(|d| format!(" {} 万元", short(d))).unwrap_or_default();
            let unpaid = i.paid.is_none_or(|d| d > as_of);
            let state = if unpaid { "unpaid" } else { "paid" };
            let why = format!(
                "{} {state} {} days late (> {n}) → may terminate the contract (解除合同, 定金{deposit}不予退还)",
                scope(i),
                paid_by(i, as_of) - i.due
            );
            let zh = format!(
                "{} {}逾期 {} 天 (超过 {n} 天), 可解除合同, 定金{deposit}不予退还",
                scope(i),
                if unpaid { "未缴, " } else { "已缴, " },
                paid_by(i, as_of) - i.due
            );
            v.push(End { kind: EndKind::Terminate, date: i.due + n + 1, why, zh, ends: triggers && unpaid });
        }
    }
    for e in &m.events {
        let (kind, what) = match e.kind {
            EventKind::TakeBack => (EndKind::TakeBack, "land taken back (收回土地)"),
            EventKind::Terminated => (EndKind::Terminate, "contract terminated (解除合同)"),
            _ => continue,
        };
        let (why, zh) = (format!("{what} on {}", day(e.date)), format!("{} {}", day(e.date), e.kind.zh()));
        v.push(End { kind, date: e.date, why, zh, ends: true });
    }
    v.sort_by_key(|e| e.date);
    v
}

/// The project's timeline as of `as_of`: its ends, and the items and rows of its milestones.
pub fn timeline(p: &Project, rules: &Loaded, as_of: i64) -> Timeline {
    let all = ends(p, rules, as_of);
    let by = &rules.rules.contract_end.by;
    let end = all.iter().filter(|e| e.ends && by.contains(&e.kind)).min_by_key(|e| e.date).cloned();
    let ends = all.into_iter().filter(|e| end.as_ref().is_none_or(|x| e.date <= x.date)).collect();
    let mut t = Timeline { end, ends, ..Default::default() };
    payments(&mut t, p, rules, as_of);
    start(&mut t, p, rules, as_of);
    idle(&mut t, p, rules, as_of);
    if let Some(e) = &t.end {
        let stops: Vec<&str> = rules.rules.contract_end.stops.iter().map(|c| c.key()).collect();
        t.rows.push(MilestoneRow {
            milestone: format!("合同终止 ({})", e.kind.zh()),
            kind: MilestoneKind::End,
            due: None,
            actual: Some(e.date),
            amount: None,
            days_late: None,
            item: None,
            note: format!("{}; stopped from this date: {}", e.why, stops.join(", ")),
        });
    }
    t
}

/// A per-day item: base × rate × days, counted from `from` to `to`.
#[allow(clippy::too_many_arguments)]
pub fn per_day(clause: Clause, scope: String, label: &str, base: f64, rate: f64, from: i64, to: i64) -> Item {
    let days = to - from;
    Item {
        clause,
        stage: None,
        scope,
        label: label.to_string(),
        indicator: None,
        kind: ItemKind::LatePerDay,
        amount: base * rate * days as f64,
        formula: format!("{} × {} × {days} days ({} → {})", short(base), short(rate), day(from), day(to)),
        action: String::new(),
        days: Some(days),
        from: Some(from),
        to: Some(to),
    }
}

/// Words for the date a per-day count stops at.
fn counted_to(to: i64, actual: Option<i64>, stop: Option<i64>, as_of: i64, what: &str) -> String {
    match actual {
        _ if stop == Some(to) => format!("counted to the contract's end on {}", day(to)),
        Some(a) if a <= as_of => format!("{what} {}", day(a)),
        Some(a) => format!("{what} {}, after the as-of date: counted to the as-of date", day(a)),
        None => format!("not yet at the as-of date {}", day(as_of)),
    }
}

fn payments(t: &mut Timeline, p: &Project, rules: &Loaded, as_of: i64) {
    let rule = rules.rules.late_payment.as_ref();
    let stop = t.stop(rules, Clause::LatePayment);
    for i in &p.milestones.instalments {
        let to = stop.map_or(paid_by(i, as_of), |e| paid_by(i, as_of).min(e));
        let days = to - i.due;
        t.unpaid += usize::from(i.due < as_of && i.paid.is_none_or(|d| d > as_of));
        t.late_payment_days = t.late_payment_days.max(days);
        let unpaid = i.paid.is_none_or(|d| d > as_of);
        let mut note = match stop {
            Some(e) if e <= i.due && unpaid => format!("due {}, after the contract's end on {}", day(i.due), day(e)),
            _ if i.due >= as_of && unpaid => format!("due {}", day(i.due)),
            _ if days > 0 => format!("{days} days late: {}", counted_to(to, i.paid, stop, as_of, "paid")),
            _ => format!("paid {} (in time)", day(i.paid.unwrap_or(to))),
        };
        let item = match rule.filter(|_| days > 0) {
            Some(r) => {
                let base = if r.base == PaymentBase::LandPrice { p.land_price } else { i.amount };
                let it = per_day(Clause::LatePayment, scope(i), &r.label, base, r.rate, i.due, to);
                let amount = it.amount;
                t.items.push(it);
                Some(amount)
            }
            None => None,
        };
        let limit = rule.and_then(|r| r.terminate_after_days);
        if let Some(n) = limit.filter(|n| paid_by(i, as_of) - i.due > *n) {
            note.push_str(&format!("; more than {n} days late: termination flag (解除合同)"));
        }
        t.rows.push(MilestoneRow {
            milestone: scope(i),
            kind: MilestoneKind::Instalment,
            due: Some(i.due),
            actual: i.paid,
            amount: Some(i.amount),
            days_late: (days > 0).then_some(days),
            item,
            note,
        });
    }
}

fn start(t: &mut Timeline, p: &Project, rules: &Loaded, as_of: i64) {
    let m = &p.milestones;
    let Some(due) = m.start_due else {
        if let Some(s) = m.start {
            let note = "no agreed start date (start_due): lateness not assessed".to_string();
            let row = MilestoneRow {
                milestone: "开工".into(),
                kind: MilestoneKind::Start,
                due: None,
                actual: Some(s),
                amount: None,
                days_late: None,
                item: None,
                note,
            };
            t.rows.push(row);
        }
        return;
    };
    let stop = t.stop(rules, Clause::LateStart);
    let reached = m.start.filter(|s| *s <= as_of).unwrap_or(as_of);
    let to = stop.map_or(reached, |e| reached.min(e));
    let days = to - due;
    t.late_start_days = days.max(0);
    let note = if days > 0 {
        format!("{days} days late: {}", counted_to(to, m.start, stop, as_of, "started"))
    } else if m.start.is_some_and(|s| s <= as_of) {
        format!("started {} (in time)", day(reached))
    } else if let Some(e) = t.end.as_ref().filter(|e| e.date <= due) {
        format!("due {}, after the contract's end on {}", day(due), day(e.date))
    } else {
        format!("due {}", day(due))
    };
    let item = match rules.rules.late_start.as_ref().filter(|_| days > 0) {
        Some(r) => {
            let it = per_day(Clause::LateStart, "开工".into(), &r.label, p.land_price, r.rate, due, to);
            let amount = it.amount;
            t.items.push(it);
            Some(amount)
        }
        None => None,
    };
    let row = MilestoneRow {
        milestone: "开工".into(),
        kind: MilestoneKind::Start,
        due: Some(due),
        actual: m.start,
        amount: None,
        days_late: (days > 0).then_some(days),
        item,
        note,
    };
    t.rows.push(row);
}

/// Why an idle anniversary did not trigger: started in time, the contract ended before it, or not yet.
fn not_idle(t: &Timeline, m: &Milestones, anniversary: i64, as_of: i64, what: &str) -> String {
    match (m.start.filter(|s| *s <= as_of), &t.end) {
        (Some(s), _) => format!("started {} (in time)", day(s)),
        (None, Some(e)) if e.date <= anniversary => {
            format!("the contract ended {} before {}", day(e.date), day(anniversary))
        }
        (None, _) => format!("{what} if not started by {}", day(anniversary)),
    }
}

fn idle(t: &mut Timeline, p: &Project, rules: &Loaded, as_of: i64) {
    let m = &p.milestones;
    let (Some(rule), Some(agreed)) = (&rules.rules.idle, m.start_due) else { return };
    let n = rule.fee_after_years;
    let Some(a1) = anniversary(m, n, rule.leap_day) else { return };
    let after_end = t.end.as_ref().is_some_and(|e| a1 + 1 > e.date);
    let stopped = after_end && rules.rules.contract_end.stops(Clause::IdleFee);
    let triggered = idle_at(m, a1, as_of);
    let years = |k: i32| if k == 1 { "1 year".to_string() } else { format!("{k} years") };
    let mut item = None;
    let note = if triggered && !stopped {
        t.idle = true;
        let formula = format!(
            "{} × {} (not started by {}, {} after the agreed start {})",
            short(p.land_price),
            short(rule.fee_share),
            day(a1),
            years(n),
            day(agreed)
        );
        let amount = p.land_price * rule.fee_share;
        item = Some(amount);
        t.items.push(Item {
            clause: Clause::IdleFee,
            stage: None,
            scope: "闲置土地".into(),
            label: rule.label.clone(),
            indicator: None,
            kind: ItemKind::ShareOfPrice,
            amount,
            formula,
            action: String::new(),
            days: None,
            from: Some(agreed),
            to: Some(a1),
        });
        format!("idle land (闲置土地): not started by {} ({} after {})", day(a1), years(n), day(agreed))
    } else if triggered {
        format!("not started by {}, but the contract ended before: no idle fee", day(a1))
    } else {
        not_idle(t, m, a1, as_of, "idle")
    };
    let row = |milestone: String, kind, due: i64, item: Option<f64>, note: String| MilestoneRow {
        milestone,
        kind,
        due: Some(due),
        actual: m.start,
        amount: None,
        days_late: None,
        item,
        note,
    };
    t.rows.push(row(format!("闲置满{n}年"), MilestoneKind::IdleFee, a1, item, note));
    if let Some(k) = rule.take_back_after_years {
        let a2 = anniversary(m, k, rule.leap_day).unwrap_or(a1);
        let note = match t.ends.iter().find(|e| e.kind == EndKind::TakeBack && e.date == a2 + 1) {
            Some(e) => e.why.clone(),
            None if idle_at(m, a2, as_of) => format!("not started by {}, but the contract ended before", day(a2)),
            None => not_idle(t, m, a2, as_of, "take-back (无偿收回)"),
        };
        t.rows.push(row(format!("闲置满{k}年"), MilestoneKind::IdleTakeBack, a2, None, note));
    }
}

/// What an event did, when no stage or item took it up: an end of the contract, or nothing (said so).
pub fn event_effect(e: &super::contract::Event, t: &Timeline) -> String {
    let end = t.end.as_ref();
    match e.kind {
        EventKind::TakeBack | EventKind::Terminated if end.is_some_and(|x| x.date == e.date) => {
            "ends the contract".to_string()
        }
        EventKind::TakeBack | EventKind::Terminated => match end {
            Some(x) if x.date < e.date => format!("after the contract's end on {}: no effect", day(x.date)),
            _ => "recorded; this end is not in [contract_end] by: items continue".to_string(),
        },
        EventKind::ShortfallPaid => "no effect: no shortfall with late interest was due before it".to_string(),
        EventKind::Rectified => "no effect: no stage in rectify or breach was checked before it".to_string(),
    }
}
