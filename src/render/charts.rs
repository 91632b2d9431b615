//! The charts of a run, as PNG and SVG files in `report/charts/`: which ones exist and what data each is
//! drawn from. Charts for data a run does not have (a migration matrix without migration.csv, a scatter
//! without value added per mu) are skipped with a note, never drawn empty.

use super::chart_kinds::{class_colour, err, short, BarsWithLine, Chart, HBars, LogScatter, Matrix, StackedClasses};
use super::labels;
use super::run_data::{Csv, Enterprise, RunData};
use crate::error::{Error, Result};
use plotters::prelude::*;
use rayon::prelude::*;
use resvg::usvg::fontdb;
use resvg::{tiny_skia, usvg};
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

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
pub(super) struct Job {
    pub stem: String,
    pub county: String,
    pub chart: Kind,
}

pub(super) enum Kind {
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
    fn write(&self, dir: &Path, family: &str, db: &Arc<fontdb::Database>) -> Result<ChartFile> {
        match &self.chart {
            Kind::Stacked(c) => write_both(c, dir, &self.stem, family, db),
            Kind::Bars(c) => write_both(c, dir, &self.stem, family, db),
            Kind::HBars(c) => write_both(c, dir, &self.stem, family, db),
            Kind::Scatter(c) => write_both(c, dir, &self.stem, family, db),
            Kind::Matrix(c) => write_both(c, dir, &self.stem, family, db),
        }
        .map_err(|e| Error::Output(format!("chart {}: {e}", dir.join(&self.stem).display())))?;
        Ok(ChartFile {
            stem: self.stem.clone(),
            title: self.title().to_string(),
            note: self.note().to_string(),
            county: self.county.clone(),
        })
    }
}

/// Draws the chart as SVG with plotters, then rasterizes that SVG to PNG with resvg (already part of the
/// tree through typst-pdf): its text layout is right, where plotters' own bitmap text places CJK glyphs
/// unevenly (it ignores each glyph's side bearing).
fn write_both<C: Chart>(
    c: &C,
    dir: &Path,
    stem: &str,
    family: &str,
    fontdb: &Arc<fontdb::Database>,
) -> std::result::Result<(), String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, c.size()).into_drawing_area();
        c.draw(&root, family)?;
        root.present().map_err(err)?;
    }
    crate::report::table::write_atomic(&dir.join(format!("{stem}.svg")), svg.as_bytes()).map_err(err)?;
    let opt = usvg::Options { font_family: family.to_string(), fontdb: fontdb.clone(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(&svg, &opt).map_err(err)?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("empty chart")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(err)?;
    crate::report::table::write_atomic(&dir.join(format!("{stem}.png")), &png).map_err(err)
}

/// The font database the PNG rasterizer uses: only the chart face, also as the generic sans-serif.
fn chart_fontdb(family: &str, face: &'static [u8]) -> Arc<fontdb::Database> {
    let mut db = fontdb::Database::new();
    db.load_font_source(fontdb::Source::Binary(Arc::new(face)));
    db.set_sans_serif_family(family);
    Arc::new(db)
}

/// Draws every chart of the run (city charts, and per county those of `counties`) in parallel.
/// Returns the charts written and a note for each chart that was skipped for lack of data.
pub fn draw_all(
    run: &RunData,
    counties: &[String],
    dir: &Path,
    family: &str,
    face: &'static [u8],
) -> Result<(Vec<ChartFile>, Vec<String>)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Output(format!("{}: {e}", dir.display())))?;
    let mut skipped = Vec::new();
    let mut jobs = vec![class_by_county(run), county_tax(run, None), industry(run)];
    jobs.extend(scatter(run, None, &mut skipped));
    jobs.extend(run.tracks.iter().filter_map(|t| top_bottom(run, t, None)));
    jobs.extend(migration(run, &mut skipped)?);
    jobs.extend(super::sections::monitor_charts(run, &mut skipped));
    jobs.extend(super::sections::standard_land_chart(run, None));
    if run.projects.is_none() {
        skipped.push("标准地: 运行目录中没有 projects/ (mujun projects 的输出), 本节略".into());
    }
    for c in counties {
        jobs.extend(super::sections::standard_land_chart(run, Some(c)));
        jobs.push(county_tax(run, Some(c)));
        jobs.extend(scatter(run, Some(c), &mut Vec::new()));
        jobs.extend(run.tracks.iter().filter_map(|t| top_bottom(run, t, Some(c))));
    }
    let db = chart_fontdb(family, face);
    let files = jobs.par_iter().map(|j| j.write(dir, family, &db)).collect::<Result<Vec<_>>>()?;
    Ok((files, skipped))
}

/// A county name as part of a file name.
pub fn file_part(name: &str) -> String {
    crate::report::safe_file_name(name).replace(' ', "_")
}

fn suffix(county: Option<&str>) -> String {
    county.map(|c| format!("_{}", file_part(c))).unwrap_or_default()
}

fn class_by_county(run: &RunData) -> Job {
    let classes = run.counties.classes.clone();
    let groups = run
        .counties
        .rows
        .iter()
        .map(|g| (g.name.clone(), classes.iter().map(|c| g.num(&format!("class_{c}")).unwrap_or(0.0) as u64).collect()))
        .collect();
    Job {
        stem: "class_by_county".into(),
        county: String::new(),
        chart: Kind::Stacked(StackedClasses { title: "各县区企业等级分布 (家)".into(), groups, classes }),
    }
}

fn county_tax(run: &RunData, highlight: Option<&str>) -> Job {
    let mut bars: Vec<(String, f64)> =
        run.counties.rows.iter().filter_map(|g| Some((g.name.clone(), g.num("tax_per_mu")?))).collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1));
    let line =
        run.counties.city.as_ref().and_then(|c| c.num("tax_per_mu")).map(|v| (format!("全市 {}", short(v, 2)), v));
    let note = "县区值 = 县区实缴税金合计 ÷ 用地面积合计 (by_county.csv)".to_string();
    let chart = BarsWithLine {
        title: "各县区亩均税收 (万元/亩)".into(),
        y_desc: "亩均税收 (万元/亩)".into(),
        bars,
        line,
        highlight: highlight.map(str::to_string),
        note,
    };
    Job {
        stem: format!("county_tax_per_mu{}", suffix(highlight)),
        county: highlight.unwrap_or("").into(),
        chart: Kind::Bars(chart),
    }
}

fn industry(run: &RunData) -> Job {
    let mut rows: Vec<(String, f64, u64)> = run
        .industries
        .rows
        .iter()
        .filter_map(|g| {
            Some((labels::industry(&g.name), g.num("tax_per_mu")?, g.num("enterprises").unwrap_or(0.0) as u64))
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let line =
        run.industries.city.as_ref().and_then(|c| c.num("tax_per_mu")).map(|v| (format!("全市 {}", short(v, 2)), v));
    let chart = HBars {
        title: "各行业亩均税收 (万元/亩)".into(),
        x_desc: "亩均税收 (万元/亩)".into(),
        rows: rows
            .into_iter()
            .map(|(n, v, k)| Some((n, v, RGBColor(70, 110, 160), format!("{v:.2} ({k}家)"))))
            .collect(),
        legend: Vec::new(),
        line,
        extra_lines: Vec::new(),
        label_width: 420,
        note: "行业值 = 行业实缴税金合计 ÷ 用地面积合计 (by_industry.csv); 行业名称按 GB/T 4754-2017".into(),
    };
    Job { stem: "industry_tax_per_mu".into(), county: String::new(), chart: Kind::HBars(chart) }
}

fn in_scope<'a>(run: &'a RunData, county: Option<&str>) -> impl Iterator<Item = &'a Enterprise> {
    let county = county.map(str::to_string);
    run.enterprises.iter().filter(move |e| county.as_deref().is_none_or(|c| e.county == c))
}

fn scatter(run: &RunData, county: Option<&str>, skipped: &mut Vec<String>) -> Option<Job> {
    if !run.has_va_per_mu {
        skipped.push("亩均税收与亩均增加值散点图: 本次评价无亩均增加值 (va_per_mu) 指标, 未绘制".into());
        return None;
    }
    let (mut points, mut nonpos, mut missing) = (Vec::new(), 0usize, 0usize);
    for e in in_scope(run, county) {
        match (super::run_data::num(&e.va_per_mu), super::run_data::num(&e.tax_per_mu)) {
            (Some(x), Some(y)) if x > 0.0 && y > 0.0 => {
                points.push((x, y, if e.class.is_empty() { "-".to_string() } else { e.class.clone() }))
            }
            (Some(_), Some(_)) => nonpos += 1,
            _ => missing += 1,
        }
    }
    if points.is_empty() {
        skipped.push(format!(
            "亩均税收与亩均增加值散点图{}: 没有两项均为正值的企业, 未绘制",
            county.map(|c| format!(" ({c})")).unwrap_or_default()
        ));
        return None;
    }
    let mut classes: Vec<String> =
        run.counties.classes.iter().filter(|c| points.iter().any(|p| &p.2 == *c)).cloned().collect();
    if points.iter().any(|p| p.2 == "-") {
        classes.push("-".into());
    }
    let note = format!(
        "绘制 {} 家; 跳过 {nonpos} 家 (数值 ≤ 0, 对数坐标无法显示); {missing} 家无此两项指标 (如规下企业)",
        points.len()
    );
    let title = format!("亩均税收与亩均增加值 ({}, 对数坐标)", county.unwrap_or("全市"));
    let chart = LogScatter {
        title,
        x_desc: "亩均增加值 (万元/亩)".into(),
        y_desc: "亩均税收 (万元/亩)".into(),
        points,
        classes,
        note,
    };
    Some(Job {
        stem: format!("tax_vs_va{}", suffix(county)),
        county: county.unwrap_or("").into(),
        chart: Kind::Scatter(chart),
    })
}

/// The first and last 20 graded enterprises of a track by total (all of them when there are 40 or fewer).
pub fn top_bottom_of<'a>(
    run: &'a RunData,
    track: &str,
    county: Option<&str>,
    k: usize,
) -> (Vec<&'a Enterprise>, Vec<&'a Enterprise>) {
    let mut graded: Vec<&Enterprise> = in_scope(run, county).filter(|e| e.track == track && e.is_graded()).collect();
    graded.sort_by(|a, b| {
        b.total_value().unwrap_or(f64::MIN).total_cmp(&a.total_value().unwrap_or(f64::MIN)).then(a.id.cmp(&b.id))
    });
    let top_n = graded.len().min(k);
    let bottom_n = (graded.len() - top_n).min(k);
    let bottom = graded[graded.len() - bottom_n..].to_vec();
    graded.truncate(top_n);
    (graded, bottom)
}

fn top_bottom(run: &RunData, track: &str, county: Option<&str>) -> Option<Job> {
    let (top, bottom) = top_bottom_of(run, track, county, 20);
    if top.is_empty() {
        return None;
    }
    let graded = in_scope(run, county).filter(|e| e.track == track && e.is_graded()).count();
    let row = |e: &Enterprise| {
        let label = if county.is_some() { e.name.clone() } else { format!("{} · {}", e.name, e.county) };
        Some((label, e.total_value().unwrap_or(0.0), class_colour(&e.class), format!("{} {}", e.total, e.class)))
    };
    let mut rows: Vec<_> = top.iter().map(|e| row(e)).collect();
    if !bottom.is_empty() {
        if top.len() + bottom.len() < graded {
            rows.push(None);
        }
        rows.extend(bottom.iter().map(|e| row(e)));
    }
    let mut legend: Vec<(String, RGBColor)> =
        run.counties.classes.iter().filter(|c| *c != "T").map(|c| (format!("{c}类"), class_colour(c))).collect();
    legend.retain(|(l, _)| top.iter().chain(&bottom).any(|e| format!("{}类", e.class) == *l));
    let title = format!("{} {}企业总分前 {} 名与后 {} 名", county.unwrap_or("全市"), track, top.len(), bottom.len());
    let note = format!("参评定级企业 {graded} 家, 按总分排序; 标注为总分与等级");
    let chart = HBars {
        title,
        x_desc: "总分".into(),
        rows,
        legend,
        line: None,
        extra_lines: Vec::new(),
        label_width: if county.is_some() { 380 } else { 470 },
        note,
    };
    Some(Job {
        stem: format!("top_bottom_{}{}", file_part(track), suffix(county)),
        county: county.unwrap_or("").into(),
        chart: Kind::HBars(chart),
    })
}

/// A class migration matrix when the run folder holds one (migration.csv from monitoring or compare).
fn migration(run: &RunData, skipped: &mut Vec<String>) -> Result<Option<Job>> {
    let path = run.dir.join("migration.csv");
    if !path.exists() {
        // Quarterly monitoring's matrix (monitor/migration.csv) is drawn in its own section.
        if run.monitor.as_ref().is_none_or(|m| m.migration.is_none()) {
            skipped.push("等级迁移矩阵: 运行目录中没有 migration.csv (季度监测或方案比较才有), 未绘制".into());
        }
        return Ok(None);
    }
    let csv = Csv::read(&path)?;
    Ok(Some(Job {
        stem: "migration".into(),
        county: String::new(),
        chart: Kind::Matrix(migration_matrix(&csv, "行: 上期 (或方案A) 等级; 列: 本期 (或方案B) 等级 (migration.csv)")),
    }))
}

/// The class migration matrix of a migration.csv (rows class_base, columns to_<class>).
pub(super) fn migration_matrix(csv: &Csv, note: &str) -> Matrix {
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
