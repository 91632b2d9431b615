//! The enterprises table as `mujun evaluate` writes it (`crate::report::enterprises`): the same columns
//! in the same order and row order, numbers rounded half up at the methodology's decimals, but no extra
//! columns of the enterprises file and no reason in words (the reason code is there).

use super::dialect::Dialect;
use crate::method::Loaded;
use crate::schema::Status;

/// Indicator keys over all tracks in first-appearance order, each with (track, position) per track.
fn keys(l: &Loaded) -> Vec<(String, Vec<(usize, usize)>)> {
    let mut out: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for (t, tr) in l.method.tracks.iter().enumerate() {
        for (k, i) in tr.indicators.iter().enumerate() {
            match out.iter_mut().find(|(key, _)| *key == i.key) {
                Some((_, at)) => at.push((t, k)),
                None => out.push((i.key.clone(), vec![(t, k)])),
            }
        }
    }
    out
}

/// The SELECT of the enterprises table, from `ranked`.
pub fn enterprises(d: Dialect, l: &Loaded) -> String {
    let m = &l.method;
    let dec = m.output.decimals;
    let num = |x: &str, places: usize| format!("CAST({} AS VARCHAR)", d.round_half_up(x, places));
    let track_names: String =
        m.tracks.iter().enumerate().map(|(t, tr)| format!(" WHEN {t} THEN {}", d.text(&tr.name))).collect();
    let mut cols = vec![
        "enterprise_id".to_string(),
        "name".into(),
        "county".into(),
        "park".into(),
        "industry".into(),
        "scale".into(),
        format!("CASE track{track_names} ELSE '' END AS track"),
        "status".into(),
    ];
    for (c, x) in [("land_mu", "land"), ("land_owned_mu", "land_owned"), ("land_rented_in_mu", "land_rented_in")] {
        cols.push(format!("{} AS {c}", num(x, dec)));
    }
    cols.push(format!("{} AS land_rented_out_mu", num("land_rented_out", dec)));
    let keys = keys(l);
    for (prefix, v) in [("", "v"), ("pts_", "p")] {
        for (key, at) in &keys {
            let arms: String = at.iter().map(|(t, k)| format!(" WHEN {t} THEN {v}_{t}_{k}")).collect();
            cols.push(format!(
                "{} AS {}",
                num(&format!("(CASE track{arms} END)"), dec),
                d.ident(&format!("{prefix}{key}"))
            ));
        }
    }
    cols.extend([
        format!("CASE WHEN scored THEN {} END AS bonus", num("bonus", 4)),
        format!("CASE WHEN scored THEN {} END AS penalty", num("penalty", 4)),
        "CAST(total_dec AS VARCHAR) AS total".into(),
        "class".into(),
        "rank".into(),
        "county_rank".into(),
        "industry_rank".into(),
        "track_rank".into(),
        "park_rank".into(),
        "code AS reason_code".into(),
        "CAST(NULL AS VARCHAR) AS reason".into(),
    ]);
    // Row order: track, graded and vetoed firms by rank, then the other statuses in their order; the id.
    let status_order: String =
        Status::ALL.iter().enumerate().map(|(i, s)| format!(" WHEN '{}' THEN {i}", s.code())).collect();
    format!(
        "SELECT {}\nFROM ranked\nORDER BY track NULLS LAST, greatest(CASE status{status_order} END, 1), track_rank NULLS LAST, \
         CASE status{status_order} END, enterprise_id",
        cols.join(",\n  ")
    )
}
