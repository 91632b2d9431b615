//! Reports planners read: charts (PNG and SVG) and Chinese PDF reports (the city's and one per county)
//! made from a *finished* run folder: run.json (the typed summary the run wrote) and its tables
//! (enterprises.csv, by_county.csv, by_industry.csv, and monitor/ and projects/ when present), never
//! from the evaluation in memory, so a run folder renders the same today or next year. The command layer
//! reads the files and writes what [`render`] returns; nothing here touches the file system.
//!
//! Stages: read the run (`run_data`, `methodology`) → find fonts once (`fonts`) → draw the charts in
//! parallel (`charts`, `chart_kinds`) → one JSON document per report (`report_data`) → typeset each with
//! the template `templates/report.typ` in parallel (`pdf`). docs/reports.md is the manual.

pub mod card;
mod chart_job;
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
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;
use typst::foundations::Bytes;

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
    pub counties: Counties,
    /// Show a progress bar (only ever drawn when stderr is a terminal).
    pub progress: bool,
    /// The date on the cover, e.g. "2026年1月15日" (default: today, China Standard Time).
    pub date: Option<String>,
    /// At most this many enterprises in a report's appendix table (0: all); the CSV has them all.
    pub appendix_limit: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { counties: Counties::All, progress: true, date: None, appendix_limit: 5000 }
    }
}

/// What a render is made from besides the run folder's files.
pub struct Sources<'a> {
    /// The font given with `--font`: its path (for messages) and bytes.
    pub font: Option<(&'a Path, Vec<u8>)>,
    /// A template to use instead of the built-in templates/report.typ.
    pub template: Option<String>,
}

/// What a render made: every file (its path inside the run folder, `report/city.pdf`, and its bytes),
/// and what a reader of the output should know.
pub struct Rendered {
    pub files: Vec<(String, Vec<u8>)>,
    pub summary: RenderSummary,
}

/// What a render wrote, and what a reader of the output should know.
#[derive(Debug, Clone, Default)]
pub struct RenderSummary {
    /// The folder the reports are in.
    pub dir: PathBuf,
    pub pdfs: usize,
    /// Chart files (each chart as .png and .svg).
    pub charts: usize,
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
            self.pdfs, self.charts, self.seconds, self.chart_font
        );
        if self.pdfs > 0 {
            s.push_str(&format!("\nreports: {}", self.dir.display()));
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

/// The charts (`report/charts/*.{png,svg}`) and the PDFs (`report/city.pdf`, `report/county_<name>.pdf`)
/// of the run folder `run_dir`, whose files `files` gives.
pub fn render(files: run_data::Files, run_dir: &Path, sources: Sources, opts: &RenderOptions) -> Result<Rendered> {
    let start = Instant::now();
    let run = run_data::RunData::read(files, run_dir)?;
    let fonts = fonts::Fonts::load(sources.font)?;
    fonts::register_for_charts(&fonts)?;
    let template = sources.template.unwrap_or_else(|| pdf::TEMPLATE.to_string());
    let counties = select_counties(&run, &opts.counties)?;
    let (drawn, skipped) = charts::draw_all(&run, &counties, &fonts.chart_family, fonts.chart_face)?;
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut chart_bytes: HashMap<String, Bytes> = HashMap::new();
    let mut charts = Vec::new();
    for d in drawn {
        chart_bytes.insert(format!("{}.{CHART_EXT}", d.file.stem), Bytes::new(d.svg.clone()));
        out.push((format!("report/charts/{}.png", d.file.stem), d.png));
        out.push((format!("report/charts/{}.svg", d.file.stem), d.svg));
        charts.push(d.file);
    }
    let mut warnings = Vec::new();
    let names: String = run.enterprises.iter().flat_map(|e| [e.name.as_str(), e.county.as_str()]).collect();
    let missing = fonts.missing_glyphs(&names);
    if !missing.is_empty() {
        let chars: String = missing.iter().collect();
        warnings.push(format!("no font found has these characters, they print as boxes: {chars}"));
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
    let mut jobs: Vec<(Option<&str>, String)> = vec![(None, "report/city.pdf".into())];
    jobs.extend(counties.iter().map(|c| (Some(c.as_str()), format!("report/county_{}.pdf", chart_job::file_part(c)))));
    let bar = progress_bar(opts.progress, jobs.len());
    let results: Vec<Result<(Vec<u8>, Vec<String>)>> = jobs
        .par_iter()
        .map(|(county, _)| {
            bar.set_message(county.unwrap_or("全市").to_string());
            let data = report_data::build(&run, *county, &cx);
            let done = pdf::compile(&template, &data, &fonts, &chart_bytes, today);
            bar.inc(1);
            done
        })
        .collect();
    bar.finish_and_clear();
    let pdfs = jobs.len();
    for ((_, name), r) in jobs.into_iter().zip(results) {
        let (bytes, warned) = r?;
        out.push((name, bytes));
        for w in warned {
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
    }
    let summary = RenderSummary {
        dir: run_dir.join("report"),
        pdfs,
        charts: charts.len() * 2,
        skipped,
        warnings,
        chart_font: fonts.chart_source.clone(),
        seconds: start.elapsed().as_secs_f64(),
    };
    Ok(Rendered { files: out, summary })
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
