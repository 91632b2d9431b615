//! One firm scored again after a change to one of its figures (or one indicator value), with everything
//! that depends on the other firms held as the run computed it: the benchmarks (基准值) of the firm's
//! groups, the other firms' min-max bounds and each indicator's track mean points. The steps are the
//! score stage's own (status, values, points, bonus and penalty, the rounded total), so a firm scored
//! again with no change gets exactly its total in the run. The enterprise card (企业画像) asks "what would
//! it take" with it.

use super::{adjust, finish, firm_values, points, status, Fig, Raw, Scored, Status};
use crate::dataset::{Dataset, Event};
use crate::indicators::{EntEnv, Facts, Others, Tenancy};
use crate::method::{Loaded, PointsMethod};
use crate::period::Period;
use crate::schema::Field;
use std::collections::HashMap;

/// What is changed before the firm is scored again.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tweak {
    /// Nothing: the firm's result in the run.
    None,
    /// A period figure (an output sum or tax paid) set to this value; every rule that reads it sees it.
    Figure(Field, f64),
    /// Indicator `k`'s value set to this (its numerator and denominator as they are).
    Value(usize, f64),
}

/// What the other firms fix for one firm: per indicator of its track, its benchmark, the min-max bounds
/// of the other scored firms of its min-max group, and the track's mean points (`track_mean_points`).
#[derive(Debug, Clone)]
pub struct Held {
    pub track: usize,
    pub bench: Vec<Option<f64>>,
    pub others_bounds: Vec<Option<(f64, f64)>>,
    pub means: Vec<f64>,
}

impl Held {
    /// What the run fixed for firm `i`; `None` when the firm has no track or was not scored. (For many
    /// firms of a track, take [`Fixed::of`] once and [`Fixed::held`] for each.)
    pub fn of(data: &Dataset, loaded: &Loaded, scored: &[Scored], i: usize) -> Option<Held> {
        let t = scored[i].track.filter(|_| scored[i].scored)?;
        Fixed::of(data, loaded, scored, t).held(data, scored, i)
    }
}

/// The two smallest and the two largest values of a group, with their firms: its bounds without any one
/// of them.
#[derive(Debug, Clone, Default)]
struct Extremes {
    lo: Vec<(f64, usize)>,
    hi: Vec<(f64, usize)>,
}

impl Extremes {
    fn add(&mut self, v: f64, j: usize) {
        self.lo.push((v, j));
        self.lo.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.lo.truncate(2);
        self.hi.push((v, j));
        self.hi.sort_by(|a, b| b.0.total_cmp(&a.0));
        self.hi.truncate(2);
    }

    /// (min, max) over the group without firm `i`.
    fn without(&self, i: usize) -> Option<(f64, f64)> {
        let lo = self.lo.iter().find(|x| x.1 != i)?.0;
        let hi = self.hi.iter().find(|x| x.1 != i)?.0;
        Some((lo, hi))
    }
}

/// What the other firms of a track fix, taken once for all its firms: the mean points of each indicator
/// and the extremes of each min-max indicator per group.
pub struct Fixed<'a> {
    loaded: &'a Loaded,
    track: usize,
    means: Vec<f64>,
    extremes: Vec<HashMap<String, Extremes>>,
}

impl<'a> Fixed<'a> {
    pub fn of(data: &Dataset, loaded: &'a Loaded, scored: &[Scored], t: usize) -> Fixed<'a> {
        let track = &loaded.method.tracks[t];
        let n = track.indicators.len();
        let members: Vec<usize> =
            (0..scored.len()).filter(|&j| scored[j].track == Some(t) && scored[j].scored).collect();
        let digits = loaded.method.ranking.industry_digits;
        let extremes = (0..n)
            .map(|k| {
                let mut by_group: HashMap<String, Extremes> = HashMap::new();
                if track.indicators[k].method.unwrap_or(track.points.method) == PointsMethod::Minmax {
                    for &j in &members {
                        if let Some(v) = scored[j].figures.get(Fig::Value, k) {
                            let g = super::benchmark_group(&data.enterprises[j], track.points.minmax_group, digits);
                            by_group.entry(g.to_string()).or_default().add(v, j);
                        }
                    }
                }
                by_group
            })
            .collect();
        let means = (0..n).map(|k| mean_points(track, &members, scored, k)).collect();
        Fixed { loaded, track: t, means, extremes }
    }

    /// What is held for firm `i` of the track; `None` when it is not a scored firm of the track.
    pub fn held(&self, data: &Dataset, scored: &[Scored], i: usize) -> Option<Held> {
        let s = &scored[i];
        if s.track != Some(self.track) || !s.scored {
            return None;
        }
        let m = &self.loaded.method;
        let track = &m.tracks[self.track];
        let g = super::benchmark_group(&data.enterprises[i], track.points.minmax_group, m.ranking.industry_digits);
        let n = track.indicators.len();
        Some(Held {
            track: self.track,
            bench: (0..n).map(|k| s.figures.get(Fig::Benchmark, k)).collect(),
            others_bounds: (0..n).map(|k| self.extremes[k].get(g).and_then(|e| e.without(i))).collect(),
            means: self.means.clone(),
        })
    }
}

/// The mean points of indicator `k` over the track's scored firms whose value was scored as a value (as
/// the score stage takes it before the missing-value rules), in enterprise order.
fn mean_points(track: &crate::method::Track, members: &[usize], scored: &[Scored], k: usize) -> f64 {
    let method = track.indicators[k].method.unwrap_or(track.points.method);
    let by_benchmark = matches!(method, PointsMethod::Ratio | PointsMethod::InverseRatio);
    let have: Vec<f64> = members
        .iter()
        .map(|&j| &scored[j].figures)
        .filter(|f| f.get(Fig::Value, k).is_some())
        .filter(|f| !(by_benchmark && f.get(Fig::Benchmark, k).is_some_and(|b| b <= 0.0)))
        .filter_map(|f| f.get(Fig::Points, k))
        .collect();
    if have.is_empty() {
        0.0
    } else {
        have.iter().sum::<f64>() / have.len() as f64
    }
}

/// The firms' events, by enterprise (for [`rescore`]).
pub fn events_by_enterprise(data: &Dataset) -> Vec<Vec<&Event>> {
    adjust::by_enterprise(data)
}

/// What one firm is scored again from: the run's data and facts, the methodology and the period, and
/// the leases between the firms (for rules on tenants).
pub struct Basis<'a> {
    pub data: &'a Dataset,
    pub facts: &'a [Facts],
    pub prior: &'a [Facts],
    pub loaded: &'a Loaded,
    pub period: &'a Period,
    tenancy: Tenancy,
}

impl<'a> Basis<'a> {
    pub fn new(
        data: &'a Dataset,
        facts: &'a [Facts],
        prior: &'a [Facts],
        loaded: &'a Loaded,
        period: &'a Period,
    ) -> Self {
        Basis { data, facts, prior, loaded, period, tenancy: Tenancy::of_data(data) }
    }
}

/// Firm `i` scored again with `tweak` applied, against what `held` fixes. Its class and ranks are not
/// set (they depend on the others: see the card's standing).
pub fn rescore(b: &Basis, i: usize, events: &[&Event], held: &Held, tweak: Tweak) -> Scored {
    let mut facts = b.facts[i].clone();
    if let Tweak::Figure(field, v) = tweak {
        match field {
            Field::Tax => facts.set_tax(Some(v)),
            f => facts.set_sum(f, Some(v)),
        }
    }
    let others = Others { data: b.data, facts: b.facts, prior: b.prior, tenancy: &b.tenancy };
    let (e, prior) = (&b.data.enterprises[i], b.prior.get(i));
    let env = EntEnv { e, f: &facts, prior, period: b.period, others: Some((&others, i)) };
    // A card reads the points before the cap: the explanation figures are kept.
    let mut s = status(&env, b.loaded, events, true);
    if !s.scored || s.track != Some(held.track) {
        return s;
    }
    let track = &b.loaded.method.tracks[held.track];
    let mut raws: Vec<Raw> = Vec::new();
    raws.resize_with(track.indicators.len(), || Raw::Missing);
    let mut pairs = vec![(f64::NAN, f64::NAN); raws.len()];
    firm_values(&env, track, &b.loaded.tracks[held.track], &mut s, &mut raws, &mut pairs);
    if let Tweak::Value(k, v) = tweak {
        if k < raws.len() && !matches!(raws[k], Raw::NotApplicable) {
            raws[k] = Raw::Value(v);
            s.figures.set(Fig::Value, k, Some(v));
        }
    }
    if !s.scored {
        return s;
    }
    points::mark_nonpositive_benchmarks(track, &mut raws, &held.bench);
    let own: Vec<Option<f64>> = raws.iter().map(|r| if let Raw::Value(v) = r { Some(*v) } else { None }).collect();
    let bounds = |k: usize| match (held.others_bounds[k], own[k]) {
        (Some((lo, hi)), Some(v)) => Some((lo.min(v), hi.max(v))),
        (Some(b), None) => Some(b),
        (None, v) => v.map(|v| (v, v)),
    };
    let c = &b.loaded.tracks[held.track];
    let weights: Vec<f64> = (0..track.indicators.len()).map(|k| c.weight(track, k, &env)).collect();
    points::firm_points(track, &raws, &held.bench, &bounds, &held.means, &weights, &mut s);
    finish(b.loaded, b.data, i, events, &env, &mut s);
    s
}

/// Whether a firm scored again is graded (it could be ranked and classed).
pub fn graded(s: &Scored) -> bool {
    s.status == Status::Graded && s.rounded.is_some()
}
