//! The worked examples of the methodology reference (Part B, W1–W4): each example's inputs and
//! methodology file, run through `mujun evaluate`, must reproduce the published tables to the last
//! printed digit. Expected tables were copied from methodology.md into tests/golden/<name>/expected_*.csv.

use crate::common::*;
use std::path::Path;

/// Maps a column of the reference tables to the enterprises.csv column.
fn column(h: &str) -> Option<String> {
    Some(match h {
        "ref" | "notes" | "bonus" | "penalty" => return None,
        "land 亩" => "land_mu".into(),
        "county rank" => "county_rank".into(),
        "score (= tax_per_mu, 2 dp)" => "total".into(),
        h if h.starts_with("pts ") => format!("pts_{}", &h[4..]),
        h => h.to_string(),
    })
}

fn number(s: &str) -> f64 {
    s.split_whitespace().next().unwrap_or("0").parse().unwrap_or(0.0)
}

fn check(name: &str, tables: &[&str]) {
    let dir = repo(&format!("tests/golden/{name}"));
    check_with(name, &dir.join("methodology.toml"), tables);
}

fn check_with(name: &str, method: &Path, tables: &[&str]) {
    let dir = repo(&format!("tests/golden/{name}"));
    let out = tempfile::tempdir().unwrap();
    evaluate(&dir, method, "2024", out.path());
    let got = by_key(&out.path().join("enterprises.csv"), "ref");
    let mut checked = 0;
    for table in tables {
        for want in read_rows(&dir.join(format!("expected_{table}.csv"))) {
            let r = &want["ref"];
            let row = got.get(r).unwrap_or_else(|| panic!("{name}: {r} missing from enterprises.csv"));
            for (h, v) in &want {
                let expected = if v == "—" { "" } else { v.as_str() };
                match (column(h), h.as_str()) {
                    (Some(c), _) => {
                        let actual = row.get(&c).unwrap_or_else(|| panic!("{name}: no column {c}"));
                        assert_eq!(actual, expected, "{name} {r} {c}");
                        checked += 1;
                    }
                    (None, "bonus") if !expected.is_empty() => {
                        assert_eq!(number(&row["bonus"]), number(expected), "{name} {r} bonus")
                    }
                    (None, "penalty") if !expected.is_empty() => {
                        assert_eq!(number(&row["penalty"]), number(expected), "{name} {r} penalty")
                    }
                    (None, "notes") if !expected.is_empty() => {
                        assert!(!row["reason"].is_empty(), "{name} {r}: a reason is expected ({expected})")
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(checked > 50, "{name}: only {checked} cells compared");
}

#[test]
fn w1_zj6_fixed_benchmarks_and_track_mean_points() {
    check("w1_zj6", &["results_gs", "results_gx"]);
}

#[test]
fn w2_bench_cap_floor_bonus_penalty_veto_and_t() {
    check("w2_bench", &["results"]);
}

#[test]
fn w3_quota_ratio_of_sums_and_undetermined() {
    check("w3_quota", &["results_gs", "results_gx"]);
    // The derived benchmarks, printed at 6 decimals in the reference.
    let dir = repo("tests/golden/w3_quota");
    let out = tempfile::tempdir().unwrap();
    evaluate(&dir, &dir.join("methodology.toml"), "2024", out.path());
    let bench = by_key(&out.path().join("benchmarks.csv"), "indicator");
    for want in read_rows(&dir.join("expected_benchmarks.csv")) {
        let key = &want["indicator"];
        let value: f64 = bench[key]["benchmark"].parse().unwrap();
        let shown = mujun::decimal::round_half_up_str(value, 6);
        assert_eq!(&shown, want.values().find(|v| v.contains('.')).unwrap(), "{key}");
    }
}

#[test]
fn w4_minmax_and_count_quotas() {
    check("w4_minmax", &["results_gs", "results_gx"]);
}

#[test]
fn golden_inputs_have_no_exceptions() {
    for name in ["w1_zj6", "w2_bench", "w3_quota", "w4_minmax"] {
        let data = mujun::validate::load(Path::new(&repo(&format!("tests/golden/{name}")))).unwrap();
        assert!(data.exceptions.is_empty(), "{name}: {:?}", data.exceptions);
    }
}

/// docs/data-format.md lists every accepted header the code knows.
#[test]
fn data_format_doc_lists_every_alias() {
    let doc = std::fs::read_to_string(repo("docs/data-format.md")).unwrap();
    for kind in mujun::ingest::FileKind::DATASET {
        for d in mujun::validate::columns::defs(kind) {
            assert!(doc.contains(&format!("`{}`", d.name)), "{}", d.name);
            for a in d.aliases {
                assert!(doc.contains(a), "docs/data-format.md lacks the header {a} of {}", d.name);
            }
        }
        for a in kind.stem_aliases() {
            assert!(doc.contains(a), "docs/data-format.md lacks the file name {a}");
        }
    }
}

/// The presets shipped in data/methods reproduce the worked examples they cite.
#[test]
fn presets_reproduce_the_worked_examples() {
    check_with("w1_zj6", &repo("data/methods/zhejiang_six.toml"), &["results_gs", "results_gx"]);
    check_with("w2_bench", &repo("data/methods/benchmark_formula.toml"), &["results"]);
    check_with("w3_quota", &repo("data/methods/rank_quota.toml"), &["results_gs", "results_gx"]);
    check_with("w4_minmax", &repo("data/methods/minmax.toml"), &["results_gs", "results_gx"]);
}

/// `mujun explain` shows the arithmetic behind W2's S01: tax points 45 ÷ 20 × 45 = 101.25 capped at
/// 2 × 45 = 90, benchmark 2 × 10 from county_prior.csv, bonus 3 + 2, and the veto.
#[test]
fn explain_shows_cap_benchmark_source_and_veto() {
    let dir = repo("tests/golden/w2_bench");
    let out = tempfile::tempdir().unwrap();
    evaluate(&dir, &dir.join("methodology.toml"), "2024", out.path());
    let o = mujun().args(["explain", "--run"]).arg(out.path()).arg("91610922MA0002010W").output().unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    for want in [
        "封顶保底前得分 points_before_cap: 101.25",
        "得分 points: 90",
        "基准值来源 benchmark_source: 10 × 2 from county_prior.csv (石泉县)",
        "bonus tag 高新技术企业",
        "veto: safety_accident_major on 2024-08-12 → D",
        "得分 points: 171.50",
        "county rank 6",
    ] {
        assert!(text.contains(want), "missing '{want}' in:\n{text}");
    }
    let o = mujun().args(["explain", "--run"]).arg(out.path()).arg("91610922MA0009999X").output().unwrap();
    assert_eq!(o.status.code(), Some(3));
}

/// Each track is also published as its own list, named after the track.
#[test]
fn one_list_per_track() {
    let dir = repo("tests/golden/w1_zj6");
    let out = tempfile::tempdir().unwrap();
    evaluate(&dir, &dir.join("methodology.toml"), "2024", out.path());
    let above = read_rows(&out.path().join("list_规上.csv"));
    let below = read_rows(&out.path().join("list_规下.csv"));
    // 规上: E01–E04 and E07–E10 (8 firms, E04 not scored); 规下: E05, E06, E11, E12.
    assert_eq!((above.len(), below.len()), (8, 4));
    assert!(below.iter().all(|r| r["track"] == "规下"));
    assert_eq!(mujun::report::safe_file_name("../汉滨:区*"), "_汉滨_区_");
}

/// `[output] detail_limit` past the city and `track_lists = false`: no explanation and no per-track
/// lists, and every table written is the same, byte for byte, as the full run's; the ratio-of-sums
/// benchmarks (Σ numerators ÷ Σ denominators) read numerators and denominators that the scores then do
/// not keep.
#[test]
fn output_without_explanation_or_lists_keeps_every_table() {
    let data = repo("data/sample");
    let preset = repo("data/methods/ankang_default.toml");
    let (full, lean) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    evaluate(&data, &preset, "2025", full.path());
    let method = lean.path().join("lean.toml");
    let text = std::fs::read_to_string(&preset).unwrap() + "\n[output]\ndetail_limit = 1\ntrack_lists = false\n";
    std::fs::write(&method, text).unwrap();
    let out = lean.path().join("out");
    evaluate(&data, &method, "2025", &out);
    for name in ["enterprises.csv", "benchmarks.csv", "by_county.csv", "by_park.csv", "by_industry.csv"] {
        let (a, b) = (std::fs::read(full.path().join(name)).unwrap(), std::fs::read(out.join(name)).unwrap());
        assert!(a == b, "{name} differs without the explanation");
    }
    assert!(full.path().join("list_规上.csv").is_file() && full.path().join("explain.csv").is_file());
    let written: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!written.iter().any(|n| n.starts_with("list_") || n == "explain.csv"), "{written:?}");
    // The derived benchmarks are there: 亩均税收's for the city is a ratio of sums, not empty.
    let bench = read_rows(&out.join("benchmarks.csv"));
    assert!(
        bench.iter().any(|r| r["indicator"] == "tax_per_mu" && r["how"].starts_with("ratio of sums over")),
        "{bench:?}"
    );
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("逐企业说明 explain.csv 及工作簿明细: 企业不超过 1 家时写出; 分序列名单 list_<序列>.csv: 不写出"),
        "{said}"
    );
}
