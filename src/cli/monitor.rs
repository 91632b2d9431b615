//! `mujun monitor`: quarterly monitoring. Reads the data, the methodology, the monitoring rules and the
//! files they name (targets, scale history), runs `monitor::compute` and writes its tables, monitor.xlsx
//! and the manifest.

use super::manifest::{self, Output};
use super::{load, BasisArg, Ctx};
use crate::error::{Error, Result};
use crate::monitor::{self, pool::ScaleHistory, rules, Monitored};
use crate::period::{Basis, Period};
use crate::report::table;
use serde_json::{json, Map, Value};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The inputs of a monitoring run (the `mujun monitor` flags).
#[derive(Debug, Clone, clap::Args)]
pub struct MonitorArgs {
    /// Folder with enterprises, land, output, tax (and optional events, scale_history) files.
    #[arg(long)]
    pub data: PathBuf,
    /// Methodology file (TOML), e.g. data/methods/ankang_default.toml; both periods use it.
    #[arg(long)]
    pub method: PathBuf,
    /// The current quarter (2025Q3) or year.
    #[arg(long)]
    pub period: String,
    /// How each period's quarters are taken: the four ending in its quarter, or the year to date.
    #[arg(long, value_enum, default_value = "rolling4")]
    pub basis: BasisArg,
    /// The period compared with: the quarter before (2025Q2) or the same quarter a year earlier (2024Q3).
    #[arg(long)]
    pub against: String,
    /// Monitoring rules (TOML); default: the shipped data/methods/monitor_default.toml.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// County targets for the year: county, year, revenue, tax, value_added … (writes targets.csv).
    #[arg(long)]
    pub targets: Option<PathBuf>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Write into a non-empty folder that is not an earlier run.
    #[arg(long)]
    pub force: bool,
}

impl MonitorArgs {
    /// Arguments with the default basis (rolling4), the shipped rules and no targets.
    pub fn new(data: &Path, method: &Path, period: &str, against: &str, out: PathBuf) -> MonitorArgs {
        MonitorArgs {
            data: data.to_path_buf(),
            method: method.to_path_buf(),
            period: period.into(),
            basis: BasisArg::Rolling4,
            against: against.into(),
            rules: None,
            targets: None,
            out,
            force: false,
        }
    }
}

/// Runs the monitoring and writes its outputs; returns the summary to print.
pub fn run(a: &MonitorArgs, cx: &Ctx) -> Result<String> {
    let basis: Basis = a.basis.into();
    let period = Period::parse(&a.period, basis).map_err(Error::BadInput)?;
    let against = Period::parse(&a.against, basis).map_err(|e| Error::BadInput(format!("--against: {e}")))?;
    let rules = read_rules(a.rules.as_deref())?;
    let targets = match &a.targets {
        Some(p) => {
            let t = crate::ingest::read(p).map_err(|e| Error::BadInput(e.to_string()))?;
            Some(monitor::targets::from_table(&t)?)
        }
        None => None,
    };
    let history = read_scale_history(&rules.pool, &a.data, a.rules.as_deref())?;
    let method = load::method(&a.method, &[])?;
    let side = load::side_files(&method, &a.data)?;
    let data = crate::validate::load(&a.data)?;
    load::prepare_out_dir(&a.out, &a.data, a.force)?;
    let inputs = monitor::Inputs { data, method, side, rules, targets, history, data_dir: a.data.clone() };
    let m = monitor::compute(&inputs, period, against)?;
    let io = |e: std::io::Error| Error::Output(e.to_string());
    let mut outputs = Vec::new();
    for (file, _, t) in &m.tables {
        let p = a.out.join(file);
        table::write_csv(&p, t).map_err(io)?;
        outputs.push(Output::new(p));
    }
    let xlsx = a.out.join("monitor.xlsx");
    let named: Vec<(&str, &table::Table)> = m.tables.iter().map(|(_, s, t)| (*s, t)).collect();
    crate::report::xlsx::write_xlsx(&xlsx, &named).map_err(Error::Output)?;
    outputs.push(Output::new(xlsx));
    manifest::write(&a.out, fields(a, &inputs, &m)?, &cx.command_line, &outputs)?;
    Ok(summary(a, &inputs, &m))
}

/// The rules file's text checked, or the shipped defaults.
fn read_rules(path: Option<&Path>) -> Result<rules::Rules> {
    let Some(p) = path else { return Ok(rules::defaults()) };
    let text =
        std::fs::read_to_string(p).map_err(|e| Error::BadInput(format!("monitoring rules {}: {e}", p.display())))?;
    let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    rules::parse(&text, &p.display().to_string(), &stem)
}

/// The scale history named in the rules (data folder, then beside the rules file), or the data folder's
/// `scale_history` file if there is one; without either, return support is decided from revenue.
fn read_scale_history(rule: &rules::Pool, data_dir: &Path, rules: Option<&Path>) -> Result<ScaleHistory> {
    let table = match &rule.scale_history {
        Some(name) => {
            let mut dirs = vec![data_dir.to_path_buf()];
            dirs.extend(rules.map(load::beside));
            load::side_table("pool.scale_history", name, &dirs)?
        }
        None => {
            let found = ["csv", "xlsx", "parquet"]
                .iter()
                .map(|x| data_dir.join(format!("scale_history.{x}")))
                .find(|p| p.is_file());
            match found {
                Some(p) => crate::ingest::read(&p).map_err(|e| Error::BadInput(e.to_string()))?,
                None => return Ok(ScaleHistory::Revenue),
            }
        }
    };
    ScaleHistory::from_table(&table)
}

fn file_entry(p: &Option<PathBuf>) -> Result<Value> {
    match p {
        Some(p) => {
            let sha = crate::digest::of_file(p).map_err(|e| Error::Output(format!("{}: {e}", p.display())))?;
            Ok(json!({ "path": p.display().to_string(), "sha256": sha }))
        }
        None => Ok(Value::Null),
    }
}

fn fields(a: &MonitorArgs, inputs: &monitor::Inputs, m: &Monitored) -> Result<Map<String, Value>> {
    let (cur, base) = (&m.cur.run, &m.base.run);
    let quarters = |r: &crate::pipeline::Run| r.period.quarters.iter().map(|q| q.to_string()).collect::<Vec<_>>();
    let method = &cur.method;
    let v = json!({
        "kind": "monitor",
        "period": { "label": cur.period.label, "basis": Basis::from(a.basis).code(), "quarters": quarters(cur) },
        "against": { "label": base.period.label, "quarters": quarters(base) },
        "data_dir": a.data.display().to_string(),
        "methodology": { "file": method.path.display().to_string(), "sha256": method.sha256, "scheme": method.method.scheme.name },
        "rules": {
            "file": file_entry(&a.rules)?,
            "name": inputs.rules.about.name,
            "missing_quarters": inputs.rules.missing_quarters.treatment.label(),
        },
        "targets": file_entry(&a.targets)?,
        "return_support_rule": inputs.history.describe(),
        "inputs": cur.data.accounts,
        "enterprises": cur.scored.len(),
        "missing_quarters": { "current": m.missing.0, "against": m.missing.1 },
        "class_changes": m.changed,
        "warnings": m.by_rule,
        "pool": m.by_status,
        "return_support": m.returning,
    });
    Ok(match v {
        Value::Object(o) => o,
        _ => Map::new(),
    })
}

fn summary(a: &MonitorArgs, inputs: &monitor::Inputs, m: &Monitored) -> String {
    let mut s = String::new();
    let (cur, base) = (&m.cur.run, &m.base.run);
    let scheme = &cur.method.method.scheme;
    let (basis, rules) = (Basis::from(a.basis).code(), &inputs.rules.about.name);
    let _ = writeln!(
        s,
        "mujun {} monitor: {} against {} ({basis}), methodology {}, rules {rules}",
        crate::VERSION,
        cur.period.label,
        base.period.label,
        scheme.name
    );
    let treatment = inputs.rules.missing_quarters.treatment.label();
    let _ = writeln!(
        s,
        "enterprises: {}; with missing quarters: {} now, {} then (treatment: {treatment})",
        cur.scored.len(),
        m.missing.0,
        m.missing.1
    );
    let _ = writeln!(s, "class changes: {} (migration.csv)", m.changed);
    let w: Vec<String> = m.by_rule.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(s, "warnings: {} ({})", m.by_rule.values().sum::<usize>(), w.join(", "));
    let p: Vec<String> = m.by_status.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let listed: usize = m.by_status.values().sum();
    let _ = writeln!(s, "升规 pool: {listed} listed ({}); return support: {}", p.join(", "), m.returning);
    if let Some((rows, behind)) = m.targets {
        let _ = writeln!(s, "targets: {rows} rows, {behind} behind the elapsed share of the year");
    }
    let files = "monitor_*.csv, migration.csv, warnings.csv, pool.csv, monitor.xlsx, manifest.json";
    let _ = write!(s, "results: {} ({files})", a.out.display());
    s
}
