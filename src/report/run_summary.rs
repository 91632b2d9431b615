//! run.json: what the reports need to know of a run besides its tables, typed: the scheme and period,
//! the methodology in words (the same words `mujun check` prints), counts by status, the row accounting,
//! the exceptions counted by file, reason code and action, and every benchmark. `mujun report` reads it
//! back, so a report never re-reads the methodology file or guesses from English text.

use crate::method::{describe, Description};
use crate::pipeline::Run;
use crate::schema::{Action, ReasonCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The summary of a run, as written to run.json.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunSummary {
    pub mujun_version: String,
    pub period: String,
    pub quarters: Vec<String>,
    pub methodology_file: String,
    pub methodology_sha256: String,
    pub methodology: Description,
    /// Track names in the methodology's order.
    pub tracks: Vec<String>,
    /// Enterprises per status code.
    pub by_status: BTreeMap<String, usize>,
    pub inputs: Vec<InputRows>,
    /// Exceptions per (file, reason code, action), most frequent first within a file.
    pub exceptions: Vec<ExceptionCount>,
    pub exceptions_total: usize,
    pub benchmarks: Vec<BenchmarkValue>,
}

/// One input file's row accounting.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InputRows {
    pub file: String,
    pub read: usize,
    pub used: usize,
    pub excepted: usize,
    /// Rows skipped as not data (titles above the header, footers such as 合计).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub skipped: usize,
    /// What the layout stage found (a header under a title, a wide layout, sheets stacked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layout: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExceptionCount {
    pub file: String,
    pub code: ReasonCode,
    pub action: Action,
    pub count: usize,
}

/// A benchmark value and how it was obtained (as in benchmarks.csv).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BenchmarkValue {
    pub track: String,
    pub indicator: String,
    pub group: String,
    pub value: f64,
    pub how: String,
}

impl RunSummary {
    pub fn of(run: &Run) -> RunSummary {
        let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
        for s in &run.scored {
            *by_status.entry(s.status.code().to_string()).or_default() += 1;
        }
        let mut counts: BTreeMap<(&str, ReasonCode, Action), usize> = BTreeMap::new();
        for e in &run.data.exceptions {
            *counts.entry((e.file.as_str(), e.code, e.action)).or_default() += 1;
        }
        let mut exceptions: Vec<ExceptionCount> = counts
            .into_iter()
            .map(|((file, code, action), count)| ExceptionCount { file: file.to_string(), code, action, count })
            .collect();
        exceptions.sort_by(|x, y| x.file.cmp(&y.file).then(y.count.cmp(&x.count)).then(x.code.cmp(&y.code)));
        let m = &run.method;
        RunSummary {
            mujun_version: crate::VERSION.to_string(),
            period: run.period.label.clone(),
            quarters: run.period.quarters.iter().map(|q| q.to_string()).collect(),
            methodology_file: m.path.display().to_string(),
            methodology_sha256: m.sha256.clone(),
            methodology: describe(m),
            tracks: m.method.tracks.iter().map(|t| t.name.clone()).collect(),
            by_status,
            inputs: run
                .data
                .accounts
                .iter()
                .map(|a| InputRows {
                    file: a.file.clone(),
                    read: a.read,
                    used: a.used,
                    excepted: a.excepted,
                    skipped: a.skipped,
                    layout: a.layout.clone(),
                })
                .collect(),
            exceptions,
            exceptions_total: run.data.exceptions.len(),
            benchmarks: run
                .benchmarks
                .iter()
                .map(|b| BenchmarkValue {
                    track: b.track.clone(),
                    indicator: b.indicator.clone(),
                    group: b.group.clone(),
                    value: b.value,
                    how: b.how.clone(),
                })
                .collect(),
        }
    }
}
