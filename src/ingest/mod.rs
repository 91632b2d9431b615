//! Ingest: find each input file of a dataset folder and read it into a [`RawTable`] of text cells,
//! whatever its format (CSV in UTF-8/GBK/GB18030, XLSX, Parquet). Typing and validation happen later
//! (`validate`), so every cell keeps the line it came from for the exceptions file.

mod parquet;
mod text;
mod xlsx;

pub use xlsx::Workbook;

use std::path::{Path, PathBuf};

pub use crate::schema::FileKind;

/// One data row: its line (CSV physical line, XLSX sheet row, Parquet row number) and its cells as text.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub line: usize,
    pub cells: Vec<String>,
}

/// A file read into text cells.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// File name as shown in exceptions (`land.csv`).
    pub file: String,
    pub path: PathBuf,
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
    /// What was detected: `UTF-8`, `UTF-8 with BOM`, `GBK/GB18030`, `XLSX`, `Parquet`.
    pub encoding: String,
    /// SHA-256 (hex) of the file read ([`read`]); empty for a table built in memory.
    pub sha256: String,
}

/// Input problems that stop a file from being read at all (as opposed to a bad row).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{file}: cannot read: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{dir}: no {kind} file; expected {kind}.csv, {kind}.xlsx or {kind}.parquet (or a Chinese name such as {alias}.csv)")]
    Missing { dir: String, kind: &'static str, alias: &'static str },
    #[error("{dir}: two files for {kind}: {a} and {b}; keep one")]
    Ambiguous { dir: String, kind: &'static str, a: String, b: String },
}

const EXTENSIONS: [&str; 5] = ["csv", "xlsx", "xls", "parquet", "txt"];

/// Finds the file of `kind` in `dir`; `Ok(None)` when an optional kind is absent.
/// A small text file of settings (such as a data folder's `files.toml`), if it exists.
pub fn read_text(path: &Path) -> std::io::Result<Option<String>> {
    if !path.is_file() {
        return Ok(None);
    }
    std::fs::read_to_string(path).map(Some)
}

pub fn find(dir: &Path, kind: FileKind) -> Result<Option<PathBuf>, IngestError> {
    let mut found: Vec<PathBuf> = Vec::new();
    let stems: Vec<&str> = std::iter::once(kind.stem()).chain(kind.stem_aliases().iter().copied()).collect();
    for stem in stems {
        for ext in EXTENSIONS {
            let p = dir.join(format!("{stem}.{ext}"));
            if p.is_file() {
                found.push(p);
            }
        }
    }
    match found.len() {
        0 if kind.required() => Err(IngestError::Missing {
            dir: dir.display().to_string(),
            kind: kind.stem(),
            alias: kind.stem_aliases()[0],
        }),
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => Err(IngestError::Ambiguous {
            dir: dir.display().to_string(),
            kind: kind.stem(),
            a: file_name(&found[0]),
            b: file_name(&found[1]),
        }),
    }
}

pub(crate) fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Reads every input file of a dataset folder once, files side by side, and counts rows and cells: the
/// floor any evaluation of the folder pays (the `scan` benchmark command).
pub fn scan(dir: &Path) -> Result<(usize, usize), IngestError> {
    use rayon::prelude::*;
    let mut paths = Vec::new();
    for kind in FileKind::DATASET {
        paths.extend(find(dir, kind)?);
    }
    let counts = paths
        .par_iter()
        .map(|p| {
            let (mut rows, mut cells) = (0, 0);
            let src = Source::open(p)?;
            // Typed numbers are not spelled as text: reading them is the whole cost.
            src.for_each_with(&vec![true; src.headers.len()], |_, c, _| {
                rows += 1;
                cells += c.len();
            })?;
            Ok((rows, cells))
        })
        .collect::<Result<Vec<(usize, usize)>, IngestError>>()?;
    Ok(counts.iter().fold((0, 0), |a, c| (a.0 + c.0, a.1 + c.1)))
}

/// Reads one file into text cells, choosing the reader by extension, with the file's SHA-256.
pub fn read(path: &Path) -> Result<RawTable, IngestError> {
    let src = Source::open(path)?;
    let unreadable = |e: std::io::Error| IngestError::Unreadable { file: src.file.clone(), reason: e.to_string() };
    let sha256 = src.digest().map_err(unreadable)?;
    Ok(RawTable { sha256, ..src.into_table()? })
}

/// A file opened for reading row by row. Delimited text is decoded once and split into cells as the rows
/// are visited, never held as a table of strings (a provincial output file has millions of rows).
pub struct Source {
    /// File name as shown in exceptions (`land.csv`).
    pub file: String,
    pub path: PathBuf,
    pub headers: Vec<String>,
    /// The line of the header row (CSV physical line, XLSX sheet row; 0 for Parquet and tables in memory).
    pub header_line: usize,
    /// What was detected: `UTF-8`, `UTF-8 with BOM`, `GBK/GB18030`, `XLSX`, `Parquet`.
    pub encoding: String,
    /// SHA-256 (hex) of the bytes read, for delimited text (XLSX and Parquet are hashed from the file).
    pub sha256: Option<String>,
    body: Body,
}

enum Body {
    Text(text::Text),
    Parquet(parquet::Frame),
    Table(Vec<RawRow>),
}

/// A run of rows of a [`Source`] that can be read on its own.
pub struct Span<'a> {
    src: &'a Source,
    at: At,
}

enum At {
    Text(text::Span),
    Parquet((usize, usize)),
    Table(usize, usize),
}

impl Span<'_> {
    /// An upper bound of the rows in the span (to reserve memory for them once).
    pub fn rows_bound(&self) -> usize {
        match &self.at {
            At::Text(s) => s.rows_bound(),
            At::Parquet((_, len)) => *len,
            At::Table(a, b) => b - a,
        }
    }

    /// Calls `f(line, cells, typed)` for every row of the span (see [`Source::for_each_with`]).
    pub fn for_each_with(
        &self,
        numbers_only: &[bool],
        mut f: impl FnMut(usize, &[&str], &[Typed]),
    ) -> Result<(), IngestError> {
        let unreadable = |reason| IngestError::Unreadable { file: self.src.file.clone(), reason };
        match (&self.src.body, &self.at) {
            (Body::Text(t), At::Text(s)) => t.for_each_in(*s, |line, cells| f(line, cells, &[])).map_err(unreadable),
            (Body::Parquet(p), At::Parquet(s)) => p.for_each_in(*s, numbers_only, f).map_err(unreadable),
            (Body::Table(rows), At::Table(a, b)) => {
                let mut cells: Vec<&str> = Vec::new();
                for r in &rows[*a..*b] {
                    cells.clear();
                    cells.extend(r.cells.iter().map(String::as_str));
                    f(r.line, &cells, &[]);
                }
                Ok(())
            }
            _ => unreachable!("a span belongs to its source's body"),
        }
    }
}

/// A cell's number when the file stores numbers typed (Parquet number columns); `Text` otherwise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Typed {
    Text,
    Null,
    Num(f64),
}

impl Source {
    /// Opens one file, choosing the reader by extension.
    pub fn open(path: &Path) -> Result<Source, IngestError> {
        let file = file_name(path);
        let unreadable = |reason: String| IngestError::Unreadable { file: file.clone(), reason };
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let (headers, header_line, body, encoding) = match ext.as_str() {
            "xlsx" | "xlsm" | "xls" => {
                let mut wb = Workbook::open(path).map_err(&unreadable)?;
                let name = wb.names[0].clone();
                let mut rows = wb.rows(&name).map_err(&unreadable)?.into_iter();
                let h = rows.next().ok_or_else(|| unreadable(format!("worksheet '{name}' is empty")))?;
                (h.cells, h.line, Body::Table(rows.collect()), "XLSX".to_string())
            }
            "parquet" => {
                let (h, frame) = parquet::open(path).map_err(unreadable)?;
                (h, 0, Body::Parquet(frame), "Parquet".to_string())
            }
            _ => {
                let (content, enc) = text::load(path).map_err(|e| unreadable(e.to_string()))?.map_err(&unreadable)?;
                let (h, t) = text::open_content(content).map_err(unreadable)?;
                (h, t.header_line(), Body::Text(t), enc.to_string())
            }
        };
        Ok(Source { file, path: path.to_path_buf(), headers, header_line, encoding, sha256: None, body })
    }

    /// SHA-256 of the file as read (hex): `sha256` when set (a corrected copy), else of the mapped file or
    /// of the file on disk, read in blocks.
    pub fn digest(&self) -> std::io::Result<String> {
        if let Some(s) = &self.sha256 {
            return Ok(s.clone());
        }
        if let Some(digest) = match &self.body {
            Body::Text(t) => t.file_digest(),
            _ => None,
        } {
            return Ok(digest);
        }
        crate::digest::of_file(&self.path)
    }

    /// A table already in memory (e.g. after corrections) as a source.
    pub fn from_table(t: RawTable) -> Source {
        Source {
            file: t.file,
            path: t.path,
            headers: t.headers,
            header_line: 0,
            encoding: t.encoding,
            sha256: None,
            body: Body::Table(t.rows),
        }
    }

    /// Calls `f(line, cells, typed)` for every data row in file order. `typed` is empty unless the file
    /// stores numbers typed (Parquet), when it gives each cell's number (see [`Typed`]).
    pub fn for_each(&self, f: impl FnMut(usize, &[&str], &[Typed])) -> Result<(), IngestError> {
        self.for_each_with(&[], f)
    }

    /// [`Source::for_each`], where the columns flagged in `numbers_only` are read only as numbers: in a
    /// file with typed numbers their cells need not be spelled as text (they are given empty).
    pub fn for_each_with(
        &self,
        numbers_only: &[bool],
        mut f: impl FnMut(usize, &[&str], &[Typed]),
    ) -> Result<(), IngestError> {
        self.spans().into_iter().try_for_each(|s| s.for_each_with(numbers_only, &mut f))
    }

    /// The rows in spans that can be read side by side, in file order.
    pub fn spans(&self) -> Vec<Span<'_>> {
        match &self.body {
            Body::Text(t) => t.spans().into_iter().map(|s| Span { src: self, at: At::Text(s) }).collect(),
            Body::Parquet(p) => p.spans().into_iter().map(|s| Span { src: self, at: At::Parquet(s) }).collect(),
            Body::Table(rows) => vec![Span { src: self, at: At::Table(0, rows.len()) }],
        }
    }
    /// All rows as text cells.
    pub fn into_table(self) -> Result<RawTable, IngestError> {
        let rows = match &self.body {
            Body::Table(_) => None,
            Body::Text(_) | Body::Parquet(_) => {
                let mut rows = Vec::new();
                self.for_each(|line, cells, _| {
                    rows.push(RawRow { line, cells: cells.iter().map(|c| c.to_string()).collect() })
                })?;
                Some(rows)
            }
        };
        let rows = match (rows, self.body) {
            (Some(r), _) => r,
            (None, Body::Table(r)) => r,
            (None, _) => Vec::new(),
        };
        let (file, path, headers, encoding) = (self.file, self.path, self.headers, self.encoding);
        Ok(RawTable { file, path, headers, rows, encoding, sha256: self.sha256.unwrap_or_default() })
    }
}

#[cfg(test)]
type Parsed = (Vec<String>, Vec<RawRow>, String);
