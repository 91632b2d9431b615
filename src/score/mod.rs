//! Score stage: for every enterprise, its track and status (scored, vetoed, undetermined, out of scope,
//! not scored), then indicator values, benchmarks, points, bonus and penalty, and the total
//! (Σ points in listed order + bonus + penalty, rounded half up to 2 decimals on the total only).

mod adjust;
mod benchmark;
mod figures;
mod points;
pub mod single;
mod tenants;

pub(crate) use benchmark::Groups;
pub use benchmark::{from_table as benchmark_file, group_key as benchmark_group, BenchmarkSource};
pub use figures::{Fig, Figures};
pub use tenants::share_with_landlords;

use crate::dataset::{CompactString, Dataset};
use crate::decimal;
use crate::error::Result;
use crate::indicators::{trim_number, EntEnv, Facts, Others, Tenancy};
use crate::method::{expr::Value, Compiled, Loaded, MissingRule, SideFiles, Track};
use crate::period::Period;
use crate::schema::ReasonCode;
use rayon::prelude::*;

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
    /// The place in the whole track, in the documented order (places are `u32`, as rows are: 2^32 firms
    /// would not fit in memory, and six places cost 48 bytes a firm instead of 96).
    pub track_rank: Option<u32>,
    /// The place in the class group (the track, or its county, park or industry when classes are given
    /// per group).
    pub rank: Option<u32>,
    pub county_rank: Option<u32>,
    pub park_rank: Option<u32>,
    pub industry_rank: Option<u32>,
    /// The place in the methodology's named group (`[[groups]]`).
    pub group_rank: Option<u32>,
}

impl Scored {
    /// A firm no track selects (what every firm is until its track is found).
    fn no_track() -> Scored {
        Scored {
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
            track_rank: None,
            rank: None,
            county_rank: None,
            park_rank: None,
            industry_rank: None,
            group_rank: None,
        }
    }
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
    pub others: &'a Others<'a>,
}

impl<'a> Ctx<'a> {
    /// The expression environment of enterprise `i`.
    pub fn env(&self, i: usize) -> EntEnv<'a> {
        let (e, f, prior) = (&self.data.enterprises[i], &self.facts[i], self.prior.get(i));
        EntEnv { e, f, prior, period: self.period, others: Some((self.others, i)) }
    }
}

/// An indicator value, or why it cannot be scored.
enum Raw {
    Value(f64),
    Missing,
    ZeroDen,
    /// The indicator's `applies` rule does not hold for the firm: no value, no points.
    NotApplicable,
    /// A value scored by value ÷ benchmark against this benchmark of zero or less (no firm of the group
    /// improved, for a best-value benchmark): what it gets is the indicator's `on_nonpositive_benchmark`.
    BenchmarkNotPositive(f64),
}

/// Scores every enterprise; `side` holds the benchmark files the methodology names. With `explained`,
/// each firm keeps the figures its explanation shows (see [`Figures::new`]).
pub fn score(
    data: &Dataset,
    facts: &[Facts],
    prior: &[Facts],
    loaded: &Loaded,
    period: &Period,
    side: &SideFiles,
    explained: bool,
) -> Result<(Vec<Scored>, Vec<BenchmarkSource>)> {
    let m = &loaded.method;
    let tenancy = Tenancy::of_data(data);
    let others = Others { data, facts, prior, tenancy: &tenancy };
    let ctx = Ctx { data, facts, prior, loaded, period, others: &others };
    let events = adjust::by_enterprise(data);
    // Per enterprise, independent of the others: in parallel, collected in enterprise order.
    let mut out: Vec<Scored> = (0..data.enterprises.len())
        .into_par_iter()
        .map(|i| status(&ctx.env(i), loaded, &events[i], explained))
        .collect();
    let mut sources = Vec::new();
    for (t, track) in m.tracks.iter().enumerate() {
        let members: Vec<usize> = (0..out.len()).filter(|&i| out[i].track == Some(t) && out[i].scored).collect();
        let (mut raws, pairs) = values(&ctx, t, &members, &mut out);
        let bench = benchmark::compute(&ctx, t, &members, &out, &pairs, side)?;
        drop(pairs);
        points::mark_nonpositive_benchmarks(track, &mut raws, &bench.values);
        let weights = weights(&ctx, t, &members);
        let input =
            points::TrackInput { track, members: &members, raws: &raws, bench: &bench.values, weights: &weights };
        points::points(&input, data, m.ranking.industry_digits, &mut out);
        sources.extend(bench.sources);
    }
    out.par_iter_mut()
        .enumerate()
        .filter(|(_, s)| s.scored)
        .for_each(|(i, s)| finish(loaded, data, i, &events[i], &ctx.env(i), s));
    Ok((out, sources))
}

/// Bonus and penalty items and the total of a scored firm whose points are known: Σ points in the listed
/// order, + bonus, + penalty, rounded half up to 2 decimals.
fn finish(loaded: &Loaded, data: &Dataset, i: usize, events: &[&crate::dataset::Event], env: &EntEnv, s: &mut Scored) {
    let formulas = s.track.map(|t| loaded.tracks[t].formulas.as_slice()).unwrap_or(&[]);
    let (bonus, penalty, notes, items) =
        adjust::bonus_penalty(&loaded.method.adjust, data, i, events, env.period, formulas, env);
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
}

/// Track, land, scope, undetermined and veto checks, in that order.
fn status(env: &EntEnv, loaded: &Loaded, events: &[&crate::dataset::Event], explained: bool) -> Scored {
    let m = &loaded.method;
    let mut s = Scored::no_track();
    if let Some(i) = loaded.exclude.iter().position(|r| r.eval(env).truthy()) {
        s.status = Status::Excluded;
        s.code = Some(ReasonCode::Excluded);
        s.reasons.push(env.fill(&m.exclude[i].reason));
        return s;
    }
    let Some(t) = loaded.tracks.iter().position(|c| c.select.eval(env).truthy()) else {
        s.reasons.push(format!("no track selects this enterprise (scale {})", env.e.scale));
        return s;
    };
    let track = &m.tracks[t];
    let n = track.indicators.len();
    s.track = Some(t);
    s.figures = Figures::new(n, explained);
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

/// The weights of a track's members, member by member, indicator by indicator (`w[m * n + k]`), when an
/// indicator's weight differs by firm (`weights` rules); empty when every weight is the indicator's.
fn weights(ctx: &Ctx, t: usize, members: &[usize]) -> Vec<f64> {
    let (track, c) = (&ctx.loaded.method.tracks[t], &ctx.loaded.tracks[t]);
    if c.weights.iter().all(Vec::is_empty) {
        return Vec::new();
    }
    let n = track.indicators.len();
    let mut w = vec![0.0; members.len() * n];
    w.par_chunks_mut(n).zip(members.par_iter()).for_each(|(w, &i)| {
        let env = ctx.env(i);
        for (k, x) in w.iter_mut().enumerate() {
            *x = c.weight(track, k, &env);
        }
    });
    w
}

/// Computes indicator values of a track's scored members; sends firms whose missing value is ruled
/// "undetermined" to the undetermined class. Returns the values, and the numerators and denominators as
/// evaluated (NaN for none: what derived benchmarks sum), member by member, indicator by indicator
/// (`raws[m * n + k]`, n the track's indicators).
fn values(ctx: &Ctx, t: usize, members: &[usize], out: &mut [Scored]) -> (Vec<Raw>, Vec<(f64, f64)>) {
    let loaded = ctx.loaded;
    let track = &loaded.method.tracks[t];
    let c = &loaded.tracks[t];
    let n = track.indicators.len();
    let mut raws: Vec<Raw> = Vec::new();
    raws.resize_with(members.len() * n, || Raw::Missing);
    let mut pairs = vec![(f64::NAN, f64::NAN); members.len() * n];
    if n == 0 {
        return (raws, pairs);
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
    firms.par_iter_mut().zip(raws.par_chunks_mut(n).zip(pairs.par_chunks_mut(n))).zip(members.par_iter()).for_each(
        |((s, (raws, pairs)), &i)| {
            firm_values(&ctx.env(i), track, c, s, raws, pairs);
        },
    );
    (raws, pairs)
}

/// The values of one firm's indicators (`raws`, in the track's order) and their numerators and
/// denominators (`pairs`), with its figures; a missing value ruled "undetermined" sends the firm to the
/// undetermined class.
fn firm_values(env: &EntEnv, track: &Track, c: &Compiled, s: &mut Scored, raws: &mut [Raw], pairs: &mut [(f64, f64)]) {
    for (k, (ind, slot)) in track.indicators.iter().zip(raws.iter_mut()).enumerate() {
        if c.applies[k].as_ref().is_some_and(|a| !a.eval(env).truthy()) {
            *slot = Raw::NotApplicable;
            continue;
        }
        let (num, den) = (c.num[k].eval(env), c.den[k].eval(env));
        s.figures.set(Fig::Num, k, num.num());
        s.figures.set(Fig::Den, k, den.num());
        pairs[k] = (num.num().unwrap_or(f64::NAN), den.num().unwrap_or(f64::NAN));
        let raw = match (num, den) {
            (_, Value::Num(0.0)) => Raw::ZeroDen,
            (Value::Num(a), Value::Num(b)) => Raw::Value(a / b),
            _ => Raw::Missing,
        };
        // (A benchmark's sign is known only later: see `points::mark_nonpositive_benchmarks`.)
        let rule = match raw {
            Raw::Value(_) | Raw::BenchmarkNotPositive(_) | Raw::NotApplicable => None,
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
}
