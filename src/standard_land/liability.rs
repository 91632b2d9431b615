//! Liability (违约责任) of a project: one item per rule that applies, each with its arithmetic written out,
//! summed at full precision, capped at a share of the land price, then rounded half up (S1.6–S1.7), and the
//! flags (cap hit, land take-back review).

use super::assess::{Band, StageResult, Status};
use super::input::Project;
use super::rules::{Agreed, Direction, Kind, Loaded};
use crate::decimal::round_half_up_str;

/// A number as a person writes it: the shortest decimal spelling, with binary noise below 1e-10 removed
/// (0.3 × 100 prints `30`, not `30.000000000000004`).
pub fn short(x: f64) -> String {
    if !x.is_finite() {
        return if x > 0.0 { "∞".into() } else { String::new() };
    }
    let s = round_half_up_str(x, 10);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// Four decimals, half up (how actual values and amounts are shown).
pub fn d4(x: f64) -> String {
    round_half_up_str(x, 4)
}

/// What an item is, for the liabilities table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    ShortfallShare,
    ShortfallAreaYears,
    LatePerDay,
    Action,
}

impl ItemKind {
    pub fn key(self) -> &'static str {
        match self {
            ItemKind::ShortfallShare => "land_price_x_shortfall_share",
            ItemKind::ShortfallAreaYears => "shortfall_x_area_x_years",
            ItemKind::LatePerDay => "late_per_day",
            ItemKind::Action => "action",
        }
    }
}

/// One liability item.
#[derive(Debug, Clone)]
pub struct Item {
    pub stage: usize,
    /// The indicator's 中文名, or the late rule's label (逾期竣工).
    pub label: String,
    pub indicator: Option<usize>,
    pub kind: ItemKind,
    /// 万元, full precision.
    pub amount: f64,
    /// The arithmetic, e.g. `600 × (150 − 120.0000) / 150`.
    pub formula: String,
    pub action: String,
}

/// The project's liability.
#[derive(Debug, Clone)]
pub struct Liability {
    pub items: Vec<Item>,
    /// Σ items at full precision.
    pub sum: f64,
    pub cap: Option<f64>,
    /// min(sum, cap) at full precision.
    pub capped: f64,
    /// The liability rounded half up to `liability.decimals`.
    pub rounded: String,
    pub flags: Vec<String>,
    pub take_back: bool,
}

impl Item {
    /// `竣工验收 固定资产投资强度: 120.0000 = 600 × (150 − 120.0000) / 150`.
    pub fn text(&self, rules: &Loaded) -> String {
        format!("{} {}: {} = {}", rules.rules.stages[self.stage].name, self.label, d4(self.amount), self.formula)
    }
}

/// The shortfall of `actual` against the bound it misses: (bound, shortfall, formula of the shortfall).
fn shortfall(actual: f64, agreed: Agreed, d: Direction) -> (f64, f64, String) {
    let a = d4(actual);
    match (agreed, d) {
        (Agreed::One(g), Direction::AtLeast) => (g, g - actual, format!("({} − {a})", short(g))),
        (Agreed::One(g), _) => (g, actual - g, format!("({a} − {})", short(g))),
        (Agreed::Range { min, .. }, _) if actual < min => (min, min - actual, format!("({} − {a})", short(min))),
        (Agreed::Range { max, .. }, _) => (max, actual - max, format!("({a} − {})", short(max))),
    }
}

/// Computes the items, sum, cap, rounded liability and flags of one project.
pub fn assess(project: &Project, stages: &[StageResult], rules: &Loaded) -> Liability {
    let r = &rules.rules;
    let price = project.land_price;
    let mut items = Vec::new();
    let applies = |b: Band| r.liability.applies_to.iter().any(|a| a == b.label());
    for st in stages {
        let stage = &r.stages[st.stage];
        if let Some(late) = &stage.late {
            let days = match (st.status, &st.check, st.due) {
                (Status::Overdue, _, _) => st.days_late,
                (_, Some(c), Some(due))
                    if late.count == "also_late_check" && c.derived_note.is_none() && c.date > due =>
                {
                    Some(c.date - due)
                }
                _ => None,
            };
            if let Some(days) = days {
                items.push(Item {
                    stage: st.stage,
                    label: late.label.clone(),
                    indicator: None,
                    kind: ItemKind::LatePerDay,
                    amount: price * late.rate * days as f64,
                    formula: format!("{} × {} × {days} days", short(price), short(late.rate)),
                    action: String::new(),
                });
            }
        }
        for x in st.indicators.iter().filter(|x| applies(x.band)) {
            let (Some(actual), Some((agreed, _))) = (x.actual, x.agreed) else { continue };
            let c = &rules.compiled[x.indicator];
            let label = r.indicators[x.indicator].zh.clone();
            let (bound, gap, gap_text) = shortfall(actual, agreed, c.direction);
            let (kind, amount, formula, action) = match &c.kind {
                Kind::ShortfallShare => (
                    ItemKind::ShortfallShare,
                    price * gap / bound,
                    format!("{} × {gap_text} / {}", short(price), short(bound)),
                    String::new(),
                ),
                Kind::ShortfallAreaYears(y) => {
                    let unit = if *y == 1.0 { "year" } else { "years" };
                    let f = format!("{gap_text} × {} 亩 × {} {unit}", short(project.land_mu), short(*y));
                    (ItemKind::ShortfallAreaYears, gap * project.land_mu * y, f, String::new())
                }
                Kind::Action(a) => (ItemKind::Action, 0.0, format!("no money rule: {a}"), a.clone()),
                Kind::None => continue,
            };
            items.push(Item { stage: st.stage, label, indicator: Some(x.indicator), kind, amount, formula, action });
        }
    }
    let sum: f64 = items.iter().map(|i| i.amount).sum();
    let cap = r.liability.cap_share.map(|s| s * price);
    let capped = match cap {
        Some(c) if sum > c => c,
        _ => sum,
    };
    let mut flags = Vec::new();
    if let (Some(c), Some(share)) = (cap, r.liability.cap_share) {
        if sum > c {
            flags.push(format!("cap {}% of land price hit ({} → {})", short(share * 100.0), d4(sum), short(c)));
        }
    }
    let breach = |s: &StageResult| s.status == Status::Breach;
    let mut take_back = match r.take_back.when.as_str() {
        "breach_at_all_stages" => !stages.is_empty() && stages.iter().all(breach),
        "breach_at_any_stage" => stages.iter().any(breach),
        _ => false,
    };
    if take_back {
        flags.push(r.take_back.flag.clone());
    }
    if let Some(limit) = r.take_back.overdue_days {
        for st in stages.iter().filter(|s| s.days_late.is_some_and(|d| d > limit)) {
            take_back = true;
            let name = &r.stages[st.stage].name;
            flags.push(format!(
                "{name} overdue {} days (> {limit}) → recommend land take-back review (收回评估)",
                st.days_late.unwrap_or(0)
            ));
        }
    }
    let rounded = round_half_up_str(capped, r.liability.decimals);
    Liability { items, sum, cap, capped, rounded, flags, take_back }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_drop_binary_noise() {
        assert_eq!(short(0.3 * 100.0), "30");
        assert_eq!(short(1.0), "1");
        assert_eq!(short(1.2), "1.2");
        assert_eq!(short(0.001), "0.001");
        assert_eq!(short(40.5), "40.5");
        assert_eq!(short(0.3 * 240.0), "72");
        assert_eq!(short(f64::INFINITY), "∞");
    }

    #[test]
    fn shortfall_names_the_bound_missed() {
        // ≥ 150, actual 120: 150 − 120 = 30.
        assert_eq!(shortfall(120.0, Agreed::One(150.0), Direction::AtLeast), (150.0, 30.0, "(150 − 120.0000)".into()));
        // ≤ 7, actual 9: 9 − 7 = 2.
        assert_eq!(shortfall(9.0, Agreed::One(7.0), Direction::AtMost), (7.0, 2.0, "(9.0000 − 7)".into()));
        // range 0.7–1.8, actual 2: 2 − 1.8 above the maximum.
        let (b, _, t) = shortfall(2.0, Agreed::Range { min: 0.7, max: 1.8 }, Direction::Between);
        assert_eq!((b, t.as_str()), (1.8, "(2.0000 − 1.8)"));
    }
}
