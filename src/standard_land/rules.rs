//! The standard-land rules file (TOML): stages, the indicator catalogue, park-tier defaults, bands,
//! rectification period, liability rules, cap and the take-back flag. docs/standard-land.md explains
//! every key. Loading checks the file as a whole and names the key of every problem.

use super::contract_rules::{self as contract, Clause, CompiledStatus, ContractEnd, Idle, Interest, LatePayment};
use super::contract_rules::{LateStart, StatusRule};
use crate::error::{Error, Result};
use crate::method::expr::{self, Expr};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn one() -> f64 {
    1.0
}
fn rectify_share() -> f64 {
    0.85
}
fn two() -> usize {
    2
}
fn breach_only() -> Vec<String> {
    vec!["breach".into()]
}
fn take_back_text() -> String {
    "breach at both stages → recommend land take-back review (收回评估)".into()
}

/// The whole file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub scheme: Scheme,
    #[serde(default)]
    pub bands: Bands,
    #[serde(default)]
    pub rectify: Rectify,
    #[serde(default)]
    pub liability: Liability,
    #[serde(default)]
    pub take_back: TakeBack,
    #[serde(default)]
    pub derive: Derive,
    /// 逾期缴纳土地出让价款; absent = not charged.
    #[serde(default)]
    pub late_payment: Option<LatePayment>,
    /// 逾期开工; absent = not charged.
    #[serde(default)]
    pub late_start: Option<LateStart>,
    /// 闲置土地: idle fee and take-back; absent = not assessed.
    #[serde(default)]
    pub idle: Option<Idle>,
    /// What ends the contract, and the clauses that stop at its end.
    #[serde(default)]
    pub contract_end: ContractEnd,
    /// The overall statuses in order of precedence; absent = `contract_rules::default_statuses`.
    #[serde(default)]
    pub statuses: Option<Vec<StatusRule>>,
    pub stages: Vec<Stage>,
    pub indicators: Vec<Indicator>,
    /// Park tier (园区等级) → indicator key → default agreed value, used when a project leaves the
    /// agreed cell empty.
    #[serde(default)]
    pub tiers: BTreeMap<String, BTreeMap<String, Agreed>>,
}

/// Name and provenance of the rules, as for a methodology.
pub use crate::method::Scheme;

/// Attainment bands: `pass` at or above `pass`, `rectify` at or above `rectify`, else `breach`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    #[serde(default = "one")]
    pub pass: f64,
    #[serde(default = "rectify_share")]
    pub rectify: f64,
}

impl Default for Bands {
    fn default() -> Self {
        Bands { pass: 1.0, rectify: 0.85 }
    }
}

/// 整改期限: a stage in `rectify` must be re-checked within `days` of its check date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rectify {
    pub days: i64,
}

impl Default for Rectify {
    fn default() -> Self {
        Rectify { days: 180 }
    }
}

/// How liability items add up to the project's liability (违约金, 万元).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Liability {
    /// Cap as a share of the land price (0.3 = 30%); absent means no cap.
    #[serde(default)]
    pub cap_share: Option<f64>,
    /// Decimals of the final liability (half up on the shortest representation); 2 = 0.01 万元.
    #[serde(default = "two")]
    pub decimals: usize,
    /// Bands whose indicators create liability items (`breach`, and optionally `rectify`).
    #[serde(default = "breach_only")]
    pub applies_to: Vec<String>,
    /// Clauses whose items are added after the cap (e.g. the idle fee, a fee rather than a penalty).
    #[serde(default)]
    pub cap_excludes: Vec<Clause>,
}

impl Default for Liability {
    fn default() -> Self {
        Liability { cap_share: None, decimals: 2, applies_to: breach_only(), cap_excludes: Vec::new() }
    }
}

/// When a project is flagged for land take-back review (收回评估).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TakeBack {
    /// `breach_at_all_stages` (every stage in the file is in breach), `breach_at_any_stage`, or `never`.
    #[serde(default = "all_stages")]
    pub when: String,
    /// Flag text written in the flags column.
    #[serde(default = "take_back_text")]
    pub flag: String,
    /// Also flag a project whose stage is overdue by more than this many days (闲置 rules); absent = off.
    #[serde(default)]
    pub overdue_days: Option<i64>,
}

fn all_stages() -> String {
    "breach_at_all_stages".into()
}

impl Default for TakeBack {
    fn default() -> Self {
        TakeBack { when: all_stages(), flag: take_back_text(), overdue_days: None }
    }
}

/// Desk review from the evaluation data (tax and output files of the same folder) for a stage whose
/// check row is absent. Off unless `from_evaluation = true`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derive {
    #[serde(default)]
    pub from_evaluation: bool,
    /// The stage key it applies to (default: the last stage).
    #[serde(default)]
    pub stage: Option<String>,
}

/// One check stage (竣工验收, 达产复核).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// English key used in column names (`completion` → `completion_status`).
    pub key: String,
    /// The stage as written in the checks file (竣工验收).
    pub name: String,
    /// Other spellings of the stage in the checks file.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The projects column holding the due date: `completion_due` or `production_due`.
    pub due: String,
    /// Liability for a late stage; absent = none.
    #[serde(default)]
    pub late: Option<Late>,
}

/// Late completion (逾期竣工): land price × rate × days late.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Late {
    /// Per day, as a share of the land price (0.001 = 1‰).
    pub rate: f64,
    /// Item label (逾期竣工).
    pub label: String,
    /// Which late stages are charged.
    #[serde(default)]
    pub count: LateCount,
}

/// Which late stages a `late` rule charges (an actual date of the projects file counts under both).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateCount {
    /// Only a stage with no check row after its due date (days = as-of − due).
    #[default]
    OverdueOnly,
    /// Also a check dated after the due date (days = check date − due).
    AlsoLateCheck,
}

/// One control indicator (控制指标).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub key: String,
    pub zh: String,
    #[serde(default)]
    pub unit: String,
    /// `>=`, `<=` or `between` (agreed value is a range min–max).
    pub direction: String,
    /// Stage key or name.
    pub stage: String,
    /// Expression over the check row fields plus `land_mu`, `land_m2`, `land_price`.
    pub actual: String,
    pub liability: IndicatorLiability,
    /// Late interest on the shortfall item (税收差额 paid late); absent = none.
    #[serde(default)]
    pub interest: Option<Interest>,
    /// Extra header spellings of the agreed-value column in the projects file.
    #[serde(default)]
    pub agreed_aliases: Vec<String>,
}

/// What a shortfall costs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorLiability {
    /// `land_price_x_shortfall_share`, `shortfall_x_area_x_years`, `action` (no money) or `none`.
    pub kind: String,
    /// Years for `shortfall_x_area_x_years`.
    #[serde(default = "one")]
    pub years: f64,
    /// The action for `action` (e.g. 节能诊断整改).
    #[serde(default)]
    pub action: String,
}

/// An agreed value: a number, or a range for `between`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Agreed {
    One(f64),
    Range { min: f64, max: f64 },
}

/// Direction of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    AtLeast,
    AtMost,
    Between,
}

impl Direction {
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::AtLeast => ">=",
            Direction::AtMost => "<=",
            Direction::Between => "between",
        }
    }
}

/// Liability kinds of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    ShortfallShare,
    ShortfallAreaYears(f64),
    Action(String),
    None,
}

/// The checked rules with expressions parsed and references resolved.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub rules: Rules,
    pub path: PathBuf,
    pub sha256: String,
    /// Per indicator: stage index, direction, parsed actual expression, liability kind.
    pub compiled: Vec<CompiledIndicator>,
    /// Index of the stage that may be derived from the evaluation data.
    pub derive_stage: Option<usize>,
    /// The overall statuses in order of precedence, conditions parsed.
    pub statuses: Vec<CompiledStatus>,
}

#[derive(Debug, Clone)]
pub struct CompiledIndicator {
    pub stage: usize,
    pub direction: Direction,
    pub actual: Expr,
    pub fields: Vec<String>,
    pub kind: Kind,
}

/// Columns of the projects file a stage's `due` may name.
pub const DUE_COLUMNS: [&str; 2] = ["completion_due", "production_due"];

fn bad(path: &Path, key: &str, problem: String) -> Error {
    Error::BadInput(format!("rules file {}: `{key}`: {problem}", path.display()))
}

/// The stages: at least one, each once, with a due column mujun knows and a late rate ≥ 0.
fn check_stages(stages: &[Stage], path: &Path) -> Result<()> {
    if stages.is_empty() {
        return Err(bad(path, "stages", "at least one [[stages]] is needed".into()));
    }
    for (i, s) in stages.iter().enumerate() {
        let key = format!("stages[{i}]");
        if stages[..i].iter().any(|o| o.key == s.key || o.name == s.name) {
            return Err(bad(path, &key, format!("stage '{}' ({}) is listed twice", s.key, s.name)));
        }
        if !DUE_COLUMNS.contains(&s.due.as_str()) {
            return Err(bad(path, &format!("{key}.due"), format!("'{}': use completion_due or production_due", s.due)));
        }
        if let Some(l) = &s.late {
            if !l.rate.is_finite() || l.rate < 0.0 {
                return Err(bad(path, &format!("{key}.late.rate"), format!("{} is not a rate ≥ 0", l.rate)));
            }
        }
    }
    Ok(())
}

/// Checks rules given as text (`path` only names the file in errors).
pub fn load_str(text: &str, path: &Path) -> Result<Loaded> {
    let rules: Rules =
        toml::from_str(text).map_err(|e| Error::BadInput(format!("rules file {}: {e}", path.display())))?;
    let b = &rules.bands;
    if !(b.pass > 0.0 && b.rectify > 0.0 && b.rectify <= b.pass) {
        return Err(bad(
            path,
            "bands",
            format!("need 0 < rectify ≤ pass; found pass {} and rectify {}", b.pass, b.rectify),
        ));
    }
    if rules.rectify.days < 0 {
        return Err(bad(path, "rectify.days", format!("{} is negative", rules.rectify.days)));
    }
    if let Some(c) = rules.liability.cap_share {
        if !(c >= 0.0 && c.is_finite()) {
            return Err(bad(path, "liability.cap_share", format!("{c} is not a share ≥ 0")));
        }
    }
    for a in &rules.liability.applies_to {
        if a != "breach" && a != "rectify" {
            return Err(bad(
                path,
                "liability.applies_to",
                format!("'{a}' is not a band; use \"breach\" and/or \"rectify\""),
            ));
        }
    }
    if !["breach_at_all_stages", "breach_at_any_stage", "never"].contains(&rules.take_back.when.as_str()) {
        return Err(bad(
            path,
            "take_back.when",
            format!("'{}': use breach_at_all_stages, breach_at_any_stage or never", rules.take_back.when),
        ));
    }
    check_stages(&rules.stages, path)?;
    let mut compiled = Vec::new();
    for (i, ind) in rules.indicators.iter().enumerate() {
        let key = format!("indicators[{i}] ({})", ind.key);
        if rules.indicators[..i].iter().any(|o| o.key == ind.key) {
            return Err(bad(path, &key, "the key is listed twice".into()));
        }
        let stage = rules.stages.iter().position(|s| s.key == ind.stage || s.name == ind.stage).ok_or_else(|| {
            bad(path, &format!("{key}.stage"), format!("'{}' is not a stage key or name of [[stages]]", ind.stage))
        })?;
        let direction = match ind.direction.as_str() {
            ">=" | "≥" => Direction::AtLeast,
            "<=" | "≤" => Direction::AtMost,
            "between" => Direction::Between,
            d => {
                return Err(bad(path, &format!("{key}.direction"), format!("'{d}': use \">=\", \"<=\" or \"between\"")))
            }
        };
        let actual = expr::parse(&ind.actual).map_err(|e| bad(path, &format!("{key}.actual"), e))?;
        let mut fields = Vec::new();
        actual.fields(&mut fields);
        let l = &ind.liability;
        let kind = match l.kind.as_str() {
            "land_price_x_shortfall_share" => Kind::ShortfallShare,
            "shortfall_x_area_x_years" if l.years > 0.0 => Kind::ShortfallAreaYears(l.years),
            "action" if !l.action.trim().is_empty() => Kind::Action(l.action.clone()),
            "none" => Kind::None,
            k => {
                return Err(bad(
                    path,
                    &format!("{key}.liability"),
                    format!("kind '{k}': use land_price_x_shortfall_share, shortfall_x_area_x_years (years > 0), action (with action text) or none"),
                ))
            }
        };
        if let Some(i) = &ind.interest {
            let money = matches!(kind, Kind::ShortfallShare | Kind::ShortfallAreaYears(_));
            contract::check_interest(i, money, &format!("{key}.interest"), path)?;
        }
        compiled.push(CompiledIndicator { stage, direction, actual, fields, kind });
    }
    for (tier, values) in &rules.tiers {
        for (k, v) in values {
            let i = rules.indicators.iter().position(|ind| &ind.key == k);
            let key = format!("tiers.\"{tier}\".{k}");
            let i = i.ok_or_else(|| bad(path, &key, "not an indicator key".into()))?;
            check_agreed(*v, compiled[i].direction).map_err(|p| bad(path, &key, p))?;
        }
    }
    let derive_stage = match (&rules.derive.stage, rules.derive.from_evaluation) {
        (_, false) => None,
        (None, true) => Some(rules.stages.len() - 1),
        (Some(s), true) => Some(
            rules
                .stages
                .iter()
                .position(|st| &st.key == s || &st.name == s)
                .ok_or_else(|| bad(path, "derive.stage", format!("'{s}' is not a stage")))?,
        ),
    };
    let statuses = contract::check(&rules, path)?;
    Ok(Loaded { rules, path: path.to_path_buf(), sha256: String::new(), compiled, derive_stage, statuses })
}

/// An agreed value must be positive, and a range only for `between` (min ≤ max).
pub fn check_agreed(v: Agreed, d: Direction) -> std::result::Result<(), String> {
    match (v, d) {
        (Agreed::One(x), Direction::AtLeast | Direction::AtMost) if x > 0.0 && x.is_finite() => Ok(()),
        (Agreed::One(x), Direction::AtLeast | Direction::AtMost) => Err(format!("agreed value {x} is not positive")),
        (Agreed::Range { min, max }, Direction::Between) if min > 0.0 && min <= max && max.is_finite() => Ok(()),
        (Agreed::Range { min, max }, Direction::Between) => Err(format!("range {min}–{max} needs 0 < min ≤ max")),
        (Agreed::One(_), Direction::Between) => Err("a `between` indicator needs a range { min = …, max = … }".into()),
        (Agreed::Range { .. }, _) => Err("a range is only for `between` indicators".into()),
    }
}

impl Loaded {
    /// Finds the stage index of a stage cell (name, key or alias; spaces ignored).
    pub fn stage_of(&self, cell: &str) -> Option<usize> {
        let t: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
        self.rules.stages.iter().position(|s| s.name == t || s.key.eq_ignore_ascii_case(&t) || s.aliases.contains(&t))
    }
}
