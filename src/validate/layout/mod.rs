//! The layout stage: bureau spreadsheets read as they come. Between opening a file (`ingest`) and typing
//! its rows, it finds the header row under title and notes rows, joins two-row headers, chooses and
//! stacks the sheets of a kind, and turns wide quarterly and year-to-date layouts into the canonical long
//! rows. Footer rows (合计, 制表人 …) are recognised row by row when the rows are typed (`footer`). What it
//! did is said in the summary (`Shaped::notes`); rows above the header are listed in the exceptions.
//! A file already in the canonical shape is passed on untouched (and streamed, as before).

pub mod footer;
mod header;
mod origin;
mod settings;
mod sheets;
mod token;
mod wide;

pub use origin::Origin;
pub use settings::{FileSettings, Layout, Settings, FILE_NAME};

use super::InputError;
use crate::dataset::Exception;
use crate::ingest::{self, FileKind, RawRow, RawTable, Source, Workbook};
use crate::schema::{Action, ReasonCode};
use std::path::{Path, PathBuf};

/// A file ready for typing, and what the layout stage found.
pub struct Shaped {
    pub source: Source,
    /// The sheets its rows came from (see [`Origin`]).
    pub origin: Origin,
    /// What was detected or set, in words, for the summary.
    pub notes: Vec<String>,
    /// The rows above the header (titles, notes), as exceptions.
    pub above: Vec<Exception>,
}

impl Shaped {
    fn plain(source: Source) -> Shaped {
        Shaped { source, origin: Origin::default(), notes: Vec::new(), above: Vec::new() }
    }
}

/// One sheet's (or text file's) rows after the layout stage.
struct Arranged {
    headers: Vec<String>,
    rows: Vec<RawRow>,
    above: Vec<RawRow>,
    header_line: usize,
    notes: Vec<String>,
}

/// Finds the file of `kind` in `dir`: the one `files.toml` names, else the one named after the kind,
/// else a workbook holding a sheet of the kind.
pub fn find(dir: &Path, kind: FileKind, s: &FileSettings) -> Result<Option<PathBuf>, InputError> {
    if let Some(f) = &s.file {
        let p = dir.join(f);
        return match p.is_file() {
            true => Ok(Some(p)),
            false => {
                Err(settings_error(format!("[{kind}] file = \"{f}\": there is no such file in {}", dir.display())))
            }
        };
    }
    let by_name = ingest::find(dir, kind);
    if matches!(by_name, Ok(Some(_)) | Err(ingest::IngestError::Ambiguous { .. })) {
        return Ok(by_name?);
    }
    let mut held = sheets::workbooks_holding(dir, kind);
    match held.len() {
        0 => Ok(by_name?),
        1 => Ok(held.pop()),
        _ => Err(ingest::IngestError::Ambiguous {
            dir: dir.display().to_string(),
            kind: kind.stem(),
            a: ingest::file_name(&held[0]),
            b: ingest::file_name(&held[1]),
        }
        .into()),
    }
}

pub(crate) fn settings_error(problems: String) -> InputError {
    InputError::Header { file: FILE_NAME.to_string(), problems }
}

/// Opens the file of `kind` and lays it out for typing.
pub fn open(kind: FileKind, path: &Path, s: &FileSettings) -> Result<Shaped, InputError> {
    let file = ingest::file_name(path);
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let mut shaped = match ext.as_str() {
        "xlsx" | "xlsm" | "xls" => open_workbook(kind, path, s),
        _ => open_text(kind, path, s),
    }
    .map_err(|problem| match problem {
        Problem::Input(e) => e,
        Problem::Layout(p) => InputError::Header { file: file.clone(), problems: p },
    })?;
    if let Some(d) = s.describe() {
        shaped.notes.insert(0, d);
    }
    Ok(shaped)
}

enum Problem {
    Input(InputError),
    Layout(String),
}

impl From<ingest::IngestError> for Problem {
    fn from(e: ingest::IngestError) -> Problem {
        Problem::Input(e.into())
    }
}

impl From<String> for Problem {
    fn from(p: String) -> Problem {
        Problem::Layout(p)
    }
}

/// A CSV or Parquet file: untouched when its first row is a header of the kind with no quarter columns
/// (and nothing is set), else read whole and laid out (bureau exports with titles are small).
fn open_text(kind: FileKind, path: &Path, s: &FileSettings) -> Result<Shaped, Problem> {
    let src = Source::open(path)?;
    let canonical = super::columns::map_headers(kind, &src.headers).is_ok()
        && !src.headers.iter().any(|h| matches!(header::classify(kind, h).col, header::Col::Wide(..)));
    if canonical && *s == FileSettings::default() {
        return Ok(Shaped::plain(src));
    }
    let fixed = src.encoding == "Parquet";
    let (file, encoding, line) = (src.file.clone(), src.encoding.clone(), src.header_line);
    let table = src.into_table()?;
    let mut grid = vec![RawRow { line, cells: table.headers }];
    grid.extend(table.rows);
    let a = arrange(kind, grid, s, fixed, &[&file])?;
    let above = above_rows(&file, &a);
    let t =
        RawTable { file, path: path.to_path_buf(), headers: a.headers, rows: a.rows, encoding, sha256: String::new() };
    let mut source = Source::from_table(t);
    source.header_line = a.header_line;
    Ok(Shaped { source, origin: Origin::default(), notes: a.notes, above })
}

/// A workbook: the sheets of the kind, each laid out, stacked.
fn open_workbook(kind: FileKind, path: &Path, s: &FileSettings) -> Result<Shaped, Problem> {
    let file = ingest::file_name(path);
    let unreadable = |reason: String| ingest::IngestError::Unreadable { file: file.clone(), reason };
    let mut wb = Workbook::open(path).map_err(unreadable)?;
    let named = ingest::find(path.parent().unwrap_or(Path::new(".")), kind).is_ok_and(|p| p.as_deref() == Some(path));
    let chosen = sheets::choose(kind, &mut wb, s, named || s.file.is_some())?
        .ok_or_else(|| format!("no sheet of the workbook holds {kind} data; its sheets: {}", wb.names.join(", ")))?;
    let several = wb.names.len() > 1;
    let mut notes = chosen.notes;
    let (mut tables, mut above, mut header_line) = (Vec::new(), Vec::new(), 0);
    for (k, (name, grid)) in chosen.sheets.into_iter().enumerate() {
        if grid.is_empty() {
            return Err(unreadable(format!("worksheet '{name}' is empty")).into());
        }
        let a = arrange(kind, grid, s, false, &[&name, &file])?;
        let prefix = if several { format!("sheet {name}: ") } else { String::new() };
        notes.extend(a.notes.iter().map(|n| format!("{prefix}{n}")));
        above.extend(above_rows(&file, &a).into_iter().map(|mut e| {
            e.line = Origin::line(k, e.line);
            e
        }));
        header_line = if k == 0 { a.header_line } else { header_line };
        tables.push((name, a.headers, a.rows));
    }
    let origin = if several { Origin::sheets(tables.iter().map(|t| t.0.clone()).collect()) } else { Origin::default() };
    let (headers, rows) = sheets::stack(kind, tables.into_iter().map(|t| (t.1, t.2)).collect());
    let t = RawTable { file, path: path.to_path_buf(), headers, rows, encoding: "XLSX".into(), sha256: String::new() };
    let mut source = Source::from_table(t);
    source.header_line = header_line;
    Ok(Shaped { source, origin, notes, above })
}

/// One sheet or text file laid out: the header found (one or two rows), the rows above it set aside, a
/// wide layout turned into long rows. When no row reads as a header, or `fixed` (Parquet), the first row
/// is the header, as a plain file's (its problems are then reported as such). `names` (sheet, file) may
/// give the year of quarter columns. `grid` holds at least one row.
fn arrange(
    kind: FileKind,
    mut grid: Vec<RawRow>,
    s: &FileSettings,
    fixed: bool,
    names: &[&str],
) -> Result<Arranged, String> {
    let first = || header::Found { at: 0, rows: 1, headers: grid[0].cells.clone() };
    let found = if fixed { first() } else { header::find(kind, &grid, s)?.unwrap_or_else(first) };
    let header_line = grid[found.at].line;
    let mut rows = grid.split_off(found.at + found.rows);
    let above: Vec<RawRow> = grid.drain(..found.at).collect();
    let mut notes = Vec::new();
    if found.rows == 2 {
        let joined: Vec<&str> =
            found.headers.iter().filter(|h| h.contains(" / ")).take(3).map(String::as_str).collect();
        notes.push(format!("two-row header (rows {header_line}–{}) joined: {} …", grid[1].line, joined.join(", ")));
    }
    if !above.is_empty() {
        notes.push(format!(
            "header at row {header_line}; {} row(s) above it skipped (a title or notes; listed in the exceptions)",
            above.len()
        ));
    }
    let heads: Vec<header::Header> = found.headers.iter().map(|h| header::classify(kind, h)).collect();
    let texts: Vec<String> = above.iter().flat_map(|r| r.cells.iter().cloned()).collect();
    let year = s.year.or_else(|| texts.iter().map(String::as_str).chain(names.iter().copied()).find_map(year_in));
    let (headers, rows) = match wide::reshape(kind, &heads, &mut rows, s.layout, year)? {
        Some(long) => {
            notes.push(long.note);
            (long.headers, long.rows)
        }
        None => (heads.into_iter().map(|h| h.text).collect(), rows),
    };
    Ok(Arranged { headers, rows, above, header_line, notes })
}

/// A year written in a title, sheet or file name: four digits (1900–2200) before 年, else standing alone.
fn year_in(text: &str) -> Option<i32> {
    let c: Vec<char> = text.chars().collect();
    let mut alone = None;
    for i in 0..c.len().saturating_sub(3) {
        let digits: String = c[i..i + 4].iter().collect();
        let edge = |j: Option<&char>| !j.is_some_and(char::is_ascii_digit);
        if !digits.bytes().all(|b| b.is_ascii_digit())
            || !edge(i.checked_sub(1).and_then(|j| c.get(j)))
            || !edge(c.get(i + 4))
        {
            continue;
        }
        let y: i32 = digits.parse().ok()?;
        if (1900..=2200).contains(&y) {
            if c.get(i + 4) == Some(&'年') {
                return Some(y);
            }
            alone = alone.or(Some(y));
        }
    }
    alone
}

/// The rows above the header, as exceptions that skip them.
fn above_rows(file: &str, a: &Arranged) -> Vec<Exception> {
    a.above
        .iter()
        .map(|r| {
            let text: Vec<&str> = r.cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
            let mut text = text.join(" ");
            if text.chars().count() > 60 {
                text = text.chars().take(60).collect::<String>() + "…";
            }
            Exception {
                file: file.to_string(),
                line: r.line,
                column: String::new(),
                enterprise_id: String::new(),
                code: ReasonCode::AboveHeader,
                reason: format!("above the header (row {}): '{text}' is a title or a note, not a firm", a.header_line),
                action: Action::SkippedNotData,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::year_in;

    #[test]
    fn years_in_titles_and_names() {
        assert_eq!(year_in("安康市2025年工业企业用地情况表"), Some(2025));
        assert_eq!(year_in("产值2024.xlsx"), Some(2024));
        assert_eq!(year_in("12025年"), None);
        assert_eq!(year_in("汉滨区"), None);
    }
}
