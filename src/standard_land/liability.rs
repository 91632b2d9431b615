//! Liability (违约责任) of a project: one item per rule that applies, each with its arithmetic written out,
//! summed at full precision, capped at a share of the land price, then rounded half up (S1.6–S1.7), and the
//! flags (cap hit, land take-back review).

use super::assess::{Band, LateBasis, StageResult, Status};
use super::clauses::Timeline;
use super::contract_rules::Clause;
use super::input::Project;
use super::rules::{Agreed, Direction, Kind, LateCount, Loaded};
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

/// How an item's amount is computed (the `rule` column of liabilities.csv).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    ShortfallShare,
    ShortfallAreaYears,
    /// base × rate × days.
    LatePerDay,
    /// land price × share (the idle fee).
    ShareOfPrice,
    Action,
}

impl ItemKind {
    pub fn key(self) -> &'static str {
        match self {
            ItemKind::ShortfallShare => "land_price_x_shortfall_share",
            ItemKind::ShortfallAreaYears => "shortfall_x_area_x_years",
            ItemKind::LatePerDay => "late_per_day",
            ItemKind::ShareOfPrice => "land_price_x_share",
            ItemKind::Action => "action",
        }
    }
}

/// One liability item.
#[derive(Debug, Clone)]
pub struct Item {
    pub clause: Clause,
    /// The stage of a stage's item (late completion, indicator, shortfall interest).
    pub stage: Option<usize>,
    /// Where it arises: the stage name, `缴款 第2期`, `开工`, `闲置土地`.
    pub scope: String,
    /// The indicator's 中文名, or the clause's label (逾期竣工).
    pub label: String,
    pub indicator: Option<usize>,
    pub kind: ItemKind,
    /// 万元, full precision.
    pub amount: f64,
    /// The arithmetic, e.g. `600 × (150 − 120.0000) / 150`.
    pub formula: String,
    pub action: String,
    /// Per-day items: the days counted.
    pub days: Option<i64>,
    /// The dates the item counts between (due date → payment, start, as-of or the contract's end).
    pub from: Option<i64>,
    pub to: Option<i64>,
}

/// A flag on a project: in English (projects.csv `flags`) and in Chinese (`flags_zh`, the PDF).
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub text: String,
    pub zh: String,
}

impl Flag {
    fn new(text: impl Into<String>, zh: impl Into<String>) -> Flag {
        Flag { text: text.into(), zh: zh.into() }
    }
}

/// The project's liability.
#[derive(Debug, Clone)]
pub struct Liability {
    pub items: Vec<Item>,
    /// Σ items at full precision.
    pub sum: f64,
    pub cap: Option<f64>,
    /// min(Σ capped items, cap) + Σ items of `[liability] cap_excludes`, at full precision.
    pub capped: f64,
    /// The liability rounded half up to `liability.decimals`.
    pub rounded: String,
    /// Σ capped items > cap.
    pub cap_hit: bool,
    pub flags: Vec<Flag>,
    /// Flagged for land take-back review (收回评估, `[take_back]`).
    pub take_back: bool,
}

impl Item {
    /// `竣工验收 固定资产投资强度: 120.0000 = 600 × (150 − 120.0000) / 150`.
    pub fn text(&self) -> String {
        format!("{} {}: {} = {}", self.scope, self.label, d4(self.amount), self.formula)
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

/// The late item of a stage (逾期竣工): land price × rate × the stage's days late. A late check counts
/// only with `count = "also_late_check"`; an actual date or a missing check always.
fn late_item(project: &Project, st: &StageResult, rules: &Loaded) -> Option<Item> {
    let stage = &rules.rules.stages[st.stage];
    let (rule, late) = (stage.late.as_ref()?, st.late.as_ref()?);
    if late.basis == LateBasis::Check && rule.count != LateCount::AlsoLateCheck {
        return None;
    }
    let (price, days) = (project.land_price, late.days);
    Some(Item {
        clause: Clause::LateCompletion,
        stage: Some(st.stage),
        scope: stage.name.clone(),
        label: rule.label.clone(),
        indicator: None,
        kind: ItemKind::LatePerDay,
        amount: price * rule.rate * days as f64,
        formula: format!("{} × {} × {days} days", short(price), short(rule.rate)),
        action: String::new(),
        days: Some(days),
        from: Some(late.from),
        to: Some(late.to),
    })
}

/// The indicator items of a checked stage (and their late interest), unless the check is dated after a
/// contract end that stops them.
fn indicator_items(cx: &Cx, st: &StageResult, items: &mut Vec<Item>, events: &mut [String]) {
    let (r, price) = (&cx.rules.rules, cx.project.land_price);
    let applies = |b: Band| r.liability.applies_to.iter().any(|a| a == b.label());
    let Some(check) = &st.check else { return };
    if cx.timeline.stop(cx.rules, Clause::Indicators).is_some_and(|e| check.date > e) {
        return;
    }
    for x in st.indicators.iter().filter(|x| applies(x.band)) {
        let (Some(actual), Some((agreed, _))) = (x.actual, x.agreed) else { continue };
        let c = &cx.rules.compiled[x.indicator];
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
                let f = format!("{gap_text} × {} 亩 × {} {unit}", short(cx.project.land_mu), short(*y));
                (ItemKind::ShortfallAreaYears, gap * cx.project.land_mu * y, f, String::new())
            }
            Kind::Action(a) => (ItemKind::Action, 0.0, format!("no money rule: {a}"), a.clone()),
            Kind::None => continue,
        };
        let scope = r.stages[st.stage].name.clone();
        let (stage, indicator) = (Some(st.stage), Some(x.indicator));
        let item = Item {
            clause: Clause::Indicators,
            stage,
            scope,
            label,
            indicator,
            kind,
            amount,
            formula,
            action,
            days: None,
            from: Some(check.date),
            to: None,
        };
        let interest = super::interest::item(cx, st, &item, events);
        items.push(item);
        items.extend(interest);
    }
}

/// What the items of a project are computed from.
pub struct Cx<'a> {
    pub project: &'a Project,
    pub rules: &'a Loaded,
    pub timeline: &'a Timeline,
    pub as_of: i64,
}

/// Computes the items, sum, cap, rounded liability and flags of one project; notes what each
/// `shortfall_paid` event did in `events` (parallel to the project's events).
pub fn assess(cx: &Cx, stages: &[StageResult], events: &mut [String]) -> Liability {
    let r = &cx.rules.rules;
    let price = cx.project.land_price;
    let mut items = cx.timeline.items.clone();
    for st in stages {
        items.extend(late_item(cx.project, st, cx.rules));
        indicator_items(cx, st, &mut items, events);
    }
    let sum: f64 = items.iter().map(|i| i.amount).sum();
    let outside = |i: &&Item| r.liability.cap_excludes.contains(&i.clause);
    let capped_sum: f64 = items.iter().filter(|i| !outside(i)).map(|i| i.amount).sum();
    let beyond: f64 = items.iter().filter(outside).map(|i| i.amount).sum();
    let cap = r.liability.cap_share.map(|s| s * price);
    let capped = match cap {
        Some(c) if capped_sum > c => c,
        _ => capped_sum,
    } + beyond;
    let mut flags = Vec::new();
    if let (Some(c), Some(share)) = (cap, r.liability.cap_share) {
        if capped_sum > c {
            let (pct, from, to) = (short(share * 100.0), d4(capped_sum), short(c));
            let text = format!("cap {pct}% of land price hit ({from} → {to})");
            flags.push(Flag::new(text, format!("违约金达上限 (土地价款的 {pct}%): {from} → {to}")));
        }
    }
    if items.iter().any(|i| outside(&i) && i.amount > 0.0) {
        let keys: Vec<&str> = r.liability.cap_excludes.iter().map(|c| c.key()).collect();
        let zh: Vec<&str> = r.liability.cap_excludes.iter().map(|c| c.zh()).collect();
        let text = format!("{} outside the cap ({})", d4(beyond), keys.join(", "));
        flags.push(Flag::new(text, format!("{} 万元不计入上限 ({})", d4(beyond), zh.join("、"))));
    }
    let take_back = review(stages, cx.rules, &mut flags);
    flags.extend(cx.timeline.ends.iter().map(|e| Flag::new(&e.why, &e.zh)));
    if cx.timeline.idle {
        flags.push(Flag::new("idle land (闲置土地): idle fee charged", "闲置土地, 征缴土地闲置费"));
    }
    if let Some(e) = &cx.timeline.end {
        let (d, by) = (crate::dates::format(e.date), e.kind.zh());
        let text = format!("contract ended {d} ({by}): later items stopped");
        flags.push(Flag::new(text, format!("合同于 {d} 终止 ({by}), 其后事项不再计")));
    }
    let rounded = round_half_up_str(capped, r.liability.decimals);
    let cap_hit = cap.is_some_and(|c| capped_sum > c);
    Liability { items, sum, cap, capped, rounded, cap_hit, flags, take_back }
}

/// The land take-back review flag (收回评估) of `[take_back]`, and its flag texts.
fn review(stages: &[StageResult], rules: &Loaded, flags: &mut Vec<Flag>) -> bool {
    let r = &rules.rules;
    let breach = |s: &StageResult| s.status == Status::Breach;
    let mut take_back = match r.take_back.when.as_str() {
        "breach_at_all_stages" => !stages.is_empty() && stages.iter().all(breach),
        "breach_at_any_stage" => stages.iter().any(breach),
        _ => false,
    };
    if take_back {
        let zh = match r.take_back.when.as_str() {
            "breach_at_all_stages" => "各阶段均违约, 建议启动收回评估",
            _ => "有阶段违约, 建议启动收回评估",
        };
        flags.push(Flag::new(r.take_back.flag.clone(), zh));
    }
    if let Some(limit) = r.take_back.overdue_days {
        let overdue = |s: &&StageResult| s.status == Status::Overdue && s.days_late.is_some_and(|d| d > limit);
        for st in stages.iter().filter(overdue) {
            take_back = true;
            let name = &r.stages[st.stage].name;
            let days = st.days_late.unwrap_or(0);
            let text = format!("{name} overdue {days} days (> {limit}) → recommend land take-back review (收回评估)");
            flags.push(Flag::new(text, format!("{name} 逾期 {days} 天 (超过 {limit} 天), 建议启动收回评估")));
        }
    }
    take_back
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
