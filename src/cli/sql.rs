//! `mujun sql`: the methodology compiled to one SQL script over the tables `mujun export` wrote (see
//! [`crate::sql`]). Exit 3 when the methodology holds a rule the compiler does not express (the message
//! names the key and why).

use super::{load, Ctx, PeriodArgs};
use crate::error::{Error, Result};
use crate::sql::{self, Dialect, Input, Target};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    Duckdb,
    /// Spark SQL 4: run statement by statement (benches/sql/spark_run.py, with spark-submit on a cluster).
    Spark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputArg {
    Parquet,
    Csv,
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    method: PathBuf,
    #[command(flatten)]
    period: PeriodArgs,
    #[arg(long, value_enum, default_value = "duckdb")]
    dialect: DialectArg,
    /// The format `mujun export` wrote.
    #[arg(long, value_enum, default_value = "parquet")]
    input: InputArg,
    /// The folder or URI of the exported tables (holding enterprises/, land/ …); files the methodology
    /// names (benchmark files) are looked for there when it is a local folder, then beside the methodology.
    #[arg(long, default_value = "export")]
    data_location: String,
    /// The folder holding the files the methodology names (benchmark files), when it is not the data
    /// location: the dataset folder that was exported.
    #[arg(long)]
    files_from: Option<PathBuf>,
    /// The folder or URI the script writes into: enterprises.csv, by_county.csv … (DuckDB);
    /// enterprises/part-….csv, by_county/ … and the stages under stages/ (Spark).
    #[arg(long, default_value = "results")]
    results_location: String,
    /// The script file.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let period = a.period.parse()?;
    let method = load::method(&a.method, &[])?;
    let files_from = a.files_from.clone().unwrap_or_else(|| PathBuf::from(&a.data_location));
    let side = load::side_files(&method, &files_from)?;
    let dialect = match a.dialect {
        DialectArg::Duckdb => Dialect::DuckDb,
        DialectArg::Spark => Dialect::Spark,
    };
    let input = match a.input {
        InputArg::Parquet => Input::Parquet,
        InputArg::Csv => Input::Csv,
    };
    let target = Target { dialect, input, location: &a.data_location, out: &a.results_location };
    let script = sql::compile(&method, &side, &period, &target)
        .map_err(|r| Error::BadInput(format!("{}: cannot compile {r}", a.method.display())))?;
    crate::report::table::write_atomic(&a.out, script.as_bytes()).map_err(|e| Error::Output(e.to_string()))?;
    cx.say(format!("wrote {} ({} lines)", a.out.display(), script.lines().count()));
    Ok(0)
}
