//! Assessment of each project at each stage: agreed value, actual value, attainment, band, stage status
//! and the project's overall status (methodology.md 13 and 18.5, rules S1.1–S1.5 and S1.8).

use super::input::{Check, Inputs, Project, Source};
use super::rules::{Agreed, Direction, Loaded};
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
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Overdue, Status::Breach, Status::Rectify, Status::Incomplete, Status::Pending, Status::Pass];
    pub fn label(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Breach => "breach",
            Status::Rectify => "rectify",
            Status::Incomplete => "incomplete",
            Status::Pending => "pending",
            Status::Pass => "pass",
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
        }
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
    /// Days past the due date: as-of − due for an overdue stage.
    pub days_late: Option<i64>,
    /// Check date + rectification days, for a stage in rectify.
    pub rectify_by: Option<i64>,
    pub indicators: Vec<IndicatorResult>,
    pub note: String,
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

/// Assesses every stage of one project as of `as_of`.
pub fn stages(p: usize, inputs: &Inputs, rules: &Loaded, as_of: i64) -> Vec<StageResult> {
    let project = &inputs.projects[p];
    let mut out = Vec::new();
    for (s, stage) in rules.rules.stages.iter().enumerate() {
        let due = project.due(&stage.due);
        let mut r = StageResult {
            stage: s,
            status: Status::Pending,
            due,
            check: None,
            days_late: None,
            rectify_by: None,
            indicators: Vec::new(),
            note: String::new(),
        };
        match inputs.checks.get(&(p, s)) {
            None => match due {
                Some(d) if d < as_of => {
                    r.status = Status::Overdue;
                    r.days_late = Some(as_of - d);
                    r.note = format!("{} days late", as_of - d);
                }
                Some(d) => r.note = format!("due {}", dates::format(d)),
                None => r.note = format!("no {} date", stage.due),
            },
            Some(check) => {
                let env = CheckEnv { check, project };
                for (i, c) in rules.compiled.iter().enumerate().filter(|(_, c)| c.stage == s) {
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
                    Status::Rectify => {
                        let by = check.date + rules.rules.rectify.days;
                        r.rectify_by = Some(by);
                        notes.push(format!("rectify by {}", dates::format(by)));
                        if by < as_of {
                            notes.push(format!("deadline passed {} days ago without a later check", as_of - by));
                        }
                    }
                    Status::Incomplete => {
                        let missing: Vec<&str> = r
                            .indicators
                            .iter()
                            .filter(|x| x.band == Band::NoData)
                            .map(|x| rules.rules.indicators[x.indicator].key.as_str())
                            .collect();
                        notes.push(format!("no data for {}", missing.join(", ")));
                    }
                    _ => {}
                }
                r.note = notes.join("; ");
                r.check = Some(check.clone());
            }
        }
        out.push(r);
    }
    out
}

/// The overall status: the first of overdue, breach, rectify, incomplete, pending, pass present.
pub fn overall(stages: &[StageResult]) -> Status {
    stages.iter().map(|s| s.status).min().unwrap_or(Status::Pending)
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

    #[test]
    fn overall_takes_the_first_status_present() {
        let st = |status| StageResult {
            stage: 0,
            status,
            due: None,
            check: None,
            days_late: None,
            rectify_by: None,
            indicators: vec![],
            note: String::new(),
        };
        assert_eq!(overall(&[st(Status::Pass), st(Status::Pending)]), Status::Pending);
        assert_eq!(overall(&[st(Status::Rectify), st(Status::Overdue)]), Status::Overdue);
        assert_eq!(overall(&[st(Status::Breach), st(Status::Rectify)]), Status::Breach);
    }
}
