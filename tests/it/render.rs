//! Reports from a finished run folder: charts and Chinese PDFs. These tests need poppler-utils
//! (pdftotext, pdffonts, pdfinfo); without them they fail and say what to install. They need no font:
//! mujun carries one.

use crate::common::*;
use std::path::Path;
use std::process::Command;

const INJECTION: &str = r#"#set page(paper: "a0") *x* $y$ \ _z_ [w] @ref <lab> #pagebreak()"#;

fn require_tools() {
    for tool in ["pdftotext", "pdffonts", "pdfinfo"] {
        assert!(
            Command::new(tool).arg("-v").output().is_ok(),
            "{tool} not found: install poppler-utils (Debian/Ubuntu: apt-get install poppler-utils)"
        );
    }
}

fn poppler(tool: &str, pdf: &Path) -> String {
    let mut c = Command::new(tool);
    c.arg(pdf);
    if tool == "pdftotext" {
        c.arg("-");
    }
    let o = c.output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(o.status.success(), "{tool} {}: {}", pdf.display(), String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn report(run: &Path, extra: &[&str]) -> std::process::Output {
    mujun().args(["--quiet", "report", "--run"]).arg(run).args(extra).output().expect("run mujun")
}

/// The variance of the grey levels of a PNG: a blank or one-colour image has (almost) none.
fn grey_variance(png: &Path) -> f64 {
    let img = resvg::tiny_skia::Pixmap::load_png(png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    let grey: Vec<f64> =
        img.pixels().iter().map(|p| (p.red() as f64 + p.green() as f64 + p.blue() as f64) / 3.0).collect();
    let mean = grey.iter().sum::<f64>() / grey.len() as f64;
    grey.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / grey.len() as f64
}

#[test]
fn sample_run_gives_chinese_pdfs_and_charts() {
    require_tools();
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    evaluate(&repo("data/sample"), &repo("data/methods/ankang_default.toml"), "2025", &run);
    let start = std::time::Instant::now();
    let o = report(&run, &[]);
    assert!(o.status.success(), "mujun report failed: {}", String::from_utf8_lossy(&o.stderr));
    eprintln!("report for the sample run: {:.1} s", start.elapsed().as_secs_f64());

    let dir = run.join("report");
    let city = dir.join("city.pdf");
    for pdf in [&city, &dir.join("county_汉滨区.pdf"), &dir.join("county_旬阳市.pdf")] {
        assert!(std::fs::metadata(pdf).map(|m| m.len() > 10_000).unwrap_or(false), "{} missing or tiny", pdf.display());
    }
    let text = poppler("pdftotext", &city);
    for must in ["汉滨区", "旬阳市", "主要指标", "评价方法", "亩均税收", "附录"] {
        assert!(text.contains(must), "city.pdf text lacks {must}");
    }
    // The city's tax per mu exactly as by_county.csv prints it.
    let city_row =
        read_rows(&run.join("by_county.csv")).into_iter().find(|r| r["county"].starts_with("全市")).expect("city row");
    assert!(text.contains(&city_row["tax_per_mu"]), "city.pdf lacks the city tax per mu {}", city_row["tax_per_mu"]);
    // An enterprise from the appendix, and the county report's own figures.
    // typst puts a thin space between Chinese and digits (公司 1978): compare without spaces.
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let first = &read_rows(&run.join("enterprises.csv"))[0];
    assert!(squeeze(&text).contains(&squeeze(&first["name"])), "city.pdf appendix lacks {}", first["name"]);
    let county_text = poppler("pdftotext", &dir.join("county_旬阳市.pdf"));
    let xunyang = read_rows(&run.join("by_county.csv")).into_iter().find(|r| r["county"] == "旬阳市").unwrap();
    assert!(
        county_text.contains("旬阳市评价报告") && county_text.contains(&xunyang["tax_per_mu"]),
        "county report lacks its title or tax per mu"
    );

    let fonts = poppler("pdffonts", &city);
    let cjk_embedded =
        fonts.lines().skip(2).any(|l| l.contains("CJK") && l.split_whitespace().rev().nth(4) == Some("yes"));
    assert!(cjk_embedded, "no embedded CJK font in city.pdf:\n{fonts}");

    for stem in [
        "class_by_county",
        "county_tax_per_mu",
        "industry_tax_per_mu",
        "tax_vs_va",
        "top_bottom_规上",
        "top_bottom_规下",
        "county_tax_per_mu_汉滨区",
    ] {
        let png = dir.join("charts").join(format!("{stem}.png"));
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(size > 15_000, "{} missing or tiny ({size} bytes)", png.display());
        let var = grey_variance(&png);
        assert!(var > 100.0, "{} looks blank (grey variance {var:.1})", png.display());
        let svg = std::fs::read_to_string(png.with_extension("svg")).unwrap();
        assert!(svg.contains("Noto Sans CJK SC") || svg.contains("font-family"), "{stem}.svg names no font");
    }
}

/// A small generated city (40 enterprises), evaluated; the first enterprise renamed to `name` if given.
fn small_run(root: &Path, name: Option<&str>) -> std::path::PathBuf {
    let data = root.join("data");
    let o = mujun()
        .args(["--quiet", "generate", "--enterprises", "40", "--seed", "7", "--clean", "--out"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(o.status.success(), "generate: {}", String::from_utf8_lossy(&o.stderr));
    if let Some(new_name) = name {
        let path = data.join("enterprises.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = r.headers().unwrap().clone();
        let col = headers.iter().position(|h| h == "name").unwrap();
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&headers).unwrap();
        for (i, rec) in r.records().enumerate() {
            let rec = rec.unwrap();
            let row: Vec<&str> =
                rec.iter().enumerate().map(|(j, v)| if i == 0 && j == col { new_name } else { v }).collect();
            w.write_record(&row).unwrap();
        }
        std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    }
    let run = root.join("run");
    evaluate(&data, &repo("data/methods/ankang_default.toml"), "2025", &run);
    run
}

#[test]
fn markup_in_names_prints_literally() {
    require_tools();
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path(), Some(INJECTION));
    let o = report(&run, &[]);
    assert!(o.status.success(), "mujun report failed: {}", String::from_utf8_lossy(&o.stderr));
    let city = run.join("report/city.pdf");
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(&poppler("pdftotext", &city));
    assert!(text.contains(&squeeze(INJECTION)), "the name did not print literally in city.pdf");
    // No projects/ or monitor/ in this run folder: their sections are left out.
    assert!(!text.contains("违约金合计") && !text.contains("升规培育库"), "sections printed without their data");
    assert!(
        text.contains("运行目录中没有projects/") && text.contains("运行目录中没有monitor/"),
        "no skipped note for the absent sections"
    );
    // `#set page(paper: "a0")` was not obeyed: the pages are A4.
    let info = poppler("pdfinfo", &city);
    assert!(info.lines().any(|l| l.starts_with("Page size:") && l.contains("595.")), "not A4:\n{info}");
}

#[test]
fn a_font_without_chinese_glyphs_is_refused_with_the_fix() {
    require_tools();
    let latin = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ]
    .into_iter()
    .map(Path::new)
    .find(|p| p.exists());
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path(), None);
    // Not a font at all.
    let not_font = tmp.path().join("x.ttf");
    std::fs::write(&not_font, b"not a font").unwrap();
    let o = report(&run, &["--font", not_font.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a font file"));
    if let Some(latin) = latin {
        let o = report(&run, &["--font", latin.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(3));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("no Chinese glyphs") && err.contains("pass --font FILE"), "{err}");
    }
    assert!(!run.join("report/city.pdf").exists(), "nothing is rendered with a refused font");
}

/// A run folder with the quarterly monitoring (monitor/) and standard-land (projects/) outputs: the city
/// report gains the 标准地 and 季度监测 sections and their charts.
#[test]
fn monitor_and_standard_land_sections() {
    require_tools();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let (data, method) = (repo("data/sample"), repo("data/methods/ankang_default.toml"));
    evaluate(&data, &method, "2025", &out);
    let cx = mujun::cli::Ctx::new(true, "mujun");
    let mut args = mujun::cli::MonitorArgs::new(&data, &method, "2025Q4", "2024Q4", out.join("monitor"));
    args.targets = Some(data.join("targets.csv")).filter(|t| t.is_file());
    mujun::cli::monitor(&args, &cx).unwrap();
    let projects = mujun::cli::ProjectsArgs {
        data: repo("data/sample_projects"),
        rules: repo("data/methods/standard_land_default.toml"),
        as_of: "2025-06-30".into(),
        out: out.join("projects"),
        force: false,
    };
    mujun::cli::projects(&projects, &cx).unwrap();

    let ropts = mujun::render::RenderOptions {
        progress: false,
        counties: mujun::render::Counties::None,
        appendix_limit: 50,
        ..Default::default()
    };
    let summary = mujun::cli::render_folder(&out, &ropts, None, None).unwrap();
    assert!(
        !summary.skipped.iter().any(|s| s.starts_with("标准地") || s.starts_with("季度监测")),
        "sections skipped: {:?}",
        summary.skipped
    );
    // typst puts a thin space between Chinese and Latin letters ("预计落入 C/D 类"): compare without spaces.
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(&poppler("pdftotext", &out.join("report/city.pdf")));
    let breach = read_rows(&out.join("projects/projects.csv"))
        .into_iter()
        .find(|r| r["overall"] == "breach" && r["project_id"] == "AK-XY-12")
        .expect("AK-XY-12 in breach");
    for must in [
        "标准地项目",
        "违约金合计",
        "1019.65",
        "无偿收回",
        "解除合同",
        "闲置土地",
        "违约责任明细",
        breach["project_id"].as_str(),
        "建议收回评估",
        "季度监测",
        "等级迁移矩阵",
        "升规培育库",
        "预计落入C/D类",
    ] {
        assert!(text.contains(must), "city.pdf text lacks {must}");
    }
    // The 升规 pool size as pool.csv counts it.
    let pool = read_rows(&out.join("monitor/pool.csv")).iter().filter(|r| r["status"] != "reached").count();
    assert!(text.contains(&pool.to_string()), "city.pdf lacks the pool size {pool}");
    for stem in ["standard_land", "monitor_migration", "monitor_tax_per_mu"] {
        let png = out.join("report/charts").join(format!("{stem}.png"));
        let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        assert!(size > 15_000, "{} missing or tiny ({size} bytes)", png.display());
        let var = grey_variance(&png);
        assert!(var > 100.0, "{} looks blank (grey variance {var:.1})", png.display());
    }
}

/// A fontconfig file that lists only `fonts`: the system scan (fontdb, through typst-kit) then sees what
/// that folder holds and nothing else, as on a machine with only those fonts installed.
fn fontconfig_listing(root: &Path, fonts: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(fonts).unwrap();
    let conf = root.join("fonts.conf");
    std::fs::write(
        &conf,
        format!("<?xml version=\"1.0\"?>\n<fontconfig><dir>{}</dir></fontconfig>\n", fonts.display()),
    )
    .unwrap();
    conf
}

/// The README's main command on a machine with no font installed (an empty font folder is all the
/// system offers): the demo succeeds with the font built into mujun, and its city report is Chinese text.
#[test]
fn the_demo_needs_no_installed_font() {
    require_tools();
    let tmp = tempfile::tempdir().unwrap();
    let conf = fontconfig_listing(tmp.path(), &tmp.path().join("no-fonts"));
    let o = mujun().arg("demo").current_dir(tmp.path()).env("FONTCONFIG_FILE", &conf).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "demo failed: {}\n{stdout}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("chart font: Noto Sans CJK SC (built into mujun)"), "{stdout}");
    let city = tmp.path().join("reports/demo/report/city.pdf");
    assert!(poppler("pdftotext", &city).contains("汉滨区"), "city.pdf has no 汉滨区");
    assert!(poppler("pdffonts", &city).contains("NotoSansCJKsc-Regular"), "the built-in font is not embedded");
}

/// A face with Chinese glyphs among the system's fonts is used before the built-in one, and the summary
/// names its file.
#[test]
fn an_installed_font_comes_before_the_built_in_one() {
    require_tools();
    let tmp = tempfile::tempdir().unwrap();
    let fonts = tmp.path().join("fonts");
    let conf = fontconfig_listing(tmp.path(), &fonts);
    let installed = fonts.join("installed.otf");
    std::fs::copy(repo("templates/fonts/NotoSansSC-Regular-subset.otf"), &installed).unwrap();
    let run = small_run(tmp.path(), None);
    let o = mujun().args(["report", "--run"]).arg(&run).env("FONTCONFIG_FILE", &conf).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "report failed: {}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains(&format!("chart font: {} #0", installed.display())), "{stdout}");
}
