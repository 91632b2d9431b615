//! `[output]`: what the tables hold beyond the results every run writes (decimals shown, the explanation
//! up to a number of firms, the per-track lists).

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// Decimals shown for indicator values and points in the tables (totals are always 2).
    #[serde(default = "super::four")]
    pub decimals: usize,
    /// Write explain.csv and the per-enterprise XLSX sheets only up to this many enterprises (a
    /// provincial run would make a multi-GB explanation and overflow Excel's 1,048,576 rows). The CSV
    /// tables are always complete. 0 = always write them.
    #[serde(default = "detail_limit")]
    pub detail_limit: usize,
    /// Write each track's rows again as its own list (list_规上.csv …), as bureaus publish them; a
    /// province-scale run may leave them out (they repeat enterprises.csv, which holds every row).
    #[serde(default = "super::yes")]
    pub track_lists: bool,
}

fn detail_limit() -> usize {
    200_000
}

impl Default for Output {
    fn default() -> Self {
        Output { decimals: 4, detail_limit: detail_limit(), track_lists: true }
    }
}

impl Output {
    /// Whether a run of `enterprises` firms writes explain.csv and the per-enterprise sheets.
    pub fn details(&self, enterprises: usize) -> bool {
        self.detail_limit == 0 || enterprises <= self.detail_limit
    }
    /// What the tables hold, in words (for `check`).
    pub fn words(&self) -> String {
        let details = if self.detail_limit == 0 {
            "总是写出".to_string()
        } else {
            format!("企业不超过 {} 家时写出", self.detail_limit)
        };
        let lists = if self.track_lists { "写出" } else { "不写出 (各序列企业均在 enterprises.csv)" };
        format!(
            "用地、指标值和得分保留 {} 位小数 (总分 2 位); 逐企业说明 explain.csv 及工作簿明细: {details}; 分序列名单 list_<序列>.csv: {lists}",
            self.decimals
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Output;

    /// `[output]` read back in words: the defaults, then every key changed.
    #[test]
    fn output_keys_read_back_in_words() {
        assert_eq!(
            Output::default().words(),
            "用地、指标值和得分保留 4 位小数 (总分 2 位); 逐企业说明 explain.csv 及工作簿明细: 企业不超过 200000 家时写出; 分序列名单 list_<序列>.csv: 写出"
        );
        let o = Output { decimals: 2, detail_limit: 0, track_lists: false };
        assert_eq!(
            o.words(),
            "用地、指标值和得分保留 2 位小数 (总分 2 位); 逐企业说明 explain.csv 及工作簿明细: 总是写出; 分序列名单 list_<序列>.csv: 不写出 (各序列企业均在 enterprises.csv)"
        );
        // 200,000 firms are explained, one more are not; 0 explains any number.
        assert!(Output::default().details(200_000) && !Output::default().details(200_001));
        assert!(o.details(5_000_000));
    }
}
