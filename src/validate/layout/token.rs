//! Periods written in column headers: a quarter (一季度, 第1季度, 2025年第一季度, Q1, 2025Q1) or a
//! year-to-date span (1–3月, 1-6月, 2025年1~9月, 1至12月份, 上半年, 前三季度, 全年), found anywhere in the
//! header, so that `一季度营业收入`, `营业收入（一季度）` and `营业收入 / 1-3月累计` all name a figure and a period.

/// The period a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// One quarter (1–4).
    Quarter(u8),
    /// From January to the end of this month (本年累计 1–N月).
    ToMonth(u8),
}

/// A period in a header, with its year when the header gives one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub year: Option<i32>,
    pub span: Span,
}

impl Token {
    /// The period as headers write it, for notes and messages: `一季度`, `1–6月`.
    pub fn label(self) -> String {
        let y = self.year.map(|y| format!("{y}年")).unwrap_or_default();
        match self.span {
            Span::Quarter(q) => format!("{y}{}季度", ["一", "二", "三", "四"][(q as usize - 1).min(3)]),
            Span::ToMonth(m) => format!("{y}1–{m}月"),
        }
    }
}

/// Finds a period in a header: the token and the header with the token taken out.
pub fn find(text: &str) -> Option<(Token, String)> {
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len() {
        if i > 0 && chars[i - 1].is_ascii_alphanumeric() {
            continue;
        }
        if let Some((token, len)) = at(&chars, i) {
            let rest: String = chars[..i].iter().chain(&chars[i + len..]).collect();
            return Some((token, rest));
        }
    }
    None
}

/// A token starting at `i` (with a year in front, or without), and its length in characters.
fn at(c: &[char], i: usize) -> Option<(Token, usize)> {
    if let Some(year) = year_at(c, i) {
        let mut j = i + 4;
        if matches!(c.get(j), Some('年' | '-' | ' ')) {
            j += 1;
        }
        if let Some((span, len)) = span_at(c, j) {
            return Some((Token { year: Some(year), span }, j + len - i));
        }
        return None;
    }
    span_at(c, i).map(|(span, len)| (Token { year: None, span }, len))
}

/// A year of four digits (1900–2200) at `i`, not part of a longer number.
fn year_at(c: &[char], i: usize) -> Option<i32> {
    let digits: String = c.get(i..i + 4)?.iter().collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || c.get(i + 4).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let y: i32 = digits.parse().ok()?;
    (1900..=2200).contains(&y).then_some(y)
}

fn starts(c: &[char], i: usize, word: &str) -> bool {
    let w: Vec<char> = word.chars().collect();
    c.get(i..i + w.len()).is_some_and(|s| s == w.as_slice())
}

/// A period at `i`: the year-to-date forms first (前三季度 holds 三季度), then quarters.
fn span_at(c: &[char], i: usize) -> Option<(Span, usize)> {
    for (word, m) in [("上半年", 6), ("前三季度", 9), ("前三季", 9), ("全年", 12)] {
        if starts(c, i, word) {
            return Some((Span::ToMonth(m), word.chars().count()));
        }
    }
    to_month(c, i).or_else(|| quarter(c, i))
}

/// `1-6月`, `1–6月份`, `1~9月`, `1至12月`, `一至三月`, `01-03月`.
fn to_month(c: &[char], i: usize) -> Option<(Span, usize)> {
    let mut j = i;
    if c.get(j) == Some(&'0') {
        j += 1;
    }
    if !matches!(c.get(j), Some('1' | '一')) {
        return None;
    }
    j += 1;
    if !matches!(c.get(j), Some('-' | '–' | '—' | '~' | '～' | '至' | '到' | '－')) {
        return None;
    }
    j += 1;
    let (m, len) = month(c, j)?;
    j += len;
    if c.get(j) != Some(&'月') {
        return None;
    }
    j += 1;
    if c.get(j) == Some(&'份') {
        j += 1;
    }
    Some((Span::ToMonth(m), j - i))
}

/// A month number 1–12 in digits or Chinese, and its length.
fn month(c: &[char], j: usize) -> Option<(u8, usize)> {
    const ZH: [&str; 12] = ["十二", "十一", "十", "九", "八", "七", "六", "五", "四", "三", "二", "一"];
    for (k, w) in ZH.iter().enumerate() {
        if starts(c, j, w) {
            return Some((12 - k as u8, w.chars().count()));
        }
    }
    let digits: String = c[j.min(c.len())..].iter().take_while(|d| d.is_ascii_digit()).collect();
    let m: u8 = digits.parse().ok()?;
    (1..=12).contains(&m).then_some((m, digits.len()))
}

/// `一季度`, `第1季度`, `第一季`, `Q1`, `q1`.
fn quarter(c: &[char], i: usize) -> Option<(Span, usize)> {
    if matches!(c.get(i), Some('Q' | 'q')) {
        let q = c.get(i + 1)?.to_digit(10)? as u8;
        let alone = !c.get(i + 2).is_some_and(char::is_ascii_alphanumeric);
        return ((1..=4).contains(&q) && alone).then_some((Span::Quarter(q), 2));
    }
    let j = if c.get(i) == Some(&'第') { i + 1 } else { i };
    let q = match c.get(j)? {
        '一' | '1' => 1,
        '二' | '2' => 2,
        '三' | '3' => 3,
        '四' | '4' => 4,
        _ => return None,
    };
    if c.get(j + 1) != Some(&'季') {
        return None;
    }
    let end = if c.get(j + 2) == Some(&'度') { j + 3 } else { j + 2 };
    Some((Span::Quarter(q), end - i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Option<(Option<i32>, Span, String)> {
        find(text).map(|(t, rest)| (t.year, t.span, rest))
    }

    #[test]
    fn quarters_in_headers() {
        use Span::Quarter as Q;
        assert_eq!(t("一季度营业收入"), Some((None, Q(1), "营业收入".into())));
        assert_eq!(t("营业收入（第3季度）"), Some((None, Q(3), "营业收入（）".into())));
        assert_eq!(t("2025年第四季度税收"), Some((Some(2025), Q(4), "税收".into())));
        assert_eq!(t("2025Q2营业收入"), Some((Some(2025), Q(2), "营业收入".into())));
        assert_eq!(t("营业收入 / Q1"), Some((None, Q(1), "营业收入 / ".into())));
        // Not quarters: the period column's own header, a year alone, letters around a Q.
        assert_eq!(t("季度"), None);
        assert_eq!(t("2025年营业收入"), None);
        assert_eq!(t("QC1"), None);
        assert_eq!(t("Q12"), None);
    }

    #[test]
    fn year_to_date_spans_in_headers() {
        use Span::ToMonth as M;
        assert_eq!(t("1-3月营业收入"), Some((None, M(3), "营业收入".into())));
        assert_eq!(t("营业收入 / 1–12月"), Some((None, M(12), "营业收入 / ".into())));
        assert_eq!(t("2025年1~9月累计"), Some((Some(2025), M(9), "累计".into())));
        assert_eq!(t("1至6月份税收"), Some((None, M(6), "税收".into())));
        assert_eq!(t("一至十二月"), Some((None, M(12), "".into())));
        assert_eq!(t("前三季度营业收入"), Some((None, M(9), "营业收入".into())));
        assert_eq!(t("上半年"), Some((None, M(6), "".into())));
        // A month range that does not start in January is not year to date.
        assert_eq!(t("4-6月"), None);
        assert_eq!(Token { year: Some(2025), span: M(6) }.label(), "2025年1–6月");
    }
}
