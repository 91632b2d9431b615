//! `mujun evaluate`: a dataset folder under a methodology file for a period → the ranked tables, the
//! exceptions file and the manifest; with `--corrections` the audit of the changes, with `--previous` the
//! differences from an earlier run.

use super::manifest::{self, Output};
use super::{load, Ctx, OutArgs, PeriodArgs};
use crate::error::{Error, Result};
use crate::method::Group;
use crate::pipeline::{self, Run};
use crate::report;
use crate::schema::Status;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let period = a.period.parse()?;
    let previous = match &a.previous {
        Some(dir) => Some(read_previous(dir)?),
        None => None,
    };
    load::prepare_out_dir(&a.out.out, &a.data, a.out.force)?;
    let opts = pipeline::Options::for_period(period);
    let inputs = load::evaluation(&a.data, &a.method, &[], a.corrections.as_deref(), &opts)?;
    let run = pipeline::evaluate(inputs, &opts)?;
    let audit = a.corrections.is_some().then(|| crate::compare::audit_table(&run));
    let diff = match &previous {
        Some((text, source)) => Some(crate::compare::diff_previous(text, source, &run)?),
        None => None,
    };
    let mut extra = Vec::new();
    if let Some(t) = &audit {
        extra.push(("audit.csv", t));
    }
    if let Some(d) = &diff {
        extra.push(("diff.csv", d));
        cx.say(format!("{} enterprises changed against the earlier run (diff.csv)", d.rows.len()));
    }
    write(&run, &a.out.out, &extra, cx)?;
    if !cx.quiet {
        cx.say(summary(&run, &a.out.out));
    }
    drop(extra);
    // The process ends with this command: the run's memory (millions of allocations at provincial scale,
    // a noticeable time to free one by one) is left to the system.
    std::mem::forget(run);
    Ok(0)
}

/// An earlier run's enterprises.csv (text, and its path for errors).
fn read_previous(dir: &Path) -> Result<(String, String)> {
    let path = dir.join("enterprises.csv");
    let text =
        std::fs::read_to_string(&path).map_err(|e| Error::BadInput(format!("--previous {}: {e}", path.display())))?;
    Ok((text, path.display().to_string()))
}

/// Writes the tables of a run and its manifest into `out`.
pub fn write(run: &Run, out: &Path, extra: &[(&str, &report::table::Table)], cx: &Ctx) -> Result<()> {
    let written = report::write_all(run, out, extra)?;
    let outputs: Vec<Output> =
        written.files.into_iter().map(|(path, sha)| Output { path, sha256: Some(sha) }).collect();
    manifest::write(out, report::manifest::fields(run, written.ms), &cx.command_line, &outputs)?;
    Ok(())
}

/// Counts per status and class, the top five of each track in the track's order with their ranks, the
/// exceptions, and where the tables are and how to make the PDF reports.
pub fn summary(run: &Run, out: &Path) -> String {
    let mut s = String::new();
    let m = &run.method.method;
    let _ = writeln!(s, "mujun {}: {} ({}) for {}", crate::VERSION, m.scheme.name, m.scheme.title, run.period.label);
    // One pass over the firms (a million at provincial scale): statuses, classes and graded firms per track.
    let mut status: BTreeMap<Status, usize> = BTreeMap::new();
    let mut classes: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); m.tracks.len()];
    let mut graded: Vec<Vec<usize>> = vec![Vec::new(); m.tracks.len()];
    for (i, x) in run.scored.iter().enumerate() {
        *status.entry(x.status).or_default() += 1;
        if let Some(t) = x.track {
            if !x.class.is_empty() {
                *classes[t].entry(x.class.as_str()).or_default() += 1;
            }
            if x.status == Status::Graded {
                graded[t].push(i);
            }
        }
    }
    let st: Vec<String> = status.iter().map(|(k, v)| format!("{} {v}", k.code())).collect();
    let _ = writeln!(s, "enterprises: {} ({})", run.scored.len(), st.join(", "));
    for (t, ((track, classes), graded)) in m.tracks.iter().zip(&classes).zip(graded).enumerate() {
        let cl: Vec<String> = classes.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ =
            writeln!(s, "track {}: classes {}", track.name, if cl.is_empty() { "none".into() } else { cl.join(", ") });
        let group = m.tracks[t].classes.group;
        for (rank, i) in top_five(run, t, graded) {
            let (e, x) = (&run.data.enterprises[i], &run.scored[i]);
            // The class-group rank beside the track rank when the classes are given per county, park or
            // industry (the city-wide group's rank is the track rank).
            let within = match (group, x.rank) {
                (Group::City, _) | (_, None) => String::new(),
                (Group::County, Some(r)) => format!(", county rank {r}"),
                (Group::Park, Some(r)) => format!(", park rank {r}"),
                (Group::Industry, Some(r)) => format!(", industry rank {r}"),
                (Group::Named, Some(r)) => format!(", group rank {r}"),
            };
            let _ = writeln!(
                s,
                "  {rank}. {} {} {} {} {} (track rank {rank}{within})",
                x.total_text, x.class, e.county, e.name, e.id
            );
        }
    }
    if let Some(w) = missing_quarters_warning(run) {
        let _ = writeln!(s, "{w}");
    }
    for l in crate::validate::layout_lines(&run.data.accounts) {
        let _ = writeln!(s, "{l}");
    }
    let read: usize = run.data.accounts.iter().map(|a| a.read).sum();
    let excepted: usize = run.data.accounts.iter().map(|a| a.excepted).sum();
    let lines = run.data.exceptions.len();
    let _ =
        writeln!(s, "input rows: {read} read, {} used, {excepted} excluded; {lines} exception lines", read - excepted);
    let _ = writeln!(s, "results: {} (enterprises.csv, results.xlsx, exceptions.csv, manifest.json)", out.display());
    // The demo renders them right away; after evaluate, the command that does.
    let _ = write!(s, "PDF reports: {} (made by mujun report --run {})", out.join("report").display(), out.display());
    s
}

/// A warning when most enterprises lack output or tax rows for some quarter of the period (a period
/// that runs past the data, or a quarter not yet delivered): the results would rest on part of the year.
fn missing_quarters_warning(run: &Run) -> Option<String> {
    let n = run.facts.len();
    let mut by_quarter: BTreeMap<&str, usize> = BTreeMap::new();
    let mut lacking = 0;
    for f in &run.facts {
        if !f.missing_quarters.is_empty() {
            lacking += 1;
            f.missing_quarters.iter().for_each(|q| *by_quarter.entry(q.as_str()).or_default() += 1);
        }
    }
    if n == 0 || lacking * 2 <= n {
        return None;
    }
    let quarters: Vec<String> = by_quarter.iter().map(|(q, k)| format!("{q} {k}")).collect();
    Some(format!(
        "WARNING: {lacking} of {n} enterprises ({:.0}%) lack output or tax rows for some quarter of {} \
         (enterprises per quarter: {}); check the period and the files",
        lacking as f64 * 100.0 / n as f64,
        run.period.label,
        quarters.join(", ")
    ))
}

/// The first five graded firms of track `t` in the track's documented order (`rank::compare`: rounded
/// total, then the tie-break indicators, then enterprise_id), each with its track rank (shared by tied
/// totals with `[ranking] shared_ranks`).
fn top_five(run: &Run, t: usize, mut firms: Vec<usize>) -> Vec<(usize, usize)> {
    let m = &run.method.method;
    let tie = crate::rank::tie_positions(&m.ranking, &m.tracks[t]);
    let order = |&a: &usize, &b: &usize| crate::rank::compare(a, b, &run.scored, &run.data, &tie);
    // Only the first five are shown: selected, then sorted.
    if firms.len() > 5 {
        firms.select_nth_unstable_by(4, order);
        firms.truncate(5);
    }
    firms.sort_by(order);
    firms.into_iter().map(|i| (run.scored[i].track_rank.map_or(0, |r| r as usize), i)).collect()
}
