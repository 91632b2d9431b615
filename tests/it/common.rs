//! Helpers shared by the integration tests: run the CLI, read a CSV output by a key column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn mujun() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mujun"))
}

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs `mujun evaluate` and returns the output folder; panics with stderr on failure.
pub fn evaluate(data: &Path, method: &Path, period: &str, out: &Path) {
    let o = mujun()
        .args(["--quiet", "evaluate", "--data"])
        .arg(data)
        .arg("--method")
        .arg(method)
        .args(["--period", period, "--out"])
        .arg(out)
        .output()
        .expect("run mujun");
    assert!(o.status.success(), "mujun evaluate failed: {}", String::from_utf8_lossy(&o.stderr));
}

/// Reads a CSV (BOM tolerated) into rows of column → value.
pub fn read_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| headers.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())
        .collect()
}

/// Rows keyed by one column.
pub fn by_key(path: &Path, key: &str) -> HashMap<String, HashMap<String, String>> {
    read_rows(path).into_iter().map(|r| (r[key].clone(), r)).collect()
}

/// The cells of `row` in the columns `cols`, in that order.
pub fn cells<'a>(row: &'a HashMap<String, String>, cols: &[&str]) -> Vec<&'a str> {
    cols.iter().map(|c| row.get(*c).unwrap_or_else(|| panic!("no column {c}")).as_str()).collect()
}
