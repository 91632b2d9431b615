//! `mujun validate`: the input files only → exceptions.csv and a manifest with the row accounting.
//! Exit 0 if every row is usable, 1 if not.

use super::manifest::{self, Output};
use super::{load, Ctx};
use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::report;
use serde_json::{json, Map};
use std::fmt::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    data: PathBuf,
    /// Folder for exceptions.csv.
    #[arg(long, default_value = "reports/validate")]
    out: PathBuf,
    /// Write into a non-empty folder that is not an earlier run.
    #[arg(long)]
    force: bool,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let ds = crate::validate::load(&a.data)?;
    load::prepare_out_dir(&a.out, &a.data, a.force)?;
    let path = a.out.join("exceptions.csv");
    report::table::write_csv(&path, &report::exceptions_table(&ds.exceptions))
        .map_err(|e| Error::Output(e.to_string()))?;
    let mut fields = Map::new();
    fields.insert("inputs".into(), json!(ds.accounts));
    manifest::write(&a.out, fields, &cx.command_line, &[Output::new(path.clone())])?;
    cx.say(format!("{}\nexceptions: {}", summary(&ds), path.display()));
    Ok(if ds.accounts.iter().any(|a| a.excepted > 0) { 1 } else { 0 })
}

/// Rows read, used and excluded per file, and exception lines per file.
pub fn summary(ds: &Dataset) -> String {
    let mut s = String::new();
    for a in &ds.accounts {
        let (file, read, used, excepted, enc) = (&a.file, a.read, a.used, a.excepted, &a.encoding);
        let _ = writeln!(s, "{file:<20} {read:>9} read {used:>9} used {excepted:>7} excluded  ({enc})");
    }
    for l in crate::validate::layout_lines(&ds.accounts) {
        let _ = writeln!(s, "  {l}");
    }
    for (k, n) in crate::validate::summarize(&ds.exceptions) {
        let _ = writeln!(s, "  {k}: {n}");
    }
    let _ = write!(s, "{} exception lines", ds.exceptions.len());
    s
}
