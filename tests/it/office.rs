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
                    section: "一、加强政策解读".into(),
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
                    evidence_names: vec!["解读清单.xlsx".into(), "局网站解读专栏".into()],
                },
                ledger::LedgerRow {
                    section: String::new(),
                    plan_cells: vec!["2".into(), "更新公开目录".into()],
                    status: "已逾期".into(),
                    due: Some(d(2021, 6, 30)),
                    completed_on: None,
                    progress: vec![String::new(), "正在梳理".into()],
                    evidence_names: vec![],
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
            done_on_time: on_time,
            done_late: late,
            overdue,
            open: led - on_time - late - overdue,
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
