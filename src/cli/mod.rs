//! The command layer: the command line (one file per subcommand, each with its arguments and `run`), and
//! everything that touches the file system on a command's behalf: finding and reading the inputs and the
//! files a methodology or rules file names, preparing the output folder, writing the manifest. The
//! library stages below it take values and return values.
//!
//! Exit codes: see [`crate::error`].

mod card;
mod check;
mod compare;
mod demo;
mod evaluate;
mod explain;
mod export;
mod generate;
mod load;
mod manifest;
mod monitor;
mod projects;
mod report;
mod scan;
mod sql;
mod validate;
mod verify;

pub use monitor::{run as monitor, MonitorArgs};
pub use projects::{read_rules, run as projects, ProjectsArgs};
pub use report::render_folder;

use crate::error::{Error, Result};
use crate::period::{Basis, Period};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "mujun", version, about = "亩均效益综合评价: per-mu land efficiency evaluation for county bureaus")]
pub struct Cli {
    /// Print only errors.
    #[arg(long, global = true)]
    quiet: bool,
    /// Worker threads (default: all cores).
    #[arg(long, global = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    #[command(subcommand)]
    cmd: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate a dataset folder under a methodology file and write the ranked tables.
    Evaluate(evaluate::Args),
    /// Check the input files only; write the exceptions file. Exit 0 if every row is usable, 1 if not.
    Validate(validate::Args),
    /// Write the validated inputs as typed tables (Parquet or CSV, optionally one folder per county) with
    /// the exceptions file, for a SQL engine to evaluate (`mujun sql`).
    Export(export::Args),
    /// Explain one enterprise's result from a finished run: indicators, benchmarks, points, class, ranks.
    Explain(explain::Args),
    /// Enterprise cards (企业画像): one firm's, or a county's firms', result and what it would take to
    /// move up one class, as a Chinese PDF with the numbers beside it (.csv, .json).
    Card(card::Args),
    /// What-if: evaluate the same data under two methodologies (or one with overrides) and list the
    /// enterprises that change class, with the class migration matrix.
    Compare(compare::Args),
    /// Quarterly monitoring: two periods compared, class migration, early warnings, 升规 pool, county targets.
    Monitor(MonitorArgs),
    /// Check a methodology file and print its rules back in words.
    Check(check::Args),
    /// Generate a synthetic city (canonical CSV files) for demos, tests and benchmarks.
    Generate(generate::Args),
    /// Standard land (标准地) projects: check agreed indicators at 竣工验收 and 达产复核, statuses and liabilities.
    Projects(ProjectsArgs),
    /// Charts (PNG, SVG) and Chinese PDF reports, the city's and one per county, from a finished run folder.
    Report(report::Args),
    /// Benchmark floor: read every input file of a dataset folder once (decode and split into cells, files
    /// side by side) and do nothing else; prints rows, cells and seconds (benches/e2e.sh).
    #[command(hide = true)]
    Scan(scan::Args),
    /// Compile a methodology to one SQL script (DuckDB) that evaluates the tables `mujun export` wrote with
    /// the numbers of `mujun evaluate`; a rule the compiler does not express is refused, naming its key.
    Sql(sql::Args),
    /// Re-hash the inputs, methodology and outputs listed in a run's manifest.json; exit 1 on any mismatch.
    Verify(verify::Args),
    /// Evaluate the committed sample city with the default preset into reports/demo.
    Demo(demo::Args),
}

/// What every command is given besides its own arguments.
pub struct Ctx {
    pub quiet: bool,
    /// The command line as typed, for the manifests.
    pub command_line: String,
}

impl Ctx {
    pub fn new(quiet: bool, command_line: &str) -> Ctx {
        Ctx { quiet, command_line: command_line.to_string() }
    }

    /// Prints a line unless `--quiet`.
    pub fn say(&self, text: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", text.as_ref());
        }
    }
}

/// Parses the command line, runs the command on one pool of threads and maps the result to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match in_one_pool(cli.threads, || run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("mujun: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs a parsed command line; returns the exit code of a command that finished.
pub fn run(cli: Cli) -> Result<u8> {
    crate::progress::enable(!cli.quiet);
    let cx = Ctx { quiet: cli.quiet, command_line: std::env::args().collect::<Vec<_>>().join(" ") };
    match cli.cmd {
        Command::Evaluate(a) => evaluate::run(&a, &cx),
        Command::Validate(a) => validate::run(&a, &cx),
        Command::Explain(a) => explain::run(&a),
        Command::Export(a) => export::run(&a, &cx),
        Command::Card(a) => card::run(&a, &cx),
        Command::Compare(a) => compare::run(&a, &cx),
        Command::Monitor(a) => monitor::run(&a, &cx).map(|s| cx.say(s)).map(|_| 0),
        Command::Check(a) => check::run(&a, &cx),
        Command::Generate(a) => generate::run(&a, &cx),
        Command::Projects(a) => projects::run(&a, &cx).map(|s| cx.say(s)).map(|_| 0),
        Command::Report(a) => report::run(&a, &cx),
        Command::Scan(a) => scan::run(&a),
        Command::Sql(a) => sql::run(&a, &cx),
        Command::Verify(a) => verify::run(&a, &cx),
        Command::Demo(a) => demo::run(&a, &cx),
    }
}

/// Runs `f` on polars' thread pool, sized by `--threads` (default: all cores), so that the command's own
/// parallel work (rayon) and polars' (decoding Parquet) share one set of threads: from threads of another
/// pool, each Parquet slice was handed to polars' pool and two pools ran four threads on two cores.
fn in_one_pool<R: Send>(threads: Option<u16>, f: impl FnOnce() -> R + Send) -> R {
    if let Some(n) = threads {
        // Read once, when polars first needs its pool (below): nothing has started it yet.
        std::env::set_var("POLARS_MAX_THREADS", n.to_string());
    }
    polars_core::runtime::THREAD_POOL.install(f)
}

/// How the quarters of a period are taken when the period is a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BasisArg {
    /// The four quarters ending in the quarter.
    #[value(alias = "rolling")]
    Rolling4,
    /// The quarters of the year up to the quarter.
    Ytd,
}

impl From<BasisArg> for Basis {
    fn from(b: BasisArg) -> Basis {
        match b {
            BasisArg::Rolling4 => Basis::Rolling4,
            BasisArg::Ytd => Basis::Ytd,
        }
    }
}

/// The period of a run.
#[derive(clap::Args, Debug, Clone)]
pub struct PeriodArgs {
    /// A year (2025) or a quarter (2025Q3).
    #[arg(long)]
    pub period: String,
    /// For a quarter: the four quarters ending in it, or the year to date.
    #[arg(long, value_enum, default_value = "rolling4")]
    pub basis: BasisArg,
}

impl PeriodArgs {
    pub fn parse(&self) -> Result<Period> {
        Period::parse(&self.period, self.basis.into()).map_err(Error::BadInput)
    }
}

/// Where a run's results go.
#[derive(clap::Args, Debug, Clone)]
pub struct OutArgs {
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Write into a non-empty folder that is not an earlier run.
    #[arg(long)]
    pub force: bool,
}
