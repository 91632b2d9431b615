//! `mujun explain --run DIR ID`: one enterprise's result from a finished run's explain.csv.

use crate::error::{Error, Result};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The run folder (the --out of evaluate).
    #[arg(long)]
    run: PathBuf,
    /// 统一社会信用代码 of the enterprise.
    enterprise_id: String,
}

pub fn run(a: &Args) -> Result<u8> {
    let path = a.run.join("explain.csv");
    if !path.is_file() && a.run.join("manifest.json").is_file() {
        return Err(Error::BadInput(format!(
            "{} has no explain.csv: the run had more enterprises than [output] detail_limit; rerun with detail_limit = 0 (or on the enterprise's county) to explain it",
            a.run.display()
        )));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::BadInput(format!("{}: {e} (is this a mujun run folder?)", path.display())))?;
    let out =
        crate::report::explain::print(&text, &path.display().to_string(), &a.enterprise_id).map_err(Error::BadInput)?;
    println!("{out}");
    Ok(0)
}
