//! Quarterly monitoring (季度监测): two periods evaluated under the same methodology and compared per
//! enterprise and per county, park and industry division; the class migration matrix; early warnings; the
//! 升规 cultivation pool; county progress against the year's targets. The thresholds live in a monitoring
//! rules file (`data/methods/monitor_default.toml`, all mujun choices); docs/monitoring.md is the manual.
//!
//! Stages: load the data and methodology once → evaluate both periods (`periods`, with the missing-quarter
//! treatment) → comparison tables (`tables`) → warnings (`warnings`) → pool (`pool`) → targets (`targets`)
//! → CSV files, `monitor.xlsx` and `manifest.json`.

pub mod periods;
pub mod pool;
pub mod rules;
pub mod tables;
pub mod targets;
pub mod warnings;

use crate::error::{Error, Result};
use crate::period::{Basis, Period};
use crate::report::{self, table};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The inputs of a monitoring run (the `mujun monitor` flags).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Folder with enterprises, land, output, tax (and optional events, scale_history) files.
    #[arg(long)]
    pub data: PathBuf,
    /// Methodology file (TOML), e.g. data/methods/ankang_default.toml; both periods use it.
    #[arg(long)]
    pub method: PathBuf,
    /// The current quarter (2025Q3) or year.
    #[arg(long)]
    pub period: String,
    /// rolling4 (the four quarters ending in each period's quarter) or ytd (year to date).
    #[arg(long, default_value = "rolling4")]
    pub basis: String,
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

impl Options {
    /// Options with the default basis (rolling4), the shipped rules and no targets.
    pub fn new(
        data: impl Into<PathBuf>,
        method: impl Into<PathBuf>,
        period: &str,
        against: &str,
        out: impl Into<PathBuf>,
    ) -> Options {
        Options {
            data: data.into(),
            method: method.into(),
            period: period.into(),
            basis: "rolling4".into(),
            against: against.into(),
            rules: None,
            targets: None,
            out: out.into(),
            force: false,
        }
    }
}

/// Runs the monitoring and writes its outputs into `opts.out`; returns the summary to print.
pub fn run_monitor(opts: &Options) -> Result<String> {
    let basis = Basis::parse(&opts.basis)
        .ok_or_else(|| Error::BadInput(format!("--basis '{}': use rolling4 or ytd", opts.basis)))?;
    let period = Period::parse(&opts.period, basis).map_err(Error::BadInput)?;
    let against = Period::parse(&opts.against, basis).map_err(|e| Error::BadInput(format!("--against: {e}")))?;
    if period == against {
        return Err(Error::BadInput(format!(
            "--against {} is the period itself; give an earlier quarter or year",
            opts.against
        )));
    }
    let rules = rules::load(opts.rules.as_deref()).map_err(Error::BadInput)?;
    let targets = match &opts.targets {
        Some(p) => Some(targets::read(p).map_err(Error::BadInput)?),
        None => None,
    };
    let rules_dir = opts.rules.as_deref().and_then(Path::parent);
    let history = pool::read_history(&rules.pool, &opts.data, rules_dir).map_err(Error::BadInput)?;
    let method = crate::method::load(&opts.method)?;
    let data = crate::validate::load(&opts.data)?;
    report::prepare_out_dir(&opts.out, &opts.data, opts.force)?;

    let treatment = rules.missing_quarters.treatment;
    let cur = periods::evaluate(&data, &method, period, &opts.data, treatment)?;
    let base = periods::evaluate(&data, &method, against, &opts.data, treatment)?;
    let q = periods::Quarterly::new(&data);
    let last = *cur.run.period.quarters.last().ok_or_else(|| Error::Internal("empty period".into()))?;

    let warned = warnings::check(&rules, &cur, &base, &q);
    let mut keys: Vec<Vec<&str>> = vec![Vec::new(); data.enterprises.len()];
    for w in &warned {
        keys[w.enterprise].push(w.key);
    }
    let digits = method.method.ranking.industry_digits;
    let ents = &data.enterprises;
    let ent = tables::enterprises(&cur, &base, &keys);
    let county = tables::groups(&cur, &base, "county", "县区 county", |i| ents[i].county.to_string());
    let park = tables::groups(&cur, &base, "park", "园区 park", |i| ents[i].park.to_string());
    let industry =
        tables::groups(&cur, &base, "industry", "行业 industry", |i| ents[i].industry.chars().take(digits).collect());
    let migration = tables::migration(&cur.run, &base.run);
    let warn = warnings::table(&cur.run, &warned);
    let entries = pool::build(&data, &q, last, &rules.pool, treatment, &history);
    let pool_t = pool::table(&data, &entries, &rules.pool);
    let target_t = targets.as_ref().map(|t| targets::table(&data, &q, last, t, &rules.targets.scale));

    let io = |e: std::io::Error| Error::Output(e.to_string());
    let mut sheets: Vec<(&str, &str, &table::Table)> = vec![
        ("monitor_enterprises.csv", "企业 enterprises", &ent),
        ("monitor_county.csv", "县区 county", &county),
        ("monitor_park.csv", "园区 park", &park),
        ("monitor_industry.csv", "行业 industry", &industry),
        ("migration.csv", "等级迁移 migration", &migration),
        ("warnings.csv", "预警 warnings", &warn),
        ("pool.csv", "升规培育库 pool", &pool_t),
    ];
    if let Some(t) = &target_t {
        sheets.push(("targets.csv", "目标进度 targets", t));
    }
    let mut files = Vec::new();
    for (file, _, t) in &sheets {
        let p = opts.out.join(file);
        table::write_csv(&p, t).map_err(io)?;
        files.push(p);
    }
    let xlsx = opts.out.join("monitor.xlsx");
    let named: Vec<(&str, &table::Table)> = sheets.iter().map(|(_, s, t)| (*s, *t)).collect();
    table::write_xlsx(&xlsx, &named).map_err(Error::Output)?;
    files.push(xlsx);

    let mut by_rule: BTreeMap<&str, usize> = warnings::KEYS.iter().map(|k| (*k, 0)).collect();
    warned.iter().for_each(|w| *by_rule.entry(w.key).or_default() += 1);
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    entries.iter().for_each(|e| *by_status.entry(e.status).or_default() += 1);
    let returning = entries.iter().filter(|e| !e.return_support.is_empty()).count();
    let missing = |r: &periods::PeriodRun| r.missing.iter().filter(|m| !m.is_empty()).count();
    let facts = Facts {
        rules_name: rules.about.name.clone(),
        treatment: treatment.label(),
        history: history.describe(),
        by_rule: &by_rule,
        by_status: &by_status,
        returning,
        missing: (missing(&cur), missing(&base)),
        changed: migration_changes(&cur.run, &base.run),
    };
    let manifest = manifest(opts, &cur.run, &base.run, &facts, &files).map_err(io)?;
    table::write_atomic(&opts.out.join("manifest.json"), manifest.as_bytes()).map_err(io)?;
    Ok(summary(opts, &cur.run, &base.run, &facts, target_t.as_ref()))
}

/// Counts for the manifest and the summary.
struct Facts<'a> {
    rules_name: String,
    treatment: &'static str,
    history: String,
    by_rule: &'a BTreeMap<&'a str, usize>,
    by_status: &'a BTreeMap<&'a str, usize>,
    returning: usize,
    /// Enterprises with missing quarters: (current, against).
    missing: (usize, usize),
    changed: usize,
}

fn migration_changes(cur: &crate::pipeline::Run, base: &crate::pipeline::Run) -> usize {
    cur.scored.iter().zip(&base.scored).filter(|(a, b)| a.class != b.class).count()
}

fn file_entry(p: &Path) -> std::io::Result<serde_json::Value> {
    Ok(serde_json::json!({ "file": crate::ingest::file_name(p), "sha256": crate::digest::of_file(p)? }))
}

fn manifest(
    opts: &Options,
    cur: &crate::pipeline::Run,
    base: &crate::pipeline::Run,
    f: &Facts,
    files: &[PathBuf],
) -> std::io::Result<String> {
    let outs: Vec<serde_json::Value> = files.iter().map(|p| file_entry(p)).collect::<std::io::Result<_>>()?;
    let optional = |p: &Option<PathBuf>| -> std::io::Result<serde_json::Value> {
        match p {
            Some(p) => Ok(serde_json::json!({ "path": p.display().to_string(), "sha256": crate::digest::of_file(p)? })),
            None => Ok(serde_json::Value::Null),
        }
    };
    let quarters = |r: &crate::pipeline::Run| r.period.quarters.iter().map(|q| q.to_string()).collect::<Vec<_>>();
    let v = serde_json::json!({
        "mujun_version": crate::VERSION,
        "command": crate::cli::command_line(),
        "kind": "monitor",
        "period": { "label": cur.period.label, "basis": opts.basis, "quarters": quarters(cur) },
        "against": { "label": base.period.label, "quarters": quarters(base) },
        "data_dir": opts.data.display().to_string(),
        "methodology": { "file": cur.method.path.display().to_string(), "sha256": cur.method.sha256, "scheme": cur.method.method.scheme.name },
        "rules": { "file": optional(&opts.rules)?, "name": f.rules_name, "missing_quarters": f.treatment },
        "targets": optional(&opts.targets)?,
        "return_support_rule": f.history,
        "inputs": cur.data.accounts,
        "enterprises": cur.scored.len(),
        "missing_quarters": { "current": f.missing.0, "against": f.missing.1 },
        "class_changes": f.changed,
        "warnings": f.by_rule,
        "pool": f.by_status,
        "return_support": f.returning,
        "outputs": outs,
    });
    Ok(serde_json::to_string_pretty(&v).unwrap_or_default())
}

fn summary(
    opts: &Options,
    cur: &crate::pipeline::Run,
    base: &crate::pipeline::Run,
    f: &Facts,
    targets: Option<&table::Table>,
) -> String {
    let mut s = String::new();
    let m = &cur.method.method.scheme;
    let _ = writeln!(
        s,
        "mujun {} monitor: {} against {} ({}), methodology {}, rules {}",
        crate::VERSION,
        cur.period.label,
        base.period.label,
        opts.basis,
        m.name,
        f.rules_name
    );
    let _ = writeln!(
        s,
        "enterprises: {}; with missing quarters: {} now, {} then (treatment: {})",
        cur.scored.len(),
        f.missing.0,
        f.missing.1,
        f.treatment
    );
    let _ = writeln!(s, "class changes: {} (migration.csv)", f.changed);
    let w: Vec<String> = f.by_rule.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(s, "warnings: {} ({})", f.by_rule.values().sum::<usize>(), w.join(", "));
    let p: Vec<String> = f.by_status.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let _ = writeln!(
        s,
        "升规 pool: {} listed ({}); return support: {}",
        f.by_status.values().sum::<usize>(),
        p.join(", "),
        f.returning
    );
    if let Some(t) = targets {
        let col = t.columns.iter().position(|c| c == "status").unwrap_or(0);
        let behind = t.rows.iter().filter(|r| r[col] == table::Cell::text("behind")).count();
        let _ = writeln!(s, "targets: {} rows, {} behind the elapsed share of the year", t.rows.len(), behind);
    }
    let _ = write!(
        s,
        "results: {} (monitor_*.csv, migration.csv, warnings.csv, pool.csv, monitor.xlsx, manifest.json)",
        opts.out.display()
    );
    s
}
