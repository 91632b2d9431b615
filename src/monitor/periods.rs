//! The two evaluations of a monitoring run (current period and `--against` period), both from one loaded
//! dataset and one methodology, with the missing-quarter treatment of the rules file; and the quarterly
//! rows of each enterprise, for the rules that look at single quarters (revenue falls, no report, the pool,
//! targets).

use super::rules::Treatment;
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::indicators::{trim_number, Facts};
use crate::method::{expr, Loaded, Rule, SideFiles};
use crate::period::{Period, Quarter};
use crate::pipeline::{self, Run};
use crate::schema::Field;
use crate::score;
use std::collections::BTreeMap;
use std::path::Path;

/// One evaluated period and what the treatment did.
pub struct PeriodRun {
    pub run: Run,
    /// Quarters of the period with no output or no tax row, per enterprise (before any treatment).
    pub missing: Vec<Vec<String>>,
    /// What the treatment did to the enterprise's figures (empty: nothing).
    pub treated: Vec<String>,
}

/// The rule that `unclassed` adds in front of every track's undetermined rules.
pub const UNCLASSED_RULE: &str = "quarters_output < quarters_expected or quarters_tax < quarters_expected";
const UNCLASSED_REASON: &str = "T: 监测规则 missing_quarters = unclassed: no rows for {missing_quarters}";

/// Evaluates `period` on clones of the loaded data and methodology.
pub fn evaluate(
    data: &Dataset,
    method: &Loaded,
    side: &SideFiles,
    period: Period,
    data_dir: &Path,
    treatment: Treatment,
) -> Result<PeriodRun> {
    let mut method = method.clone();
    if treatment == Treatment::Unclassed {
        let compiled = expr::parse(UNCLASSED_RULE).map_err(Error::Internal)?;
        for (t, c) in method.method.tracks.iter_mut().zip(method.tracks.iter_mut()) {
            t.undetermined.insert(0, Rule { rule: UNCLASSED_RULE.into(), reason: UNCLASSED_REASON.into(), zh: None });
            c.undetermined.insert(0, compiled.clone());
        }
    }
    let inputs = pipeline::Inputs {
        data: data.clone(),
        method,
        side: side.clone(),
        data_dir: data_dir.to_path_buf(),
        corrections: Vec::new(),
        timings: Vec::new(),
    };
    let opts = pipeline::Options { period, prior_year_always: true, keep_rows: true, explain_all: false };
    let mut run = pipeline::evaluate(inputs, &opts)?;
    let missing: Vec<Vec<String>> = run.facts.iter().map(|f| f.missing_quarters.clone()).collect();
    let mut treated = vec![String::new(); missing.len()];
    match treatment {
        Treatment::Skip => {}
        Treatment::Unclassed => {
            for (t, m) in treated.iter_mut().zip(&missing) {
                if !m.is_empty() {
                    *t = "unclassed (T)".into();
                }
            }
        }
        Treatment::Prorate => {
            let expected = run.period.quarters.len();
            for (t, f) in treated.iter_mut().zip(run.facts.iter_mut()) {
                *t = prorate(f, expected);
            }
            for f in run.prior_facts.iter_mut() {
                prorate(f, expected);
            }
            // Score again on the scaled figures: benchmarks, points, classes and ranks all change.
            let (scored, benchmarks) =
                score::score(&run.data, &run.facts, &run.prior_facts, &run.method, &run.period, side, run.explained)?;
            run.scored = scored;
            run.benchmarks = benchmarks;
            pipeline::rank_run(&mut run);
        }
    }
    Ok(PeriodRun { run, missing, treated })
}

/// Scales the period sums of one enterprise to the full period: sum × expected ÷ reported, per file (output
/// rows for the output fields, tax rows for tax); employees stay the mean of the quarters reported. A file
/// with no row in the period stays missing. Returns what was done, e.g. `output × 4/3`.
pub fn prorate(f: &mut Facts, expected: usize) -> String {
    let mut done = Vec::new();
    let (e, ro, rt) = (expected as f64, f.quarters_output as usize, f.quarters_tax as usize);
    if ro > 0 && ro < expected {
        for k in Field::OUTPUT.into_iter().filter(|&k| k != Field::Employees) {
            f.set_sum(k, f.sum(k).map(|v| v * e / ro as f64));
        }
        done.push(format!("output × {expected}/{ro}"));
    }
    if rt > 0 && rt < expected {
        f.set_tax(f.tax().map(|v| v * e / rt as f64));
        done.push(format!("tax × {expected}/{rt}"));
    }
    if ro > 0 {
        f.quarters_output = expected as u32;
    }
    if rt > 0 {
        f.quarters_tax = expected as u32;
    }
    if ro > 0 && rt > 0 {
        f.missing_quarters.clear();
    }
    done.join(", ")
}

/// Each enterprise's rows by quarter (row indices into the dataset), for single-quarter figures.
pub struct Quarterly {
    output: Vec<BTreeMap<Quarter, usize>>,
    tax: Vec<BTreeMap<Quarter, usize>>,
}

impl Quarterly {
    pub fn new(data: &Dataset) -> Quarterly {
        let n = data.enterprises.len();
        let (mut output, mut tax) = (vec![BTreeMap::new(); n], vec![BTreeMap::new(); n]);
        for (k, r) in data.output.iter().enumerate() {
            output[r.enterprise()].entry(r.quarter).or_insert(k);
        }
        for (k, r) in data.tax.iter().enumerate() {
            tax[r.enterprise()].entry(r.quarter).or_insert(k);
        }
        Quarterly { output, tax }
    }

    pub fn has_output(&self, i: usize, q: Quarter) -> bool {
        self.output[i].contains_key(&q)
    }

    pub fn has_tax(&self, i: usize, q: Quarter) -> bool {
        self.tax[i].contains_key(&q)
    }

    /// One quarter's figure: tax or an output field (`None`: no row, a blank cell, or another field).
    pub fn value(&self, data: &Dataset, i: usize, q: Quarter, field: Field) -> Option<f64> {
        if field == Field::Tax {
            return self.tax[i].get(&q).map(|&k| data.tax[k].tax_paid);
        }
        let f = field.output_index()?;
        self.output[i].get(&q).and_then(|&k| data.output[k].value(f))
    }

    /// The sum of a field over `quarters`, in quarter order, and the number of quarters with a value.
    pub fn sum(&self, data: &Dataset, i: usize, quarters: &[Quarter], field: Field) -> (Option<f64>, usize) {
        let mut acc: Option<f64> = None;
        let mut n = 0;
        for &q in quarters {
            if let Some(v) = self.value(data, i, q, field) {
                acc = Some(acc.map_or(v, |a| a + v));
                n += 1;
            }
        }
        (acc, n)
    }
}

/// The four quarters ending in `q`.
pub fn rolling4(q: Quarter) -> Vec<Quarter> {
    (0..4).rev().map(|n| q.minus(n)).collect()
}

/// Q1 of `q`'s year up to `q`.
pub fn ytd(q: Quarter) -> Vec<Quarter> {
    (1..=q.q).map(|k| Quarter { year: q.year, q: k }).collect()
}

/// A number for reading in detail texts.
pub fn shown(x: f64) -> String {
    trim_number(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prorate_scales_sums_but_not_employees() {
        let mut f = Facts::default();
        (f.quarters_output, f.quarters_tax, f.missing_quarters) = (3, 2, vec!["2025Q1".into()]);
        f.set_tax(Some(30.0));
        f.set_sum(Field::Revenue, Some(300.0));
        f.set_sum(Field::Employees, Some(50.0));
        // output 300 × 4 ÷ 3 = 400; tax 30 × 4 ÷ 2 = 60; employees stay the mean 50.
        assert_eq!(prorate(&mut f, 4), "output × 4/3, tax × 4/2");
        assert_eq!((f.sum(Field::Revenue), f.tax(), f.sum(Field::Employees)), (Some(400.0), Some(60.0), Some(50.0)));
        assert_eq!((f.quarters_output, f.quarters_tax, f.missing_quarters.len()), (4, 4, 0));
        let mut none = Facts::default();
        assert_eq!(prorate(&mut none, 4), "");
        assert_eq!(none.quarters_output, 0);
    }
}
