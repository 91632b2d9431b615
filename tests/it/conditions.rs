//! Conditions inside a track (issue 20, item 4): `if(cond, a, b)` in expressions, and indicators that
//! apply only to the firms a rule selects (a province block for all plus a local block per county), in one
//! track with one order and one benchmark per indicator over the firms it applies to.

use crate::common::*;
use std::path::Path;

/// Six 规上 firms of 1 亩: tax 100, 95, 90, 85, 80, 75 a year (G1 … G6), alternately in 汉滨区 (G1, G3, G5)
/// and 汉阴县 (G2, G4, G6); revenue 400 a year in 汉滨区, 200 in 汉阴县.
fn write_firms(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut ent = String::from("enterprise_id,name,county,industry,scale\n");
    let mut land = String::from("enterprise_id,parcel_id,area,unit,tenure\n");
    let (mut out, mut tax) =
        (String::from("enterprise_id,period,revenue\n"), String::from("enterprise_id,period,tax_paid\n"));
    for k in 0..6 {
        let id = mujun::ids::with_check(&format!("91610902MA{:07}", 300 + k)).unwrap();
        let (county, revenue) = if k % 2 == 0 { ("汉滨区", 400.0) } else { ("汉阴县", 200.0) };
        ent.push_str(&format!("{id},G{},{county},3442,规上\n", k + 1));
        land.push_str(&format!("{id},P{k},1,亩,自有\n"));
        for q in 1..=4 {
            out.push_str(&format!("{id},2024Q{q},{}\n", revenue / 4.0));
            tax.push_str(&format!("{id},2024Q{q},{}\n", (100.0 - 5.0 * k as f64) / 4.0));
        }
    }
    for (name, text) in [("enterprises.csv", ent), ("land.csv", land), ("output.csv", out), ("tax.csv", tax)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

const METHOD: &str = r#"
[scheme]
name = "blocks"
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
block = "省定"
num = "tax"
den = "land"
weight = 70
benchmark = 100
[[tracks.indicators]]
key = "local_hb"
block = "地方"
applies = "county == '汉滨区'"
num = "revenue"
den = "land"
weight = 30
benchmark = { kind = "ratio_of_sums" }
[[tracks.indicators]]
key = "local_hy"
block = "地方"
applies = "county == '汉阴县'"
num = "if(tax >= 90, revenue, revenue / 2)"
den = "land"
weight = 30
benchmark = 200
[tracks.classes]
method = "thresholds"
thresholds = [95, 85, 70]
"#;

#[test]
fn a_local_block_applies_per_county_in_one_track() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_firms(&data);
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, METHOD).unwrap();
    let out = tmp.path().join("out");
    evaluate(&data, &method, "2024", &out);
    let rows = by_key(&out.join("enterprises.csv"), "name");
    // tax per mu ÷ 100 × 70; 汉滨区: revenue 400 against the ratio of sums of 汉滨区 firms only (1200 ÷ 3 =
    // 400, not 1800 ÷ 6 = 300): 30; 汉阴县: if tax ≥ 90, 200 ÷ 200 × 30 = 30, else (200 ÷ 2) ÷ 200 × 30 = 15.
    let want = [
        ("G1", "100.00", "30.0000", "", "A"), // 70 + 30
        ("G2", "96.50", "", "30.0000", "A"),  // 66.5 + 30 (tax 95 ≥ 90)
        ("G3", "93.00", "30.0000", "", "B"),  // 63 + 30
        ("G4", "74.50", "", "15.0000", "C"),  // 59.5 + 15 (tax 85 < 90)
        ("G5", "86.00", "30.0000", "", "B"),  // 56 + 30
        ("G6", "67.50", "", "15.0000", "D"),  // 52.5 + 15
    ];
    for (name, total, hb, hy, class) in want {
        let r = &rows[name];
        assert_eq!(cells(r, &["total", "pts_local_hb", "pts_local_hy", "class"]), [total, hb, hy, class], "{name}");
    }
    // The block subtotal holds the local indicator that applies: G2 地方 30, G4 15.
    assert_eq!((rows["G2"]["block_地方"].as_str(), rows["G4"]["block_地方"].as_str()), ("30.0000", "15.0000"));
    let bench = read_rows(&out.join("benchmarks.csv"));
    let hb = bench.iter().find(|b| b["indicator"] == "local_hb").unwrap();
    assert_eq!(hb["benchmark"], "400", "over the 汉滨区 firms only: {hb:?}");
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("仅适用于 县区为汉滨区"), "{text}");
    assert!(text.contains("如果 实缴税金 ≥ 90 则 营业收入 否则 营业收入 ÷ 2"), "{text}");
}

/// An `exclude` rule takes a firm out before any track: G6 (汉阴县) is `excluded` with the reason, has no
/// class, and the others keep their totals (G2 96.50, G4 74.50: the local benchmark is fixed).
#[test]
fn excluded_firms_are_taken_out_before_the_tracks() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_firms(&data);
    let method = tmp.path().join("m.toml");
    let with_exclusion = METHOD.replace(
        "[[tracks]]",
        "[[exclude]]\nrule = \"name == 'G6'\"\nreason = \"星级企业免评 ({name})\"\n\n[[tracks]]",
    );
    std::fs::write(&method, with_exclusion).unwrap();
    let out = tmp.path().join("out");
    evaluate(&data, &method, "2024", &out);
    let rows = by_key(&out.join("enterprises.csv"), "name");
    assert_eq!(
        cells(&rows["G6"], &["status", "reason_code", "reason", "class", "total", "track"]),
        ["excluded", "excluded", "星级企业免评 (G6)", "", "", ""]
    );
    assert_eq!((rows["G2"]["total"].as_str(), rows["G4"]["total"].as_str()), ("96.50", "74.50"));
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("免于评价 excluded: 若 企业名称为G6"));
}

/// Weights by firm (`weights` rules): 汉阴县 firms weigh tax per mu 80, the others 70, against one fixed
/// benchmark of 90 with the cap at 1 × the firm's own weight.
#[test]
fn weights_differ_by_county_with_the_cap_at_the_firms_weight() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_firms(&data);
    let method = tmp.path().join("m.toml");
    let text = r#"
[scheme]
name = "weights"
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
num = "tax"
den = "land"
weight = 70
weights = [{ rule = "county == '汉阴县'", weight = 80 }]
benchmark = 90
cap_times_weight = 1
[tracks.classes]
method = "thresholds"
thresholds = [75, 65, 50]
"#;
    std::fs::write(&method, text).unwrap();
    let out = tmp.path().join("out");
    evaluate(&data, &method, "2024", &out);
    let rows = by_key(&out.join("enterprises.csv"), "name");
    // 汉滨区 (G1, G3, G5) × 70, 汉阴县 (G2, G4, G6) × 80, value ÷ 90, capped at the firm's weight:
    // G1 100 ÷ 90 × 70 = 77.78 → 70; G2 95 ÷ 90 × 80 = 84.44 → 80 (its own cap, not 70);
    // G3 90 ÷ 90 × 70 = 70; G4 85 ÷ 90 × 80 = 75.555… → 75.56; G5 80 ÷ 90 × 70 = 62.222… → 62.22;
    // G6 75 ÷ 90 × 80 = 66.666… → 66.67.
    let want = [("G1", "70.00"), ("G2", "80.00"), ("G3", "70.00"), ("G4", "75.56"), ("G5", "62.22"), ("G6", "66.67")];
    for (name, total) in want {
        assert_eq!(rows[name]["total"], total, "{name}");
    }
    // explain.csv gives each firm its own weight.
    let explain = read_rows(&out.join("explain.csv"));
    let weight_of = |name: &str| {
        let r = explain.iter().find(|r| r["name"] == name && r["step"] == "indicator").unwrap();
        r["weight"].clone()
    };
    assert_eq!((weight_of("G1"), weight_of("G2")), ("70".to_string(), "80".to_string()));
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("权重 weight 70 (县区为汉阴县时 80)"), "{text}");
}
