//! Parquet input through polars: every column cast to text so that validation treats all formats alike.

use super::{Parsed, RawRow};
use polars::prelude::*;
use std::path::Path;

pub fn read(path: &Path) -> Result<Parsed, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let df = ParquetReader::new(file).finish().map_err(|e| format!("is not a readable Parquet file: {e}"))?;
    let headers: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    let height = df.height();
    let mut rows: Vec<RawRow> = (0..height).map(|i| RawRow { line: i + 1, cells: Vec::with_capacity(headers.len()) }).collect();
    for col in df.columns() {
        let text = col.cast(&DataType::String).map_err(|e| format!("column {}: {e}", col.name()))?;
        let ca = text.str().map_err(|e| e.to_string())?;
        for (row, v) in rows.iter_mut().zip(ca.iter()) {
            row.cells.push(v.unwrap_or("").to_string());
        }
    }
    Ok((headers, rows, "Parquet".to_string()))
}
