//! The contract clauses of the standard-land rules file (标准地出让合同的违约条款) besides the indicator
//! checks: late payment of the land price, late start of construction, idle land (闲置土地), late interest
//! on a shortfall paid in cash, what ends the contract and what that stops, and the overall statuses.
//! docs/standard-land.md explains every key; loading checks them and names the key of every problem.

use crate::error::{Error, Result};
use crate::method::expr::{self, Expr};
use serde::Deserialize;
use std::path::Path;

/// What a liability item is charged under. The keys are written in liabilities.csv and named by
/// `[contract_end] stops` and `[liability] cap_excludes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clause {
    /// 逾期缴纳土地出让价款: amount late × rate × days.
    LatePayment,
    /// 逾期开工: land price × rate × days.
    LateStart,
    /// 土地闲置费: a share of the land price once the land is idle a year.
    IdleFee,
    /// 逾期竣工 / 逾期达产: a stage's `late` rule, land price × rate × days.
    LateCompletion,
    /// An indicator's shortfall (the `liability` of `[[indicators]]`).
    Indicators,
    /// Late interest on a shortfall paid in cash (an indicator's `interest`).
    ShortfallInterest,
}

impl Clause {
    pub const ALL: [Clause; 6] = [
        Clause::LatePayment,
        Clause::LateStart,
        Clause::IdleFee,
        Clause::LateCompletion,
        Clause::Indicators,
        Clause::ShortfallInterest,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Clause::LatePayment => "late_payment",
            Clause::LateStart => "late_start",
            Clause::IdleFee => "idle_fee",
            Clause::LateCompletion => "late_completion",
            Clause::Indicators => "indicators",
            Clause::ShortfallInterest => "shortfall_interest",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Clause::LatePayment => "逾期缴纳出让价款",
            Clause::LateStart => "逾期开工",
            Clause::IdleFee => "土地闲置费",
            Clause::LateCompletion => "逾期竣工/达产",
            Clause::Indicators => "指标未达约定",
            Clause::ShortfallInterest => "差额逾期缴纳",
        }
    }
}

/// What ends a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndKind {
    /// 无偿收回: idle two years (`[idle] take_back_after_years`), or a `take_back` event.
    TakeBack,
    /// 解除合同: the land price more than `[late_payment] terminate_after_days` late, or a `terminated` event.
    Terminate,
}

impl EndKind {
    pub fn key(self) -> &'static str {
        match self {
            EndKind::TakeBack => "take_back",
            EndKind::Terminate => "terminate",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            EndKind::TakeBack => "无偿收回",
            EndKind::Terminate => "解除合同",
        }
    }
}

fn late_payment_label() -> String {
    "逾期缴纳出让价款".into()
}
fn late_start_label() -> String {
    "逾期开工".into()
}
fn idle_label() -> String {
    "土地闲置费".into()
}
fn interest_label() -> String {
    "差额逾期缴纳违约金".into()
}
fn one_year() -> i32 {
    1
}
fn yes() -> bool {
    true
}

/// 逾期缴纳土地出让价款: each instalment paid after its due date costs base × rate per day late, counted to
/// the payment date (or the as-of date while unpaid).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatePayment {
    /// Per day (0.001 = 1‰).
    pub rate: f64,
    #[serde(default = "late_payment_label")]
    pub label: String,
    /// What the rate is applied to: the late instalment (迟延支付款项, the default) or the whole land price.
    #[serde(default)]
    pub base: PaymentBase,
    /// More days late than this → flag for termination (解除合同, 定金不予退还); absent = never.
    #[serde(default)]
    pub terminate_after_days: Option<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentBase {
    #[default]
    Instalment,
    LandPrice,
}

/// 逾期开工: land price × rate per day from the agreed start (`start_due`) to the actual start (or the
/// as-of date while not started).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateStart {
    pub rate: f64,
    #[serde(default = "late_start_label")]
    pub label: String,
}

/// 闲置土地 (闲置土地处置办法 art. 14): not started by the `fee_after_years`-th anniversary of the agreed
/// start → idle fee = `fee_share` × land price; not started by the `take_back_after_years`-th → take-back
/// without compensation (无偿收回).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idle {
    #[serde(default = "idle_label")]
    pub label: String,
    #[serde(default = "one_year")]
    pub fee_after_years: i32,
    pub fee_share: f64,
    #[serde(default)]
    pub take_back_after_years: Option<i32>,
    /// The anniversary of 29 February in a common year.
    #[serde(default)]
    pub leap_day: LeapDay,
}

/// The anniversary of 29 February in a year without one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeapDay {
    /// 28 February: the month has no 29th, so the period ends on its last day (民法典 art. 203).
    #[default]
    Feb28,
    /// 1 March.
    Mar1,
}

/// Late interest on an indicator's shortfall paid in cash (e.g. 税收差额): the item's amount × rate per day
/// from the payment due date (the check date, or the stage's due date, plus `grace_days`) to the date a
/// `shortfall_paid` event records (or the as-of date while unpaid).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interest {
    pub rate: f64,
    #[serde(default = "interest_label")]
    pub label: String,
    #[serde(default)]
    pub from: InterestFrom,
    #[serde(default)]
    pub grace_days: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestFrom {
    /// The check date (复核日期) of the stage.
    #[default]
    Check,
    /// The stage's due date (约定达产日期).
    Due,
}

/// What ends a contract and which clauses stop at its end: per-day items are counted to the end date, items
/// arising after it are not charged, and stages due after it are `ended`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContractEnd {
    #[serde(default = "end_by_all")]
    pub by: Vec<EndKind>,
    #[serde(default = "all_clauses")]
    pub stops: Vec<Clause>,
    /// Whether a clause's trigger (idle past the take-back anniversary, a payment more than
    /// `terminate_after_days` late) ends the contract on the day it is met, when the breach is still
    /// uncured at the as-of date; `false`: only `take_back` / `terminated` events end it.
    #[serde(default = "yes")]
    pub triggers: bool,
}

fn end_by_all() -> Vec<EndKind> {
    vec![EndKind::TakeBack, EndKind::Terminate]
}
fn all_clauses() -> Vec<Clause> {
    Clause::ALL.to_vec()
}

impl Default for ContractEnd {
    fn default() -> Self {
        ContractEnd { by: end_by_all(), stops: all_clauses(), triggers: true }
    }
}

impl ContractEnd {
    pub fn stops(&self, c: Clause) -> bool {
        self.stops.contains(&c)
    }
}

/// One overall status: the first whose `when` holds is the project's (an absent `when` always holds).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRule {
    /// Written in projects.csv `overall` and as a column of by_park.csv / by_county.csv.
    pub key: String,
    /// 中文, written in projects.csv `overall_zh` and the PDF.
    pub zh: String,
    #[serde(default)]
    pub when: Option<String>,
    /// Listed among the projects needing action (the printed summary, the PDF's table).
    #[serde(default = "yes")]
    pub action: bool,
}

/// A status with its condition parsed.
#[derive(Debug, Clone)]
pub struct CompiledStatus {
    pub key: String,
    pub zh: String,
    pub when: Option<Expr>,
    pub action: bool,
}

/// Fields a status condition may read (docs/standard-land.md explains each).
pub const STATUS_FIELDS: [&str; 16] = [
    "overdue",
    "breach",
    "rectify",
    "incomplete",
    "pending",
    "pass",
    "ended",
    "take_back",
    "terminate",
    "idle",
    "take_back_review",
    "liability",
    "items",
    "late_payment_days",
    "late_start_days",
    "unpaid",
];

/// The statuses when the rules file lists none: today's six, after the three a contract clause can set
/// (they never hold without those clauses or events).
pub fn default_statuses() -> Vec<StatusRule> {
    let s = |key: &str, zh: &str, when: Option<&str>, action: bool| StatusRule {
        key: key.into(),
        zh: zh.into(),
        when: when.map(String::from),
        action,
    };
    vec![
        s("take_back", "无偿收回", Some("take_back"), true),
        s("terminate", "解除合同", Some("terminate"), true),
        s("idle", "闲置土地", Some("idle"), true),
        s("overdue", "逾期", Some("overdue > 0"), true),
        s("breach", "违约", Some("breach > 0"), true),
        s("rectify", "整改", Some("rectify > 0"), true),
        s("incomplete", "数据不全", Some("incomplete > 0"), true),
        s("pending", "未到期", Some("pending > 0"), false),
        s("pass", "达标", None, false),
    ]
}

/// Columns of by_park.csv / by_county.csv a status key must not take.
const GROUP_COLUMNS: [&str; 8] =
    ["projects", "land_mu", "land_price", "breach_indicators", "liability", "cap_hit", "take_back_review", "county"];

fn bad(path: &Path, key: &str, problem: String) -> Error {
    Error::BadInput(format!("rules file {}: `{key}`: {problem}", path.display()))
}

/// Checks the statuses and parses their conditions.
pub fn compile_statuses(list: &[StatusRule], path: &Path) -> Result<Vec<CompiledStatus>> {
    if list.is_empty() {
        return Err(bad(path, "statuses", "list at least one status, or leave [[statuses]] out".into()));
    }
    let mut out = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let key = format!("statuses[{i}] ({})", s.key);
        let plain = s.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if s.key.is_empty() || !plain {
            return Err(bad(path, &key, "the key must be lower-case letters, digits and _".into()));
        }
        let clash = GROUP_COLUMNS.contains(&s.key.as_str()) || s.key == "park" || s.key.ends_with("_amount");
        if clash || list[..i].iter().any(|o| o.key == s.key) {
            return Err(bad(path, &key, "the key is listed twice or is a column of by_park.csv".into()));
        }
        let when = match s.when.as_deref().map(str::trim) {
            None | Some("true") => None,
            Some(w) => {
                let e = expr::parse(w).map_err(|p| bad(path, &format!("{key}.when"), p))?;
                let mut fields = Vec::new();
                e.fields(&mut fields);
                if let Some(f) = fields.iter().find(|f| !STATUS_FIELDS.contains(&f.as_str())) {
                    let known = STATUS_FIELDS.join(", ");
                    return Err(bad(path, &format!("{key}.when"), format!("'{f}' is not a field (known: {known})")));
                }
                Some(e)
            }
        };
        if i + 1 == list.len() && when.is_some() {
            return Err(bad(path, &key, "the last status takes every other project: leave out its `when`".into()));
        }
        out.push(CompiledStatus { key: s.key.clone(), zh: s.zh.clone(), when, action: s.action });
    }
    Ok(out)
}

fn rate_ok(r: f64) -> bool {
    r.is_finite() && r >= 0.0
}

/// Checks the values of the contract clauses; returns the statuses with their conditions parsed.
pub fn check(rules: &super::rules::Rules, path: &Path) -> Result<Vec<CompiledStatus>> {
    if let Some(l) = &rules.late_payment {
        if !rate_ok(l.rate) {
            return Err(bad(path, "late_payment.rate", format!("{} is not a rate ≥ 0", l.rate)));
        }
        if l.terminate_after_days.is_some_and(|d| d < 0) {
            return Err(bad(path, "late_payment.terminate_after_days", "must be ≥ 0".into()));
        }
    }
    if let Some(l) = &rules.late_start {
        if !rate_ok(l.rate) {
            return Err(bad(path, "late_start.rate", format!("{} is not a rate ≥ 0", l.rate)));
        }
    }
    if let Some(i) = &rules.idle {
        if !(i.fee_share.is_finite() && (0.0..=1.0).contains(&i.fee_share)) {
            return Err(bad(path, "idle.fee_share", format!("{} is not a share between 0 and 1", i.fee_share)));
        }
        if i.fee_after_years < 1 {
            return Err(bad(path, "idle.fee_after_years", "must be 1 or more".into()));
        }
        if i.take_back_after_years.is_some_and(|t| t <= i.fee_after_years) {
            return Err(bad(path, "idle.take_back_after_years", "must be more than fee_after_years".into()));
        }
    }
    match &rules.statuses {
        Some(list) => compile_statuses(list, path),
        None => compile_statuses(&default_statuses(), path),
    }
}

/// Checks an indicator's interest rule (`money`: its liability kind charges money).
pub fn check_interest(i: &Interest, money: bool, key: &str, path: &Path) -> Result<()> {
    if !rate_ok(i.rate) || i.grace_days < 0 {
        return Err(bad(path, key, "rate must be ≥ 0 and grace_days ≥ 0".into()));
    }
    if !money {
        return Err(bad(path, key, "needs a liability kind that charges money".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_need_a_catch_all_last_and_known_fields() {
        let p = Path::new("r.toml");
        assert!(compile_statuses(&default_statuses(), p).is_ok());
        let mut l = default_statuses();
        l.last_mut().unwrap().when = Some("pass > 0".into());
        assert!(compile_statuses(&l, p).unwrap_err().to_string().contains("leave out its `when`"));
        let mut l = default_statuses();
        l[0].when = Some("taken > 0".into());
        assert!(compile_statuses(&l, p).unwrap_err().to_string().contains("'taken' is not a field"));
        let mut l = default_statuses();
        l[1].key = "liability".into();
        assert!(compile_statuses(&l, p).is_err());
    }
}
