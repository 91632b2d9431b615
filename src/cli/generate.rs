//! `mujun generate`: a synthetic city of any size, deterministic from the seed, as CSV or Parquet.

use super::Ctx;
use crate::error::{Error, Result};
use crate::generate::{self, Format, GenOptions};
use std::path::PathBuf;

/// The file format of the generated city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    /// Typed number columns, written in row groups.
    Parquet,
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    enterprises: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value_t = 2023)]
    first_year: i32,
    #[arg(long, default_value_t = 2025)]
    last_year: i32,
    /// Leave out the sprinkled defects (bad ids, duplicates, text in number cells …).
    #[arg(long)]
    clean: bool,
    #[arg(long, value_enum, default_value = "csv")]
    format: FormatArg,
    #[arg(long)]
    out: PathBuf,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let format = match a.format {
        FormatArg::Csv => Format::Csv,
        FormatArg::Parquet => Format::Parquet,
    };
    let opts = GenOptions {
        enterprises: a.enterprises,
        seed: a.seed,
        first_year: a.first_year,
        last_year: a.last_year,
        defects: !a.clean,
        format,
    };
    let s = generate::generate(&opts, &a.out).map_err(|e| Error::Output(format!("{e:#}")))?;
    cx.say(format!(
        "wrote {} enterprises, {} land rows, {} output rows, {} tax rows, {} events to {}",
        s.enterprises,
        s.land_rows,
        s.output_rows,
        s.tax_rows,
        s.event_rows,
        a.out.display()
    ));
    Ok(0)
}
