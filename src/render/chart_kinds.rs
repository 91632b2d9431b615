//! The chart kinds, each drawn on any plotters backend (PNG and SVG from one description). Labels use
//! ASCII brackets: full-width ones draw shifted in the bitmap backend.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub type R = std::result::Result<(), String>;

pub fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// One drawing: its pixel size and how to draw it with the font family `f`.
pub trait Chart: Sync {
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, f: &str) -> R;
}

// Font sizes as plotters takes them (it draws text at size ÷ 1.24 pixels).
pub const TITLE: u32 = 36;
pub const LABEL: u32 = 25;
pub const NOTE: u32 = 22;
const BAR: RGBColor = RGBColor(70, 110, 160);
const HIGHLIGHT: RGBColor = RGBColor(239, 108, 0);
const CITY: RGBColor = RGBColor(198, 40, 40);

/// The colour of a class label: A green, B blue, C amber, D red, T grey, others from a palette.
pub fn class_colour(class: &str) -> RGBColor {
    match class {
        "A" => RGBColor(46, 125, 50),
        "B" => RGBColor(21, 101, 192),
        "C" => RGBColor(245, 166, 35),
        "D" => RGBColor(198, 40, 40),
        "T" => RGBColor(140, 140, 140),
        other => {
            let i = other.bytes().fold(0usize, |a, b| a.wrapping_mul(31).wrapping_add(b as usize));
            let c = Palette99::pick(i).to_rgba();
            RGBColor(c.0, c.1, c.2)
        }
    }
}

/// Numbers on axes and bars: at most `d` decimals, trailing zeros dropped.
pub fn short(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Draws the title (left) and a legend row (right) across the top and returns the area below them,
/// with a note line at the bottom when there is one.
fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    f: &str,
    title: &str,
    legend: &[(String, RGBColor)],
    note: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(err)?;
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(title.to_string(), (24, 18), (f, TITLE).into_font().color(&BLACK))).map_err(err)?;
    let font = TextStyle::from((f, LABEL).into_font());
    let mut x = w as i32 - 24;
    for (label, colour) in legend.iter().rev() {
        // plotters' estimate is about 15% short of the width the text is drawn at.
        let (tw, _) = root.estimate_text_size(label, &font).map_err(err)?;
        x -= (tw as f64 * 1.2) as i32;
        root.draw(&Text::new(label.clone(), (x, 24), font.clone())).map_err(err)?;
        x -= 26;
        root.draw(&Rectangle::new([(x, 26), (x + 18, 44)], colour.filled())).map_err(err)?;
        x -= 20;
    }
    let body = root.margin(64, 0, 0, 0);
    if note.is_empty() {
        return Ok(body);
    }
    let note_style = (f, NOTE).into_font().color(&RGBColor(90, 90, 90));
    root.draw(&Text::new(note.to_string(), (24, h as i32 - 30), note_style)).map_err(err)?;
    Ok(root.margin(64, 40, 0, 0))
}

/// Stacked bars: class counts per group (county).
pub struct StackedClasses {
    pub title: String,
    pub groups: Vec<(String, Vec<u64>)>,
    pub classes: Vec<String>,
}

impl Chart for StackedClasses {
    fn size(&self) -> (u32, u32) {
        (1400, 800)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, f: &str) -> R {
        let legend: Vec<(String, RGBColor)> =
            self.classes.iter().map(|c| (format!("{c}类"), class_colour(c))).collect();
        let area = frame(root, f, &self.title, &legend, "")?;
        let n = self.groups.len() as u32;
        let max = self.groups.iter().map(|(_, c)| c.iter().sum::<u64>()).max().unwrap_or(1).max(1);
        let names: Vec<String> = self.groups.iter().map(|g| g.0.clone()).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d((0u32..n.max(1) - 1).into_segmented(), 0u64..max * 112 / 100 + 1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n as usize)
            .x_label_formatter(&|v| seg_label(v, &names))
            .y_desc("企业数 (家)")
            .light_line_style(RGBColor(238, 238, 238))
            .max_light_lines(1)
            .label_style((f, LABEL))
            .axis_desc_style((f, LABEL))
            .draw()
            .map_err(err)?;
        for (k, class) in self.classes.iter().enumerate() {
            let colour = class_colour(class);
            chart
                .draw_series(self.groups.iter().enumerate().map(|(i, (_, c))| {
                    let base: u64 = c[..k].iter().sum();
                    let mut r = Rectangle::new(
                        [(SegmentValue::Exact(i as u32), base), (SegmentValue::Exact(i as u32 + 1), base + c[k])],
                        colour.filled(),
                    );
                    r.set_margin(0, 0, 14, 14);
                    r
                }))
                .map_err(err)?;
        }
        let top = Pos::new(HPos::Center, VPos::Bottom);
        chart
            .draw_series(self.groups.iter().enumerate().map(|(i, (_, c))| {
                let t: u64 = c.iter().sum();
                Text::new(
                    t.to_string(),
                    (SegmentValue::CenterOf(i as u32), t),
                    TextStyle::from((f, LABEL).into_font()).pos(top),
                )
            }))
            .map_err(err)?;
        Ok(())
    }
}

fn seg_label(v: &SegmentValue<u32>, names: &[String]) -> String {
    match v {
        SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
        _ => String::new(),
    }
}

/// Vertical bars (one per group) against a reference line (the city's value), one bar highlighted.
pub struct BarsWithLine {
    pub title: String,
    pub y_desc: String,
    pub bars: Vec<(String, f64)>,
    pub line: Option<(String, f64)>,
    pub highlight: Option<String>,
    pub note: String,
}

impl Chart for BarsWithLine {
    fn size(&self) -> (u32, u32) {
        (1400, 800)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, f: &str) -> R {
        let mut legend = vec![("县区".to_string(), BAR)];
        if let Some(h) = &self.highlight {
            legend.push((h.clone(), HIGHLIGHT));
        }
        if let Some((l, _)) = &self.line {
            legend.push((l.clone(), CITY));
        }
        let area = frame(root, f, &self.title, &legend, &self.note)?;
        let n = self.bars.len() as u32;
        let max = self.bars.iter().map(|b| b.1).chain(self.line.iter().map(|l| l.1)).fold(0.0f64, f64::max).max(1e-9);
        let names: Vec<String> = self.bars.iter().map(|b| b.0.clone()).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d((0u32..n.max(1) - 1).into_segmented(), 0f64..max * 1.15)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n as usize)
            .x_label_formatter(&|v| seg_label(v, &names))
            .y_label_formatter(&|v| short(*v, 2))
            .y_desc(self.y_desc.as_str())
            .light_line_style(RGBColor(238, 238, 238))
            .max_light_lines(1)
            .label_style((f, LABEL))
            .axis_desc_style((f, LABEL))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, (name, v))| {
                let colour = if self.highlight.as_deref() == Some(name.as_str()) { HIGHLIGHT } else { BAR };
                let mut r = Rectangle::new(
                    [(SegmentValue::Exact(i as u32), 0.0), (SegmentValue::Exact(i as u32 + 1), *v)],
                    colour.filled(),
                );
                r.set_margin(0, 0, 16, 16);
                r
            }))
            .map_err(err)?;
        // Values inside the foot of each bar (white), clear of the reference line; above a very short bar.
        let inside = TextStyle::from((f, LABEL).into_font()).color(&WHITE).pos(Pos::new(HPos::Center, VPos::Bottom));
        let above = TextStyle::from((f, LABEL).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, (_, v))| {
                let at = (SegmentValue::CenterOf(i as u32), *v);
                let text = format!("{v:.2}");
                if *v > max * 0.1 {
                    EmptyElement::at((SegmentValue::CenterOf(i as u32), 0.0))
                        + Text::new(text, (0, -10), inside.clone())
                } else {
                    EmptyElement::at(at) + Text::new(text, (0, -4), above.clone())
                }
            }))
            .map_err(err)?;
        if let Some((_, v)) = &self.line {
            let pts = [(SegmentValue::Exact(0), *v), (SegmentValue::Last, *v)];
            chart.draw_series(DashedLineSeries::new(pts, 12, 8, CITY.stroke_width(3))).map_err(err)?;
        }
        Ok(())
    }
}

/// Horizontal bars with names on the left (industries, top and bottom enterprises).
pub struct HBars {
    pub title: String,
    pub x_desc: String,
    /// Label, value, colour, text at the bar's end; `None` marks a gap row.
    pub rows: Vec<Option<(String, f64, RGBColor, String)>>,
    pub legend: Vec<(String, RGBColor)>,
    pub line: Option<(String, f64)>,
    /// Further dashed reference lines (label, value, colour), e.g. the 85% band of standard-land checks.
    pub extra_lines: Vec<(String, f64, RGBColor)>,
    pub label_width: u32,
    pub note: String,
}

impl Chart for HBars {
    fn size(&self) -> (u32, u32) {
        (1400, (self.rows.len() as u32 * 30 + 220).max(600))
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, f: &str) -> R {
        let mut legend = self.legend.clone();
        if let Some((l, _)) = &self.line {
            legend.push((l.clone(), CITY));
        }
        legend.extend(self.extra_lines.iter().map(|(l, _, c)| (l.clone(), *c)));
        let area = frame(root, f, &self.title, &legend, &self.note)?;
        let n = self.rows.len() as u32;
        let max = self
            .rows
            .iter()
            .flatten()
            .map(|r| r.1)
            .chain(self.line.iter().map(|l| l.1))
            .chain(self.extra_lines.iter().map(|l| l.1))
            .fold(0.0f64, f64::max)
            .max(1e-9);
        let min = self.rows.iter().flatten().map(|r| r.1).fold(0.0f64, f64::min);
        // Row 0 is drawn at the top: plotters counts upwards, so rows are placed at n - 1 - i.
        let names: Vec<String> =
            self.rows.iter().rev().map(|r| r.as_ref().map_or("……".to_string(), |r| r.0.clone())).collect();
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(self.label_width)
            .build_cartesian_2d(min * 1.1..max * 1.22, (0u32..n.max(1) - 1).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n as usize)
            .y_label_formatter(&|v| seg_label(v, &names))
            .x_label_formatter(&|v| short(*v, 2))
            .x_desc(self.x_desc.as_str())
            .light_line_style(RGBColor(238, 238, 238))
            .max_light_lines(1)
            .label_style((f, LABEL))
            .axis_desc_style((f, LABEL))
            .draw()
            .map_err(err)?;
        let at = |i: usize| n - 1 - i as u32;
        chart
            .draw_series(self.rows.iter().enumerate().filter_map(|(i, r)| {
                let (_, v, c, _) = r.as_ref()?;
                let mut rect = Rectangle::new(
                    [(0.0, SegmentValue::Exact(at(i))), (*v, SegmentValue::Exact(at(i) + 1))],
                    c.filled(),
                );
                rect.set_margin(4, 4, 0, 0);
                Some(rect)
            }))
            .map_err(err)?;
        // With a reference line, long bars carry their text inside their start (white), clear of the line.
        let outside = TextStyle::from((f, NOTE).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
        let inside = TextStyle::from((f, NOTE).into_font()).color(&WHITE).pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(self.rows.iter().enumerate().filter_map(|(i, r)| {
                let (_, v, _, text) = r.as_ref()?;
                let at = (v.max(0.0), SegmentValue::CenterOf(at(i)));
                let has_line = self.line.is_some() || !self.extra_lines.is_empty();
                Some(if has_line && *v > max * 0.35 {
                    EmptyElement::at((0.0, at.1.clone())) + Text::new(text.clone(), (10, 0), inside.clone())
                } else {
                    EmptyElement::at(at) + Text::new(text.clone(), (6, 0), outside.clone())
                })
            }))
            .map_err(err)?;
        if let Some((_, v)) = &self.line {
            let pts = [(*v, SegmentValue::Exact(0)), (*v, SegmentValue::Last)];
            chart.draw_series(DashedLineSeries::new(pts, 12, 8, CITY.stroke_width(3))).map_err(err)?;
        }
        for (_, v, c) in &self.extra_lines {
            let pts = [(*v, SegmentValue::Exact(0)), (*v, SegmentValue::Last)];
            chart.draw_series(DashedLineSeries::new(pts, 12, 8, c.stroke_width(3))).map_err(err)?;
        }
        Ok(())
    }
}

/// Points on log-log axes, coloured by class.
pub struct LogScatter {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    /// x, y (both positive), class.
    pub points: Vec<(f64, f64, String)>,
    pub classes: Vec<String>,
    pub note: String,
}

impl Chart for LogScatter {
    fn size(&self) -> (u32, u32) {
        (1400, 900)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, f: &str) -> R {
        let legend: Vec<(String, RGBColor)> =
            self.classes.iter().map(|c| (format!("{c}类"), class_colour(c))).collect();
        let area = frame(root, f, &self.title, &legend, &self.note)?;
        let bounds = |sel: fn(&(f64, f64, String)) -> f64| {
            let lo = self.points.iter().map(sel).fold(f64::INFINITY, f64::min);
            let hi = self.points.iter().map(sel).fold(0.0f64, f64::max);
            if lo.is_finite() && hi > 0.0 {
                (lo / 1.3, hi * 1.3)
            } else {
                (0.1, 10.0)
            }
        };
        let (x0, x1) = bounds(|p| p.0);
        let (y0, y1) = bounds(|p| p.1);
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(
                (x0..x1).log_scale().with_key_points(ticks_1_2_5(x0, x1)),
                (y0..y1).log_scale().with_key_points(ticks_1_2_5(y0, y1)),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| short(*v, 2))
            .y_label_formatter(&|v| short(*v, 2))
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .light_line_style(RGBColor(238, 238, 238))
            .label_style((f, LABEL))
            .axis_desc_style((f, LABEL))
            .draw()
            .map_err(err)?;
        // Better classes last, so they are drawn on top.
        for class in self.classes.iter().rev() {
            let c = class_colour(class);
            chart
                .draw_series(
                    self.points
                        .iter()
                        .filter(|p| &p.2 == class)
                        .map(|p| Circle::new((p.0, p.1), 4, c.mix(0.7).filled())),
                )
                .map_err(err)?;
        }
        Ok(())
    }
}

/// Ticks at 1, 2 and 5 times the powers of ten between `lo` and `hi` (plotters' own log ticks repeat
/// labels and crowd the grid).
fn ticks_1_2_5(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut p = 10f64.powi(lo.log10().floor() as i32);
    while p <= hi {
        for m in [1.0, 2.0, 5.0] {
            let t = m * p;
            if t >= lo && t <= hi {
                out.push(t);
            }
        }
        p *= 10.0;
    }
    out
}

/// A square matrix of counts (class migration), shaded by count.
pub struct Matrix {
    pub title: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub counts: Vec<Vec<u64>>,
    pub note: String,
}

impl Chart for Matrix {
    fn size(&self) -> (u32, u32) {
        (1000, 900)
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, f: &str) -> R {
        let area = frame(root, f, &self.title, &[], &self.note)?;
        let (nr, nc) = (self.rows.len() as u32, self.cols.len() as u32);
        let max = self.counts.iter().flatten().copied().max().unwrap_or(1).max(1) as f64;
        let mut chart = ChartBuilder::on(&area)
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(120)
            .build_cartesian_2d((0u32..nc.max(1) - 1).into_segmented(), (0u32..nr.max(1) - 1).into_segmented())
            .map_err(err)?;
        let rows_rev: Vec<String> = self.rows.iter().rev().cloned().collect();
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nc as usize)
            .y_labels(nr as usize)
            .x_label_formatter(&|v| seg_label(v, &self.cols))
            .y_label_formatter(&|v| seg_label(v, &rows_rev))
            .x_desc("本期等级")
            .y_desc("上期等级")
            .light_line_style(RGBColor(238, 238, 238))
            .max_light_lines(1)
            .label_style((f, LABEL))
            .axis_desc_style((f, LABEL))
            .draw()
            .map_err(err)?;
        let cells = self
            .counts
            .iter()
            .enumerate()
            .flat_map(|(r, row)| row.iter().enumerate().map(move |(c, &n)| (r as u32, c as u32, n)));
        let y = |r: u32| nr - 1 - r;
        chart
            .draw_series(cells.clone().map(|(r, c, n)| {
                let t = (n as f64 / max).sqrt();
                let shade = RGBColor((255.0 - 200.0 * t) as u8, (255.0 - 140.0 * t) as u8, 255 - (60.0 * t) as u8);
                Rectangle::new(
                    [
                        (SegmentValue::Exact(c), SegmentValue::Exact(y(r))),
                        (SegmentValue::Exact(c + 1), SegmentValue::Exact(y(r) + 1)),
                    ],
                    shade.filled(),
                )
            }))
            .map_err(err)?;
        let centre = Pos::new(HPos::Center, VPos::Center);
        chart
            .draw_series(cells.map(|(r, c, n)| {
                Text::new(
                    n.to_string(),
                    (SegmentValue::CenterOf(c), SegmentValue::CenterOf(y(r))),
                    TextStyle::from((f, LABEL).into_font()).pos(centre),
                )
            }))
            .map_err(err)?;
        Ok(())
    }
}
