//! Bad input never crashes a run and is never dropped silently: every row is used or listed in
//! exceptions.csv with file, line, column and reason, and the manifest balances read = used + excepted.
//! Exit codes tell bad input (3) from problems found by `validate` (1).

use crate::common::*;
use crate::fixture;
use std::path::Path;

/// The fixture plus one defect of each kind, appended to the files (line numbers in comments).
fn write_defective(dir: &Path) {
    fixture::write(dir);
    let add = |file: &str, text: &str| {
        let p = dir.join(file);
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str(text);
        std::fs::write(p, s).unwrap();
    };
    add(
        "enterprises.csv",
        concat!(
            "91610902MA0009001J,重复行,汉滨区,,3442,规上,2010-01-01,\n", // line 14: duplicate id
            "91610902MA0009001K,坏校验码,汉滨区,,3442,规上,2010-01-01,\n", // line 15: bad check digit
            "91610921MA00091068X,多一位,汉阴县,,3442,规上,2010-01-01,\n", // line 16: 19 characters
        ),
    );
    add(
        "land.csv",
        concat!(
            "91610902MA0009999X,P9,5,亩,自有\n",    // line 16: unknown id
            "91610902MA0009001J,P7,-3,亩,自有\n",   // line 17: negative area
            "91610902MA0009001J,P8,0,亩,自有\n",    // line 18: zero area
            "91610902MA0009001J,P9,十亩,亩,自有\n", // line 19: text
            "91610902MA0009001K,P9,5,亩,自有\n",    // line 20: id excluded at enterprises.csv line 15
        ),
    );
    add(
        "output.csv",
        concat!(
            "91610902MA0009001J,2024Q1,约300,,,,,\n", // line 50: text in a number cell
            "91610902MA0009001J,2024Q1,1000,,,,,\n",  // line 51: duplicate quarter
            "91610902MA0009001J,2024Q9,1000,,,,,\n",  // line 52: bad period
        ),
    );
    add("tax.csv", "91610902MA0009001J,2024Q2,\n"); // line 50: empty tax
}

#[test]
fn every_row_is_used_or_excepted_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    write_defective(&data);
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, fixture::METHOD_QUOTA).unwrap();
    let out = tmp.path().join("o");
    evaluate(&data, &method, "2024", &out);
    let ex = read_rows(&out.join("exceptions.csv"));
    let find = |file: &str, line: &str| {
        ex.iter()
            .find(|e| e["file"] == file && e["line"] == line)
            .unwrap_or_else(|| panic!("no exception for {file}:{line}: {ex:?}"))
    };
    assert!(find("enterprises.csv", "14")["reason"].contains("duplicate enterprise_id"));
    assert!(find("enterprises.csv", "15")["reason"].contains("check digit"));
    assert!(find("enterprises.csv", "16")["reason"].contains("19 characters"));
    assert!(find("land.csv", "16")["reason"].contains("not in the enterprises file"));
    assert!(find("land.csv", "17")["reason"].contains("not positive"));
    assert!(find("land.csv", "18")["reason"].contains("not positive"));
    assert_eq!(find("land.csv", "19")["column"], "area");
    assert!(find("land.csv", "20")["reason"].contains("excluded at enterprises.csv line 15"));
    assert!(find("output.csv", "50")["reason"].contains("'约300' is not a number"));
    assert!(find("output.csv", "51")["reason"].contains("duplicate"));
    assert_eq!(find("output.csv", "52")["column"], "period");
    assert!(find("tax.csv", "50")["reason"].contains("empty"));
    assert!(ex.iter().all(|e| !e["reason"].is_empty() && !e["action"].is_empty()));

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    for input in manifest["inputs"].as_array().unwrap() {
        let (read, used, excepted) =
            (input["read"].as_u64().unwrap(), input["used"].as_u64().unwrap(), input["excepted"].as_u64().unwrap());
        assert_eq!(read, used + excepted, "{input}");
    }
    let want = [("enterprises.csv", 15, 3), ("land.csv", 19, 5), ("output.csv", 51, 3), ("tax.csv", 49, 1)];
    for (file, read, excepted) in want {
        let i = manifest["inputs"].as_array().unwrap().iter().find(|i| i["file"] == file).unwrap();
        assert_eq!((i["read"].as_u64().unwrap(), i["excepted"].as_u64().unwrap()), (read, excepted), "{file}");
    }
    assert_eq!(manifest["rows"]["balanced"], true);
    // The run itself is unaffected for the firms whose rows were fine: 汉滨一号厂 keeps its score.
    assert_eq!(by_key(&out.join("enterprises.csv"), "name")["汉滨一号厂"]["total"], "200.00");
}

#[test]
fn exit_codes_tell_bad_input_from_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    fixture::write(&clean);
    assert_eq!(mujun().args(["--quiet", "validate", "--data"]).arg(&clean).status().unwrap().code(), Some(0));
    let bad = tmp.path().join("bad");
    write_defective(&bad);
    let o = mujun().args(["validate", "--data"]).arg(&bad).arg("--out").arg(tmp.path().join("v")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(tmp.path().join("v/exceptions.csv").is_file());

    // A missing required column: exit 3, naming the file, the column and its accepted headers.
    let nocol = tmp.path().join("nocol");
    fixture::write(&nocol);
    std::fs::write(nocol.join("tax.csv"), "enterprise_id,period,amount\n").unwrap();
    let o = mujun().args(["validate", "--data"]).arg(&nocol).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("tax.csv") && err.contains("'tax_paid'") && err.contains("实缴税金"), "{err}");

    // A methodology typo: exit 3, naming the key.
    let m = tmp.path().join("m.toml");
    std::fs::write(&m, fixture::METHOD_QUOTA.replace("den = \"land\"", "den = \"lnad\"")).unwrap();
    let o = mujun()
        .args(["evaluate", "--period", "2024", "--data"])
        .arg(&clean)
        .arg("--method")
        .arg(&m)
        .arg("--out")
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("tracks[0].indicators[0].den") && err.contains("lnad"), "{err}");

    // Results are never written into the data folder: exit 4.
    std::fs::write(&m, fixture::METHOD_QUOTA).unwrap();
    let o = mujun()
        .args(["evaluate", "--period", "2024", "--data"])
        .arg(&clean)
        .arg("--method")
        .arg(&m)
        .arg("--out")
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn one_name_under_two_ids_is_a_warning_naming_the_first_row() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("d");
    fixture::write(&data);
    let id = |n: u32| mujun::ids::with_check(&format!("91610902MA0{n:06}")).unwrap();
    let (a, b, c, d) = (id(9201), id(9202), id(9203), id(9204));
    let p = data.join("enterprises.csv");
    let mut s = std::fs::read_to_string(&p).unwrap();
    // Lines 14 and 15 name one firm (spaces and full-width brackets aside) in one county: a warning at
    // line 15. Line 16 is the same name in another county, line 17 has no name: no warning for them.
    s.push_str(&format!(
        "{a},汉滨 七号厂（分厂）,汉滨区,,3442,规上,2010-01-01,\n{b},汉滨七号厂(分厂),汉滨区,,3442,规上,2010-01-01,\n\
         {c},汉滨七号厂(分厂),汉阴县,,3442,规上,2010-01-01,\n{d}, ,汉滨区,,3442,规上,2010-01-01,\n"
    ));
    std::fs::write(&p, s).unwrap();
    let method = tmp.path().join("m.toml");
    std::fs::write(&method, fixture::METHOD_QUOTA).unwrap();
    let out = tmp.path().join("o");
    evaluate(&data, &method, "2024", &out);
    let ex = read_rows(&out.join("exceptions.csv"));
    let named: Vec<_> = ex.iter().filter(|e| e["reason"].starts_with("likely duplicate")).collect();
    assert_eq!(named.len(), 1, "{named:?}");
    let w = named[0];
    assert_eq!(
        (w["file"].as_str(), w["line"].as_str(), w["enterprise_id"].as_str()),
        ("enterprises.csv", "15", b.as_str())
    );
    assert!(w["reason"].contains(&format!("as enterprise '{a}' at line 14")), "{}", w["reason"]);
    assert!(w["action"].starts_with("row kept"));
    // Both rows are used.
    let ents = by_key(&out.join("enterprises.csv"), "enterprise_id");
    assert!(ents.contains_key(&a) && ents.contains_key(&b));
}
