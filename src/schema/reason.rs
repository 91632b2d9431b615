//! 原因代码: why an input row or cell was not used as given (every exception carries one), and why an
//! enterprise is not simply graded (every such enterprise carries one). The code is written in a
//! `reason_code` column beside the reason in words, so that a bureau can filter and count by it, and the
//! reports group by it instead of guessing from the words. docs/data-format.md lists them all.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! reasons {
    ($( $(#[$doc:meta])* $v:ident = $code:literal, $zh:literal; )*) => {
        /// A reason, see the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ReasonCode {
            $( $(#[$doc])* $v, )*
        }

        impl ReasonCode {
            pub const ALL: &'static [ReasonCode] = &[$(ReasonCode::$v),*];

            /// The code written in the tables (`id_check_digit` …), stable across versions.
            pub fn code(self) -> &'static str {
                match self {
                    $(ReasonCode::$v => $code,)*
                }
            }

            /// A short Chinese label for the reports and workbooks.
            pub fn zh(self) -> &'static str {
                match self {
                    $(ReasonCode::$v => $zh,)*
                }
            }
        }
    };
}

reasons! {
    // Rows and cells of the input files.
    /// More cells than the header has (an unquoted comma in a name).
    RowTooWide = "row_too_wide", "单元格多于表头";
    /// A quoted cell holds whole rows: a quote is not closed.
    QuoteNotClosed = "quote_not_closed", "引号未闭合";
    /// The enterprise id cell is empty.
    IdEmpty = "id_empty", "统一社会信用代码为空";
    /// The id is not a unified social credit code (length, characters or GB 32100 check digit).
    IdInvalid = "id_invalid", "统一社会信用代码无效";
    /// The enterprise is listed twice in the enterprises file.
    IdDuplicate = "id_duplicate", "企业重复";
    /// The id is not in the enterprises file.
    EnterpriseUnknown = "enterprise_unknown", "企业名录中无此企业";
    /// The enterprise's own row was excluded, so its rows cannot be linked.
    EnterpriseExcluded = "enterprise_excluded", "所属企业行已排除";
    /// Same name and county as another id: perhaps one firm under two ids.
    NameShared = "name_shared", "疑似同一企业两个代码";
    /// The name cell is empty (the row is kept).
    NameEmpty = "name_empty", "企业名称为空";
    /// The scale is neither 规上 nor 规下 (nor a spelling of them).
    ScaleInvalid = "scale_invalid", "规模不是规上/规下";
    /// The industry is not a GB/T 4754 code of 2 to 4 digits.
    IndustryInvalid = "industry_invalid", "行业代码无效";
    /// The county cell is empty.
    CountyEmpty = "county_empty", "县区为空";
    /// Not a date (or not a year, for a review year).
    DateInvalid = "date_invalid", "日期无效";
    /// Not a number, out of range, or with a unit that is not accepted.
    NumberInvalid = "number_invalid", "非数字";
    /// A negative value where none is allowed.
    ValueNegative = "value_negative", "数值为负";
    /// A required value is empty.
    ValueEmpty = "value_empty", "必填值为空";
    /// The parcel id cell is empty.
    ParcelEmpty = "parcel_empty", "宗地编号为空";
    /// The tenure is not 自有, 租入 or 租出.
    TenureInvalid = "tenure_invalid", "权属不是自有/租入/租出";
    /// A unit that is not accepted for the column (an area not in 亩, 平方米 or 公顷 …).
    UnitInvalid = "unit_invalid", "单位无效";
    /// An area without a unit in the cell, the unit column or the header.
    UnitMissing = "unit_missing", "缺少面积单位";
    /// An area of zero or less.
    AreaNotPositive = "area_not_positive", "面积非正";
    /// The period is not a quarter such as 2025Q3.
    PeriodInvalid = "period_invalid", "期间不是季度";
    /// The same enterprise and quarter twice.
    QuarterDuplicate = "quarter_duplicate", "季度重复";
    /// The same land row twice.
    LandRowDuplicate = "land_row_duplicate", "用地行重复";
    /// The lease's other side (counterparty) is not an enterprise of the enterprises file.
    CounterpartyUnknown = "counterparty_unknown", "对方企业不在名录中";
    /// An event without a kind.
    EventKindEmpty = "event_kind_empty", "事件类型为空";
    /// An enterprise without any land, output or tax row.
    NoRows = "no_rows", "缺少数据行";
    /// A row above the header of a sheet or file (a title, a note such as 单位：万元): not data.
    AboveHeader = "above_header", "表头上方的行";
    /// A footer row (合计, 总计, 小计, 制表人, 审核人, 填报说明 …): not a firm.
    FooterRow = "footer_row", "表尾行";
    // Standard-land (标准地) inputs.
    /// The project id cell is empty.
    ProjectIdEmpty = "project_id_empty", "项目编号为空";
    /// The project is listed twice.
    ProjectDuplicate = "project_duplicate", "项目重复";
    /// A check names a project that is not in the projects file (or whose row was excluded).
    ProjectUnknown = "project_unknown", "项目清单中无此项目";
    /// The stage is not one of the rules file's stages.
    StageInvalid = "stage_invalid", "验收阶段无效";
    /// A check of the same project and stage on the same date is listed twice.
    CheckDuplicate = "check_duplicate", "验收记录重复";
    /// A check dated after the as-of date, or replaced by a later check of the same stage.
    CheckNotUsed = "check_not_used", "验收记录未采用";
    /// No agreed value and no park-tier default for an indicator.
    AgreedMissing = "agreed_missing", "缺少约定值";
    /// An agreed value that is not a number or range, or breaks the rules file's bounds.
    AgreedInvalid = "agreed_invalid", "约定值无效";
    /// The derived checks could not read the evaluation data.
    DeriveFailed = "derive_failed", "无法从评价数据推算";
    /// The projects file gives a land-price due date for a project that has rows in the payments file.
    PaymentScheduleTwice = "payment_schedule_twice", "缴款计划重复";
    /// The instalments of a project do not add up to its land price.
    InstalmentsMismatch = "instalments_mismatch", "分期金额与出让价款不符";
    /// A project event whose kind is none of those mujun knows.
    ProjectEventKindInvalid = "project_event_kind_invalid", "履约事件类型无效";
    /// A project event dated after the as-of date.
    ProjectEventNotUsed = "project_event_not_used", "履约事件未采用";
    // Enterprises that are not simply graded.
    /// An `exclude` rule of the methodology holds: not evaluated.
    Excluded = "excluded", "免于评价";
    /// No track's `select` rule holds.
    NoTrack = "no_track", "未归入评价序列";
    /// Merged with its landlord (`[land] merge_tenants`).
    MergedWithLandlord = "merged_with_landlord", "并入出租方";
    /// Land basis zero or negative.
    LandNotPositive = "land_not_positive", "用地面积非正";
    /// A scope rule of its track does not hold.
    OutOfScope = "out_of_scope", "不在评价范围";
    /// An `undetermined` rule of its track holds.
    UndeterminedRule = "undetermined_rule", "不定等级规则";
    /// An indicator cannot be computed and its rule says undetermined.
    IndicatorMissing = "indicator_missing", "指标无法计算";
    /// No benchmark for an indicator in the firm's group.
    NoBenchmark = "no_benchmark", "分组无基准值";
    /// A benchmark of zero or less, and its rule says undetermined.
    BenchmarkNotPositive = "benchmark_not_positive", "基准值非正";
    /// A veto event in the period.
    Veto = "veto", "一票否决";
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl ReasonCode {
    /// The reason of a code as the tables write it.
    pub fn parse(code: &str) -> Option<ReasonCode> {
        ReasonCode::ALL.iter().copied().find(|r| r.code() == code)
    }
}

/// What was done about an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// The row is not used.
    Excluded,
    /// The row is used; the cell's value is treated as missing.
    KeptAsMissing,
    /// The row is used; the name is left empty.
    KeptNameEmpty,
    /// The row is used; an analyst should check it (names under two ids).
    KeptCheckIds,
    /// The enterprise is kept and reported as not scored or with missing data.
    KeptNoRows,
    /// The project is kept and checked.
    ProjectChecked,
    /// The project is kept and checked; its enterprise should be added or its id corrected.
    ProjectCheckedFixId,
    /// The park tier's default is used if there is one.
    TierDefault,
    /// The indicator is not assessed.
    IndicatorNotAssessed,
    /// Stages without a check row stay overdue or pending.
    NothingDerived,
    /// The row is not enterprise data (a title, a total, a signature): skipped, not counted as read.
    SkippedNotData,
}

impl Action {
    pub const ALL: [Action; 11] = [
        Action::Excluded,
        Action::KeptAsMissing,
        Action::KeptNameEmpty,
        Action::KeptCheckIds,
        Action::KeptNoRows,
        Action::ProjectChecked,
        Action::ProjectCheckedFixId,
        Action::TierDefault,
        Action::IndicatorNotAssessed,
        Action::NothingDerived,
        Action::SkippedNotData,
    ];

    /// The words in the exceptions file's `action` column.
    pub fn text(self) -> &'static str {
        match self {
            Action::Excluded => "row excluded",
            Action::KeptAsMissing => "row kept; value treated as missing",
            Action::KeptNameEmpty => "row kept; name left empty",
            Action::KeptCheckIds => "row kept; check whether both ids are the same enterprise",
            Action::KeptNoRows => "enterprise kept; reported as not scored or with missing data",
            Action::ProjectChecked => "row kept; project checked",
            Action::ProjectCheckedFixId => "row kept; project checked; add the enterprise or correct the id",
            Action::TierDefault => "row kept; tier default used if there is one",
            Action::IndicatorNotAssessed => "row kept; indicator not assessed (no data)",
            Action::NothingDerived => "no figures derived; stages without a check row stay overdue or pending",
            Action::SkippedNotData => "row skipped; not enterprise data",
        }
    }
    /// 中文, for the reports.
    pub fn zh(self) -> &'static str {
        match self {
            Action::Excluded => "整行排除",
            Action::KeptAsMissing => "保留, 该值按缺失处理",
            Action::KeptNameEmpty => "保留, 名称留空",
            Action::KeptCheckIds => "保留, 请核对两个代码",
            Action::KeptNoRows => "保留, 按缺数据处理",
            Action::ProjectChecked => "保留, 照常核查",
            Action::ProjectCheckedFixId => "保留, 照常核查, 请补企业或更正代码",
            Action::TierDefault => "保留, 采用园区等级默认值",
            Action::IndicatorNotAssessed => "保留, 该指标不核查",
            Action::NothingDerived => "未推算",
            Action::SkippedNotData => "跳过, 非企业数据",
        }
    }
}

/// Codes are written as their words (`id_invalid`, `row excluded`), in JSON as in the tables.
macro_rules! serde_as_words {
    ($t:ty, $words:ident, $what:literal) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.$words())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                <$t>::ALL
                    .iter()
                    .copied()
                    .find(|x| x.$words() == text)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown {} '{text}'", $what)))
            }
        }
    };
}
serde_as_words!(ReasonCode, code, "reason code");
serde_as_words!(Action, text, "action");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for r in ReasonCode::ALL {
            assert!(seen.insert(r.code()), "{} twice", r.code());
            assert_eq!(ReasonCode::parse(r.code()), Some(*r));
            assert!(r.code().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{}", r.code());
        }
    }

    /// The manual lists every code, with its Chinese label.
    #[test]
    fn the_manual_lists_every_code() {
        let doc = include_str!("../../docs/data-format.md");
        for r in ReasonCode::ALL {
            assert!(
                doc.contains(&format!("| `{}` | {} |", r.code(), r.zh())),
                "docs/data-format.md lacks {}",
                r.code()
            );
        }
    }
}
