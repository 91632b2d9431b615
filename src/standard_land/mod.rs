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

use crate::error::{Error, Result};
use crate::report::{self, table};
use assess::{StageResult, Status};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

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

/// Reads the inputs and assesses every project as of `as_of`.
pub fn assess(data: &Path, rules_path: &Path, as_of: &str) -> Result<Assessment> {
    let as_of = parse_as_of(as_of)?;
    let rules = rules::load(rules_path)?;
    let mut inputs = input::read(data, &rules, as_of)?;
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
    let derived = derive::fill(data, &mut inputs, &rules, as_of);
    let mut results = Vec::new();
    for p in 0..inputs.projects.len() {
        let stages = assess::stages(p, &inputs, &rules, as_of);
        let overall = assess::overall(&stages);
        let liability = liability::assess(&inputs.projects[p], &stages, &rules);
        results.push(ProjectResult { project: p, stages, overall, liability });
    }
    Ok(Assessment { rules, inputs, results, as_of, data_dir: data.to_path_buf(), derived })
}

/// `mujun projects`: assesses the projects of `data` under `rules` as of `as_of` and writes the tables into
/// `out` (which must be new, empty or an earlier run). Returns the summary to print.
pub fn run_projects(data: &Path, rules: &Path, as_of: &str, out: &Path) -> Result<String> {
    run_projects_with(data, rules, as_of, out, false)
}

/// As [`run_projects`]; `force` allows writing into a non-empty folder that is not an earlier run.
pub fn run_projects_with(data: &Path, rules: &Path, as_of: &str, out: &Path, force: bool) -> Result<String> {
    let a = assess(data, rules, as_of)?;
    report::prepare_out_dir(out, data, force)?;
    write(&a, out, &crate::cli::command_line())?;
    Ok(summary(&a, out))
}

/// Writes every output into `out`; returns the files written.
pub fn write(a: &Assessment, out: &Path, command: &str) -> Result<Vec<PathBuf>> {
    let io = |e: std::io::Error| Error::Output(e.to_string());
    let projects = tables::projects(a);
    let checks = tables::checks(a);
    let overdue = tables::overdue(a);
    let liabilities = tables::liabilities(a);
    let park = tables::by_group(a, "park", "园区 park");
    let county = tables::by_group(a, "county", "县区 county");
    let exceptions = report::exceptions_table(&a.inputs.exceptions);
    let mut files = Vec::new();
    for (name, t) in [
        ("projects.csv", &projects),
        ("project_checks.csv", &checks),
        ("overdue.csv", &overdue),
        ("liabilities.csv", &liabilities),
        ("by_park.csv", &park),
        ("by_county.csv", &county),
        ("exceptions.csv", &exceptions),
    ] {
        let p = out.join(name);
        table::write_csv(&p, t).map_err(io)?;
        files.push(p);
    }
    let xlsx = out.join("projects.xlsx");
    table::write_xlsx(
        &xlsx,
        &[
            ("项目 projects", &projects),
            ("验收明细 checks", &checks),
            ("逾期 overdue", &overdue),
            ("违约责任 liabilities", &liabilities),
            ("园区 park", &park),
            ("县区 county", &county),
            ("例外 exceptions", &exceptions),
        ],
    )
    .map_err(Error::Output)?;
    files.push(xlsx);
    let m = manifest(a, &files, command).map_err(io)?;
    let p = out.join("manifest.json");
    table::write_atomic(&p, m.as_bytes()).map_err(io)?;
    files.push(p);
    Ok(files)
}

fn status_counts(a: &Assessment) -> BTreeMap<Status, usize> {
    let mut m = BTreeMap::new();
    a.results.iter().for_each(|r| *m.entry(r.overall).or_default() += 1);
    m
}

/// manifest.json: inputs with SHA-256 and row accounting, the rules file, counts, outputs.
fn manifest(a: &Assessment, outputs: &[PathBuf], command: &str) -> std::io::Result<String> {
    use serde_json::json;
    let mut outs = Vec::new();
    for p in outputs {
        outs.push(json!({ "file": crate::ingest::file_name(p), "sha256": crate::digest::of_file(p)? }));
    }
    let acc = &a.inputs.accounts;
    let (read, used, excepted) = acc.iter().fold((0, 0, 0), |s, x| (s.0 + x.read, s.1 + x.used, s.2 + x.excepted));
    let by_status: BTreeMap<&str, usize> = status_counts(a).into_iter().map(|(k, v)| (k.label(), v)).collect();
    let v = json!({
        "mujun_version": crate::VERSION,
        "command": command,
        "kind": "standard_land_projects",
        "as_of": crate::dates::format(a.as_of),
        "data_dir": a.data_dir.display().to_string(),
        "rules": { "file": a.rules.path.display().to_string(), "sha256": a.rules.sha256, "scheme": a.rules.rules.scheme.name, "title": a.rules.rules.scheme.title },
        "inputs": acc,
        "rows": { "read": read, "used": used, "excepted": excepted, "balanced": read == used + excepted },
        "exceptions": a.inputs.exceptions.len(),
        "projects": { "total": a.results.len(), "by_overall_status": by_status, "take_back_review": a.results.iter().filter(|r| r.liability.take_back).count() },
        "derived_stages": a.derived,
        "liability_total": tables::total_liability(a),
        "outputs": outs,
    });
    Ok(serde_json::to_string_pretty(&v).unwrap_or_default())
}

/// The printed summary: counts by status, liability total, the projects needing action, exceptions.
pub fn summary(a: &Assessment, out: &Path) -> String {
    let mut s = String::new();
    let r = &a.rules.rules;
    let _ = writeln!(
        s,
        "mujun {}: 标准地 projects ({}) as of {}",
        crate::VERSION,
        r.scheme.name,
        crate::dates::format(a.as_of)
    );
    let counts: Vec<String> = status_counts(a).iter().map(|(k, v)| format!("{} {v}", k.label())).collect();
    let _ = writeln!(s, "projects: {} ({})", a.results.len(), counts.join(", "));
    let flagged = a.results.iter().filter(|x| x.liability.take_back).count();
    let _ = writeln!(
        s,
        "liability: {} 万元 in total; {flagged} flagged for land take-back review",
        tables::total_liability(a)
    );
    for x in a.results.iter().filter(|x| matches!(x.overall, Status::Overdue | Status::Breach | Status::Rectify)) {
        let _ = writeln!(s, "  {}", tables::line(a, x));
    }
    if a.derived > 0 {
        let _ = writeln!(s, "{} stages derived from the evaluation data (see the note column)", a.derived);
    }
    let read: usize = a.inputs.accounts.iter().map(|x| x.read).sum();
    let excepted: usize = a.inputs.accounts.iter().map(|x| x.excepted).sum();
    let _ = writeln!(
        s,
        "input rows: {read} read, {} used, {excepted} excluded; {} exception lines",
        read - excepted,
        a.inputs.exceptions.len()
    );
    let _ = write!(s, "results: {} (projects.csv, project_checks.csv, overdue.csv, liabilities.csv, projects.xlsx, exceptions.csv, manifest.json)", out.display());
    s
}
