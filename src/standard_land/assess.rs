//! Assessment of each project at each stage: agreed value, actual value, attainment, band, stage status
//! and the project's overall status (methodology.md 13 and 18.5, rules S1.1–S1.5 and S1.8).

use super::clauses::Timeline;
use super::contract::EventKind;
use super::contract_rules::Clause;
use super::input::{Check, Inputs, Project, Source};
use super::rules::{Agreed, Direction, LateCount, Loaded};
use crate::dates;
use crate::method::expr::{Env, Value};

/// Band of one indicator's attainment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    Pass,
    /// The actual value could not be computed (a blank cell, a division by zero) or there is no agreed value.
    NoData,
    Rectify,
    Breach,
}

impl Band {
    pub fn label(self) -> &'static str {
        match self {
            Band::Pass => "pass",
            Band::NoData => "no data",
            Band::Rectify => "rectify",
            Band::Breach => "breach",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Band::Pass => "达标",
            Band::NoData => "无数据",
            Band::Rectify => "整改",
            Band::Breach => "违约",
        }
    }
}

impl crate::schema::Word for Band {
    fn code(self) -> &'static str {
        self.label()
    }
    fn zh(self) -> &'static str {
        Band::zh(self)
    }
}

/// A status's code is its label (`overdue`), as the tables write it.
impl crate::schema::Word for Status {
    fn code(self) -> &'static str {
        self.label()
    }
    fn zh(self) -> &'static str {
        Status::zh(self)
    }
}

/// Status of a stage or a project, in the order of precedence for the overall status (first present wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Overdue,
    Breach,
    Rectify,
    /// Checked, but at least one indicator has no data (and none is in breach or rectify).
    Incomplete,
    Pending,
    Pass,
    /// Not assessed: the contract ended (无偿收回, 解除合同) before the stage was due.
    Ended,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Overdue,
        Status::Breach,
        Status::Rectify,
        Status::Incomplete,
        Status::Pending,
        Status::Pass,
        Status::Ended,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Breach => "breach",
            Status::Rectify => "rectify",
            Status::Incomplete => "incomplete",
            Status::Pending => "pending",
            Status::Pass => "pass",
            Status::Ended => "ended",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Status::Overdue => "逾期",
            Status::Breach => "违约",
            Status::Rectify => "整改",
            Status::Incomplete => "数据不全",
            Status::Pending => "未到期",
            Status::Pass => "达标",
            Status::Ended => "合同终止",
        }
    }
    /// The status of a label as the tables write it.
    pub fn parse(label: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.label() == label)
    }
}

/// One indicator of one checked stage.
#[derive(Debug, Clone)]
pub struct IndicatorResult {
    pub indicator: usize,
    pub agreed: Option<(Agreed, Source)>,
    pub actual: Option<f64>,
    /// actual ÷ agreed (≥), agreed ÷ actual (≤, ∞ when actual is 0), the smaller of both for a range.
    pub attainment: Option<f64>,
    pub band: Band,
}

/// One stage of one project.
#[derive(Debug, Clone)]
pub struct StageResult {
    pub stage: usize,
    pub status: Status,
    pub due: Option<i64>,
    /// The check used (absent when the stage has no check row).
    pub check: Option<Check>,
    /// Days past the due date: as-of − due for an overdue stage, check date − due for a late check,
    /// actual date − due when the projects file gives the actual date (see `late`).
    pub days_late: Option<i64>,
    /// How the days late were counted (absent when the stage is not late).
    pub late: Option<StageLate>,
    /// Check date + rectification days, for a stage in rectify.
    pub rectify_by: Option<i64>,
    pub indicators: Vec<IndicatorResult>,
    pub note: String,
}

/// What a stage's days late count to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateBasis {
    /// The actual completion or production date of the projects file.
    Actual,
    /// The as-of date (or the contract's end): no check row.
    AsOf,
    /// The check date of a check after the due date.
    Check,
}

/// A stage's lateness: days = to − from (from = the due date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageLate {
    pub days: i64,
    pub from: i64,
    pub to: i64,
    pub basis: LateBasis,
}

/// Expression fields of a check: its columns, plus `land_mu`, `land_m2` and `land_price` of the project.
pub struct CheckEnv<'a> {
    pub check: &'a Check,
    pub project: &'a Project,
}

impl Env for CheckEnv<'_> {
    fn field(&self, name: &str) -> Value {
        match name {
            "land_mu" => Value::Num(self.project.land_mu),
            "land_m2" => Value::Num(self.project.land_m2),
            "land_price" => Value::Num(self.project.land_price),
            _ => self.check.values.get(name).cloned().unwrap_or(Value::Missing),
        }
    }
    fn has_tag(&self, _tag: &str) -> bool {
        false
    }
}

/// Attainment of `actual` against `agreed` (full precision; never rounded before banding).
pub fn attainment(actual: f64, agreed: Agreed, direction: Direction) -> f64 {
    let at_most = |limit: f64| if actual == 0.0 { f64::INFINITY } else { limit / actual };
    match (agreed, direction) {
        (Agreed::One(a), Direction::AtLeast) => actual / a,
        (Agreed::One(a), _) => at_most(a),
        (Agreed::Range { min, max }, _) => (actual / min).min(at_most(max)),
    }
}

/// The band of an attainment under the rules' thresholds.
pub fn band(att: f64, rules: &Loaded) -> Band {
    let b = &rules.rules.bands;
    if att.is_nan() {
        Band::NoData
    } else if att >= b.pass {
        Band::Pass
    } else if att >= b.rectify {
        Band::Rectify
    } else {
        Band::Breach
    }
}

/// What the stages of one project are assessed against.
pub struct StageCx<'a> {
    pub p: usize,
    pub inputs: &'a Inputs,
    pub rules: &'a Loaded,
    pub as_of: i64,
    pub timeline: &'a Timeline,
}

/// Assesses every stage of one project as of `as_of`; notes what each `rectified` event did in `events`.
pub fn stages(cx: &StageCx, events: &mut [String]) -> Vec<StageResult> {
    let project = &cx.inputs.projects[cx.p];
    let mut out = Vec::new();
    for s in 0..cx.rules.rules.stages.len() {
        let due = project.due(&cx.rules.rules.stages[s].due);
        let mut r = StageResult {
            stage: s,
            status: Status::Pending,
            due,
            check: None,
            days_late: None,
            late: None,
            rectify_by: None,
            indicators: Vec::new(),
            note: String::new(),
        };
        let check = cx.inputs.checks.get(&(cx.p, s));
        r.late = lateness(cx, s, due, check);
        r.days_late = r.late.map(|l| l.days);
        let end = cx.timeline.stop(cx.rules, Clause::LateCompletion);
        let unchecked = check.is_none_or(|c| c.derived_note.is_some());
        match (check, end) {
            (_, Some(e)) if unchecked && due.is_none_or(|d| d >= e) => ended(cx, &mut r, e),
            (None, _) => unchecked_stage(cx, &mut r),
            (Some(c), _) => checked_stage(cx, &mut r, c, events),
        }
        out.push(r);
    }
    out
}

/// The stage's days late: to the actual date (projects file), else to the as-of date when there is no
/// check row, else to a check dated after the due date; counted to the contract's end when late
/// completion stops at it.
fn lateness(cx: &StageCx, s: usize, due: Option<i64>, check: Option<&Check>) -> Option<StageLate> {
    let due = due?;
    let project = &cx.inputs.projects[cx.p];
    let stop = cx.timeline.stop(cx.rules, Clause::LateCompletion);
    let cut = |d: i64| stop.map_or(d, |e| d.min(e));
    let actual = project.milestones.actual(&cx.rules.rules.stages[s].due).filter(|a| *a <= cx.as_of);
    let (to, basis) = match (actual, check) {
        (Some(a), _) => (cut(a), LateBasis::Actual),
        (None, None) => (cut(cx.as_of), LateBasis::AsOf),
        (None, Some(c)) if c.derived_note.is_none() => (cut(c.date), LateBasis::Check),
        _ => return None,
    };
    (to > due).then_some(StageLate { days: to - due, from: due, to, basis })
}

fn ended(cx: &StageCx, r: &mut StageResult, end: i64) {
    let by = cx.timeline.end.as_ref().map(|e| e.kind.zh()).unwrap_or_default();
    r.status = Status::Ended;
    r.late = None;
    r.days_late = None;
    r.note = match r.due {
        Some(d) => format!(
            "not assessed: the contract ended {} ({by}), before the due date {}",
            dates::format(end),
            dates::format(d)
        ),
        None => format!("not assessed: the contract ended {} ({by})", dates::format(end)),
    };
}

/// A stage without a check row: overdue after its due date, else pending.
fn unchecked_stage(cx: &StageCx, r: &mut StageResult) {
    let stage = &cx.rules.rules.stages[r.stage];
    let actual = cx.inputs.projects[cx.p].milestones.actual(&stage.due).filter(|a| *a <= cx.as_of);
    match r.due {
        Some(d) if d < cx.as_of => {
            r.status = Status::Overdue;
            r.note = match (actual, r.late) {
                // Done (the projects file dates it) but not checked: the check is what is overdue.
                (Some(a), late) => {
                    let when = late.map_or("in time".to_string(), |l| format!("{} days late", l.days));
                    format!("no check row {} days after the due date; done {} ({when})", cx.as_of - d, dates::format(a))
                }
                (None, Some(l)) if l.to < cx.as_of => {
                    format!("{} days late, counted to the contract's end on {}", l.days, dates::format(l.to))
                }
                (None, _) => format!("{} days late", cx.as_of - d),
            };
        }
        Some(d) => r.note = format!("due {}", dates::format(d)),
        None => r.note = format!("no {} date", stage.due),
    }
}

fn checked_stage(cx: &StageCx, r: &mut StageResult, check: &Check, events: &mut [String]) {
    let (rules, project) = (cx.rules, &cx.inputs.projects[cx.p]);
    let env = CheckEnv { check, project };
    for (i, c) in rules.compiled.iter().enumerate().filter(|(_, c)| c.stage == r.stage) {
        let agreed = project.agreed[i];
        let actual = match c.actual.eval(&env) {
            Value::Num(x) if x.is_finite() => Some(x),
            _ => None,
        };
        let attainment = match (actual, agreed) {
            (Some(x), Some((a, _))) => Some(attainment(x, a, c.direction)),
            _ => None,
        };
        let band = attainment.map_or(Band::NoData, |a| band(a, rules));
        r.indicators.push(IndicatorResult { indicator: i, agreed, actual, attainment, band });
    }
    let worst = r.indicators.iter().map(|x| x.band).max().unwrap_or(Band::Pass);
    r.status = match worst {
        Band::Pass => Status::Pass,
        Band::NoData => Status::Incomplete,
        Band::Rectify => Status::Rectify,
        Band::Breach => Status::Breach,
    };
    let mut notes = Vec::new();
    if let Some(n) = &check.derived_note {
        notes.push(n.clone());
    }
    match r.status {
        Status::Rectify => rectify_notes(cx, r, check, events, &mut notes),
        Status::Incomplete => {
            let missing: Vec<&str> = r
                .indicators
                .iter()
                .filter(|x| x.band == Band::NoData)
                .map(|x| rules.rules.indicators[x.indicator].key.as_str())
                .collect();
            notes.push(format!("no data for {}", missing.join(", ")));
        }
        Status::Breach => {
            if let Some((k, e)) = rectified(cx, r.stage, check) {
                notes.push(format!(
                    "rectification accepted {} ({}); the breach liability stays",
                    dates::format(e),
                    EventKind::Rectified.zh()
                ));
                events[k] = format!(
                    "{}: noted; the stage is in breach, its liability stays",
                    cx.rules.rules.stages[r.stage].name
                );
            }
        }
        _ => {}
    }
    // A late check is noted where it is charged (the S1 notes of late checks are empty).
    let late_rule = rules.rules.stages[r.stage].late.as_ref();
    let charged =
        |l: &StageLate| l.basis == LateBasis::Actual || late_rule.is_some_and(|x| x.count == LateCount::AlsoLateCheck);
    if let Some(l) = r.late.filter(|l| l.basis != LateBasis::AsOf && charged(l)) {
        let what = if l.basis == LateBasis::Actual { "done" } else { "checked" };
        notes.push(format!("{what} {} days after the due date", l.days));
    }
    if let Some(e) = cx.timeline.stop(cx.rules, Clause::Indicators).filter(|e| check.date > *e) {
        notes.push(format!("checked after the contract ended {}: indicator items not charged", dates::format(e)));
    }
    r.note = notes.join("; ");
    r.check = Some(check.clone());
}

/// The first `rectified` event of the stage on or after its check date: (event index, date).
fn rectified(cx: &StageCx, stage: usize, check: &Check) -> Option<(usize, i64)> {
    let events = &cx.inputs.projects[cx.p].milestones.events;
    events
        .iter()
        .enumerate()
        .find(|(_, e)| e.kind == EventKind::Rectified && e.date >= check.date && e.stage.is_none_or(|s| s == stage))
        .map(|(k, e)| (k, e.date))
}

/// A stage in rectify: its deadline, and either the accepted rectification (the stage passes) or how long
/// ago the deadline passed.
fn rectify_notes(cx: &StageCx, r: &mut StageResult, check: &Check, events: &mut [String], notes: &mut Vec<String>) {
    let by = check.date + cx.rules.rules.rectify.days;
    r.rectify_by = Some(by);
    notes.push(format!("rectify by {}", dates::format(by)));
    match rectified(cx, r.stage, check) {
        Some((k, d)) => {
            r.status = Status::Pass;
            let late = if d > by { format!(", {} days after the deadline", d - by) } else { String::new() };
            notes.push(format!("rectification accepted {} (整改验收通过{late})", dates::format(d)));
            events[k] = format!("{}: rectification accepted; the stage passes", cx.rules.rules.stages[r.stage].name);
        }
        None if by < cx.as_of => {
            notes.push(format!("deadline passed {} days ago without a later check", cx.as_of - by));
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attainment_by_direction() {
        // ≥: 120 ÷ 150 = 0.8; ≤: 7 ÷ 5 = 1.4; ≤ with actual 0: ∞.
        assert_eq!(attainment(120.0, Agreed::One(150.0), Direction::AtLeast), 0.8);
        assert_eq!(attainment(5.0, Agreed::One(7.0), Direction::AtMost), 1.4);
        assert_eq!(attainment(0.0, Agreed::One(7.0), Direction::AtMost), f64::INFINITY);
        // range 0.7–1.8: 0.56 ÷ 0.7 = 0.8 below; 1.8 ÷ 2.0 = 0.9 above; inside ≥ 1.
        let r = Agreed::Range { min: 0.7, max: 1.8 };
        assert!((attainment(0.56, r, Direction::Between) - 0.8).abs() < 1e-12);
        assert_eq!(attainment(2.0, r, Direction::Between), 0.9);
        assert!(attainment(1.0, r, Direction::Between) >= 1.0);
    }
}
