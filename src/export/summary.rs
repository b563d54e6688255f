//! The division summary (处室汇总) as an .xlsx workbook: one row per division, a total
//! row, and a native stacked column chart of how each division's items stand.

use chrono::NaiveDate;
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartSolidFill, ChartType, Color, Formula, Workbook,
    XlsxError,
};

use super::sheet::{self, Column, FIRST_BODY_ROW, HEADER_ROW};
use crate::domain::standing::Tally;

/// Name of the table's worksheet.
pub const SHEET: &str = "处室汇总";
/// Name of the chart's worksheet.
pub const CHART_SHEET: &str = "图表";
/// Title of the chart.
pub const CHART_TITLE: &str = "各处室事项完成情况";

/// The per-division figures of a plan, already counted.
#[derive(Debug, Clone, PartialEq)]
pub struct DivisionSummary {
    /// The plan's title.
    pub plan_title: String,
    /// The day the figures are as of.
    pub as_of: NaiveDate,
    /// One row per division, in the order to show.
    pub rows: Vec<SummaryRow>,
}

/// One division's figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SummaryRow {
    /// The division's name.
    pub division: String,
    /// Items it leads.
    pub led: usize,
    /// Items it supports.
    pub supported: usize,
    /// Led items by standing (domain::standing): adds up to `led`.
    pub items: Tally,
    /// Period reports submitted by their due date.
    pub reports_on_time: usize,
    /// Period reports submitted after their due date.
    pub reports_late: usize,
    /// Evidence files and links attached.
    pub evidence: usize,
}

const HEADERS: [&str; 13] = [
    "处室",
    "牵头事项",
    "配合事项",
    "按时完成",
    "逾期完成",
    "未完成",
    "推进中",
    "待上级部署",
    "不再适用",
    "完成率",
    "按时报送",
    "逾期报送",
    "佐证材料",
];
/// Column of 完成率, the one computed cell of a row.
const RATE_COL: u16 = 9;
/// The chart's series, one per standing: column and fill colour (green, amber, red, blue,
/// grey, light grey).
const SERIES: [(u16, u32); 6] = [
    (3, 0x70AD47),
    (4, 0xFFC000),
    (5, 0xC00000),
    (6, 0x5B9BD5),
    (7, 0x7F7F7F),
    (8, 0xBFBFBF),
];

/// Writes the summary workbook: sheet "处室汇总" with the table and total row, sheet
/// "图表" with the chart.
pub fn workbook(s: &DivisionSummary) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let columns: Vec<Column> = HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| Column::new(*h, if i == 0 { 20.0 } else { 11.0 }))
        .collect();
    let f = sheet::begin(
        ws,
        &format!("{} 处室汇总", s.plan_title),
        &format!(
            "截至 {}；完成率 =（按时完成 + 逾期完成）÷ 牵头事项",
            s.as_of
        ),
        &columns,
    )?;

    let n = u32::try_from(s.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    for (i, row) in s.rows.iter().enumerate() {
        let r = FIRST_BODY_ROW + i as u32;
        ws.write_string_with_format(r, 0, sheet::cell_text(&row.division), &f.text)?;
        for (c, v) in figures(row).iter().enumerate() {
            ws.write_number_with_format(r, column_after_rate(c), *v as f64, &f.number)?;
        }
        let rate = completion_rate(row.items.done(), row.led);
        ws.write_formula_with_format(r, RATE_COL, rate_formula(r, rate), &f.percent)?;
    }

    // 合计: SUM formulas so edits to the table carry through; cached values so readers
    // that do not calculate (calamine, previews) see the same numbers.
    let total_row = FIRST_BODY_ROW + n;
    let bold = f.text.clone().set_bold();
    let bold_number = f.number.clone().set_bold();
    ws.write_string_with_format(total_row, 0, "合计", &bold)?;
    let mut total = SummaryRow::default();
    for row in &s.rows {
        total.led += row.led;
        total.supported += row.supported;
        total.items = total.items.plus(&row.items);
        total.reports_on_time += row.reports_on_time;
        total.reports_late += row.reports_late;
        total.evidence += row.evidence;
    }
    for (c, v) in figures(&total).iter().enumerate() {
        let col = column_after_rate(c);
        let formula = if n == 0 {
            Formula::new("0")
        } else {
            let letter = rust_xlsxwriter::utility::column_number_to_name(col);
            Formula::new(format!(
                "SUM({letter}{}:{letter}{})",
                FIRST_BODY_ROW + 1,
                total_row
            ))
        };
        ws.write_formula_with_format(
            total_row,
            col,
            formula.set_result(v.to_string()),
            &bold_number,
        )?;
    }
    let rate = completion_rate(total.items.done(), total.led);
    ws.write_formula_with_format(
        total_row,
        RATE_COL,
        rate_formula(total_row, rate),
        &f.percent.clone().set_bold(),
    )?;
    // The filter covers the divisions only, so sorting never moves 合计 into the middle.
    sheet::finish(ws, HEADERS.len(), n)?;

    // With no division there is nothing to draw, and a chart over no rows would show 合计.
    if n > 0 {
        let cs = wb.add_worksheet();
        cs.set_name(CHART_SHEET)?;
        sheet::print_setup(cs);
        // The chart is one page: never split across two.
        cs.set_print_fit_to_pages(1, 1);
        cs.insert_chart(0, 0, &chart(n))?;
    }
    wb.save_to_buffer()
}

/// The stacked column chart over the `n` (at least 1) division rows, not 合计.
fn chart(n: u32) -> Chart {
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name(CHART_TITLE);
    let (first, last) = (FIRST_BODY_ROW, FIRST_BODY_ROW + n - 1);
    for (col, rgb) in SERIES {
        chart
            .add_series()
            .set_name((SHEET, HEADER_ROW, col))
            .set_categories((SHEET, first, 0, last, 0))
            .set_values((SHEET, first, col, last, col))
            .set_format(
                ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(rgb))),
            )
            .set_gap(60);
    }
    chart.y_axis().set_name("事项数").set_num_format("0");
    chart.legend().set_position(ChartLegendPosition::Bottom);
    // Wide enough that 30 division names stay legible under their columns.
    chart.set_width(720.max(48 * n).min(2400));
    chart.set_height(480);
    chart
}

/// The eleven plain figures of a row, in column order without 完成率.
fn figures(r: &SummaryRow) -> [usize; 11] {
    [
        r.led,
        r.supported,
        r.items.done_on_time,
        r.items.done_late,
        r.items.not_done,
        r.items.in_progress,
        r.items.waiting_on_higher_authority,
        r.items.not_applicable,
        r.reports_on_time,
        r.reports_late,
        r.evidence,
    ]
}

/// The sheet column of the `i`-th figure: 1..=8, then after 完成率 10..=12.
fn column_after_rate(i: usize) -> u16 {
    let c = 1 + i as u16;
    if c >= RATE_COL {
        c + 1
    } else {
        c
    }
}

/// Completed ÷ led, 0 when the division leads nothing.
pub fn completion_rate(completed: usize, led: usize) -> f64 {
    if led == 0 {
        0.0
    } else {
        completed as f64 / led as f64
    }
}

fn rate_formula(row: u32, cached: f64) -> Formula {
    let r = row + 1; // Excel's 1-based row in A1 references
    Formula::new(format!("IF(B{r}=0,0,(D{r}+E{r})/B{r})")).set_result(cached.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, DataType, Reader, Xlsx};
    use std::io::{Cursor, Read};

    fn sample() -> DivisionSummary {
        DivisionSummary {
            plan_title: "2021年政务公开工作要点".into(),
            as_of: NaiveDate::from_ymd_opt(2021, 10, 8).expect("date"),
            rows: vec![
                SummaryRow {
                    division: "办公室".into(),
                    led: 4,
                    supported: 2,
                    items: Tally {
                        done_on_time: 2,
                        done_late: 1,
                        in_progress: 1,
                        ..Tally::default()
                    },
                    reports_on_time: 3,
                    reports_late: 1,
                    evidence: 7,
                },
                SummaryRow {
                    division: "法规宣传处".into(),
                    led: 2,
                    supported: 5,
                    items: Tally {
                        not_done: 1,
                        waiting_on_higher_authority: 1,
                        ..Tally::default()
                    },
                    reports_on_time: 1,
                    reports_late: 0,
                    evidence: 1,
                },
                SummaryRow {
                    division: "计划财务处".into(),
                    supported: 3,
                    ..SummaryRow::default()
                },
            ],
        }
    }

    #[test]
    fn summary_table_has_headers_rates_and_total_row() {
        let bytes = workbook(&sample()).expect("xlsx");
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
        assert_eq!(x.sheet_names(), vec![SHEET.to_string(), CHART_SHEET.into()]);
        let r = x.worksheet_range(SHEET).expect("sheet");
        let v = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
        let headers: Vec<String> = (0..13).map(|c| v(2, c).to_string()).collect();
        assert_eq!(headers, HEADERS);
        assert_eq!(v(3, 0), Data::String("办公室".into()));
        // 完成率 is a formula whose cached value readers without a calculator see.
        assert_eq!(v(3, 9).as_f64(), Some(0.75));
        assert_eq!(v(4, 9).as_f64(), Some(0.0));
        assert_eq!(v(5, 9).as_f64(), Some(0.0), "led 0 gives 0, not #DIV/0!");
        assert_eq!(v(6, 0), Data::String("合计".into()));
        let total: Vec<f64> = (1..13).filter_map(|c| v(6, c).as_f64()).collect();
        assert_eq!(
            total,
            [6.0, 10.0, 2.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.5, 4.0, 1.0, 8.0],
            "合计 of every column; 完成率 (2+1)/6"
        );
        for row in 3..=6 {
            let by_standing: f64 = (3..9).filter_map(|c| v(row, c).as_f64()).sum();
            assert_eq!(
                Some(by_standing),
                v(row, 1).as_f64(),
                "row {row} adds up to 牵头事项"
            );
        }
        assert_eq!(r.end().map(|(row, _)| row), Some(6), "nothing below 合计");
        let formulas = x.worksheet_formula(SHEET).expect("formulas");
        assert_eq!(
            formulas.get_value((6, 1)).map(String::as_str),
            Some("SUM(B4:B6)")
        );
    }

    #[test]
    fn summary_contains_a_stacked_column_chart_over_the_divisions() {
        let bytes = workbook(&sample()).expect("xlsx");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut xml = String::new();
        zip.by_name("xl/charts/chart1.xml")
            .expect("chart part")
            .read_to_string(&mut xml)
            .expect("read");
        assert!(xml.contains(r#"<c:grouping val="stacked"/>"#), "stacked");
        assert!(xml.contains("<c:barDir val=\"col\"/>"), "columns");
        assert!(xml.contains(CHART_TITLE));
        // A series per standing over the three divisions, 合计 (row 7) left out.
        assert_eq!(xml.matches("<c:ser>").count(), 6);
        assert!(xml.contains("处室汇总!$A$4:$A$6"), "{xml}");
        assert!(!xml.contains("$A$7"));
    }

    #[test]
    fn an_empty_summary_still_writes() {
        let mut s = sample();
        s.rows.clear();
        let bytes = workbook(&s).expect("xlsx");
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx");
        assert_eq!(x.sheet_names(), vec![SHEET.to_string()], "no empty chart");
        let r = x.worksheet_range(SHEET).expect("sheet");
        assert_eq!(r.get_value((3, 0)), Some(&Data::String("合计".into())));
        assert_eq!(r.get_value((3, 1)).and_then(|d| d.as_f64()), Some(0.0));
    }
}
