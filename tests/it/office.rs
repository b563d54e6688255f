//! LibreOffice headless as a second reader of the workbooks we write.

use std::io::Write;

/// Converts a workbook to CSV with `soffice --headless`; fails the test if LibreOffice
/// cannot open it. Skips (visibly) where LibreOffice is not installed, unless
/// WORKPLAN_REQUIRE_OFFICE=1 (set by .ci/run).
pub fn opens_in_libreoffice(bytes: &[u8], name: &str) {
    let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(soffice) = soffice else {
        assert!(
            std::env::var("WORKPLAN_REQUIRE_OFFICE").ok().as_deref() != Some("1"),
            "WORKPLAN_REQUIRE_OFFICE=1 but LibreOffice is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED LibreOffice check of {name}: install libreoffice-calc (bash .ci/run does)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).expect("write workbook");
    let profile = dir.path().join("profile");
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "csv", "--outdir"])
        .arg(dir.path())
        .arg(&input)
        .output()
        .expect("run soffice");
    let csv = input.with_extension("csv");
    assert!(
        out.status.success() && csv.exists(),
        "LibreOffice could not open {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0) > 0,
        "empty conversion of {name}"
    );
}

/// Opens a workbook in LibreOffice and saves it again as .xlsx, as a user of LibreOffice
/// would; None where LibreOffice is not installed (the caller skips its checks).
pub fn resaved_by_libreoffice(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).expect("write workbook");
    let outdir = dir.path().join("out");
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
        ])
        .arg(&outdir)
        .arg(&input)
        .output()
        .expect("run soffice");
    let saved = std::fs::read(outdir.join(name));
    assert!(
        out.status.success() && saved.is_ok(),
        "LibreOffice could not re-save {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    saved.ok()
}

/// Where LibreOffice is installed; None (after a visible skip note about `what`) where it
/// is not, unless WORKPLAN_REQUIRE_OFFICE=1, which makes its absence a failure.
fn soffice_or_skip(what: &str) -> Option<&'static str> {
    let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    if soffice.is_none() {
        assert!(
            std::env::var("WORKPLAN_REQUIRE_OFFICE").ok().as_deref() != Some("1"),
            "WORKPLAN_REQUIRE_OFFICE=1 but LibreOffice is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED LibreOffice check of {what}: install libreoffice-writer and libreoffice-calc (bash .ci/run does)"
        );
    }
    soffice
}

/// Converts a document with `soffice --headless --convert-to <filter>` and returns the
/// converted file; fails the test when LibreOffice cannot open the document or writes an
/// empty file, None where LibreOffice is not installed.
fn converted_by_libreoffice(bytes: &[u8], name: &str, filter: &str, ext: &str) -> Option<Vec<u8>> {
    let soffice = soffice_or_skip(name)?;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join(name);
    std::fs::write(&input, bytes).expect("write document");
    let outdir = dir.path().join("out");
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args(["--headless", "--convert-to", filter, "--outdir"])
        .arg(&outdir)
        .arg(&input)
        .output()
        .expect("run soffice");
    let converted = std::fs::read(outdir.join(name).with_extension(ext)).unwrap_or_default();
    assert!(
        out.status.success() && !converted.is_empty(),
        "LibreOffice could not convert {name} to {ext}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(converted)
}

/// Converts a document (.docx, .xlsx) to PDF with LibreOffice headless; fails the test
/// when the PDF is missing or empty. Returns the PDF, or None (skipped visibly) where
/// LibreOffice is not installed, unless WORKPLAN_REQUIRE_OFFICE=1.
pub fn converts_to_pdf(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    let pdf = converted_by_libreoffice(bytes, name, "pdf", "pdf")?;
    assert!(
        pdf.starts_with(b"%PDF"),
        "{name} converted to something not a PDF"
    );
    Some(pdf)
}

/// The text of each page of a PDF as `pdftotext -layout -f N -l N` reads it (lines kept as
/// printed), or None where poppler's tools are not installed, unless
/// WORKPLAN_REQUIRE_OFFICE=1, which makes their absence a failure.
pub fn pdf_pages(pdf: &[u8]) -> Option<Vec<String>> {
    let have = std::process::Command::new("pdfinfo")
        .arg("-v")
        .output()
        .is_ok();
    if !have {
        assert!(
            std::env::var("WORKPLAN_REQUIRE_OFFICE").ok().as_deref() != Some("1"),
            "WORKPLAN_REQUIRE_OFFICE=1 but pdftotext/pdfinfo (poppler-utils) are not installed"
        );
        eprintln!("skipped: the PDF's pages are not read (poppler-utils not installed)");
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in pdfinfo's output: {info}"));
    let text = (1..=pages)
        .map(|n| {
            let out = std::process::Command::new("pdftotext")
                .args(["-layout", "-f", &n.to_string(), "-l", &n.to_string()])
                .arg(&path)
                .arg("-")
                .output()
                .expect("pdftotext");
            assert!(out.status.success(), "pdftotext page {n}");
            String::from_utf8_lossy(&out.stdout).into_owned()
        })
        .collect();
    Some(text)
}

/// The plain text LibreOffice reads from a document (`--convert-to txt:Text`), or None
/// where LibreOffice is not installed.
pub fn text_by_libreoffice(bytes: &[u8], name: &str) -> Option<String> {
    let txt = converted_by_libreoffice(bytes, name, "txt:Text", "txt")?;
    Some(String::from_utf8_lossy(&txt).into_owned())
}

/// A word poppler found on a PDF page, with its box in points.
#[derive(Debug, Clone)]
pub struct PdfWord {
    /// 0-based page.
    pub page: usize,
    pub x_min: f64,
    pub y_min: f64,
    pub x_max: f64,
    pub text: String,
}

/// The words of a PDF with their boxes (`pdftotext -bbox`, poppler-utils), or None (skipped
/// visibly) where pdftotext is not installed, unless WORKPLAN_REQUIRE_OFFICE=1.
pub fn pdf_words(pdf: &[u8]) -> Option<Vec<PdfWord>> {
    if !std::path::Path::new("/usr/bin/pdftotext").exists() {
        assert!(
            std::env::var("WORKPLAN_REQUIRE_OFFICE").ok().as_deref() != Some("1"),
            "WORKPLAN_REQUIRE_OFFICE=1 but pdftotext is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED reading the PDF's text: install poppler-utils (bash .ci/run does)"
        );
        return None;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.pdf");
    std::fs::write(&input, pdf).expect("write pdf");
    let out = std::process::Command::new("/usr/bin/pdftotext")
        .arg("-bbox")
        .arg(&input)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |tag: &str, name: &str| -> f64 {
        tag.split(&format!("{name}=\"")[..])
            .nth(1)
            .and_then(|v| v.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {tag}"))
    };
    let mut words = Vec::new();
    for (page, body) in html.split("<page ").skip(1).enumerate() {
        for w in body.split("<word ").skip(1) {
            let (tag, rest) = w.split_once('>').expect("word tag");
            let text = rest.split("</word>").next().unwrap_or_default();
            words.push(PdfWord {
                page,
                x_min: attr(tag, "xMin"),
                y_min: attr(tag, "yMin"),
                x_max: attr(tag, "xMax"),
                text: text
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            });
        }
    }
    Some(words)
}

/// The text of the table column whose body text begins with the word `first` begins,
/// read down from that word as printed (wrapped lines joined, spaces dropped): the column
/// runs from that word's left edge to the next word on its line.
pub fn printed_column_from(words: &[PdfWord], first: &PdfWord) -> String {
    let same_line = |w: &PdfWord| w.page == first.page && (w.y_min - first.y_min).abs() < 1.0;
    let right = words
        .iter()
        .filter(|w| same_line(w) && w.x_min > first.x_max)
        .map(|w| w.x_min)
        .fold(f64::INFINITY, f64::min);
    let mut column: Vec<&PdfWord> = words
        .iter()
        .filter(|w| {
            w.page == first.page
                && w.y_min >= first.y_min - 1.0
                && w.x_min >= first.x_min - 1.0
                && w.x_min < right - 1.0
        })
        .collect();
    column.sort_by(|a, b| {
        (a.y_min.round() as i64, a.x_min.round() as i64)
            .cmp(&(b.y_min.round() as i64, b.x_min.round() as i64))
    });
    column.iter().map(|w| w.text.as_str()).collect()
}

mod workbooks {
    //! Each export workbook, small but with every feature it uses, opened by LibreOffice.

    use chrono::NaiveDate;
    use workplan::export::{ledger, offline, summary};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn ledger_opens_in_libreoffice() {
        let l = ledger::Ledger {
            plan_title: "2021年政务公开工作要点".into(),
            as_of: d(2021, 10, 8),
            columns: ["序号", "工作任务", "具体要求", "责任处室", "完成时限"]
                .map(String::from)
                .to_vec(),
            periods: vec!["2021-Q2".into(), "2021-Q3".into()],
            rows: vec![
                ledger::LedgerRow {
                    number: "1".into(),
                    section: "一、加强政策解读".into(),
                    task: "做好政策解读".into(),
                    requirement: "重要政策同步解读".into(),
                    lead: "法规宣传处".into(),
                    support: "办公室".into(),
                    deadline: "全年".into(),
                    plan_cells: [
                        "1",
                        "做好政策解读",
                        "重要政策同步解读",
                        "法规宣传处",
                        "全年",
                    ]
                    .map(String::from)
                    .to_vec(),
                    status: "按时完成".into(),
                    due: Some(d(2021, 12, 31)),
                    completed_on: Some(d(2021, 9, 20)),
                    progress: vec!["已制定解读方案".into(), "已发布解读8篇".into()],
                    contributions: vec![String::new(), "办公室：已审核解读稿".into()],
                    evidence: vec![
                        ledger::EvidenceEntry {
                            name: "解读清单.xlsx".into(),
                            address: None,
                        },
                        ledger::EvidenceEntry {
                            name: "局网站解读专栏".into(),
                            address: Some("https://tyj.gz.gov.cn/zwgk/".into()),
                        },
                    ],
                },
                ledger::LedgerRow {
                    number: "2".into(),
                    task: "更新公开目录".into(),
                    plan_cells: vec!["2".into(), "更新公开目录".into()],
                    status: "已逾期".into(),
                    due: Some(d(2021, 6, 30)),
                    progress: vec![String::new(), "正在梳理".into()],
                    ..Default::default()
                },
            ],
        };
        let bytes = ledger::workbook(&l).expect("ledger");
        super::opens_in_libreoffice(&bytes, "ledger.xlsx");
    }

    #[test]
    fn summary_with_chart_opens_in_libreoffice() {
        let row = |division: &str, led, on_time, late, overdue| summary::SummaryRow {
            division: division.into(),
            led,
            supported: 2,
            items: workplan::domain::standing::Tally {
                done_on_time: on_time,
                done_late: late,
                not_done: overdue,
                in_progress: led - on_time - late - overdue,
                ..Default::default()
            },
            reports_on_time: 3,
            reports_late: 1,
            evidence: 5,
        };
        let s = summary::DivisionSummary {
            plan_title: "2021年政务公开工作要点".into(),
            as_of: d(2021, 10, 8),
            rows: vec![
                row("办公室", 6, 3, 1, 1),
                row("法规宣传处", 4, 1, 0, 2),
                row("计划财务处", 0, 0, 0, 0),
            ],
        };
        let bytes = summary::workbook(&s).expect("summary");
        super::opens_in_libreoffice(&bytes, "summary.xlsx");
        // LibreOffice writes back only the charts it understood.
        if let Some(saved) = super::resaved_by_libreoffice(&bytes, "summary.xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(saved)).expect("zip");
            let names: Vec<String> = zip
                .file_names()
                .filter_map(|n| n.ok())
                .map(|n| n.to_string())
                .collect();
            let chart = names
                .iter()
                .find(|n| n.starts_with("xl/charts/chart"))
                .unwrap_or_else(|| panic!("LibreOffice dropped the chart: {names:?}"))
                .clone();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(&chart).expect("chart"), &mut xml)
                .expect("read");
            assert!(xml.contains("stacked"), "still a stacked chart");
            assert!(xml.contains(summary::CHART_TITLE), "title kept");
        }
    }

    #[test]
    fn offline_workbook_opens_in_libreoffice() {
        let o = offline::OfflineProgress {
            plan_id: 3,
            plan_title: "2021年政务公开工作要点".into(),
            division_id: 12,
            division: "法规宣传处".into(),
            period: "2021-Q3".into(),
            period_due: d(2021, 9, 30),
            rows: vec![offline::OfflineRow {
                item_id: 101,
                number: "1".into(),
                task: "做好政策解读".into(),
                requirement: "重要政策同步解读".into(),
                deadline_raw: "全年".into(),
                status: "正常推进".into(),
                progress: "已发布解读5篇".into(),
                completes_item: false,
                version: Some(2),
                report_state: Some(workplan::domain::lifecycle::ReportState::Draft),
            }],
        };
        let bytes = offline::workbook(&o).expect("offline");
        super::opens_in_libreoffice(&bytes, "offline.xlsx");
        // Saved again by LibreOffice (its own shared strings, styles, float ids), it is
        // still recognised and reads back the same.
        if let Some(saved) = super::resaved_by_libreoffice(&bytes, "offline.xlsx") {
            let up = offline::read(&saved).expect("reads back");
            assert_eq!((up.plan_id, up.division_id), (3, 12));
            assert_eq!(up.period, "2021-Q3");
            assert_eq!(up.rows.len(), 1);
            assert_eq!(up.rows[0].item_id, Some(101));
            assert_eq!(up.rows[0].progress, "已发布解读5篇");
            assert!(!up.rows[0].completes_item);
            assert_eq!(up.rows[0].problem, None);
        }
    }
}

mod annual_report {
    //! The annual report's .docx as Writer reads it, and its workbook as Calc reads it.

    use workplan::export::annual_report::{
        self, CellKind, GridCell, ReportDoc, ReportPart, ReportTable,
    };

    fn cell(text: &str, col_span: u16, row_span: u16, kind: CellKind) -> GridCell {
        GridCell {
            text: text.into(),
            col_span,
            row_span,
            kind,
        }
    }

    fn h(text: &str, col_span: u16, row_span: u16) -> GridCell {
        cell(text, col_span, row_span, CellKind::Header)
    }

    fn l(text: &str, col_span: u16, row_span: u16) -> GridCell {
        cell(text, col_span, row_span, CellKind::Label)
    }

    fn row(labels: Vec<GridCell>, values: [u32; 7]) -> Vec<GridCell> {
        let mut r = labels;
        r.extend(
            values
                .iter()
                .map(|n| cell(&n.to_string(), 1, 1, CellKind::Value)),
        );
        r
    }

    /// Table 三 of the 2021 form, its header in full and the body cut to the rows that
    /// show every kind of span.
    fn applications() -> ReportTable {
        let sub = |t: &str| l(t, 1, 1);
        ReportTable {
            caption: String::new(),
            columns: 10,
            header: vec![
                vec![
                    h(
                        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                        3,
                        3,
                    ),
                    h("申请人情况", 7, 1),
                ],
                vec![
                    h("自然人", 1, 2),
                    h("法人或其他组织", 5, 1),
                    h("总计", 1, 2),
                ],
                [
                    "商业企业",
                    "科研机构",
                    "社会公益组织",
                    "法律服务机构",
                    "其他",
                ]
                .iter()
                .map(|t| h(t, 1, 1))
                .collect(),
            ],
            body: vec![
                row(
                    vec![l("一、本年新收政府信息公开申请数量", 3, 1)],
                    [40, 3, 0, 0, 1, 0, 44],
                ),
                row(
                    vec![l("二、上年结转政府信息公开申请数量", 3, 1)],
                    [2, 0, 0, 0, 0, 0, 2],
                ),
                row(
                    vec![l("三、本年度办理结果", 1, 6), l("（一）予以公开", 2, 1)],
                    [33, 1, 0, 0, 0, 0, 34],
                ),
                row(
                    vec![l(
                        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                        2,
                        1,
                    )],
                    [5, 0, 0, 0, 1, 0, 6],
                ),
                row(
                    vec![l("（三）不予公开", 1, 3), sub("1.属于国家秘密")],
                    [1, 0, 0, 0, 0, 0, 1],
                ),
                row(vec![sub("2.其他法律行政法规禁止公开")], [0; 7]),
                row(vec![sub("3.危及“三安全一稳定”")], [1, 1, 0, 0, 0, 0, 2]),
                row(vec![l("（七）总计", 2, 1)], [40, 2, 0, 0, 1, 0, 43]),
                row(
                    vec![l("四、结转下年度继续办理", 3, 1)],
                    [2, 1, 0, 0, 0, 0, 3],
                ),
            ],
            totals: vec![],
        }
    }

    fn report() -> ReportDoc {
        let part = |number: &str, title: &str, text: &str, tables| ReportPart {
            number: number.into(),
            title: title.into(),
            text: text.into(),
            tables,
        };
        ReportDoc {
            title: "广州市体育局2021年政府信息公开工作年度报告".into(),
            subtitle: String::new(),
            parts: vec![
                part(
                    "一",
                    "总体情况",
                    "2021年，我局认真贯彻落实《中华人民共和国政府信息公开条例》。\n我局依申请公开办理答复46件，均在法定期限内答复。",
                    vec![],
                ),
                part(
                    "二",
                    "主动公开政府信息情况",
                    "",
                    vec![ReportTable {
                        caption: "第二十条第（八）项".into(),
                        columns: 2,
                        header: vec![vec![
                            h("信息内容", 1, 1),
                            h("本年收费金额（单位：万元）", 1, 1),
                        ]],
                        body: vec![vec![
                            l("行政事业性收费", 1, 1),
                            cell("12.35", 1, 1, CellKind::Value),
                        ]],
                        totals: vec![],
                    }],
                ),
                part("三", "收到和处理政府信息公开申请情况", "", vec![applications()]),
                part("六", "其他需要报告的事项", "本年度未收取信息处理费。", vec![]),
            ],
            draft: true,
        }
    }

    #[test]
    fn report_docx_converts_to_pdf_and_reads_as_text() {
        let bytes = annual_report::docx(&report()).expect("docx");
        super::converts_to_pdf(&bytes, "annual-report.docx");
        let Some(text) = super::text_by_libreoffice(&bytes, "annual-report.docx") else {
            return;
        };
        for needle in [
            "广州市体育局2021年政府信息公开工作年度报告",
            "一、总体情况",
            "我局依申请公开办理答复46件",
            "三、收到和处理政府信息公开申请情况",
            "第二十条第（八）项",
            "12.35",
            "申请人情况",
            "法人或其他组织",
            "三、本年度办理结果",
            "3.危及“三安全一稳定”",
            "43",
        ] {
            assert!(
                text.contains(needle),
                "{needle:?} in LibreOffice's text:\n{text}"
            );
        }
        // The values of a row stay in their order after their label.
        let total = text.find("（七）总计").expect("（七）总计");
        let after = &text[total..];
        let p40 = after.find("40").expect("40");
        let p43 = after.find("43").expect("43");
        assert!(p40 < p43, "{after}");
    }

    #[test]
    fn report_workbook_opens_in_libreoffice() {
        let bytes = annual_report::xlsx(&report()).expect("xlsx");
        super::opens_in_libreoffice(&bytes, "annual-report.xlsx");
    }
}
