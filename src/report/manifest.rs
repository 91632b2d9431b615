//! manifest.json: what went in (files with SHA-256, methodology hash), what came out, row accounting per
//! input file (read = used + excepted), enterprise counts by status, and stage timings.

use crate::pipeline::Run;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The manifest of a run; `outputs` are the files written with their SHA-256, `written` the time it took
/// to write them (milliseconds), listed after the run's own stage timings.
pub fn build(run: &Run, outputs: &[(PathBuf, String)], command: &str, written: f64) -> String {
    let written = [("write tables".to_string(), written)];
    let written = written.iter();
    let mut status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut classes: BTreeMap<String, usize> = BTreeMap::new();
    for s in &run.scored {
        *status.entry(s.status.code()).or_default() += 1;
        if !s.class.is_empty() {
            *classes.entry(s.class.to_string()).or_default() += 1;
        }
    }
    let mut outs = Vec::new();
    for (p, sha) in outputs {
        outs.push(json!({ "file": crate::ingest::file_name(p), "sha256": sha }));
    }
    let read: usize = run.data.accounts.iter().map(|a| a.read).sum();
    let used: usize = run.data.accounts.iter().map(|a| a.used).sum();
    let excepted: usize = run.data.accounts.iter().map(|a| a.excepted).sum();
    let m = &run.method;
    let v: Value = json!({
        "mujun_version": crate::VERSION,
        "command": command,
        "period": run.period.label,
        "quarters": run.period.quarters.iter().map(|q| q.to_string()).collect::<Vec<_>>(),
        "data_dir": run.data_dir.display().to_string(),
        "methodology": {
            "file": m.path.display().to_string(),
            "sha256": m.sha256,
            "scheme": m.method.scheme.name,
            "title": m.method.scheme.title,
        },
        "inputs": run.data.accounts,
        "rows": { "read": read, "used": used, "excepted": excepted, "balanced": read == used + excepted },
        "exceptions": run.data.exceptions.len(),
        "corrections_applied": run.corrections.len(),
        "enterprises": { "total": run.scored.len(), "by_status": status, "by_class": classes },
        "outputs": outs,
        "timings_ms": run.timings.iter().chain(written).map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "threads": rayon::current_num_threads(),
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}
