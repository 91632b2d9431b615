//! Deterministic synthetic city (安康-like) in the canonical input format (`/work/shared/data-format.md`).
//!
//! Enterprises are generated one by one from a per-enterprise random stream, and every file's rows are
//! written as they are made, so memory stays bounded whatever the number of enterprises. The only state
//! carried from one enterprise to the next is the land it shares with or rents to its successor.

mod firm;
mod quarters;
mod random;
mod sink;
mod tables;

use std::fs;
use std::path::Path;

use anyhow::{ensure, Context, Result};

use crate::ids;
use firm::{Handover, Parcel};
use random::Rng;
pub use sink::Format;
use sink::Sink;
use tables::*;

#[derive(Debug, Clone)]
pub struct GenOptions {
    /// number of distinct enterprises
    pub enterprises: usize,
    pub seed: u64,
    /// e.g. 2023
    pub first_year: i32,
    /// inclusive; quarters YYYYQ1..YYYYQ4 for each year
    pub last_year: i32,
    /// sprinkle realistic defects (true for the demo sample)
    pub defects: bool,
    /// CSV (the default) or Parquet with typed number columns
    pub format: Format,
}

#[derive(Debug, Clone, Default)]
pub struct GenSummary {
    pub enterprises: usize,
    pub land_rows: usize,
    pub output_rows: usize,
    pub tax_rows: usize,
    pub event_rows: usize,
    /// one line per injected defect kind with its count, e.g. "bad check digit: 3"
    pub defects: Vec<String>,
}

/// Defect kinds, in the order of `DEFECT_NAMES`.
#[derive(Clone, Copy)]
enum Defect {
    BadCheck,
    DupEnterprise,
    LandUnknown,
    NegArea,
    ZeroArea,
    TextCell,
    DupOutput,
    TaxUnknown,
}
const DEFECT_NAMES: [&str; 8] = [
    "bad check digit",
    "duplicated enterprise row",
    "land row for unknown id",
    "negative land area",
    "zero land area",
    "text in output number cell",
    "duplicated output row",
    "tax row for unknown id",
];

// ---------------------------------------------------------------- helpers

/// At most 2 decimals, trailing zeros trimmed, never "-0".
fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let t = s.trim_end_matches('0').trim_end_matches('.');
    (if t == "-0" { "0" } else { t }).to_string()
}

/// Valid 18-character code: "91" + region + "MA" + 7 base-31 characters of `seq` + check digit.
fn make_id(county: usize, seq: u64) -> String {
    let mut tail = [b'0'; 7];
    let mut n = seq;
    for slot in tail.iter_mut().rev() {
        *slot = ids::ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    assert!(n == 0, "sequence number {seq} does not fit in 7 base-31 characters");
    let stem = format!("91{}MA{}", COUNTIES[county].code, std::str::from_utf8(&tail).expect("ascii"));
    ids::with_check(&stem).expect("stem uses the GB 32100 alphabet")
}

/// Which enterprises carry which defect: `count` positions per kind, evenly spaced, distinct offsets per kind.
struct DefectPlan {
    count: usize,
    stride: usize,
    offsets: [usize; 8],
}

impl DefectPlan {
    fn new(opts: &GenOptions) -> DefectPlan {
        let n = opts.enterprises;
        if !opts.defects || n < 50 {
            return DefectPlan { count: 0, stride: 1, offsets: [0; 8] };
        }
        let count = ((n as f64 * 0.002).round() as usize).max(1);
        let stride = n / count;
        let base = Rng::new(opts.seed, u64::MAX).below(stride as u64) as usize;
        let mut offsets = [0; 8];
        for (k, o) in offsets.iter_mut().enumerate() {
            *o = (base + k * stride / 8) % stride;
        }
        DefectPlan { count, stride, offsets }
    }
    fn hit(&self, kind: Defect, i: usize) -> bool {
        let o = self.offsets[kind as usize];
        self.count > 0 && i >= o && (i - o).is_multiple_of(self.stride) && (i - o) / self.stride < self.count
    }
}

// ---------------------------------------------------------------- the generator

/// The five files being written.
struct Writers {
    ent: Sink,
    land: Sink,
    out: Sink,
    tax: Sink,
    ev: Sink,
}

/// The output file's number columns, as the canonical format names them.
const OUTPUT_NUMBERS: [&str; 8] = crate::dataset::columns::OUTPUT_COLUMNS;

impl Writers {
    fn create(out_dir: &Path, f: Format) -> Result<Writers> {
        let ent_columns = [
            "enterprise_id",
            "name",
            "county",
            "park",
            "industry",
            "scale",
            "established",
            "tags",
            "production_start",
            "rented_floor_m2",
        ];
        let output_columns = [&["enterprise_id", "period"][..], &OUTPUT_NUMBERS].concat();
        Ok(Writers {
            ent: Sink::create(out_dir, "enterprises", f, &ent_columns, &["rented_floor_m2"])?,
            land: Sink::create(
                out_dir,
                "land",
                f,
                &["enterprise_id", "parcel_id", "area", "unit", "tenure"],
                &["area"],
            )?,
            out: Sink::create(out_dir, "output", f, &output_columns, &OUTPUT_NUMBERS)?,
            tax: Sink::create(out_dir, "tax", f, &["enterprise_id", "period", "tax_paid"], &["tax_paid"])?,
            ev: Sink::create(out_dir, "events", f, &["enterprise_id", "date", "kind", "note"], &[])?,
        })
    }
    fn finish(self) -> Result<()> {
        for w in [self.ent, self.land, self.out, self.tax, self.ev] {
            w.finish()?;
        }
        Ok(())
    }
}

/// What carries from one enterprise to the next: the defect plan, the counts, the parcel and ghost-id
/// counters and the land handed over.
struct City {
    plan: DefectPlan,
    sum: GenSummary,
    parcel_counter: [u64; 11],
    /// Ids of enterprises that are not in enterprises.csv.
    ghost_seq: u64,
    handover: Option<Handover>,
    /// This enterprise's land rows (kept to reuse the allocation).
    land: Vec<Parcel>,
}

impl City {
    fn new_parcel(&mut self, county: usize) -> String {
        self.parcel_counter[county] += 1;
        format!("{}-{:06}", COUNTIES[county].prefix, self.parcel_counter[county])
    }
    fn ghost(&mut self, county: usize) -> String {
        self.ghost_seq += 1;
        make_id(county, self.ghost_seq)
    }
}

/// Writes enterprises, land, output, tax and events files (.csv or .parquet) into `out_dir` (created if needed).
pub fn generate(opts: &GenOptions, out_dir: &Path) -> Result<GenSummary> {
    ensure!(opts.first_year <= opts.last_year, "first_year {} is after last_year {}", opts.first_year, opts.last_year);
    ensure!(opts.last_year > FIRST_FOUNDING_YEAR, "last_year must be after {FIRST_FOUNDING_YEAR}");
    fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let mut w = Writers::create(out_dir, opts.format)?;
    let n = opts.enterprises;
    let mut city = City {
        plan: DefectPlan::new(opts),
        sum: GenSummary { enterprises: n, ..GenSummary::default() },
        parcel_counter: [0; 11],
        ghost_seq: n as u64,
        handover: None,
        land: Vec::new(),
    };
    for i in 0..n {
        // Each enterprise draws from its own stream, in this order: attributes, land, quarters, events.
        let r = &mut Rng::new(opts.seed, i as u64);
        let prev = city.handover.take();
        let firm = firm::enterprise(opts, &city.plan, r, i, prev.as_ref(), &mut w.ent)?;
        firm::land(&mut city, r, &firm, prev, i + 1 < n, &mut w.land)?;
        quarters::quarters(opts, &mut city, r, &firm, &mut w)?;
        quarters::events(opts, &mut city.sum, r, &firm, &mut w.ev)?;
    }
    w.finish()?;
    let (plan, mut sum) = (city.plan, city.sum);
    if plan.count > 0 {
        let parquet = opts.format == Format::Parquet;
        let count = |k: usize| if k == Defect::TextCell as usize && parquet { 0 } else { plan.count };
        sum.defects = DEFECT_NAMES.iter().enumerate().map(|(k, name)| format!("{name}: {}", count(k))).collect();
    }
    Ok(sum)
}

#[cfg(test)]
mod tests;
