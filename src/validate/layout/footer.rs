//! 表尾行: the rows under a bureau table that are not firms: totals (合计, 总计, 小计), signatures
//! (制表人, 审核人, 填报人, 负责人), dates and phone numbers (填报日期, 联系电话), notes (填报说明, 注：). They are
//! recognised and listed in the exceptions as `footer_row`, never read as firms.

use crate::dataset::Exception;
use crate::schema::{Action, ReasonCode};

/// Words a footer row starts with (its first text cell), or that fill one of its cells.
const WORDS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "累计",
    "全市合计",
    "全县合计",
    "制表人",
    "制表",
    "填表人",
    "填报人",
    "审核人",
    "审核",
    "负责人",
    "单位负责人",
    "统计负责人",
    "联系人",
    "联系电话",
    "填报日期",
    "制表日期",
    "报出日期",
    "填报说明",
    "填表说明",
    "说明",
    "备注",
    "注",
    "单位",
];

/// Whether a cell starts with a footer word standing alone: `合计`, `合 计`, `制表人：张三`, `注：1.`, but
/// not `合计科技有限公司` (a name that happens to start with the word).
fn starts_with_word(cell: &str) -> Option<&'static str> {
    let t: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    WORDS
        .iter()
        .copied()
        .find(|w| t.strip_prefix(w).is_some_and(|rest| rest.chars().next().is_none_or(|c| !is_cjk_letter(c))))
}

fn is_cjk_letter(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || c.is_ascii_alphabetic()
}

/// The footer word of a row and the cell holding it, if the row is a footer: its id cell holds no
/// enterprise id (empty or not 18 characters of the code alphabet) and its first non-empty cell starts
/// with a footer word, or one of its cells is just a footer word.
pub fn find(cells: &[&str], id: Option<usize>) -> Option<(usize, &'static str)> {
    if let Some(text) = id.and_then(|p| cells.get(p)) {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if t.chars().count() == 18 && t.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
    }
    let first = cells.iter().position(|c| !c.trim().is_empty())?;
    if let Some(w) = starts_with_word(cells[first]) {
        return Some((first, w));
    }
    let alone = |c: &&str| {
        let t: String = c.chars().filter(|c| !c.is_whitespace()).collect();
        WORDS.contains(&t.trim_end_matches([':', '：']))
    };
    let at = cells.iter().position(alone)?;
    let t: String = cells[at].chars().filter(|c| !c.is_whitespace()).collect();
    WORDS.iter().copied().find(|w| *w == t.trim_end_matches([':', '：'])).map(|w| (at, w))
}

/// The exception that lists a footer row (the enterprise id is left empty: the id cell holds no id).
pub fn exception(file: &str, line: usize, column: String, cell: &str, word: &str) -> Exception {
    Exception {
        file: file.to_string(),
        line,
        column,
        enterprise_id: String::new(),
        code: ReasonCode::FooterRow,
        reason: format!(
            "a footer row ('{}': a total, a signature or a note under the table), not a firm",
            short(cell, word)
        ),
        action: Action::SkippedNotData,
    }
}

/// A footer cell in a reason: whole when short, else its first characters (a long 填报说明).
fn short(cell: &str, word: &str) -> String {
    let t = cell.trim();
    if t.chars().count() <= 40 {
        return t.to_string();
    }
    let head: String = t.chars().take(40).collect();
    if head.contains(word) {
        head + "…"
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn totals_signatures_and_notes_are_footers() {
        assert_eq!(find(&["合计", "", "12,345"], Some(0)), Some((0, "合计")));
        assert_eq!(find(&["合  计", "", "1"], Some(0)), Some((0, "合计")));
        assert_eq!(find(&["", "", "制表人：张三", "审核人：李四"], Some(0)), Some((2, "制表人")));
        assert_eq!(find(&["注：1. 数据来源于税务部门", ""], Some(0)), Some((0, "注")));
        // The id column empty and the word in the name column.
        assert_eq!(find(&["", "总计", "300"], Some(0)), Some((1, "总计")));
        // A firm: an id in the id cell, or a name that only starts with the word.
        assert_eq!(find(&["91610902MA0009001J", "合计", "1"], Some(0)), None);
        assert_eq!(find(&["", "合计科技有限公司", "1"], Some(0)), None);
        assert_eq!(find(&["9161090", "汉滨一号厂", "1"], Some(0)), None);
    }
}
