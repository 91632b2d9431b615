//! Small closed vocabularies as types: the kinds of input file, an enterprise's scale, and where an
//! enterprise stands after scoring. Each has the code written in the tables (English, stable) and the
//! Chinese word the reports print.

use serde::{Deserialize, Serialize};

/// The kinds of input file a data folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Enterprises,
    Land,
    Output,
    Tax,
    Events,
    /// 标准地 agreements (`mujun projects`).
    Projects,
    /// 竣工验收 / 达产复核 results (`mujun projects`).
    Checks,
    /// Land-price instalments of 标准地 agreements: due dates, amounts, payment dates (`mujun projects`).
    Payments,
    /// Dated events of 标准地 agreements: a shortfall paid, a rectification accepted, a take-back, a
    /// termination (`mujun projects`). Not the evaluation's `events` (加减分) file.
    ProjectEvents,
}

impl FileKind {
    /// The files of an evaluation's data folder, in the order they are read and merged.
    pub const DATASET: [FileKind; 5] =
        [FileKind::Enterprises, FileKind::Land, FileKind::Output, FileKind::Tax, FileKind::Events];

    /// The canonical file stem (`land` for `land.csv`), also the code in manifests.
    pub fn stem(self) -> &'static str {
        match self {
            FileKind::Enterprises => "enterprises",
            FileKind::Land => "land",
            FileKind::Output => "output",
            FileKind::Tax => "tax",
            FileKind::Events => "events",
            FileKind::Projects => "projects",
            FileKind::Checks => "checks",
            FileKind::Payments => "payments",
            FileKind::ProjectEvents => "project_events",
        }
    }

    /// File stems bureau staff actually use for the same kind.
    pub fn stem_aliases(self) -> &'static [&'static str] {
        match self {
            FileKind::Enterprises => &["企业", "企业名单", "企业信息"],
            FileKind::Land => &["土地", "用地", "用地信息"],
            FileKind::Output => &["产值", "经济指标", "产出"],
            FileKind::Tax => &["税收", "税收数据"],
            FileKind::Events => &["事件", "加减分", "奖惩"],
            FileKind::Projects => &["项目", "标准地项目", "标准地", "项目清单"],
            FileKind::Checks => &["验收", "验收复核", "核查", "验收核查"],
            FileKind::Payments => &["缴款", "价款缴纳", "分期缴款", "土地价款缴纳", "缴款记录"],
            FileKind::ProjectEvents => &["项目事件", "履约事件", "履约记录", "项目履约"],
        }
    }

    /// Whether an evaluation's data folder must hold this kind.
    pub fn required(self) -> bool {
        matches!(self, FileKind::Enterprises | FileKind::Land | FileKind::Output | FileKind::Tax)
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.stem())
    }
}

/// 规模: above (规上) or below (规下) the designated size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scale {
    /// 规模以上.
    Above,
    /// 规模以下.
    Below,
}

impl Scale {
    /// The word rules compare with (`scale == '规上'`) and the tables print.
    pub fn zh(self) -> &'static str {
        match self {
            Scale::Above => "规上",
            Scale::Below => "规下",
        }
    }

    /// The spellings bureau exports use: 规上, 规模以上, 是 (is it above?), above, Y …
    pub fn parse(text: &str) -> Option<Scale> {
        match text.trim() {
            "规上" | "规模以上" | "上" | "是" | "above" | "Y" | "y" => Some(Scale::Above),
            "规下" | "规模以下" | "下" | "否" | "below" | "N" | "n" => Some(Scale::Below),
            _ => None,
        }
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.zh())
    }
}

/// Where an enterprise stands after scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Scored and in the quota base (receives A/B/C/D).
    Graded,
    /// Scored, but a veto event forces the veto class.
    Vetoed,
    /// In the undetermined class (T / 不定等级).
    Undetermined,
    /// Fails a scope rule of its track.
    OutOfScope,
    /// Land basis zero or negative: nothing to divide by.
    NotScored,
    /// No track selects it.
    NoTrack,
    /// Merged with its landlord (`[land] merge_tenants`): shares the landlord's result.
    Merged,
    /// Taken out of the evaluation by an `exclude` rule, before any track.
    Excluded,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Graded,
        Status::Vetoed,
        Status::Undetermined,
        Status::OutOfScope,
        Status::NotScored,
        Status::NoTrack,
        Status::Merged,
        Status::Excluded,
    ];

    /// The code in the tables and manifests (`graded`, `out_of_scope` …).
    pub fn code(self) -> &'static str {
        match self {
            Status::Graded => "graded",
            Status::Vetoed => "vetoed",
            Status::Undetermined => "undetermined",
            Status::OutOfScope => "out_of_scope",
            Status::NotScored => "not_scored",
            Status::NoTrack => "no_track",
            Status::Merged => "merged",
            Status::Excluded => "excluded",
        }
    }

    /// 中文: what the reports and workbooks print.
    pub fn zh(self) -> &'static str {
        match self {
            Status::Graded => "参评",
            Status::Vetoed => "一票否决",
            Status::Undetermined => "不定等级",
            Status::OutOfScope => "不在评价范围",
            Status::NotScored => "不计分",
            Status::NoTrack => "未归类",
            Status::Merged => "并入出租方",
            Status::Excluded => "免于评价",
        }
    }

    /// The status of a code as the tables write it.
    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.iter().copied().find(|s| s.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
        assert_eq!(
            (Scale::parse(" 是 "), Scale::parse("规模以下"), Scale::parse("中")),
            (Some(Scale::Above), Some(Scale::Below), None)
        );
        assert!(FileKind::DATASET.iter().all(|k| k.required() || *k == FileKind::Events));
    }
}
