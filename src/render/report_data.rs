//! The data of one report (the city's or a county's) as the JSON document the template reads. Every
//! number is the text the run's CSV files printed; tables are a header and rows of strings, so the
//! template only lays them out.

use super::chart_job::ChartFile;
use super::charts::top_bottom_of;
use super::labels::{self, percent, thousands};
use super::methodology::Summary;
use super::run_data::{Enterprise, Group, Groups, RunData};
use crate::schema::Status;
use serde_json::{json, Value};

/// What a report needs besides the run: the charts, the date and the appendix limit.
pub struct Context<'a> {
    pub method: &'a Summary,
    pub charts: &'a [ChartFile],
    pub skipped: &'a [String],
    pub date: String,
    pub body_fonts: &'a [String],
    pub sans_fonts: &'a [String],
    pub chart_ext: &'a str,
    pub appendix_limit: usize,
}

/// The report of the city (`county` = None) or of one county.
pub fn build(run: &RunData, county: Option<&str>, cx: &Context) -> Value {
    let m = &run.summary;
    let subject = county.unwrap_or("全市");
    let title = &m.methodology.title;
    let title = if title.is_empty() { "亩均效益综合评价".to_string() } else { title.clone() };
    let quarters = match (m.quarters.first(), m.quarters.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b}"),
        (Some(a), _) => a.clone(),
        _ => String::new(),
    };
    json!({
        "kind": if county.is_some() { "county" } else { "city" },
        "title": title,
        "scheme": m.methodology.scheme,
        "subject": subject,
        "period": m.period,
        "quarters": quarters,
        "date": cx.date,
        "version": format!("mujun {}", m.mujun_version),
        "run_dir": run.dir.display().to_string(),
        "fonts": { "body": cx.body_fonts, "sans": cx.sans_fonts },
        "key": key_numbers(run, county),
        "method": cx.method,
        "counties": group_table(&run.counties, "县区", county),
        "groups": run.named_groups.as_ref().filter(|_| county.is_none()).map(|g| group_table(g, "分组", None)),
        "rankings": rankings(run, county),
        "charts": charts(cx, county),
        "skipped_charts": cx.skipped,
        "exceptions": exceptions(run),
        "appendix": appendix(run, county, cx.appendix_limit),
        "standard_land": super::sections::standard_land(run, county, cx.charts, cx.chart_ext),
        "monitor": super::sections::monitor(run, county, cx.charts, cx.chart_ext),
    })
}

fn group_row<'a>(run: &'a RunData, county: Option<&str>) -> Option<&'a Group> {
    match county {
        None => run.counties.city.as_ref(),
        Some(c) => run.counties.rows.iter().find(|g| g.name == c),
    }
}

fn key_numbers(run: &RunData, county: Option<&str>) -> Value {
    let g = group_row(run, county);
    let text = |col: &str| g.map(|g| g.text(col).to_string()).filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
    let evaluated = g.and_then(|g| g.num("evaluated")).unwrap_or(0.0) as u64;
    let classes: Vec<Value> = run
        .counties
        .classes
        .iter()
        .map(|c| {
            let n = g.and_then(|g| g.num(&format!("class_{c}"))).unwrap_or(0.0) as u64;
            json!({ "class": c, "count": thousands(n), "share": percent(n, evaluated) })
        })
        .collect();
    let mut statuses: Vec<(Option<Status>, u64)> = Vec::new();
    for e in run.enterprises.iter().filter(|e| county.is_none_or(|c| e.county == c)) {
        match statuses.iter_mut().find(|s| s.0 == e.status) {
            Some(s) => s.1 += 1,
            None => statuses.push((e.status, 1)),
        }
    }
    // As the key numbers list them: graded, undetermined, vetoed, not scored, out of scope, the rest.
    let order = [Status::Graded, Status::Undetermined, Status::Vetoed, Status::NotScored, Status::OutOfScope];
    statuses.sort_by_key(|s| s.0.and_then(|x| order.iter().position(|o| *o == x)).unwrap_or(order.len()));
    let city_tax = run.counties.city.as_ref().map(|c| c.text("tax_per_mu").to_string()).unwrap_or_default();
    // The county's place among the counties by tax per mu (1 = highest).
    let place = county.and_then(|c| {
        let mine = run.counties.rows.iter().find(|g| g.name == c)?.num("tax_per_mu")?;
        let higher = run.counties.rows.iter().filter(|g| g.num("tax_per_mu").is_some_and(|v| v > mine)).count();
        Some(format!("{} / {}", higher + 1, run.counties.rows.len()))
    });
    json!({
        "enterprises": g.and_then(|g| g.num("enterprises")).map(|n| thousands(n as u64)).unwrap_or_else(|| "—".into()),
        "evaluated": thousands(evaluated),
        "classes": classes,
        "statuses": statuses.iter().map(|(s, n)| json!({ "status": labels::status(*s), "count": thousands(*n) })).collect::<Vec<_>>(),
        "land_mu": text("land_mu"),
        "tax": text("tax"),
        "tax_per_mu": text("tax_per_mu"),
        "va_per_mu": text("va_per_mu"),
        "revenue_per_mu": text("revenue_per_mu"),
        "city_tax_per_mu": city_tax,
        "tax_place": place.unwrap_or_default(),
    })
}

/// A table of groups (counties, or the methodology's named groups) with the city row, `marked` in bold.
fn group_table(groups: &Groups, what: &str, marked: Option<&str>) -> Value {
    let classes = &groups.classes;
    let mut header: Vec<String> = vec![what.into(), "企业数".into(), "参评".into()];
    header.extend(classes.iter().map(|c| format!("{c}类")));
    header.extend(["用地 (亩)".into(), "亩均税收".into(), "亩均增加值".into()]);
    let row = |g: &Group, name: &str| {
        let mut r: Vec<String> = vec![name.to_string(), g.text("enterprises").into(), g.text("evaluated").into()];
        r.extend(classes.iter().map(|c| g.text(&format!("class_{c}")).to_string()));
        r.extend([g.text("land_mu").into(), g.text("tax_per_mu").into(), g.text("va_per_mu").into()]);
        r
    };
    let mut rows: Vec<Vec<String>> = groups.rows.iter().map(|g| row(g, &g.name)).collect();
    let mut marked: Vec<usize> =
        marked.and_then(|c| groups.rows.iter().position(|g| g.name == c)).into_iter().collect();
    if let Some(c) = &groups.city {
        rows.push(row(c, "全市"));
        marked.push(rows.len() - 1);
    }
    json!({ "header": header, "rows": rows, "marked": marked })
}

fn ranking_row(pos: usize, e: &Enterprise, with_county: bool) -> Vec<String> {
    let mut r = vec![pos.to_string(), e.name.clone()];
    if with_county {
        r.push(e.county.clone());
    }
    r.extend([labels::industry(&e.industry), e.tax_per_mu.clone(), e.total.clone(), e.class.clone()]);
    r
}

fn rankings(run: &RunData, county: Option<&str>) -> Value {
    let with_county = county.is_none();
    let mut header: Vec<&str> = vec!["位次", "企业名称"];
    if with_county {
        header.push("县区");
    }
    header.extend(["行业", "亩均税收", "总分", "等级"]);
    let tracks: Vec<Value> = run
        .tracks
        .iter()
        .filter_map(|t| {
            let (top, bottom) = top_bottom_of(run, t, county, 20);
            if top.is_empty() {
                return None;
            }
            let n = run.enterprises.iter().filter(|e| &e.track == t && e.is_graded() && county.is_none_or(|c| e.county == c)).count();
            let first = n - bottom.len() + 1;
            Some(json!({
                "track": t,
                "graded": thousands(n as u64),
                "top": top.iter().enumerate().map(|(i, e)| ranking_row(i + 1, e, with_county)).collect::<Vec<_>>(),
                "bottom": bottom.iter().enumerate().map(|(i, e)| ranking_row(first + i, e, with_county)).collect::<Vec<_>>(),
            }))
        })
        .collect();
    json!({ "header": header, "tracks": tracks })
}

fn charts(cx: &Context, county: Option<&str>) -> Vec<Value> {
    let file = |c: &ChartFile| json!({ "path": format!("/charts/{}.{}", c.stem, cx.chart_ext), "title": c.title, "note": c.note });
    let city: Vec<&ChartFile> =
        cx.charts.iter().filter(|c| c.county.is_empty() && !super::sections::is_section_chart(&c.stem)).collect();
    match county {
        None => city.iter().filter(|c| !c.stem.starts_with("county_tax_per_mu_")).map(|c| file(c)).collect(),
        Some(name) => {
            // The county's own charts, with the city-wide comparisons it is part of.
            let own: Vec<&ChartFile> =
                cx.charts.iter().filter(|c| c.county == name && !super::sections::is_section_chart(&c.stem)).collect();
            let shared = city.iter().filter(|c| c.stem == "class_by_county" || c.stem == "industry_tax_per_mu");
            own.iter().copied().chain(shared.copied()).map(file).collect()
        }
    }
}

fn exceptions(run: &RunData) -> Value {
    let s = &run.summary;
    let rows: Vec<Vec<String>> = s
        .exceptions
        .iter()
        .map(|x| vec![x.file.clone(), x.code.zh().to_string(), x.action.zh().to_string(), thousands(x.count as u64)])
        .collect();
    let n = |x: usize| thousands(x as u64);
    let inputs: Vec<Vec<String>> =
        s.inputs.iter().map(|i| vec![i.file.clone(), n(i.read), n(i.used), n(i.excepted)]).collect();
    json!({ "total": n(s.exceptions_total), "rows": rows, "inputs": inputs })
}

/// Every enterprise of the report, ranked: by track, graded and vetoed firms by total (highest first),
/// then the others by status; at most `limit` rows (0 = all).
fn appendix(run: &RunData, county: Option<&str>, limit: usize) -> Value {
    let mut list: Vec<&Enterprise> = run.enterprises.iter().filter(|e| county.is_none_or(|c| e.county == c)).collect();
    let track_pos = |e: &Enterprise| run.tracks.iter().position(|t| *t == e.track).unwrap_or(usize::MAX);
    let key = |e: &Enterprise| match e.status {
        Some(Status::Graded) => 0,
        Some(Status::Vetoed) => 1,
        Some(Status::Undetermined) => 2,
        Some(Status::NotScored) => 3,
        Some(Status::OutOfScope) => 4,
        _ => 5,
    };
    list.sort_by(|a, b| {
        track_pos(a)
            .cmp(&track_pos(b))
            .then(key(a).cmp(&key(b)))
            .then(b.total_value().unwrap_or(f64::MIN).total_cmp(&a.total_value().unwrap_or(f64::MIN)))
            .then(a.id.cmp(&b.id))
    });
    let total = list.len();
    if limit > 0 {
        list.truncate(limit);
    }
    let mut header = vec!["序号", "企业名称", "统一社会信用代码"];
    if county.is_none() {
        header.push("县区");
    }
    header.extend(["行业", "类别", "状态", "用地 (亩)", "亩均税收", "总分", "等级", "县区排名"]);
    let mut pos_in_track = 0usize;
    let mut last_track = "";
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|e| {
            if e.track != last_track {
                pos_in_track = 0;
                last_track = &e.track;
            }
            pos_in_track += 1;
            let mut r = vec![pos_in_track.to_string(), e.name.clone(), e.id.clone()];
            if county.is_none() {
                r.push(e.county.clone());
            }
            r.extend([
                e.industry.clone(),
                e.track.clone(),
                labels::status(e.status),
                e.land_mu.clone(),
                e.tax_per_mu.clone(),
                e.total.clone(),
                e.class.clone(),
                e.county_rank.clone(),
            ]);
            r
        })
        .collect();
    let note = if rows.len() < total {
        format!(
            "仅列出前 {} 家 (共 {} 家); 完整名单见 enterprises.csv",
            thousands(rows.len() as u64),
            thousands(total as u64)
        )
    } else {
        String::new()
    };
    json!({ "header": header, "rows": rows, "total": thousands(total as u64), "note": note })
}
