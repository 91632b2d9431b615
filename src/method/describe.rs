//! A methodology in words: every rule as a sentence a planner reads (Chinese, with the English key names
//! `check` prints beside them), never an internal name. `mujun check` prints it; the run writes it into
//! run.json for the reports, so a report describes the rules the run used.

use super::adjust_words::{adjust_words, policy_words};
pub use super::class_words::classes_words;
use super::words::{self, field_zh};
use super::{expr, Benchmark, Derived, DerivedKind, Group, LandBasis, Loaded, MissingRule};
use super::{PointsMethod, Rule, Track};
use crate::indicators::trim_number;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The methodology in words.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Description {
    pub scheme: String,
    pub title: String,
    pub sources: Vec<String>,
    pub note: String,
    pub land_basis: String,
    /// The rules that take firms out of the evaluation before any track.
    #[serde(default)]
    pub exclude: Vec<RuleWords>,
    /// The named groups (`[[groups]]`), one sentence each; 其他 takes the rest.
    #[serde(default)]
    pub groups: Vec<String>,
    pub tracks: Vec<TrackWords>,
    /// Bonus, penalty and veto items, one sentence each.
    pub adjust: Vec<String>,
    /// The order within a track and how ties are broken.
    pub ranking: String,
    /// Measures and electricity surcharges by class, one sentence per class.
    #[serde(default)]
    pub policies: Vec<String>,
    /// What the tables hold (`[output]`).
    #[serde(default)]
    pub output: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct TrackWords {
    pub name: String,
    /// The label of the undetermined class (T / 不定等级), and whether its firms are still scored.
    pub undetermined_class: String,
    pub score_undetermined: bool,
    /// Which enterprises the track takes.
    pub select: String,
    pub scope: Vec<RuleWords>,
    pub undetermined: Vec<RuleWords>,
    /// How points are given (the track's method, caps and floors).
    pub points: String,
    pub classes: String,
    pub indicators: Vec<IndicatorWords>,
}

/// A scope or T rule: its label (the reason without placeholders), the label's Chinese words alone, and
/// the rule in words.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RuleWords {
    pub label: String,
    pub label_zh: String,
    pub rule: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct IndicatorWords {
    pub key: String,
    pub zh: String,
    pub unit: String,
    pub weight: String,
    /// Numerator ÷ denominator in words.
    pub formula: String,
    pub benchmark_rule: String,
    /// Points when they differ from the track's (another method, cap or floor), and the missing-data rule.
    pub points: String,
}

pub(super) fn group_zh(g: Group) -> &'static str {
    match g {
        Group::City => "全市",
        Group::County => "县区",
        Group::Park => "园区",
        Group::Industry => "行业",
        Group::Named => "分组",
    }
}

/// A rule's reason without its placeholders: "T: 投产不满2年 (established {established})" → "T: 投产不满2年".
fn reason_label(r: &Rule) -> String {
    let mut out = String::new();
    let (mut depth, mut group) = (0usize, String::new());
    for c in r.reason.chars() {
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
    out.trim().trim_end_matches([':', ',']).trim().to_string()
}

/// A rule's expression in words (the text as written if it does not parse, which `load` has excluded).
pub(super) fn rule_zh(src: &str) -> String {
    expr::parse(src).map(|e| words::zh(&e)).unwrap_or_else(|_| src.to_string())
}

/// The Chinese words of a bilingual label: "T: 水电气热供应 utility" → "水电气热供应". A label without Chinese
/// is kept.
fn chinese_part(label: &str) -> String {
    let is_cjk = |c: char| ('\u{2e80}'..='\u{9fff}').contains(&c) || ('\u{f900}'..='\u{faff}').contains(&c);
    let t = label.trim();
    let t = t.strip_prefix("T:").or_else(|| t.strip_prefix("T：")).unwrap_or(t).trim();
    let (Some(first), Some(last)) = (t.find(is_cjk), t.rfind(is_cjk)) else { return label.trim().to_string() };
    let end = last + t[last..].chars().next().map_or(0, char::len_utf8);
    // Keep what belongs to the Chinese words (digits, brackets, units written next to them).
    let tail: String = t[end..].chars().take_while(|c| !c.is_ascii_alphabetic() && *c != ' ').collect();
    format!("{}{tail}", &t[first..end]).trim().to_string()
}

fn rule_words(r: &Rule) -> RuleWords {
    let label = reason_label(r);
    let rule = r.zh.clone().unwrap_or_else(|| rule_zh(&r.rule));
    RuleWords { label_zh: chinese_part(&label), label, rule }
}

fn benchmark_rule(b: Option<&Benchmark>) -> String {
    match b {
        None => "无基准值".into(),
        Some(Benchmark::Fixed(x)) => format!("固定值 {}", trim_number(*x)),
        Some(Benchmark::Derived(d)) => derived(d),
    }
}

fn derived(d: &Derived) -> String {
    let g = group_zh(d.group);
    let mut text = match d.kind {
        DerivedKind::RatioOfSums => format!("{g} Σ分子 ÷ Σ分母"),
        DerivedKind::Mean => format!("{g}平均值"),
        DerivedKind::Max => format!("{g}最优值 (最大值)"),
        DerivedKind::Percentile => format!("{g}第 {} 百分位数", trim_number(d.p.unwrap_or(50.0))),
        DerivedKind::File => {
            let (f, c) = (d.file.as_deref().unwrap_or(""), d.column.as_deref().unwrap_or(""));
            format!("文件 {f} 的 {c} 列 (按{g})")
        }
    };
    if d.factor != 1.0 {
        let _ = write!(text, " × {}", trim_number(d.factor));
    }
    text.push_str(if d.include_undetermined {
        ", 含计分的不定等级企业"
    } else {
        ", 不含不定等级企业"
    });
    text
}

fn method_words(m: PointsMethod, t: &Track) -> String {
    let p = &t.points;
    match m {
        PointsMethod::Ratio => "基准值法: 得分 = 指标值 ÷ 基准值 × 权重".into(),
        PointsMethod::InverseRatio => "逆向基准值法: 得分 = (2 − 指标值 ÷ 基准值) × 权重, 不低于 0".into(),
        PointsMethod::Value => "得分 = 指标值 × 权重".into(),
        PointsMethod::Minmax => format!(
            "极差法: 得分 = 权重 × [{}% + {}% × (x − 最小值) ÷ (最大值 − 最小值)], 按{}取最值",
            trim_number(p.base_pct),
            trim_number(p.span_pct),
            group_zh(p.minmax_group)
        ),
    }
}

fn bounds(cap: Option<f64>, floor: Option<f64>) -> String {
    let mut b = Vec::new();
    if let Some(c) = cap {
        b.push(format!("上限 {} × 权重", trim_number(c)));
    }
    if let Some(f) = floor {
        b.push(format!("下限 {} 分", trim_number(f)));
    }
    b.join(", ")
}

fn missing_words(rule: MissingRule, points: f64) -> String {
    match rule {
        MissingRule::ZeroPoints => "得 0 分".into(),
        MissingRule::FullWeight => "得满分 (权重)".into(),
        MissingRule::TrackMeanPoints => "得本序列该指标平均分".into(),
        MissingRule::Undetermined => "定为不定等级".into(),
        MissingRule::FixedPoints => format!("得 {} 分", trim_number(points)),
    }
}

/// The weight, with the weights that differ by firm: `70 (县区为汉阴县时 80)`.
fn weight_words(i: &super::Indicator) -> String {
    let mut w = trim_number(i.weight);
    if !i.weights.is_empty() {
        let rules: Vec<String> =
            i.weights.iter().map(|r| format!("{}时 {}", rule_zh(&r.rule), trim_number(r.weight))).collect();
        let _ = write!(w, " ({})", rules.join("; "));
    }
    w
}

fn indicator_words(t: &Track, i: &super::Indicator) -> IndicatorWords {
    let num = rule_zh(&i.num);
    let formula = if i.den.trim() == "1" { num } else { format!("{num} ÷ {}", rule_zh(&i.den)) };
    let mut points = Vec::new();
    if let Some(b) = &i.block {
        points.push(format!("属于板块 {b} (板块小计列 block_{b})"));
    }
    if let Some(m) = i.method.filter(|m| *m != t.points.method) {
        points.push(method_words(m, t));
    }
    let b = bounds(i.cap_times_weight, i.floor);
    if !b.is_empty() {
        points.push(b);
    }
    if let Some(a) = &i.applies {
        points.insert(0, format!("仅适用于 {}", rule_zh(a)));
    }
    points.push(format!("数据缺失时{}", missing_words(i.on_missing, i.missing_points)));
    let z = i.on_zero_denominator.unwrap_or(i.on_missing);
    points.push(format!("分母为 0 时{}", missing_words(z, i.missing_points)));
    if i.benchmark.is_some() {
        let rule = i.on_nonpositive_benchmark.unwrap_or(MissingRule::ZeroPoints);
        points.push(format!("基准值 ≤ 0 时{}", missing_words(rule, i.missing_points)));
    }
    IndicatorWords {
        key: i.key.clone(),
        zh: if i.zh.is_empty() { i.key.clone() } else { i.zh.clone() },
        unit: i.unit.clone(),
        weight: weight_words(i),
        formula,
        benchmark_rule: benchmark_rule(i.benchmark.as_ref()),
        points: points.join("; "),
    }
}

/// The methodology in words.
pub fn describe(l: &Loaded) -> Description {
    let m = &l.method;
    let land_basis = match m.land.basis {
        LandBasis::OwnedPlusRentedInMinusRentedOut => "自有 + 租入 − 租出",
        LandBasis::OwnedPlusRentedIn => "自有 + 租入 (租出不扣减)",
        LandBasis::OwnedOnly => "仅自有",
    };
    let mut merge =
        if m.land.merge_tenants { "; 承租企业并入出租方合并评价".to_string() } else { String::new() };
    if m.land.merge_tenants || reads_tenants(m) {
        merge.push_str(
            "; 承租企业: 用地文件 counterparty 列所列承租方, 未列时为在本企业租出宗地上有租入记录的其他企业, 每家计一次",
        );
    }
    let tracks = m
        .tracks
        .iter()
        .map(|t| {
            let cap =
                t.points.cap_times_weight.map_or("不设上限".into(), |c| format!("上限 {} × 权重", trim_number(c)));
            let floor = t.points.floor.map_or("不设下限".into(), |f| format!("下限 {} 分", trim_number(f)));
            let points = format!("{}, {cap}, {floor}", method_words(t.points.method, t));
            TrackWords {
                name: t.name.clone(),
                undetermined_class: t.undetermined_class.clone(),
                score_undetermined: t.score_undetermined,
                select: match &t.select_zh {
                    Some(zh) => zh.clone(),
                    None if t.select.trim() == "true" => "全部企业".into(),
                    None => rule_zh(&t.select),
                },
                scope: t.scope.iter().map(rule_words).collect(),
                undetermined: t.undetermined.iter().map(rule_words).collect(),
                points,
                classes: classes_words(&t.classes),
                indicators: t.indicators.iter().map(|i| indicator_words(t, i)).collect(),
            }
        })
        .collect();
    let zh_of = |key: &str| {
        let ind = m.tracks.iter().flat_map(|t| &t.indicators).find(|i| i.key == key && !i.zh.is_empty());
        ind.map_or_else(|| field_zh(key), |i| i.zh.clone())
    };
    let tie: Vec<String> = m.ranking.tie_break.iter().map(|k| zh_of(k)).collect();
    let mut ranking = "按总分 (两位小数) 从高到低".to_string();
    if !tie.is_empty() {
        let _ = write!(ranking, ", 同分按 {} 从高到低", tie.join("、"));
    }
    ranking.push_str(", 再按统一社会信用代码");
    ranking.push_str(if m.ranking.shared_ranks {
        "; 总分相同者名次相同 (1, 2, 2, 4), 序列、分组、县区、园区、行业各级排名同此"
    } else {
        "; 总分相同者按上述顺序依次排名, 各级排名同此"
    });
    Description {
        scheme: m.scheme.name.clone(),
        title: m.scheme.title.clone(),
        sources: m.scheme.sources.clone(),
        note: m.scheme.note.clone(),
        land_basis: format!("{land_basis}{merge}"),
        exclude: m.exclude.iter().map(rule_words).collect(),
        groups: m.groups.iter().map(super::GroupDef::words).collect(),
        tracks,
        adjust: adjust_words(l),
        ranking,
        policies: policy_words(l),
        output: m.output.words(),
    }
}

/// Whether a rule of the methodology reads the landlord-tenant relation.
fn reads_tenants(m: &super::Methodology) -> bool {
    let mut texts: Vec<&str> = m.exclude.iter().map(|r| r.rule.as_str()).collect();
    texts.extend(m.adjust.formulas.iter().flat_map(|f| [f.rule.as_str(), f.points.as_str()]));
    for t in &m.tracks {
        texts.push(&t.select);
        texts.extend(t.scope.iter().chain(&t.undetermined).map(|r| r.rule.as_str()));
        texts.extend(t.indicators.iter().flat_map(|i| [i.num.as_str(), i.den.as_str()]));
        texts.extend(t.indicators.iter().filter_map(|i| i.applies.as_deref()));
    }
    texts.iter().any(|x| x.contains("tenants") || x.contains("area_rented_out_to"))
}

impl Description {
    /// The description as `mujun check` prints it.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "方案 scheme: {} — {}", self.scheme, self.title);
        for src in &self.sources {
            let _ = writeln!(s, "  来源 source: {src}");
        }
        let _ = writeln!(s, "用地面积口径 land basis: {}", self.land_basis);
        for r in &self.exclude {
            let _ = writeln!(s, "免于评价 excluded: 若 {} ({})", r.rule, r.label);
        }
        for g in &self.groups {
            let _ = writeln!(s, "分组 group {g}");
        }
        if !self.groups.is_empty() {
            let _ = writeln!(s, "分组 group {}: 不属于以上分组的企业", super::groups::OTHER);
        }
        for t in &self.tracks {
            let _ = writeln!(s, "评价序列 track {}: 适用于 {}", t.name, t.select);
            let _ = writeln!(s, "  不计分 not scored: 用地面积 ≤ 0 的企业 (无法计算亩均), 列入名单并注明原因");
            for r in &t.scope {
                let _ = writeln!(s, "  评价范围 scope: 须 {} (否则: {})", r.rule, r.label);
            }
            for r in &t.undetermined {
                let _ =
                    writeln!(s, "  不定等级 undetermined: 若 {} 则定为 {} ({})", r.rule, t.undetermined_class, r.label);
            }
            if t.score_undetermined {
                let _ = writeln!(s, "  不定等级企业照常计分 undetermined firms are scored");
            }
            let _ = writeln!(s, "  计分 points: {}", t.points);
            for i in &t.indicators {
                let _ = writeln!(
                    s,
                    "  指标 {} {} [{}] = {}; 权重 weight {}; 基准值 benchmark: {}; {}",
                    i.key, i.zh, i.unit, i.formula, i.weight, i.benchmark_rule, i.points
                );
            }
            let _ = writeln!(s, "  定等 classes: {}", t.classes);
        }
        for a in &self.adjust {
            let _ = writeln!(s, "加减分 adjust: {a}");
        }
        for p in &self.policies {
            let _ = writeln!(s, "政策 policies: {p}");
        }
        let _ = writeln!(s, "排序 order: {}", self.ranking);
        let _ = write!(s, "输出 output: {}", self.output);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_their_chinese_words() {
        assert_eq!(chinese_part("T: 水电气热供应 utility"), "水电气热供应");
        assert_eq!(chinese_part("T: 投产不满2年 in production < 2 years"), "投产不满2年");
        assert_eq!(chinese_part("不在评价范围 out of scope"), "不在评价范围");
        assert_eq!(chinese_part("out of scope"), "out of scope");
        assert_eq!(chinese_part("用地面积不足3亩"), "用地面积不足3亩");
    }

    /// `check` reads every rule of the default preset in words, with no internal name or raw expression.
    #[test]
    fn the_default_preset_reads_in_words() {
        let path = std::path::Path::new("data/methods/ankang_default.toml");
        let l = crate::method::load_str(include_str!("../../data/methods/ankang_default.toml"), path).unwrap();
        let text = describe(&l).text();
        for words in [
            "适用于 用地面积 ≤ 0 且 租赁厂房面积 > 0",
            "若 行业代码以 44/45/46 开头 则定为 T",
            "若 投产日期 > (评价年度 − 2)年12月31日 或 (投产日期缺失 且 成立日期 > (评价年度 − 2)年12月31日)",
            "亩均税收 [万元/亩] = 实缴税金 ÷ 用地面积; 权重 weight 30; 基准值 benchmark: 全市 Σ分子 ÷ Σ分母, 不含不定等级企业",
            "前 20% 为 A, 20%–60% 为 B, 60%–95% 为 C, 其余为 D",
            "同分按 亩均税收 从高到低",
        ] {
            assert!(text.contains(words), "`check` lacks {words:?}:\n{text}");
        }
        for code in ["RatioOfSums", "Some(", "ZeroPoints", "scale ==", "starts_with", "[] →"] {
            assert!(!text.contains(code), "`check` prints {code:?}:\n{text}");
        }
    }
}
