//! The overall status of a project (总体状态) as data: the rules file's `[[statuses]]` in order of
//! precedence, each with a condition over the project's facts; the first that holds is the project's.
//! Without `[[statuses]]` the list is `contract_rules::default_statuses` (today's six statuses after
//! take_back, terminate and idle, which hold only when a contract clause or event sets them).

use super::assess::{StageResult, Status};
use super::clauses::Timeline;
use super::contract::Milestones;
use super::liability::Liability;
use super::rules::Loaded;
use crate::method::expr::{Env, Value};

/// What a status condition can read about one project (docs/standard-land.md lists the fields).
pub struct Facts<'a> {
    pub stages: &'a [StageResult],
    pub timeline: &'a Timeline,
    pub liability: &'a Liability,
    pub milestones: &'a Milestones,
}

impl Env for Facts<'_> {
    fn field(&self, name: &str) -> Value {
        let n = |x: usize| Value::Num(x as f64);
        if let Some(s) = Status::parse(name) {
            return n(self.stages.iter().filter(|x| x.status == s).count());
        }
        let t = self.timeline;
        match name {
            "take_back" => Value::Bool(t.take_back()),
            "terminate" => Value::Bool(t.terminate()),
            "idle" => Value::Bool(t.idle),
            "take_back_review" => Value::Bool(self.liability.take_back),
            "liability" => Value::Num(self.liability.capped),
            "items" => n(self.liability.items.iter().filter(|i| i.amount > 0.0).count()),
            "late_payment_days" => Value::Num(t.late_payment_days.max(0) as f64),
            "late_start_days" => Value::Num(t.late_start_days as f64),
            "unpaid" => n(t.unpaid),
            _ => Value::Missing,
        }
    }
    /// `has_tag('rectified')`: the project has an event of that kind (key or 中文).
    fn has_tag(&self, tag: &str) -> bool {
        let kind = super::contract::EventKind::parse(tag);
        self.milestones.events.iter().any(|e| Some(e.kind) == kind)
    }
}

/// Index into `rules.statuses` of the first status whose condition holds (the last holds always).
pub fn overall(rules: &Loaded, facts: &Facts) -> usize {
    let last = rules.statuses.len().saturating_sub(1);
    rules.statuses.iter().position(|s| s.when.as_ref().is_none_or(|w| w.eval(facts).truthy())).unwrap_or(last)
}
