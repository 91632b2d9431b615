//! One synthetic enterprise's quarters (output and tax rows, with their defects) and events.

use super::firm::{Date, Firm};
use super::random::Rng;
use super::sink::{Format, Sink};
use super::tables::*;
use super::{num, City, Defect, GenOptions, GenSummary, Writers};
use anyhow::Result;

/// The firm's profile of ratios, drawn once and applied to every quarter.
struct Profile {
    va_ratio: f64,
    energy_div: f64,
    emis_div: f64,
    no_emissions: bool,
    rd_ratio: Option<f64>,
    tech_ratio: Option<f64>,
    no_electricity: bool,
    per_head: f64,
    tax_ratio: f64,
    /// The quarter of the last year with a tax refund (negative tax), if any.
    refund_q: Option<u32>,
}

impl Profile {
    fn draw(r: &mut Rng, above: bool) -> Profile {
        Profile {
            va_ratio: r.range(0.20, 0.35),
            energy_div: r.range(2.0, 8.0),
            emis_div: r.range(1000.0, 8000.0),
            no_emissions: above && r.chance(0.05),
            rd_ratio: if above || r.chance(0.2) { Some(r.range(0.0, 0.05)) } else { None },
            tech_ratio: if above || r.chance(0.2) { Some(r.range(0.0, 0.05)) } else { None },
            no_electricity: r.chance(0.08),
            per_head: r.range(20.0, 60.0),
            tax_ratio: r.range(0.03, 0.08),
            refund_q: if r.chance(0.02) { Some(r.below(4) as u32) } else { None },
        }
    }
    /// One quarter's output row (revenue `rev` of a year of `annual`).
    fn output_row(&self, r: &mut Rng, id: &str, period: &str, rev: f64, annual: f64) -> [String; 10] {
        let energy = rev / self.energy_div * r.noise(0.05);
        [
            id.to_string(),
            period.to_string(),
            num(rev),
            num(rev * self.va_ratio * r.noise(0.04)),
            num(energy),
            if self.no_emissions { String::new() } else { num((rev / self.emis_div * r.noise(0.1)).max(0.01)) },
            self.rd_ratio.map(|x| num(rev * x * r.noise(0.2))).unwrap_or_default(),
            ((annual / self.per_head * r.noise(0.03)).round().max(3.0) as i64).to_string(),
            if self.no_electricity || r.chance(0.03) { String::new() } else { num(energy * 0.8 * r.noise(0.05)) },
            self.tech_ratio.map(|x| num(rev * x * r.noise(0.3))).unwrap_or_default(),
        ]
    }
}

/// The firm's output and tax rows, quarter by quarter from its founding (or the first year), with the
/// missing last quarters, text cell, duplicate row and unknown-id tax defects.
pub(super) fn quarters(opts: &GenOptions, city: &mut City, r: &mut Rng, firm: &Firm, w: &mut Writers) -> Result<()> {
    let (first, last, i) = (opts.first_year, opts.last_year, firm.i);
    let profile = Profile::draw(r, firm.above);
    let est = firm.est;
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
    let mut text_pending = city.plan.hit(Defect::TextCell, i) && opts.format == Format::Csv;
    let mut dup_pending = city.plan.hit(Defect::DupOutput, i);
    for y in first..=last {
        let annual = firm.base * (1.0 + firm.growth).powi(y - last);
        for q in (0..4u32).filter(|&q| y * 4 + (q as i32) >= start_q) {
            let period = format!("{y}Q{}", q + 1);
            let is_last = y == last && q == 3;
            let rev = annual * SEASON[q as usize] * r.noise(0.06);
            let mut row = profile.output_row(r, &firm.id, &period, rev, annual);
            if !(is_last && miss_out) {
                if text_pending {
                    row[2] = if i % 2 == 0 { format!("约{}", (rev / 10.0).round() * 10.0) } else { "n/a".into() };
                    text_pending = false;
                }
                w.out.write_record(&row)?;
                city.sum.output_rows += 1;
                if dup_pending {
                    if i % 2 == 1 {
                        row[2] = num(rev * 1.08);
                    }
                    w.out.write_record(&row)?;
                    city.sum.output_rows += 1;
                    dup_pending = false;
                }
            }
            let mut tax = rev * profile.tax_ratio * r.noise(0.15);
            if y == last && profile.refund_q == Some(q) {
                tax = -rev * profile.tax_ratio * r.range(0.1, 0.5);
            }
            if !(is_last && miss_tax) {
                w.tax.write_record([firm.id.as_str(), &period, &num(tax)])?;
                city.sum.tax_rows += 1;
            }
        }
    }
    if city.plan.hit(Defect::TaxUnknown, i) {
        let ghost = city.ghost(firm.county);
        w.tax.write_record([ghost.as_str(), &format!("{last}Q1"), &num(r.range(5.0, 50.0))])?;
        city.sum.tax_rows += 1;
    }
    Ok(())
}

/// 4 % of firms have one or two events (penalties, accidents, dishonesty) dated after their founding.
pub(super) fn events(opts: &GenOptions, sum: &mut GenSummary, r: &mut Rng, firm: &Firm, ev_w: &mut Sink) -> Result<()> {
    if !r.chance(0.04) {
        return Ok(());
    }
    let (first, last, est) = (opts.first_year, opts.last_year, firm.est);
    let count = if r.chance(0.8) { 1 } else { 2 };
    for _ in 0..count {
        let y = r.int(first.max(est.y) as i64, last as i64) as i32;
        let m = if y == est.y { r.int(est.m as i64, 12) } else { r.int(1, 12) } as u32;
        let d = if y == est.y && m == est.m { r.int(est.d as i64, 28) } else { r.int(1, 28) } as u32;
        let date = Date { y, m, d }.text();
        let x = r.f();
        let (kind, note) = if x < 0.70 {
            let what =
                ["废水超标排放", "废气处理设施未正常运行", "危险废物贮存不规范", "未批先建"][r.below(4) as usize];
            ("env_penalty", format!("{what}，罚款{}万元", r.int(2, 50)))
        } else if x < 0.92 {
            ("safety_accident_general", format!("发生一般生产安全事故，{}人受伤", r.int(1, 3)))
        } else if x < 0.97 {
            ("safety_accident_major", format!("发生较大生产安全事故，{}人死亡", r.int(3, 9)))
        } else {
            ("dishonesty_serious", "被列入严重失信主体名单".to_string())
        };
        ev_w.write_record([firm.id.as_str(), &date, kind, &note])?;
        sum.event_rows += 1;
    }
    Ok(())
}
