//! The card's sentences (Chinese): a change found, why none is, and the assumptions of the search.

use super::takes::Move;
use crate::decimal::round_half_up_str;
use crate::indicators::trim_number;

/// A number with `decimals` decimals, half up, trailing zeros kept off ("188.2", "12").
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = round_half_up_str(x, decimals);
    if s.contains('.') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            "0".into()
        } else {
            t.to_string()
        }
    } else {
        s
    }
}

/// A signed change: "+38.2", "−12" (a true minus sign).
pub fn signed(x: f64, decimals: usize) -> String {
    let s = fixed(x.abs(), decimals);
    if x < 0.0 {
        format!("−{s}")
    } else {
        format!("+{s}")
    }
}

/// "实缴税金 +38.2 万元 (150 → 188.2), 总分 72.40, 升至 B 类".
pub fn change(m: &Move) -> String {
    let (Some(now), Some(d)) = (m.current, m.change) else { return String::new() };
    let unit = if m.unit.is_empty() || m.unit == "ratio" { String::new() } else { format!(" {}", m.unit) };
    let mut s =
        format!("{} {}{unit} ({} → {})", m.lever_zh, signed(d, m.decimals), trim_number(now), trim_number(now + d));
    if let Some(p) = m.change_pct {
        s.push_str(&format!(", 变化 {}%", signed(p, 1)));
    }
    if let (Some(t), Some(c)) = (&m.new_total, &m.new_class) {
        s.push_str(&format!("; 总分 {t}, 升至 {c} 类"));
    }
    s
}

/// Why no change of one lever lifts the class.
pub fn no_change(m: &Move, target: Option<f64>, cap: Option<f64>, capped: bool) -> String {
    let mut s = format!("仅调整{}无法升级", m.lever_zh);
    match (&m.best_total, target) {
        (Some(b), Some(t)) => s.push_str(&format!(": 单项最高总分 {b}, 需 {}", round_half_up_str(t, 2))),
        (Some(b), None) => s.push_str(&format!(": 单项最高总分 {b}")),
        _ => {}
    }
    match cap {
        Some(c) if capped => s.push_str(&format!(" (该指标得分已达上限 {} 分)", trim_number(c))),
        Some(c) => s.push_str(&format!(" (该指标得分上限 {} 分)", trim_number(c))),
        None => {}
    }
    s
}

/// The class rule of the target class in words, with the total it takes.
pub fn rule(by_places: bool, class: &str, target: Option<f64>, last: Option<&str>) -> String {
    let t = target.map(|t| round_half_up_str(t, 2));
    match (by_places, t, last) {
        (true, Some(t), Some(last)) => format!(
            "{class} 类按名额确定: 需排在当前 {class} 类末位企业 (总分 {last}) 之前, 即总分至少 {t} (同分按并列规则排序)"
        ),
        (true, Some(t), None) => format!("{class} 类按名额确定: 需总分至少 {t}"),
        (false, Some(t), _) => format!("{class} 类按分数线确定: 总分 (四舍五入至 0.01) 至少 {t}"),
        (_, None, _) => format!("{class} 类不能仅靠提高总分达到"),
    }
}

/// The assumptions every search makes, and those of this methodology.
pub fn assumptions(by_places: bool, derived_benchmark: bool, minmax: bool) -> Vec<String> {
    let mut v = vec![
        "每次只调整一个数据, 其他数据不变; 读取同一数据的其他指标与加减分规则随之变化。".to_string(),
        "其他企业的数据与得分保持不变。".to_string(),
    ];
    if derived_benchmark {
        v.push("基准值保持本次评价的数值不变 (基准值由全体企业数据计算, 本企业数据变化对基准值的影响不计)。".into());
    } else {
        v.push("基准值为方案规定的固定值。".into());
    }
    if minmax {
        v.push("极差法指标: 其他企业的最大值、最小值不变, 本企业的新值计入。".into());
    }
    if by_places {
        v.push("按名额定级时, 企业升级后原上一等级的末位企业随之降级; 名额总数不变。".into());
    }
    v.push("变化量按报告单位取整 (万元取 0.1, 吨标煤取 1), 并已验证取整后的变化确能升级。".into());
    v
}

/// A bonus or penalty item in words ("加分: 高新技术企业", "减分事件: env_penalty 2025-03-01").
pub fn item(what: &str) -> String {
    for (prefix, zh) in [("bonus tag ", "加分标签: "), ("bonus event ", "加分事件: "), ("penalty event ", "减分事件: ")]
    {
        if let Some(rest) = what.strip_prefix(prefix) {
            return format!("{zh}{rest}");
        }
    }
    what.to_string()
}

/// The score stage's notes in Chinese (the methodology's own reasons are kept as written).
const REASONS: [(&str, &str); 21] = [
    ("no track selects this enterprise (scale ", "没有评价序列选中该企业 (规模 "),
    ("not scored: land basis ", "不计分: 用地面积 "),
    ("): nothing to divide by", ")"),
    (" cannot be computed (denominator is zero)", " 无法计算 (分母为零)"),
    (" cannot be computed (data missing)", " 无法计算 (数据缺失)"),
    ("T: no benchmark for ", "T: 所在分组无基准值: "),
    (" in this firm's group", ""),
    ("bonus capped (", "加分封顶 ("),
    ("penalty capped (", "减分封顶 ("),
    (" capped (", " 得分封顶 ("),
    (" floored (", " 得分保底 ("),
    (" denominator zero → ", " 分母为零 → "),
    (" missing → ", " 数据缺失 → "),
    (" benchmark ", " 基准值 "),
    ("→ 0 points", "→ 0 分"),
    ("→ full weight", "→ 满分"),
    ("→ track mean points", "→ 序列平均得分"),
    ("→ undetermined", "→ 不定等级"),
    ("→ fixed points", "→ 固定得分"),
    ("merged with its landlord ", "并入出租方 "),
    (": shares the landlord's result", ", 与出租方同一结果"),
];

/// A reason of the run in Chinese: the score stage's English notes translated, the rest as written.
pub fn reason(s: &str) -> String {
    if let Some(rest) = s.strip_prefix("veto: ") {
        return format!("一票否决: {}", rest.replacen(" on ", " 于 ", 1));
    }
    REASONS.iter().fold(s.to_string(), |acc, (en, zh)| acc.replace(en, zh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_notes_read_in_chinese() {
        assert_eq!(
            (fixed(10.0, 1), fixed(16.7, 1), fixed(-15.0, 0), fixed(-0.04, 1)),
            ("10".into(), "16.7".into(), "-15".into(), "0".into())
        );
        assert_eq!((signed(-15.0, 0), signed(38.2, 1)), ("−15".to_string(), "+38.2".to_string()));
        assert_eq!(reason("单位排放增加值 capped (21.7246 → 20)"), "单位排放增加值 得分封顶 (21.7246 → 20)");
        assert_eq!(
            reason("veto: safety_accident_major on 2025-03-01 → D"),
            "一票否决: safety_accident_major 于 2025-03-01 → D"
        );
        assert_eq!(reason("单位排放增加值 missing → track mean points"), "单位排放增加值 数据缺失 → 序列平均得分");
        assert_eq!(item("bonus tag 高新技术企业"), "加分标签: 高新技术企业");
    }
}
