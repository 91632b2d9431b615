//! What-if: the same data under a changed weight. W3 with the 规上 labour-productivity weight raised from
//! 5 to 50 adds 9 × each firm's va_per_employee points (benchmarks are unchanged ratios of sums):
//!   G05 244.14 + 9 × 10.1270 = 335.28   G01 150.62 + 9 × 5.4011 = 199.23   G06 132.33 + 9 × 5.0635 = 177.90
//!   G02 104.62 + 9 × 6.7513 = 165.38    G08 112.94 + 9 × 4.0508 = 149.40   G09 48.63 + 9 × 3.3757 = 79.01
//!   G03 47.35 + 9 × 3.3757 = 77.73
//! New order G05, G01, G06, G02, G08, G09, G03; position share 25/70/95 over N = 7 gives A, B, B, B, C, C, D:
//! G02 rises C → B and G08 falls B → C; nobody else changes class.

use crate::common::*;

#[test]
fn weight_change_moves_exactly_two_firms() {
    let dir = repo("tests/golden/w3_quota");
    let out = tempfile::tempdir().unwrap();
    let o = mujun()
        .args(["--quiet", "compare", "--period", "2024", "--data"])
        .arg(&dir)
        .arg("--method")
        .arg(dir.join("methodology.toml"))
        .args(["--set", "tracks[规上].indicators[va_per_employee].weight=50", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let changes = by_key(&out.path().join("changes.csv"), "enterprise_id");
    let mut ids: Vec<&String> = changes.keys().collect();
    ids.sort();
    assert_eq!(ids, ["91610926MA00030212", "91610991MA00030809"]);
    let g02 = &changes["91610926MA00030212"];
    assert_eq!((g02["class_a"].as_str(), g02["class_b"].as_str(), g02["total_b"].as_str()), ("C", "B", "165.38"));
    let g08 = &changes["91610991MA00030809"];
    assert_eq!((g08["class_a"].as_str(), g08["class_b"].as_str(), g08["total_b"].as_str()), ("B", "C", "149.40"));
    let m = by_key(&out.path().join("migration.csv"), "class_a");
    // B stays B for G01 and G06 (and 规下 H01); C → B once; B → C once.
    assert_eq!((m["B"]["to_B"].as_str(), m["B"]["to_C"].as_str(), m["C"]["to_B"].as_str()), ("3", "1", "1"));
    assert_eq!(m["T"]["to_T"], "2");
    assert_eq!(m["—"]["to_—"], "3");
    assert!(out.path().join("a/enterprises.csv").is_file() && out.path().join("b/enterprises.csv").is_file());
}
