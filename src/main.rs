//! The `mujun` command: a thin layer over the library. Exit codes: see `mujun::error`.

use clap::{Parser, Subcommand};
use mujun::error::{Error, Result};
use mujun::period::{Basis, Period};
use mujun::{cli, generate, method, pipeline, report, validate};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "mujun", version, about = "亩均效益综合评价: per-mu land efficiency evaluation for county bureaus")]
struct Args {
    /// Print only errors.
    #[arg(long, global = true)]
    quiet: bool,
    /// Worker threads (default: all cores).
    #[arg(long, global = true, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    #[command(subcommand)]
    cmd: Cmd,
}

/// The period of a run.
#[derive(clap::Args)]
struct PeriodArgs {
    /// A year (2025) or a quarter (2025Q3).
    #[arg(long)]
    period: String,
    /// For a quarter: rolling4 (the four quarters ending in it) or ytd (year to date).
    #[arg(long, default_value = "rolling4")]
    basis: String,
}

impl PeriodArgs {
    fn parse(&self) -> Result<Period> {
        let basis = Basis::parse(&self.basis)
            .ok_or_else(|| Error::BadInput(format!("--basis '{}': use rolling4 or ytd", self.basis)))?;
        Period::parse(&self.period, basis).map_err(Error::BadInput)
    }
}

/// Where a run's results go.
#[derive(clap::Args)]
struct OutArgs {
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// Write into a non-empty folder that is not an earlier run.
    #[arg(long)]
    force: bool,
}

#[derive(Subcommand)]
enum Cmd {
    /// Evaluate a dataset folder under a methodology file and write the ranked tables.
    Evaluate {
        /// Folder with enterprises, land, output, tax (and optional events) files.
        #[arg(long)]
        data: PathBuf,
        /// Methodology file (TOML), e.g. data/methods/ankang_default.toml.
        #[arg(long)]
        method: PathBuf,
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        out: OutArgs,
        /// A corrections folder (异议复核): same files and columns as the inputs, plus reason and reference.
        #[arg(long)]
        corrections: Option<PathBuf>,
        /// An earlier run to compare with: writes diff.csv (score and class changes per enterprise).
        #[arg(long)]
        previous: Option<PathBuf>,
    },
    /// Check the input files only; write the exceptions file. Exit 0 if every row is usable, 1 if not.
    Validate {
        #[arg(long)]
        data: PathBuf,
        /// Folder for exceptions.csv.
        #[arg(long, default_value = "reports/validate")]
        out: PathBuf,
        /// Write into a non-empty folder that is not an earlier run.
        #[arg(long)]
        force: bool,
    },
    /// Explain one enterprise's result from a finished run: indicators, benchmarks, points, class, ranks.
    Explain {
        /// The run folder (the --out of evaluate).
        #[arg(long)]
        run: PathBuf,
        /// 统一社会信用代码 of the enterprise.
        enterprise_id: String,
    },
    /// What-if: evaluate the same data under two methodologies (or one with overrides) and list the
    /// enterprises that change class, with the class migration matrix.
    Compare {
        #[arg(long)]
        data: PathBuf,
        /// Methodology A.
        #[arg(long)]
        method: PathBuf,
        /// Methodology B (default: A).
        #[arg(long)]
        method_b: Option<PathBuf>,
        /// Overrides applied to B, e.g. --set 'tracks[规上].indicators[tax_per_mu].weight=40'.
        #[arg(long = "set")]
        set: Vec<String>,
        #[command(flatten)]
        period: PeriodArgs,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Quarterly monitoring: two periods compared, class migration, early warnings, 升规 pool, county targets.
    Monitor(mujun::monitor::Options),
    /// Check a methodology file and print its rules back in words.
    Check {
        #[arg(long)]
        method: PathBuf,
    },
    /// Generate a synthetic city (canonical CSV files) for demos, tests and benchmarks.
    Generate {
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
        /// csv, or parquet (typed number columns, written in row groups).
        #[arg(long, default_value = "csv")]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Standard land (标准地) projects: check agreed indicators at 竣工验收 and 达产复核, statuses and liabilities.
    Projects {
        /// Folder with a projects file (项目) and a checks file (验收), optionally enterprises.
        #[arg(long)]
        data: PathBuf,
        /// Rules file (TOML), e.g. data/methods/standard_land_default.toml.
        #[arg(long)]
        rules: PathBuf,
        /// The date statuses are assessed at (YYYY-MM-DD): due dates before it are overdue.
        #[arg(long)]
        as_of: String,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Write into a non-empty folder that is not an earlier run.
        #[arg(long)]
        force: bool,
    },
    /// Charts (PNG, SVG) and Chinese PDF reports, the city's and one per county, from a finished run folder.
    Report {
        /// The run folder (the --out of evaluate); writes RUN/report/*.pdf and RUN/report/charts/.
        #[arg(long)]
        run: PathBuf,
        /// A font file with Chinese glyphs (.ttf, .otf, .ttc); default: the installed fonts (Noto CJK
        /// first), else the font built into mujun.
        #[arg(long, env = "MUJUN_FONT")]
        font: Option<PathBuf>,
    },
    /// Benchmark floor: read every input file of a dataset folder once (decode and split into cells, files
    /// side by side) and do nothing else; prints rows, cells and seconds (benches/e2e.sh).
    #[command(hide = true)]
    Scan {
        #[arg(long)]
        data: PathBuf,
    },
    /// Re-hash the inputs, methodology and outputs listed in a run's manifest.json; exit 1 on any mismatch.
    Verify {
        /// The run folder (the --out of evaluate).
        #[arg(long)]
        run: PathBuf,
    },
    /// Evaluate the committed sample city with the default preset into reports/demo.
    Demo {
        #[arg(long, default_value = "2025")]
        period: String,
    },
}

fn run(args: Args) -> Result<u8> {
    mujun::progress::enable(!args.quiet);
    let say = |s: String| {
        if !args.quiet {
            println!("{s}");
        }
    };
    match args.cmd {
        Cmd::Evaluate { data, method, period, out: OutArgs { out, force }, corrections, previous } => {
            let period = period.parse()?;
            report::prepare_out_dir(&out, &data, force)?;
            let run = pipeline::evaluate_corrected(&data, &method, &[], corrections.as_deref(), period)?;
            let audit = corrections.is_some().then(|| mujun::compare::audit_table(&run));
            let diff = match &previous {
                Some(prev) => Some(mujun::compare::diff_previous(prev, &run).map_err(Error::BadInput)?),
                None => None,
            };
            let mut extra = Vec::new();
            if let Some(a) = &audit {
                extra.push(("audit.csv", a));
            }
            if let Some(d) = &diff {
                extra.push(("diff.csv", d));
                say(format!("{} enterprises changed against the earlier run (diff.csv)", d.rows.len()));
            }
            report::write_all_with(&run, &out, &cli::command_line(), &extra)?;
            if !args.quiet {
                say(cli::summary(&run, &out));
            }
            drop(extra);
            // The process ends with this command: the run's memory (millions of allocations at
            // provincial scale, 0.3–0.5 s to free one by one at a million firms) is left to the system.
            std::mem::forget(run);
            Ok(0)
        }
        Cmd::Validate { data, out, force } => {
            let ds = validate::load(&data)?;
            report::prepare_out_dir(&out, &data, force)?;
            let path = out.join("exceptions.csv");
            report::table::write_csv(&path, &report::exceptions_table(&ds.exceptions))
                .map_err(|e| Error::Output(e.to_string()))?;
            let manifest = serde_json::json!({ "mujun_version": mujun::VERSION, "command": cli::command_line(), "inputs": ds.accounts });
            report::table::write_atomic(&out.join("manifest.json"), manifest.to_string().as_bytes())
                .map_err(|e| Error::Output(e.to_string()))?;
            say(format!("{}\nexceptions: {}", cli::validation_summary(&ds), path.display()));
            Ok(if ds.accounts.iter().any(|a| a.excepted > 0) { 1 } else { 0 })
        }
        Cmd::Explain { run, enterprise_id } => {
            let text = report::explain::print(&run, &enterprise_id).map_err(Error::BadInput)?;
            println!("{text}");
            Ok(0)
        }
        Cmd::Compare { data, method, method_b, set, period, out: OutArgs { out, force } } => {
            let period = period.parse()?;
            report::prepare_out_dir(&out, &data, force)?;
            let a = pipeline::evaluate(&data, &method, period.clone())?;
            let b = pipeline::evaluate_with(&data, method_b.as_deref().unwrap_or(&method), &set, period)?;
            for (run, sub) in [(&a, "a"), (&b, "b")] {
                let dir = out.join(sub);
                report::prepare_out_dir(&dir, &data, force)?;
                report::write_all(run, &dir, &cli::command_line())?;
            }
            let (matrix, changes) = mujun::compare::compare(&a, &b);
            let io = |e: std::io::Error| Error::Output(e.to_string());
            report::table::write_csv(&out.join("migration.csv"), &matrix).map_err(io)?;
            report::table::write_csv(&out.join("changes.csv"), &changes).map_err(io)?;
            report::table::write_atomic(&out.join("manifest.json"), b"{\"command\": \"compare\"}").map_err(io)?;
            say(format!(
                "{} enterprises change class; see {}/changes.csv and migration.csv (runs in a/ and b/)",
                changes.rows.len(),
                out.display()
            ));
            Ok(0)
        }
        Cmd::Monitor(opts) => {
            say(mujun::monitor::run_monitor(&opts)?);
            Ok(0)
        }
        Cmd::Check { method } => {
            let loaded = method::load(&method)?;
            say(cli::describe_method(&loaded));
            Ok(0)
        }
        Cmd::Generate { enterprises, seed, first_year, last_year, clean, format, out } => {
            let format = generate::Format::parse(&format)
                .ok_or_else(|| Error::BadInput(format!("--format '{format}': use csv or parquet")))?;
            let opts = generate::GenOptions { enterprises, seed, first_year, last_year, defects: !clean, format };
            let s = generate::generate(&opts, &out).map_err(|e| Error::Output(format!("{e:#}")))?;
            say(format!(
                "wrote {} enterprises, {} land rows, {} output rows, {} tax rows, {} events to {}",
                s.enterprises,
                s.land_rows,
                s.output_rows,
                s.tax_rows,
                s.event_rows,
                out.display()
            ));
            Ok(0)
        }
        Cmd::Projects { data, rules, as_of, out, force } => {
            say(mujun::standard_land::run_projects_with(&data, &rules, &as_of, &out, force)?);
            Ok(0)
        }
        Cmd::Report { run, font } => {
            let opts = mujun::render::RenderOptions { font, progress: !args.quiet, ..Default::default() };
            say(mujun::render::render_run(&run, &opts)?.describe());
            Ok(0)
        }
        Cmd::Scan { data } => {
            let t = std::time::Instant::now();
            let (rows, cells) = mujun::ingest::scan(&data).map_err(mujun::validate::InputError::from)?;
            println!("{rows} rows, {cells} cells read in {:.3} s", t.elapsed().as_secs_f64());
            Ok(0)
        }
        Cmd::Verify { run } => {
            let report = mujun::verify::verify(&run).map_err(Error::BadInput)?;
            report.problems.iter().for_each(|p| eprintln!("mujun verify: {p}"));
            say(report.summary());
            Ok(if report.ok() { 0 } else { 1 })
        }
        Cmd::Demo { period } => {
            let (data, method, out) = cli::demo_paths()?;
            let period = Period::parse(&period, Basis::Rolling4).map_err(Error::BadInput)?;
            report::prepare_out_dir(&out, &data, false)?;
            let year = period.year();
            let run = pipeline::evaluate(&data, &method, period)?;
            report::write_all(&run, &out, &cli::command_line())?;
            say(cli::summary(&run, &out));
            // Quarterly monitoring of the same city: the year's last quarter against a year earlier.
            let mut opts = mujun::monitor::Options::new(
                &data,
                &method,
                &format!("{year}Q4"),
                &format!("{}Q4", year - 1),
                out.join("monitor"),
            );
            opts.targets = Some(data.join("targets.csv")).filter(|t| t.is_file());
            say(format!("\n{}", mujun::monitor::run_monitor(&opts)?));
            // Standard-land (标准地) projects of the sample city, checked at mid-year.
            let (projects, rules) = cli::demo_projects_paths();
            say(format!(
                "\n{}",
                mujun::standard_land::run_projects(&projects, &rules, &format!("{year}-06-30"), &out.join("projects"))?
            ));
            // Charts and the Chinese PDF reports.
            let opts = mujun::render::RenderOptions { progress: !args.quiet, ..Default::default() };
            say(format!("\n{}", mujun::render::render_run(&out, &opts)?.describe()));
            Ok(0)
        }
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let args = Args::parse();
    match in_one_pool(args.threads, || run(args)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("mujun: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs `f` on polars' thread pool, sized by `--threads` (default: all cores), so that the command's own
/// parallel work (rayon) and polars' (decoding Parquet) share one set of threads. From threads of another
/// pool, each Parquet slice was handed to polars' pool and the two pools ran four threads on two cores;
/// in one pool polars decodes on the thread that asks. 1M enterprises, Parquet: `validate` 3.1–3.4 s →
/// 2.3–2.6 s, peak −90 MB (four alternating runs each; docs/performance.md).
fn in_one_pool<R: Send>(threads: Option<u16>, f: impl FnOnce() -> R + Send) -> R {
    if let Some(n) = threads {
        // Read once, when polars first needs its pool (below): nothing has started it yet.
        std::env::set_var("POLARS_MAX_THREADS", n.to_string());
    }
    polars_core::runtime::THREAD_POOL.install(f)
}

/// mimalloc instead of the system allocator: the evaluation makes millions of small allocations (cells,
/// ids, reasons) and frees them in bulk; with glibc's allocator the 1M-enterprise run took 42.7 s, with
/// mimalloc 25.0 s (same machine and files; docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's option setter (linked with the `mimalloc` crate; its Rust bindings list no constant for
    /// the option below).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc 3 (`mimalloc.h`, enum `mi_option_e`).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Keeps memory freed by one stage for the next instead of handing it back to the system 10 ms later
/// (mimalloc's default): each stage frees what it built and the next builds as much, and on a virtual
/// machine pages handed back are paid for again when touched. 1M enterprises: 21.3 → 18.7 s (kernel time
/// 7–10 s → 5.5 s, page faults 67,000 → 2,900) for 2 % more peak memory; docs/performance.md.
fn keep_freed_memory() {
    // SAFETY: sets a plain integer option; mimalloc reads options at any time and this runs before
    // any other thread is started.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}
