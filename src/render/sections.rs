//! The report sections drawn from a run folder's sub-folders when they exist: 标准地 (standard-land
//! projects, `projects/`) and 季度监测 (quarterly monitoring, `monitor/`). Their charts are drawn with the
//! others; their tables reach the template as JSON, `null` when the sub-folder is absent.

use super::chart_job::{file_part, migration_matrix, ChartFile, Job, Kind};
use super::chart_kinds::{HBars, Matrix};
use super::labels::thousands;
use super::run_data::{num, unneutralize, Csv, Projects, RunData};
use crate::standard_land::assess::Status;
use plotters::style::RGBColor;
use serde_json::{json, Value};

const PASS: RGBColor = RGBColor(46, 125, 50);
const RECTIFY: RGBColor = RGBColor(245, 166, 35);
const BREACH: RGBColor = RGBColor(198, 40, 40);
const CURRENT: RGBColor = RGBColor(70, 110, 160);
const BASE: RGBColor = RGBColor(170, 190, 215);
/// The agreed value's line: neutral, so that it is not read as one of the bands.
const AGREED: RGBColor = RGBColor(60, 60, 60);

/// Chinese words for a stage's status or an indicator's band as project_checks.csv writes them; an overall
/// status of an earlier run without `overall_zh` (the default statuses) too.
pub fn project_status(s: &str) -> String {
    if let Some(st) = Status::parse(s) {
        return st.zh().to_string();
    }
    match s {
        "no data" => "无数据",
        "take_back" => "无偿收回",
        "terminate" => "解除合同",
        "idle" => "闲置土地",
        other => other,
    }
    .to_string()
}

fn rule_label(rule: &str) -> String {
    match rule {
        "predicted_cd" => "预计落入C/D类",
        "tax_per_mu_drop" => "亩均税收下降",
        "revenue_down" => "营业收入下降",
        "no_report" => "未报送数据",
        "energy_intensity_rise" => "能耗强度上升",
        other => other,
    }
    .to_string()
}

/// A short name for a standard-land indicator (the chart's labels), else its name without the bracket.
fn short_indicator(key: &str, name: &str) -> String {
    match key {
        "invest_intensity" => "投资强度".to_string(),
        "plot_ratio" => "容积率".to_string(),
        "building_coverage" => "建筑系数".to_string(),
        "office_share" => "办公用地比例".to_string(),
        "tax_per_mu" => "亩均税收".to_string(),
        "va_per_tce" => "单位能耗增加值".to_string(),
        _ => name.split(" (").next().unwrap_or(name).to_string(),
    }
}

/// The flags of an earlier run's projects.csv (without `flags_zh`) in Chinese where their wording is known;
/// other text as written.
fn flags_zh(flags: &str) -> String {
    flags
        .split("; ")
        .filter(|f| !f.is_empty())
        .map(|f| {
            if let Some(rest) = f.strip_prefix("cap ") {
                if let Some((share, tail)) = rest.split_once(" of land price hit ") {
                    return format!(
                        "违约金达上限 (土地价款的 {share}): {}",
                        tail.trim_start_matches('(').trim_end_matches(')')
                    );
                }
            }
            if f.starts_with("breach at both stages") {
                return "两阶段均违约, 建议启动收回评估".to_string();
            }
            f.to_string()
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether a project needs action: projects.csv's `needs_action` (the rules' statuses say), or for an
/// earlier run without it, the default statuses other than pending and pass.
fn needs_action(t: &Csv, row: &[String]) -> bool {
    match t.cell(row, "needs_action") {
        "yes" => true,
        "no" => false,
        _ => !matches!(t.cell(row, "overall"), "pending" | "pass" | ""),
    }
}

/// The overall status in Chinese: `overall_zh`, else the words for the key.
fn overall_zh(t: &Csv, row: &[String]) -> String {
    match t.cell(row, "overall_zh") {
        "" => project_status(t.cell(row, "overall")),
        zh => zh.to_string(),
    }
}

fn in_county(csv: &Csv, row: &[String], county: Option<&str>) -> bool {
    county.is_none_or(|c| csv.cell(row, "county") == c)
}

/// The stem of the standard-land chart of the city or a county.
fn sl_stem(county: Option<&str>) -> String {
    format!("standard_land{}", county.map(|c| format!("_{}", file_part(c))).unwrap_or_default())
}

/// Attainment (actual ÷ agreed, as the checks computed it) per indicator per project, as bars against the
/// 100% and 85% lines. The city chart shows the projects needing action; a county's chart all its projects.
pub(super) fn standard_land_chart(run: &RunData, county: Option<&str>) -> Option<Job> {
    let p = run.projects.as_ref()?;
    let overall: Vec<(String, bool)> = p
        .projects
        .rows
        .iter()
        .map(|r| (p.projects.cell(r, "project_id").to_string(), needs_action(&p.projects, r)))
        .collect();
    let wanted = |id: &str| county.is_some() || overall.iter().any(|(i, a)| i == id && *a);
    let c = &p.checks;
    let rows: Vec<_> = c
        .rows
        .iter()
        .filter(|r| {
            in_county(c, r, county)
                && wanted(c.cell(r, "project_id"))
                && (county.is_some() || c.cell(r, "band") != "pass")
        })
        .filter_map(|r| {
            let att = num(c.cell(r, "attainment"))? * 100.0;
            let indicator = short_indicator(c.cell(r, "indicator_key"), c.cell(r, "indicator"));
            let colour = match c.cell(r, "band") {
                "pass" => PASS,
                "rectify" => RECTIFY,
                _ => BREACH,
            };
            let actual = num(c.cell(r, "actual")).map(|v| super::chart_kinds::short(v, 2)).unwrap_or_default();
            Some(Some((
                format!("{} {}", c.cell(r, "project_id"), indicator),
                att,
                colour,
                format!("{att:.0}% ({actual} / {})", c.cell(r, "agreed_value")),
            )))
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let scope = if county.is_some() {
        "本县区全部项目的全部指标"
    } else {
        "需处置项目中未达标的指标 (各县区报告列出全部指标)"
    };
    let chart = HBars {
        title: format!("标准地约定指标达成率 ({}, %)", county.unwrap_or("全市")),
        x_desc: "达成率 = 实际值 ÷ 约定值 (%, \"≤\" 类指标取约定值 ÷ 实际值)".into(),
        rows,
        legend: vec![("达标".into(), PASS), ("整改".into(), RECTIFY), ("违约".into(), BREACH)],
        line: None,
        extra_lines: vec![("100% 约定值".into(), 100.0, AGREED), ("85% 整改线".into(), 85.0, RECTIFY)],
        label_width: 470,
        note: format!("{scope}; 标注: 达成率 (实际 / 约定); projects/project_checks.csv"),
    };
    Some(Job { stem: sl_stem(county), county: county.unwrap_or("").into(), chart: Kind::HBars(chart) })
}

/// The monitoring charts (city-wide): the class migration matrix and tax per mu by county in both quarters.
pub(super) fn monitor_charts(run: &RunData, skipped: &mut Vec<String>) -> Vec<Job> {
    let Some(m) = &run.monitor else {
        skipped.push("季度监测: 运行目录中没有 monitor/ (mujun monitor 的输出), 本节略".into());
        return Vec::new();
    };
    let mut jobs = Vec::new();
    if let Some(csv) = &m.migration {
        let mut matrix: Matrix =
            migration_matrix(csv, &format!("行: {} 等级; 列: {} 等级 (monitor/migration.csv)", m.against, m.period));
        matrix.title = format!("等级迁移矩阵 ({} → {}, 家)", m.against, m.period);
        jobs.push(Job { stem: "monitor_migration".into(), county: String::new(), chart: Kind::Matrix(matrix) });
    }
    if let Some(csv) = &m.county {
        let mut rows = Vec::new();
        for r in &csv.rows {
            let name = csv.cell(r, "county").trim_end_matches(" city").to_string();
            let (Some(cur), Some(base)) = (num(csv.cell(r, "tax_per_mu_cur")), num(csv.cell(r, "tax_per_mu_base")))
            else {
                continue;
            };
            let change = csv.cell(r, "tax_per_mu_change_pct");
            rows.push(Some((format!("{name} {}", m.period), cur, CURRENT, format!("{cur:.2} ({change}%)"))));
            rows.push(Some((format!("{name} {}", m.against), base, BASE, format!("{base:.2}"))));
        }
        if !rows.is_empty() {
            let chart = HBars {
                title: format!("各县区亩均税收: {} 与 {} (万元/亩)", m.period, m.against),
                x_desc: "亩均税收 (万元/亩, 滚动四季度)".into(),
                rows,
                legend: vec![(m.period.clone(), CURRENT), (m.against.clone(), BASE)],
                line: None,
                extra_lines: Vec::new(),
                label_width: 330,
                note: "括号内为变化率; 数据取自 monitor/monitor_county.csv".into(),
            };
            jobs.push(Job { stem: "monitor_tax_per_mu".into(), county: String::new(), chart: Kind::HBars(chart) });
        }
    }
    jobs
}

fn chart_path(charts: &[ChartFile], stem: &str, ext: &str) -> Value {
    charts
        .iter()
        .find(|c| c.stem == stem)
        .map(|c| Value::String(format!("/charts/{}.{ext}", c.stem)))
        .unwrap_or(Value::Null)
}

/// Whether a chart belongs to one of these sections (and not to the general 图表 section).
pub fn is_section_chart(stem: &str) -> bool {
    stem.starts_with("standard_land") || stem.starts_with("monitor_")
}

/// Projects per overall status in Chinese, in the rules' order (the manifest's), statuses present only.
fn status_counts(p: &Projects, mine: &[&Vec<String>]) -> Vec<(String, u64)> {
    let t = &p.projects;
    let mut counts: Vec<(String, String, u64)> = Vec::new();
    for r in mine {
        let key = t.cell(r, "overall");
        match counts.iter_mut().find(|c| c.0 == key) {
            Some(c) => c.2 += 1,
            None => counts.push((key.to_string(), overall_zh(t, r), 1)),
        }
    }
    let old = ["breach", "overdue", "rectify", "incomplete", "pending", "pass"];
    let rank = |k: &str| match p.statuses.iter().position(|s| s.0 == k) {
        Some(i) => i,
        None => old.iter().position(|o| *o == k).unwrap_or(old.len()),
    };
    counts.sort_by_key(|c| rank(&c.0));
    counts.into_iter().map(|(_, zh, n)| (zh, n)).collect()
}

/// The stages of projects.csv: (`<key>_status` column, the stage's name as project_checks.csv writes it).
fn stage_columns(p: &Projects) -> Vec<(String, String)> {
    let mut names: Vec<String> = Vec::new();
    for r in &p.checks.rows {
        let n = p.checks.cell(r, "stage");
        if !names.iter().any(|x| x == n) {
            names.push(n.to_string());
        }
    }
    // The stage columns sit between the overall status and land_mu (extra columns come after).
    let h = &p.projects.headers;
    let from = p.projects.col("overall_zh").or_else(|| p.projects.col("overall")).map_or(0, |i| i + 1);
    let to = p.projects.col("land_mu").unwrap_or(from).max(from);
    h[from..to].iter().zip(names).map(|(k, n)| (k.clone(), n)).collect()
}

/// The projects needing action: header and rows.
fn action_table(p: &Projects, mine: &[&Vec<String>], county: Option<&str>) -> Value {
    let t = &p.projects;
    let stages = stage_columns(p);
    let mut header = vec!["项目编号".to_string(), "企业名称".to_string()];
    if county.is_none() {
        header.push("县区".into());
    }
    header.push("总体".into());
    header.extend(stages.iter().map(|(_, n)| n.clone()));
    header.extend(["违约金 (万元)", "收回评估", "说明"].map(String::from));
    let rows: Vec<Vec<String>> = mine
        .iter()
        .filter(|r| needs_action(t, r))
        .map(|r| {
            let mut row = vec![t.cell(r, "project_id").to_string(), unneutralize(t.cell(r, "name"))];
            if county.is_none() {
                row.push(t.cell(r, "county").to_string());
            }
            row.push(overall_zh(t, r));
            row.extend(stages.iter().map(|(k, _)| project_status(t.cell(r, k))));
            row.extend([
                t.cell(r, "liability").to_string(),
                if t.cell(r, "take_back_review") == "yes" { "建议".to_string() } else { "—".to_string() },
                match t.col("flags_zh") {
                    Some(_) => unneutralize(t.cell(r, "flags_zh")),
                    None => flags_zh(&unneutralize(t.cell(r, "flags"))),
                },
            ]);
            row
        })
        .collect();
    json!({ "header": header, "rows": rows })
}

/// At most this many liability items in a report's table; the rest are in projects/liabilities.csv.
const ITEM_ROWS: usize = 40;

/// The liability items of the projects in scope that charge money: project, where, item, amount, arithmetic.
fn items_table(p: &Projects, mine: &[&Vec<String>]) -> Value {
    let Some(l) = &p.liabilities else { return Value::Null };
    let ids: Vec<&str> = mine.iter().map(|r| p.projects.cell(r, "project_id")).collect();
    let rows: Vec<Vec<String>> = l
        .rows
        .iter()
        .filter(|r| ids.contains(&l.cell(r, "project_id")) && num(l.cell(r, "amount")).is_some_and(|a| a > 0.0))
        .map(|r| {
            ["project_id", "stage", "item", "amount", "formula"].iter().map(|c| unneutralize(l.cell(r, c))).collect()
        })
        .collect();
    let more = rows.len().saturating_sub(ITEM_ROWS);
    json!({
        "header": ["项目编号", "阶段/节点", "事项", "金额 (万元)", "计算"],
        "rows": rows.into_iter().take(ITEM_ROWS).collect::<Vec<_>>(),
        "more": thousands(more as u64),
    })
}

/// The 标准地 section of the city's or a county's report; `null` without projects/.
pub fn standard_land(run: &RunData, county: Option<&str>, charts: &[ChartFile], ext: &str) -> Value {
    let Some(p) = &run.projects else { return Value::Null };
    let t = &p.projects;
    let mine: Vec<&Vec<String>> = t.rows.iter().filter(|r| in_county(t, r, county)).collect();
    let counts = status_counts(p, &mine);
    let liability: f64 = mine.iter().filter_map(|r| num(t.cell(r, "liability"))).sum();
    let take_back = mine.iter().filter(|r| t.cell(r, "take_back_review") == "yes").count();
    let ended = mine.iter().filter(|r| !t.cell(r, "contract_end").is_empty()).count();
    json!({
        "projects": thousands(mine.len() as u64),
        "action": thousands(mine.iter().filter(|r| needs_action(t, r)).count() as u64),
        "statuses": counts.iter().map(|(s, n)| json!({ "status": s, "count": thousands(*n) })).collect::<Vec<_>>(),
        "liability_total": format!("{liability:.2}"),
        "take_back": thousands(take_back as u64),
        "ended": thousands(ended as u64),
        "table": action_table(p, &mine, county),
        "items": items_table(p, &mine),
        "chart": chart_path(charts, &sl_stem(county), ext),
    })
}

/// The 季度监测 section; `null` without monitor/. Warnings and the 升规 pool are the county's in a county
/// report; the migration matrix and the tax chart are city-wide.
pub fn monitor(run: &RunData, county: Option<&str>, charts: &[ChartFile], ext: &str) -> Value {
    let Some(m) = &run.monitor else { return Value::Null };
    let migration = m.migration.as_ref().map(|csv| {
        let mut header = vec![format!("{} \\ {}", m.against, m.period)];
        header.extend(csv.headers.iter().skip(1).map(|h| match h.strip_prefix("to_") {
            Some("—") => "—".to_string(),
            Some(c) => format!("{c}类"),
            None if h == "total" => "合计".to_string(),
            None => h.clone(),
        }));
        let rows: Vec<Vec<String>> = csv
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, v)| if i == 0 && v != "—" { format!("{v}类") } else { v.clone() })
                    .collect()
            })
            .collect();
        json!({ "header": header, "rows": rows })
    });
    // Warnings by rule: every rule the manifest lists, counted in this report's scope.
    let mut rules: Vec<(String, u64)> = m.rule_counts.iter().map(|(r, _)| (r.clone(), 0)).collect();
    if let Some(w) = &m.warnings {
        for r in w.rows.iter().filter(|r| in_county(w, r, county)) {
            let rule = w.cell(r, "rule").to_string();
            match rules.iter_mut().find(|x| x.0 == rule) {
                Some(x) => x.1 += 1,
                None => rules.push((rule, 1)),
            }
        }
    }
    let warnings_total: u64 = rules.iter().map(|r| r.1).sum();
    let (mut pool, mut reached) = (0u64, 0u64);
    if let Some(p) = &m.pool {
        for r in p.rows.iter().filter(|r| in_county(p, r, county)) {
            match p.cell(r, "status") {
                "reached" => reached += 1,
                _ => pool += 1,
            }
        }
    }
    json!({
        "period": m.period,
        "against": m.against,
        "migration": migration,
        "migration_chart": chart_path(charts, "monitor_migration", ext),
        "warnings": rules.iter().map(|(r, n)| vec![rule_label(r), r.clone(), thousands(*n)]).collect::<Vec<_>>(),
        "warnings_total": thousands(warnings_total),
        "pool": thousands(pool),
        "reached": thousands(reached),
        "trend_chart": chart_path(charts, "monitor_tax_per_mu", ext),
    })
}
