//! Named groups (issue 20, item 3): `[[groups]]` by industry code prefixes (and parks, counties, tags),
//! 其他 for the rest, used for a benchmark, the class group, a rank and an aggregate table.

use crate::common::*;
use std::path::Path;

/// Six 规上 firms of 1 亩 in 汉滨区 with tax 100, 95, 90, 85, 80, 75 a year (G1 … G6) and industries 1711,
/// 1810, 2911 (纺织鞋帽), 3442, 3443 (装备), 2611 (neither: 其他).
fn write_firms(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut ent = String::from("enterprise_id,name,county,industry,scale\n");
    let mut land = String::from("enterprise_id,parcel_id,area,unit,tenure\n");
    let (mut out, mut tax) =
        (String::from("enterprise_id,period,revenue\n"), String::from("enterprise_id,period,tax_paid\n"));
    for (k, industry) in ["1711", "1810", "2911", "3442", "3443", "2611"].iter().enumerate() {
        let id = mujun::ids::with_check(&format!("91610902MA{:07}", 400 + k)).unwrap();
        ent.push_str(&format!("{id},G{},汉滨区,{industry},规上\n", k + 1));
        land.push_str(&format!("{id},P{k},1,亩,自有\n"));
        for q in 1..=4 {
            out.push_str(&format!("{id},2024Q{q},100\n"));
            tax.push_str(&format!("{id},2024Q{q},{}\n", (100.0 - 5.0 * k as f64) / 4.0));
        }
    }
    for (name, text) in [("enterprises.csv", ent), ("land.csv", land), ("output.csv", out), ("tax.csv", tax)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

const METHOD: &str = r#"
[scheme]
name = "groups"
[[groups]]
name = "纺织鞋帽"
industries = ["17", "18", "19", "29"]
[[groups]]
name = "装备"
industries = ["34"]
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
num = "tax"
den = "land"
weight = 100
benchmark = { kind = "ratio_of_sums", group = "groups" }
[tracks.points]
cap_times_weight = 2
[tracks.classes]
labels = ["A", "B"]
group = "groups"
method = "counts"
counts = [{ class = "A", count = 1 }]
rest = "B"
"#;

#[test]
fn named_groups_give_benchmarks_classes_ranks_and_a_table() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_firms(&data);
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, METHOD).unwrap();
    let out = tmp.path().join("out");
    evaluate(&data, &method, "2024", &out);
    let rows = by_key(&out.join("enterprises.csv"), "name");
    // Benchmarks per group: 纺织鞋帽 (100 + 95 + 90) ÷ 3 = 95, 装备 (85 + 80) ÷ 2 = 82.5, 其他 75 ÷ 1 = 75.
    // G1 100 ÷ 95 × 100 = 105.263… → 105.26; G3 90 ÷ 95 × 100 = 94.736… → 94.74; G4 85 ÷ 82.5 × 100 =
    // 103.03; G5 80 ÷ 82.5 × 100 = 96.969… → 96.97; G6 75 ÷ 75 × 100 = 100.00. One A per group.
    // Track ranks over all six: G1 105.26, G4 103.03, G6 100.00, G2 100.00 (95 ÷ 95, tie broken by id:
    // G2's id ends before G6's), … so G2 is 3rd and G6 4th.
    let want = [
        ("G1", "纺织鞋帽", "105.26", "A", "1", "1"),
        ("G2", "纺织鞋帽", "100.00", "B", "2", "3"),
        ("G3", "纺织鞋帽", "94.74", "B", "3", "6"),
        ("G4", "装备", "103.03", "A", "1", "2"),
        ("G5", "装备", "96.97", "B", "2", "5"),
        ("G6", "其他", "100.00", "A", "1", "4"),
    ];
    for (name, group, total, class, group_rank, track_rank) in want {
        let r = &rows[name];
        assert_eq!(
            cells(r, &["group", "total", "class", "group_rank", "rank", "track_rank"]),
            [group, total, class, group_rank, group_rank, track_rank],
            "{name}"
        );
    }
    let by_group = by_key(&out.join("by_group.csv"), "group");
    // 装备: 2 firms, tax 85 + 80 = 165 on 2 亩.
    assert_eq!(cells(&by_group["装备"], &["enterprises", "class_A", "class_B", "tax"]), ["2", "1", "1", "165.00"]);
    assert_eq!(cells(&by_group["其他"], &["enterprises", "tax"]), ["1", "75.00"]);
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("分组 group 纺织鞋帽: 行业代码以 17/18/19/29 开头"), "{text}");
    // The PDF has the groups' table and their definition in the methodology section.
    let o = mujun().args(["--quiet", "report", "--run"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pdf = std::process::Command::new("pdftotext").arg(out.join("report/city.pdf")).arg("-").output().unwrap();
    let text: String = String::from_utf8_lossy(&pdf.stdout).split_whitespace().collect();
    for must in ["各分组等级分布", "分组:纺织鞋帽:行业代码以17/18/19/29开头", "装备", "其他"] {
        assert!(text.contains(must), "city.pdf lacks {must}: {text}");
    }
}

#[test]
fn groups_asked_for_but_not_defined_are_refused_by_key() {
    let tmp = tempfile::tempdir().unwrap();
    let method = tmp.path().join("m.toml");
    let without = METHOD
        .replace("[[groups]]\nname = \"纺织鞋帽\"\nindustries = [\"17\", \"18\", \"19\", \"29\"]\n", "")
        .replace("[[groups]]\nname = \"装备\"\nindustries = [\"34\"]\n", "");
    std::fs::write(&method, without).unwrap();
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("tracks[0].classes.group") && err.contains("no [[groups]]"), "{err}");
    let twice = METHOD.replace("name = \"装备\"", "name = \"纺织鞋帽\"");
    std::fs::write(&method, twice).unwrap();
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("groups[1].name"));
}
