//! A methodology read back in words, in Chinese and English, to compare with the published scheme
//! (`mujun check`).

use super::{Benchmark, ClassMethod, LandBasis, Loaded, PointsMethod};
use std::fmt::Write;

/// The methodology read back in words, in Chinese and English, to compare with the published scheme.
pub fn describe(l: &Loaded) -> String {
    let m = &l.method;
    let mut s = String::new();
    let _ = writeln!(s, "方案 scheme {} — {}", m.scheme.name, m.scheme.title);
    for src in &m.scheme.sources {
        let _ = writeln!(s, "  来源 source: {src}");
    }
    let basis = match m.land.basis {
        LandBasis::OwnedPlusRentedInMinusRentedOut => "自有 + 租入 − 租出 (owned + rented in − rented out)",
        LandBasis::OwnedPlusRentedIn => "自有 + 租入, 租出不扣减 (owned + rented in; rented out not subtracted)",
        LandBasis::OwnedOnly => "仅自有 (owned land only)",
    };
    let _ = writeln!(s, "用地面积 land basis: {basis}");
    for t in &m.tracks {
        let _ = writeln!(s, "评价序列 track {} — 适用 taken when: {}", t.name, t.select);
        for r in &t.scope {
            let _ = writeln!(s, "  评价范围 in scope only if: {}  (否则 else: {})", r.rule, r.reason);
        }
        for r in &t.undetermined {
            let _ = writeln!(s, "  不定等级 class {} if: {}  ({})", t.undetermined_class, r.rule, r.reason);
        }
        if t.score_undetermined {
            let _ = writeln!(s, "  不定等级企业照常计分 undetermined firms are scored");
        }
        for i in &t.indicators {
            let method = match i.method.unwrap_or(t.points.method) {
                PointsMethod::Ratio => "指标值 ÷ 基准值 × 权重 (value ÷ benchmark × weight)".to_string(),
                PointsMethod::InverseRatio => {
                    "(2 − 指标值 ÷ 基准值) × 权重, 不低于0 ((2 − value ÷ benchmark) × weight, at least 0)".to_string()
                }
                PointsMethod::Minmax => format!(
                    "权重 × [{} + {} × (x − min) ÷ (max − min)] ÷ 100 (min-max over {:?})",
                    t.points.base_pct, t.points.span_pct, t.points.minmax_group
                ),
                PointsMethod::Value => "指标值 × 权重 (value × weight)".to_string(),
            };
            let b = match &i.benchmark {
                Some(Benchmark::Fixed(x)) => format!("基准值 benchmark {x} (固定 fixed)"),
                Some(Benchmark::Derived(d)) => format!(
                    "基准值 benchmark {:?} by {:?} × {}{}",
                    d.kind,
                    d.group,
                    d.factor,
                    d.file.as_ref().map(|f| format!(" from {f}")).unwrap_or_default()
                ),
                None => String::new(),
            };
            let cap = i
                .cap_times_weight
                .or(t.points.cap_times_weight)
                .map(|c| format!(", 封顶 cap {c} × weight"))
                .unwrap_or_default();
            let floor = i.floor.or(t.points.floor).map(|f| format!(", 保底 floor {f}")).unwrap_or_default();
            let _ = writeln!(s, "  指标 {} {} = ({}) ÷ ({}) [{}]: 权重 weight {}; {b}; 计分 {method}{cap}{floor}; 缺失 if missing: {:?}", i.key, i.zh, i.num, i.den, i.unit, i.weight, i.on_missing);
        }
        let c = &t.classes;
        let rule = match c.method {
            ClassMethod::CumulativeRound => {
                format!("累计取整 cut positions ⌊(N × p + 50) / 100⌋, p = {:?}", c.cum_pcts)
            }
            ClassMethod::PositionShare => {
                format!("按位次比例 position p in a class while 100·p ≤ pct·N, pct = {:?}", c.cum_pcts)
            }
            ClassMethod::Counts => format!(
                "按名额 counts {:?}, 其余 rest {:?}",
                c.counts.iter().map(|x| format!("{} {}% {:?}", x.class, x.pct, x.round)).collect::<Vec<_>>(),
                c.rest
            ),
            ClassMethod::Thresholds => format!("按分数线 rounded total at least {:?}", c.thresholds),
        };
        let _ = writeln!(s, "  分类 classes {:?}, 分组 per {:?}: {rule}; 并列 ties {:?}", c.labels, c.group, c.ties);
    }
    let a = &m.adjust;
    let _ = writeln!(s, "加分 bonus tags {:?}, events {:?}, 上限 cap {:?}", a.bonus_tags, a.bonus_events, a.bonus_cap);
    let _ = writeln!(s, "减分 penalties {:?}, 上限 cap {:?}", a.penalty_events, a.penalty_cap);
    for f in &a.formulas {
        let _ = writeln!(s, "公式加减分 formula {}: if {} then {} points", f.name, f.rule, f.points);
    }
    let _ = writeln!(s, "一票否决 vetoes {:?} → {}", a.veto_events, a.veto_class);
    let _ = write!(
        s,
        "排序 order: 总分(两位小数)降序 rounded total desc, then {:?} desc, then enterprise_id asc{}",
        m.ranking.tie_break,
        if m.ranking.shared_ranks { "; 并列同名次 tied totals share a rank" } else { "" }
    );
    s
}
