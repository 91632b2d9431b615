//! `mujun projects`: standard land (标准地). Reads the projects and checks files (and the enterprises file
//! and, with `[derive] from_evaluation`, the evaluation data of the same folder) and the rules file, runs
//! `standard_land::assess` and writes its tables, projects.xlsx and the manifest.

use super::manifest::{self, Output};
use super::{load, Ctx};
use crate::error::{Error, Result};
use crate::ingest::{self, FileKind, IngestError, RawTable};
use crate::report::{self, table};
use crate::standard_land::{self, assess::Status, rules, tables, Assessment, Tables};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, clap::Args)]
pub struct ProjectsArgs {
    /// Folder with a projects file (项目) and a checks file (验收), optionally enterprises.
    #[arg(long)]
    pub data: PathBuf,
    /// Rules file (TOML), e.g. data/methods/standard_land_default.toml.
    #[arg(long)]
    pub rules: PathBuf,
    /// The date statuses are assessed at (YYYY-MM-DD): due dates before it are overdue.
    #[arg(long)]
    pub as_of: String,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Write into a non-empty folder that is not an earlier run.
    #[arg(long)]
    pub force: bool,
}

/// Assesses the projects and writes the tables; returns the summary to print.
pub fn run(a: &ProjectsArgs, cx: &Ctx) -> Result<String> {
    let as_of = standard_land::parse_as_of(&a.as_of)?;
    let rules = read_rules(&a.rules)?;
    let tables = read_tables(&a.data, rules.derive_stage.is_some())?;
    let assessment = standard_land::assess(tables, rules, as_of)?;
    load::prepare_out_dir(&a.out, &a.data, a.force)?;
    write(&assessment, &a.out, cx)?;
    Ok(summary(&assessment, &a.out))
}

/// Reads and checks a rules file.
pub fn read_rules(path: &Path) -> Result<rules::Loaded> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::BadInput(format!("rules file {}: cannot read: {e}", path.display())))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::BadInput(format!("rules file {}: not UTF-8 text", path.display())))?;
    let mut l = rules::load_str(&text, path)?;
    l.sha256 = crate::digest::of_bytes(text.as_bytes());
    Ok(l)
}

fn read(path: &Path) -> Result<RawTable> {
    ingest::read(path).map_err(|e| Error::BadInput(e.to_string()))
}

/// The projects and checks files (required), the enterprises file (if any), and the evaluation data when
/// the rules derive figures from it.
fn read_tables(dir: &Path, derive: bool) -> Result<Tables> {
    let required = |kind| -> Result<RawTable> {
        match ingest::find(dir, kind).map_err(|e| Error::BadInput(e.to_string()))? {
            Some(p) => read(&p),
            None => Err(Error::BadInput(
                IngestError::Missing {
                    dir: dir.display().to_string(),
                    kind: kind.stem(),
                    alias: kind.stem_aliases()[0],
                }
                .to_string(),
            )),
        }
    };
    let enterprises = match ingest::find(dir, FileKind::Enterprises) {
        Ok(Some(p)) => Some(read(&p)?),
        Ok(None) | Err(IngestError::Missing { .. }) => None,
        Err(e) => return Err(Error::BadInput(e.to_string())),
    };
    let evaluation = derive.then(|| crate::validate::load(dir).map_err(|e| e.to_string()));
    Ok(Tables {
        projects: required(FileKind::Projects)?,
        checks: required(FileKind::Checks)?,
        enterprises,
        evaluation,
        data_dir: dir.to_path_buf(),
    })
}

/// Writes every table and the manifest into `out`.
pub fn write(a: &Assessment, out: &Path, cx: &Ctx) -> Result<()> {
    let io = |e: std::io::Error| Error::Output(e.to_string());
    let sheets = [
        ("projects.csv", "项目 projects", tables::projects(a)),
        ("project_checks.csv", "验收明细 checks", tables::checks(a)),
        ("overdue.csv", "逾期 overdue", tables::overdue(a)),
        ("liabilities.csv", "违约责任 liabilities", tables::liabilities(a)),
        ("by_park.csv", "园区 park", tables::by_group(a, "park", "园区 park")),
        ("by_county.csv", "县区 county", tables::by_group(a, "county", "县区 county")),
        ("exceptions.csv", "例外 exceptions", report::exceptions_table(&a.inputs.exceptions)),
    ];
    let mut outputs = Vec::new();
    for (name, _, t) in &sheets {
        let p = out.join(name);
        table::write_csv(&p, t).map_err(io)?;
        outputs.push(Output::new(p));
    }
    let xlsx = out.join("projects.xlsx");
    let named: Vec<(&str, &table::Table)> = sheets.iter().map(|(_, s, t)| (*s, t)).collect();
    crate::report::xlsx::write_xlsx(&xlsx, &named).map_err(Error::Output)?;
    outputs.push(Output::new(xlsx));
    manifest::write(out, fields(a), &cx.command_line, &outputs)?;
    Ok(())
}

/// The manifest's fields: inputs with SHA-256 and row accounting, the rules file, counts.
fn fields(a: &Assessment) -> Map<String, Value> {
    let acc = &a.inputs.accounts;
    let (read, used, excepted) = acc.iter().fold((0, 0, 0), |s, x| (s.0 + x.read, s.1 + x.used, s.2 + x.excepted));
    let by_status: BTreeMap<&str, usize> =
        standard_land::status_counts(a).into_iter().map(|(k, v)| (k.label(), v)).collect();
    let r = &a.rules;
    let take_back = a.results.iter().filter(|r| r.liability.take_back).count();
    let v = json!({
        "kind": "standard_land_projects",
        "as_of": crate::dates::format(a.as_of),
        "data_dir": a.data_dir.display().to_string(),
        "rules": { "file": r.path.display().to_string(), "sha256": r.sha256, "scheme": r.rules.scheme.name, "title": r.rules.scheme.title },
        "inputs": acc,
        "rows": { "read": read, "used": used, "excepted": excepted, "balanced": read == used + excepted },
        "exceptions": a.inputs.exceptions.len(),
        "projects": { "total": a.results.len(), "by_overall_status": by_status, "take_back_review": take_back },
        "derived_stages": a.derived,
        "liability_total": tables::total_liability(a),
    });
    match v {
        Value::Object(o) => o,
        _ => Map::new(),
    }
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
    let counts: Vec<String> =
        standard_land::status_counts(a).iter().map(|(k, v)| format!("{} {v}", k.label())).collect();
    let _ = writeln!(s, "projects: {} ({})", a.results.len(), counts.join(", "));
    let flagged = a.results.iter().filter(|x| x.liability.take_back).count();
    let total = tables::total_liability(a);
    let _ = writeln!(s, "liability: {total} 万元 in total; {flagged} flagged for land take-back review");
    for x in a.results.iter().filter(|x| matches!(x.overall, Status::Overdue | Status::Breach | Status::Rectify)) {
        let _ = writeln!(s, "  {}", tables::line(a, x));
    }
    if a.derived > 0 {
        let _ = writeln!(s, "{} stages derived from the evaluation data (see the note column)", a.derived);
    }
    let read: usize = a.inputs.accounts.iter().map(|x| x.read).sum();
    let excepted: usize = a.inputs.accounts.iter().map(|x| x.excepted).sum();
    let lines = a.inputs.exceptions.len();
    let _ =
        writeln!(s, "input rows: {read} read, {} used, {excepted} excluded; {lines} exception lines", read - excepted);
    let files =
        "projects.csv, project_checks.csv, overdue.csv, liabilities.csv, projects.xlsx, exceptions.csv, manifest.json";
    let _ = write!(s, "results: {} ({files})", out.display());
    s
}
