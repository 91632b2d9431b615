//! The evaluation, stage by stage: indicators → score → classify and rank, on inputs the command layer
//! has loaded (the validated dataset, the methodology and the files it names). Writing the outputs is
//! `report`'s job; this module only produces the [`Run`].

use crate::dataset::{Dataset, Keep};
use crate::error::{Error, Result};
use crate::indicators::{self, Facts};
use crate::method::{Loaded, SideFiles};
use crate::period::Period;
use crate::progress::Stage;
use crate::report::policies::History;
use crate::schema::FileKind;
use crate::score::{self, BenchmarkSource, Scored};
use crate::validate::corrections::Change;
use std::path::PathBuf;
use std::time::Instant;

/// What an evaluation starts from, loaded by the command layer.
pub struct Inputs {
    pub data: Dataset,
    pub method: Loaded,
    /// The files the methodology names (benchmark files, class history).
    pub side: SideFiles,
    /// The data folder, named in the manifest.
    pub data_dir: PathBuf,
    /// Changes made by a corrections folder (异议复核), for the audit table.
    pub corrections: Vec<Change>,
    /// (stage, milliseconds) of the loading.
    pub timings: Vec<Stage>,
}

/// How to evaluate.
#[derive(Debug, Clone)]
pub struct Options {
    pub period: Period,
    /// Compute the prior year's facts even when no rule reads them (monitoring compares with the year
    /// before). Without it they are computed only when a rule reads a `prior_` figure: they cost memory
    /// and a second pass over the quarters.
    pub prior_year_always: bool,
    /// Keep the output and tax rows in [`Run::data`] after the indicators (monitoring reads single
    /// quarters; the data must then be read with [`Keep::Rows`]). Without it the rows, or the sums folded
    /// while reading, are freed once they are in the facts, and the scores reuse that memory.
    pub keep_rows: bool,
    /// Keep every firm's explanation figures (numerator, denominator, points before cap and floor) even
    /// when the run writes no explanation (`[output] detail_limit`): a report card explains any firm.
    pub explain_all: bool,
}

impl Options {
    /// An evaluation of `period` that keeps only what the reports need.
    pub fn for_period(period: Period) -> Options {
        Options { period, prior_year_always: false, keep_rows: false, explain_all: false }
    }

    /// What reading must keep of the output and tax rows for this evaluation under `method`: the sums of
    /// the period, and of the year before when a rule reads it; every row if they are kept.
    pub fn keep(&self, method: &Loaded) -> Keep {
        if self.keep_rows {
            return Keep::Rows;
        }
        let mut periods = vec![self.period.clone()];
        if self.prior_year_always || method.reads_prior_year() {
            periods.push(self.period.prior_year());
        }
        Keep::Sums(periods)
    }
}

/// Everything an evaluation produced, in enterprise file order.
pub struct Run {
    /// The validated input (without the output and tax rows unless [`Options::keep_rows`]).
    pub data: Dataset,
    pub method: Loaded,
    pub period: Period,
    pub facts: Vec<Facts>,
    /// Facts of the same quarters one year earlier; empty when not computed (see [`Options`]).
    pub prior_facts: Vec<Facts>,
    pub scored: Vec<Scored>,
    /// Whether the scores keep their explanation figures (see [`Options::explain_all`]).
    pub explained: bool,
    pub benchmarks: Vec<BenchmarkSource>,
    /// Earlier years' classes from the methodology's history file, for the policies.
    pub class_history: History,
    /// The files the methodology named: (name, SHA-256), for the manifest.
    pub side_files: Vec<(String, String)>,
    pub data_dir: PathBuf,
    /// Changes made by a corrections folder (异议复核), for the audit table.
    pub corrections: Vec<Change>,
    /// (stage, milliseconds)
    pub timings: Vec<Stage>,
}

/// Evaluates the inputs: indicators, scores, classes and ranks.
pub fn evaluate(inputs: Inputs, opts: &Options) -> Result<Run> {
    let Inputs { mut data, method, side, data_dir, corrections, mut timings } = inputs;
    let period = opts.period.clone();
    check_period_has_rows(&data, &period)?;
    crate::method::groups::assign(&method.method.groups, &mut data.enterprises);
    let class_history = History::parse(&method, &side)?;
    let side_files = side.iter().map(|(name, t)| (name.clone(), t.sha256.clone())).collect();
    let bar = crate::progress::steps();
    bar.set_message(format!("indicators of {} enterprises", data.enterprises.len()));
    let t = Instant::now();
    let (basis, merge) = (method.method.land.basis, method.method.land.merge_tenants);
    let facts = indicators::compute_with(&data, &period, basis, merge);
    let prior_year = opts.prior_year_always || method.reads_prior_year();
    let prior_facts =
        if prior_year { indicators::compute_with(&data, &period.prior_year(), basis, merge) } else { Vec::new() };
    for k in 0..data.accounts.len() {
        data.accounts[k].in_period = data.rows_in(data.accounts[k].kind, &period);
    }
    if !opts.keep_rows {
        data.drop_quarterly();
    }
    timings.push(Stage::done("indicators", t));
    bar.set_message("scoring");
    let t = Instant::now();
    let explained = opts.explain_all || method.method.output.details(data.enterprises.len());
    let (scored, benchmarks) = score::score(&data, &facts, &prior_facts, &method, &period, &side, explained)?;
    timings.push(Stage::done("score", t));
    let mut run = Run {
        data,
        method,
        period,
        facts,
        prior_facts,
        scored,
        explained,
        benchmarks,
        class_history,
        side_files,
        data_dir,
        corrections,
        timings,
    };
    bar.set_message("classes and ranks");
    let t = Instant::now();
    rank_run(&mut run);
    run.timings.push(Stage::done("classify and rank", t));
    bar.finish_and_clear();
    Ok(run)
}

/// An evaluation of a period with no output and no tax row would grade every firm on nothing (0.00 or
/// T) and look like a result: it is refused, naming the quarters the data do hold.
fn check_period_has_rows(data: &Dataset, period: &Period) -> Result<()> {
    let in_period = [FileKind::Output, FileKind::Tax].iter().any(|&k| data.rows_in(k, period).unwrap_or(0) > 0);
    if in_period || data.enterprises.is_empty() {
        return Ok(());
    }
    let held = data.quarters_held();
    let held = match (held.first(), held.last()) {
        (Some(a), Some(b)) if a != b => format!("the output and tax files hold {a} to {b}"),
        (Some(a), _) => format!("the output and tax files hold only {a}"),
        _ => "the output and tax files hold no rows at all".to_string(),
    };
    let (first, last) = (period.quarters.first(), period.quarters.last());
    let span = match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    Err(Error::BadInput(format!(
        "no output or tax rows for the period {} ({span}): {held}; give a period inside the data (--period)",
        period.label
    )))
}

/// Classes and ranks of a scored run; merged tenants then take their landlord's result.
pub fn rank_run(run: &mut Run) {
    crate::rank::classify_and_rank(&run.data, &run.method, &mut run.scored);
    score::share_with_landlords(&run.data, &run.facts, &mut run.scored);
}
