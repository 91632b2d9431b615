//! Text the command line prints: run summaries, validation summaries, a methodology read back in words,
//! and where the demo finds its data.

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::method::{Benchmark, ClassMethod, Loaded, PointsMethod};
use crate::pipeline::Run;
use crate::score::Status;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

pub fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// Counts per status and class, the exceptions, and the top five of each track.
pub fn summary(run: &Run, out: &Path) -> String {
    let mut s = String::new();
    let m = &run.method.method;
    let _ = writeln!(s, "mujun {}: {} ({}) for {}", crate::VERSION, m.scheme.name, m.scheme.title, run.period.label);
    // One pass over the firms (a million at provincial scale): statuses, classes and graded firms per track.
    let mut status: BTreeMap<Status, usize> = BTreeMap::new();
    let mut classes: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); m.tracks.len()];
    let mut graded: Vec<Vec<usize>> = vec![Vec::new(); m.tracks.len()];
    for (i, x) in run.scored.iter().enumerate() {
        *status.entry(x.status).or_default() += 1;
        if let Some(t) = x.track {
            if !x.class.is_empty() {
                *classes[t].entry(x.class.as_str()).or_default() += 1;
            }
            if x.status == Status::Graded {
                graded[t].push(i);
            }
        }
    }
    let st: Vec<String> = status.iter().map(|(k, v)| format!("{} {v}", k.code())).collect();
    let _ = writeln!(s, "enterprises: {} ({})", run.scored.len(), st.join(", "));
    for ((track, classes), mut top) in m.tracks.iter().zip(&classes).zip(graded) {
        let cl: Vec<String> = classes.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ =
            writeln!(s, "track {}: classes {}", track.name, if cl.is_empty() { "none".into() } else { cl.join(", ") });
        // The city's top five by rounded total, then id.
        let order = |&a: &usize, &b: &usize| {
            let (x, y) = (&run.scored[a], &run.scored[b]);
            let (tx, ty) = (x.total_rounded().unwrap_or(f64::MIN), y.total_rounded().unwrap_or(f64::MIN));
            ty.total_cmp(&tx).then_with(|| run.data.enterprises[a].id.cmp(&run.data.enterprises[b].id))
        };
        // Only the first five are shown: selected, then sorted.
        if top.len() > 5 {
            top.select_nth_unstable_by(4, order);
            top.truncate(5);
        }
        top.sort_by(order);
        for (n, &i) in top.iter().take(5).enumerate() {
            let (e, x) = (&run.data.enterprises[i], &run.scored[i]);
            let _ = writeln!(
                s,
                "  {}. {} {} {} {} {} (county rank {})",
                n + 1,
                x.total_text,
                x.class,
                e.county,
                e.name,
                e.id,
                x.county_rank.unwrap_or(0)
            );
        }
    }
    let read: usize = run.data.accounts.iter().map(|a| a.read).sum();
    let excepted: usize = run.data.accounts.iter().map(|a| a.excepted).sum();
    let _ = writeln!(
        s,
        "input rows: {read} read, {} used, {excepted} excluded; {} exception lines",
        read - excepted,
        run.data.exceptions.len()
    );
    let _ = write!(s, "results: {} (enterprises.csv, results.xlsx, exceptions.csv, manifest.json)", out.display());
    s
}

pub fn validation_summary(ds: &Dataset) -> String {
    let mut s = String::new();
    for a in &ds.accounts {
        let _ = writeln!(
            s,
            "{:<20} {:>9} read {:>9} used {:>7} excluded  ({})",
            a.file, a.read, a.used, a.excepted, a.encoding
        );
    }
    for (k, n) in crate::validate::summarize(&ds.exceptions) {
        let _ = writeln!(s, "  {k}: {n}");
    }
    let _ = write!(s, "{} exception lines", ds.exceptions.len());
    s
}

/// The methodology read back in words, in Chinese and English, to compare with the published scheme.
pub fn describe_method(l: &Loaded) -> String {
    let m = &l.method;
    let mut s = String::new();
    let _ = writeln!(s, "方案 scheme {} — {}", m.scheme.name, m.scheme.title);
    for src in &m.scheme.sources {
        let _ = writeln!(s, "  来源 source: {src}");
    }
    let basis = match m.land.basis {
        crate::method::LandBasis::OwnedPlusRentedInMinusRentedOut => {
            "自有 + 租入 − 租出 (owned + rented in − rented out)"
        }
        crate::method::LandBasis::OwnedPlusRentedIn => {
            "自有 + 租入, 租出不扣减 (owned + rented in; rented out not subtracted)"
        }
        crate::method::LandBasis::OwnedOnly => "仅自有 (owned land only)",
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

/// (projects folder, standard-land rules file) of the committed sample.
pub fn demo_projects_paths() -> (PathBuf, PathBuf) {
    let roots = [PathBuf::from("."), PathBuf::from(env!("CARGO_MANIFEST_DIR"))];
    let root = roots.iter().find(|r| r.join("data/sample_projects").is_dir()).cloned().unwrap_or_default();
    (root.join("data/sample_projects"), root.join("data/methods/standard_land_default.toml"))
}

/// (data folder, methodology file, output folder) for `mujun demo`: the committed sample city, or a
/// freshly generated one when run outside the repository.
pub fn demo_paths() -> Result<(PathBuf, PathBuf, PathBuf)> {
    let roots = [PathBuf::from("."), PathBuf::from(env!("CARGO_MANIFEST_DIR"))];
    let root = roots.iter().find(|r| {
        r.join("data/sample/enterprises.csv").is_file() && r.join("data/methods/ankang_default.toml").is_file()
    });
    match root {
        Some(r) => {
            Ok((r.join("data/sample"), r.join("data/methods/ankang_default.toml"), PathBuf::from("reports/demo")))
        }
        None => Err(Error::BadInput(
            "demo needs data/sample and data/methods/ankang_default.toml: run it from the mujun folder".into(),
        )),
    }
}
