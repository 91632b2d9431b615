//! Points per indicator: by the track's method (value ÷ benchmark, the inverse, min-max over the group, or
//! the value itself), capped and floored, and what a value that cannot be scored gets (missing data, a
//! zero denominator, a benchmark of zero or less: the indicator's rules).

use super::{benchmark, Fig, Raw, Scored, Status};
use crate::dataset::Dataset;
use crate::decimal;
use crate::indicators::trim_number;
use crate::method::{MissingRule, PointsMethod, RangeZero, Track};
use crate::schema::ReasonCode;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Whether an indicator's points are the value measured against its benchmark.
fn divides_by_benchmark(track: &Track, k: usize) -> bool {
    matches!(
        track.indicators[k].method.unwrap_or(track.points.method),
        PointsMethod::Ratio | PointsMethod::InverseRatio
    )
}

/// Marks the values whose benchmark is zero or less (value ÷ benchmark would be meaningless: a best
/// value of 0 when nobody improved, a ratio of sums of negative figures), member by member as in `raws`.
pub(super) fn mark_nonpositive_benchmarks(track: &Track, raws: &mut [Raw], bench: &[Option<f64>]) {
    let n = track.indicators.len();
    for k in (0..n).filter(|&k| divides_by_benchmark(track, k)) {
        for (r, b) in raws.iter_mut().skip(k).step_by(n).zip(bench.iter().skip(k).step_by(n)) {
            if let (Raw::Value(_), Some(b)) = (&*r, b) {
                if *b <= 0.0 {
                    *r = Raw::BenchmarkNotPositive(*b);
                }
            }
        }
    }
}

fn missing_note(ind: &crate::method::Indicator, raw: &Raw, rule: MissingRule) -> String {
    let name = if ind.zh.is_empty() { ind.key.as_str() } else { ind.zh.as_str() };
    let what = match raw {
        Raw::ZeroDen => "denominator zero".to_string(),
        // The benchmark at full precision: it decides.
        Raw::BenchmarkNotPositive(b) => format!("benchmark {b} ≤ 0"),
        _ => "missing".to_string(),
    };
    let gets = match rule {
        MissingRule::ZeroPoints => "0 points",
        MissingRule::FullWeight => "full weight",
        MissingRule::TrackMeanPoints => "track mean points",
        MissingRule::Undetermined => "undetermined",
        MissingRule::FixedPoints => "fixed points",
    };
    format!("{name} {what} → {gets}")
}

/// Points of one indicator value, before the missing-value rules.
struct ValuePoints {
    /// Before cap and floor.
    raw: Option<f64>,
    /// After cap and floor; `None` when there is no benchmark for the firm's group.
    pts: Option<f64>,
    /// Cap and floor notes, in that order.
    notes: [Option<String>; 2],
}

fn value_points(
    track: &Track,
    k: usize,
    w: f64,
    v: f64,
    bench: Option<f64>,
    bounds: Option<(f64, f64)>,
) -> ValuePoints {
    let (pr, ind) = (&track.points, &track.indicators[k]);
    let raw = match ind.method.unwrap_or(pr.method) {
        PointsMethod::Ratio => bench.map(|b| v / b * w),
        // Lower is better: full weight at 0, the weight at the benchmark, 0 at or past twice it.
        PointsMethod::InverseRatio => bench.map(|b| ((2.0 - v / b) * w).max(0.0)),
        PointsMethod::Value => Some(v * w),
        PointsMethod::Minmax => bounds.map(|(lo, hi)| {
            if hi == lo {
                match pr.if_max_equals_min {
                    RangeZero::FullWeight => w,
                    RangeZero::BasePoints => w * pr.base_pct / 100.0,
                    RangeZero::ZeroPoints => 0.0,
                }
            } else {
                w * (pr.base_pct + pr.span_pct * (v - lo) / (hi - lo)) / 100.0
            }
        }),
    };
    let name = if ind.zh.is_empty() { &ind.key } else { &ind.zh };
    let mut notes = [None, None];
    let pts = raw.map(|p| {
        let mut q = p;
        if let Some(c) = ind.cap_times_weight.or(pr.cap_times_weight) {
            if q > c * w {
                q = c * w;
                notes[0] = Some(format!("{name} capped ({} → {})", shown(p), trim_number(q)));
            }
        }
        if let Some(fl) = ind.floor.or(pr.floor) {
            if q < fl {
                q = fl;
                notes[1] = Some(format!("{name} floored ({} → {})", shown(p), trim_number(q)));
            }
        }
        q
    });
    ValuePoints { raw, pts, notes }
}

/// Records the points of a value on the firm: figures, notes, and with no benchmark for its group the
/// undetermined class (never scored against nothing).
fn apply_value_points(track: &Track, k: usize, bench: Option<f64>, vp: ValuePoints, s: &mut Scored) {
    s.figures.set(Fig::Benchmark, k, bench);
    s.figures.set(Fig::RawPoints, k, vp.raw);
    s.reasons.extend(vp.notes.into_iter().flatten());
    if vp.pts.is_none() {
        let ind = &track.indicators[k];
        let name = if ind.zh.is_empty() { &ind.key } else { &ind.zh };
        s.status = Status::Undetermined;
        s.code = Some(ReasonCode::NoBenchmark);
        s.class = track.undetermined_class.as_str().into();
        s.reasons.push(format!("T: no benchmark for {name} in this firm's group"));
    }
    s.figures.set(Fig::Points, k, vp.pts);
}

/// Points per indicator by the track's method, with caps, floors and the missing-value rules. `raws` and
/// `bench` are member by member, indicator by indicator (see `values`).
///
/// Firms are scored side by side. A firm's notes come indicator by indicator, as if the indicators were
/// scored one after the other for the whole track: the points a missing value gets may be the track's
/// mean, known only once every value is scored, so firms with a missing value get their notes last.
/// What the points of a track are computed from: values and benchmarks member by member, indicator by
/// indicator (`[m * n + k]`), and the members' weights when they differ by firm (else empty).
#[derive(Clone, Copy)]
pub(super) struct TrackInput<'a> {
    pub track: &'a Track,
    pub members: &'a [usize],
    pub raws: &'a [Raw],
    pub bench: &'a [Option<f64>],
    pub weights: &'a [f64],
}

pub(super) fn points(input: &TrackInput, data: &Dataset, industry_digits: usize, out: &mut [Scored]) {
    let TrackInput { track, members, raws, bench, weights } = *input;
    let pr = &track.points;
    let n = track.indicators.len();
    // Min-max bounds per indicator and group over the scored members with a value.
    let group_of = |j: usize| benchmark::group_key(&data.enterprises[j], pr.minmax_group, industry_digits);
    let bounds: Vec<FxHashMap<&str, (f64, f64)>> = (0..n)
        .map(|k| {
            let mut b: FxHashMap<&str, (f64, f64)> = FxHashMap::default();
            if track.indicators[k].method.unwrap_or(pr.method) == PointsMethod::Minmax {
                for (m, &j) in members.iter().enumerate() {
                    if let (true, Raw::Value(v)) = (out[j].scored, &raws[m * n + k]) {
                        let e = b.entry(group_of(j)).or_insert((*v, *v));
                        e.0 = e.0.min(*v);
                        e.1 = e.1.max(*v);
                    }
                }
            }
            b
        })
        .collect();
    let mut member = vec![u32::MAX; out.len()];
    members.iter().enumerate().for_each(|(m, &i)| member[i] = m as u32);
    let has_missing = |m: usize| raws[m * n..(m + 1) * n].iter().any(|r| !matches!(r, Raw::Value(_)));
    // The member's weights when they differ by firm (empty: each indicator's weight).
    let weights_of = |m: usize| weights.get(m * n..(m + 1) * n).unwrap_or(&[]);
    // Values. Firms without a missing value are done here; the others get only their values' points,
    // which the track's mean needs, and the rest below, indicator by indicator.
    out.par_iter_mut().enumerate().filter(|(i, s)| member[*i] != u32::MAX && s.scored).for_each(|(i, s)| {
        let m = member[i] as usize;
        let bounds_of = |k: usize| bounds[k].get(&group_of(i)).copied();
        let (raws, bench) = (&raws[m * n..(m + 1) * n], &bench[m * n..(m + 1) * n]);
        let w = weights_of(m);
        if !has_missing(m) {
            firm_points(track, raws, bench, &bounds_of, &[], w, s);
            return;
        }
        for (k, raw) in raws.iter().enumerate() {
            if let Raw::Value(v) = raw {
                let weight = w.get(k).copied().unwrap_or(track.indicators[k].weight);
                s.figures.set(Fig::Points, k, value_points(track, k, weight, *v, bench[k], bounds_of(k)).pts);
            }
        }
    });
    // The mean points of each indicator over the scored firms with a value, in member order.
    let means: Vec<f64> = (0..n)
        .map(|k| {
            let have: Vec<f64> = members
                .iter()
                .filter(|&&i| out[i].scored)
                .filter_map(|&i| out[i].figures.get(Fig::Points, k))
                .collect();
            if have.is_empty() {
                0.0
            } else {
                have.iter().sum::<f64>() / have.len() as f64
            }
        })
        .collect();
    // Firms with a missing value: notes and points indicator by indicator.
    out.par_iter_mut()
        .enumerate()
        .filter(|(i, s)| member[*i] != u32::MAX && s.scored && has_missing(member[*i] as usize))
        .for_each(|(i, s)| {
            let m = member[i] as usize;
            let bounds_of = |k: usize| bounds[k].get(&group_of(i)).copied();
            let (raws, bench) = (&raws[m * n..(m + 1) * n], &bench[m * n..(m + 1) * n]);
            firm_points(track, raws, bench, &bounds_of, &means, weights_of(m), s);
        });
}

/// The points of one firm's indicators, indicator by indicator: its values (`raws`) against its
/// benchmarks (`bench`) or min-max bounds (`bounds(k)`), and what a value that cannot be scored gets by
/// the indicator's rules (`means`: each indicator's mean points over the track, for `track_mean_points`;
/// unread when every value is there; `weights`: the firm's weights when they differ by firm, else empty).
pub(super) fn firm_points(
    track: &Track,
    raws: &[Raw],
    bench: &[Option<f64>],
    bounds: &dyn Fn(usize) -> Option<(f64, f64)>,
    means: &[f64],
    weights: &[f64],
    s: &mut Scored,
) {
    for (k, ind) in track.indicators.iter().enumerate() {
        let raw = &raws[k];
        let weight = weights.get(k).copied().unwrap_or(ind.weight);
        if let Raw::NotApplicable = raw {
            continue;
        }
        if let Raw::Value(v) = raw {
            apply_value_points(track, k, bench[k], value_points(track, k, weight, *v, bench[k], bounds(k)), s);
            continue;
        }
        let rule = match raw {
            Raw::ZeroDen => ind.on_zero_denominator.unwrap_or(ind.on_missing),
            Raw::BenchmarkNotPositive(_) => ind.on_nonpositive_benchmark.unwrap_or(MissingRule::ZeroPoints),
            _ => ind.on_missing,
        };
        if let (Raw::BenchmarkNotPositive(_), MissingRule::Undetermined) = (raw, rule) {
            s.status = Status::Undetermined;
            s.code = Some(ReasonCode::BenchmarkNotPositive);
            s.class = track.undetermined_class.as_str().into();
        }
        let p = match rule {
            MissingRule::ZeroPoints | MissingRule::Undetermined => 0.0,
            MissingRule::FullWeight => weight,
            MissingRule::TrackMeanPoints => means.get(k).copied().unwrap_or(0.0),
            MissingRule::FixedPoints => ind.missing_points,
        };
        s.figures.set(Fig::Benchmark, k, bench[k]);
        s.figures.set(Fig::Points, k, Some(p));
        s.reasons.push(missing_note(ind, raw, rule));
    }
}

fn shown(x: f64) -> String {
    decimal::round_half_up_str(x, 4)
}
