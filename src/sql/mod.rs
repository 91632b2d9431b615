//! The methodology compiled to one SQL script (`mujun sql`): it reads the tables `mujun export` wrote
//! and computes what `mujun evaluate` computes — land basis, period sums, tracks, scope and T rules,
//! indicators, fixed, derived and file benchmarks, points with caps, floors and missing-data rules,
//! bonus, penalty and veto, classes and every rank level — then writes the enterprises table and the
//! aggregates by county, park and industry. For DuckDB or Spark SQL ([`Dialect`]).
//!
//! Exactness (docs/scaling.md): every sum the methodology defines is a left-to-right fold in file order
//! (`seq`), so the engine adds the same binary64 numbers in the same order as mujun; the total is rounded
//! half up on its shortest decimal spelling; ties end on the id. A family the compiler does not express
//! is refused with its key and the reason ([`Refusal`]), never approximated.

mod aggregates;
mod classes;
pub mod dialect;
mod expr;
mod facts;
mod output;
mod scoring;
mod status;

pub use dialect::{Dialect, Input, Sql};

use crate::method::{Loaded, SideFiles};
use crate::period::Period;

/// A methodology key the compiler does not express, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{key}`: {reason}")]
pub struct Refusal {
    pub key: String,
    pub reason: String,
}

/// What a script is compiled for.
pub struct Target<'a> {
    pub dialect: Dialect,
    pub input: Input,
    /// Where the exported tables are (a folder or URI holding `enterprises/`, `land/` …).
    pub location: &'a str,
    /// Where the script writes its results (a folder or URI); Spark also keeps each stage's rows there,
    /// under `stages/`.
    pub out: &'a str,
}

/// The script for `l` over `period`; `side` holds the benchmark files the methodology names.
pub fn compile(l: &Loaded, side: &SideFiles, period: &Period, target: &Target) -> Result<String, Refusal> {
    refuse(l)?;
    let stages = format!("{}/stages", target.out);
    let d = Sql { dialect: target.dialect, stages: &stages };
    let c = expr::Compiler { period, dialect: d };
    let a = &l.method.adjust;
    let events = !(a.bonus_events.is_empty() && a.penalty_events.is_empty() && a.veto_events.is_empty());
    let src = facts::Source { input: target.input, location: target.location };
    let mut s = format!(
        "-- mujun {} sql: {} ({}), period {} ({} to {}), from {}.\n-- Generated; every sum is added in file order (seq).\n",
        crate::VERSION,
        l.method.scheme.name.replace(['\n', '\r'], " "),
        l.sha256.get(..12).unwrap_or(&l.sha256),
        period.label,
        period.quarters.first().map(|q| q.to_string()).unwrap_or_default(),
        period.quarters.last().map(|q| q.to_string()).unwrap_or_default(),
        target.location
    );
    s += d.preamble();
    s += &facts::inputs(d, &src, period, events);
    s += &facts::facts(d, &l.method);
    s += &status::status(&c, l)?;
    s += &scoring::values(&c, l)?;
    s += &scoring::benchmarks(d, l, side)?;
    s += &scoring::points(d, l)?;
    s += &classes::ranked(d, l)?;
    s += &d.write_csv(&output::enterprises(d, l), target.out, "enterprises");
    s += &aggregates::tables(d, l, target.out)?;
    Ok(s)
}

/// The families not compiled yet, each refused with its key.
fn refuse(l: &Loaded) -> Result<(), Refusal> {
    let m = &l.method;
    let no = |key: &str, reason: &str| Err(Refusal { key: key.into(), reason: reason.into() });
    if m.land.merge_tenants {
        return no("land.merge_tenants", "tenants merged into their landlords are not compiled yet");
    }
    if !m.groups.is_empty() {
        return no("groups", "named groups are not compiled yet");
    }
    if !m.adjust.formulas.is_empty() {
        return no("adjust.formulas", "points from expressions are not compiled yet");
    }
    if !m.policies.by_class.is_empty() || m.policies.history_file.is_some() {
        return no("policies", "policies by class (policies.csv) are not compiled yet");
    }
    for (t, tr) in m.tracks.iter().enumerate() {
        for (k, i) in tr.indicators.iter().enumerate() {
            let key = |what: &str| format!("tracks[{t}].indicators[{k}].{what}");
            if i.applies.is_some() {
                return no(&key("applies"), "indicators for some firms of a track are not compiled yet");
            }
            if !i.weights.is_empty() {
                return no(&key("weights"), "weights that differ by firm are not compiled yet");
            }
            if i.block.is_some() {
                return no(&key("block"), "block subtotals are not compiled yet");
            }
        }
    }
    Ok(())
}
