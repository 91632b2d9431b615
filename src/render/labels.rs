//! Printed names for the codes the run folder holds: industry divisions (GB/T 4754-2017), statuses,
//! benchmark groups and the usual indicator keys.

/// GB/T 4754-2017 divisions (门类 B mining, C manufacturing, D utilities) by two-digit code.
const DIVISIONS: [(&str, &str); 41] = [
    ("06", "煤炭开采和洗选业"),
    ("07", "石油和天然气开采业"),
    ("08", "黑色金属矿采选业"),
    ("09", "有色金属矿采选业"),
    ("10", "非金属矿采选业"),
    ("11", "开采专业及辅助性活动"),
    ("12", "其他采矿业"),
    ("13", "农副食品加工业"),
    ("14", "食品制造业"),
    ("15", "酒、饮料和精制茶制造业"),
    ("16", "烟草制品业"),
    ("17", "纺织业"),
    ("18", "纺织服装、服饰业"),
    ("19", "皮革、毛皮、羽毛及其制品和制鞋业"),
    ("20", "木材加工和木、竹、藤、棕、草制品业"),
    ("21", "家具制造业"),
    ("22", "造纸和纸制品业"),
    ("23", "印刷和记录媒介复制业"),
    ("24", "文教、工美、体育和娱乐用品制造业"),
    ("25", "石油、煤炭及其他燃料加工业"),
    ("26", "化学原料和化学制品制造业"),
    ("27", "医药制造业"),
    ("28", "化学纤维制造业"),
    ("29", "橡胶和塑料制品业"),
    ("30", "非金属矿物制品业"),
    ("31", "黑色金属冶炼和压延加工业"),
    ("32", "有色金属冶炼和压延加工业"),
    ("33", "金属制品业"),
    ("34", "通用设备制造业"),
    ("35", "专用设备制造业"),
    ("36", "汽车制造业"),
    ("37", "铁路、船舶、航空航天和其他运输设备制造业"),
    ("38", "电气机械和器材制造业"),
    ("39", "计算机、通信和其他电子设备制造业"),
    ("40", "仪器仪表制造业"),
    ("41", "其他制造业"),
    ("42", "废弃资源综合利用业"),
    ("43", "金属制品、机械和设备修理业"),
    ("44", "电力、热力生产和供应业"),
    ("45", "燃气生产和供应业"),
    ("46", "水的生产和供应业"),
];

/// "30 非金属矿物制品业" for a code of two or more digits; the code alone when unknown.
pub fn industry(code: &str) -> String {
    let div: String = code.chars().take(2).collect();
    match DIVISIONS.iter().find(|(c, _)| *c == div) {
        Some((_, name)) if code.len() == 2 => format!("{code} {name}"),
        Some((_, name)) => format!("{code} ({name})"),
        None => code.to_string(),
    }
}

/// The status column of enterprises.csv in words.
pub fn status(s: Option<crate::schema::Status>) -> String {
    s.map_or_else(|| "—".into(), |s| s.zh().to_string())
}

/// Groups thousands: 2994 → "2,994".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with one decimal ("18.1%"); "—" for an empty whole.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "—".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(industry("30"), "30 非金属矿物制品业");
        assert_eq!(industry("3216"), "3216 (有色金属冶炼和压延加工业)");
        assert_eq!(industry("99"), "99");
        assert_eq!(thousands(2994), "2,994");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(percent(1, 3), "33.3%");
    }
}
