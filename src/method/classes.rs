//! Class rules (定等规则): how a track's graded firms, ordered best first within their class group, get
//! their classes: cumulative cut positions, position shares, counts per class, score lines, or an ordered
//! list of rules combining places from the top or the bottom with score lines (`method = "rules"`).

use super::Group;
use serde::Deserialize;

fn labels() -> Vec<String> {
    ["A", "B", "C", "D"].iter().map(|s| s.to_string()).collect()
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ClassMethod {
    /// Cut positions round(N × pct ÷ 100) for each cumulative percentage (`round`, default half up:
    /// ⌊(N × pct + 50) ÷ 100⌋).
    CumulativeRound,
    /// Position p is in a class while 100·p ≤ pct·N (the literal reading of 前20%).
    PositionShare,
    /// A count per class from its own percentage and rounding; one class takes the rest.
    Counts,
    /// Rounded total at least the class's threshold.
    Thresholds,
    /// The first of `rules` that holds for the firm's position and rounded total gives its class.
    Rules,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    Floor,
    Ceil,
    #[default]
    HalfUp,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Count {
    pub class: String,
    /// A share of N, rounded by `round` …
    #[serde(default)]
    pub pct: f64,
    #[serde(default)]
    pub round: Rounding,
    /// … or a fixed number of firms (the first k), which takes precedence.
    pub count: Option<usize>,
}

/// One rule of `method = "rules"`: the class a firm takes when every condition given holds (a rule
/// without conditions takes every firm that reaches it).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ClassRule {
    pub class: String,
    /// Among the first round(N × top_pct ÷ 100) positions of the group.
    pub top_pct: Option<f64>,
    /// Among the first `top_count` positions.
    pub top_count: Option<usize>,
    /// Among the last round(N × bottom_pct ÷ 100) positions.
    pub bottom_pct: Option<f64>,
    /// Among the last `bottom_count` positions.
    pub bottom_count: Option<usize>,
    /// How N × pct ÷ 100 is rounded to a number of positions (default half up).
    #[serde(default)]
    pub round: Rounding,
    /// A rounded total at least this …
    pub min_total: Option<f64>,
    /// … and below this.
    pub below_total: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Ties {
    /// Tied firms are ordered by the tie-break and may fall in different classes.
    #[default]
    Split,
    /// Firms tied on the rounded total share the better class.
    ShareBetter,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classes {
    pub method: ClassMethod,
    #[serde(default = "labels")]
    pub labels: Vec<String>,
    /// Cumulative percentages for every label but the last (cumulative_round, position_share).
    #[serde(default)]
    pub cum_pcts: Vec<f64>,
    /// For `counts`.
    #[serde(default)]
    pub counts: Vec<Count>,
    /// For `counts`: the class that takes the rest.
    pub rest: Option<String>,
    /// For `thresholds`: minimum rounded totals for every label but the last.
    #[serde(default)]
    pub thresholds: Vec<f64>,
    /// For `cumulative_round`: how N × pct ÷ 100 is rounded to a cut position (default half up).
    #[serde(default)]
    pub round: Rounding,
    /// For `rules`: the rules, in order; the first that holds gives the class.
    #[serde(default)]
    pub rules: Vec<ClassRule>,
    #[serde(default)]
    pub group: Group,
    #[serde(default)]
    pub ties: Ties,
}
