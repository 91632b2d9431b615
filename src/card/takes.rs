//! "What it would take" (升级所需): for each indicator alone, the smallest change of its input figure
//! (or of its value) that lifts the firm's rounded total into the next better class. Found numerically,
//! not by inverting formulas, so that it holds for any methodology: the firm is scored again by the score
//! stage's own steps ([`crate::score::single`]) and placed in its class group by the class rule
//! ([`Standing`]); the change is searched in whole steps of its reporting unit (万元 to 0.1, tce to 1),
//! doubling until the class is reached, then halving the interval, so the change reported is the one
//! verified. The other firms, the benchmarks and the min-max bounds of the others stay as they are.

use super::lever::{self, Kind, Lever};
use super::standing::Standing;
use crate::dataset::Event;
use crate::score::single::{self, Basis, Held, Tweak};
use crate::score::{Fig, Scored};
use serde::Serialize;

/// The change of one lever that lifts the class, or why none does.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Move {
    /// The indicator's key and 中文名.
    pub indicator: String,
    pub indicator_zh: String,
    /// `figure` (an input figure) or `value` (the indicator's value).
    pub lever: String,
    /// The figure's name in rules (`tax`) or the indicator's key.
    pub lever_key: String,
    pub lever_zh: String,
    pub unit: String,
    /// The figure or value now.
    pub current: Option<f64>,
    /// The change found (signed), in `unit`, a whole number of steps.
    pub change: Option<f64>,
    /// Decimals the change is shown with.
    pub decimals: usize,
    /// The change as a percentage of the figure now (none when it is zero).
    pub change_pct: Option<f64>,
    pub new_total: Option<String>,
    pub new_class: Option<String>,
    /// The best rounded total this lever alone reaches (when it cannot lift the class).
    pub best_total: Option<String>,
    /// Other indicators that read the same figure and move with it.
    pub also: Vec<String>,
    /// The result in words: "实缴税金 +38.2 万元 (150 → 188.2)" or why no change does it.
    pub words: String,
}

/// What one firm needs.
pub struct Search<'a> {
    pub basis: &'a Basis<'a>,
    pub standing: &'a Standing<'a>,
    pub held: &'a Held,
    pub events: &'a [&'a Event],
    pub i: usize,
    /// The class to reach (index into the labels).
    pub target: usize,
    /// The rounded total that reaches it, the firm's tie-break values kept (for the words).
    pub target_total: Option<f64>,
}

/// `n` steps of `step` as the decimal number it is (382 steps of 0.1 are 38.2, not 38.2000…01).
fn amount(n: i64, step: f64) -> f64 {
    if step < 1.0 {
        n as f64 / (1.0 / step).round()
    } else {
        n as f64 * step
    }
}

/// Doublings tried before a lever is given up (2^40 steps: 1.1 × 10^11 万元 at 0.1).
const DOUBLINGS: u32 = 40;

impl Search<'_> {
    fn scored(&self, tweak: Tweak) -> Scored {
        single::rescore(self.basis, self.i, self.events, self.held, tweak)
    }

    fn lifts(&self, s: &Scored) -> bool {
        single::graded(s) && self.standing.class_of(self.i, s).is_some_and(|c| c <= self.target)
    }

    /// The tweak that sets the lever `steps` steps away from `current` (signed).
    fn tweak(lever: &Lever, current: f64, step: f64, steps: i64) -> Tweak {
        let v = current + amount(steps, step);
        match lever.kind {
            Kind::Figure(f) => Tweak::Figure(f, v),
            Kind::Value => Tweak::Value(lever.k, v),
        }
    }

    /// The least number of steps in direction `dir` (+1 or −1) that lifts the class, searching up to
    /// `limit` steps; with the best total seen on the way.
    fn least_steps(&self, lever: &Lever, current: f64, step: f64, dir: i64, limit: i64) -> (Option<i64>, f64) {
        let mut best = f64::NEG_INFINITY;
        let mut at = |n: i64| {
            let s = self.scored(Self::tweak(lever, current, step, dir * n));
            best = best.max(s.total_rounded().filter(|_| single::graded(&s)).unwrap_or(f64::NEG_INFINITY));
            self.lifts(&s)
        };
        let (mut lo, mut hi) = (0i64, 1i64);
        loop {
            if hi > limit {
                hi = limit;
            }
            if hi <= lo {
                return (None, best);
            }
            if at(hi) {
                break;
            }
            if hi == limit || hi >= 1 << DOUBLINGS {
                return (None, best);
            }
            (lo, hi) = (hi, hi * 2);
        }
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if at(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        (Some(hi), best)
    }

    /// The smallest change of indicator `k`'s lever that lifts the class.
    pub fn lever(&self, lever: &Lever, ind_key: &str, ind_zh: &str) -> Move {
        let now = &self.basis.facts[self.i];
        let own = self.scored(Tweak::None);
        let current = match lever.kind {
            Kind::Figure(f) => now.figure(f),
            Kind::Value => own.figures.get(Fig::Value, lever.k),
        };
        let lever_key = match lever.kind {
            Kind::Figure(f) => f.name().to_string(),
            Kind::Value => ind_key.to_string(),
        };
        let mut m = Move {
            indicator: ind_key.to_string(),
            indicator_zh: ind_zh.to_string(),
            lever: if matches!(lever.kind, Kind::Figure(_)) { "figure" } else { "value" }.to_string(),
            lever_key,
            lever_zh: lever.zh.clone(),
            unit: lever.unit.clone(),
            current,
            change: None,
            decimals: 0,
            change_pct: None,
            new_total: None,
            new_class: None,
            best_total: None,
            also: lever.also.clone(),
            words: String::new(),
        };
        let Some(current) = current else {
            m.words = format!("{}数据缺失, 无法测算", lever.zh);
            return m;
        };
        let scale = if current != 0.0 { current } else { self.held.bench[lever.k].unwrap_or(0.0) };
        let (step, decimals) = lever::step(lever.kind, &lever.unit, scale);
        m.decimals = decimals;
        let up = self.least_steps(lever, current, step, 1, i64::MAX);
        // Down to one step above zero at most: figures and the values of ratios of them are not negative,
        // and a figure of zero is a missing denominator, not a better one.
        let floor = if current > 0.0 { (current / step).ceil() as i64 - 1 } else { 0 };
        let down = self.least_steps(lever, current, step, -1, floor);
        let best = up.1.max(down.1).max(own.total_rounded().unwrap_or(f64::NEG_INFINITY));
        let steps = match (up.0, down.0) {
            (Some(u), Some(d)) if d < u => Some(-d),
            (Some(u), _) => Some(u),
            (None, Some(d)) => Some(-d),
            (None, None) => None,
        };
        match steps {
            Some(n) => {
                let s = self.scored(Self::tweak(lever, current, step, n));
                m.change = Some(amount(n, step));
                m.change_pct = (current != 0.0).then(|| amount(n, step) / current.abs() * 100.0);
                m.new_total = Some(s.total_text.to_string());
                m.new_class = self.standing.class_of(self.i, &s).map(|c| self.standing.label(c).to_string());
                m.words = super::words::change(&m);
            }
            None => {
                m.best_total = best.is_finite().then(|| crate::decimal::round_half_up_str(best, 2));
                let track = &self.basis.loaded.method.tracks[self.held.track];
                let ind = &track.indicators[lever.k];
                let cap = ind.cap_times_weight.or(track.points.cap_times_weight).map(|c| c * ind.weight);
                let capped = cap.is_some_and(|c| own.figures.get(Fig::RawPoints, lever.k).is_some_and(|p| p >= c));
                m.words = super::words::no_change(&m, self.target_total, cap, capped);
            }
        }
        m
    }
}
