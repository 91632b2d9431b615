//! 字段: the figures and attributes of an enterprise in a period. One list: methodology rules name them,
//! the indicators stage computes them, the aggregates, monitoring and reports total them, and `check`
//! prints them. A field added here is readable everywhere.

/// How a field's value comes about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Σ of a quarterly column over the period's quarters, in file order.
    QuarterSum,
    /// The mean over the quarters reported.
    QuarterMean,
    /// 亩 from the land rows.
    Land,
    /// A column of the enterprises file.
    Attribute,
    /// A property of the period.
    Period,
    /// A count from the input rows.
    Count,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Number,
    /// A day number; `check` and reasons print it as YYYY-MM-DD.
    Date,
    Text,
}

/// One field. The first eight are the quarterly output columns, in the order of
/// [`crate::dataset::OutputRow`]'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Field {
    Revenue,
    ValueAdded,
    EnergyTce,
    Emissions,
    RdExpense,
    Employees,
    Electricity,
    TechInvest,
    Tax,
    Land,
    LandOwned,
    LandRentedIn,
    LandRentedOut,
    RentedFloorM2,
    Established,
    ProductionStart,
    Year,
    PeriodStart,
    PeriodEnd,
    QuartersExpected,
    QuartersOutput,
    QuartersTax,
    MissingQuarters,
    Tenants,
    RentOutRows,
    EnterpriseId,
    Name,
    County,
    Park,
    Industry,
    Scale,
    Group,
}

/// A field's description: name in files and rules, Chinese name, unit, how it is read, what it holds,
/// whether a prior-year twin exists (`prior_<name>`), and its meaning in words.
struct Def {
    name: &'static str,
    zh: &'static str,
    unit: &'static str,
    reading: Reading,
    holds: Holds,
    prior: bool,
    about: &'static str,
}

const fn def(
    name: &'static str,
    zh: &'static str,
    unit: &'static str,
    reading: Reading,
    holds: Holds,
    prior: bool,
    about: &'static str,
) -> Def {
    Def { name, zh, unit, reading, holds, prior, about }
}

use Holds::{Date, Number, Text};
use Reading::*;

/// In [`Field`] order (a test checks it).
const DEFS: [Def; Field::ALL.len()] = [
    def("revenue", "营业收入", "万元", QuarterSum, Number, true, "operating revenue, period sum"),
    def("value_added", "工业增加值", "万元", QuarterSum, Number, true, "industrial value added, period sum"),
    def("energy_tce", "综合能耗", "tce", QuarterSum, Number, true, "total energy use, period sum"),
    def("emissions", "排放当量", "当量吨", QuarterSum, Number, true, "pollutant emission equivalents, period sum"),
    def("rd_expense", "研发经费支出", "万元", QuarterSum, Number, true, "R&D expenditure, period sum"),
    def("employees", "从业人员", "人", QuarterMean, Number, true, "employees, mean of the quarters reported"),
    def("electricity_10k_kwh", "用电量", "万千瓦时", QuarterSum, Number, true, "electricity used, period sum"),
    def("tech_invest", "技改投资", "万元", QuarterSum, Number, true, "technical-renovation investment, period sum"),
    def("tax", "实缴税金", "万元", QuarterSum, Number, true, "taxes actually paid, period sum; also `tax_paid`"),
    def("land", "用地面积", "亩", Land, Number, true, "land basis by [land] basis"),
    def("land_owned", "自有用地", "亩", Land, Number, false, "自有 land"),
    def("land_rented_in", "租入用地", "亩", Land, Number, false, "租入 land"),
    def("land_rented_out", "租出用地", "亩", Land, Number, false, "租出 land"),
    def("rented_floor_m2", "租赁厂房面积", "平方米", Attribute, Number, false, "rented workshop floor area"),
    def("established", "成立日期", "", Attribute, Date, false, "founding date (compare with date(y, m, d))"),
    def("production_start", "投产日期", "", Attribute, Date, false, "date put into production"),
    def("year", "评价年度", "", Period, Number, false, "the evaluation year (the period's last year)"),
    def("period_start", "期初", "", Period, Date, false, "first day of the period"),
    def("period_end", "期末", "", Period, Date, false, "last day of the period"),
    def("quarters_expected", "应报季度数", "", Period, Number, false, "number of quarters in the period"),
    def("quarters_output", "产出季度数", "", Count, Number, false, "quarters of the period with an output row"),
    def("quarters_tax", "纳税季度数", "", Count, Number, false, "quarters of the period with a tax row"),
    def("missing_quarters", "缺报季度", "", Count, Text, false, "the period's quarters without output or tax rows"),
    def(
        "tenants",
        "承租企业数",
        "家",
        Count,
        Number,
        false,
        "other enterprises renting (租入) land it rents out (租出)",
    ),
    def("rent_out_rows", "租出宗地数", "", Count, Number, false, "its 租出 rows"),
    def("enterprise_id", "统一社会信用代码", "", Attribute, Text, false, "unified social credit code"),
    def("name", "企业名称", "", Attribute, Text, false, "enterprise name"),
    def("county", "县区", "", Attribute, Text, false, "county or district"),
    def("park", "园区", "", Attribute, Text, false, "park"),
    def("industry", "行业代码", "", Attribute, Text, false, "GB/T 4754 industry code"),
    def("scale", "规模", "", Attribute, Text, false, "规上 or 规下"),
    def("group", "分组", "", Attribute, Text, false, "the methodology's named group ([[groups]]), 其他 if none"),
];

/// Slot numbers of prior-year twins start here (see [`Field::slot_of`]).
const PRIOR_SLOT: u16 = 128;

impl Field {
    pub const ALL: [Field; 32] = [
        Field::Revenue,
        Field::ValueAdded,
        Field::EnergyTce,
        Field::Emissions,
        Field::RdExpense,
        Field::Employees,
        Field::Electricity,
        Field::TechInvest,
        Field::Tax,
        Field::Land,
        Field::LandOwned,
        Field::LandRentedIn,
        Field::LandRentedOut,
        Field::RentedFloorM2,
        Field::Established,
        Field::ProductionStart,
        Field::Year,
        Field::PeriodStart,
        Field::PeriodEnd,
        Field::QuartersExpected,
        Field::QuartersOutput,
        Field::QuartersTax,
        Field::MissingQuarters,
        Field::Tenants,
        Field::RentOutRows,
        Field::EnterpriseId,
        Field::Name,
        Field::County,
        Field::Park,
        Field::Industry,
        Field::Scale,
        Field::Group,
    ];

    /// The quarterly output columns, in the order of the output rows' values.
    pub const OUTPUT: [Field; 8] = [
        Field::Revenue,
        Field::ValueAdded,
        Field::EnergyTce,
        Field::Emissions,
        Field::RdExpense,
        Field::Employees,
        Field::Electricity,
        Field::TechInvest,
    ];

    const fn def(self) -> &'static Def {
        &DEFS[self as usize]
    }
    /// The name rules and files use (`tax`, `value_added`).
    pub const fn name(self) -> &'static str {
        self.def().name
    }
    /// 中文名.
    pub const fn zh(self) -> &'static str {
        self.def().zh
    }
    /// The unit (万元, 亩, tce …), empty for counts, dates and text.
    pub const fn unit(self) -> &'static str {
        self.def().unit
    }
    pub const fn reading(self) -> Reading {
        self.def().reading
    }
    pub const fn holds(self) -> Holds {
        self.def().holds
    }
    /// Whether the same figure one year earlier exists as `prior_<name>`.
    pub const fn has_prior(self) -> bool {
        self.def().prior
    }
    /// The meaning in English words.
    pub const fn about(self) -> &'static str {
        self.def().about
    }
    /// Position among the quarterly output columns.
    pub fn output_index(self) -> Option<usize> {
        (self < Field::Tax).then_some(self as usize)
    }
    /// The field of a name as rules write it (`tax_paid` is `tax`'s other name).
    pub fn parse(name: &str) -> Option<Field> {
        match name {
            "tax_paid" => Some(Field::Tax),
            _ => Field::ALL.iter().copied().find(|f| f.name() == name),
        }
    }

    /// The number of a name rules may write, for [`crate::method::expr::Expr::bind`]: the field's
    /// position, or for `prior_<name>` its position after [`PRIOR_SLOT`].
    pub fn slot_of(name: &str) -> Option<u16> {
        let by_name = |n: &str| Field::ALL.iter().copied().find(|f| f.name() == n);
        match name.strip_prefix("prior_").and_then(by_name) {
            Some(f) if f.has_prior() => Some(PRIOR_SLOT + f as u16),
            Some(_) => None,
            None => Field::parse(name).map(|f| f as u16),
        }
    }
    /// The field of a slot number and whether it is the prior-year twin.
    pub fn of_slot(slot: u16) -> Option<(Field, bool)> {
        let (k, prior) = if slot >= PRIOR_SLOT { (slot - PRIOR_SLOT, true) } else { (slot, false) };
        Field::ALL.get(k as usize).map(|f| (*f, prior))
    }
    /// Every name rules may write: the fields, `tax_paid`, and `prior_<name>` of those with a twin.
    pub fn rule_names() -> Vec<String> {
        let mut v: Vec<String> = Field::ALL.iter().map(|f| f.name().to_string()).collect();
        v.push("tax_paid".into());
        v.extend(Field::ALL.iter().filter(|f| f.has_prior()).map(|f| format!("prior_{}", f.name())));
        v
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_in_order_and_names_are_unique() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(*f as usize, i, "{f:?} out of order in Field::ALL");
            assert_eq!(Field::parse(f.name()), Some(*f));
            assert_eq!(Field::of_slot(Field::slot_of(f.name()).unwrap()), Some((*f, false)));
        }
        for (k, f) in Field::OUTPUT.iter().enumerate() {
            assert_eq!(f.output_index(), Some(k));
            assert!(matches!(f.reading(), QuarterSum | QuarterMean), "{f}");
        }
        assert_eq!(Field::Tax.output_index(), None);
        let names = Field::rule_names();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "a name is listed twice");
    }

    /// The manual's field table names every field a rule may read.
    #[test]
    fn the_manual_lists_every_field() {
        let doc = include_str!("../../docs/methodology.md");
        for name in Field::rule_names() {
            assert!(doc.contains(&format!("`{name}`")), "docs/methodology.md does not list `{name}`");
        }
    }

    #[test]
    fn prior_twins_and_other_names() {
        assert_eq!(Field::parse("tax_paid"), Some(Field::Tax));
        assert_eq!(Field::of_slot(Field::slot_of("prior_tax").unwrap()), Some((Field::Tax, true)));
        assert_eq!(Field::slot_of("prior_tax_paid"), None, "no name in Field::rule_names");
        // Only period figures have a prior-year twin; unknown names have no number.
        assert_eq!(Field::slot_of("prior_county"), None);
        assert_eq!(Field::slot_of("acreage"), None);
        assert_eq!(Field::slot_of("prior_acreage"), None);
        assert_eq!((Field::Land.zh(), Field::Land.unit()), ("用地面积", "亩"));
    }
}
