//! Objections (异议复核): a corrections rerun records who changed what and its diff against the earlier run
//! lists exactly the corrected enterprise.

use crate::common::*;

/// W1 with E05 (汉滨建材厂, 规下) objecting that its 2024Q4 tax was 23.2 万元, not 19.2. Its annual tax becomes
/// 12.8 + 16 + 16 + 23.2 = 68: tax per mu 68 ÷ 8 = 8.5 → 50 × 8.5 ÷ 11.5932 = 36.6594 points; tax per kWh
/// 68 ÷ 320 = 0.2125 → 50 × 0.2125 ÷ 0.2352 = 45.1743; total 81.8337 → 81.83 (was 77.02). Fixed benchmarks,
/// and E05 stays second of three 规下 firms (128.47 > 81.83 > 48.14), so no other firm changes.
#[test]
fn corrections_rerun_changes_exactly_the_corrected_enterprise() {
    let tmp = tempfile::tempdir().unwrap();
    let data = repo("tests/golden/w1_zj6");
    let method = data.join("methodology.toml");
    let before = tmp.path().join("before");
    evaluate(&data, &method, "2024", &before);
    let corr = tmp.path().join("corrections");
    std::fs::create_dir_all(&corr).unwrap();
    std::fs::write(
        corr.join("税收.csv"),
        "统一社会信用代码,期间,实缴税金,理由,依据,经办人\n91610902MA0001050T,2024Q4,23.2,税务局更正入库数,汉税函〔2025〕12号,王科员\n",
    )
    .unwrap();
    let after = tmp.path().join("after");
    let o = mujun()
        .args(["--quiet", "evaluate", "--period", "2024", "--data"])
        .arg(&data)
        .arg("--method")
        .arg(&method)
        .arg("--corrections")
        .arg(&corr)
        .arg("--previous")
        .arg(&before)
        .arg("--out")
        .arg(&after)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let diff = read_rows(&after.join("diff.csv"));
    assert_eq!(diff.len(), 1, "{diff:?}");
    let d = &diff[0];
    assert_eq!(
        [
            &d["enterprise_id"],
            &d["total_before"],
            &d["total_after"],
            &d["class_before"],
            &d["class_after"],
            &d["change"]
        ],
        ["91610902MA0001050T", "77.02", "81.83", "B", "B", "score"]
    );
    let audit = read_rows(&after.join("audit.csv"));
    assert_eq!(audit.len(), 1);
    let a = &audit[0];
    // tax.csv line 21 is E05's 2024Q4 row (header, then four rows each for E01 … E05).
    assert_eq!(
        [&a["file"], &a["line"], &a["column"], &a["old"], &a["new"]],
        ["tax.csv", "21", "tax_paid", "19.2", "23.2"]
    );
    assert_eq!(a["reference"], "汉税函〔2025〕12号");
    assert_eq!(a["by"], "王科员");
    assert!(a["source"].contains("税收.csv line 2"));
    // audit.csv and diff.csv are listed in the manifest, so the run verifies.
    let v = mujun().args(["verify", "--run"]).arg(&after).output().unwrap();
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );
}

/// A correction can delete a row and add one: E02 (汉滨新材料) withdraws its 8 亩 租出 row, so its land basis
/// becomes 40 亩; a new land row gives E06 (汉滨包装厂, 2.7 亩) 1 亩 more: 3.7 亩 ≥ 3, now in scope.
#[test]
fn corrections_delete_and_add_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let data = repo("tests/golden/w1_zj6");
    let corr = tmp.path().join("c");
    std::fs::create_dir_all(&corr).unwrap();
    std::fs::write(
        corr.join("land.csv"),
        "enterprise_id,parcel_id,area,unit,tenure,action,reason\n\
         91610902MA0001026A,HB-002,,,租出,delete,租赁合同已解除\n\
         91610902MA0001069P,HB-099,1,亩,自有,,补登宗地\n",
    )
    .unwrap();
    let out = tmp.path().join("o");
    let o = mujun()
        .args(["--quiet", "evaluate", "--period", "2024", "--data"])
        .arg(&data)
        .arg("--method")
        .arg(data.join("methodology.toml"))
        .arg("--corrections")
        .arg(&corr)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let e = by_key(&out.join("enterprises.csv"), "ref");
    assert_eq!(e["E02"]["land_mu"], "40.0000");
    assert_eq!(e["E06"]["land_mu"], "3.7000");
    assert_eq!(e["E06"]["status"], "graded");
    assert_eq!(read_rows(&out.join("audit.csv")).len(), 2);
}
