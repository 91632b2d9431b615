//! Column names of each input kind: the canonical English name, whether it is required, and the Chinese
//! (and other) header spellings found in bureau exports. docs/data-format.md lists the same table.

use crate::ingest::FileKind;
use crate::schema::Field;

/// One expected column.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    pub name: &'static str,
    pub required: bool,
    pub aliases: &'static [&'static str],
}

const fn col(name: &'static str, required: bool, aliases: &'static [&'static str]) -> ColumnDef {
    ColumnDef { name, required, aliases }
}

const ID_ALIASES: &[&str] =
    &["统一社会信用代码", "社会信用代码", "信用代码", "企业代码", "纳税人识别号", "credit_code", "uscc"];
const PERIOD_ALIASES: &[&str] = &["期间", "季度", "报告期", "所属期", "统计期"];

const ENTERPRISES: &[ColumnDef] = &[
    col("enterprise_id", true, ID_ALIASES),
    col("name", true, &["企业名称", "单位名称", "纳税人名称", "企业"]),
    col("county", true, &["县区", "县（区）", "县(区)", "所属县区", "区县", "县市区", "所属区县"]),
    col("park", false, &["园区", "所属园区", "开发区"]),
    col("industry", true, &["行业代码", "国民经济行业代码", "所属行业代码", "行业"]),
    col("scale", true, &["规模", "企业规模", "规上规下", "是否规上"]),
    col("established", false, &["成立日期", "成立时间", "注册日期"]),
    col("tags", false, &["标签", "企业标签", "资质"]),
    col("production_start", false, &["投产日期", "投产时间"]),
    col("rented_floor_m2", false, &["租赁厂房面积", "租用厂房面积"]),
];

const LAND: &[ColumnDef] = &[
    col("enterprise_id", true, ID_ALIASES),
    col("parcel_id", true, &["宗地编号", "宗地号", "地块编号", "不动产单元号"]),
    col("area", true, &["用地面积", "土地面积", "面积", "占地面积"]),
    col("unit", false, &["单位", "面积单位"]),
    col("tenure", true, &["权属", "使用方式", "土地来源", "用地类型", "类型"]),
    col(
        "counterparty",
        false,
        &["对方统一社会信用代码", "承租方统一社会信用代码", "出租方统一社会信用代码", "承租方代码", "出租方代码"],
    ),
];

const OUTPUT: &[ColumnDef] = &[
    col("enterprise_id", true, ID_ALIASES),
    col("period", true, PERIOD_ALIASES),
    col(Field::Revenue.name(), true, &["营业收入", "主营业务收入", "销售收入", "开票销售收入"]),
    col(Field::ValueAdded.name(), false, &["工业增加值", "增加值"]),
    col(Field::EnergyTce.name(), false, &["综合能耗", "能耗", "综合能源消费量"]),
    col(Field::Emissions.name(), false, &["排放当量", "主要污染物排放量", "污染物排放当量"]),
    col(Field::RdExpense.name(), false, &["研发经费支出", "R&D经费支出", "研发费用", "研发投入"]),
    col(Field::Employees.name(), false, &["从业人员", "从业人员平均人数", "年平均职工人数", "职工人数"]),
    col(Field::Electricity.name(), false, &["用电量", "electricity"]),
    col(Field::TechInvest.name(), false, &["技改投资", "技术改造投资"]),
];

const TAX: &[ColumnDef] = &[
    col("enterprise_id", true, ID_ALIASES),
    col("period", true, PERIOD_ALIASES),
    col("tax_paid", true, &["实缴税金", "实缴税收", "入库税收", "实缴税额", "税收", "税金"]),
];

const EVENTS: &[ColumnDef] = &[
    col("enterprise_id", true, ID_ALIASES),
    col("date", true, &["日期", "发生日期", "认定日期"]),
    col("kind", true, &["类型", "事项", "事件类型"]),
    col("note", false, &["备注", "说明"]),
];

pub fn defs(kind: FileKind) -> &'static [ColumnDef] {
    match kind {
        FileKind::Enterprises => ENTERPRISES,
        FileKind::Land => LAND,
        FileKind::Output => OUTPUT,
        FileKind::Tax => TAX,
        FileKind::Events => EVENTS,
        // Standard land's files have columns of their own (`standard_land::columns`).
        FileKind::Projects | FileKind::Checks | FileKind::Payments | FileKind::ProjectEvents => &[],
    }
}

/// A header split into its name and a unit written in brackets: `用地面积（平方米）` → (`用地面积`, `平方米`).
pub fn split_header(raw: &str) -> (String, Option<String>) {
    let t = raw.trim().trim_start_matches('\u{feff}').trim();
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']')] {
        if let (Some(a), true) = (t.find(open), t.ends_with(close)) {
            let name = t[..a].trim().to_string();
            let unit = t[a + open.len_utf8()..t.len() - close.len_utf8()].trim().to_string();
            if !name.is_empty() {
                return (name, Some(unit));
            }
        }
    }
    (t.to_string(), None)
}

fn same(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().to_lowercase().replace([' ', '_', '-'], "");
    norm(a) == norm(b)
}

/// The column definition of `kind` a header names (`用地面积（平方米）` → area), with the unit in brackets.
pub fn find_def(kind: FileKind, raw: &str) -> Option<(usize, Option<String>)> {
    let (name, unit) = split_header(raw);
    let hit = defs(kind).iter().position(|d| same(&name, d.name) || d.aliases.iter().any(|a| same(&name, a)))?;
    Some((hit, unit))
}

/// Where each expected column sits in a header row, plus the unit hints and the extra columns.
#[derive(Debug, Clone, Default)]
pub struct HeaderMap {
    /// Index into the row for each entry of `defs(kind)`, `None` if the column is absent.
    pub index: Vec<Option<usize>>,
    /// A unit written in the header of each matched column.
    pub unit_hint: Vec<Option<String>>,
    /// Columns not in the definition: (position, header); carried through, never scored.
    pub extra: Vec<(usize, String)>,
}

/// Problems with a header row that stop the file from being used.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderProblem {
    Missing { column: &'static str, aliases: String },
    Duplicate { column: &'static str, first: String, second: String },
}

/// Matches a header row against the definitions of `kind`.
pub fn map_headers(kind: FileKind, headers: &[String]) -> Result<HeaderMap, Vec<HeaderProblem>> {
    let defs = defs(kind);
    let mut map = HeaderMap { index: vec![None; defs.len()], unit_hint: vec![None; defs.len()], extra: Vec::new() };
    let mut problems = Vec::new();
    for (pos, raw) in headers.iter().enumerate() {
        match find_def(kind, raw) {
            Some((i, _)) if map.index[i].is_some() => problems.push(HeaderProblem::Duplicate {
                column: defs[i].name,
                first: headers[map.index[i].unwrap()].clone(),
                second: raw.clone(),
            }),
            Some((i, unit)) => {
                map.index[i] = Some(pos);
                map.unit_hint[i] = unit;
            }
            None => {
                let name = split_header(raw).0;
                if !name.is_empty() {
                    map.extra.push((pos, name));
                }
            }
        }
    }
    for (i, d) in defs.iter().enumerate() {
        if d.required && map.index[i].is_none() {
            problems.push(HeaderProblem::Missing { column: d.name, aliases: d.aliases.join(", ") });
        }
    }
    if problems.is_empty() {
        Ok(map)
    } else {
        Err(problems)
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
        let m =
            map_headers(FileKind::Land, &h(&["统一社会信用代码", "宗地编号", "用地面积（平方米）", "权属", "备注"]))
                .unwrap();
        assert_eq!(m.index, vec![Some(0), Some(1), Some(2), None, Some(3), None]);
        assert_eq!(m.unit_hint[2].as_deref(), Some("平方米"));
        assert_eq!(m.extra, vec![(4, "备注".to_string())]);
    }

    #[test]
    fn missing_and_duplicate_columns_are_named() {
        let e = map_headers(FileKind::Tax, &h(&["enterprise_id", "税收", "实缴税金"])).unwrap_err();
        assert!(e.contains(&HeaderProblem::Missing { column: "period", aliases: PERIOD_ALIASES.join(", ") }));
        assert!(e.iter().any(|p| matches!(p, HeaderProblem::Duplicate { column: "tax_paid", .. })));
    }
}
