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

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::method::{Loaded, SideFiles};
use crate::period::Period;
use crate::pipeline::Run;
use crate::report::table::Table;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a monitoring run reads, loaded by the command layer.
pub struct Inputs {
    pub data: Dataset,
    pub method: Loaded,
    /// The files the methodology names.
    pub side: SideFiles,
    pub rules: rules::Rules,
    /// County targets for the year, when a targets file was given.
    pub targets: Option<Vec<targets::Target>>,
    pub history: pool::ScaleHistory,
    pub data_dir: PathBuf,
}

/// A finished monitoring run: both evaluations, the tables and the counts the summary and manifest give.
pub struct Monitored {
    pub cur: periods::PeriodRun,
    pub base: periods::PeriodRun,
    /// (file name, sheet name, table), in the order they are written.
    pub tables: Vec<(&'static str, &'static str, Table)>,
    /// Warnings per rule key (every rule listed, with 0 when none fired).
    pub by_rule: BTreeMap<&'static str, usize>,
    /// Pool entries per status.
    pub by_status: BTreeMap<&'static str, usize>,
    /// Pool entries with return support.
    pub returning: usize,
    /// Enterprises with missing quarters: (current, against).
    pub missing: (usize, usize),
    /// Enterprises whose class differs between the periods.
    pub changed: usize,
    /// Targets rows, and those behind the elapsed share of the year (when a targets file was given).
    pub targets: Option<(usize, usize)>,
}

/// Evaluates both periods under the same methodology and compares them.
pub fn compute(inputs: &Inputs, period: Period, against: Period) -> Result<Monitored> {
    if period == against {
        return Err(Error::BadInput(format!(
            "--against {} is the period itself; give an earlier quarter or year",
            against.label
        )));
    }
    let (data, method, rules) = (&inputs.data, &inputs.method, &inputs.rules);
    let treatment = rules.missing_quarters.treatment;
    let dir = &inputs.data_dir;
    let cur = periods::evaluate(data, method, &inputs.side, period, dir, treatment)?;
    let base = periods::evaluate(data, method, &inputs.side, against, dir, treatment)?;
    let q = periods::Quarterly::new(data);
    let last = *cur.run.period.quarters.last().ok_or_else(|| Error::Internal("empty period".into()))?;

    let mut warned = warnings::check(rules, &cur, &base, &q);
    let mut keys: Vec<Vec<&str>> = vec![Vec::new(); data.enterprises.len()];
    for w in &warned {
        keys[w.enterprise].push(w.key);
    }
    warnings::by_severity(&mut warned, &cur.run);
    let digits = method.method.ranking.industry_digits;
    let ents = &data.enterprises;
    let entries = pool::build(data, &q, last, &rules.pool, treatment, &inputs.history);
    let mut tables = vec![
        ("monitor_enterprises.csv", "企业 enterprises", tables::enterprises(&cur, &base, &keys)),
        (
            "monitor_county.csv",
            "县区 county",
            tables::groups(&cur, &base, "county", "县区 county", |i| ents[i].county.to_string()),
        ),
        (
            "monitor_park.csv",
            "园区 park",
            tables::groups(&cur, &base, "park", "园区 park", |i| ents[i].park.to_string()),
        ),
        (
            "monitor_industry.csv",
            "行业 industry",
            tables::groups(&cur, &base, "industry", "行业 industry", |i| {
                ents[i].industry.chars().take(digits).collect()
            }),
        ),
        ("migration.csv", "等级迁移 migration", tables::migration(&cur.run, &base.run)),
        ("warnings.csv", "预警 warnings", warnings::table(&cur.run, &warned)),
        ("warnings_by_county.csv", "预警按县区 by county", warnings::by_county(&cur.run, &warned)),
        ("pool.csv", "升规培育库 pool", pool::table(data, &entries, &rules.pool)),
    ];
    let mut target_counts = None;
    if let Some(t) = &inputs.targets {
        let (table, behind) = targets::table(data, &q, last, t, &rules.targets.scale);
        target_counts = Some((table.rows.len(), behind));
        tables.push(("targets.csv", "目标进度 targets", table));
    }
    let mut by_rule: BTreeMap<&'static str, usize> = warnings::KEYS.iter().map(|k| (*k, 0)).collect();
    warned.iter().for_each(|w| *by_rule.entry(w.key).or_default() += 1);
    let mut by_status: BTreeMap<&'static str, usize> = BTreeMap::new();
    entries.iter().for_each(|e| *by_status.entry(e.status).or_default() += 1);
    let returning = entries.iter().filter(|e| !e.return_support.is_empty()).count();
    let missing = |r: &periods::PeriodRun| r.missing.iter().filter(|m| !m.is_empty()).count();
    let (missing, changed) = ((missing(&cur), missing(&base)), migration_changes(&cur.run, &base.run));
    Ok(Monitored { cur, base, tables, by_rule, by_status, returning, missing, changed, targets: target_counts })
}

fn migration_changes(cur: &Run, base: &Run) -> usize {
    cur.scored.iter().zip(&base.scored).filter(|(a, b)| a.class != b.class).count()
}
