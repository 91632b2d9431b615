//! Score stage: for every enterprise, its track and status (scored, vetoed, undetermined, out of scope,
//! not scored), then indicator values, benchmarks, points, bonus and penalty, and the total
//! (Σ points in listed order + bonus + penalty, rounded half up to 2 decimals on the total only).

mod adjust;
mod benchmark;
mod figures;
mod tenants;

pub(crate) use benchmark::Groups;
pub use benchmark::{group_key as benchmark_group, BenchmarkSource};
pub use figures::{Fig, Figures};
pub use tenants::share_with_landlords;

use crate::dataset::{CompactString, Dataset};
use crate::decimal;
use crate::error::Result;
use crate::indicators::{trim_number, EntEnv, Facts};
use crate::method::{expr::Value, Loaded, MissingRule, PointsMethod, RangeZero, SideFiles, Track};
use crate::period::Period;
use crate::schema::ReasonCode;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

pub use crate::schema::Status;

/// The score of one enterprise. Vectors follow its track's indicator order.
#[derive(Debug, Clone)]
pub struct Scored {
    pub track: Option<usize>,
    pub status: Status,
    /// The code of the reason for the status (anything but graded).
    pub code: Option<ReasonCode>,
    /// Why the status (for anything but graded), and notes such as caps hit.
    pub reasons: Vec<String>,
    /// Whether indicator values and points were computed.
    pub scored: bool,
    /// Value, numerator and denominator (as evaluated, for the explanation), benchmark, and points before
    /// and after cap and floor, of each indicator.
    pub figures: Figures,
    /// Bonus and penalty items: (what, points).
    pub items: Vec<(String, f64)>,
    pub bonus: f64,
    pub penalty: f64,
    /// Unrounded total.
    pub total: Option<f64>,
    /// The total rounded half up to 2 decimals, as printed.
    pub total_text: CompactString,
    /// The same as a number (parsed once, for ordering).
    pub rounded: Option<f64>,
    /// The class label (short text, kept inline: see [`crate::dataset::Enterprise`]).
    pub class: CompactString,
    pub rank: Option<usize>,
    pub county_rank: Option<usize>,
    pub industry_rank: Option<usize>,
}

impl Scored {
    pub fn total_rounded(&self) -> Option<f64> {
        self.rounded
    }
}

/// What every scoring step reads: the data, each enterprise's facts now and a year earlier, the rules.
pub(super) struct Ctx<'a> {
    pub data: &'a Dataset,
    pub facts: &'a [Facts],
    pub prior: &'a [Facts],
    pub loaded: &'a Loaded,
    pub period: &'a Period,
}

impl<'a> Ctx<'a> {
    /// The expression environment of enterprise `i`.
    pub fn env(&self, i: usize) -> EntEnv<'a> {
        EntEnv { e: &self.data.enterprises[i], f: &self.facts[i], prior: self.prior.get(i), period: self.period }
    }
}

/// An indicator value that could not be computed, and why.
enum Raw {
    Value(f64),
    Missing,
    ZeroDen,
}

/// Scores every enterprise; `side` holds the benchmark files the methodology names.
pub fn score(
    data: &Dataset,
    facts: &[Facts],
    prior: &[Facts],
    loaded: &Loaded,
    period: &Period,
    side: &SideFiles,
) -> Result<(Vec<Scored>, Vec<BenchmarkSource>)> {
    let m = &loaded.method;
    let ctx = Ctx { data, facts, prior, loaded, period };
    let events = adjust::by_enterprise(data);
    // Per enterprise, independent of the others: in parallel, collected in enterprise order.
    let mut out: Vec<Scored> =
        (0..data.enterprises.len()).into_par_iter().map(|i| status(&ctx.env(i), loaded, &events[i])).collect();
    let mut sources = Vec::new();
    for (t, track) in m.tracks.iter().enumerate() {
        let members: Vec<usize> = (0..out.len()).filter(|&i| out[i].track == Some(t) && out[i].scored).collect();
        let raws = values(&ctx, t, &members, &mut out);
        let bench = benchmark::compute(&ctx, t, &members, &out, side)?;
        points(track, &members, &raws, &bench.values, data, m.ranking.industry_digits, &mut out);
        sources.extend(bench.sources);
    }
    out.par_iter_mut().enumerate().filter(|(_, s)| s.scored).for_each(|(i, s)| {
        let env = ctx.env(i);
        let formulas = s.track.map(|t| loaded.tracks[t].formulas.as_slice()).unwrap_or(&[]);
        let (bonus, penalty, notes, items) =
            adjust::bonus_penalty(&m.adjust, data, i, &events[i], period, formulas, &env);
        s.bonus = bonus;
        s.penalty = penalty;
        s.reasons.extend(notes);
        s.items = items;
        let mut total = 0.0;
        for p in s.figures.all(Fig::Points) {
            total += p.unwrap_or(0.0);
        }
        total += bonus;
        total += penalty;
        s.total = Some(total);
        s.total_text = decimal::round_half_up_str(total, 2).into();
        s.rounded = s.total_text.parse().ok();
    });
    Ok((out, sources))
}

/// Track, land, scope, undetermined and veto checks, in that order.
fn status(env: &EntEnv, loaded: &Loaded, events: &[&crate::dataset::Event]) -> Scored {
    let m = &loaded.method;
    let mut s = Scored {
        track: None,
        status: Status::NoTrack,
        code: Some(ReasonCode::NoTrack),
        reasons: Vec::new(),
        scored: false,
        figures: Figures::default(),
        items: Vec::new(),
        bonus: 0.0,
        penalty: 0.0,
        total: None,
        total_text: CompactString::default(),
        rounded: None,
        class: CompactString::default(),
        rank: None,
        county_rank: None,
        industry_rank: None,
    };
    let Some(t) = loaded.tracks.iter().position(|c| c.select.eval(env).truthy()) else {
        s.reasons.push(format!("no track selects this enterprise (scale {})", env.e.scale));
        return s;
    };
    let track = &m.tracks[t];
    let n = track.indicators.len();
    s.track = Some(t);
    s.figures = Figures::new(n);
    let f = env.f;
    if f.merged_into().is_some() {
        // Its result is its landlord's (see `share_with_landlords`).
        s.status = Status::Merged;
        s.code = Some(ReasonCode::MergedWithLandlord);
        return s;
    }
    if f.land <= 0.0 {
        s.status = Status::NotScored;
        s.code = Some(ReasonCode::LandNotPositive);
        s.reasons.push(format!(
            "not scored: land basis {} 亩 (自有 {} + 租入 {} − 租出 {}): nothing to divide by",
            trim_number(f.land),
            trim_number(f.land_owned),
            trim_number(f.land_rented_in),
            trim_number(f.land_rented_out)
        ));
        return s;
    }
    let compiled = &loaded.tracks[t];
    if let Some(i) = compiled.scope.iter().position(|r| !r.eval(env).truthy()) {
        s.status = Status::OutOfScope;
        s.code = Some(ReasonCode::OutOfScope);
        s.reasons.push(env.fill(&track.scope[i].reason));
        return s;
    }
    if let Some(i) = compiled.undetermined.iter().position(|r| r.eval(env).truthy()) {
        s.status = Status::Undetermined;
        s.code = Some(ReasonCode::UndeterminedRule);
        s.class = track.undetermined_class.as_str().into();
        s.reasons.push(env.fill(&track.undetermined[i].reason));
        s.scored = track.score_undetermined;
        return s;
    }
    s.scored = true;
    s.status = Status::Graded;
    s.code = None;
    if let Some(v) = adjust::veto(&m.adjust, events, env.period) {
        s.status = Status::Vetoed;
        s.code = Some(ReasonCode::Veto);
        s.class = m.adjust.veto_class.as_str().into();
        s.reasons.push(v);
    }
    s
}

/// Computes indicator values of a track's scored members; sends firms whose missing value is ruled
/// "undetermined" to the undetermined class. Returns the values member by member, indicator by indicator
/// (`raws[m * n + k]`, n the track's indicators).
fn values(ctx: &Ctx, t: usize, members: &[usize], out: &mut [Scored]) -> Vec<Raw> {
    let loaded = ctx.loaded;
    let track = &loaded.method.tracks[t];
    let c = &loaded.tracks[t];
    let n = track.indicators.len();
    let mut raws: Vec<Raw> = Vec::new();
    raws.resize_with(members.len() * n, || Raw::Missing);
    if n == 0 {
        return raws;
    }
    // The members' scores (members are ascending), so that each member's figures are set side by side
    // with its values: one parallel pass, no serial pass over millions of figures.
    let mut firms: Vec<&mut Scored> = Vec::with_capacity(members.len());
    let mut next = members.iter().peekable();
    for (i, s) in out.iter_mut().enumerate() {
        if next.peek() == Some(&&i) {
            firms.push(s);
            next.next();
        }
    }
    firms.par_iter_mut().zip(raws.par_chunks_mut(n)).zip(members.par_iter()).for_each(|((s, raws), &i)| {
        let env = ctx.env(i);
        for (k, (ind, slot)) in track.indicators.iter().zip(raws.iter_mut()).enumerate() {
            let (num, den) = (c.num[k].eval(&env), c.den[k].eval(&env));
            s.figures.set(Fig::Num, k, num.num());
            s.figures.set(Fig::Den, k, den.num());
            let raw = match (num, den) {
                (_, Value::Num(0.0)) => Raw::ZeroDen,
                (Value::Num(a), Value::Num(b)) => Raw::Value(a / b),
                _ => Raw::Missing,
            };
            let rule = match raw {
                Raw::Value(_) => None,
                Raw::Missing => Some(ind.on_missing),
                Raw::ZeroDen => Some(ind.on_zero_denominator.unwrap_or(ind.on_missing)),
            };
            if let Raw::Value(v) = raw {
                s.figures.set(Fig::Value, k, Some(v));
            }
            if rule == Some(MissingRule::Undetermined) && s.status == Status::Graded {
                let name = if ind.zh.is_empty() { &ind.key } else { &ind.zh };
                let why = if matches!(raw, Raw::ZeroDen) { "denominator is zero" } else { "data missing" };
                s.status = Status::Undetermined;
                s.code = Some(ReasonCode::IndicatorMissing);
                s.class = track.undetermined_class.as_str().into();
                s.reasons.push(format!("T: {name} cannot be computed ({why})"));
                s.scored = track.score_undetermined;
            }
            *slot = raw;
        }
    });
    raws
}

fn missing_note(ind: &crate::method::Indicator, raw: &Raw, rule: MissingRule) -> String {
    let name = if ind.zh.is_empty() { ind.key.as_str() } else { ind.zh.as_str() };
    let what = if matches!(raw, Raw::ZeroDen) { "denominator zero" } else { "missing" };
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

fn value_points(track: &Track, k: usize, v: f64, bench: Option<f64>, bounds: Option<(f64, f64)>) -> ValuePoints {
    let (pr, ind) = (&track.points, &track.indicators[k]);
    let w = ind.weight;
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
/// `bench` are member by member, indicator by indicator (see [`values`]).
///
/// Firms are scored side by side. A firm's notes come indicator by indicator, as if the indicators were
/// scored one after the other for the whole track: the points a missing value gets may be the track's
/// mean, known only once every value is scored, so firms with a missing value get their notes last.
fn points(
    track: &Track,
    members: &[usize],
    raws: &[Raw],
    bench: &[Option<f64>],
    data: &Dataset,
    industry_digits: usize,
    out: &mut [Scored],
) {
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
    let score_value = |i: usize, m: usize, k: usize, v: f64| {
        let b = bench[m * n + k];
        (b, value_points(track, k, v, b, bounds[k].get(&group_of(i)).copied()))
    };
    // Values. Firms without a missing value are done here; the others get only their values' points,
    // which the track's mean needs, and the rest below, indicator by indicator.
    out.par_iter_mut().enumerate().filter(|(i, s)| member[*i] != u32::MAX && s.scored).for_each(|(i, s)| {
        let m = member[i] as usize;
        let complete = !has_missing(m);
        for k in 0..n {
            let Raw::Value(v) = raws[m * n + k] else { continue };
            let (b, vp) = score_value(i, m, k, v);
            if complete {
                apply_value_points(track, k, b, vp, s);
            } else {
                s.figures.set(Fig::Points, k, vp.pts);
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
            for (k, ind) in track.indicators.iter().enumerate() {
                let raw = &raws[m * n + k];
                if let Raw::Value(v) = raw {
                    let (b, vp) = score_value(i, m, k, *v);
                    apply_value_points(track, k, b, vp, s);
                    continue;
                }
                let rule = if matches!(raw, Raw::ZeroDen) {
                    ind.on_zero_denominator.unwrap_or(ind.on_missing)
                } else {
                    ind.on_missing
                };
                let p = match rule {
                    MissingRule::ZeroPoints | MissingRule::Undetermined => 0.0,
                    MissingRule::FullWeight => ind.weight,
                    MissingRule::TrackMeanPoints => means[k],
                    MissingRule::FixedPoints => ind.missing_points,
                };
                s.figures.set(Fig::Benchmark, k, bench[m * n + k]);
                s.figures.set(Fig::Points, k, Some(p));
                s.reasons.push(missing_note(ind, raw, rule));
            }
        });
}

fn shown(x: f64) -> String {
    decimal::round_half_up_str(x, 4)
}
