//! Class rules published schemes use (issue 20): an ordered list of rules mixing places from the top or
//! the bottom of the class group with score lines, and every rank level written, rows in track order.

use crate::common::*;
use std::path::Path;

/// Ten 规上 firms of 1 亩 with tax per mu 100, 95, …, 55 (F1 … F10), alternately in 汉滨区 (F1, F3, …) and
/// 汉阴县 (F2, F4, …). The 汉阴县 firms have the smaller ids, so an order by id would put them first.
fn write_firms(dir: &Path) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let ids: Vec<String> = (1..=10)
        .map(|k| {
            let serial = if k % 2 == 0 { k } else { 50 + k };
            mujun::ids::with_check(&format!("91610902MA{serial:07}")).unwrap()
        })
        .collect();
    let (mut ent, mut land) = (
        String::from("enterprise_id,name,county,park,industry,scale\n"),
        String::from("enterprise_id,parcel_id,area,unit,tenure\n"),
    );
    let (mut out, mut tax) =
        (String::from("enterprise_id,period,revenue\n"), String::from("enterprise_id,period,tax_paid\n"));
    for (k, id) in ids.iter().enumerate() {
        let county = if k % 2 == 0 { "汉滨区" } else { "汉阴县" };
        ent.push_str(&format!("{id},F{},{county},园{},3442,规上\n", k + 1, k % 3));
        land.push_str(&format!("{id},P{k},1,亩,自有\n"));
        for q in 1..=4 {
            out.push_str(&format!("{id},2024Q{q},100\n"));
            // 100 − 5k a year, a quarter of it each quarter.
            tax.push_str(&format!("{id},2024Q{q},{}\n", (100.0 - 5.0 * k as f64) / 4.0));
        }
    }
    for (name, text) in [("enterprises.csv", ent), ("land.csv", land), ("output.csv", out), ("tax.csv", tax)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    ids
}

/// Points = tax per mu × 1, so the total is the tax per mu. Classes per county: A only for the first place
/// and at least 90; D for the last place; B at least 70; C the rest.
const METHOD: &str = r#"
[scheme]
name = "rules"
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
num = "tax"
den = "land"
weight = 1
[tracks.points]
method = "value"
[tracks.classes]
method = "rules"
group = "county"
[[tracks.classes.rules]]
class = "A"
top_count = 1
min_total = 90
[[tracks.classes.rules]]
class = "D"
bottom_count = 1
[[tracks.classes.rules]]
class = "B"
min_total = 70
[[tracks.classes.rules]]
class = "C"
"#;

#[test]
fn rules_mix_places_and_score_lines_and_every_rank_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let ids = write_firms(&data);
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, METHOD).unwrap();
    let out = tmp.path().join("out");
    evaluate(&data, &method, "2024", &out);
    let rows = read_rows(&out.join("enterprises.csv"));
    // 汉滨区: F1 100 (place 1, ≥ 90: A), F3 90, F5 80, F7 70 (≥ 70: B), F9 60 (last place: D).
    // 汉阴县: F2 95 (A), F4 85, F6 75 (B), F8 65 (C), F10 55 (last: D).
    let got: Vec<Vec<&str>> =
        rows.iter().map(|r| cells(r, &["name", "total", "class", "track_rank", "rank", "county_rank"])).collect();
    let want: Vec<Vec<&str>> = vec![
        vec!["F1", "100.00", "A", "1", "1", "1"],
        vec!["F2", "95.00", "A", "2", "1", "1"],
        vec!["F3", "90.00", "B", "3", "2", "2"],
        vec!["F4", "85.00", "B", "4", "2", "2"],
        vec!["F5", "80.00", "B", "5", "3", "3"],
        vec!["F6", "75.00", "B", "6", "3", "3"],
        vec!["F7", "70.00", "B", "7", "4", "4"],
        vec!["F8", "65.00", "C", "8", "4", "4"],
        vec!["F9", "60.00", "D", "9", "5", "5"],
        vec!["F10", "55.00", "D", "10", "5", "5"],
    ];
    assert_eq!(got, want, "rows in track order (not interleaved by county rank)");
    assert_eq!(rows[0]["enterprise_id"], ids[0]);
    // Parks 园0, 园1, 园2 by k % 3: F1 F4 F7 F10 in 园0 → park ranks 1 2 3 4.
    let in_park0 =
        |r: &&std::collections::HashMap<String, String>| ["F1", "F4", "F7", "F10"].contains(&r["name"].as_str());
    let park: Vec<&str> = rows.iter().filter(in_park0).map(|r| r["park_rank"].as_str()).collect();
    assert_eq!(park, ["1", "2", "3", "4"]);
    // `check` reads the rules back in words.
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("前 1 家 且 总分 ≥ 90 为 A; 后 1 家 为 D; 总分 ≥ 70 为 B; 其余为 C"), "{text}");
}

#[test]
fn a_last_rule_with_a_condition_is_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, METHOD.replace("class = \"C\"\n", "class = \"C\"\nmin_total = 10\n")).unwrap();
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("tracks[0].classes.rules[3]") && err.contains("without conditions"), "{err}");
}
