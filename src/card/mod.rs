//! 企业画像 / 一企一档: one enterprise's report card from an evaluation in memory: who it is, its track
//! and status, each indicator's value against its benchmark and the track's distribution, the points,
//! bonus, penalty and veto items, total, class and every rank, its class history, the reasons, and what
//! it would take to move up one class (`takes`). Values in, values out: the command layer re-evaluates
//! the run folder's inputs and writes the PDF and tables.

mod lever;
mod ranks;
mod spread;
mod standing;
pub mod table;
pub mod takes;
mod words;

pub use spread::Spread;
pub use standing::Standing;
pub use takes::Move;

use crate::method::{Benchmark, PointsMethod};
use crate::pipeline::Run;
use crate::score::single::{self, Basis, Fixed, Held};
use crate::score::{Fig, Scored, Status};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// One enterprise's card.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub enterprise_id: String,
    pub name: String,
    pub county: String,
    pub park: String,
    pub industry: String,
    /// The methodology's named group (`[[groups]]`), "" without one.
    pub group: String,
    pub scale: String,
    pub period: String,
    /// The track's name ("" without one).
    pub track: String,
    pub status: String,
    pub status_zh: String,
    /// The reason code and its words (for anything but graded).
    pub reason_code: String,
    pub reason_zh: String,
    pub reasons: Vec<String>,
    pub land_mu: f64,
    pub indicators: Vec<IndicatorLine>,
    /// Bonus and penalty items: what, points.
    pub items: Vec<Item>,
    pub bonus: f64,
    pub penalty: f64,
    pub total: String,
    pub class: String,
    pub ranks: Vec<ranks::RankLine>,
    /// Earlier years' classes (from the methodology's history file), then this period's.
    pub history: Vec<Item>,
    pub takes: Takes,
}

/// One indicator of the card.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorLine {
    pub key: String,
    pub zh: String,
    pub unit: String,
    pub weight: f64,
    pub value: Option<f64>,
    pub value_text: String,
    pub benchmark: Option<f64>,
    pub benchmark_text: String,
    pub points: Option<f64>,
    pub points_text: String,
    /// The most points it can give (cap × weight), if capped.
    pub cap: Option<f64>,
    pub lower_better: bool,
    pub spread: Option<Spread>,
}

/// A label and a text (an item's points, a year's class).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub label: String,
    pub text: String,
}

/// What it would take to move up one class.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Takes {
    /// Whether a move up is asked (a graded firm below the best class).
    pub applies: bool,
    /// Why not, or the conclusion ("单项指标均无法升级").
    pub note: String,
    pub target_class: String,
    pub target_total: Option<String>,
    /// The class rule of the target class in words.
    pub rule: String,
    pub assumptions: Vec<String>,
    pub moves: Vec<Move>,
}

/// Cards of the firms `which` (indices into the run's enterprises), in that order.
pub fn cards(run: &Run, which: &[usize]) -> Vec<Card> {
    let spreads = spread::of_run(run);
    let counts = ranks::Counts::of(run);
    let events = single::events_by_enterprise(&run.data);
    // One standing per class group asked for.
    let mut standings: HashMap<(usize, String), Standing> = HashMap::new();
    for &i in which {
        if let (Some(t), true) = (run.scored[i].track, run.scored[i].status == Status::Graded) {
            let key = group_key(run, t, i);
            if !standings.contains_key(&(t, key.clone())) {
                if let Some(s) = Standing::of(run, i) {
                    standings.insert((t, key), s);
                }
            }
        }
    }
    let fixed: Vec<Fixed> =
        (0..run.method.method.tracks.len()).map(|t| Fixed::of(&run.data, &run.method, &run.scored, t)).collect();
    let basis = Basis::new(&run.data, &run.facts, &run.prior_facts, &run.method, &run.period);
    which
        .par_iter()
        .map(|&i| {
            let standing = run.scored[i].track.and_then(|t| standings.get(&(t, group_key(run, t, i))));
            let mut card = identity(run, i);
            card.indicators = indicator_lines(run, i, &spreads);
            card.ranks = counts.lines(run, i);
            let held = run.scored[i].track.and_then(|t| fixed[t].held(&run.data, &run.scored, i));
            card.takes = takes(run, &basis, i, standing, held, &events[i]);
            card
        })
        .collect()
}

fn group_key(run: &Run, t: usize, i: usize) -> String {
    let m = &run.method.method;
    let g = m.tracks[t].classes.group;
    crate::score::benchmark_group(&run.data.enterprises[i], g, m.ranking.industry_digits).to_string()
}

/// Who the firm is and its result, without the indicators, ranks and the move up.
fn identity(run: &Run, i: usize) -> Card {
    let (e, s) = (&run.data.enterprises[i], &run.scored[i]);
    let m = &run.method.method;
    let code = s.code;
    let mut history: Vec<Item> = run
        .class_history
        .of(e.id.as_str())
        .into_iter()
        .flatten()
        .filter(|(y, _)| **y < run.period.year())
        .map(|(y, c)| Item { label: format!("{y}年"), text: c.clone() })
        .collect();
    if !history.is_empty() {
        let now = if s.class.is_empty() { "—".to_string() } else { s.class.to_string() };
        history.push(Item { label: format!("{} (本期)", run.period.label), text: now });
    }
    Card {
        enterprise_id: e.id.to_string(),
        name: e.name.clone(),
        county: e.county.to_string(),
        park: e.park.to_string(),
        industry: e.industry.to_string(),
        group: e.group.to_string(),
        scale: e.scale.zh().to_string(),
        period: run.period.label.clone(),
        track: s.track.map(|t| m.tracks[t].name.clone()).unwrap_or_default(),
        status: s.status.code().to_string(),
        status_zh: s.status.zh().to_string(),
        reason_code: code.map(|c| c.code().to_string()).unwrap_or_default(),
        reason_zh: code.map(|c| c.zh().to_string()).unwrap_or_default(),
        reasons: s.reasons.iter().map(|r| words::reason(r)).collect(),
        land_mu: run.facts[i].land,
        indicators: Vec::new(),
        items: s.items.iter().map(|(what, p)| Item { label: words::item(what), text: words::fixed(*p, 2) }).collect(),
        bonus: s.bonus,
        penalty: s.penalty,
        total: s.total_text.to_string(),
        class: s.class.to_string(),
        ranks: Vec::new(),
        history,
        takes: Takes::default(),
    }
}

/// Each indicator of the firm's track: value, benchmark, points and the track's distribution.
fn indicator_lines(run: &Run, i: usize, spreads: &[Vec<spread::Values>]) -> Vec<IndicatorLine> {
    let s = &run.scored[i];
    let Some(t) = s.track else { return Vec::new() };
    let track = &run.method.method.tracks[t];
    let d = run.method.method.output.decimals;
    let text = |x: Option<f64>, d: usize| x.map(|v| words::fixed(v, d)).unwrap_or_else(|| "—".into());
    track
        .indicators
        .iter()
        .enumerate()
        .map(|(k, ind)| {
            let value = s.figures.get(Fig::Value, k);
            let (bench, points) = (s.figures.get(Fig::Benchmark, k), s.figures.get(Fig::Points, k));
            IndicatorLine {
                key: ind.key.clone(),
                zh: if ind.zh.is_empty() { ind.key.clone() } else { ind.zh.clone() },
                unit: ind.unit.clone(),
                weight: ind.weight,
                value,
                value_text: text(value, d),
                benchmark: bench,
                benchmark_text: text(bench, d),
                points,
                points_text: text(points, 2),
                cap: ind.cap_times_weight.or(track.points.cap_times_weight).map(|c| c * ind.weight),
                lower_better: ind.method.unwrap_or(track.points.method) == PointsMethod::InverseRatio,
                spread: value.and_then(|v| spreads[t][k].spread(v)),
            }
        })
        .collect()
}

/// Why no move up is asked of a firm, if none is.
fn no_move(s: &Scored, standing: Option<&Standing>) -> Option<String> {
    match s.status {
        Status::Graded => {}
        Status::Vetoed => return Some(format!("一票否决: 无论指标如何均为 {} 类, 不能靠指标升级", s.class)),
        Status::Undetermined => return Some("不定等级 (T): 不参与定级, 无升级测算".into()),
        other => return Some(format!("{}: 未参与定级, 无升级测算", other.zh())),
    }
    let Some(st) = standing else { return Some("未找到定级分组".into()) };
    match st.index(&s.class) {
        Some(0) => Some(format!("已是最高等级 ({} 类)", s.class)),
        Some(_) => None,
        None => Some(format!("等级 {} 不在定级规则的等级中, 无升级测算", s.class)),
    }
}

/// What it would take firm `i` to move up one class.
fn takes(
    run: &Run,
    basis: &Basis,
    i: usize,
    standing: Option<&Standing>,
    held: Option<Held>,
    events: &[&crate::dataset::Event],
) -> Takes {
    let s = &run.scored[i];
    if let Some(note) = no_move(s, standing) {
        return Takes { note, ..Takes::default() };
    }
    let (Some(st), Some(held)) = (standing, held) else {
        return Takes { note: "无法测算".into(), ..Takes::default() };
    };
    // The firm scored again without a change must be the firm of the run, or nothing here is trusted.
    let again = single::rescore(basis, i, events, &held, single::Tweak::None);
    if again.total_text != s.total_text || st.class_of(i, &again).map(|c| st.label(c)) != Some(s.class.as_str()) {
        return Takes { note: "无法测算: 重新计分与评价结果不一致".into(), ..Takes::default() };
    }
    let target = st.index(&s.class).unwrap_or(0).saturating_sub(1);
    let target_total = st.total_for(i, s, target);
    let label = st.label(target).to_string();
    let by_places = st.by_places(target);
    let last = if by_places { st.last_of(target, i) } else { None };
    let track = &run.method.method.tracks[held.track];
    let derived = track.indicators.iter().any(|x| matches!(x.benchmark, Some(Benchmark::Derived(_))));
    let minmax = track.indicators.iter().any(|x| x.method.unwrap_or(track.points.method) == PointsMethod::Minmax);
    let search = takes::Search { basis, standing: st, held: &held, events, i, target, target_total };
    let moves: Vec<Move> = track
        .indicators
        .iter()
        .enumerate()
        .map(|(k, ind)| {
            let zh = if ind.zh.is_empty() { &ind.key } else { &ind.zh };
            search.lever(&lever::choose(&run.method, held.track, k), &ind.key, zh)
        })
        .collect();
    let none = moves.iter().all(|m| m.change.is_none());
    Takes {
        applies: true,
        note: if none {
            format!("任何单项指标单独调整都无法升至 {label} 类 (受得分上限等限制)")
        } else {
            String::new()
        },
        target_class: label.clone(),
        target_total: target_total.map(|t| crate::decimal::round_half_up_str(t, 2)),
        rule: words::rule(by_places, &label, target_total, last),
        assumptions: words::assumptions(by_places, derived, minmax),
        moves,
    }
}
