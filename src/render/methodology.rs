//! The methodology summary of a report, in words: read from the methodology file the manifest names
//! (as plain TOML, so a file written for another mujun version still reads), checked against the hash
//! the run recorded, and filled with the benchmark values of benchmarks.csv. Without the file (moved,
//! or changed since the run) the summary comes from benchmarks.csv alone and says so.

use super::labels;
use super::run_data::RunData;
use serde::Serialize;
use std::path::PathBuf;
use toml::Value;

#[derive(Serialize, Default)]
pub struct Summary {
    /// Where the summary comes from (file and hash check, or benchmarks.csv only).
    pub source: String,
    pub note: String,
    pub land_basis: String,
    pub tracks: Vec<Track>,
    pub adjust: Vec<String>,
}

#[derive(Serialize, Default)]
pub struct Track {
    pub name: String,
    pub select: String,
    pub scope: Vec<Rule>,
    pub undetermined: Vec<Rule>,
    pub points: String,
    pub classes: String,
    pub indicators: Vec<Indicator>,
}

/// A scope or T rule: its label (the reason without placeholders) and the expression.
#[derive(Serialize, Default)]
pub struct Rule {
    pub label: String,
    pub rule: String,
}

fn rule(v: &Value) -> Rule {
    Rule { label: reason_text(v), rule: s(v.get("rule")) }
}

#[derive(Serialize, Default)]
pub struct Indicator {
    pub key: String,
    pub zh: String,
    pub unit: String,
    pub weight: String,
    pub benchmark_rule: String,
    pub benchmark: String,
}

/// Reads the summary; never fails (a report without the methodology file says so instead).
pub fn summarize(run: &RunData) -> Summary {
    match load(run) {
        Ok((path, doc)) => from_file(run, &path, &doc),
        Err(why) => from_benchmarks(run, why),
    }
}

fn load(run: &RunData) -> Result<(PathBuf, Value), String> {
    let m = &run.manifest;
    let file = m.method_file.as_ref().ok_or("the manifest names no methodology file")?;
    let candidates = [file.clone(), run.dir.join(file), run.dir.join(file.file_name().unwrap_or_default())];
    let path = candidates
        .iter()
        .find(|p| p.is_file())
        .ok_or_else(|| format!("the methodology file {} is not found", file.display()))?;
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if let Some(want) = &m.method_sha256 {
        let got = crate::digest::of_bytes(&bytes);
        if &got != want {
            return Err(format!("{} has changed since the run (SHA-256 differs)", path.display()));
        }
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
    let doc: Value = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path.clone(), doc))
}

fn s(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Integer(i)) => i.to_string(),
        Some(Value::Float(f)) => f.to_string(),
        Some(Value::Boolean(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn arr(v: Option<&Value>) -> Vec<Value> {
    v.and_then(Value::as_array).cloned().unwrap_or_default()
}

/// A rule's reason without its placeholders: "T: 投产不满2年 in production < 2 years (established {established})"
/// → "T: 投产不满2年 in production < 2 years".
fn reason_text(rule: &Value) -> String {
    let reason = s(rule.get("reason"));
    let mut out = String::new();
    let mut depth = 0usize;
    let mut group = String::new();
    for c in reason.chars() {
        match c {
            '(' => {
                depth += 1;
                group.push(c);
            }
            ')' if depth > 0 => {
                depth -= 1;
                group.push(c);
                if depth == 0 {
                    if !group.contains('{') {
                        out.push_str(&group);
                    }
                    group.clear();
                }
            }
            _ if depth > 0 => group.push(c),
            _ => out.push(c),
        }
    }
    out.push_str(&group);
    // A placeholder outside brackets: keep the label before the last colon ("T: 数据不全 data incomplete").
    let out = match out.split_once('{') {
        Some((head, _)) => head
            .rsplit_once(':')
            .filter(|(h, _)| !h.trim().is_empty() && h.trim() != "T")
            .map_or(head, |(h, _)| h)
            .to_string(),
        None => out,
    };
    let out = out.trim().trim_end_matches([':', ',']).trim().to_string();
    if out.is_empty() {
        s(rule.get("rule"))
    } else {
        out
    }
}

fn land_basis(b: &str) -> String {
    match b {
        "owned_plus_rented_in_minus_rented_out" => "自有 + 租入 − 租出 (owned + rented in − rented out)".into(),
        "owned_plus_rented_in" => "自有 + 租入 (rented-out land not subtracted)".into(),
        "owned_only" => "自有 (certificated land only)".into(),
        "" => "自有 + 租入 − 租出 (default)".into(),
        other => other.into(),
    }
}

fn benchmark_rule(b: Option<&Value>) -> String {
    let Some(b) = b else { return "—".into() };
    if let Some(x) = b.as_float().or(b.as_integer().map(|i| i as f64)) {
        return format!("固定值 {x}");
    }
    let kind = s(b.get("kind"));
    let group = labels::group(&s(b.get("group")));
    let mut text = match kind.as_str() {
        "ratio_of_sums" => format!("{group} Σ分子 ÷ Σ分母 (ratio of sums)"),
        "mean" => format!("{group}平均值 (mean)"),
        "max" => format!("{group}最大值 (max)"),
        "percentile" => format!("{group}第 {} 百分位", s(b.get("p"))),
        "file" => format!("文件 {} 的 {} 列 ({group})", s(b.get("file")), s(b.get("column"))),
        other => other.to_string(),
    };
    if let Some(f) = b.get("factor") {
        text.push_str(&format!(" × {}", s(Some(f))));
    }
    if b.get("include_undetermined").and_then(Value::as_bool) == Some(false) {
        text.push_str(", 不含 T 类企业");
    }
    text
}

fn points(p: Option<&Value>) -> String {
    let get = |k: &str| s(p.and_then(|p| p.get(k)));
    let bounds = {
        let (cap, floor) = (get("cap_times_weight"), get("floor"));
        let mut b = Vec::new();
        if !cap.is_empty() {
            b.push(format!("上限 {cap} × 权重"));
        }
        if !floor.is_empty() {
            b.push(format!("下限 {floor}"));
        }
        if b.is_empty() {
            String::new()
        } else {
            format!(", {}", b.join(", "))
        }
    };
    match get("method").as_str() {
        "" | "ratio" => format!("基准值法: 得分 = 指标值 ÷ 基准值 × 权重{bounds}"),
        "minmax" => format!(
            "极差法: 得分 = 权重 × [{}% + {}% × (x − 最小值) ÷ (最大值 − 最小值)]{bounds}",
            get("base_pct"),
            get("span_pct")
        ),
        "value" => format!("得分 = 指标值 × 权重{bounds}"),
        other => format!("{other}{bounds}"),
    }
}

fn classes(c: Option<&Value>) -> String {
    let Some(c) = c else { return "—".into() };
    let labels: Vec<String> = arr(c.get("labels")).iter().map(|l| s(Some(l))).collect();
    let labels = if labels.is_empty() { vec!["A".into(), "B".into(), "C".into(), "D".into()] } else { labels };
    let group = labels::group(&s(c.get("group")));
    let method = s(c.get("method"));
    let numbers = |k: &str| arr(c.get(k)).iter().map(|x| s(Some(x))).collect::<Vec<_>>();
    match method.as_str() {
        "position_share" | "cumulative_round" => {
            let pcts = numbers("cum_pcts");
            let mut parts = Vec::new();
            let mut prev = "0".to_string();
            for (i, l) in labels.iter().enumerate() {
                match pcts.get(i) {
                    Some(p) if prev == "0" => parts.push(format!("前 {p}% {l}")),
                    Some(p) => parts.push(format!("{prev}%–{p}% {l}")),
                    None => parts.push(format!("其余 {l}")),
                }
                prev = pcts.get(i).cloned().unwrap_or_default();
            }
            format!("按{group}内总分位次 ({method}): {}", parts.join(", "))
        }
        "thresholds" => {
            let t = numbers("thresholds");
            let mut parts: Vec<String> = labels.iter().zip(&t).map(|(l, x)| format!("总分 ≥ {x} {l}")).collect();
            if let Some(l) = labels.get(t.len()) {
                parts.push(format!("其余 {l}"));
            }
            parts.join(", ")
        }
        "counts" => {
            let parts: Vec<String> = arr(c.get("counts"))
                .iter()
                .map(|x| format!("{} {}% ({})", s(x.get("class")), s(x.get("pct")), s(x.get("round"))))
                .collect();
            format!("按{group}名额: {}, 其余 {}", parts.join(", "), s(c.get("rest")))
        }
        other => other.to_string(),
    }
}

fn adjust(a: Option<&Value>) -> Vec<String> {
    let Some(a) = a else { return Vec::new() };
    let table = |k: &str, sign: bool| -> Vec<String> {
        a.get(k)
            .and_then(Value::as_table)
            .map(|t| {
                t.iter()
                    .map(|(n, v)| {
                        if sign && !s(Some(v)).starts_with('-') {
                            format!("{n} +{}", s(Some(v)))
                        } else {
                            format!("{n} {}", s(Some(v)))
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let bonus = table("bonus_tags", true);
    if !bonus.is_empty() {
        let cap = s(a.get("bonus_cap"));
        out.push(format!(
            "加分: {}{}",
            bonus.join(", "),
            if cap.is_empty() { String::new() } else { format!(" (合计不超过 {cap} 分)") }
        ));
    }
    let pen = table("penalty_events", false);
    if !pen.is_empty() {
        out.push(format!("减分: {}", pen.join(", ")));
    }
    let veto: Vec<String> = arr(a.get("veto_events")).iter().map(|v| s(Some(v))).collect();
    if !veto.is_empty() {
        out.push(format!("一票否决 (定为 {}): {}", s(a.get("veto_class")), veto.join(", ")));
    }
    out
}

fn benchmark_of(run: &RunData, track: &str, key: &str) -> String {
    let found: Vec<&str> =
        run.benchmarks.iter().filter(|b| b.track == track && b.indicator == key).map(|b| b.value.as_str()).collect();
    match found.as_slice() {
        [] => "—".into(),
        [one] => short(one),
        many => format!("{} 个分组值 (见 benchmarks.csv)", many.len()),
    }
}

/// A benchmark printed with four decimals (benchmarks.csv keeps full precision).
fn short(v: &str) -> String {
    super::run_data::num(v).map(|x| crate::decimal::round_half_up_str(x, 4)).unwrap_or_else(|| v.to_string())
}

fn from_file(run: &RunData, path: &std::path::Path, doc: &Value) -> Summary {
    let tracks = arr(doc.get("tracks"))
        .iter()
        .map(|t| {
            let name = s(t.get("name"));
            let default_points = t.get("points");
            let indicators = arr(t.get("indicators"))
                .iter()
                .map(|i| {
                    let key = s(i.get("key"));
                    let zh = s(i.get("zh"));
                    Indicator {
                        zh: if zh.is_empty() { labels::indicator(&key) } else { zh },
                        unit: s(i.get("unit")),
                        weight: s(i.get("weight")),
                        benchmark_rule: benchmark_rule(i.get("benchmark")),
                        benchmark: benchmark_of(run, &name, &key),
                        key,
                    }
                })
                .collect();
            Track {
                select: s(t.get("select")),
                scope: arr(t.get("scope")).iter().map(rule).collect(),
                undetermined: arr(t.get("undetermined")).iter().map(rule).collect(),
                points: points(default_points),
                classes: classes(t.get("classes")),
                indicators,
                name,
            }
        })
        .collect();
    Summary {
        source: format!("方法文件 {} (SHA-256 与本次评价一致)", path.display()),
        note: s(doc.get("scheme").and_then(|x| x.get("note"))),
        land_basis: land_basis(&s(doc.get("land").and_then(|l| l.get("basis")))),
        tracks,
        adjust: adjust(doc.get("adjust")),
    }
}

fn from_benchmarks(run: &RunData, why: String) -> Summary {
    let tracks = run
        .tracks
        .iter()
        .map(|t| Track {
            name: t.clone(),
            indicators: run
                .benchmarks
                .iter()
                .filter(|b| &b.track == t)
                .map(|b| Indicator {
                    key: b.indicator.clone(),
                    zh: labels::indicator(&b.indicator),
                    benchmark_rule: format!("{} ({})", b.how, labels::group(&b.group)),
                    benchmark: short(&b.value),
                    ..Indicator::default()
                })
                .collect(),
            ..Track::default()
        })
        .collect();
    Summary {
        source: format!("{why}; 以下据 benchmarks.csv (权重与定级规则见方法文件)"), tracks, ..Summary::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_in_words() {
        let v: Value = toml::from_str(
            "reason = \"T: 投产不满2年 in production < 2 years (established {established}, production {p})\"",
        )
        .unwrap();
        assert_eq!(reason_text(&v), "T: 投产不满2年 in production < 2 years");
        let v: Value =
            toml::from_str("reason = \"T: 数据不全 data incomplete: no rows for {missing_quarters}\"").unwrap();
        assert_eq!(reason_text(&v), "T: 数据不全 data incomplete");
        let v: Value = toml::from_str("reason = \"不在评价范围 out of scope: 规下 land {land} 亩 < 3 亩\"").unwrap();
        assert_eq!(reason_text(&v), "不在评价范围 out of scope");
        let c: Value =
            toml::from_str("method = \"position_share\"\ncum_pcts = [20, 60, 95]\ngroup = \"county\"").unwrap();
        assert_eq!(classes(Some(&c)), "按县区内总分位次 (position_share): 前 20% A, 20%–60% B, 60%–95% C, 其余 D");
        let c: Value = toml::from_str("method = \"thresholds\"\nthresholds = [90, 70, 50]").unwrap();
        assert_eq!(classes(Some(&c)), "总分 ≥ 90 A, 总分 ≥ 70 B, 总分 ≥ 50 C, 其余 D");
    }
}
