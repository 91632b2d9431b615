//! What an evaluation's manifest.json says of the run: what went in (files with SHA-256, methodology
//! hash, the files it names), row accounting per input file (read = used + excepted), enterprise counts by
//! status and class, and stage timings. The command layer adds the outputs and writes it.

use crate::pipeline::Run;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The manifest's fields for a run; `written` is the time it took to write the tables (milliseconds),
/// listed after the run's own stage timings.
pub fn fields(run: &Run, written: f64) -> Map<String, Value> {
    let peak_mb = crate::progress::peak_rss_mb();
    let written = crate::progress::Stage { name: "write tables".to_string(), ms: written, peak_mb };
    let stages: Vec<&crate::progress::Stage> = run.timings.iter().chain([&written]).collect();
    let mut status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut classes: BTreeMap<String, usize> = BTreeMap::new();
    for s in &run.scored {
        *status.entry(s.status.code()).or_default() += 1;
        if !s.class.is_empty() {
            *classes.entry(s.class.to_string()).or_default() += 1;
        }
    }
    let read: usize = run.data.accounts.iter().map(|a| a.read).sum();
    let used: usize = run.data.accounts.iter().map(|a| a.used).sum();
    let excepted: usize = run.data.accounts.iter().map(|a| a.excepted).sum();
    let m = &run.method;
    let v: Value = json!({
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
        "timings_ms": stages.iter().map(|s| (s.name.clone(), json!(s.ms))).collect::<Map<_, _>>(),
        "peak_memory_mb": stages.iter().filter_map(|s| Some((s.name.clone(), json!(s.peak_mb?)))).collect::<Map<_, _>>(),
        "threads": rayon::current_num_threads(),
    });
    let mut m = match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    let side: Vec<Value> = run.side_files.iter().map(|(name, sha)| json!({ "file": name, "sha256": sha })).collect();
    if !side.is_empty() {
        m.insert("side_files".into(), Value::Array(side));
    }
    m
}
