//! `mujun scan` (hidden): the benchmark floor, every input file of a dataset folder read once.

use crate::error::Result;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    data: PathBuf,
}

pub fn run(a: &Args) -> Result<u8> {
    let t = std::time::Instant::now();
    let (rows, cells) = crate::ingest::scan(&a.data).map_err(crate::validate::InputError::from)?;
    println!("{rows} rows, {cells} cells read in {:.3} s", t.elapsed().as_secs_f64());
    Ok(0)
}
