//! One synthetic enterprise: its attributes and enterprises row, and its land (own parcels, and what it
//! shares with or rents to its successor).

use super::random::Rng;
use super::sink::Sink;
use super::tables::*;
use super::{make_id, num, City, Defect, DefectPlan, GenOptions};
use crate::ids;
use anyhow::Result;

#[derive(Clone, Copy)]
pub(super) struct Date {
    pub(super) y: i32,
    pub(super) m: u32,
    pub(super) d: u32,
}

impl Date {
    pub(super) fn plus_months(self, k: u32) -> Date {
        let t = self.m - 1 + k;
        Date { y: self.y + (t / 12) as i32, m: t % 12 + 1, d: self.d }
    }
    pub(super) fn text(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// A land row: parcel, area in its unit, unit is 平方米 when `sqm`, tenure.
#[derive(Clone)]
pub(super) struct Parcel {
    pub(super) id: String,
    pub(super) area: f64,
    pub(super) sqm: bool,
    pub(super) tenure: &'static str,
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
pub(super) struct Handover {
    pub(super) county: usize,
    pub(super) park: String,
    pub(super) rows: Vec<Parcel>,
}

/// One enterprise's attributes that its land, quarters and events depend on.
pub(super) struct Firm {
    pub(super) i: usize,
    pub(super) id: String,
    pub(super) county: usize,
    pub(super) park: String,
    pub(super) above: bool,
    /// 万元 per year, in the last year.
    pub(super) base: f64,
    pub(super) growth: f64,
    pub(super) est: Date,
}

/// Enterprise `i`'s attributes, written as its enterprises row (twice for the duplicate defect); a firm
/// taking over land from its predecessor (`prev`) joins its county and park.
pub(super) fn enterprise(
    opts: &GenOptions,
    plan: &DefectPlan,
    r: &mut Rng,
    i: usize,
    prev: Option<&Handover>,
    ent_w: &mut Sink,
) -> Result<Firm> {
    let last = opts.last_year;
    let county = match prev {
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
    let park = match prev {
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

    let mut base = (1500f64.ln() + 1.3 * r.normal()).exp();
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
    Ok(Firm { i, id, county, park, above, base, growth, est })
}

/// The firm's land rows: what its predecessor handed over, its own parcels (or only rented-in land), and
/// what it shares with or rents to its successor (`has_next`), which becomes the next handover.
pub(super) fn land(
    city: &mut City,
    r: &mut Rng,
    firm: &Firm,
    prev: Option<Handover>,
    has_next: bool,
    land_w: &mut Sink,
) -> Result<()> {
    let mut land = std::mem::take(&mut city.land);
    land.clear();
    if let Some(h) = prev {
        land.extend(h.rows);
    }
    let mut next = Handover { county: firm.county, park: firm.park.clone(), rows: Vec::new() };
    if !firm.above && r.chance(0.03) {
        // only rented-in land, from an owner outside the dataset
        let sqm = r.chance(0.25);
        let area = in_unit(r.range(1.0, 6.0), sqm);
        land.push(Parcel { id: city.new_parcel(firm.county), area, sqm, tenure: "租入" });
    } else {
        own_parcels(city, r, firm, has_next, &mut land, &mut next);
    }
    let plan = &city.plan;
    if plan.hit(Defect::NegArea, firm.i) {
        land[0].area = -land[0].area;
    }
    if plan.hit(Defect::ZeroArea, firm.i) {
        land[0].area = 0.0;
    }
    for p in &land {
        land_w.write_record([firm.id.as_str(), &p.id, &num(p.area), if p.sqm { "平方米" } else { "亩" }, p.tenure])?;
    }
    city.sum.land_rows += land.len();
    if plan.hit(Defect::LandUnknown, firm.i) {
        let ghost = city.ghost(firm.county);
        let pid = city.new_parcel(firm.county);
        land_w.write_record([ghost.as_str(), &pid, &num(in_unit(r.range(2.0, 20.0), false)), "亩", "自有"])?;
        city.sum.land_rows += 1;
    }
    if !next.rows.is_empty() {
        city.handover = Some(next);
    }
    city.land = land;
    Ok(())
}

/// One to three owned parcels sized by the firm's revenue; some shared with the successor, some rented
/// out to it (all of them, or part of one).
fn own_parcels(city: &mut City, r: &mut Rng, firm: &Firm, has_next: bool, land: &mut Vec<Parcel>, next: &mut Handover) {
    let total_mu = (0.4 * firm.base.sqrt() * r.noise(0.45)).clamp(0.8, 3000.0);
    let k = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3][r.below(10) as usize];
    let shares: Vec<f64> = (0..k).map(|_| r.range(0.3, 1.0)).collect();
    let share_sum: f64 = shares.iter().sum();
    let own_start = land.len();
    for s in &shares {
        let sqm = r.chance(0.25);
        let p = Parcel {
            id: city.new_parcel(firm.county),
            area: in_unit(total_mu * s / share_sum, sqm),
            sqm,
            tenure: "自有",
        };
        if has_next && r.chance(0.05) {
            next.rows.push(Parcel { id: p.id.clone(), area: part(&p, r.range(0.3, 1.0)), sqm, tenure: "自有" });
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
