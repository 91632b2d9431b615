//! Columns of the standard-land inputs: which header (English canonical name or a Chinese spelling found
//! in bureau exports) means which column of the `projects`, `checks`, `payments` and `project_events` files.
//! docs/standard-land.md lists the same aliases.

use crate::error::{Error, Result};
use crate::validate::columns::split_header;

/// One expected column: canonical name, required or not, Chinese spellings.
#[derive(Debug, Clone)]
pub struct Col {
    pub name: String,
    pub required: bool,
    pub aliases: Vec<String>,
}

fn col(name: &str, required: bool, aliases: &[&str]) -> Col {
    Col { name: name.into(), required, aliases: aliases.iter().map(|s| s.to_string()).collect() }
}

pub const PROJECT_ID_ALIASES: &[&str] = &["项目编号", "项目代码", "项目ID", "标准地项目编号"];

/// The fixed columns of the projects file; `due_required` are the due-date columns the stages use.
pub fn project_cols(due_required: &[&str]) -> Vec<Col> {
    let mut id_aliases: Vec<&str> =
        crate::validate::columns::defs(crate::ingest::FileKind::Enterprises)[0].aliases.to_vec();
    id_aliases.extend(["竞得人统一社会信用代码", "用地单位统一社会信用代码", "受让人统一社会信用代码"]);
    vec![
        col("project_id", true, PROJECT_ID_ALIASES),
        col("enterprise_id", false, &id_aliases),
        col("name", false, &["项目名称", "名称"]),
        col("enterprise_name", false, &["企业名称", "竞得人", "受让人", "用地单位", "竞得单位"]),
        col("county", false, &["县区", "县（区）", "县(区)", "所属县区", "区县", "县市区", "所属区县"]),
        col("park", false, &["园区", "所属园区", "开发区"]),
        col("park_tier", false, &["园区等级", "园区类别", "园区级别", "园区层级"]),
        col("parcel_id", false, &["宗地编号", "宗地号", "地块编号", "不动产单元号", "电子监管号"]),
        col("land_area", true, &["用地面积", "出让面积", "土地面积", "宗地面积"]),
        col("land_unit", false, &["面积单位", "单位"]),
        col("land_price", true, &["土地出让价款", "出让价款", "成交价款", "成交价", "土地价款", "出让金"]),
        col("contract_date", false, &["合同签订日期", "签约日期", "出让合同签订日期", "签订日期"]),
        col("completion_due", due_required.contains(&"completion_due"), &["约定竣工日期", "竣工期限", "约定竣工时间"]),
        col("production_due", due_required.contains(&"production_due"), &["约定达产日期", "达产期限", "约定达产时间"]),
        // Contract milestones (履约节点), all optional.
        col("start_due", false, &["约定开工日期", "开工期限", "约定开工时间", "约定动工日期", "动工期限"]),
        col("start_date", false, &["实际开工日期", "开工日期", "实际动工日期", "动工日期", "开工时间"]),
        col("completion_date", false, &["实际竣工日期", "竣工日期", "竣工时间"]),
        col("production_date", false, &["实际达产日期", "达产日期", "实际投产日期", "投产日期"]),
        col("price_due", false, &["价款缴纳期限", "约定缴款日期", "缴款期限", "出让价款缴纳期限"]),
        col("price_paid", false, &["价款缴清日期", "实际缴款日期", "缴款日期", "缴清日期"]),
        col("deposit", false, &["定金", "定金金额", "合同定金"]),
    ]
}

/// The columns of the payments file (分期缴款): one row per instalment of the land price (or per part paid).
pub fn payment_cols() -> Vec<Col> {
    vec![
        col("project_id", true, PROJECT_ID_ALIASES),
        col("instalment", false, &["期次", "缴款期次", "期数", "分期"]),
        col("due_date", true, &["约定缴款日期", "缴款期限", "应缴日期", "应缴款日期", "缴款截止日期"]),
        col("amount", false, &["应缴金额", "应缴价款", "本期应缴", "分期金额", "金额"]),
        col("paid_date", false, &["实际缴款日期", "缴款日期", "实缴日期", "到账日期", "缴清日期"]),
    ]
}

/// The columns of the project events file (履约事件): one dated event per row.
pub fn event_cols() -> Vec<Col> {
    vec![
        col("project_id", true, PROJECT_ID_ALIASES),
        col("event_date", true, &["日期", "事件日期", "发生日期"]),
        col("kind", true, &["事件类型", "类型", "事项", "事件"]),
        col("stage", false, &["阶段", "验收阶段"]),
        col("amount", false, &["金额", "补缴金额"]),
        col("note", false, &["说明", "备注"]),
    ]
}

/// The fixed columns of the checks file. Numbers: money in 万元, areas in 平方米, energy in tce.
pub fn check_cols() -> Vec<Col> {
    vec![
        col("project_id", true, PROJECT_ID_ALIASES),
        col("stage", true, &["阶段", "验收阶段", "核查阶段", "环节", "类型"]),
        col("check_date", true, &["验收日期", "核查日期", "复核日期", "检查日期", "日期"]),
        col("review_year", false, &["复核年度", "考核年度", "年度"]),
        col(
            "fixed_asset_investment",
            false,
            &["固定资产投资", "固定资产投资额", "累计固定资产投资", "实际投资", "固定资产投资总额"],
        ),
        col("floor_area_m2", false, &["总建筑面积", "建筑面积"]),
        col("footprint_m2", false, &["建筑基底面积", "建构筑物占地面积", "基底面积", "建筑占地面积"]),
        col("office_land_m2", false, &["行政办公及生活服务设施用地面积", "办公生活用地面积", "行政办公用地面积"]),
        col("tax", false, &["税收", "实缴税金", "税收总额", "纳税额", "税收收入"]),
        col("value_added", false, &["工业增加值", "增加值"]),
        col("energy_tce", false, &["综合能耗", "能耗", "综合能源消费量"]),
    ]
}

/// Number columns of the checks file and the units their cells may carry.
pub fn check_units(name: &str) -> &'static [crate::validate::numbers::Unit] {
    use crate::validate::numbers::*;
    match name {
        "fixed_asset_investment" | "tax" | "value_added" => MONEY_UNITS,
        "floor_area_m2" | "footprint_m2" | "office_land_m2" => FLOOR_UNITS,
        "energy_tce" => ENERGY_UNITS,
        _ => NO_UNITS,
    }
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase().replace([' ', '_', '-', '　'], "")
}

/// Where each expected column sits, with the unit written in its header, and the extra columns.
#[derive(Debug, Clone, Default)]
pub struct Mapped {
    pub index: Vec<Option<usize>>,
    pub unit_hint: Vec<Option<String>>,
    pub extra: Vec<(usize, String)>,
}

/// Matches a header row; a missing required column or two headers meaning one column stop the file.
pub fn map(file: &str, cols: &[Col], headers: &[String]) -> Result<Mapped> {
    let mut m = Mapped { index: vec![None; cols.len()], unit_hint: vec![None; cols.len()], extra: Vec::new() };
    for (pos, raw) in headers.iter().enumerate() {
        let (name, unit) = split_header(raw);
        let full = norm(raw);
        let hit = cols.iter().position(|c| {
            let n = norm(&name);
            norm(&c.name) == n || norm(&c.name) == full || c.aliases.iter().any(|a| norm(a) == n || norm(a) == full)
        });
        match hit {
            Some(i) if m.index[i].is_some() => {
                let first = &headers[m.index[i].unwrap_or(0)];
                return Err(Error::BadInput(format!(
                    "{file}: columns '{first}' and '{raw}' both mean '{}'; keep one",
                    cols[i].name
                )));
            }
            Some(i) => {
                m.index[i] = Some(pos);
                m.unit_hint[i] = unit;
            }
            None if !name.is_empty() => m.extra.push((pos, name)),
            None => {}
        }
    }
    let missing: Vec<String> = cols
        .iter()
        .enumerate()
        .filter(|(i, c)| c.required && m.index[*i].is_none())
        .map(|(_, c)| format!("'{}' (accepted headers: {}, {})", c.name, c.name, c.aliases.join(", ")))
        .collect();
    if !missing.is_empty() {
        return Err(Error::BadInput(format!("{file}: required column {} is missing", missing.join("; "))));
    }
    Ok(m)
}

/// Area factor to 亩 of a unit word.
pub fn area_factor(unit: &str) -> Option<f64> {
    let u = unit.trim().to_lowercase();
    crate::validate::numbers::AREA_UNITS.iter().find(|(n, _)| n.to_lowercase() == u).map(|(_, f)| *f)
}

/// 亩 and 平方米 of an area, computed the way the methodology writes them (m² × 15 / 10000, 亩 × 10000 / 15).
pub fn land_both(value: f64, factor: f64) -> (f64, f64) {
    if factor == crate::validate::numbers::MU_PER_M2 {
        (value * 15.0 / 10000.0, value)
    } else if factor == 1.0 {
        (value, value * 10000.0 / 15.0)
    } else {
        let mu = value * factor;
        (mu, mu * 10000.0 / 15.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn chinese_headers_with_units_map() {
        let cols = project_cols(&["completion_due"]);
        let m = map(
            "项目.csv",
            &cols,
            &h(&["项目编号", "统一社会信用代码", "用地面积（平方米）", "土地出让价款(万元)", "约定竣工日期", "备注"]),
        )
        .unwrap();
        assert_eq!(m.index[0], Some(0));
        assert_eq!(m.index[8], Some(2));
        assert_eq!(m.unit_hint[8].as_deref(), Some("平方米"));
        assert_eq!(m.extra, vec![(5, "备注".to_string())]);
    }

    #[test]
    fn missing_and_duplicate_columns_are_named() {
        let e = map("checks.csv", &check_cols(), &h(&["project_id", "stage"])).unwrap_err().to_string();
        assert!(e.contains("'check_date'") && e.contains("验收日期"), "{e}");
        let e = map("checks.csv", &check_cols(), &h(&["project_id", "阶段", "stage", "check_date"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("both mean 'stage'"), "{e}");
    }
}
