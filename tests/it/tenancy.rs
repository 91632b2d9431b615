//! Landlord and tenant relations with filters (issue 20, item 5): `count_tenants(cond)` and
//! `area_rented_out_to(cond)` evaluate the condition on each tenant; the land file's optional
//! `counterparty` column names a lease's other side, so two like rows leasing one parcel to two tenants
//! are two leases, not a duplicate.

use crate::common::*;
use std::path::Path;

fn id(k: usize) -> String {
    mujun::ids::with_check(&format!("91610902MA{:07}", 500 + k)).unwrap()
}

/// L1 (规上) owns P1 (10 亩) and leases 3 亩 to T1, 3 亩 to T2 (two rows alike but for the tenant) and
/// 2 亩 to T3; T3's own 租入 row names L1 too (one lease, not two). L2 (规上) owns P2 (6 亩) and leases
/// 4 亩 to T4 with no counterparty (found by the parcel), and 1 亩 to an id not in the enterprises file.
/// T1, T2, T4 are 规下; T3 is 规上.
fn write_firms(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let firms = [("L1", "规上"), ("L2", "规上"), ("T1", "规下"), ("T2", "规下"), ("T3", "规上"), ("T4", "规下")];
    let mut ent = String::from("enterprise_id,name,county,industry,scale\n");
    let (mut out, mut tax) =
        (String::from("enterprise_id,period,revenue\n"), String::from("enterprise_id,period,tax_paid\n"));
    for (k, (name, scale)) in firms.iter().enumerate() {
        ent.push_str(&format!("{},{name},汉滨区,3442,{scale}\n", id(k)));
        for q in 1..=4 {
            out.push_str(&format!("{},2024Q{q},25\n", id(k)));
            tax.push_str(&format!("{},2024Q{q},2.5\n", id(k)));
        }
    }
    let (l1, l2, t1, t2, t3, t4) = (id(0), id(1), id(2), id(3), id(4), id(5));
    let land = format!(
        "enterprise_id,parcel_id,area,unit,tenure,counterparty\n\
         {l1},P1,10,亩,自有,\n{l1},P1,3,亩,租出,{t1}\n{l1},P1,3,亩,租出,{t2}\n{l1},P1,2,亩,租出,{t3}\n\
         {t1},P1,3,亩,租入,\n{t2},P1,3,亩,租入,\n{t3},P1,2,亩,租入,{l1}\n\
         {l2},P2,6,亩,自有,\n{l2},P2,4,亩,租出,\n{t4},P2,4,亩,租入,\n{l2},P2,1,亩,租出,91610902MA9999999X\n"
    );
    for (name, text) in [("enterprises.csv", ent), ("land.csv", land), ("output.csv", out), ("tax.csv", tax)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

const METHOD: &str = r#"
[scheme]
name = "tenancy"
[[tracks]]
name = "全部"
[[tracks.indicators]]
key = "small_tenants"
num = "count_tenants(scale == '规下')"
den = "1"
weight = 1
method = "value"
[[tracks.indicators]]
key = "area_to_large"
num = "area_rented_out_to(scale == '规上')"
den = "1"
weight = 1
method = "value"
[[tracks.indicators]]
key = "all_tenants"
num = "count_tenants()"
den = "1"
weight = 1
method = "value"
[tracks.classes]
method = "thresholds"
thresholds = [3, 1, 0]
"#;

#[test]
fn tenants_are_counted_and_measured_by_their_attributes() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    write_firms(&data);
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, METHOD).unwrap();
    let out = tmp.path().join("out");
    evaluate(&data, &method, "2024", &out);
    let rows = by_key(&out.join("enterprises.csv"), "name");
    // L1: 规下 tenants T1, T2 → 2; area to 规上 tenants: T3's 2 亩; tenants 3 (T3 counted once).
    // L1's land: 10 自有 − (3 + 3 + 2) 租出 = 2 亩; without the counterparty the second 3 亩 row would
    // be dropped as a duplicate and the land read as 5 亩.
    // L2: T4 (规下, by the parcel) → 1; no 规上 tenant → 0; tenants 1. Land 6 − 4 − 1 = 1 亩 (the lease to
    // the unknown id still counts as land rented out).
    let want = [
        ("L1", "2.0000", "2.0000", "3.0000", "2.0000", "8.0000"),
        ("L2", "1.0000", "0.0000", "1.0000", "1.0000", "5.0000"),
        ("T1", "0.0000", "0.0000", "0.0000", "3.0000", "0.0000"),
        ("T4", "0.0000", "0.0000", "0.0000", "4.0000", "0.0000"),
    ];
    for (name, small, large_area, all, land, rented_out) in want {
        let cols = ["small_tenants", "area_to_large", "all_tenants", "land_mu", "land_rented_out_mu"];
        assert_eq!(cells(&rows[name], &cols), [small, large_area, all, land, rented_out], "{name}");
    }
    let exceptions = read_rows(&out.join("exceptions.csv"));
    assert_eq!(exceptions.len(), 1, "{exceptions:?}");
    let x = &exceptions[0];
    assert_eq!(cells(x, &["line", "column", "reason_code"]), ["12", "counterparty", "counterparty_unknown"]);
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("规模为规下的承租企业数"), "{text}");
}
