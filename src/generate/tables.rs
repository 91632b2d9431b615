//! Reference tables of the synthetic city: Ankang's counties and parks, industries, brand words.

/// A county or district: name, region code, short name for firm names, parcel-id prefix, its park, weight.
pub(super) struct County {
    pub name: &'static str,
    pub code: &'static str,
    pub short: &'static str,
    pub prefix: &'static str,
    pub park: &'static str,
    pub weight: u32,
}

const fn c(
    name: &'static str,
    code: &'static str,
    short: &'static str,
    prefix: &'static str,
    park: &'static str,
    weight: u32,
) -> County {
    County { name, code, short, prefix, park, weight }
}

pub(super) const COUNTIES: [County; 11] = [
    c("汉滨区", "610902", "汉滨", "HB", "汉滨区工业园", 20),
    c("汉阴县", "610921", "汉阴", "HY", "汉阴县工业园", 9),
    c("石泉县", "610922", "石泉", "SQ", "石泉县工业园", 8),
    c("宁陕县", "610923", "宁陕", "NS", "宁陕县工业园", 3),
    c("紫阳县", "610924", "紫阳", "ZY", "紫阳县工业园", 7),
    c("岚皋县", "610925", "岚皋", "LG", "岚皋县工业园", 5),
    c("平利县", "610926", "平利", "PL", "平利县工业园", 8),
    c("镇坪县", "610927", "镇坪", "ZP", "镇坪县工业园", 3),
    c("旬阳市", "610981", "旬阳", "XY", "旬阳市工业园", 11),
    c("白河县", "610929", "白河", "BH", "白河县工业园", 6),
    c("安康高新区", "610991", "安康高新", "GX", "安康高新区", 18),
];

/// (GB/T 4754 code, word used in names, weight in ‰)
pub(super) const INDUSTRIES: [(&str, &str, u32); 25] = [
    ("1492", "富硒食品", 80),
    ("1530", "富硒茶业", 80),
    ("1523", "饮品", 40),
    ("1371", "魔芋食品", 50),
    ("3062", "复合材料", 50),
    ("3091", "碳素材料", 40),
    ("3985", "电子材料", 50),
    ("3239", "稀有金属", 30),
    ("3216", "铝业", 50),
    ("1741", "丝绸", 60),
    ("1713", "印染", 30),
    ("1811", "服饰", 60),
    ("2740", "中药制药", 40),
    ("2761", "生物制药", 30),
    ("2720", "药业", 30),
    ("3442", "压缩机", 30),
    ("3422", "机床", 30),
    ("3511", "矿山机械", 40),
    ("3311", "钢结构", 50),
    ("3021", "水泥", 30),
    ("3032", "石材", 30),
    ("3031", "新型建材", 20),
    ("2039", "木业", 30),
    ("4411", "热电", 10),
    ("4610", "供水", 10),
];
pub(super) const WOOD_BOARD: (&str, &str) = ("2041", "木制品");
pub(super) const HEAT: (&str, &str) = ("4430", "热力");

pub(super) const BRANDS: [&str; 24] = [
    "秦巴", "汉江", "金州", "兴安", "瀛湖", "凤凰", "华泰", "恒盛", "鑫源", "宏达", "瑞丰", "天成", "富民", "康达",
    "永兴", "安泰", "盛华", "润丰", "绿源", "长青", "正大", "博远", "嘉禾", "中硒",
];

pub(super) const SEASON: [f64; 4] = [0.20, 0.25, 0.25, 0.30];
pub(super) const FIRST_FOUNDING_YEAR: i32 = 1995;
pub(super) const SQM_PER_MU: f64 = 10000.0 / 15.0;
