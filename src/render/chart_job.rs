//! A chart to draw and what drawing it gives: the chart's record for the report (title, note, county),
//! its SVG and its PNG, in memory; the command layer writes them.

use super::chart_kinds::{err, BarsWithLine, Chart, HBars, LogScatter, Matrix, StackedClasses};
use super::run_data::Csv;
use crate::error::{Error, Result};
use plotters::prelude::*;
use resvg::usvg::fontdb;
use resvg::{tiny_skia, usvg};
use serde::Serialize;
use std::sync::Arc;

/// A chart drawn: its record and its bytes.
pub struct Drawn {
    pub file: ChartFile,
    pub svg: Vec<u8>,
    pub png: Vec<u8>,
}

/// A chart written (as `<stem>.png` and `<stem>.svg`) and what the report says under it.
#[derive(Serialize, Clone, Debug)]
pub struct ChartFile {
    pub stem: String,
    pub title: String,
    pub note: String,
    /// The county the chart is about; empty for a city chart.
    pub county: String,
}

/// A chart to draw: file stem, county, and the drawing.
pub struct Job {
    pub stem: String,
    pub county: String,
    pub chart: Kind,
}

pub enum Kind {
    Stacked(StackedClasses),
    Bars(BarsWithLine),
    HBars(HBars),
    Scatter(LogScatter),
    Matrix(Matrix),
}

impl Job {
    fn title(&self) -> &str {
        match &self.chart {
            Kind::Stacked(c) => &c.title,
            Kind::Bars(c) => &c.title,
            Kind::HBars(c) => &c.title,
            Kind::Scatter(c) => &c.title,
            Kind::Matrix(c) => &c.title,
        }
    }
    fn note(&self) -> &str {
        match &self.chart {
            Kind::Stacked(_) => "",
            Kind::Bars(c) => &c.note,
            Kind::HBars(c) => &c.note,
            Kind::Scatter(c) => &c.note,
            Kind::Matrix(c) => &c.note,
        }
    }
    /// Draws the chart: its file record, SVG and PNG.
    pub fn draw(&self, family: &str, db: &Arc<fontdb::Database>) -> Result<Drawn> {
        let (svg, png) = match &self.chart {
            Kind::Stacked(c) => draw_both(c, family, db),
            Kind::Bars(c) => draw_both(c, family, db),
            Kind::HBars(c) => draw_both(c, family, db),
            Kind::Scatter(c) => draw_both(c, family, db),
            Kind::Matrix(c) => draw_both(c, family, db),
        }
        .map_err(|e| Error::Output(format!("chart {}: {e}", self.stem)))?;
        let file = ChartFile {
            stem: self.stem.clone(),
            title: self.title().to_string(),
            note: self.note().to_string(),
            county: self.county.clone(),
        };
        Ok(Drawn { file, svg, png })
    }
}

/// Draws the chart as SVG with plotters, then rasterizes that SVG to PNG with resvg (already part of the
/// tree through typst-pdf): its text layout is right, where plotters' own bitmap text places CJK glyphs
/// unevenly (it ignores each glyph's side bearing).
fn draw_both<C: Chart>(
    c: &C,
    family: &str,
    fontdb: &Arc<fontdb::Database>,
) -> std::result::Result<(Vec<u8>, Vec<u8>), String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, c.size()).into_drawing_area();
        c.draw(&root, family)?;
        root.present().map_err(err)?;
    }
    let opt = usvg::Options { font_family: family.to_string(), fontdb: fontdb.clone(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&svg, &opt).map_err(err)?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("empty chart")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(err)?;
    Ok((svg.into_bytes(), png))
}

/// The font database the PNG rasterizer uses: only the chart face, also as the generic sans-serif.
pub fn chart_fontdb(family: &str, face: &'static [u8]) -> Arc<fontdb::Database> {
    let mut db = fontdb::Database::new();
    db.load_font_source(fontdb::Source::Binary(Arc::new(face)));
    db.set_sans_serif_family(family);
    Arc::new(db)
}

/// A county name as part of a file name.
pub fn file_part(name: &str) -> String {
    crate::report::safe_file_name(name).replace(' ', "_")
}

/// The class migration matrix of a migration.csv (rows class_base, columns to_<class>).
pub fn migration_matrix(csv: &Csv, note: &str) -> Matrix {
    let cols: Vec<(usize, String)> =
        csv.headers.iter().enumerate().filter_map(|(i, h)| h.strip_prefix("to_").map(|c| (i, c.to_string()))).collect();
    let rows: Vec<String> = csv.rows.iter().map(|r| r.first().cloned().unwrap_or_default()).collect();
    let counts = csv
        .rows
        .iter()
        .map(|r| cols.iter().map(|(i, _)| r.get(*i).and_then(|v| v.parse().ok()).unwrap_or(0)).collect())
        .collect();
    Matrix {
        title: "等级迁移矩阵 (家)".into(),
        rows,
        cols: cols.into_iter().map(|c| c.1).collect(),
        counts,
        note: note.into(),
    }
}
