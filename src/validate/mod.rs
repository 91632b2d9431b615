//! Validate: turn raw text tables into the typed [`Dataset`]. Every row is either used or listed in the
//! exceptions with file, line, column and a reason an analyst can act on; nothing is dropped silently.

mod checks;
pub mod columns;
pub mod corrections;
pub mod layout;
mod merge;
pub mod numbers;
mod repeats;
mod rows;

use crate::dataset::{Dataset, Exception, FileAccount, Keep};
use crate::ingest::{self, FileKind};
use columns::HeaderProblem;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

/// Input problems that stop a run (a file missing, unreadable, or without a required column).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error(transparent)]
    Ingest(#[from] ingest::IngestError),
    #[error("{file}: {problems}")]
    Header { file: String, problems: String },
}

pub(crate) fn describe(problems: &[HeaderProblem]) -> String {
    problems
        .iter()
        .map(|p| match p {
            HeaderProblem::Missing { column, aliases } => {
                format!("required column '{column}' is missing (accepted headers: {column}, {aliases})")
            }
            HeaderProblem::Duplicate { column, first, second } => {
                format!("columns '{first}' and '{second}' both mean '{column}'; keep one")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a header row may not match: the first row holds data (no header row), or the file is separated
/// by semicolons (one header cell with `;`).
fn header_hint(headers: &[String]) -> String {
    if headers.iter().any(|h| !h.trim().is_empty() && crate::ids::id_problem(&crate::ids::normalize(h)).is_none()) {
        return ". The first row looks like data (it holds an enterprise id), not a header: add a header row"
            .to_string();
    }
    if headers.len() == 1 && headers[0].contains(';') {
        return ". The header is one cell with ';': the file seems separated by ';'; save it as CSV (comma-separated) or XLSX"
            .to_string();
    }
    String::new()
}

/// Reads and validates every input of a dataset folder, keeping every row.
pub fn load(dir: &Path) -> Result<Dataset, InputError> {
    load_corrected(dir, None, &Keep::Rows).map(|(d, _)| d)
}

/// Reads the inputs, applies a corrections folder (see `corrections`) and validates the result; the output
/// and tax rows are kept, or folded into the sums of the periods an evaluation needs (`keep`).
///
/// The enterprises file is read first (every other file links to it); land, output, tax and events are
/// then read side by side, each file in its own order, and merged in the order of [`FileKind::DATASET`], so the
/// dataset and the exceptions are the same whatever the number of threads.
pub fn load_corrected(
    dir: &Path,
    corrections_dir: Option<&Path>,
    keep: &Keep,
) -> Result<(Dataset, Vec<corrections::Change>), InputError> {
    // Find every file first, so a missing one is reported before any work.
    let settings = layout::Settings::load(dir).map_err(layout::settings_error)?;
    let mut paths = Vec::new();
    for kind in FileKind::DATASET {
        if let Some(path) = layout::find(dir, kind, settings.of(kind))? {
            paths.push((kind, path));
        }
    }
    let bar = crate::progress::counter("reading and checking inputs", "rows");
    let mut links = rows::Links::default();
    // FileKind::DATASET starts with the enterprises, a required file.
    let (first, rest) = paths.split_first().expect("the enterprises file was found");
    let fill = LinksFor::Fill(&mut links);
    let reading = Reading { corrections_dir, keep, bar: &bar };
    let mut results = vec![read_one(first.0, &first.1, settings.of(first.0), &reading, fill, &[])?];
    let (links, enterprises) = (&links, &results[0].1.data.enterprises);
    // The other files are read while the enterprises are checked for names listed under two ids.
    let (ent_file, ent_origin) = (results[0].2.file.as_str(), &results[0].4);
    let (others, same_names): (Vec<Result<FileResult, InputError>>, _) = rayon::join(
        || {
            rest.par_iter()
                .map(|(kind, path)| {
                    let s = settings.of(*kind);
                    read_one(*kind, path, s, &reading, LinksFor::Read(links), enterprises)
                })
                .collect()
        },
        || checks::duplicate_names(enterprises, ent_file, ent_origin),
    );
    let ent_origin = ent_origin.clone();
    for r in others {
        results.push(r?);
    }
    let mut all = rows::Part::default();
    let mut changes = Vec::new();
    let mut names: Vec<(FileKind, String)> = Vec::new();
    for (kind, part, account, ch, _) in results {
        let rows::Part { data, exceptions, .. } = part;
        if kind == FileKind::Enterprises {
            all.data.enterprises = data.enterprises;
            all.data.extra_columns = data.extra_columns;
        }
        append(&mut all.data.land, data.land);
        append(&mut all.data.output, data.output);
        append(&mut all.data.tax, data.tax);
        all.data.output_sums = all.data.output_sums.take().or(data.output_sums);
        all.data.tax_sums = all.data.tax_sums.take().or(data.tax_sums);
        append(&mut all.data.events, data.events);
        append(&mut all.exceptions, exceptions);
        names.push((kind, account.file.clone()));
        all.data.accounts.push(account);
        changes.extend(ch);
    }
    bar.finish_and_clear();
    checks::coverage(&mut all, &names, &ent_origin);
    all.exceptions.extend(same_names);
    let mut data = all.data;
    data.exceptions = all.exceptions;
    Ok((data, changes))
}

/// Moves `v` to the end of `into` (without a copy when `into` is empty: each kind comes from one file).
fn append<T>(into: &mut Vec<T>, mut v: Vec<T>) {
    if into.is_empty() {
        *into = v;
    } else {
        into.append(&mut v);
    }
}

/// Spans typed side by side before they are gathered (at least twice the threads): few, so that few
/// decoded slices are in flight (docs/performance.md).
const WINDOW: usize = 4;

type FileResult = (FileKind, rows::Part, FileAccount, Vec<corrections::Change>, layout::Origin);

/// The links a file is typed against: filled by the enterprises file, read by the others.
enum LinksFor<'a> {
    Fill(&'a mut rows::Links),
    Read(&'a rows::Links),
}

/// What every file is read with: the corrections folder, what to keep of output and tax rows, the
/// progress bar.
struct Reading<'a> {
    corrections_dir: Option<&'a Path>,
    keep: &'a Keep,
    bar: &'a indicatif::ProgressBar,
}

/// Reads, lays out (`layout`), corrects and types one file, its spans side by side, and merges them in
/// file order; its text is dropped when it is done (bounded memory).
fn read_one(
    kind: FileKind,
    path: &Path,
    settings: &layout::FileSettings,
    reading: &Reading,
    links: LinksFor,
    enterprises: &[crate::dataset::Enterprise],
) -> Result<FileResult, InputError> {
    let Reading { corrections_dir, keep, bar } = *reading;
    let layout::Shaped { source: mut src, origin, notes, above } = layout::open(kind, path, settings)?;
    let mut changes = Vec::new();
    if let Some(c) = corrections_dir.filter(|c| ingest::find(c, kind).ok().flatten().is_some()) {
        let mut pair = [(kind, src.into_table()?)];
        changes = corrections::apply(&mut pair, c)?;
        for ch in &mut changes {
            ch.line = origin.real(ch.line);
        }
        let [(_, table)] = pair;
        let sha = crate::digest::of_file(&table.path).unwrap_or_default();
        src = ingest::Source::from_table(table);
        src.sha256 = Some(sha);
    }
    let map = columns::map_headers(kind, &src.headers).map_err(|p| InputError::Header {
        file: src.file.clone(),
        problems: describe(&p) + &header_hint(&src.headers),
    })?;
    let piece = rows::Piece::new(&src.file, &src.headers, &map, enterprises);
    let numbers_only = rows::numbers_only(kind, &map);
    let empty = rows::Links::default();
    let linked = match &links {
        LinksFor::Fill(_) => &empty,
        LinksFor::Read(l) => *l,
    };
    let fill = match links {
        LinksFor::Fill(l) => Some(l),
        LinksFor::Read(_) => None,
    };
    // Spans are typed side by side a window at a time and gathered in file order as each window is done,
    // so the typed pieces of only one window are held besides the file's rows (and their memory is
    // reused by the next window). The file's hash is taken meanwhile.
    let spans = src.spans();
    let (merger, sha256) = rayon::join(
        || -> Result<merge::Merger, ingest::IngestError> {
            let (file, width, origin) = (src.file.as_str(), src.headers.len(), &origin);
            let cx = merge::Context { kind, file, width, enterprises, origin, keep };
            let mut merger = merge::Merger::new(cx, spans.iter().map(ingest::Span::rows_bound).sum());
            for window in spans.chunks(WINDOW.max(2 * rayon::current_num_threads())) {
                let parts = window
                    .par_iter()
                    .map(|span| {
                        let mut part = rows::Part::reserved(kind, span.rows_bound());
                        span.for_each_with(&numbers_only, |line, cells, typed| {
                            part.add_row(kind, &piece, line, cells, typed, linked)
                        })?;
                        bar.inc(part.read as u64);
                        Ok(part)
                    })
                    .collect::<Result<Vec<_>, ingest::IngestError>>()?;
                parts.into_iter().for_each(|p| merger.push(p));
            }
            Ok(merger)
        },
        || src.digest().unwrap_or_default(),
    );
    let mut part = merger?.finish(fill);
    let skipped = part.skipped + above.len();
    if !above.is_empty() {
        // In file order: the rows above a sheet's header before its rows.
        part.exceptions.extend(above);
        part.exceptions.sort_by_key(|e| (e.line == 0, e.line));
    }
    origin.relocate(&mut part.exceptions);
    if kind == FileKind::Enterprises {
        part.data.extra_columns = map.extra.iter().map(|(_, n)| n.clone()).collect();
    }
    let account = account(kind, &src, &part, sha256, skipped, notes);
    Ok((kind, part, account, changes, origin))
}

/// What the layout stage did with each file, and the rows it skipped as not data, for the summaries
/// printed after a run (`output.xlsx: wide quarterly layout, 4 quarters …`); none for canonical files.
pub fn layout_lines(accounts: &[FileAccount]) -> Vec<String> {
    let mut lines = Vec::new();
    for a in accounts {
        lines.extend(a.layout.iter().map(|n| format!("{}: {n}", a.file)));
        if a.skipped > 0 {
            lines.push(format!(
                "{}: {} rows skipped as not data (titles, notes, footers such as 合计; listed in exceptions.csv)",
                a.file, a.skipped
            ));
        }
    }
    lines
}

/// Row accounting for a file typed: read = used + excepted; rows that are not data are counted apart.
fn account(
    kind: FileKind,
    src: &ingest::Source,
    part: &rows::Part,
    sha256: String,
    skipped: usize,
    notes: Vec<String>,
) -> FileAccount {
    let d = &part.data;
    let quarterly = d.rows_used(FileKind::Output) + d.rows_used(FileKind::Tax);
    let used = d.enterprises.len() + d.land.len() + quarterly + d.events.len();
    // A row is excluded by one exception at most (a row of a wide layout is several rows on one line).
    let excepted = part.exceptions.iter().filter(|e| e.excludes_row()).count();
    FileAccount {
        file: src.file.clone(),
        kind,
        encoding: src.encoding.clone(),
        sha256,
        read: part.read,
        used,
        excepted,
        in_period: None,
        skipped,
        layout: notes,
    }
}

/// Counts of exceptions by reason class, for the summary printed after a run.
pub fn summarize(exceptions: &[Exception]) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for e in exceptions {
        let key = format!("{} ({})", e.file, if e.excludes_row() { "rows excluded" } else { "warnings" });
        *counts.entry(key).or_default() += 1;
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort();
    v
}
