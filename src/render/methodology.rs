//! The methodology section of a report: the rules in words from run.json (the same words `mujun check`
//! prints, written by the run that made the tables), with each indicator's benchmark value.

use super::run_data::RunData;
use crate::method::{IndicatorWords, RuleWords};
use serde::Serialize;

#[derive(Serialize, Default)]
pub struct Summary {
    /// Where the summary comes from (the methodology file and its hash).
    pub source: String,
    pub note: String,
    pub land_basis: String,
    /// Firms taken out before any track (免于评价), and the named groups, in words.
    pub exclude: Vec<Rule>,
    pub groups: Vec<String>,
    pub tracks: Vec<Track>,
    pub adjust: Vec<String>,
    /// The order within a track and how ties are broken.
    pub ranking: String,
}

#[derive(Serialize, Default)]
pub struct Track {
    pub name: String,
    pub select: String,
    pub scope: Vec<Rule>,
    pub undetermined: Vec<Rule>,
    pub points: String,
    pub classes: String,
    pub indicators: Vec<Indicator>,
}

/// A scope or T rule: its label in Chinese and the rule in words.
#[derive(Serialize, Default)]
pub struct Rule {
    pub label: String,
    pub rule: String,
}

fn rule(r: &RuleWords) -> Rule {
    Rule { label: r.label_zh.clone(), rule: r.rule.clone() }
}

#[derive(Serialize, Default)]
pub struct Indicator {
    pub key: String,
    pub zh: String,
    pub unit: String,
    pub weight: String,
    pub benchmark_rule: String,
    pub benchmark: String,
}

/// The benchmark of an indicator as the report prints it: its value at four decimals, or how many group
/// values there are.
fn benchmark_of(run: &RunData, track: &str, key: &str) -> String {
    let found: Vec<f64> =
        run.summary.benchmarks.iter().filter(|b| b.track == track && b.indicator == key).map(|b| b.value).collect();
    match found.as_slice() {
        [] => "—".into(),
        [one] => crate::decimal::round_half_up_str(*one, 4),
        many => format!("{} 个分组值 (见 benchmarks.csv)", many.len()),
    }
}

fn indicator(run: &RunData, track: &str, i: &IndicatorWords) -> Indicator {
    Indicator {
        key: i.key.clone(),
        zh: i.zh.clone(),
        unit: i.unit.clone(),
        weight: i.weight.clone(),
        benchmark_rule: i.benchmark_rule.clone(),
        benchmark: benchmark_of(run, track, &i.key),
    }
}

/// The methodology section of the run's reports.
pub fn summarize(run: &RunData) -> Summary {
    let (s, m) = (&run.summary, &run.summary.methodology);
    let tracks = m
        .tracks
        .iter()
        .map(|t| Track {
            name: t.name.clone(),
            select: t.select.clone(),
            scope: t.scope.iter().map(rule).collect(),
            undetermined: t.undetermined.iter().map(rule).collect(),
            points: t.points.clone(),
            classes: t.classes.clone(),
            indicators: t.indicators.iter().map(|i| indicator(run, &t.name, i)).collect(),
        })
        .collect();
    Summary {
        source: format!(
            "方法文件 {} (SHA-256 {}…, 全文见 manifest.json)",
            s.methodology_file,
            s.methodology_sha256.get(..12).unwrap_or(&s.methodology_sha256)
        ),
        note: m.note.clone(),
        land_basis: m.land_basis.clone(),
        exclude: m.exclude.iter().map(rule).collect(),
        groups: m.groups.clone(),
        tracks,
        adjust: m.adjust.clone(),
        ranking: m.ranking.clone(),
    }
}
