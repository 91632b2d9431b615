//! Indicator values, benchmarks, points and totals, as `crate::score` makes them: `vals` (numerator,
//! denominator, value and what kind of value: a number, a zero denominator or missing data), one
//! `bench_T_K` table per derived benchmark, `pts` (points by the method, capped and floored, the
//! missing-value rules, the track mean), and `scored` (status after the benchmarks, total, its rounding).
//! Columns of indicator K of track T are suffixed `_T_K`.

use super::dialect::Sql;
use super::expr::Compiler;
use super::Refusal;
use crate::method::{
    Benchmark, Derived, DerivedKind, Group, Indicator, Loaded, MissingRule, PointsMethod, RangeZero, SideFiles, Track,
};

/// Each (track, indicator) of the methodology.
fn each(l: &Loaded) -> impl Iterator<Item = (usize, usize, &Track, &Indicator)> {
    l.method
        .tracks
        .iter()
        .enumerate()
        .flat_map(|(t, tr)| tr.indicators.iter().enumerate().map(move |(k, i)| (t, k, tr, i)))
}

/// The group key of a firm for benchmarks, min-max bounds, classes and ranks.
pub fn group_key(g: Group, industry_digits: usize, key: &str) -> Result<String, Refusal> {
    Ok(match g {
        Group::City => "''".into(),
        Group::County => "county".into(),
        Group::Park => "park".into(),
        Group::Industry => format!("substr(industry, 1, {industry_digits})"),
        Group::Named => {
            return Err(Refusal { key: key.into(), reason: "named groups ([[groups]]) are not compiled yet".into() })
        }
    })
}

/// `vals`: the firm's numerator and denominator in its track, then its value and the kind of value, then
/// its status: a graded firm whose value cannot be computed under an `undetermined` rule takes the
/// undetermined class (`indicator_missing`), scored as the track scores undetermined firms.
pub fn values(c: &Compiler, l: &Loaded) -> Result<String, Refusal> {
    let (mut inner, mut outer) = (Vec::new(), Vec::new());
    let mut by_data = String::from("CASE track");
    for (t, tr) in l.method.tracks.iter().enumerate() {
        let mut when = Vec::new();
        for (k, ind) in tr.indicators.iter().enumerate() {
            let key = |what: &str| format!("tracks[{t}].indicators[{k}].{what}");
            let tc = &l.tracks[t];
            let num = c.number(&tc.num[k]).map_err(|reason| Refusal { key: key("num"), reason })?;
            let den = c.number(&tc.den[k]).map_err(|reason| Refusal { key: key("den"), reason })?;
            let mine = format!("track = {t} AND scored_st");
            inner.push(format!(
                "CASE WHEN {mine} THEN {num} END AS n_{t}_{k}, CASE WHEN {mine} THEN {den} END AS d_{t}_{k}"
            ));
            outer.push(format!(
                "CASE WHEN {mine} THEN (CASE WHEN d_{t}_{k} = 0.0 THEN 'zero' WHEN n_{t}_{k} IS NOT NULL AND d_{t}_{k} IS NOT NULL \
                 THEN 'value' ELSE 'missing' END) END AS r_{t}_{k},\n  \
                 CASE WHEN d_{t}_{k} <> 0.0 THEN n_{t}_{k} / d_{t}_{k} END AS v_{t}_{k}"
            ));
            if ind.on_missing == MissingRule::Undetermined {
                when.push(format!("r_{t}_{k} = 'missing'"));
            }
            if ind.on_zero_denominator.unwrap_or(ind.on_missing) == MissingRule::Undetermined {
                when.push(format!("r_{t}_{k} = 'zero'"));
            }
        }
        let any = if when.is_empty() { "FALSE".to_string() } else { format!("COALESCE({}, FALSE)", when.join(" OR ")) };
        by_data += &format!(" WHEN {t} THEN {any}");
    }
    let u = format!("(status_st = 'graded' AND COALESCE({by_data} END, FALSE))");
    let body = format!(
        "SELECT y.*, CASE WHEN {u} THEN 'undetermined' ELSE status_st END AS status0,\n  \
         CASE WHEN {u} THEN 'indicator_missing' ELSE code_st END AS code0,\n  \
         CASE WHEN {u} THEN {} ELSE scored_st END AS scored FROM (\n\
         SELECT x.*, {} FROM (\n  SELECT st.*, adj.bonus, adj.penalty, {}\n  FROM st JOIN adj USING (enterprise_id)\n) x\n) y",
        super::status::scores_undetermined(l),
        outer.join(",\n  "),
        inner.join(",\n    ")
    );
    Ok(c.dialect.table("vals", &body))
}

/// One table per benchmark derived from the data or read from a file: `bench_T_K (g, b)`.
pub fn benchmarks(d: Sql<'_>, l: &Loaded, side: &SideFiles) -> Result<String, Refusal> {
    let mut s = String::new();
    let digits = l.method.ranking.industry_digits;
    for (t, k, _, ind) in each(l) {
        let Some(Benchmark::Derived(b)) = &ind.benchmark else { continue };
        let key = format!("tracks[{t}].indicators[{k}].benchmark");
        let g = group_key(b.group, digits, &format!("{key}.group"))?;
        let body = if b.kind == DerivedKind::File { file_values(d, b, side, &key)? } else { from_data(d, b, t, k, &g) };
        s += &d.table(&format!("bench_{t}_{k}"), &body);
    }
    Ok(s)
}

/// A benchmark file's values by group, read by mujun and written into the script.
fn file_values(d: Sql<'_>, b: &Derived, side: &SideFiles, key: &str) -> Result<String, Refusal> {
    let name = b.file.as_deref().unwrap_or_default();
    let refusal = |reason: String| Refusal { key: format!("{key}.file"), reason };
    let table = side.get(name).ok_or_else(|| refusal(format!("'{name}' was not read")))?;
    let values = crate::score::benchmark_file(b, table).map_err(|e| refusal(e.to_string()))?;
    let rows: Vec<String> = values.iter().map(|(g, v)| format!("({}, {})", d.text(g), d.double(*v))).collect();
    Ok(if rows.is_empty() {
        "SELECT CAST(NULL AS STRING) AS g, CAST(NULL AS DOUBLE) AS b WHERE FALSE".to_string()
    } else {
        format!("SELECT * FROM (VALUES {}) AS x(g, b)", rows.join(", "))
    })
}

/// A benchmark derived from the values of the track's scored firms (numerator and denominator present,
/// denominator not zero) in group `g`, × the factor, as `crate::score::benchmark` derives it.
fn from_data(d: Sql<'_>, b: &Derived, t: usize, k: usize, g: &str) -> String {
    let (n, dd) = (format!("n_{t}_{k}"), format!("d_{t}_{k}"));
    let undetermined = if b.include_undetermined { "TRUE" } else { "status0 <> 'undetermined'" };
    let firms = format!(
        "FROM vals\nWHERE track = {t} AND scored AND {undetermined} AND {n} IS NOT NULL AND {dd} IS NOT NULL AND {dd} <> 0.0"
    );
    let f = d.double(b.factor);
    let agg = match b.kind {
        DerivedKind::RatioOfSums => {
            format!("{} / NULLIF({}, 0.0)", d.fold_sum(&n, "seq", "TRUE"), d.fold_sum(&dd, "seq", "TRUE"))
        }
        DerivedKind::Mean => format!("{} / count(*)", d.fold_sum(&format!("{n} / {dd}"), "seq", "TRUE")),
        DerivedKind::Max => format!("max({n} / {dd})"),
        DerivedKind::Percentile => {
            // Sorted values v1 … vn; pos = p ÷ 100 × (n − 1); v[⌊pos⌋] + (v[⌈pos⌉] − v[⌊pos⌋]) × (pos − ⌊pos⌋),
            // the positions counted from 0.
            let p = d.double(b.p.unwrap_or(50.0));
            return format!(
                "SELECT g, (lo_v + ((hi_v - lo_v) * (pos - CAST(lo AS DOUBLE)))) * {f} AS b FROM (\n  \
                 SELECT g, pos, lo, max(CASE WHEN rn = lo + 1 THEN x END) AS lo_v, max(CASE WHEN rn = hi + 1 THEN x END) AS hi_v \
                 FROM (\n    SELECT g, x, rn, pos, CAST(floor(pos) AS BIGINT) AS lo, CAST(ceil(pos) AS BIGINT) AS hi FROM (\n      \
                 SELECT g, x, row_number() OVER (PARTITION BY g ORDER BY x) AS rn, \
                 ({p} / CAST('100.0' AS DOUBLE)) * CAST(count(*) OVER (PARTITION BY g) - 1 AS DOUBLE) AS pos FROM (\n        \
                 SELECT {g} AS g, {n} / {dd} AS x {firms}\n      ) v0\n    ) v1\n  ) v2 GROUP BY g, pos, lo\n) v3"
            );
        }
        DerivedKind::File => unreachable!("read by file_values"),
    };
    format!("SELECT {g} AS g, ({agg}) * {f} AS b {firms} GROUP BY {g}")
}

/// The SQL of a points rule for a value that cannot be scored.
fn rule_points(d: Sql<'_>, rule: MissingRule, ind: &Indicator, t: usize, k: usize) -> String {
    match rule {
        MissingRule::ZeroPoints => "0.0".into(),
        MissingRule::FullWeight => d.double(ind.weight),
        MissingRule::TrackMeanPoints => format!("m.m_{t}_{k}"),
        MissingRule::FixedPoints => d.double(ind.missing_points),
        // The firm takes the undetermined class (`values`, `final_points`); the value gets no points.
        MissingRule::Undetermined => "0.0".into(),
    }
}

/// Points of a value before cap and floor (`v` the value, `b` the benchmark, `lo`/`hi` the bounds).
fn raw_points(d: Sql<'_>, tr: &Track, ind: &Indicator, t: usize, k: usize) -> String {
    let (w, p) = (d.double(ind.weight), &tr.points);
    let (v, b) = (format!("v_{t}_{k}"), format!("b_{t}_{k}"));
    match ind.method.unwrap_or(p.method) {
        PointsMethod::Ratio => format!("(({v} / {b}) * {w})"),
        PointsMethod::InverseRatio => format!("greatest((2.0 - ({v} / {b})) * {w}, 0.0)"),
        PointsMethod::Value => format!("({v} * {w})"),
        PointsMethod::Minmax => {
            let (lo, hi) = (format!("lo_{t}_{k}"), format!("hi_{t}_{k}"));
            let (base, span) = (d.double(p.base_pct), d.double(p.span_pct));
            let flat = match p.if_max_equals_min {
                RangeZero::FullWeight => w.clone(),
                RangeZero::BasePoints => format!("(({w} * {base}) / 100.0)"),
                RangeZero::ZeroPoints => "0.0".into(),
            };
            format!("(CASE WHEN {hi} = {lo} THEN {flat} ELSE (({w} * ({base} + (({span} * ({v} - {lo})) / ({hi} - {lo})))) / 100.0) END)")
        }
    }
}

fn divides_by_benchmark(tr: &Track, ind: &Indicator) -> bool {
    matches!(ind.method.unwrap_or(tr.points.method), PointsMethod::Ratio | PointsMethod::InverseRatio)
}

/// `pts`: benchmarks and bounds joined, points capped and floored, the rules for values that cannot be
/// scored, the track mean; and `scored`: status after the benchmarks, total and its rounding.
pub fn points(d: Sql<'_>, l: &Loaded) -> Result<String, Refusal> {
    let digits = l.method.ranking.industry_digits;
    let (mut joins, mut cols, mut s) = (String::new(), Vec::new(), String::new());
    for (t, k, tr, ind) in each(l) {
        let key = format!("tracks[{t}].indicators[{k}]");
        let b = match &ind.benchmark {
            Some(Benchmark::Fixed(x)) => d.double(*x),
            Some(Benchmark::Derived(b)) => {
                let g = group_key(b.group, digits, &format!("{key}.benchmark.group"))?;
                joins += &format!("\n  LEFT JOIN bench_{t}_{k} ON bench_{t}_{k}.g = {g} AND vals.track = {t}");
                format!("bench_{t}_{k}.b")
            }
            None => "CAST(NULL AS DOUBLE)".into(),
        };
        cols.push(format!("{b} AS b_{t}_{k}"));
        if ind.method.unwrap_or(tr.points.method) == PointsMethod::Minmax {
            let g = group_key(tr.points.minmax_group, digits, &format!("tracks[{t}].points.minmax_group"))?;
            let body = format!(
                "SELECT {g} AS g, min(v_{t}_{k}) AS lo, max(v_{t}_{k}) AS hi FROM vals WHERE scored AND r_{t}_{k} = 'value' GROUP BY {g}"
            );
            s += &d.table(&format!("bounds_{t}_{k}"), &body);
            joins += &format!("\n  LEFT JOIN bounds_{t}_{k} ON bounds_{t}_{k}.g = {g} AND vals.track = {t}");
            cols.push(format!("bounds_{t}_{k}.lo AS lo_{t}_{k}, bounds_{t}_{k}.hi AS hi_{t}_{k}"));
        }
    }
    s += &d.table("bm", &format!("SELECT vals.*, {} FROM vals{joins}", cols.join(", ")));
    s += &value_points(d, l)?;
    s += &final_points(d, l)?;
    Ok(s)
}

/// `vp`: each value's points, capped and floored (NULL with no benchmark for the firm's group); `np`
/// marks a value measured against a benchmark of zero or less; `m`: each indicator's mean points.
fn value_points(d: Sql<'_>, l: &Loaded) -> Result<String, Refusal> {
    let mut cols = Vec::new();
    let mut means = Vec::new();
    for (t, k, tr, ind) in each(l) {
        let mut q = raw_points(d, tr, ind, t, k);
        let w = ind.weight;
        if let Some(c) = ind.cap_times_weight.or(tr.points.cap_times_weight) {
            q = format!("(CASE WHEN {q} > {cw} THEN {cw} ELSE {q} END)", cw = d.double(c * w));
        }
        if let Some(f) = ind.floor.or(tr.points.floor) {
            q = format!("(CASE WHEN {q} < {f} THEN {f} ELSE {q} END)", f = d.double(f));
        }
        let np = if divides_by_benchmark(tr, ind) { format!("b_{t}_{k} <= 0.0") } else { "FALSE".into() };
        cols.push(format!(
            "COALESCE(r_{t}_{k} = 'value' AND {np}, FALSE) AS np_{t}_{k},\n  \
             CASE WHEN scored AND r_{t}_{k} = 'value' AND NOT COALESCE({np}, FALSE) THEN {q} END AS vp_{t}_{k}"
        ));
        let fold = d.fold_sum(&format!("vp_{t}_{k}"), "seq", "TRUE");
        means.push(format!("COALESCE({fold} / NULLIF(count(vp_{t}_{k}), 0), 0.0) AS m_{t}_{k}"));
    }
    let cols = if cols.is_empty() { "TRUE AS none".to_string() } else { cols.join(",\n  ") };
    let means = if means.is_empty() { "0 AS none".to_string() } else { means.join(",\n  ") };
    Ok(d.table("vp", &format!("SELECT bm.*, {cols} FROM bm")) + &d.table("m", &format!("SELECT {means} FROM vp")))
}

/// `scored`: the final points, the status after the benchmarks (no benchmark for the firm's group:
/// undetermined), the total (Σ points in the listed order, + bonus, + penalty) and its rounding.
fn final_points(d: Sql<'_>, l: &Loaded) -> Result<String, Refusal> {
    // What sends a scored firm to the undetermined class here, indicator by indicator (the last one
    // names the reason, as in `crate::score::points`): no benchmark for its group, or a benchmark of zero
    // or less under an `undetermined` rule.
    let (mut cols, mut events) = (Vec::new(), Vec::new());
    let mut totals = String::from("CASE track");
    for (t, tr) in l.method.tracks.iter().enumerate() {
        let mut total = d.double(0.0);
        for (k, ind) in tr.indicators.iter().enumerate() {
            let missing = rule_points(d, ind.on_missing, ind, t, k);
            let zero = rule_points(d, ind.on_zero_denominator.unwrap_or(ind.on_missing), ind, t, k);
            let nonpos_rule = ind.on_nonpositive_benchmark.unwrap_or(MissingRule::ZeroPoints);
            let nonpos = rule_points(d, nonpos_rule, ind, t, k);
            cols.push(format!(
                "CASE WHEN track = {t} AND scored THEN (CASE WHEN r_{t}_{k} = 'value' THEN (CASE WHEN np_{t}_{k} THEN {nonpos} \
                 ELSE vp_{t}_{k} END) WHEN r_{t}_{k} = 'zero' THEN {zero} ELSE {missing} END) END AS p_{t}_{k}"
            ));
            events.push((format!("(r_{t}_{k} = 'value' AND NOT np_{t}_{k} AND vp_{t}_{k} IS NULL)"), "no_benchmark"));
            if nonpos_rule == MissingRule::Undetermined {
                events.push((format!("(r_{t}_{k} = 'value' AND np_{t}_{k})"), "benchmark_not_positive"));
            }
            total = format!("({total} + COALESCE(p_{t}_{k}, 0.0))");
        }
        totals += &format!(" WHEN {t} THEN {total}");
    }
    totals += " END";
    let fired = |cond: &str| format!("COALESCE(scored AND {cond}, FALSE)");
    let any = events.iter().map(|(c, _)| fired(c)).collect::<Vec<_>>();
    let any = if any.is_empty() { "FALSE".to_string() } else { any.join(" OR ") };
    let last: String = events.iter().rev().map(|(c, code)| format!(" WHEN {} THEN '{code}'", fired(c))).collect();
    let cols = if cols.is_empty() { String::new() } else { format!(", {}", cols.join(",\n  ")) };
    let p = format!("SELECT vp.*{cols} FROM vp CROSS JOIN m");
    let t = format!(
        "SELECT p.*, CASE WHEN {any} THEN 'undetermined' ELSE status0 END AS status,\n    \
         {} AS code,\n    \
         CASE WHEN scored THEN (({totals}) + bonus) + penalty END AS total FROM scored_p p",
        if last.is_empty() { "code0".to_string() } else { format!("CASE{last} ELSE code0 END") }
    );
    let select = format!("SELECT t.*, {} AS total_dec FROM scored_t t", d.round_half_up("total", 2));
    Ok(d.staged("scored", &[("scored_p", p), ("scored_t", t)], &select))
}
