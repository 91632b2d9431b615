//! 企业名录行: an enterprise row typed — id, name, county, park, industry, scale, dates, tags, rented floor
//! area, and the extra columns carried to the outputs.

use super::*;

impl Part {
    /// An enterprise row; whether its id repeats an earlier one is checked when the pieces are merged.
    pub(super) fn enterprise(&mut self, row: &Row) -> Result<(), Failure> {
        let later = |c: &str, code, r: String| Failure { after_id_check: true, ..fail(c, code, r) };
        if row.id.is_empty() {
            return Err(fail("enterprise_id", ReasonCode::IdEmpty, "enterprise_id is empty".into()));
        }
        if let Some(p) = ids::id_problem(&row.id) {
            return Err(fail("enterprise_id", ReasonCode::IdInvalid, p));
        }
        let Some(scale) = Scale::parse(row.cell("scale")) else {
            let r = format!("scale '{}' is neither 规上 nor 规下", row.cell("scale").trim());
            return Err(later("scale", ReasonCode::ScaleInvalid, r));
        };
        let Some(industry) = normalize_industry(row.cell("industry")) else {
            let r = format!("industry '{}' is not a GB/T 4754 code (2 to 4 digits)", row.cell("industry").trim());
            return Err(later("industry", ReasonCode::IndustryInvalid, r));
        };
        let county = CompactString::from(row.cell("county").trim());
        if county.is_empty() {
            return Err(later("county", ReasonCode::CountyEmpty, "county is empty".into()));
        }
        let name = row.cell("name").trim().to_string();
        if name.is_empty() {
            let ex = row.exception("name", ReasonCode::NameEmpty, "name is empty".into(), Action::KeptNameEmpty);
            self.exceptions.push(ex);
        }
        let established = self.kept_date(row, "established");
        let production_start = self.kept_date(row, "production_start");
        let rented_floor_m2 = self.floor_area(row);
        let tags = row
            .cell("tags")
            .split([';', '；', ',', '，', '、', '|'])
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let extra =
            row.map.extra.iter().map(|(p, _)| row.cells.get(*p).map(|c| c.to_string()).unwrap_or_default()).collect();
        self.data.enterprises.push(Enterprise {
            id: CompactString::from(row.id.as_ref()),
            name,
            county,
            park: CompactString::from(row.cell("park").trim()),
            industry: CompactString::from(industry),
            scale,
            established,
            production_start,
            tags,
            rented_floor_m2,
            extra,
            group: CompactString::default(),
            line: row.line,
        });
        Ok(())
    }

    /// An optional date cell; a cell that is not a date is kept as missing, with a warning.
    fn kept_date(&mut self, row: &Row, col: &str) -> Option<i64> {
        let t = row.cell(col).trim();
        if t.is_empty() {
            return None;
        }
        let d = dates::parse(t);
        if d.is_none() {
            let reason = format!("'{t}' is not a date (write YYYY-MM-DD)");
            self.exceptions.push(row.exception(col, ReasonCode::DateInvalid, reason, Action::KeptAsMissing));
        }
        d
    }

    /// The rented floor area (m²); a negative or unreadable one is kept as missing, with a warning.
    fn floor_area(&mut self, row: &Row) -> Option<f64> {
        let col = "rented_floor_m2";
        let (code, reason) = match row.number(row.def(col), numbers::FLOOR_UNITS) {
            Ok(v) if v.is_some_and(|x| x < 0.0) => (ReasonCode::ValueNegative, "negative floor area".to_string()),
            Ok(v) => return v,
            Err(r) => (ReasonCode::NumberInvalid, r),
        };
        self.exceptions.push(row.exception(col, code, reason, Action::KeptAsMissing));
        None
    }
}
