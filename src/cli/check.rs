//! `mujun check --method FILE`: the methodology checked and read back in words.

use super::{load, Ctx};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    method: PathBuf,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let loaded = load::method(&a.method, &[]).map_err(|e| match other_kind(&a.method) {
        Some(hint) => Error::BadInput(format!("{}: {hint}", a.method.display())),
        None => e,
    })?;
    cx.say(crate::method::describe(&loaded).text());
    Ok(0)
}

/// For a rules file of another command (monitoring, standard land), which command reads it: an analyst
/// who runs `check` on every file of data/methods meets these, and a TOML error would not say so.
fn other_kind(path: &Path) -> Option<&'static str> {
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = text.parse().ok()?;
    if table.contains_key("tracks") {
        return None;
    }
    if ["stages", "bands", "statuses"].iter().any(|k| table.contains_key(*k)) {
        return Some("a standard-land rules file (标准地), read by `mujun projects --rules FILE`, not a methodology");
    }
    if ["warnings", "pool", "missing_quarters"].iter().any(|k| table.contains_key(*k)) {
        return Some("a monitoring rules file (季度监测), read by `mujun monitor --rules FILE`, not a methodology");
    }
    None
}
