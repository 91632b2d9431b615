//! 用地行: a land row typed — parcel, tenure (自有/租入/租出), area in 亩 from the cell's, the column's or
//! the header's unit, and the lease's other side when the file names it.

use super::{fail, numbers, Failure, Links, Part, Row};
use crate::dataset::{LandRow, Tenure};
use crate::schema::{Action, ReasonCode};

impl Part {
    /// A land row; identical rows are found when the pieces are merged.
    pub(super) fn land(&mut self, row: &Row, e: usize, links: &Links) -> Result<(), Failure> {
        let parcel_id = row.cell("parcel_id").trim().to_string();
        if parcel_id.is_empty() {
            return Err(fail("parcel_id", ReasonCode::ParcelEmpty, "parcel_id is empty".into()));
        }
        let tenure = normalize_tenure(row.cell("tenure")).ok_or_else(|| {
            let r = format!("tenure '{}' is not 自有, 租入 or 租出", row.cell("tenure").trim());
            fail("tenure", ReasonCode::TenureInvalid, r)
        })?;
        let (value, cell_factor) = row
            .number_with_unit(row.def("area"), numbers::AREA_UNITS)
            .map_err(|r| fail("area", ReasonCode::NumberInvalid, r))?
            .ok_or_else(|| fail("area", ReasonCode::ValueEmpty, "area is empty".to_string()))?;
        let unit_text = row.cell("unit").trim();
        let factor = match (cell_factor, unit_text, row.hint("area")) {
            (Some(f), _, _) => f,
            (None, u, _) if !u.is_empty() => area_factor(u).ok_or_else(|| {
                fail("unit", ReasonCode::UnitInvalid, format!("unit '{u}' is not 亩, 平方米 or 公顷"))
            })?,
            (None, _, Some(h)) => area_factor(h).ok_or_else(|| {
                fail("area", ReasonCode::UnitInvalid, format!("header unit '{h}' is not 亩, 平方米 or 公顷"))
            })?,
            _ => {
                let r = "no unit for the area: fill the unit column (亩 or 平方米) or write it in the header, e.g. 用地面积(亩)";
                return Err(fail("unit", ReasonCode::UnitMissing, r.into()));
            }
        };
        if value <= 0.0 {
            let r = format!("area {value} is not positive; rented-out land is a positive area with tenure 租出");
            return Err(fail("area", ReasonCode::AreaNotPositive, r));
        }
        let counterparty = self.counterparty(row, e, links);
        self.data
            .land
            .push(LandRow::new(e, parcel_id, value * factor, tenure, row.line).with_counterparty(counterparty));
        Ok(())
    }

    /// The lease's other side, when the row names one: an enterprise of the enterprises file other than
    /// the row's own. Any other value keeps the row, without the relation, and is listed.
    fn counterparty(&mut self, row: &Row, e: usize, links: &Links) -> Option<usize> {
        let id = row.cell("counterparty").trim();
        if id.is_empty() {
            return None;
        }
        match links.index.get(id).copied() {
            Some(c) if c != e => Some(c),
            found => {
                let problem =
                    if found.is_some() { "is the enterprise itself" } else { "is not in the enterprises file" };
                let reason = format!("counterparty '{id}' {problem}; the row is used without the lease relation");
                let ex = row.exception("counterparty", ReasonCode::CounterpartyUnknown, reason, Action::KeptAsMissing);
                self.exceptions.push(ex);
                None
            }
        }
    }
}

fn normalize_tenure(t: &str) -> Option<Tenure> {
    match t.trim() {
        "自有" | "自用" | "出让" | "划拨" | "owned" => Some(Tenure::Owned),
        "租入" | "租用" | "承租" | "rented_in" => Some(Tenure::RentedIn),
        "租出" | "出租" | "rented_out" => Some(Tenure::RentedOut),
        _ => None,
    }
}

fn area_factor(unit: &str) -> Option<f64> {
    // Most cells spell a unit exactly as listed (亩): found without lowercasing.
    if let Some((_, f)) = numbers::AREA_UNITS.iter().find(|(name, _)| *name == unit.trim()) {
        return Some(*f);
    }
    let u = unit.trim().to_lowercase();
    numbers::AREA_UNITS.iter().find(|(name, _)| name.to_lowercase() == u).map(|(_, f)| *f)
}
