//! Rule families of the methodology reference, each with a hand-computed case: rent-out deductions per
//! tenant (Wenling), a data-quality deduction, shared ranks, tied firms sharing the better class, land
//! basis variants, a lower-is-better indicator, a prior-year change indicator and fixed points for a
//! missing figure.

use crate::common::*;
use std::path::Path;

// L1 (规上) rents parts of parcel P1 to T1, T2 and T3; L2 (规下) rents part of P2 to T4.
const IDS: [(&str, &str, &str); 6] = [
    ("L1", "91610902MA0008001B", "规上"),
    ("L2", "91610902MA0008002E", "规下"),
    ("T1", "91610902MA0008003H", "规下"),
    ("T2", "91610902MA0008004L", "规下"),
    ("T3", "91610902MA0008005P", "规下"),
    ("T4", "91610902MA0008006T", "规下"),
];

fn id(r: &str) -> &'static str {
    IDS.iter().find(|x| x.0 == r).unwrap().1
}

/// Land: L1 owns 30 亩 of P1 and rents out 3 + 4 + 5 → basis 18; L2 owns 10 of P2, rents out 2 → 8;
/// T1/T2/T3 rent in 3/4/5 亩 of P1; T4 rents in 2 亩 of P2.
/// Annual tax (one row per quarter, a quarter of it each): L1 180, L2 80, T1 30, T2 20, T3 50, T4 4 →
/// tax per mu 10, 10, 10, 5, 10, 2. T4 reports no energy.
fn write_rent_data(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut ent = String::from("enterprise_id,ref,name,county,park,industry,scale\n");
    for (r, i, scale) in IDS {
        ent.push_str(&format!("{i},{r},企业{r},汉滨区,,3442,{scale}\n"));
    }
    std::fs::write(dir.join("enterprises.csv"), ent).unwrap();
    let land = [
        ("L1", "P1", 30, "自有"),
        ("L1", "P1", 3, "租出"),
        ("L1", "P1", 4, "租出"),
        ("L1", "P1", 5, "租出"),
        ("T1", "P1", 3, "租入"),
        ("T2", "P1", 4, "租入"),
        ("T3", "P1", 5, "租入"),
        ("L2", "P2", 10, "自有"),
        ("L2", "P2", 2, "租出"),
        ("T4", "P2", 2, "租入"),
    ];
    let mut l = String::from("enterprise_id,parcel_id,area,unit,tenure\n");
    for (r, p, a, t) in land {
        l.push_str(&format!("{},{p},{a},亩,{t}\n", id(r)));
    }
    std::fs::write(dir.join("land.csv"), l).unwrap();
    let tax = [("L1", 180.0), ("L2", 80.0), ("T1", 30.0), ("T2", 20.0), ("T3", 50.0), ("T4", 4.0)];
    let (mut o, mut t) =
        (String::from("enterprise_id,period,revenue,energy_tce\n"), String::from("enterprise_id,period,tax_paid\n"));
    for (r, x) in tax {
        for q in 1..=4 {
            let energy = if r == "T4" { String::new() } else { "10".to_string() };
            o.push_str(&format!("{},2024Q{q},100,{energy}\n", id(r)));
            t.push_str(&format!("{},2024Q{q},{}\n", id(r), x / 4.0));
        }
    }
    std::fs::write(dir.join("output.csv"), o).unwrap();
    std::fs::write(dir.join("tax.csv"), t).unwrap();
}

const RENT_METHOD: &str = r#"
[scheme]
name = "families"
[ranking]
tie_break = ["tax_per_mu"]
shared_ranks = true
[[adjust.formulas]]
name = "租出扣分(规上): first tenant free, 5 per further tenant"
rule = "scale == '规上' and tenants >= 2"
points = "-5 * (tenants - 1)"
[[adjust.formulas]]
name = "租出扣分(规下): 10 for the first tenant, 5 per further tenant, uncapped"
rule = "scale == '规下' and tenants >= 1"
points = "-(10 + 5 * (tenants - 1))"
[[adjust.formulas]]
name = "数据质量扣分: energy missing or zero"
rule = "missing(energy_tce) or energy_tce == 0"
points = "-3"
[[tracks]]
name = "all"
[[tracks.indicators]]
key = "tax_per_mu"
num = "tax"
den = "land"
weight = 100
benchmark = 10
[tracks.classes]
method = "position_share"
cum_pcts = [20, 60, 95]
"#;

fn run(data: &Path, method: &str) -> std::collections::HashMap<String, std::collections::HashMap<String, String>> {
    let tmp = tempfile::tempdir().unwrap();
    let m = tmp.path().join("m.toml");
    std::fs::write(&m, method).unwrap();
    let out = tmp.path().join("o");
    evaluate(data, &m, "2024", &out);
    by_key(&out.join("enterprises.csv"), "ref")
}

#[test]
fn tenant_and_data_quality_deductions_with_shared_ranks() {
    let tmp = tempfile::tempdir().unwrap();
    write_rent_data(tmp.path());
    let e = run(tmp.path(), RENT_METHOD);
    // L1: 180 ÷ 18 = 10 → 100 points; 3 tenants, 规上: −5 × (3 − 1) = −10 → 90.00.
    // L2: 80 ÷ 8 = 10 → 100; 1 tenant, 规下: −(10 + 5 × 0) = −10 → 90.00.
    // T1: 30 ÷ 3 = 10 → 100.00; T3: 50 ÷ 5 = 10 → 100.00; T2: 20 ÷ 4 = 5 → 50.00.
    // T4: 4 ÷ 2 = 2 → 20; no energy: −3 → 17.00.
    let want = [
        ("T1", "100.00", "1"),
        ("T3", "100.00", "1"),
        ("L1", "90.00", "3"),
        ("L2", "90.00", "3"),
        ("T2", "50.00", "5"),
        ("T4", "17.00", "6"),
    ];
    for (r, total, rank) in want {
        assert_eq!((e[r]["total"].as_str(), e[r]["rank"].as_str()), (total, rank), "{r}");
    }
    assert_eq!(e["L1"]["land_mu"], "18.0000");
    assert_eq!(e["L1"]["penalty"], "-10.0000");
    assert!(e["T4"]["reason"].contains("数据质量扣分"), "{}", e["T4"]["reason"]);
    // Position share 20/60/95 over N = 6, split ties: A B B C C D in the order T1 T3 L1 L2 T2 T4.
    let classes: Vec<&str> = ["T1", "T3", "L1", "L2", "T2", "T4"].iter().map(|r| e[*r]["class"].as_str()).collect();
    assert_eq!(classes, ["A", "B", "B", "C", "C", "D"]);
}

#[test]
fn tied_firms_can_share_the_better_class() {
    let tmp = tempfile::tempdir().unwrap();
    write_rent_data(tmp.path());
    let e = run(
        tmp.path(),
        &RENT_METHOD.replace("cum_pcts = [20, 60, 95]", "cum_pcts = [20, 60, 95]\nties = \"share_better\""),
    );
    // T3 ties T1 at 100.00 (A) and L2 ties L1 at 90.00 (B): A A B B C D.
    let classes: Vec<&str> = ["T1", "T3", "L1", "L2", "T2", "T4"].iter().map(|r| e[*r]["class"].as_str()).collect();
    assert_eq!(classes, ["A", "A", "B", "B", "C", "D"]);
}

#[test]
fn land_basis_variants() {
    let tmp = tempfile::tempdir().unwrap();
    write_rent_data(tmp.path());
    let owned = run(tmp.path(), &format!("[land]\nbasis = \"owned_only\"\n{RENT_METHOD}"));
    // Owned only: L1 30 亩 (rented out not subtracted, rented in not added); T1 has no owned land.
    assert_eq!(owned["L1"]["land_mu"], "30.0000");
    assert_eq!(owned["T1"]["status"], "not_scored");
    let no_sub = run(tmp.path(), &format!("[land]\nbasis = \"owned_plus_rented_in\"\n{RENT_METHOD}"));
    // 自有 + 租入: L1 30, T1 3; L1's tax per mu 180 ÷ 30 = 6 → 60 − 10 = 50.00.
    assert_eq!((no_sub["L1"]["land_mu"].as_str(), no_sub["L1"]["total"].as_str()), ("30.0000", "50.00"));
    assert_eq!(no_sub["T1"]["land_mu"], "3.0000");
}

/// Four 规上 firms, 10 亩 each, value added 100 (25 a quarter) in 2023 and 2024; energy (tce) 2024 / 2023:
/// A 50 / 100, B 100 / 100, C 300 / 200, D none.
fn write_energy_data(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let firms = [
        ("A", id("L1"), Some((50.0, 100.0))),
        ("B", id("L2"), Some((100.0, 100.0))),
        ("C", id("T1"), Some((300.0, 200.0))),
        ("D", id("T2"), None),
    ];
    let mut ent = String::from("enterprise_id,ref,name,county,park,industry,scale\n");
    let mut land = String::from("enterprise_id,parcel_id,area,unit,tenure\n");
    let mut out = String::from("enterprise_id,period,revenue,value_added,energy_tce\n");
    let mut tax = String::from("enterprise_id,period,tax_paid\n");
    for (r, i, energy) in firms {
        ent.push_str(&format!("{i},{r},企业{r},汉滨区,,3442,规上\n"));
        land.push_str(&format!("{i},P{r},10,亩,自有\n"));
        for (year, k) in [(2023, 1), (2024, 0)] {
            for q in 1..=4 {
                let e = energy.map(|(now, before)| format!("{}", [now, before][k] / 4.0)).unwrap_or_default();
                out.push_str(&format!("{i},{year}Q{q},100,25,{e}\n"));
                tax.push_str(&format!("{i},{year}Q{q},10\n"));
            }
        }
    }
    for (f, t) in [("enterprises.csv", ent), ("land.csv", land), ("output.csv", out), ("tax.csv", tax)] {
        std::fs::write(dir.join(f), t).unwrap();
    }
}

#[test]
fn lower_is_better_prior_year_change_and_fixed_missing_points() {
    let tmp = tempfile::tempdir().unwrap();
    write_energy_data(tmp.path());
    let method = r#"
[scheme]
name = "energy"
[[tracks]]
name = "规上"
[tracks.points]
floor = 0
[[tracks.indicators]]
key = "energy_per_va"
num = "energy_tce"
den = "value_added"
weight = 50
method = "inverse_ratio"
benchmark = { kind = "mean" }
on_missing = "fixed_points"
missing_points = -3
[tracks.indicators.floor]
[[tracks.indicators]]
key = "energy_decline"
num = "1 - (energy_tce / value_added) / (prior_energy_tce / prior_value_added)"
weight = 50
benchmark = { kind = "max" }
[tracks.classes]
method = "thresholds"
thresholds = [100, 60, 30]
"#
    .replace("[tracks.indicators.floor]\n", "floor = -1000\n");
    let e = run(tmp.path(), &method);
    // energy per VA: A 50 ÷ 100 = 0.5, B 1, C 3; D missing. Mean of A, B, C = 4.5 ÷ 3 = 1.5.
    // (2 − v ÷ 1.5) × 50: A (2 − 1/3) × 50 = 83.3333; B (2 − 2/3) × 50 = 66.6667; C (2 − 2) × 50 = 0.
    // D: missing → fixed −3 (its own floor of −1000 lets the deduction through).
    assert_eq!(
        ["A", "B", "C", "D"].map(|r| e[r]["pts_energy_per_va"].clone()),
        ["83.3333", "66.6667", "0.0000", "-3.0000"].map(String::from)
    );
    // Decline against 2023: A 1 − 0.5 ÷ 1 = 0.5; B 1 − 1 ÷ 1 = 0; C 1 − 3 ÷ 2 = −0.5. Benchmark = best = 0.5.
    // Points v ÷ 0.5 × 50, floor 0: A 50, B 0, C −50 → 0.
    assert_eq!(
        ["A", "B", "C"].map(|r| e[r]["energy_decline"].clone()),
        ["0.5000", "0.0000", "-0.5000"].map(String::from)
    );
    assert_eq!(
        ["A", "B", "C"].map(|r| e[r]["pts_energy_decline"].clone()),
        ["50.0000", "0.0000", "0.0000"].map(String::from)
    );
    // Totals 133.33, 66.67, 0.00, −3.00 → thresholds 100/60/30: A, B, D, D.
    assert_eq!(
        ["A", "B", "C", "D"].map(|r| e[r]["total"].clone()),
        ["133.33", "66.67", "0.00", "-3.00"].map(String::from)
    );
    assert_eq!(["A", "B", "C", "D"].map(|r| e[r]["class"].clone()), ["A", "B", "D", "D"].map(String::from));
}

/// Blocks with their own benchmark sources (Sichuan-style: a province block against published province
/// values, a local block against the county's ratio of sums). 汉滨一号厂: tax per mu 20, revenue per mu 400.
/// Province: 40 × 20 ÷ 14.3 = 55.9441 and 30 × 400 ÷ 427.4 = 28.0767 → block 84.0208;
/// local: 30 × 400 ÷ 200 (汉滨区 ratio of sums 15800 ÷ 79) = 60 → block 60; total 144.0208 → 144.02.
#[test]
fn blocks_with_their_own_benchmark_sources() {
    let tmp = tempfile::tempdir().unwrap();
    crate::fixture::write(tmp.path());
    let method = r#"
[scheme]
name = "blocks"
[[tracks]]
name = "规上"
[[tracks.indicators]]
key = "tax_per_mu"
num = "tax"
den = "land"
weight = 40
benchmark = 14.3
block = "省定"
[[tracks.indicators]]
key = "revenue_per_mu"
num = "revenue"
den = "land"
weight = 30
benchmark = 427.4
block = "省定"
[[tracks.indicators]]
key = "revenue_per_mu_local"
num = "revenue"
den = "land"
weight = 30
benchmark = { kind = "ratio_of_sums", group = "county" }
block = "地方"
[tracks.classes]
method = "position_share"
cum_pcts = [20, 60, 95]
"#;
    let tmp2 = tempfile::tempdir().unwrap();
    let m = tmp2.path().join("m.toml");
    std::fs::write(&m, method).unwrap();
    evaluate(tmp.path(), &m, "2024", &tmp2.path().join("o"));
    let e = by_key(&tmp2.path().join("o/enterprises.csv"), "name");
    let r = &e["汉滨一号厂"];
    assert_eq!(
        [&r["pts_tax_per_mu"], &r["pts_revenue_per_mu"], &r["block_省定"], &r["block_地方"], &r["total"]],
        ["55.9441", "28.0767", "84.0208", "60.0000", "144.02"]
    );
}

/// Suichang: tenants merged with their landlord into one result.
/// L1 takes in T1, T2, T3: tax 180 + 30 + 20 + 50 = 280 over 18 + 12 (the rented-out land comes back)
/// = 30 亩 → 9.3333 → 93.33; L2 takes in T4: tax 80 + 4 = 84 over 8 + 2 = 10 亩 → 8.4 → 84.00.
/// Two graded firms, position share 20/60/95: L1 B (100 ≤ 120), L2 D (200 > 190); the tenants share
/// their landlord's class and total.
#[test]
fn tenants_merged_with_their_landlord() {
    let tmp = tempfile::tempdir().unwrap();
    write_rent_data(tmp.path());
    let method =
        format!("[land]\nmerge_tenants = true\n{}", RENT_METHOD.replace("[[adjust.formulas]]", "[[adjust.unused]]"));
    let method = method.split("[[adjust.unused]]").next().unwrap().to_string()
        + &RENT_METHOD[RENT_METHOD.find("[[tracks]]").unwrap()..];
    let e = run(tmp.path(), &method);
    assert_eq!(
        (e["L1"]["land_mu"].as_str(), e["L1"]["total"].as_str(), e["L1"]["class"].as_str()),
        ("30.0000", "93.33", "B")
    );
    assert_eq!(
        (e["L2"]["land_mu"].as_str(), e["L2"]["total"].as_str(), e["L2"]["class"].as_str()),
        ("10.0000", "84.00", "D")
    );
    for (t, landlord, class) in [("T1", "L1", "B"), ("T2", "L1", "B"), ("T3", "L1", "B"), ("T4", "L2", "D")] {
        assert_eq!((e[t]["status"].as_str(), e[t]["class"].as_str()), ("merged", class), "{t}");
        assert!(e[t]["reason"].contains(id(landlord)), "{t}: {}", e[t]["reason"]);
        assert_eq!(e[t]["rank"], "");
    }
}
