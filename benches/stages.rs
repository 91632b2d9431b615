//! Stage benchmarks (criterion) on a generated city: ingest and validate, indicators, score, classes and
//! ranks, writing the tables (the full set a city run writes, explanation and XLSX included).
//!
//! `cargo bench --bench stages`; `MUJUN_BENCH_FIRMS` sets the size (default 20,000 firms, two years of
//! quarters, the generator's defects on). End-to-end figures against DuckDB: `benches/e2e.sh`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use mujun::generate::{generate, Format, GenOptions};
use mujun::method::{self, SideFiles};
use mujun::period::{Basis, Period};
use mujun::{indicators, pipeline, rank, report, score, validate};
use std::path::Path;

/// The binary's allocator (src/main.rs), so stage timings match what `mujun` does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn stages(c: &mut Criterion) {
    let firms: usize = std::env::var("MUJUN_BENCH_FIRMS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let tmp = tempfile::tempdir().expect("temporary folder");
    let data = tmp.path().join("data");
    let opts = GenOptions {
        enterprises: firms,
        seed: 1,
        first_year: 2024,
        last_year: 2025,
        defects: true,
        format: Format::Csv,
    };
    generate(&opts, &data).expect("generate the city");
    let method_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/methods/ankang_default.toml");
    let period = Period::parse("2025", Basis::Rolling4).expect("period");
    // Loading binds every rule to the field numbering, as for a run. The preset names no other file.
    let text = std::fs::read_to_string(&method_path).expect("default preset");
    let loaded = method::load_str(&text, &method_path).expect("default preset");
    let (basis, merge) = (loaded.method.land.basis, loaded.method.land.merge_tenants);
    let side = SideFiles::default();

    let mut g = c.benchmark_group(format!("{firms} firms"));
    g.sample_size(10);
    g.bench_function("ingest and validate", |b| b.iter(|| validate::load(&data).expect("inputs")));
    let dataset = validate::load(&data).expect("inputs");
    g.bench_function("indicators", |b| b.iter(|| indicators::compute_with(&dataset, &period, basis, merge)));
    let facts = indicators::compute_with(&dataset, &period, basis, merge);
    let prior = indicators::compute_with(&dataset, &period.prior_year(), basis, merge);
    // As a run past `[output] detail_limit` scores: without the explanation figures.
    let explained = loaded.method.output.details(dataset.enterprises.len());
    g.bench_function("score", |b| {
        b.iter(|| score::score(&dataset, &facts, &prior, &loaded, &period, &side, explained).expect("score"))
    });
    let (scored, _) = score::score(&dataset, &facts, &prior, &loaded, &period, &side, explained).expect("score");
    g.bench_function("classes and ranks", |b| {
        b.iter_batched(
            || scored.clone(),
            |mut s| rank::classify_and_rank(&dataset, &loaded, &mut s),
            BatchSize::LargeInput,
        )
    });
    let inputs = pipeline::Inputs {
        data: dataset.clone(),
        method: loaded.clone(),
        side,
        data_dir: data.clone(),
        corrections: Vec::new(),
        timings: Vec::new(),
    };
    let opts =
        pipeline::Options { period: period.clone(), prior_year_always: true, keep_rows: true, explain_all: false };
    let run = pipeline::evaluate(inputs, &opts).expect("evaluate");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("output folder");
    g.bench_function("write tables", |b| b.iter(|| report::write_all(&run, &out, &[]).expect("write")));
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
