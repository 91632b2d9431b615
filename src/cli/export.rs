//! `mujun export`: the inputs read and checked by mujun (every row used, or listed in exceptions.csv),
//! written as typed tables, one folder per kind (`enterprises/`, `land/`, `output/`, `tax/`, `events/`),
//! Parquet or CSV, one file per kind or Hive-style folders per county (`land/county=汉滨区/part-0.parquet`),
//! for a SQL engine to evaluate at scale (`mujun sql`). Exit 0 when written, whatever was excepted.

use super::manifest::{self, Output};
use super::{load, Ctx};
use crate::dataset::columns::{self, Column, KindTable, Values};
use crate::error::{Error, Result};
use crate::report;
use polars::prelude::{Column as PlColumn, DataFrame, ParquetWriter, PlSmallStr};
use rayon::prelude::*;
use serde_json::{json, Map};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file format of the exported tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Typed columns (text, 64-bit floats and integers).
    Parquet,
    /// UTF-8 without BOM, numbers in their shortest exact spelling, blank for a missing value.
    Csv,
}

/// How the tables are split into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Partition {
    /// One folder per county of the row's enterprise, named `county=<name>`.
    County,
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    data: PathBuf,
    #[arg(long)]
    out: PathBuf,
    #[arg(long, value_enum, default_value = "parquet")]
    format: Format,
    #[arg(long, value_enum)]
    partition: Option<Partition>,
    /// Write into a non-empty folder that is not an earlier run.
    #[arg(long)]
    force: bool,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let ds = crate::validate::load(&a.data)?;
    load::prepare_out_dir(&a.out, &a.data, a.force)?;
    let counties: Vec<&str> = ds.enterprises.iter().map(|e| e.county.as_str()).collect();
    if a.partition.is_some() {
        if let Some(bad) = counties.iter().find(|c| !folder_safe(c)) {
            return Err(Error::BadInput(format!(
                "county '{bad}' cannot name a partition folder (it holds / \\ = % or a control character); \
                 export without --partition"
            )));
        }
    }
    let mut outputs = Vec::new();
    let mut written = Map::new();
    // One kind at a time, each table dropped once written.
    for t in columns::KINDS.iter().filter_map(|&kind| columns::table(&ds, kind)) {
        let files = write_kind(&a.out, &t, a.format, a.partition.map(|_| counties.as_slice()))?;
        written.insert(t.kind.stem().into(), json!({ "rows": t.rows(), "files": files.len() }));
        outputs.extend(files.into_iter().map(|(path, sha)| Output { path, sha256: Some(sha) }));
    }
    let path = a.out.join("exceptions.csv");
    report::table::write_csv(&path, &report::exceptions_table(&ds.exceptions))
        .map_err(|e| Error::Output(e.to_string()))?;
    outputs.push(Output::new(path.clone()));
    let mut fields = Map::new();
    fields.insert("inputs".into(), json!(ds.accounts));
    let kinds = written.len();
    fields.insert("tables".into(), serde_json::Value::Object(written));
    manifest::write(&a.out, fields, &cx.command_line, &outputs)?;
    cx.say(format!(
        "{}\nwrote {} tables to {}; exceptions: {}",
        super::validate::summary(&ds),
        kinds,
        a.out.display(),
        path.display()
    ));
    Ok(0)
}

/// A county name that a Hive partition folder can carry as it is (engines read the name back from it).
fn folder_safe(county: &str) -> bool {
    !county.is_empty() && !county.chars().any(|c| matches!(c, '/' | '\\' | '=' | '%') || c.is_control())
}

/// Writes one kind's table into `out/<kind>/`: `part-0.<ext>`, or one `county=<name>/part-0.<ext>` per
/// county (`counties`: each enterprise's county), the county then named by the folder, not a column.
/// Returns each file with its SHA-256.
fn write_kind(out: &Path, t: &KindTable, format: Format, counties: Option<&[&str]>) -> Result<Vec<(PathBuf, String)>> {
    let dir = out.join(t.kind.stem());
    let mut parts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    match counties {
        None => {
            parts.insert(String::new(), (0..t.rows()).collect());
        }
        Some(c) => (0..t.rows()).for_each(|r| parts.entry(format!("county={}", c[t.firm[r]])).or_default().push(r)),
    }
    // Partitions are independent: built, compressed and written side by side, listed in folder order.
    let parts: Vec<(String, Vec<usize>)> = parts.into_iter().collect();
    let skip = counties.map(|_| "county");
    parts.par_iter().map(|(folder, rows)| write_part(&dir, folder, rows, t, format, skip)).collect()
}

/// One partition's file (`folder` empty: the kind's only file), without the column `skip` (the county,
/// which the folder names); its path and SHA-256.
fn write_part(
    dir: &Path,
    folder: &str,
    rows: &[usize],
    t: &KindTable,
    format: Format,
    skip: Option<&str>,
) -> Result<(PathBuf, String)> {
    let d = if folder.is_empty() { dir.to_path_buf() } else { dir.join(folder) };
    std::fs::create_dir_all(&d).map_err(|e| Error::Output(format!("cannot create {}: {e}", d.display())))?;
    let (bytes, ext) = match format {
        Format::Parquet => (parquet_bytes(&t.columns, rows, skip)?, "parquet"),
        Format::Csv => (csv_bytes(&t.columns, rows, skip), "csv"),
    };
    let path = d.join(format!("part-0.{ext}"));
    let sha = report::atomic::write_atomic_parts(&path, &[&bytes])
        .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
    Ok((path, sha))
}

fn parquet_bytes(columns: &[Column], rows: &[usize], skip: Option<&str>) -> Result<Vec<u8>> {
    let cols: Vec<PlColumn> = columns
        .iter()
        .filter(|c| Some(c.name) != skip)
        .map(|c| {
            let name = PlSmallStr::from(c.name);
            match &c.values {
                Values::Text(_) | Values::Words(..) => {
                    PlColumn::new(name, rows.iter().map(|&r| c.values.text(r)).collect::<Vec<_>>())
                }
                Values::Float(v) => PlColumn::new(name, rows.iter().map(|&r| v[r]).collect::<Vec<_>>()),
                Values::Int(v) => PlColumn::new(name, rows.iter().map(|&r| v[r]).collect::<Vec<_>>()),
            }
        })
        .collect();
    let internal = |e: polars::prelude::PolarsError| Error::Internal(format!("writing Parquet: {e}"));
    let mut df = DataFrame::new_infer_height(cols).map_err(internal)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).map_err(internal)?;
    Ok(bytes)
}

/// CSV with a header; floats in the shortest spelling that reads back to the same binary64.
fn csv_bytes(columns: &[Column], rows: &[usize], skip: Option<&str>) -> Vec<u8> {
    let cols: Vec<&Column> = columns.iter().filter(|c| Some(c.name) != skip).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(cols.iter().map(|c| c.name));
    for &r in rows {
        let cells = cols.iter().map(|c| match &c.values {
            Values::Text(_) | Values::Words(..) => c.values.text(r).unwrap_or_default().to_string(),
            Values::Float(v) => v[r].map(|x| format!("{x:?}")).unwrap_or_default(),
            Values::Int(v) => v[r].map(|x| x.to_string()).unwrap_or_default(),
        });
        let _ = w.write_record(cells);
    }
    w.into_inner().unwrap_or_default()
}
