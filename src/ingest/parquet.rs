//! Parquet input through polars. Text columns are read in place; number columns keep their numbers (so
//! validation need not parse them again) and are also spelled as text for messages and extra columns;
//! other types (dates, booleans) are cast to text, so that validation treats all formats alike.

use super::Typed;
use polars::prelude::*;
use std::fmt::Write;
use std::path::Path;

/// A Parquet file, read a slice of rows at a time (bounded memory).
pub struct Frame {
    path: std::path::PathBuf,
    metadata: std::sync::Arc<polars::io::parquet::read::FileMetadata>,
    height: usize,
}

/// Rows decoded at a time: one row group as `mujun generate` and polars write them. Smaller slices hold
/// less decoded data per thread (docs/performance.md).
const SLICE: usize = 65_536;

fn reader(path: &Path) -> Result<ParquetReader<std::fs::File>, String> {
    Ok(ParquetReader::new(std::fs::File::open(path).map_err(|e| e.to_string())?))
}

fn unreadable(e: PolarsError) -> String {
    format!("is not a readable Parquet file: {e}")
}

/// Opens the file; returns its column names and the frame.
pub fn open(path: &Path) -> Result<(Vec<String>, Frame), String> {
    let mut r = reader(path)?;
    let metadata = r.get_metadata().map_err(unreadable)?.clone();
    let height = metadata.num_rows;
    let headers: Vec<String> = r.schema().map_err(unreadable)?.iter_names().map(|n| n.to_string()).collect();
    Ok((headers, Frame { path: path.to_path_buf(), metadata, height }))
}

/// One column of a slice as one contiguous array (values and validity), so that the row loop only indexes:
/// text in place, numbers kept (integers as i64), other types (dates, booleans) cast to text.
enum Column1 {
    Text(StringChunked),
    Float(Float64Chunked),
    Int(Int64Chunked),
}

impl Column1 {
    fn new(col: &Column) -> Result<Column1, String> {
        let s = col.as_materialized_series();
        let e = |e: PolarsError| format!("column {}: {e}", s.name());
        let typed = |t: &DataType| -> Result<Series, String> {
            if s.dtype() == t {
                Ok(s.clone())
            } else {
                s.cast(t).map_err(e)
            }
        };
        Ok(match s.dtype() {
            DataType::Float64 | DataType::Float32 => {
                Column1::Float(typed(&DataType::Float64)?.f64().map_err(e)?.rechunk().into_owned())
            }
            d if d.is_integer() => Column1::Int(typed(&DataType::Int64)?.i64().map_err(e)?.rechunk().into_owned()),
            _ => Column1::Text(typed(&DataType::String)?.str().map_err(e)?.rechunk().into_owned()),
        })
    }

    fn array(&self) -> Array1<'_> {
        match self {
            Column1::Text(c) => Array1::Text(c.downcast_as_array()),
            Column1::Float(c) => Array1::Float(c.downcast_as_array()),
            Column1::Int(c) => Array1::Int(c.downcast_as_array()),
        }
    }
}

/// The arrays of a [`Column1`], borrowed once per slice.
enum Array1<'a> {
    Text(&'a <StringType as PolarsDataType>::Array),
    Float(&'a <Float64Type as PolarsDataType>::Array),
    Int(&'a <Int64Type as PolarsDataType>::Array),
}

/// Cells of a row kept on the stack up to this many columns (a heap vector beyond).
const STACK_CELLS: usize = 32;

impl Frame {
    /// The rows in slices of [`SLICE`]: (first row, number of rows).
    pub fn spans(&self) -> Vec<(usize, usize)> {
        (0..self.height).step_by(SLICE).map(|o| (o, SLICE.min(self.height - o))).collect()
    }

    /// Calls `f(line, cells, typed)` for every row of the slice `(offset, len)`; `line` is the row number
    /// (1 = first data row). Number columns flagged in `numbers_only` are not spelled as text (their cells
    /// are empty): the caller reads them from `typed` only.
    pub fn for_each_in(
        &self,
        (offset, len): (usize, usize),
        numbers_only: &[bool],
        mut f: impl FnMut(usize, &[&str], &[Typed]),
    ) -> Result<(), String> {
        {
            let mut r = reader(&self.path)?;
            r.set_metadata(self.metadata.clone());
            let df = r.with_slice(Some((offset, len))).finish().map_err(unreadable)?;
            let columns = df.columns().iter().map(Column1::new).collect::<Result<Vec<_>, _>>()?;
            let arrays: Vec<Array1> = columns.iter().map(Column1::array).collect();
            let n = columns.len();
            let spell: Vec<bool> = (0..n).map(|k| !numbers_only.get(k).copied().unwrap_or(false)).collect();
            let mut text: Vec<&str> = vec![""; n];
            let mut spelled: Vec<String> = vec![String::new(); n];
            let mut typed: Vec<Typed> = vec![Typed::Text; n];
            for row in 0..df.height() {
                for (k, c) in arrays.iter().enumerate() {
                    match c {
                        Array1::Text(v) => text[k] = v.get(row).unwrap_or(""),
                        Array1::Float(v) => {
                            let v = v.get(row);
                            spelled[k].clear();
                            if let (Some(x), true) = (v, spell[k]) {
                                let _ = write!(spelled[k], "{x}");
                            }
                            typed[k] = v.map_or(Typed::Null, Typed::Num);
                        }
                        Array1::Int(v) => {
                            let v = v.get(row);
                            spelled[k].clear();
                            if let (Some(x), true) = (v, spell[k]) {
                                spelled[k].push_str(itoa::Buffer::new().format(x));
                            }
                            typed[k] = v.map_or(Typed::Null, |x| Typed::Num(x as f64));
                        }
                    }
                }
                let cell = |k: usize| if matches!(typed[k], Typed::Text) { text[k] } else { spelled[k].as_str() };
                let mut stack = [""; STACK_CELLS];
                let heap: Vec<&str>;
                let cells: &[&str] = if n <= STACK_CELLS {
                    (0..n).for_each(|k| stack[k] = cell(k));
                    &stack[..n]
                } else {
                    heap = (0..n).map(cell).collect();
                    &heap
                };
                f(offset + row + 1, cells, &typed);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `width` columns (a text, a float and an integer column, repeated), three rows, with a null
    /// in each kind, and reads them back row by row.
    fn rows_of(width: usize) -> Vec<(usize, Vec<String>, Vec<Typed>)> {
        let cols: Vec<Column> = (0..width)
            .map(|c| {
                let name = PlSmallStr::from(format!("c{c}"));
                match c % 3 {
                    0 => Column::new(name, [Some("甲"), None, Some("c")]),
                    1 => Column::new(name, [Some(1.5f64), Some(-0.25), None]),
                    _ => Column::new(name, [None, Some(7i64), Some(-3)]),
                }
            })
            .collect();
        let mut df = DataFrame::new_infer_height(cols).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        ParquetWriter::new(std::fs::File::create(&path).unwrap()).finish(&mut df).unwrap();
        let (headers, frame) = open(&path).unwrap();
        assert_eq!(headers.len(), width);
        let mut rows = Vec::new();
        // The first float column is read as a number only (its cells are not spelled).
        let numbers_only: Vec<bool> = (0..width).map(|c| c == 1).collect();
        for span in frame.spans() {
            frame
                .for_each_in(span, &numbers_only, |line, cells, typed| {
                    rows.push((line, cells.iter().map(|c| c.to_string()).collect(), typed.to_vec()))
                })
                .unwrap();
        }
        rows
    }

    #[test]
    fn cells_and_numbers_of_each_row_whatever_the_width() {
        // 3 columns fit the stack; 40 go to the heap: both must give the same cells.
        for width in [3, 40] {
            let rows = rows_of(width);
            assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 2, 3]);
            let cells = |r: usize| rows[r].1[..3].to_vec();
            // Row 1: text, a number read only as a number (unspelled), a null integer.
            assert_eq!(cells(0), ["甲", "", ""]);
            assert_eq!(rows[0].2[..3], [Typed::Text, Typed::Num(1.5), Typed::Null]);
            // Row 2: a null text is empty; the integer is spelled and typed.
            assert_eq!(cells(1), ["", "", "7"]);
            assert_eq!(rows[1].2[..3], [Typed::Text, Typed::Num(-0.25), Typed::Num(7.0)]);
            assert_eq!(cells(2), ["c", "", "-3"]);
            assert_eq!(rows[2].2[..3], [Typed::Text, Typed::Null, Typed::Num(-3.0)]);
            if width == 40 {
                // Column 4 is a float not flagged as number-only: spelled as written by Display.
                assert_eq!((rows[0].1[4].as_str(), rows[1].1[4].as_str(), rows[2].1[4].as_str()), ("1.5", "-0.25", ""));
                assert_eq!(rows[1].1[39].as_str(), "");
                assert_eq!(rows[2].1[38].as_str(), "-3");
            }
        }
    }
}
