//! Benchmarks (基准值): fixed published numbers kept at full precision, or derived per group from the
//! data (ratio of sums, mean, best value, percentile) or read from a file of published / prior-year
//! figures, each times a factor. Every derived value is recorded with how it was obtained.

use super::{Scored, Status};
use crate::dataset::Enterprise;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use crate::method::{Benchmark, Derived, DerivedKind, Group, Indicator, SideFiles};
use serde::Serialize;
use std::collections::BTreeMap;

/// How one benchmark value was obtained, for the explanation table.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkSource {
    pub track: String,
    pub indicator: String,
    pub group: String,
    pub value: f64,
    pub how: String,
}

pub(super) struct Computed {
    /// Member by member, indicator by indicator (`values[m * n + k]`, n the track's indicators).
    pub values: Vec<Option<f64>>,
    pub sources: Vec<BenchmarkSource>,
}

/// The groups of a track's members under one grouping: names in order, and each member's group.
pub(crate) struct Groups<'a> {
    pub names: Vec<&'a str>,
    /// Each member's group: its number in `names`.
    pub of: Vec<u32>,
}

impl<'a> Groups<'a> {
    pub fn new(data: &'a crate::dataset::Dataset, members: &[usize], g: Group, digits: usize) -> Groups<'a> {
        let mut index: rustc_hash::FxHashMap<&str, u32> = rustc_hash::FxHashMap::default();
        let mut of: Vec<u32> = members
            .iter()
            .map(|&i| {
                let next = index.len() as u32;
                *index.entry(group_key(&data.enterprises[i], g, digits)).or_insert(next)
            })
            .collect();
        // Numbered by name, so groups come in name order as in a sorted map.
        let mut names: Vec<&str> = index.keys().copied().collect();
        names.sort_unstable();
        let mut renumber = vec![0u32; names.len()];
        for (sorted, name) in names.iter().enumerate() {
            renumber[index[name] as usize] = sorted as u32;
        }
        of.iter_mut().for_each(|x| *x = renumber[*x as usize]);
        Groups { names, of }
    }
}

/// The name of an enterprise's group ("" for the whole city).
pub fn group_key(e: &Enterprise, g: Group, industry_digits: usize) -> &str {
    match g {
        Group::City => "",
        Group::County => &e.county,
        Group::Park => &e.park,
        Group::Industry => match e.industry.char_indices().nth(industry_digits) {
            Some((end, _)) => &e.industry[..end],
            None => &e.industry,
        },
        Group::Named => &e.group,
    }
}

pub(super) fn compute(
    ctx: &super::Ctx,
    t: usize,
    members: &[usize],
    out: &[Scored],
    evaluated: &[(f64, f64)],
    side: &SideFiles,
) -> Result<Computed> {
    let (data, loaded) = (ctx.data, ctx.loaded);
    let track = &loaded.method.tracks[t];
    let digits = loaded.method.ranking.industry_digits;
    let n = track.indicators.len();
    let mut values = vec![None; members.len() * n];
    let mut sources = Vec::new();
    let mut groupings: Vec<(Group, Groups)> = Vec::new();
    let source = |ind: &Indicator, group: String, value: f64, how: String| BenchmarkSource {
        track: track.name.clone(),
        indicator: ind.key.clone(),
        group,
        value,
        how,
    };
    for (k, ind) in track.indicators.iter().enumerate() {
        let d = match &ind.benchmark {
            None => continue,
            Some(Benchmark::Fixed(b)) => {
                (0..members.len()).for_each(|m| values[m * n + k] = Some(*b));
                sources.push(source(ind, String::new(), *b, "fixed (published)".into()));
                continue;
            }
            Some(Benchmark::Derived(d)) => d,
        };
        // Members are numbered by group once per grouping, for all the indicators that use it.
        let at = groupings.iter().position(|(g, _)| *g == d.group).unwrap_or_else(|| {
            groupings.push((d.group, Groups::new(data, members, d.group, digits)));
            groupings.len() - 1
        });
        let groups = &groupings[at].1;
        // The benchmark of each group, by group number.
        let mut of_group: Vec<Option<f64>> = vec![None; groups.names.len()];
        if d.kind == DerivedKind::File {
            let key = format!("tracks[{t}].indicators[{k}].benchmark");
            let name = d.file.as_deref().unwrap_or_default();
            let table = side.get(name).ok_or_else(|| Error::Internal(format!("{key}: file '{name}' was not read")))?;
            let by_group = from_table(d, table).map_err(|e| e.named_by(&format!("{key}.file")))?;
            for (g, v) in &by_group {
                let how = format!(
                    "{} × {} from {}",
                    crate::indicators::trim_number(*v / d.factor),
                    d.factor,
                    d.file.as_deref().unwrap_or("")
                );
                sources.push(source(ind, g.clone(), *v, how));
            }
            for (x, name) in of_group.iter_mut().zip(&groups.names) {
                *x = by_group.get(*name).copied();
            }
        } else {
            for (g, v, how) in derive_by_group(d, groups, members, out, evaluated, n, k) {
                sources.push(source(ind, groups.names[g].to_string(), v, how));
                of_group[g] = Some(v);
            }
        }
        for m in 0..members.len() {
            values[m * n + k] = of_group[groups.of[m] as usize];
        }
    }
    Ok(Computed { values, sources })
}

/// Each group's derived benchmark over its members' numerators and denominators (`evaluated`, member by
/// member, `n` indicators each, this one the `k`th), with how it was obtained: (group number, value, how).
fn derive_by_group(
    d: &Derived,
    groups: &Groups,
    members: &[usize],
    out: &[Scored],
    evaluated: &[(f64, f64)],
    n: usize,
    k: usize,
) -> Vec<(usize, f64, String)> {
    // Each group's (numerator, denominator) pairs in enterprise order.
    let mut pairs: Vec<Vec<(f64, f64)>> = vec![Vec::new(); groups.names.len()];
    for (m, &i) in members.iter().enumerate() {
        let s = &out[i];
        if !s.scored || (s.status == Status::Undetermined && !d.include_undetermined) {
            continue;
        }
        // The numerator and denominator as the values stage evaluated them (NaN: none).
        let (a, b) = evaluated[m * n + k];
        if !a.is_nan() && !b.is_nan() && b != 0.0 {
            pairs[groups.of[m] as usize].push((a, b));
        }
    }
    let derived = pairs.iter().enumerate().filter(|(_, p)| !p.is_empty());
    derived.filter_map(|(g, p)| derive(d, p).map(|(v, how)| (g, v, how))).collect()
}

/// A derived benchmark over one group's (numerator, denominator) pairs, in enterprise file order.
fn derive(d: &Derived, pairs: &[(f64, f64)]) -> Option<(f64, String)> {
    let n = pairs.len();
    let f = d.factor;
    let tn = crate::indicators::trim_number;
    let (v, how) = match d.kind {
        DerivedKind::RatioOfSums => {
            let (mut a, mut b) = (0.0, 0.0);
            for (x, y) in pairs {
                a += x;
                b += y;
            }
            if b == 0.0 {
                return None;
            }
            (a / b, format!("ratio of sums over {n} firms: {} ÷ {}", tn(a), tn(b)))
        }
        DerivedKind::Mean => {
            let mut s = 0.0;
            for (x, y) in pairs {
                s += x / y;
            }
            (s / n as f64, format!("mean of {n} firms' values"))
        }
        DerivedKind::Max => {
            (pairs.iter().map(|(x, y)| x / y).fold(f64::NEG_INFINITY, f64::max), format!("best of {n} firms"))
        }
        DerivedKind::Percentile => {
            let mut v: Vec<f64> = pairs.iter().map(|(x, y)| x / y).collect();
            v.sort_by(|a, b| a.total_cmp(b));
            let p = d.p.unwrap_or(50.0);
            let pos = p / 100.0 * (n - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            (v[lo] + (v[hi] - v[lo]) * (pos - lo as f64), format!("{p}th percentile of {n} firms"))
        }
        DerivedKind::File => return None,
    };
    if n == 0 || !v.is_finite() {
        return None;
    }
    Some((v * f, if f == 1.0 { how } else { format!("{how}, × {f}") }))
}

/// A benchmark file's values by group: `match_column` names the group, `column` the value; × factor.
pub fn from_table(d: &Derived, table: &RawTable) -> Result<BTreeMap<String, f64>> {
    let name = table.file.as_str();
    let col = |want: &str| {
        table
            .headers
            .iter()
            .position(|h| crate::validate::columns::split_header(h).0 == want)
            .ok_or_else(|| Error::file(name, format!("no column '{want}' (columns: {})", table.headers.join(", "))))
    };
    let vcol = col(d.column.as_deref().unwrap_or_default())?;
    let gcol = match d.match_column.as_deref() {
        Some(m) if !m.is_empty() => Some(col(m)?),
        _ => None,
    };
    let mut out = BTreeMap::new();
    for row in &table.rows {
        let cell = row.cells.get(vcol).map(|s| s.as_str()).unwrap_or("");
        let column = table.headers.get(vcol).map(String::as_str);
        let v = crate::validate::numbers::parse(cell, &[])
            .map_err(|e| Error::at(name, row.line, column, e))?
            .ok_or_else(|| Error::at(name, row.line, column, "the value is empty"))?;
        let g = gcol.and_then(|c| row.cells.get(c)).map(|s| s.trim().to_string()).unwrap_or_default();
        if out.insert(g.clone(), v * d.factor).is_some() {
            return Err(Error::at(name, row.line, None, format!("group '{g}' is listed twice")));
        }
    }
    Ok(out)
}
