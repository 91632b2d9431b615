//! The evaluation, stage by stage: ingest and validate → indicators → score → classify and rank.
//! Writing the outputs is `report`'s job; this module only produces the [`Run`].

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::indicators::{self, Facts};
use crate::method::{self, Loaded};
use crate::period::Period;
use crate::schema::FileKind;
use crate::score::{self, BenchmarkSource, Scored};
use crate::{rank, validate};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything an evaluation produced, in enterprise file order.
pub struct Run {
    /// The validated input. From [`evaluate_corrected`] (and the functions built on it) without the output
    /// and tax rows: their sums are in `facts`, and freeing them (470 MB at a million firms) lets the
    /// scores reuse that memory.
    pub data: Dataset,
    pub method: Loaded,
    pub period: Period,
    pub facts: Vec<Facts>,
    /// Facts of the same quarters one year earlier; empty when the run was evaluated from files
    /// ([`evaluate_corrected`]) under a methodology that reads no prior-year figure.
    pub prior_facts: Vec<Facts>,
    pub scored: Vec<Scored>,
    pub benchmarks: Vec<BenchmarkSource>,
    pub data_dir: PathBuf,
    /// Changes made by a corrections folder (异议复核), for the audit table.
    pub corrections: Vec<crate::validate::corrections::Change>,
    /// (stage, milliseconds)
    pub timings: Vec<(String, f64)>,
}

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

/// Runs the evaluation of the dataset in `data_dir` under the methodology file for `period`.
pub fn evaluate(data_dir: &Path, method_path: &Path, period: Period) -> Result<Run> {
    evaluate_with(data_dir, method_path, &[], period)
}

/// [`evaluate`] with what-if overrides of the methodology (`path=value`).
pub fn evaluate_with(data_dir: &Path, method_path: &Path, overrides: &[String], period: Period) -> Result<Run> {
    evaluate_corrected(data_dir, method_path, overrides, None, period)
}

/// [`evaluate_with`] after applying a corrections folder to the inputs.
pub fn evaluate_corrected(
    data_dir: &Path,
    method_path: &Path,
    overrides: &[String],
    corrections: Option<&Path>,
    period: Period,
) -> Result<Run> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let method = method::load_with(method_path, overrides)?;
    timings.push(("methodology".to_string(), ms(t)));
    let t = Instant::now();
    let (data, changes) = validate::load_corrected(data_dir, corrections)?;
    timings.push(("ingest and validate".to_string(), ms(t)));
    let keep = Keep { prior_year: method.reads_prior_year(), rows: false };
    let mut run = stages(data, method, period, data_dir, timings, keep)?;
    run.corrections = changes;
    Ok(run)
}

/// The stages after loading, for callers that already hold the data (tests, what-if runs, monitoring,
/// which compares with the year before): the prior year's facts are always computed.
pub fn evaluate_loaded(
    data: Dataset,
    method: Loaded,
    period: Period,
    data_dir: &Path,
    timings: Vec<(String, f64)>,
) -> Result<Run> {
    stages(data, method, period, data_dir, timings, Keep { prior_year: true, rows: true })
}

/// What [`stages`] keeps beyond what every report needs.
struct Keep {
    /// Compute the prior year's facts (else `Run::prior_facts` is empty: at a million firms they cost
    /// 250 MB and a second pass over the quarters).
    prior_year: bool,
    /// Keep the output and tax rows in `Run::data` after the indicators.
    rows: bool,
}

/// The stages after loading.
fn stages(
    mut data: Dataset,
    method: Loaded,
    period: Period,
    data_dir: &Path,
    mut timings: Vec<(String, f64)>,
    keep: Keep,
) -> Result<Run> {
    let bar = crate::progress::steps();
    bar.set_message(format!("indicators of {} enterprises", data.enterprises.len()));
    let t = Instant::now();
    let (basis, merge) = (method.method.land.basis, method.method.land.merge_tenants);
    let facts = indicators::compute_with(&data, &period, basis, merge);
    let prior_facts =
        if keep.prior_year { indicators::compute_with(&data, &period.prior_year(), basis, merge) } else { Vec::new() };
    for acc in data.accounts.iter_mut() {
        acc.in_period = match acc.kind {
            FileKind::Output => Some(data.output.iter().filter(|r| period.contains(r.quarter)).count()),
            FileKind::Tax => Some(data.tax.iter().filter(|r| period.contains(r.quarter)).count()),
            _ => None,
        };
    }
    if !keep.rows {
        data.output = Vec::new();
        data.tax = Vec::new();
    }
    timings.push(("indicators".to_string(), ms(t)));
    bar.set_message("scoring");
    let t = Instant::now();
    let method_dir = method.path.parent().map(Path::to_path_buf).unwrap_or_default();
    let dirs = [data_dir, method_dir.as_path()];
    let (mut scored, benchmarks) =
        score::score(&data, &facts, &prior_facts, &method, &period, &dirs).map_err(Error::BadInput)?;
    timings.push(("score".to_string(), ms(t)));
    bar.set_message("classes and ranks");
    let t = Instant::now();
    rank::classify_and_rank(&data, &method, &mut scored);
    // Merged tenants share their landlord's result.
    for (i, f) in facts.iter().enumerate() {
        if let Some(l) = f.merged_into() {
            let (class, text, rounded) = (scored[l].class.clone(), scored[l].total_text.clone(), scored[l].rounded);
            let s = &mut scored[i];
            s.class = class;
            s.total_text = text;
            s.rounded = rounded;
        }
    }
    timings.push(("classify and rank".to_string(), ms(t)));
    bar.finish_and_clear();
    Ok(Run {
        data,
        method,
        period,
        facts,
        prior_facts,
        scored,
        benchmarks,
        data_dir: data_dir.to_path_buf(),
        corrections: Vec::new(),
        timings,
    })
}
