//! Validate: turn raw text tables into the typed [`Dataset`]. Every row is either used or listed in the
//! exceptions with file, line, column and a reason an analyst can act on; nothing is dropped silently.

pub mod columns;
pub mod corrections;
pub mod numbers;
mod rows;

use crate::dataset::{Dataset, Exception, FileAccount, ROW_EXCLUDED};
use crate::ingest::{self, Kind};
use columns::HeaderProblem;
use sha2::{Digest, Sha256};
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
        return ". The first row looks like data (it holds an enterprise id), not a header: add a header row".to_string();
    }
    if headers.len() == 1 && headers[0].contains(';') {
        return ". The header is one cell with ';': the file seems separated by ';'; save it as CSV (comma-separated) or XLSX"
            .to_string();
    }
    String::new()
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(hex(&Sha256::digest(&bytes)))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads and validates every input of a dataset folder.
pub fn load(dir: &Path) -> Result<Dataset, InputError> {
    load_corrected(dir, None).map(|(d, _)| d)
}

/// Reads the inputs, applies a corrections folder (see `corrections`) and validates the result.
pub fn load_corrected(dir: &Path, corrections_dir: Option<&Path>) -> Result<(Dataset, Vec<corrections::Change>), InputError> {
    // Find every file first, so a missing one is reported before any work.
    let mut paths = Vec::new();
    for kind in Kind::ALL {
        if let Some(path) = ingest::find(dir, kind)? {
            paths.push((kind, path));
        }
    }
    let mut changes = Vec::new();
    let mut names: Vec<(Kind, String)> = Vec::new();
    let mut builder = rows::Builder::default();
    // One file at a time: read, correct, validate, then drop its text cells (bounded memory).
    for (kind, path) in paths {
        let mut pair = [(kind, ingest::read(&path)?)];
        if let Some(c) = corrections_dir {
            changes.extend(corrections::apply(&mut pair, c)?);
        }
        let [(kind, table)] = pair;
        let map = columns::map_headers(kind, &table.headers)
            .map_err(|p| InputError::Header { file: table.file.clone(), problems: describe(&p) + &header_hint(&table.headers) })?;
        let before = builder.exceptions.len();
        let used = builder.add(kind, &table, &map);
        let excepted = builder.exceptions[before..]
            .iter()
            .filter(|e| e.excludes_row())
            .map(|e| e.line)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let sha256 = sha256_file(&table.path).unwrap_or_default();
        builder.data.accounts.push(FileAccount {
            file: table.file.clone(),
            kind: kind.stem().to_string(),
            encoding: table.encoding.clone(),
            sha256,
            read: table.rows.len(),
            used,
            excepted,
            in_period: None,
        });
        names.push((kind, table.file.clone()));
    }
    builder.check_coverage(&names);
    if let Some((_, file)) = names.iter().find(|(k, _)| *k == Kind::Enterprises) {
        builder.check_duplicate_names(file);
    }
    let mut data = builder.data;
    data.exceptions = builder.exceptions;
    Ok((data, changes))
}

/// Counts of exceptions by reason class, for the summary printed after a run.
pub fn summarize(exceptions: &[Exception]) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for e in exceptions {
        let key = format!("{} ({})", e.file, if e.action == ROW_EXCLUDED { "rows excluded" } else { "warnings" });
        *counts.entry(key).or_default() += 1;
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort();
    v
}
