//! manifest.json, the one writer for every command: what the command says of its run (inputs with
//! SHA-256 and row accounting, methodology or rules, counts, timings), then the mujun version, the command
//! line and every output with its SHA-256.

use crate::error::{Error, Result};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

/// An output file, with its SHA-256 when the writer already has it (hashed while streamed).
pub struct Output {
    pub path: PathBuf,
    pub sha256: Option<String>,
}

impl Output {
    pub fn new(path: PathBuf) -> Output {
        Output { path, sha256: None }
    }
}

/// Writes `dir/manifest.json`: `fields` (an object), the version, the command line and the outputs.
pub fn write(dir: &Path, fields: Map<String, Value>, command_line: &str, outputs: &[Output]) -> Result<PathBuf> {
    let io = |e: std::io::Error| Error::Output(e.to_string());
    let mut m = fields;
    m.insert("mujun_version".into(), json!(crate::VERSION));
    m.insert("command".into(), json!(command_line));
    let mut outs = Vec::new();
    for o in outputs {
        let sha = match &o.sha256 {
            Some(s) => s.clone(),
            None => crate::digest::of_file(&o.path).map_err(io)?,
        };
        outs.push(json!({ "file": crate::ingest::file_name(&o.path), "sha256": sha }));
    }
    m.insert("outputs".into(), Value::Array(outs));
    let path = dir.join("manifest.json");
    let text = serde_json::to_string_pretty(&Value::Object(m)).map_err(|e| Error::Internal(e.to_string()))?;
    crate::report::table::write_atomic(&path, text.as_bytes()).map_err(io)?;
    Ok(path)
}
