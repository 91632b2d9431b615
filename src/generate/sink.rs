//! Where the generator's rows go: CSV text, or Parquet with typed number columns. Both are written as the
//! rows are made (Parquet in row groups of [`ROW_GROUP`] rows), so memory stays bounded at any size.

use anyhow::{Context, Result};
use polars::prelude::*;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// The file format of a generated dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Csv,
    Parquet,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "parquet" => Some(Format::Parquet),
            _ => None,
        }
    }
    fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }
}

/// Rows buffered per Parquet row group.
const ROW_GROUP: usize = 65_536;

/// One output file. Columns named in `numeric` are Float64 in Parquet (empty cells null); the rest text.
pub struct Sink {
    inner: Inner,
}

enum Inner {
    Csv(Box<csv::Writer<BufWriter<File>>>),
    Parquet(Box<ParquetSink>),
}

struct ParquetSink {
    writer: polars::io::parquet::write::BatchedWriter<File>,
    names: Vec<String>,
    numeric: Vec<bool>,
    text: Vec<Vec<Option<String>>>,
    nums: Vec<Vec<Option<f64>>>,
    rows: usize,
}

impl Sink {
    /// Creates `dir/stem.csv` or `dir/stem.parquet` with the given header.
    pub fn create(dir: &Path, stem: &str, format: Format, header: &[&str], numeric: &[&str]) -> Result<Sink> {
        let path = dir.join(format!("{stem}.{}", format.ext()));
        let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let inner =
            match format {
                Format::Csv => {
                    let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file));
                    w.write_record(header)?;
                    Inner::Csv(Box::new(w))
                }
                Format::Parquet => {
                    let is_num: Vec<bool> = header.iter().map(|h| numeric.contains(h)).collect();
                    let schema =
                        Schema::from_iter(header.iter().zip(&is_num).map(|(h, n)| {
                            Field::new((*h).into(), if *n { DataType::Float64 } else { DataType::String })
                        }));
                    let writer = ParquetWriter::new(file)
                        .batched(&schema)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                    Inner::Parquet(Box::new(ParquetSink {
                        writer,
                        names: header.iter().map(|h| h.to_string()).collect(),
                        text: vec![Vec::new(); header.len()],
                        nums: vec![Vec::new(); header.len()],
                        numeric: is_num,
                        rows: 0,
                    }))
                }
            };
        Ok(Sink { inner })
    }

    /// Writes one row. In Parquet, a number column's cell that is not a number is written empty.
    pub fn write_record<S: AsRef<str>>(&mut self, row: impl IntoIterator<Item = S>) -> Result<()> {
        match &mut self.inner {
            Inner::Csv(w) => {
                for c in row {
                    w.write_field(c.as_ref())?;
                }
                w.write_record(std::iter::empty::<&[u8]>())?;
            }
            Inner::Parquet(p) => {
                for (k, cell) in row.into_iter().enumerate() {
                    let c = cell.as_ref();
                    if p.numeric[k] {
                        p.nums[k].push(c.parse().ok());
                    } else {
                        p.text[k].push(Some(c.to_string()).filter(|s| !s.is_empty()));
                    }
                }
                p.rows += 1;
                if p.rows == ROW_GROUP {
                    p.flush()?;
                }
            }
        }
        Ok(())
    }

    /// Writes what is buffered and closes the file.
    pub fn finish(self) -> Result<()> {
        match self.inner {
            Inner::Csv(mut w) => w.flush()?,
            Inner::Parquet(mut p) => {
                p.flush()?;
                p.writer.finish()?;
            }
        }
        Ok(())
    }
}

impl ParquetSink {
    fn flush(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let cols: Vec<Column> = (0..self.names.len())
            .map(|k| {
                let name = self.names[k].as_str().into();
                if self.numeric[k] {
                    Column::new(name, std::mem::take(&mut self.nums[k]))
                } else {
                    Column::new(name, std::mem::take(&mut self.text[k]))
                }
            })
            .collect();
        let df = DataFrame::new(self.rows, cols)?;
        self.writer.write_batch(&df)?;
        self.rows = 0;
        Ok(())
    }
}
