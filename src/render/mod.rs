//! Reports planners read: charts (PNG and SVG) and Chinese PDF reports (the city's and one per county)
//! made from a *finished* run folder. Everything is read back from the files the run wrote
//! (enterprises.csv, by_county.csv, by_industry.csv, benchmarks.csv, exceptions.csv, manifest.json and
//! the methodology file the manifest names), never from the evaluation in memory, so any run folder
//! renders, today's or last year's.
//!
//! Stages: read the run (`run_data`, `methodology`) → find fonts once (`fonts`) → draw the charts in
//! parallel (`charts`, `chart_kinds`) → one JSON document per report (`report_data`) → typeset each with
//! the template `templates/report.typ` in parallel (`pdf`). docs/reports.md is the manual.

mod chart_kinds;
pub mod charts;
pub mod fonts;
mod labels;
pub mod methodology;
pub mod pdf;
mod report_data;
pub mod run_data;
mod sections;

use crate::error::{Error, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Which county reports to write besides the city's.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Counties {
    #[default]
    All,
    None,
    Only(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// A font file with Chinese glyphs, used before the system's fonts (`--font`).
    pub font: Option<PathBuf>,
    pub counties: Counties,
    /// Show a progress bar (only ever drawn when stderr is a terminal).
    pub progress: bool,
    /// A template to use instead of the built-in templates/report.typ.
    pub template: Option<PathBuf>,
    /// The date on the cover, e.g. "2026年1月15日" (default: today, China Standard Time).
    pub date: Option<String>,
    /// At most this many enterprises in a report's appendix table (0: all); the CSV has them all.
    pub appendix_limit: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            font: None,
            counties: Counties::All,
            progress: true,
            template: None,
            date: None,
            appendix_limit: 5000,
        }
    }
}

/// What a render wrote, and what a reader of the output should know.
#[derive(Debug, Clone, Default)]
pub struct RenderSummary {
    pub pdfs: Vec<PathBuf>,
    /// Chart files (each chart as .png and .svg).
    pub charts: Vec<PathBuf>,
    /// Charts not drawn for lack of data, in words.
    pub skipped: Vec<String>,
    /// Template warnings and characters no installed font can print.
    pub warnings: Vec<String>,
    /// The face the charts were drawn with.
    pub chart_font: String,
    pub seconds: f64,
}

impl RenderSummary {
    /// The lines `mujun report` prints.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "wrote {} PDF reports and {} chart files in {:.1} s (chart font: {})",
            self.pdfs.len(),
            self.charts.len(),
            self.seconds,
            self.chart_font
        );
        if let Some(first) = self.pdfs.first() {
            s.push_str(&format!("\nreports: {}", first.parent().unwrap_or(Path::new(".")).display()));
        }
        for k in &self.skipped {
            s.push_str(&format!("\nskipped: {k}"));
        }
        for w in &self.warnings {
            s.push_str(&format!("\nwarning: {w}"));
        }
        s
    }
}

/// The charts are embedded in the PDFs as vector graphics (their text is typeset with the same fonts).
const CHART_EXT: &str = "svg";

/// Writes `run_dir/report/charts/*.{png,svg}`, `run_dir/report/city.pdf` and `county_<name>.pdf`.
pub fn render_run(run_dir: &Path, opts: &RenderOptions) -> Result<RenderSummary> {
    let start = Instant::now();
    let run = run_data::RunData::read(run_dir)?;
    let fonts = fonts::Fonts::load(opts.font.as_deref())?;
    fonts::register_for_charts(&fonts)?;
    let template = match &opts.template {
        Some(p) => std::fs::read_to_string(p).map_err(|e| Error::BadInput(format!("template {}: {e}", p.display())))?,
        None => pdf::TEMPLATE.to_string(),
    };
    let counties = select_counties(&run, &opts.counties)?;
    let out = run_dir.join("report");
    let chart_dir = out.join("charts");
    let (charts, skipped) = charts::draw_all(&run, &counties, &chart_dir, &fonts.chart_family, fonts.chart_face)?;

    let mut warnings = Vec::new();
    let names: String = run
        .enterprises
        .iter()
        .map(|e| e.name.as_str())
        .chain(run.enterprises.iter().map(|e| e.county.as_str()))
        .collect();
    let missing = fonts.missing_glyphs(&names);
    if !missing.is_empty() {
        warnings.push(format!(
            "no installed font has these characters, they print as boxes: {}",
            missing.iter().collect::<String>()
        ));
    }
    let method = methodology::summarize(&run);
    let today = pdf::today_cst();
    let date = opts.date.clone().unwrap_or_else(|| format!("{}年{}月{}日", today.0, today.1, today.2));
    let cx = report_data::Context {
        method: &method,
        charts: &charts,
        skipped: &skipped,
        date,
        body_fonts: &fonts.body,
        sans_fonts: &fonts.sans,
        chart_ext: CHART_EXT,
        appendix_limit: opts.appendix_limit,
    };

    let mut jobs: Vec<(Option<&str>, PathBuf)> = vec![(None, out.join("city.pdf"))];
    jobs.extend(counties.iter().map(|c| (Some(c.as_str()), out.join(format!("county_{}.pdf", charts::file_part(c))))));
    let bar = progress_bar(opts.progress, jobs.len());
    let results: Vec<Result<Vec<String>>> = jobs
        .par_iter()
        .map(|(county, path)| {
            bar.set_message(county.unwrap_or("全市").to_string());
            let data = report_data::build(&run, *county, &cx);
            let (bytes, warned) = pdf::compile(&template, &data, &fonts, chart_dir.clone(), today)?;
            crate::report::table::write_atomic(path, &bytes)
                .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
            bar.inc(1);
            Ok(warned)
        })
        .collect();
    bar.finish_and_clear();
    for r in results {
        for w in r? {
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
    }
    let chart_files =
        charts.iter().flat_map(|c| ["png", "svg"].map(|ext| chart_dir.join(format!("{}.{ext}", c.stem)))).collect();
    Ok(RenderSummary {
        pdfs: jobs.into_iter().map(|j| j.1).collect(),
        charts: chart_files,
        skipped,
        warnings,
        chart_font: fonts.chart_source.clone(),
        seconds: start.elapsed().as_secs_f64(),
    })
}

fn select_counties(run: &run_data::RunData, which: &Counties) -> Result<Vec<String>> {
    let all = run.county_names();
    match which {
        Counties::All => Ok(all),
        Counties::None => Ok(Vec::new()),
        Counties::Only(names) => {
            for n in names {
                if !all.contains(n) {
                    return Err(Error::BadInput(format!(
                        "county '{n}' is not in {}/by_county.csv (counties: {})",
                        run.dir.display(),
                        all.join(", ")
                    )));
                }
            }
            Ok(names.clone())
        }
    }
}

/// A bar on stderr when it is a terminal and progress is wanted; hidden otherwise (logs, CI, pipes).
fn progress_bar(wanted: bool, len: usize) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("typesetting {bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}
