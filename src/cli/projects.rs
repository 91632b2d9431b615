//! `mujun projects`: standard land (标准地). Reads the projects and checks files (and the enterprises file
//! and, with `[derive] from_evaluation`, the evaluation data of the same folder) and the rules file, runs
//! `standard_land::assess` and writes its tables, projects.xlsx and the manifest.

use super::manifest::{self, Output};
use super::{load, Ctx};
use crate::error::{Error, Result};
use crate::ingest::{self, FileKind, IngestError, RawTable};
use crate::report::{self, table};
use crate::standard_land::contract_rules::Clause;
use crate::standard_land::{self, rules, tables, timeline_table, Assessment, NotUsed, Tables};
use serde_json::{json, Map, Value};
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

/// The projects and checks files (required), the enterprises, payments and project events files (if
/// any), the evaluation data when the rules derive figures from it, and every other file of the folder
/// named with why it is not read.
fn read_tables(dir: &Path, derive: bool) -> Result<Tables> {
    let required = |kind| -> Result<(RawTable, PathBuf)> {
        match ingest::find(dir, kind).map_err(|e| Error::BadInput(e.to_string()))? {
            Some(p) => Ok((read(&p)?, p)),
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
    let optional = |kind| -> Result<Option<(RawTable, PathBuf)>> {
        match ingest::find(dir, kind) {
            Ok(Some(p)) => Ok(Some((read(&p)?, p))),
            Ok(None) | Err(IngestError::Missing { .. }) => Ok(None),
            Err(e) => Err(Error::BadInput(e.to_string())),
        }
    };
    let (projects, checks) = (required(FileKind::Projects)?, required(FileKind::Checks)?);
    let (enterprises, payments, events) =
        (optional(FileKind::Enterprises)?, optional(FileKind::Payments)?, optional(FileKind::ProjectEvents)?);
    let mut read_paths = vec![projects.1.clone(), checks.1.clone()];
    for x in [&enterprises, &payments, &events].into_iter().flatten() {
        read_paths.push(x.1.clone());
    }
    let evaluation = derive.then(|| crate::validate::load(dir).map_err(|e| e.to_string()));
    if derive {
        for kind in FileKind::DATASET {
            read_paths.extend(ingest::find(dir, kind).ok().flatten());
        }
    }
    Ok(Tables {
        projects: projects.0,
        checks: checks.0,
        enterprises: enterprises.map(|x| x.0),
        payments: payments.map(|x| x.0),
        events: events.map(|x| x.0),
        evaluation,
        not_used: not_used(dir, &read_paths)?,
        data_dir: dir.to_path_buf(),
    })
}

/// Every kind of file a data folder may hold.
const KINDS: [FileKind; 9] = [
    FileKind::Projects,
    FileKind::Checks,
    FileKind::Enterprises,
    FileKind::Payments,
    FileKind::ProjectEvents,
    FileKind::Land,
    FileKind::Output,
    FileKind::Tax,
    FileKind::Events,
];

/// The files and folders of `dir` that are not read (hidden files aside), each with why.
fn not_used(dir: &Path, read: &[PathBuf]) -> Result<Vec<NotUsed>> {
    let io = |e: std::io::Error| Error::BadInput(format!("{}: cannot list the folder: {e}", dir.display()));
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir).map_err(io)?.collect::<std::io::Result<_>>().map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || read.iter().any(|p| p.file_name() == Some(e.file_name().as_os_str())) {
            continue;
        }
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        let kind = KINDS.iter().find(|k| k.stem() == stem || k.stem_aliases().contains(&stem));
        let why = match kind {
            _ if e.path().is_dir() => "a folder: only the files directly in --data are read".to_string(),
            Some(k) if FileKind::DATASET.contains(k) && *k != FileKind::Enterprises => format!(
                "evaluation data ({}): read only with [derive] from_evaluation; project events go in project_events.csv (项目事件)",
                k.stem()
            ),
            Some(_) => "not a .csv, .xlsx, .xls, .parquet or .txt file".to_string(),
            None => "not a file of mujun projects (projects, checks, enterprises, payments, project_events, or their Chinese names)".to_string(),
        };
        out.push(NotUsed { file: name, why });
    }
    Ok(out)
}

/// Writes every table and the manifest into `out`.
pub fn write(a: &Assessment, out: &Path, cx: &Ctx) -> Result<()> {
    let io = |e: std::io::Error| Error::Output(e.to_string());
    let sheets = [
        ("projects.csv", "项目 projects", tables::projects(a)),
        ("project_checks.csv", "验收明细 checks", tables::checks(a)),
        ("overdue.csv", "逾期 overdue", tables::overdue(a)),
        ("milestones.csv", "履约节点 milestones", timeline_table::milestones(a)),
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

/// The manifest's fields: inputs with SHA-256 and row accounting, files not used, the rules file, counts.
fn fields(a: &Assessment) -> Map<String, Value> {
    let acc = &a.inputs.accounts;
    let (read, used, excepted) = acc.iter().fold((0, 0, 0), |s, x| (s.0 + x.read, s.1 + x.used, s.2 + x.excepted));
    let by_status: Map<String, Value> =
        standard_land::status_counts(a).into_iter().map(|(s, n)| (s.key.clone(), json!(n))).collect();
    let statuses: Vec<Value> =
        a.rules.statuses.iter().map(|s| json!({ "key": s.key, "zh": s.zh, "action": s.action })).collect();
    let r = &a.rules;
    let take_back = a.results.iter().filter(|r| r.liability.take_back).count();
    let ended = a.results.iter().filter(|r| r.timeline.end.is_some()).count();
    let v = json!({
        "kind": "standard_land_projects",
        "as_of": crate::dates::format(a.as_of),
        "data_dir": a.data_dir.display().to_string(),
        "rules": { "file": r.path.display().to_string(), "sha256": r.sha256, "scheme": r.rules.scheme.name, "title": r.rules.scheme.title },
        "inputs": acc,
        "not_used": a.not_used,
        "rows": { "read": read, "used": used, "excepted": excepted, "balanced": read == used + excepted },
        "exceptions": a.inputs.exceptions.len(),
        "statuses": statuses,
        "projects": { "total": a.results.len(), "by_overall_status": by_status, "take_back_review": take_back, "contract_ended": ended },
        "derived_stages": a.derived,
        "liability_total": tables::total_liability(a),
        "liability_by_clause": tables::clause_totals(a).into_iter().map(|(c, x)| (c.key().to_string(), json!(x))).collect::<Map<String, Value>>(),
    });
    match v {
        Value::Object(o) => o,
        _ => Map::new(),
    }
}

/// The printed summary: counts by status, liability total, the projects needing action, the contract
/// clauses charged, exceptions, and the files of the folder not read.
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
    let counts: Vec<String> = standard_land::status_counts(a).iter().map(|(k, v)| format!("{} {v}", k.key)).collect();
    let _ = writeln!(s, "projects: {} ({})", a.results.len(), counts.join(", "));
    let flagged = a.results.iter().filter(|x| x.liability.take_back).count();
    let total = tables::total_liability(a);
    let _ = writeln!(s, "liability: {total} 万元 in total; {flagged} flagged for land take-back review");
    let clauses: Vec<String> = tables::clause_totals(a)
        .into_iter()
        .filter(|(c, x)| *x != "0.0000" && !matches!(c, Clause::Indicators | Clause::LateCompletion))
        .map(|(c, x)| format!("{} {x}", c.key()))
        .collect();
    if !clauses.is_empty() {
        let ended = a.results.iter().filter(|r| r.timeline.end.is_some()).count();
        let _ = writeln!(s, "contract clauses (万元, before the cap): {}; {ended} contracts ended", clauses.join(", "));
    }
    for x in a.results.iter().filter(|x| a.rules.statuses[x.overall].action) {
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
    for n in &a.not_used {
        let _ = writeln!(s, "not used: {} ({})", n.file, n.why);
    }
    let files = "projects.csv, project_checks.csv, milestones.csv, overdue.csv, liabilities.csv, projects.xlsx, exceptions.csv, manifest.json";
    let _ = write!(s, "results: {} ({files})", out.display());
    s
}
