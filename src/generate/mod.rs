//! Deterministic synthetic city (安康-like) in the canonical input format (`/work/shared/data-format.md`).
//!
//! Enterprises are generated one by one from a per-enterprise random stream, and every file's rows are
//! written as they are made, so memory stays bounded whatever the number of enterprises. The only state
//! carried from one enterprise to the next is the land it shares with or rents to its successor.

mod random;
mod sink;
mod tables;

use std::fs;
use std::path::Path;

use anyhow::{ensure, Context, Result};

use crate::ids;
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

#[derive(Clone, Copy)]
struct Date {
    y: i32,
    m: u32,
    d: u32,
}

impl Date {
    fn plus_months(self, k: u32) -> Date {
        let t = self.m - 1 + k;
        Date { y: self.y + (t / 12) as i32, m: t % 12 + 1, d: self.d }
    }
    fn text(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// A land row: parcel, area in its unit, unit is 平方米 when `sqm`, tenure.
#[derive(Clone)]
struct Parcel {
    id: String,
    area: f64,
    sqm: bool,
    tenure: &'static str,
}

/// Area of `mu` 亩 expressed in the parcel's unit: 平方米 rounded to 10, 亩 to 2 decimals.
fn in_unit(mu: f64, sqm: bool) -> f64 {
    if sqm {
        ((mu * SQM_PER_MU / 10.0).round() * 10.0).max(10.0)
    } else {
        ((mu * 100.0).round() / 100.0).max(0.01)
    }
}

/// A fraction of a parcel's area, in its unit and rounded like `in_unit`.
fn part(p: &Parcel, frac: f64) -> f64 {
    if p.sqm {
        ((p.area * frac / 10.0).round() * 10.0).max(10.0)
    } else {
        in_unit(p.area * frac, false)
    }
}

/// Land handed from one enterprise to the next (shared or rented parcels); the successor joins the same county and park.
struct Handover {
    county: usize,
    park: String,
    rows: Vec<Parcel>,
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

/// Writes enterprises, land, output, tax and events files (.csv or .parquet) into `out_dir` (created if needed).
pub fn generate(opts: &GenOptions, out_dir: &Path) -> Result<GenSummary> {
    ensure!(opts.first_year <= opts.last_year, "first_year {} is after last_year {}", opts.first_year, opts.last_year);
    ensure!(opts.last_year > FIRST_FOUNDING_YEAR, "last_year must be after {FIRST_FOUNDING_YEAR}");
    fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let f = opts.format;
    let mut ent_w = Sink::create(
        out_dir,
        "enterprises",
        f,
        &[
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
        ],
        &["rented_floor_m2"],
    )?;
    let mut land_w =
        Sink::create(out_dir, "land", f, &["enterprise_id", "parcel_id", "area", "unit", "tenure"], &["area"])?;
    let output_numbers = [
        "revenue",
        "value_added",
        "energy_tce",
        "emissions",
        "rd_expense",
        "employees",
        "electricity_10k_kwh",
        "tech_invest",
    ];
    let mut out_w = Sink::create(
        out_dir,
        "output",
        f,
        &[&["enterprise_id", "period"][..], &output_numbers].concat(),
        &output_numbers,
    )?;
    let mut tax_w = Sink::create(out_dir, "tax", f, &["enterprise_id", "period", "tax_paid"], &["tax_paid"])?;
    let mut ev_w = Sink::create(out_dir, "events", f, &["enterprise_id", "date", "kind", "note"], &[])?;

    let n = opts.enterprises;
    let (first, last) = (opts.first_year, opts.last_year);
    let plan = DefectPlan::new(opts);
    let mut sum = GenSummary { enterprises: n, ..GenSummary::default() };
    let mut parcel_counter = [0u64; 11];
    let mut ghost_seq = n as u64; // ids of enterprises that are not in enterprises.csv
    let mut handover: Option<Handover> = None;
    let mut land: Vec<Parcel> = Vec::new();

    for i in 0..n {
        let r = &mut Rng::new(opts.seed, i as u64);
        let prev = handover.take();
        let has_next = i + 1 < n;

        // ---- identity and attributes
        let county = match &prev {
            Some(h) => h.county,
            None => r.weighted(COUNTIES.iter().map(|c| c.weight)),
        };
        let cty = &COUNTIES[county];
        let mut id = make_id(county, i as u64 + 1);
        if plan.hit(Defect::BadCheck, i) {
            let pos = ids::ALPHABET.iter().position(|&a| a == id.as_bytes()[17]).expect("valid id");
            let wrong = ids::ALPHABET[(pos + 1 + r.below(30) as usize) % 31] as char;
            id.pop();
            id.push(wrong);
        }
        let park = match &prev {
            Some(h) => h.park.clone(),
            None if r.chance(if county == 10 { 0.95 } else { 0.8 }) => cty.park.to_string(),
            None => String::new(),
        };
        let mut industry = INDUSTRIES[r.weighted(INDUSTRIES.iter().map(|x| x.2))];
        if industry.0 == "2039" && r.chance(0.3) {
            industry = (WOOD_BOARD.0, WOOD_BOARD.1, 0);
        } else if industry.0 == "4411" && r.chance(0.4) {
            industry = (HEAT.0, HEAT.1, 0);
        }
        let brand = BRANDS[r.below(BRANDS.len() as u64) as usize];
        let form = if r.chance(0.15) { "厂" } else { "有限公司" };
        let name = format!("{}{}{}{}{:03}", cty.short, brand, industry.1, form, i + 1);

        let mut base = (1500f64.ln() + 1.3 * r.normal()).exp(); // 万元 per year, in the last year
        if r.chance(0.003) {
            base *= r.range(3.0, 10.0); // a few giants
        }
        let base = base.clamp(30.0, 2_000_000.0);
        // 规上 by last year's revenue (≥ 2000 万元); a firm close to the line may be labelled either way
        // (last year's revenue crossed it), so the 升规 pool finds firms near the line and none far past it.
        let near = (1600.0..2500.0).contains(&base);
        let above = (base >= 2000.0) != (near && r.chance(0.3));
        let growth = r.range(-0.15, 0.25);

        let (lo, hi) =
            if r.chance(0.07) { (last - 1, last) } else { (FIRST_FOUNDING_YEAR, (last - 2).max(FIRST_FOUNDING_YEAR)) };
        let est = Date { y: r.int(lo as i64, hi as i64) as i32, m: r.int(1, 12) as u32, d: r.int(1, 28) as u32 };
        let prod = if r.chance(0.4) { Some(est.plus_months(r.int(6, 18) as u32)) } else { None };
        let prod = prod.filter(|p| p.y <= last);
        let rented_floor =
            if !above && r.chance(0.1) { Some((r.range(1000.0, 5000.0) / 10.0).round() * 10.0) } else { None };
        let mut tags = Vec::new();
        for (tag, p) in [("高新技术企业", 0.08), ("专精特新", 0.05), ("绿色工厂", 0.03)] {
            if r.chance(p) {
                tags.push(tag);
            }
        }
        let row = [
            id.clone(),
            name,
            cty.name.to_string(),
            park.clone(),
            industry.0.to_string(),
            (if above { "规上" } else { "规下" }).to_string(),
            est.text(),
            tags.join(";"),
            prod.map(Date::text).unwrap_or_default(),
            rented_floor.map(num).unwrap_or_default(),
        ];
        ent_w.write_record(&row)?;
        if plan.hit(Defect::DupEnterprise, i) {
            ent_w.write_record(&row)?;
        }

        // ---- land
        land.clear();
        if let Some(h) = prev {
            land.extend(h.rows);
        }
        let mut next = Handover { county, park, rows: Vec::new() };
        let new_parcel = |counter: &mut [u64; 11]| {
            counter[county] += 1;
            format!("{}-{:06}", cty.prefix, counter[county])
        };
        if !above && r.chance(0.03) {
            // only rented-in land, from an owner outside the dataset
            let sqm = r.chance(0.25);
            land.push(Parcel {
                id: new_parcel(&mut parcel_counter),
                area: in_unit(r.range(1.0, 6.0), sqm),
                sqm,
                tenure: "租入",
            });
        } else {
            let total_mu = (0.4 * base.sqrt() * r.noise(0.45)).clamp(0.8, 3000.0);
            let k = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3][r.below(10) as usize];
            let shares: Vec<f64> = (0..k).map(|_| r.range(0.3, 1.0)).collect();
            let share_sum: f64 = shares.iter().sum();
            let own_start = land.len();
            for s in &shares {
                let sqm = r.chance(0.25);
                let p = Parcel {
                    id: new_parcel(&mut parcel_counter),
                    area: in_unit(total_mu * s / share_sum, sqm),
                    sqm,
                    tenure: "自有",
                };
                if has_next && r.chance(0.05) {
                    next.rows
                        .push(Parcel { id: p.id.clone(), area: part(&p, r.range(0.3, 1.0)), sqm, tenure: "自有" });
                }
                land.push(p);
            }
            let x = r.f();
            if has_next && x < 0.01 {
                for j in own_start..land.len() {
                    let p = Parcel { tenure: "租出", ..land[j].clone() };
                    next.rows.push(Parcel { tenure: "租入", ..p.clone() });
                    land.push(p);
                }
            } else if has_next && x < 0.08 {
                let j = own_start + r.below(k as u64) as usize;
                let p = Parcel { area: part(&land[j], r.range(0.2, 0.6)), tenure: "租出", ..land[j].clone() };
                next.rows.push(Parcel { tenure: "租入", ..p.clone() });
                land.push(p);
            }
        }
        if plan.hit(Defect::NegArea, i) {
            land[0].area = -land[0].area;
        }
        if plan.hit(Defect::ZeroArea, i) {
            land[0].area = 0.0;
        }
        for p in &land {
            land_w.write_record([id.as_str(), &p.id, &num(p.area), if p.sqm { "平方米" } else { "亩" }, p.tenure])?;
        }
        sum.land_rows += land.len();
        if plan.hit(Defect::LandUnknown, i) {
            ghost_seq += 1;
            let ghost = make_id(county, ghost_seq);
            let pid = new_parcel(&mut parcel_counter);
            land_w.write_record([ghost.as_str(), &pid, &num(in_unit(r.range(2.0, 20.0), false)), "亩", "自有"])?;
            sum.land_rows += 1;
        }
        if !next.rows.is_empty() {
            handover = Some(next);
        }

        // ---- output and tax
        let va_ratio = r.range(0.20, 0.35);
        let energy_div = r.range(2.0, 8.0);
        let emis_div = r.range(1000.0, 8000.0);
        let no_emissions = above && r.chance(0.05);
        let rd_ratio = if above || r.chance(0.2) { Some(r.range(0.0, 0.05)) } else { None };
        let tech_ratio = if above || r.chance(0.2) { Some(r.range(0.0, 0.05)) } else { None };
        let no_electricity = r.chance(0.08);
        let per_head = r.range(20.0, 60.0);
        let tax_ratio = r.range(0.03, 0.08);
        let refund_q = if r.chance(0.02) { Some(r.below(4) as u32) } else { None };
        let start_q = if est.y < first { first * 4 } else { est.y * 4 + (est.m as i32 - 1) / 3 };
        let (mut miss_out, mut miss_tax) = (false, false);
        if start_q < last * 4 + 3 && r.chance(0.02) {
            match r.below(3) {
                0 => miss_out = true,
                1 => miss_tax = true,
                _ => (miss_out, miss_tax) = (true, true),
            }
        }
        // Typed Parquet number columns cannot hold text: that defect is CSV only.
        let mut text_pending = plan.hit(Defect::TextCell, i) && f == Format::Csv;
        let mut dup_pending = plan.hit(Defect::DupOutput, i);
        for y in first..=last {
            let annual = base * (1.0 + growth).powi(y - last);
            for q in 0..4u32 {
                if y * 4 + (q as i32) < start_q {
                    continue;
                }
                let period = format!("{y}Q{}", q + 1);
                let is_last = y == last && q == 3;
                let rev = annual * SEASON[q as usize] * r.noise(0.06);
                let energy = rev / energy_div * r.noise(0.05);
                let mut row = [
                    id.clone(),
                    period.clone(),
                    num(rev),
                    num(rev * va_ratio * r.noise(0.04)),
                    num(energy),
                    if no_emissions { String::new() } else { num((rev / emis_div * r.noise(0.1)).max(0.01)) },
                    rd_ratio.map(|x| num(rev * x * r.noise(0.2))).unwrap_or_default(),
                    ((annual / per_head * r.noise(0.03)).round().max(3.0) as i64).to_string(),
                    if no_electricity || r.chance(0.03) { String::new() } else { num(energy * 0.8 * r.noise(0.05)) },
                    tech_ratio.map(|x| num(rev * x * r.noise(0.3))).unwrap_or_default(),
                ];
                if !(is_last && miss_out) {
                    if text_pending {
                        row[2] = if i % 2 == 0 { format!("约{}", (rev / 10.0).round() * 10.0) } else { "n/a".into() };
                        text_pending = false;
                    }
                    out_w.write_record(&row)?;
                    sum.output_rows += 1;
                    if dup_pending {
                        if i % 2 == 1 {
                            row[2] = num(rev * 1.08);
                        }
                        out_w.write_record(&row)?;
                        sum.output_rows += 1;
                        dup_pending = false;
                    }
                }
                let mut tax = rev * tax_ratio * r.noise(0.15);
                if y == last && refund_q == Some(q) {
                    tax = -rev * tax_ratio * r.range(0.1, 0.5);
                }
                if !(is_last && miss_tax) {
                    tax_w.write_record([id.as_str(), &period, &num(tax)])?;
                    sum.tax_rows += 1;
                }
            }
        }
        if plan.hit(Defect::TaxUnknown, i) {
            ghost_seq += 1;
            let ghost = make_id(county, ghost_seq);
            tax_w.write_record([ghost.as_str(), &format!("{last}Q1"), &num(r.range(5.0, 50.0))])?;
            sum.tax_rows += 1;
        }

        // ---- events
        if r.chance(0.04) {
            let count = if r.chance(0.8) { 1 } else { 2 };
            for _ in 0..count {
                let y = r.int(first.max(est.y) as i64, last as i64) as i32;
                let m = if y == est.y { r.int(est.m as i64, 12) } else { r.int(1, 12) } as u32;
                let d = if y == est.y && m == est.m { r.int(est.d as i64, 28) } else { r.int(1, 28) } as u32;
                let date = Date { y, m, d }.text();
                let x = r.f();
                let (kind, note) = if x < 0.70 {
                    let what = ["废水超标排放", "废气处理设施未正常运行", "危险废物贮存不规范", "未批先建"]
                        [r.below(4) as usize];
                    ("env_penalty", format!("{what}，罚款{}万元", r.int(2, 50)))
                } else if x < 0.92 {
                    ("safety_accident_general", format!("发生一般生产安全事故，{}人受伤", r.int(1, 3)))
                } else if x < 0.97 {
                    ("safety_accident_major", format!("发生较大生产安全事故，{}人死亡", r.int(3, 9)))
                } else {
                    ("dishonesty_serious", "被列入严重失信主体名单".to_string())
                };
                ev_w.write_record([id.as_str(), &date, kind, &note])?;
                sum.event_rows += 1;
            }
        }
    }

    for w in [ent_w, land_w, out_w, tax_w, ev_w] {
        w.finish()?;
    }
    if plan.count > 0 {
        let count = |k: usize| if k == Defect::TextCell as usize && f == Format::Parquet { 0 } else { plan.count };
        sum.defects = DEFECT_NAMES.iter().enumerate().map(|(k, name)| format!("{name}: {}", count(k))).collect();
    }
    Ok(sum)
}

#[cfg(test)]
mod tests;
