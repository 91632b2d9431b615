//! `mujun verify --run DIR`: provenance of a finished run. Re-hashes the input files listed in
//! `DIR/manifest.json` (`inputs[].file` under `data_dir`), the methodology file and every output
//! (`outputs[].file` under DIR), and reports each file that changed, is missing, or is in DIR without
//! being listed. A run that verifies is byte for byte what `mujun evaluate` wrote from those inputs.

use super::Ctx;
use crate::digest::of_file as sha256_file;
use crate::error::{Error, Result};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The run folder (the --out of evaluate).
    #[arg(long)]
    run: PathBuf,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let report = verify(&a.run).map_err(Error::BadInput)?;
    report.problems.iter().for_each(|p| eprintln!("mujun verify: {p}"));
    cx.say(report.summary());
    Ok(if report.ok() { 0 } else { 1 })
}

/// What `verify` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files whose hash matched.
    pub matched: usize,
    /// One sentence per problem, naming the file.
    pub problems: Vec<String>,
    /// Checks that could not be made (e.g. a methodology changed on purpose by what-if overrides).
    pub notes: Vec<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn summary(&self) -> String {
        let mut s = if self.ok() {
            format!("verified: {} files match manifest.json", self.matched)
        } else {
            format!("NOT verified: {} problem(s), {} files match", self.problems.len(), self.matched)
        };
        for n in &self.notes {
            s.push_str(&format!("\nnote: {n}"));
        }
        s
    }
}

/// A file name from the manifest that stays inside its folder (no separators, not `..`).
fn plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\']) && !name.contains('\0')
}

fn check(report: &mut Report, what: &str, path: &Path, want: &str) {
    match sha256_file(path) {
        Ok(h) if h == want => report.matched += 1,
        Ok(h) => report.problems.push(format!("{what} {} changed: SHA-256 {h}, manifest says {want}", path.display())),
        Err(e) => report.problems.push(format!("{what} {} is missing or unreadable: {e}", path.display())),
    }
}

/// Verifies the run folder `run`. `Err` when there is no readable evaluate manifest to verify against.
fn verify(run: &Path) -> std::result::Result<Report, String> {
    let mpath = run.join("manifest.json");
    let text = std::fs::read_to_string(&mpath).map_err(|e| format!("{}: cannot read: {e}", mpath.display()))?;
    let m: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not a mujun manifest: {e}", mpath.display()))?;
    let outputs = m["outputs"].as_array().ok_or_else(|| {
        format!("{}: lists no outputs; verify works on the folder of `mujun evaluate`", mpath.display())
    })?;
    let mut report = Report::default();

    // Inputs, under the data folder as the run saw it (a relative path is taken from the current folder).
    match (m["data_dir"].as_str(), m["inputs"].as_array()) {
        (Some(dir), Some(inputs)) => {
            for i in inputs {
                let (Some(file), Some(want)) = (i["file"].as_str(), i["sha256"].as_str()) else {
                    report.problems.push(format!("manifest.json: an input without file or sha256: {i}"));
                    continue;
                };
                if !plain_name(file) {
                    report.problems.push(format!("manifest.json: input name '{file}' is not a plain file name"));
                    continue;
                }
                check(&mut report, "input", &Path::new(dir).join(file), want);
            }
        }
        _ => report.problems.push("manifest.json: no data_dir or inputs to check".to_string()),
    }

    // The methodology file (its hash is of the text the run used; what-if overrides change that text).
    if let (Some(file), Some(want)) = (m["methodology"]["file"].as_str(), m["methodology"]["sha256"].as_str()) {
        if m["command"].as_str().is_some_and(|c| c.contains("--set")) {
            report.notes.push(format!("methodology {file} not checked: the run applied --set overrides"));
        } else {
            check(&mut report, "methodology", Path::new(file), want);
        }
    }

    // Outputs, and any file in the folder that the manifest does not list.
    let mut listed = vec!["manifest.json".to_string()];
    for o in outputs {
        let (Some(file), Some(want)) = (o["file"].as_str(), o["sha256"].as_str()) else {
            report.problems.push(format!("manifest.json: an output without file or sha256: {o}"));
            continue;
        };
        if !plain_name(file) {
            report.problems.push(format!("manifest.json: output name '{file}' is not a plain file name"));
            continue;
        }
        listed.push(file.to_string());
        check(&mut report, "output", &run.join(file), want);
    }
    let mut extra: Vec<String> = std::fs::read_dir(run)
        .map_err(|e| format!("{}: cannot list: {e}", run.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !listed.contains(n))
        .collect();
    extra.sort();
    for n in extra {
        report
            .problems
            .push(format!("output {} is not listed in manifest.json (added after the run?)", run.join(n).display()));
    }
    Ok(report)
}
