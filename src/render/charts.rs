//! The charts of a run (PNG and SVG, written to `report/charts/` by the command layer): which ones exist
//! and what data each is drawn from. Charts for data a run does not have (a migration matrix without migration.csv, a scatter
//! without value added per mu) are skipped with a note, never drawn empty.

use super::chart_job::{chart_fontdb, file_part, migration_matrix, Drawn, Job, Kind};
use super::chart_kinds::{class_colour, short, BarsWithLine, HBars, LogScatter, StackedClasses};
use super::labels;
use super::run_data::{Enterprise, RunData};
use crate::error::Result;
use plotters::prelude::*;
use rayon::prelude::*;

/// Draws every chart of the run (city charts, and per county those of `counties`) in parallel.
/// Returns the charts written and a note for each chart that was skipped for lack of data.
pub fn draw_all(
    run: &RunData,
    counties: &[String],
    family: &str,
    face: &'static [u8],
) -> Result<(Vec<Drawn>, Vec<String>)> {
    let mut skipped = Vec::new();
    let mut jobs = vec![class_by_county(run), county_tax(run, None), industry(run)];
    jobs.extend(scatter(run, None, &mut skipped));
    jobs.extend(run.tracks.iter().filter_map(|t| top_bottom(run, t, None)));
    jobs.extend(migration(run, &mut skipped));
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
    let drawn = jobs.par_iter().map(|j| j.draw(family, &db)).collect::<Result<Vec<_>>>()?;
    Ok((drawn, skipped))
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
fn migration(run: &RunData, skipped: &mut Vec<String>) -> Option<Job> {
    let Some(csv) = &run.migration else {
        // Quarterly monitoring's matrix (monitor/migration.csv) is drawn in its own section.
        if run.monitor.as_ref().is_none_or(|m| m.migration.is_none()) {
            skipped.push("等级迁移矩阵: 运行目录中没有 migration.csv (季度监测或方案比较才有), 未绘制".into());
        }
        return None;
    };
    Some(Job {
        stem: "migration".into(),
        county: String::new(),
        chart: Kind::Matrix(migration_matrix(csv, "行: 上期 (或方案A) 等级; 列: 本期 (或方案B) 等级 (migration.csv)")),
    })
}
