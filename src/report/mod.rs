//! Report stage: the tables of a run (CSV and one XLSX workbook), the exceptions file and the manifest.
//!
//! Files in the output folder: `enterprises.csv`, `by_county.csv`, `by_park.csv`, `by_industry.csv`,
//! `benchmarks.csv`, `exceptions.csv`, `explain.csv`, `policies.csv`, `results.xlsx` (the tables as sheets),
//! `run.json` (what the reports read: [`run_summary::RunSummary`]); the command layer adds `manifest.json`.

pub mod aggregates;
pub mod atomic;
pub mod enterprises;
pub mod explain;
pub mod manifest;
pub mod policies;
pub mod run_summary;
pub mod table;
pub mod xlsx;

use crate::dataset::Exception;
use crate::error::{Error, Result};
use crate::method::Group;
use crate::pipeline::Run;
use std::path::{Path, PathBuf};
use table::{Cell, Table};

/// The exceptions file: every row not used as given, with the reason and what was done.
pub fn exceptions_table(ex: &[Exception]) -> Table {
    let mut t = Table::new(&[
        ("file", "文件 file"),
        ("line", "行 line"),
        ("column", "列 column"),
        ("enterprise_id", "统一社会信用代码 enterprise_id"),
        ("reason_code", "原因代码 reason_code"),
        ("reason", "原因 reason"),
        ("action", "处理 action"),
    ]);
    for e in ex {
        t.rows.push(vec![
            Cell::text(&e.file),
            Cell::Int(e.line as i64),
            Cell::text(&e.column),
            Cell::text(&e.enterprise_id),
            Cell::word(e.code),
            Cell::text(&e.reason),
            Cell::word(e.action),
        ]);
    }
    t.set_show(&["reason_code", "action"], table::Show::Coded);
    t.set_show(&["line"], table::Show::Plain);
    t
}

fn benchmarks_table(run: &Run) -> Table {
    let mut t = Table::new(&[
        ("track", "评价序列 track"),
        ("indicator", "指标 indicator"),
        ("group", "分组 group"),
        ("benchmark", "基准值 benchmark"),
        ("how", "来源 how"),
    ]);
    for b in &run.benchmarks {
        t.rows.push(vec![
            Cell::text(&b.track),
            Cell::text(&b.indicator),
            Cell::text(&b.group),
            Cell::Dec(format!("{}", b.value)),
            Cell::text(&b.how),
        ]);
    }
    // Written at full precision; shown like the indicator values.
    t.set_show(&["benchmark"], table::Show::Fixed(run.method.method.output.decimals));
    t
}

/// A name usable as (part of) a file name on every system: path separators, reserved characters and
/// control characters become `_`; leading dots are dropped.
pub fn safe_file_name(name: &str) -> String {
    let s: String =
        name.chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
    let s = s.trim().trim_start_matches('.').to_string();
    if s.is_empty() {
        "_".into()
    } else {
        s.chars().take(80).collect()
    }
}

/// How many rows ahead the enterprises table asks for a row's records (see `RowContext::prefetch`).
const PREFETCH_ROWS: usize = 8;

/// The tables written for a run: each file with its SHA-256, and the time writing took (milliseconds).
pub struct Written {
    pub files: Vec<(PathBuf, String)>,
    pub ms: f64,
}

/// Writes every table of a run into `out`, plus extra tables (e.g. audit.csv, diff.csv).
pub fn write_all(run: &Run, out: &Path, extra: &[(&str, &Table)]) -> Result<Written> {
    let io = |e: std::io::Error| Error::Output(e.to_string());
    let detailed = run.method.method.output.details(run.data.enterprises.len());
    let started = std::time::Instant::now();
    let bar = crate::progress::steps();
    bar.set_message(format!("writing tables to {}", out.display()));
    // The enterprises table is rendered once, in parallel, and streamed to enterprises.csv and to one
    // published list per track (规上, 规下, …), as bureaus publish them: rows are ordered by track, so
    // each list is one run of the table's rows.
    let order = enterprises::row_order(run);
    let ent_cols = enterprises::columns(run);
    let head = table::csv_head(&ent_cols.columns);
    let mut ent_files = vec![(out.join("enterprises.csv"), 0..order.len())];
    let lists = if run.method.method.output.track_lists { run.method.method.tracks.as_slice() } else { &[] };
    for (t, track) in lists.iter().enumerate() {
        let first = order.iter().position(|&i| run.scored[i].track == Some(t)).unwrap_or(order.len());
        let end = first + order[first..].iter().take_while(|&&i| run.scored[i].track == Some(t)).count();
        ent_files.push((out.join(format!("list_{}.csv", safe_file_name(&track.name))), first..end));
    }
    let named = !run.method.method.groups.is_empty();
    let (ent_hashes, (county, (park, industry), by_group)) = rayon::join(
        || {
            let cx = enterprises::RowContext::new(run);
            let targets: Vec<(&Path, std::ops::Range<usize>)> =
                ent_files.iter().map(|(p, r)| (p.as_path(), r.clone())).collect();
            table::stream_csv_groups(
                order.len(),
                |k, emit| {
                    for (stage, ahead) in [(0, PREFETCH_ROWS), (1, PREFETCH_ROWS / 2)] {
                        if let Some(&i) = order.get(k + ahead) {
                            cx.prefetch(i, stage);
                        }
                    }
                    let mut row = Vec::new();
                    cx.row_refs(order[k], &mut row);
                    emit(&row)
                },
                &head,
                &targets,
            )
        },
        || {
            let prep = aggregates::Prepared::new(run);
            let (county, rest) = rayon::join(
                || aggregates::table(run, &prep, "county", "县区 county", Group::County),
                || {
                    rayon::join(
                        || aggregates::table(run, &prep, "park", "园区 park", Group::Park),
                        || aggregates::table(run, &prep, "industry", "行业 industry", Group::Industry),
                    )
                },
            );
            let by_group = named.then(|| aggregates::table(run, &prep, "group", "分组 group", Group::Named));
            (county, rest, by_group)
        },
    );
    let ent_hashes = ent_hashes.map_err(io)?;
    let bench = benchmarks_table(run);
    let exc = exceptions_table(&run.data.exceptions);

    let pol = policies::table(run);
    // (file, SHA-256 of what was written) for the manifest.
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut ent_files = ent_files.into_iter().map(|(p, _)| p).zip(ent_hashes);
    files.extend(ent_files.next());
    let mut tables = vec![("by_county.csv", &county), ("by_park.csv", &park), ("by_industry.csv", &industry)];
    tables.extend(by_group.as_ref().map(|t| ("by_group.csv", t)));
    tables.extend([("benchmarks.csv", &bench), ("exceptions.csv", &exc), ("policies.csv", &pol)]);
    for (name, t) in tables {
        let p = out.join(name);
        files.push((p.clone(), table::write_atomic_parts(&p, &[&table::to_csv(t)]).map_err(io)?));
    }
    if detailed {
        // Several rows per enterprise, rendered straight to CSV in parallel chunks, in table order.
        let ex = explain::Explainer::new(run);
        let p = out.join("explain.csv");
        let head = table::csv_head(&explain::columns().columns);
        let hash = table::stream_csv_groups(
            order.len(),
            |k, emit| ex.rows(order[k]).iter().for_each(|r| emit(r)),
            &head,
            &[(&p, 0..order.len())],
        );
        files.push((p.clone(), hash.map_err(io)?.remove(0)));
    }
    files.extend(ent_files);
    let summary = serde_json::to_string_pretty(&run_summary::RunSummary::of(run))
        .map_err(|e| Error::Internal(format!("run.json: {e}")))?;
    let p = out.join("run.json");
    files.push((p.clone(), table::write_atomic_parts(&p, &[summary.as_bytes()]).map_err(io)?));
    for (name, t) in extra {
        let p = out.join(name);
        files.push((p.clone(), table::write_atomic_parts(&p, &[&table::to_csv(t)]).map_err(io)?));
    }
    let xlsx = out.join("results.xlsx");
    let ent = if detailed { enterprises::table(run) } else { Table::default() };
    let mut sheets: Vec<(&str, &Table)> =
        vec![("县区 county", &county), ("园区 park", &park), ("行业 industry", &industry)];
    sheets.extend(by_group.as_ref().map(|t| ("分组 group", t)));
    sheets.push(("基准值 benchmarks", &bench));
    if detailed {
        sheets.insert(0, ("企业 enterprises", &ent));
        sheets.push(("政策 policies", &pol));
        sheets.push(("例外 exceptions", &exc));
    }
    xlsx::write_xlsx(&xlsx, &sheets).map_err(Error::Output)?;
    files.push((xlsx.clone(), crate::digest::of_file(&xlsx).map_err(io)?));
    bar.finish_and_clear();
    Ok(Written { files, ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3 })
}
