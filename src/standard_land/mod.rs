//! Standard land (标准地) "X+X" project compliance: each project's agreed control indicators are
//! checked at 竣工验收 (completion) and 达产复核 (production review); shortfalls become bands, stage and
//! project statuses, liability items with their arithmetic, a capped liability and flags.
//!
//! In: a data folder with a `projects` file (标准地 agreements) and a `checks` file (one row per project and
//! stage checked), optionally an `enterprises` file (to find agreements that reference unknown
//! enterprises); a rules file (TOML, see `rules` and docs/standard-land.md); an as-of date.
//! Out: projects.csv, project_checks.csv, overdue.csv, liabilities.csv, by_park.csv, by_county.csv,
//! exceptions.csv, projects.xlsx and manifest.json (see `tables`).
//!
//! Stages: `columns` + `input` (read and validate) → `derive` (optional desk review from the evaluation
//! data) → `assess` (attainment, bands, statuses) → `liability` (items, cap, flags) → `tables` (outputs).

pub mod assess;
pub mod columns;
pub mod derive;
pub mod input;
pub mod liability;
pub mod rules;
pub mod tables;

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use assess::{StageResult, Status};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One project's results.
#[derive(Debug, Clone)]
pub struct ProjectResult {
    /// Index into `Inputs::projects`.
    pub project: usize,
    pub stages: Vec<StageResult>,
    pub overall: Status,
    pub liability: liability::Liability,
}

/// A finished assessment: rules, inputs and results.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub rules: rules::Loaded,
    pub inputs: input::Inputs,
    pub results: Vec<ProjectResult>,
    /// Day number of the as-of date.
    pub as_of: i64,
    pub data_dir: PathBuf,
    /// Stages whose figures were derived from the evaluation data.
    pub derived: usize,
}

/// Parses the `--as-of` date.
pub fn parse_as_of(text: &str) -> Result<i64> {
    crate::dates::parse(text)
        .ok_or_else(|| Error::BadInput(format!("--as-of '{text}' is not a date such as 2025-06-30")))
}

/// Fields the `actual` expressions may read besides the checks columns.
pub const PROJECT_FIELDS: [&str; 3] = ["land_mu", "land_m2", "land_price"];

/// What an assessment reads, loaded by the command layer.
pub struct Tables {
    pub projects: RawTable,
    pub checks: RawTable,
    /// The data folder's enterprises file, when it has one (its ids are checked against).
    pub enterprises: Option<RawTable>,
    /// With `[derive] from_evaluation`: the evaluation data of the same folder, or why it cannot be read.
    pub evaluation: Option<std::result::Result<Dataset, String>>,
    pub data_dir: PathBuf,
}

/// Assesses every project as of `as_of` (a day number).
pub fn assess(tables: Tables, rules: rules::Loaded, as_of: i64) -> Result<Assessment> {
    let mut inputs = input::read(&tables, &rules, as_of)?;
    let known: Vec<String> = columns::check_cols()
        .into_iter()
        .map(|c| c.name)
        .chain(PROJECT_FIELDS.iter().map(|s| s.to_string()))
        .chain(inputs.check_extra.iter().cloned())
        .collect();
    for (ind, c) in rules.rules.indicators.iter().zip(&rules.compiled) {
        if let Some(f) = c.fields.iter().find(|f| !known.contains(f)) {
            return Err(Error::BadInput(format!(
                "rules file {}: indicator {}: `actual` reads '{f}', which is neither a checks column nor one of {} (known: {})",
                rules.path.display(),
                ind.key,
                PROJECT_FIELDS.join(", "),
                known.join(", ")
            )));
        }
    }
    let derived = derive::fill(tables.evaluation.as_ref(), &mut inputs, &rules, as_of);
    let mut results = Vec::new();
    for p in 0..inputs.projects.len() {
        let stages = assess::stages(p, &inputs, &rules, as_of);
        let overall = assess::overall(&stages);
        let liability = liability::assess(&inputs.projects[p], &stages, &rules);
        results.push(ProjectResult { project: p, stages, overall, liability });
    }
    Ok(Assessment { rules, inputs, results, as_of, data_dir: tables.data_dir, derived })
}

/// Projects per overall status.
pub fn status_counts(a: &Assessment) -> BTreeMap<Status, usize> {
    let mut m = BTreeMap::new();
    a.results.iter().for_each(|r| *m.entry(r.overall).or_default() += 1);
    m
}
