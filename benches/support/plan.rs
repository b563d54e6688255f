//! The 10,000-row plan the import benchmarks read, and what calamine alone does with it.
// Each benchmark that includes this file uses part of it.
#![allow(dead_code)]

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Reader, Sheets};
use rust_xlsxwriter::{Format, Workbook};

/// How many items the benchmark plan has.
pub const ROWS: usize = 10_000;

/// A plan laid out like the agencies' own: title, header, section rows merged across,
/// task cells merged over the requirements under them, numbers inside the requirements.
pub fn make_plan(rows: usize) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let wrap = Format::new().set_text_wrap();
    let phrases = [
        "全年",
        "9月前",
        "3月31日前",
        "根据市政务公开办的统一部署",
        "年底前",
        "每季度",
        "长期坚持",
        "",
    ];
    let divisions = [
        "办公室",
        "法规宣传处，各有关处室",
        "办公室、法规宣传处，文件起草处室",
        "体育产业处（保卫处）",
        "计划财务处，局属各单位",
    ];
    let mut r: u32 = 0;
    let write = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, s: &str| {
        ws.write_string_with_format(r, c, s, &wrap).expect("write");
    };
    ws.merge_range(0, 0, 0, 3, "某局2021年政务公开工作要点具体分工方案", &wrap)
        .expect("merge");
    r += 1;
    for (c, h) in ["工作任务", "具体要求", "责任处室", "完成时限"]
        .iter()
        .enumerate()
    {
        write(ws, r, c as u16, h);
    }
    r += 1;
    let mut n = 0;
    while n < rows {
        if n % 60 == 0 {
            ws.merge_range(
                r,
                0,
                r,
                3,
                &format!("{}、第{}部分工作", "一", n / 60 + 1),
                &wrap,
            )
            .expect("merge");
            r += 1;
        }
        let group = 3.min(rows - n);
        let task = format!("(一) 做好第{}组工作。", n / 3 + 1);
        if group > 1 {
            ws.merge_range(r, 0, r + group as u32 - 1, 0, &task, &wrap)
                .expect("merge");
        } else {
            write(ws, r, 0, &task);
        }
        for _ in 0..group {
            n += 1;
            write(ws, r, 1, &format!("{n}. 按照要求做好相关信息公开工作，每年至少开展培训2次，确保内容准确、更新及时。"));
            write(ws, r, 2, divisions[n % divisions.len()]);
            write(ws, r, 3, phrases[n % phrases.len()]);
            r += 1;
        }
    }
    write(ws, r, 0, "备注：本表据上级分工方案整理。");
    wb.save_to_buffer().expect("xlsx")
}

/// Opens the workbook and reads every sheet's cells and merged regions: the baseline.
pub fn calamine_read(bytes: &[u8]) -> usize {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).expect("open");
    let mut cells = 0;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("range");
        cells += range.get_size().0 * range.get_size().1;
        if let Sheets::Xlsx(x) = &mut wb {
            cells += x.merge_cells_by_sheet_name(&name).expect("merges").len();
        }
    }
    cells
}
