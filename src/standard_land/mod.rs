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
mod checks_input;
pub mod clauses;
pub mod columns;
pub mod contract;
pub mod contract_rules;
pub mod derive;
pub mod input;
mod interest;
pub mod liability;
pub mod rules;
pub mod status;
pub mod tables;
pub mod timeline_table;

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::ingest::RawTable;
use assess::StageResult;
use std::path::PathBuf;

/// One project's results.
#[derive(Debug, Clone)]
pub struct ProjectResult {
    /// Index into `Inputs::projects`.
    pub project: usize,
    pub stages: Vec<StageResult>,
    /// Index into the rules' statuses (`Loaded::statuses`).
    pub overall: usize,
    pub liability: liability::Liability,
    /// The milestones' items, rows and the contract's end.
    pub timeline: clauses::Timeline,
    /// What each project event did (parallel to the project's events).
    pub events: Vec<String>,
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
    /// Files of the data folder not read, and why.
    pub not_used: Vec<NotUsed>,
}

/// Parses the `--as-of` date.
pub fn parse_as_of(text: &str) -> Result<i64> {
    crate::dates::parse(text)
        .ok_or_else(|| Error::BadInput(format!("--as-of '{text}' is not a date such as 2025-06-30")))
}

/// Fields the `actual` expressions may read besides the checks columns.
pub const PROJECT_FIELDS: [&str; 3] = ["land_mu", "land_m2", "land_price"];

/// A file of the data folder that is not read, and why (the summary and the manifest name it).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NotUsed {
    pub file: String,
    pub why: String,
}

/// What an assessment reads, loaded by the command layer.
pub struct Tables {
    pub projects: RawTable,
    pub checks: RawTable,
    /// The data folder's enterprises file, when it has one (its ids are checked against).
    pub enterprises: Option<RawTable>,
    /// The payments file (分期缴款), when the folder has one.
    pub payments: Option<RawTable>,
    /// The project events file (履约事件), when the folder has one.
    pub events: Option<RawTable>,
    /// The other files of the folder, each with why it is not read.
    pub not_used: Vec<NotUsed>,
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
    let results = (0..inputs.projects.len()).map(|p| project(p, &inputs, &rules, as_of)).collect();
    let not_used = tables.not_used;
    Ok(Assessment { rules, inputs, results, as_of, data_dir: tables.data_dir, derived, not_used })
}

/// One project: its milestones, stages, liability and overall status.
fn project(p: usize, inputs: &input::Inputs, rules: &rules::Loaded, as_of: i64) -> ProjectResult {
    let project = &inputs.projects[p];
    let timeline = clauses::timeline(project, rules, as_of);
    let mut events = vec![String::new(); project.milestones.events.len()];
    let cx = assess::StageCx { p, inputs, rules, as_of, timeline: &timeline };
    let stages = assess::stages(&cx, &mut events);
    let lcx = liability::Cx { project, rules, timeline: &timeline, as_of };
    let liability = liability::assess(&lcx, &stages, &mut events);
    for (note, e) in events.iter_mut().zip(&project.milestones.events).filter(|(n, _)| n.is_empty()) {
        *note = clauses::event_effect(e, &timeline);
    }
    let facts =
        status::Facts { stages: &stages, timeline: &timeline, liability: &liability, milestones: &project.milestones };
    let overall = status::overall(rules, &facts);
    ProjectResult { project: p, stages, overall, liability, timeline, events }
}

/// Projects per overall status, in the rules' order, with the statuses no project has left out.
pub fn status_counts(a: &Assessment) -> Vec<(&contract_rules::CompiledStatus, usize)> {
    let mut n = vec![0; a.rules.statuses.len()];
    a.results.iter().for_each(|r| n[r.overall] += 1);
    a.rules.statuses.iter().zip(n).filter(|(_, k)| *k > 0).collect()
}
