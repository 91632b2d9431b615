//! Guards a published scheme relies on: a period the data do not cover is refused (exit 3) naming the
//! quarters present; a period most firms lack a quarter of is said loudly; a benchmark of zero or less
//! gives what the methodology states, never points above the weight.

use crate::common::*;
use std::path::Path;

fn run_evaluate(data: &Path, method: &Path, period: &str, out: &Path) -> std::process::Output {
    mujun()
        .args(["evaluate", "--data"])
        .arg(data)
        .arg("--method")
        .arg(method)
        .args(["--period", period, "--out"])
        .arg(out)
        .output()
        .expect("run mujun")
}

#[test]
fn a_period_without_rows_is_refused_naming_the_quarters_present() {
    let tmp = tempfile::tempdir().unwrap();
    let o =
        run_evaluate(&repo("data/sample"), &repo("data/methods/ankang_default.toml"), "2019", &tmp.path().join("o"));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("no output or tax rows for the period 2019 (2019Q1–2019Q4)"), "{err}");
    assert!(err.contains("hold 2023Q1 to 2025Q4"), "{err}");
    assert!(!tmp.path().join("o/enterprises.csv").exists(), "nothing is written");
}

#[test]
fn a_period_most_firms_lack_a_quarter_of_is_said_loudly() {
    let tmp = tempfile::tempdir().unwrap();
    let o =
        run_evaluate(&repo("data/sample"), &repo("data/methods/ankang_default.toml"), "2026Q1", &tmp.path().join("o"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    // 2026Q1 is past the data: every firm lacks it (2994 of 2994).
    assert!(out.contains("WARNING: 2994 of 2994 enterprises (100%) lack output or tax rows"), "{out}");
    assert!(out.contains("2026Q1 2994"), "{out}");
    let o =
        run_evaluate(&repo("data/sample"), &repo("data/methods/ankang_default.toml"), "2025", &tmp.path().join("p"));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("WARNING"), "a covered period gives no warning");
}

const IDS: [&str; 3] = ["91610902MA0009001J", "91610902MA0009002M", "91610902MA0009003Q"];

/// Three firms of 10 亩 whose tax fell from 2023 to 2024 by 10, 20 and 30 万元: the indicator
/// `(tax − prior_tax) ÷ land` is −1, −2, −3, and the best value (the benchmark) is −1: nobody improved.
fn write_declines(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut ent = String::from("enterprise_id,name,county,industry,scale\n");
    let (mut land, mut tax) =
        (String::from("enterprise_id,parcel_id,area,unit,tenure\n"), String::from("enterprise_id,period,tax_paid\n"));
    let mut out = String::from("enterprise_id,period,revenue\n");
    for (k, id) in IDS.iter().enumerate() {
        ent.push_str(&format!("{id},企业{k},汉滨区,3442,规上\n"));
        land.push_str(&format!("{id},P{k},10,亩,自有\n"));
        for y in [2023, 2024] {
            // 2023: 100 a year; 2024: 100 − 10 (k + 1), in four equal quarters.
            let year = if y == 2023 { 100.0 } else { 100.0 - 10.0 * (k as f64 + 1.0) };
            for q in 1..=4 {
                tax.push_str(&format!("{id},{y}Q{q},{}\n", year / 4.0));
                out.push_str(&format!("{id},{y}Q{q},100\n"));
            }
        }
    }
    for (name, text) in [("enterprises.csv", ent), ("land.csv", land), ("tax.csv", tax), ("output.csv", out)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn method_with(rule: &str) -> String {
    format!(
        r#"[scheme]
name = "declines"
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_change_per_mu"
num = "tax - prior_tax"
den = "land"
weight = 40
benchmark = {{ kind = "max" }}
{rule}
[[tracks.indicators]]
key = "revenue_per_mu"
num = "revenue"
den = "land"
weight = 60
benchmark = 40
[tracks.classes]
method = "thresholds"
thresholds = [90, 60, 30]
"#
    )
}

#[test]
fn a_benchmark_of_zero_or_less_gives_what_the_methodology_states() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_declines(&data);
    // Revenue 400 ÷ 10 = 40 per mu against 40: 60 points for each firm. The decline's benchmark is −1.
    let cases = [
        // Default: 0 points for the decline, so 60.00 for everyone (−1 ÷ −1 × 40 = 40 would be the nonsense).
        ("", ["60.00", "60.00", "60.00"], "graded"),
        // Full weight: 60 + 40 = 100.00 for everyone.
        ("on_nonpositive_benchmark = \"full_weight\"", ["100.00", "100.00", "100.00"], "graded"),
        ("on_nonpositive_benchmark = \"undetermined\"", ["60.00", "60.00", "60.00"], "undetermined"),
    ];
    for (i, (rule, totals, status)) in cases.iter().enumerate() {
        let method = tmp.path().join(format!("m{i}.toml"));
        std::fs::write(&method, method_with(rule)).unwrap();
        let out = tmp.path().join(format!("out{i}"));
        evaluate(&data, &method, "2024", &out);
        let rows = by_key(&out.join("enterprises.csv"), "enterprise_id");
        for (id, total) in IDS.iter().zip(totals) {
            let r = &rows[*id];
            assert_eq!((r["total"].as_str(), r["status"].as_str()), (*total, *status), "{rule}: {r:?}");
            assert!(r["reason"].contains("benchmark -1 ≤ 0"), "{rule}: {}", r["reason"]);
        }
        if *status == "undetermined" {
            assert_eq!(rows[IDS[0]]["reason_code"], "benchmark_not_positive");
        }
    }
}
