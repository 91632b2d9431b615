//! The methodology file (TOML): which enterprises are evaluated, in which tracks, on which indicators,
//! against which benchmarks, with which points, adjustments and class rules. A county's rules are data,
//! never code. docs/methodology.md is the analyst's manual for every key.

mod adjust_words;
mod check;
mod class_words;
mod classes;
mod describe;
pub mod expr;
pub mod groups;
mod output;
pub mod overrides;
mod side;
pub mod words;

pub use check::{load_str, Compiled, Loaded, MethodError};
pub use classes::{ClassMethod, ClassRule, Classes, Count, Rounding, Ties};
pub use describe::{classes_words, describe, Description, IndicatorWords, RuleWords, TrackWords};
pub use groups::GroupDef;
pub use output::Output;
use serde::Deserialize;
pub use side::SideFiles;
use std::collections::BTreeMap;

fn yes() -> bool {
    true
}
fn one() -> f64 {
    1.0
}
fn always() -> String {
    "true".into()
}
fn undetermined_label() -> String {
    "T".into()
}
fn veto_label() -> String {
    "D".into()
}
fn twenty() -> f64 {
    20.0
}
fn eighty() -> f64 {
    80.0
}
fn four() -> usize {
    4
}
fn two() -> usize {
    2
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Methodology {
    pub scheme: Scheme,
    #[serde(default)]
    pub land: Land,
    #[serde(default)]
    pub adjust: Adjust,
    #[serde(default)]
    pub ranking: Ranking,
    #[serde(default)]
    pub output: Output,
    #[serde(default)]
    pub policies: Policies,
    /// Rules that take enterprises out of the evaluation before any track (e.g. 星级企业 are not
    /// evaluated): the first that holds gives the status `excluded` with its reason.
    #[serde(default)]
    pub exclude: Vec<Rule>,
    /// Named groups (`group = "groups"` wherever a group is asked for; the field `group` in rules).
    #[serde(default)]
    pub groups: Vec<GroupDef>,
    pub tracks: Vec<Track>,
}

/// Policies tied to classes (差别化电价, land, credit …).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Policies {
    /// Earlier years' classes: a file with enterprise_id, year, class (data folder or beside this file).
    pub history_file: Option<String>,
    #[serde(default)]
    pub by_class: Vec<ClassPolicy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPolicy {
    pub class: String,
    /// Measures in words, e.g. "不得参与工业用地竞买".
    #[serde(default)]
    pub measures: Vec<String>,
    /// Electricity surcharge in 元/kWh by consecutive years in this class (1st, 2nd, 3rd and later …).
    #[serde(default)]
    pub electricity_surcharge: Vec<f64>,
    /// Other surcharges in 元/kWh, applying to enterprises tagged with the surcharge's name (惩罚性电价 …);
    /// of all surcharges that apply, only the highest is charged.
    #[serde(default)]
    pub other_surcharges: BTreeMap<String, f64>,
    /// Surcharges in 元/kWh triggered by an event of the kind named, dated in the period (惩罚性电价 for a
    /// serious environmental violation …); with the others, only the highest is charged.
    #[serde(default)]
    pub event_surcharges: BTreeMap<String, f64>,
}

/// Name and provenance of the scheme, printed in every output.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// How the land basis (用地面积, 亩) is formed from the land rows.
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum LandBasis {
    /// 自有 + 租入 − 租出 (the common practice).
    #[default]
    OwnedPlusRentedInMinusRentedOut,
    /// 自有 + 租入: rented-out land is not subtracted.
    OwnedPlusRentedIn,
    /// 自有 only (certificated land).
    OwnedOnly,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Land {
    #[serde(default)]
    pub basis: LandBasis,
    /// Suichang's rule: a landlord and the tenants on the land it rents out form one unit — the tenants'
    /// figures and the rented-out land are added back to the landlord, and the tenants share its result.
    #[serde(default)]
    pub merge_tenants: bool,
}

/// Bonus (加分), penalty (减分) and veto (一票否决) items.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Adjust {
    /// Points per tag, e.g. `高新技术企业 = 3`.
    #[serde(default)]
    pub bonus_tags: BTreeMap<String, f64>,
    /// Points per event kind (positive).
    #[serde(default)]
    pub bonus_events: BTreeMap<String, f64>,
    /// Cap on the bonus total.
    pub bonus_cap: Option<f64>,
    /// Points per event kind, negative (e.g. `env_penalty = -3`), per event; uncapped unless `penalty_cap`.
    #[serde(default)]
    pub penalty_events: BTreeMap<String, f64>,
    /// Cap on the penalty total, as a positive number of points.
    pub penalty_cap: Option<f64>,
    /// Event kinds that force the veto class whatever the score.
    #[serde(default)]
    pub veto_events: Vec<String>,
    /// The class a veto forces.
    #[serde(default = "veto_label")]
    pub veto_class: String,
    /// Whether vetoed firms count in N for the quotas (they never take a graded slot otherwise).
    #[serde(default)]
    pub vetoed_in_quota: bool,
    /// Points from expressions: tenant deductions, data-quality deductions, scale bonuses …
    /// Positive points count as bonus (under `bonus_cap`), negative as penalty (under `penalty_cap`).
    #[serde(default)]
    pub formulas: Vec<Formula>,
}

/// An adjustment computed from the enterprise's fields, e.g. Wenling's rent-out deduction
/// `points = "-(10 + 5 * (tenants - 1))"` when `rule = "scale == '规下' and tenants >= 1"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formula {
    pub name: String,
    /// When it applies (default: always).
    #[serde(default = "always")]
    pub rule: String,
    /// The points (an expression; negative for a deduction).
    pub points: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ranking {
    /// Indicator keys that break ties on the rounded total, higher first; then enterprise_id ascending.
    #[serde(default)]
    pub tie_break: Vec<String>,
    /// Digits of the industry code that form the "industry" group for industry ranks (2 = 大类).
    #[serde(default = "two")]
    pub industry_digits: usize,
    /// Firms tied on the rounded total share a rank (1, 2, 2, 4); the tie-break still orders the rows.
    #[serde(default)]
    pub shared_ranks: bool,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking { tie_break: Vec::new(), industry_digits: 2, shared_ranks: false }
    }
}

/// A rule with the reason printed when it decides an enterprise's status.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub rule: String,
    pub reason: String,
    /// The rule in the bureau's own words for `check` and the PDF (`zh = "投产不满两年"`), instead of the
    /// words made from the expression.
    #[serde(default)]
    pub zh: Option<String>,
}

/// A track (规上, 规下, key polluters …): who is in it, on what they are scored, how they are classed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    pub name: String,
    /// Which enterprises belong to the track; the first track whose `select` holds takes the enterprise.
    #[serde(default = "always")]
    pub select: String,
    /// `select` in the bureau's own words (`select_zh = "规模以上工业企业"`), for `check` and the PDF.
    #[serde(default)]
    pub select_zh: Option<String>,
    /// Every rule must hold, else the enterprise is out of scope with that rule's reason.
    #[serde(default)]
    pub scope: Vec<Rule>,
    /// The first rule that holds puts the enterprise in the undetermined class (T / 不定等级).
    #[serde(default)]
    pub undetermined: Vec<Rule>,
    /// Undetermined enterprises are still scored (and count in benchmarks that include them).
    #[serde(default)]
    pub score_undetermined: bool,
    #[serde(default = "undetermined_label")]
    pub undetermined_class: String,
    pub indicators: Vec<Indicator>,
    #[serde(default)]
    pub points: Points,
    pub classes: Classes,
}

/// What an indicator whose value cannot be computed (a blank input, or a zero denominator) gets.
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum MissingRule {
    #[default]
    ZeroPoints,
    FullWeight,
    /// The mean of this indicator's points over the track's scored firms that have it.
    TrackMeanPoints,
    /// The enterprise goes to the undetermined class.
    Undetermined,
    /// A fixed number of points, `missing_points` (e.g. −3 as a data-quality deduction).
    FixedPoints,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub key: String,
    #[serde(default)]
    pub zh: String,
    /// Numerator and denominator: expressions over the fields (see [`crate::schema::Field`]).
    pub num: String,
    #[serde(default = "one_str")]
    pub den: String,
    #[serde(default)]
    pub unit: String,
    pub weight: f64,
    pub benchmark: Option<Benchmark>,
    /// Points at most `cap_times_weight × weight` (overrides the track's).
    pub cap_times_weight: Option<f64>,
    /// Points at least `floor` (overrides the track's).
    pub floor: Option<f64>,
    #[serde(default)]
    pub on_missing: MissingRule,
    /// Defaults to `on_missing`.
    pub on_zero_denominator: Option<MissingRule>,
    /// What a value gets when it is measured against a benchmark of zero or less (value ÷ benchmark would
    /// be meaningless: a best value of 0 when nobody improved); default `zero_points`.
    pub on_nonpositive_benchmark: Option<MissingRule>,
    /// Points for `fixed_points` (default 0).
    #[serde(default)]
    pub missing_points: f64,
    /// Overrides the track's points method for this indicator (e.g. `inverse_ratio` for a lower-is-better one).
    pub method: Option<PointsMethod>,
    /// A block the indicator belongs to (e.g. 省定 worth 70, 地方 worth 30); the tables show block subtotals.
    pub block: Option<String>,
    /// A rule: the indicator applies only to the firms for which it holds (e.g. a county's own block of
    /// indicators beside the province's); for the others it has no value and no points, and it leaves
    /// them out of its benchmark. Default: every firm of the track.
    pub applies: Option<String>,
    /// Weights that differ by firm: the first rule that holds gives its weight, else `weight`
    /// (`weights = [{ rule = "county == '汉滨区'", weight = 40 }]`).
    #[serde(default)]
    pub weights: Vec<WeightRule>,
}

/// A weight for the firms a rule selects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightRule {
    pub rule: String,
    pub weight: f64,
}

fn one_str() -> String {
    "1".into()
}

/// A benchmark (基准值): a fixed published number, or derived from the data.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Benchmark {
    Fixed(f64),
    Derived(Derived),
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum DerivedKind {
    /// Σ numerator ÷ Σ denominator over the group.
    RatioOfSums,
    /// Arithmetic mean of the group's values.
    Mean,
    /// Best (largest) value in the group.
    Max,
    /// The p-th percentile of the group's values (linear interpolation).
    Percentile,
    /// A value read from a file of published or prior-year figures, matched on the group.
    File,
}

/// Groups for benchmarks, quotas and ranks. All groups are within one track.
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// The whole track across the city.
    #[default]
    City,
    County,
    Park,
    Industry,
    /// The methodology's named groups (`[[groups]]`).
    #[serde(rename = "groups")]
    Named,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    pub kind: DerivedKind,
    #[serde(default)]
    pub group: Group,
    /// Multiplier, e.g. 2 for "twice the county's prior-year average".
    #[serde(default = "one")]
    pub factor: f64,
    /// For `percentile`.
    pub p: Option<f64>,
    /// Whether undetermined firms that are scored count in the benchmark.
    #[serde(default = "yes")]
    pub include_undetermined: bool,
    /// For `file`: a CSV/XLSX in the data folder (or beside the methodology file).
    pub file: Option<String>,
    /// For `file`: the column holding the group name (e.g. `county`); empty for one city-wide row.
    pub match_column: Option<String>,
    /// For `file`: the column holding the value.
    pub column: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum PointsMethod {
    /// value ÷ benchmark × weight (基准值法).
    #[default]
    Ratio,
    /// weight × [base + span × (x − min) ÷ (max − min)] ÷ 100 over the group.
    Minmax,
    /// points = value × weight (rank-only tracks: weight 1 makes the score the value).
    Value,
    /// Lower is better: points = (2 − value ÷ benchmark) × weight, and 0 at or past twice the benchmark.
    InverseRatio,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum RangeZero {
    #[default]
    FullWeight,
    BasePoints,
    ZeroPoints,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Points {
    #[serde(default)]
    pub method: PointsMethod,
    pub cap_times_weight: Option<f64>,
    pub floor: Option<f64>,
    #[serde(default = "twenty")]
    pub base_pct: f64,
    #[serde(default = "eighty")]
    pub span_pct: f64,
    /// Min-max when every firm has the same value (max = min).
    #[serde(default)]
    pub if_max_equals_min: RangeZero,
    #[serde(default)]
    pub minmax_group: Group,
}

impl Default for Points {
    fn default() -> Self {
        Points {
            method: PointsMethod::Ratio,
            cap_times_weight: None,
            floor: None,
            base_pct: 20.0,
            span_pct: 80.0,
            if_max_equals_min: RangeZero::FullWeight,
            minmax_group: Group::City,
        }
    }
}
