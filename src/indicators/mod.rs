//! Indicators stage, first half: the facts of each enterprise for the period — land basis (亩) and the
//! period sums of output and tax, summed in file order (methodology 18.0) — and the field lookup that
//! methodology expressions use.

use crate::dataset::fold::{add, EMPLOYEES_AT};
use crate::dataset::{Dataset, Enterprise, Tenure};
use crate::method::expr::{Env, Expr, TenantMeasure, Value};
use crate::method::LandBasis;
use crate::period::Period;
use crate::schema::Field;
use rayon::prelude::*;

mod tenancy;
pub use tenancy::{Lease, Tenancy};

/// What one enterprise brings to the evaluation for one period. Packed (152 bytes; a million firms'
/// facts are built in every run): sums are NaN when missing, read them with [`Facts::sum`], [`Facts::tax`].
#[derive(Debug, Clone)]
pub struct Facts {
    /// Land basis in 亩 by the methodology's rule.
    pub land: f64,
    pub land_owned: f64,
    pub land_rented_in: f64,
    pub land_rented_out: f64,
    /// Period sums of the output fields (employees: mean of the quarters reported); NaN if no quarter
    /// of the period has a value.
    sums: [f64; 8],
    /// Period sum of tax paid; NaN if no tax row in the period.
    tax: f64,
    pub quarters_output: u32,
    pub quarters_tax: u32,
    /// Other enterprises renting in (租入) a parcel this enterprise rents out (租出).
    pub tenants: u32,
    pub rent_out_rows: u32,
    /// With `[land] merge_tenants`: the landlord this tenant was merged into.
    merged_into: Option<u32>,
    /// Quarters of the period with no output or no tax row, e.g. `2024Q4`.
    pub missing_quarters: Vec<String>,
}

impl Default for Facts {
    fn default() -> Facts {
        Facts {
            land: 0.0,
            land_owned: 0.0,
            land_rented_in: 0.0,
            land_rented_out: 0.0,
            sums: [f64::NAN; 8],
            tax: f64::NAN,
            quarters_output: 0,
            quarters_tax: 0,
            tenants: 0,
            rent_out_rows: 0,
            merged_into: None,
            missing_quarters: Vec::new(),
        }
    }
}

impl Facts {
    /// The period sum of an output field (employees: the mean), `None` if missing or not an output field.
    pub fn sum(&self, field: Field) -> Option<f64> {
        field.output_index().and_then(|k| Some(self.sums[k]).filter(|v| !v.is_nan()))
    }
    /// Sets the period sum of an output field (ignored for any other field).
    pub fn set_sum(&mut self, field: Field, v: Option<f64>) {
        if let Some(k) = field.output_index() {
            self.sums[k] = v.unwrap_or(f64::NAN);
        }
    }
    /// The period sum of tax paid, `None` if no tax row.
    pub fn tax(&self) -> Option<f64> {
        Some(self.tax).filter(|v| !v.is_nan())
    }
    pub fn set_tax(&mut self, v: Option<f64>) {
        self.tax = v.unwrap_or(f64::NAN);
    }
    /// A period figure of the enterprise: an output sum, tax, land and its parts, or a count of rows;
    /// `None` when missing or when the field is not a period figure (attributes, the period's own fields).
    pub fn figure(&self, field: Field) -> Option<f64> {
        match field {
            Field::Tax => self.tax(),
            Field::Land => Some(self.land),
            Field::LandOwned => Some(self.land_owned),
            Field::LandRentedIn => Some(self.land_rented_in),
            Field::LandRentedOut => Some(self.land_rented_out),
            Field::QuartersOutput => Some(self.quarters_output as f64),
            Field::QuartersTax => Some(self.quarters_tax as f64),
            Field::Tenants => Some(self.tenants as f64),
            Field::RentOutRows => Some(self.rent_out_rows as f64),
            f => self.sum(f),
        }
    }
    /// With `[land] merge_tenants`: the landlord this tenant was merged into.
    pub fn merged_into(&self) -> Option<usize> {
        self.merged_into.map(|l| l as usize)
    }
}

/// Computes the facts of every enterprise (same order as `data.enterprises`).
pub fn compute(data: &Dataset, period: &Period, basis: LandBasis) -> Vec<Facts> {
    compute_with(data, period, basis, false)
}

/// [`compute`], optionally merging tenants into their landlords (see `[land] merge_tenants`).
pub fn compute_with(data: &Dataset, period: &Period, basis: LandBasis, merge_tenants: bool) -> Vec<Facts> {
    let n = data.enterprises.len();
    // Filled side by side: at provincial scale the first touch of fresh pages is the cost
    // (docs/performance.md).
    let mut facts: Vec<Facts> = (0..n).into_par_iter().map(|_| Facts::default()).collect();
    for r in &data.land {
        let f = &mut facts[r.enterprise()];
        match r.tenure {
            Tenure::Owned => f.land_owned += r.area_mu,
            Tenure::RentedIn => f.land_rented_in += r.area_mu,
            Tenure::RentedOut => f.land_rented_out += r.area_mu,
        }
    }
    // Tenants: distinct other enterprises leasing land from this one (tenancy.rs).
    let tenancy = Tenancy::of_data(data);
    for r in data.land.iter().filter(|r| r.tenure == Tenure::RentedOut) {
        facts[r.enterprise()].rent_out_rows += 1;
    }
    for (l, f) in facts.iter_mut().enumerate() {
        if !tenancy.of(l).is_empty() {
            f.tenants = tenancy.tenants(l).len() as u32;
        }
    }
    let merge: Vec<(usize, usize)> = if merge_tenants {
        // (landlord, tenant); a tenant of several landlords joins the first in file order.
        let mut pairs = Vec::new();
        let mut taken = vec![false; n];
        for l in 0..n {
            for t in tenancy.tenants(l) {
                if !taken[t] && tenancy.of(t).is_empty() {
                    taken[t] = true;
                    pairs.push((l, t));
                }
            }
        }
        pairs
    } else {
        Vec::new()
    };
    // The period's output and tax of each firm, in file order: folded while reading, or added from the rows.
    let (output, tax) = (data.output_over(period), data.tax_over(period));
    let len = period.quarters.len();
    assert!(len <= 64, "a period of at most 64 quarters");
    let all = if len == 0 { 0 } else { u64::MAX >> (64 - len) };
    for (i, f) in facts.iter_mut().enumerate() {
        let (o, t) = (&output[i], &tax[i]);
        f.sums = o.sums;
        f.tax = t.tax;
        f.quarters_output = o.rows;
        f.quarters_tax = t.rows;
        f.land = match basis {
            LandBasis::OwnedPlusRentedInMinusRentedOut => f.land_owned + f.land_rented_in - f.land_rented_out,
            LandBasis::OwnedPlusRentedIn => f.land_owned + f.land_rented_in,
            LandBasis::OwnedOnly => f.land_owned,
        };
        if o.employees_reported > 0 {
            f.sums[EMPLOYEES_AT] /= o.employees_reported as f64;
        }
        let both = o.quarters & t.quarters;
        if both != all {
            f.missing_quarters = period
                .quarters
                .iter()
                .enumerate()
                .filter(|(p, _)| both & (1u64 << p) == 0)
                .map(|(_, q)| q.to_string())
                .collect();
        }
    }
    let mut rows_of: Vec<Vec<&crate::dataset::LandRow>> = vec![Vec::new(); if merge.is_empty() { 0 } else { n }];
    if !merge.is_empty() {
        data.land.iter().for_each(|r| rows_of[r.enterprise()].push(r));
    }
    for &(l, t) in &merge {
        // The tenant's rented-in land on the landlord's parcels comes back to the landlord.
        let back: f64 = rows_of[t]
            .iter()
            .filter(|r| r.tenure == Tenure::RentedIn)
            .filter(|r| rows_of[l].iter().any(|x| x.tenure == Tenure::RentedOut && x.parcel_id == r.parcel_id))
            .map(|r| r.area_mu)
            .sum();
        let tf = facts[t].clone();
        let lf = &mut facts[l];
        lf.land += back;
        for (k, v) in tf.sums.iter().enumerate() {
            if !v.is_nan() {
                add(&mut lf.sums[k], *v);
            }
        }
        if !tf.tax.is_nan() {
            add(&mut lf.tax, tf.tax);
        }
        facts[t].merged_into = Some(l as u32);
    }
    facts
}

/// The expression environment of one enterprise in one period.
pub struct EntEnv<'a> {
    pub e: &'a Enterprise,
    pub f: &'a Facts,
    /// The same quarters one year earlier (`prior_<field>` in expressions).
    pub prior: Option<&'a Facts>,
    pub period: &'a Period,
    /// The other enterprises and this one's place among them, for rules on its tenants; `None` where no
    /// rule looks at other enterprises.
    pub others: Option<(&'a Others<'a>, usize)>,
}

/// Every enterprise's record and facts and the leases between them, for rules that look past the
/// enterprise being evaluated (`count_tenants(scale == '规下')`).
pub struct Others<'a> {
    pub data: &'a Dataset,
    pub facts: &'a [Facts],
    /// Empty when the prior year is not computed.
    pub prior: &'a [Facts],
    pub tenancy: &'a Tenancy,
}

fn num(x: f64) -> Value {
    Value::Num(x)
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Missing, Value::Num)
}

impl EntEnv<'_> {
    /// The value of a field this period.
    fn value(&self, field: Field) -> Value {
        let (e, p) = (self.e, self.period);
        let text = |s: &compact_str::CompactString| Value::Str(s.clone());
        match field {
            Field::RentedFloorM2 => opt(e.rented_floor_m2),
            Field::Established => opt(e.established.map(|d| d as f64)),
            Field::ProductionStart => opt(e.production_start.map(|d| d as f64)),
            Field::Year => num(p.year() as f64),
            Field::PeriodStart => num(p.first_day() as f64),
            Field::PeriodEnd => num(p.last_day() as f64),
            Field::QuartersExpected => num(p.quarters.len() as f64),
            Field::MissingQuarters => Value::Str(self.f.missing_quarters.join(", ").into()),
            Field::EnterpriseId => text(&e.id),
            Field::Name => Value::Str(e.name.as_str().into()),
            Field::County => text(&e.county),
            Field::Park => text(&e.park),
            Field::Industry => text(&e.industry),
            Field::Scale => Value::Str(compact_str::CompactString::const_new(e.scale.zh())),
            Field::Group => text(&e.group),
            f => opt(self.f.figure(f)),
        }
    }
}

impl Env for EntEnv<'_> {
    fn field(&self, name: &str) -> Value {
        Field::slot_of(name).map_or(Value::Missing, |slot| self.field_at(slot, name))
    }

    /// Slots are [`Field::slot_of`]'s numbers: a field, or its prior-year twin.
    fn field_at(&self, slot: u16, _name: &str) -> Value {
        match Field::of_slot(slot) {
            Some((f, false)) => self.value(f),
            Some((f, true)) => self.prior.map_or(Value::Missing, |pf| opt(pf.figure(f))),
            None => Value::Missing,
        }
    }

    fn has_tag(&self, tag: &str) -> bool {
        self.e.tags.iter().any(|t| t == tag)
    }

    fn tenants(&self, cond: Option<&Expr>, measure: TenantMeasure) -> Value {
        let Some((o, i)) = self.others else { return Value::Missing };
        // Each tenant is looked at on its own (its tenants are not looked through).
        let holds = |t: usize| {
            let env = EntEnv {
                e: &o.data.enterprises[t],
                f: &o.facts[t],
                prior: o.prior.get(t),
                period: self.period,
                others: None,
            };
            cond.is_none_or(|c| c.eval(&env).truthy())
        };
        match measure {
            TenantMeasure::Count => num(o.tenancy.tenants(i).into_iter().filter(|&t| holds(t)).count() as f64),
            TenantMeasure::Area => {
                let leases = o.tenancy.of(i).iter().filter(|l| holds(l.tenant));
                num(leases.fold(0.0, |sum, l| sum + l.area_mu))
            }
        }
    }
}

impl EntEnv<'_> {
    /// Fills `{field}` placeholders of a reason text: numbers at full precision (the shortest spelling
    /// that reads back to the same number: a reason saying why a rule held must not read "5 亩 < 5 亩"
    /// for 4.999995 亩), dates as YYYY-MM-DD.
    pub fn fill(&self, template: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(a) = rest.find('{') {
            let Some(b) = rest[a..].find('}') else { break };
            out.push_str(&rest[..a]);
            let name = &rest[a + 1..a + b];
            let shown = match (name, self.field(name)) {
                ("established" | "production_start" | "period_start" | "period_end", Value::Num(d)) => {
                    crate::dates::format(d as i64)
                }
                (_, Value::Num(x)) => format!("{}", x + 0.0),
                (_, Value::Missing) => "—".to_string(),
                (_, v) => v.to_string(),
            };
            out.push_str(&shown);
            rest = &rest[a + b + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// A number for reading in text: rounded half up to 4 decimals, trailing zeros dropped (2.7, 3, 0.0302).
pub fn trim_number(x: f64) -> String {
    let s = crate::decimal::round_half_up_str(x, 4);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::expr::{parse, Value::*};
    use crate::period::Basis;

    #[test]
    fn bound_fields_read_what_their_names_read() {
        let e = Enterprise {
            id: "91610902MA0001018F".into(),
            name: "汉滨富硒茶业有限公司".into(),
            county: "汉滨区".into(),
            park: "".into(),
            industry: "1530".into(),
            scale: crate::schema::Scale::Above,
            established: Some(20_000),
            production_start: None,
            tags: Vec::new(),
            rented_floor_m2: Some(120.0),
            extra: Vec::new(),
            group: "".into(),
            line: 2,
        };
        let mut f = Facts {
            land: 12.5,
            land_owned: 10.0,
            land_rented_in: 2.5,
            quarters_output: 3,
            quarters_tax: 4,
            ..Facts::default()
        };
        f.set_tax(Some(30.0));
        f.set_sum(Field::ValueAdded, Some(250.0));
        f.missing_quarters = vec!["2025Q4".into()];
        let period = Period::parse("2025", Basis::Rolling4).unwrap();
        let env = EntEnv { e: &e, f: &f, prior: None, period: &period, others: None };
        for name in Field::rule_names() {
            let slot = Field::slot_of(&name).unwrap_or_else(|| panic!("{name} has no number"));
            assert_eq!(env.field_at(slot, &name), env.field(&name), "{name}");
        }
        assert_eq!(env.field("prior_tax"), Missing, "no prior facts were given");
        assert_eq!(env.field("acreage"), Missing);
        // Hand-set facts: value_added 250 / land 12.5 = 20; tax 30 / 12.5 = 2.4; 3 output quarters of the 4.
        let cases = [
            ("value_added / land", Num(20.0)),
            ("tax_paid / land", Num(2.4)),
            ("scale == '规上' and starts_with(industry, '14', '15')", Bool(true)),
            ("one_of(county, '汉阴县', '汉滨区') and missing(emissions) and present(rented_floor_m2)", Bool(true)),
            ("quarters_output < quarters_expected and missing_quarters == '2025Q4'", Bool(true)),
            ("land_owned + land_rented_in - land_rented_out", Num(12.5)),
        ];
        for (src, want) in cases {
            let plain = parse(src).unwrap();
            let mut bound = plain.clone();
            bound.bind(&Field::slot_of);
            assert_ne!(plain, bound, "{src}: no field was numbered");
            assert_eq!((bound.eval(&env), plain.eval(&env)), (want.clone(), want), "{src}");
        }
        // Reasons quote the number that decided, not its 4-decimal rounding: land 12.5 as is; a land of
        // 4.999995 亩 (rounded: 5) as 4.999995.
        assert_eq!(env.fill("用地 {land} 亩"), "用地 12.5 亩");
        let mut f2 = f.clone();
        f2.land = 4.999995;
        let env2 = EntEnv { f: &f2, ..env };
        assert_eq!(env2.fill("用地 {land} 亩 < 5 亩"), "用地 4.999995 亩 < 5 亩");
    }
}
