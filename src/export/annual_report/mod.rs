//! The annual disclosure report (政府信息公开工作年度报告) as it is printed: a .docx in the
//! official layout (GB/T 9704 page, fonts and line spacing) and its tables as an .xlsx
//! workbook, one sheet per table.
//!
//! Here are the report's document model and its grid placement, which both writers share;
//! `docx.rs` writes the Word file and `xlsx.rs` the workbook.

mod docx;
mod xlsx;

pub use docx::docx;
pub use xlsx::xlsx;

use super::sheet;

/// The report as it is printed: title, then the six parts in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportDoc {
    /// e.g. "广州市体育局2021年政府信息公开工作年度报告".
    pub title: String,
    /// A line under the title, e.g. "（2021年度）" or "" for none.
    pub subtitle: String,
    /// The parts 一 … 六, in order.
    pub parts: Vec<ReportPart>,
    /// Not yet finalised: every page of the Word file carries 草稿 in its header.
    pub draft: bool,
}

/// One numbered part of the report: heading, text, then its tables.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPart {
    /// "一" … "六".
    pub number: String,
    /// e.g. "总体情况".
    pub title: String,
    /// Paragraphs of text before any tables (split on '\n' by the writer; empty lines dropped).
    pub text: String,
    /// The part's tables, in order.
    pub tables: Vec<ReportTable>,
}

/// A table laid out like the printed form: header rows with merged cells, then body rows
/// whose first cells are row labels (which may span several rows), then the values.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTable {
    /// Shown above the table, e.g. "（一）主动公开政府信息情况"; may be "".
    pub caption: String,
    /// Total number of grid columns (label columns + value columns).
    pub columns: u16,
    /// Header rows, top to bottom.
    pub header: Vec<Vec<GridCell>>,
    /// Body rows, top to bottom.
    pub body: Vec<Vec<GridCell>>,
    /// Cells that are the sum of others, which the workbook keeps as formulas.
    pub totals: Vec<Total>,
}

/// A total: the cell at `cell` is the sum of the cells at `of`. Positions are (row, grid
/// column) with header and body rows numbered together, as [`ReportTable::position`] gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    /// Where the total is.
    pub cell: (usize, usize),
    /// What it adds up.
    pub of: Vec<(usize, usize)>,
}

impl ReportTable {
    /// The grid position (row, column) of the `index`-th cell of body row `row`, header rows
    /// counted first; None if there is no such cell or the table does not lay out.
    pub fn position(&self, row: usize, index: usize) -> Option<(usize, usize)> {
        let placed = layout(&self.body, self.columns).ok()?;
        let (r, c) = *placed.get(row)?.get(index)?;
        Some((self.header.len() + usize::from(r), usize::from(c)))
    }
}

/// One cell of the grid. Cells covered by another cell's span are simply not listed:
/// each row lists its cells left to right, and the writer works out the grid positions
/// from the spans of the rows above (as HTML tables do).
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    /// The text shown; '\n' breaks the line.
    pub text: String,
    /// Columns covered (0 counts as 1).
    pub col_span: u16,
    /// Rows covered (0 counts as 1).
    pub row_span: u16,
    /// Header or row label (bold in headers, centred), or a value (right-aligned number).
    pub kind: CellKind,
}

/// What a grid cell is, which decides its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A column header: bold, centred, grey in the workbook.
    Header,
    /// A row label: centred.
    Label,
    /// A figure: right-aligned, a number in the workbook when it reads as one.
    Value,
}

/// Why a report file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum AnnualReportError {
    /// A cell reaches past the table's last column.
    #[error("年度报告表格有误：第{row}行第{cell}个单元格超出了表格的{columns}列")]
    RowOverflow {
        /// Row, counted from 1 within the header or the body.
        row: usize,
        /// Cell within the row, counted from 1.
        cell: usize,
        /// The table's column count.
        columns: u16,
    },
    /// A cell lands on a position a cell above already covers by spanning down.
    #[error("年度报告表格有误：第{row}行第{cell}个单元格与上方跨行的单元格重叠")]
    Overlap {
        /// Row, counted from 1 within the header or the body.
        row: usize,
        /// Cell within the row, counted from 1.
        cell: usize,
    },
    /// A cell spans down past the last row of the header or the body.
    #[error("年度报告表格有误：第{row}行第{cell}个单元格向下跨{row_span}行，超出了表格末行")]
    RowSpanPastEnd {
        /// Row, counted from 1 within the header or the body.
        row: usize,
        /// Cell within the row, counted from 1.
        cell: usize,
        /// The cell's row span.
        row_span: u16,
    },
    /// More rows than a grid position can number.
    #[error("年度报告表格行数过多（{rows}行）")]
    TooManyRows {
        /// The number of rows given.
        rows: usize,
    },
    /// The zip container could not be written.
    #[error("生成 Word 文件失败（压缩出错：{0}）")]
    Zip(#[from] zip::result::ZipError),
    /// Writing into the zip failed.
    #[error("生成 Word 文件失败（写入出错：{0}）")]
    Io(#[from] std::io::Error),
}

/// The grid positions of a table's cells (row, col) after resolving spans, for tests and for both writers.
pub fn layout(
    rows: &[Vec<GridCell>],
    columns: u16,
) -> Result<Vec<Vec<(u16, u16)>>, AnnualReportError> {
    if u16::try_from(rows.len()).is_err() {
        return Err(AnnualReportError::TooManyRows { rows: rows.len() });
    }
    let width = usize::from(columns);
    // Positions already covered, by cells of this row to the left or of rows above.
    let mut taken = vec![vec![false; width]; rows.len()];
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        let mut line = Vec::with_capacity(row.len());
        for (i, cell) in row.iter().enumerate() {
            while c < width && taken[r][c] {
                c += 1;
            }
            let (rs, cs) = (span(cell.row_span), span(cell.col_span));
            if c + cs > width {
                return Err(AnnualReportError::RowOverflow {
                    row: r + 1,
                    cell: i + 1,
                    columns,
                });
            }
            if r + rs > rows.len() {
                return Err(AnnualReportError::RowSpanPastEnd {
                    row: r + 1,
                    cell: i + 1,
                    row_span: cell.row_span,
                });
            }
            // A wide cell may run into a column a cell above holds down.
            if taken[r][c..c + cs].iter().any(|t| *t) {
                return Err(AnnualReportError::Overlap {
                    row: r + 1,
                    cell: i + 1,
                });
            }
            for line in &mut taken[r..r + rs] {
                line[c..c + cs].fill(true);
            }
            // Both fit in u16: r < rows.len() (checked above) and c < columns.
            line.push((r as u16, c as u16));
            c += cs;
        }
        out.push(line);
    }
    Ok(out)
}

/// A span as a count, with 0 read as 1 so a forgotten span never hides a cell.
fn span(n: u16) -> usize {
    usize::from(n.max(1))
}

/// A cell placed on its table's grid (header and body rows numbered together).
struct Placed<'a> {
    cell: &'a GridCell,
    row: usize,
    col: usize,
    rows: usize,
    cols: usize,
}

/// A table's cells on its grid, and which cell covers each position.
struct Grid<'a> {
    columns: usize,
    header_rows: usize,
    /// The cells of each row as the data lists them.
    rows: Vec<Vec<Placed<'a>>>,
    /// For each grid position, (row, index in that row) of the cell covering it.
    owner: Vec<Vec<Option<(usize, usize)>>>,
}

/// Places header and body separately: like HTML's thead and tbody, a span never crosses
/// from one into the other.
fn place(t: &ReportTable) -> Result<Grid<'_>, AnnualReportError> {
    let columns = usize::from(t.columns);
    let mut rows: Vec<Vec<Placed<'_>>> = Vec::with_capacity(t.header.len() + t.body.len());
    for (offset, group) in [(0, &t.header), (t.header.len(), &t.body)] {
        let positions = layout(group, t.columns)?;
        for (line, cells) in positions.iter().zip(group) {
            rows.push(
                line.iter()
                    .zip(cells)
                    .map(|(&(r, c), cell)| Placed {
                        cell,
                        row: offset + usize::from(r),
                        col: usize::from(c),
                        rows: span(cell.row_span),
                        cols: span(cell.col_span),
                    })
                    .collect(),
            );
        }
    }
    let mut owner = vec![vec![None; columns]; rows.len()];
    for (r, line) in rows.iter().enumerate() {
        for (i, p) in line.iter().enumerate() {
            for covered in &mut owner[p.row..p.row + p.rows] {
                covered[p.col..p.col + p.cols].fill(Some((r, i)));
            }
        }
    }
    Ok(Grid {
        columns,
        header_rows: t.header.len(),
        rows,
        owner,
    })
}

/// Column widths in Excel character units, from the single-column cells' texts: a cell
/// spanning n rows may wrap onto n lines, so it needs only 1/n of its width, except a short
/// row label, which stays on one line. Label columns
/// are at least 5 Chinese characters wide and may grow wider than value columns.
fn column_widths(g: &Grid<'_>) -> Vec<f64> {
    let mut need = vec![0usize; g.columns];
    let mut label = vec![false; g.columns];
    for p in g.rows.iter().flatten() {
        if p.cell.kind == CellKind::Label {
            label[p.col..p.col + p.cols].fill(true);
        }
        if p.cols == 1 {
            let w = sheet::text_width(&p.cell.text);
            // A short label stays on one line however many rows it spans: "（三）不予公开"
            // broken after 5 characters reads as two labels.
            let w = if p.cell.kind == CellKind::Label && w <= 16 {
                w
            } else {
                w.div_ceil(p.rows)
            };
            need[p.col] = need[p.col].max(w);
        }
    }
    need.iter()
        .zip(&label)
        .map(|(&n, &is_label)| {
            let (min, max) = if is_label { (10, 40) } else { (8, 14) };
            (n + 2).clamp(min, max) as f64
        })
        .collect()
}

/// A table's caption as printed: none when it only repeats its part's title (the heading
/// above already says it).
fn caption<'a>(part: &ReportPart, t: &'a ReportTable) -> Option<&'a str> {
    let c = t.caption.trim();
    (!c.is_empty() && c != part.title.trim() && c != heading(part)).then_some(c)
}

/// The heading of a part as printed, e.g. "一、总体情况".
fn heading(part: &ReportPart) -> String {
    match (part.number.trim(), part.title.trim()) {
        ("", title) => title.to_string(),
        (number, "") => number.to_string(),
        (number, title) => format!("{number}、{title}"),
    }
}

#[cfg(test)]
mod tests {
    //! The layout's tests, and the sample report every writer's tests use.

    use super::*;
    use std::io::{Cursor, Read};

    fn cell(text: &str, col_span: u16, row_span: u16, kind: CellKind) -> GridCell {
        GridCell {
            text: text.into(),
            col_span,
            row_span,
            kind,
        }
    }

    pub(super) fn h(text: &str, col_span: u16, row_span: u16) -> GridCell {
        cell(text, col_span, row_span, CellKind::Header)
    }

    pub(super) fn l(text: &str, col_span: u16, row_span: u16) -> GridCell {
        cell(text, col_span, row_span, CellKind::Label)
    }

    pub(super) fn v(text: &str) -> GridCell {
        cell(text, 1, 1, CellKind::Value)
    }

    /// Label cells followed by one value cell per number.
    fn row(labels: Vec<GridCell>, values: [u32; 7]) -> Vec<GridCell> {
        let mut r = labels;
        r.extend(values.iter().map(|n| v(&n.to_string())));
        r
    }

    /// Table 三 of the State Council's 2021 form, with figures that hold together
    /// (received + carried over = handled + carried forward, in each column).
    pub(super) fn applications() -> ReportTable {
        let header = vec![
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
        ];
        let sub = |t: &str| l(t, 1, 1);
        let zero = [0; 7];
        let body = vec![
            row(
                vec![l("一、本年新收政府信息公开申请数量", 3, 1)],
                [40, 3, 0, 0, 1, 0, 44],
            ),
            row(
                vec![l("二、上年结转政府信息公开申请数量", 3, 1)],
                [2, 0, 0, 0, 0, 0, 2],
            ),
            row(
                vec![l("三、本年度办理结果", 1, 22), l("（一）予以公开", 2, 1)],
                [20, 1, 0, 0, 0, 0, 21],
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
                vec![l("（三）不予公开", 1, 8), sub("1.属于国家秘密")],
                [1, 0, 0, 0, 0, 0, 1],
            ),
            row(vec![sub("2.其他法律行政法规禁止公开")], zero),
            row(vec![sub("3.危及“三安全一稳定”")], zero),
            row(vec![sub("4.保护第三方合法权益")], [1, 0, 0, 0, 0, 0, 1]),
            row(vec![sub("5.属于三类内部事务信息")], zero),
            row(vec![sub("6.属于四类过程性信息")], [1, 0, 0, 0, 0, 0, 1]),
            row(vec![sub("7.属于行政执法案卷")], zero),
            row(vec![sub("8.属于行政查询事项")], zero),
            row(
                vec![l("（四）无法提供", 1, 3), sub("1.本机关不掌握相关政府信息")],
                [8, 1, 0, 0, 0, 0, 9],
            ),
            row(
                vec![sub("2.没有现成信息需要另行制作")],
                [1, 0, 0, 0, 0, 0, 1],
            ),
            row(vec![sub("3.补正后申请内容仍不明确")], zero),
            row(
                vec![l("（五）不予处理", 1, 5), sub("1.信访举报投诉类申请")],
                [1, 0, 0, 0, 0, 0, 1],
            ),
            row(vec![sub("2.重复申请")], [1, 0, 0, 0, 0, 0, 1]),
            row(vec![sub("3.要求提供公开出版物")], zero),
            row(vec![sub("4.无正当理由大量反复申请")], zero),
            row(vec![sub("5.要求行政机关确认或重新出具已获取信息")], zero),
            row(
                vec![
                    l("（六）其他处理", 1, 3),
                    sub("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                ],
                [1, 0, 0, 0, 0, 0, 1],
            ),
            row(
                vec![sub(
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                )],
                zero,
            ),
            row(vec![sub("3.其他")], zero),
            row(vec![l("（七）总计", 2, 1)], [40, 2, 0, 0, 1, 0, 43]),
            row(
                vec![l("四、结转下年度继续办理", 3, 1)],
                [2, 1, 0, 0, 0, 0, 3],
            ),
        ];
        let mut t = ReportTable {
            caption: "收到和处理政府信息公开申请情况".into(),
            columns: 10,
            header,
            body,
            totals: Vec::new(),
        };
        // 总计 = 自然人 + the five kinds of organisation, in rows 一 and 二; （七）总计 of
        // 自然人 = the 21 results above it.
        for r in 0..2 {
            t.totals.push(Total {
                cell: (3 + r, 9),
                of: (3..9).map(|c| (3 + r, c)).collect(),
            });
        }
        t.totals.push(Total {
            cell: (3 + 23, 3),
            of: (3 + 2..3 + 23).map(|r| (r, 3)).collect(),
        });
        t
    }

    pub(super) fn sample() -> ReportDoc {
        let part = |number: &str, title: &str, text: &str, tables| ReportPart {
            number: number.into(),
            title: title.into(),
            text: text.into(),
            tables,
        };
        // Table 二 as the 2021 form prints it: one grid, a title row per 第二十条 group.
        let group = |t: &str| vec![h(t, 4, 1)];
        let wide = |t: &str| cell(t, 3, 1, CellKind::Value);
        let active = ReportTable {
            caption: "主动公开政府信息情况".into(),
            columns: 4,
            header: vec![],
            body: vec![
                group("第二十条第（一）项"),
                vec![
                    h("信息内容", 1, 1),
                    h("本年制发件数", 1, 1),
                    h("本年废止件数", 1, 1),
                    h("现行有效件数", 1, 1),
                ],
                vec![l("规章", 1, 1), v("0"), v("0"), v("3")],
                // Not yet filled in: a blank, not a zero.
                vec![l("行政规范性文件", 1, 1), v("2"), v("1"), v("")],
                group("第二十条第（五）项"),
                vec![h("信息内容", 1, 1), h("本年处理决定数量", 3, 1)],
                vec![l("行政许可", 1, 1), wide("1280")],
                group("第二十条第（八）项"),
                vec![h("信息内容", 1, 1), h("本年收费金额（单位：万元）", 3, 1)],
                vec![l("行政事业性收费", 1, 1), wide("12.35")],
            ],
            totals: vec![],
        };
        ReportDoc {
            title: "广州市体育局2021年政府信息公开工作年度报告".into(),
            subtitle: "（2021年度）".into(),
            parts: vec![
                part(
                    "一",
                    "总体情况",
                    "2021年，我局认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息1024条。\n\n\u{3000}\u{3000}我局依申请公开办理答复46件，均在法定期限内答复。\r\n",
                    vec![],
                ),
                part(
                    "二",
                    "主动公开政府信息情况",
                    "",
                    vec![active],
                ),
                part(
                    "三",
                    "收到和处理政府信息公开申请情况",
                    "",
                    vec![applications()],
                ),
                part(
                    "五",
                    "存在的主要问题及改进情况",
                    "政策解读形式较为单一，下一步将增加图解、视频等解读形式。",
                    vec![],
                ),
                part("六", "其他需要报告的事项", "本年度未收取信息处理费。", vec![]),
            ],
            draft: true,
        }
    }

    pub(super) fn entry(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut s = String::new();
        zip.by_name(name)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
            .read_to_string(&mut s)
            .expect("utf8");
        s
    }

    #[test]
    fn layout_places_cells_after_the_spans_of_rows_above() {
        type Expected = Result<Vec<Vec<(u16, u16)>>, &'static str>;
        let cases: Vec<(&str, Vec<Vec<GridCell>>, u16, Expected)> = vec![
            (
                "plain 2×2",
                vec![vec![v("a"), v("b")], vec![v("c"), v("d")]],
                2,
                Ok(vec![vec![(0, 0), (0, 1)], vec![(1, 0), (1, 1)]]),
            ),
            (
                "span across",
                vec![vec![h("a", 2, 1)], vec![v("b"), v("c")]],
                2,
                Ok(vec![vec![(0, 0)], vec![(1, 0), (1, 1)]]),
            ),
            (
                "span down pushes the next row's cells right",
                vec![vec![l("a", 1, 2), v("b")], vec![v("c")]],
                2,
                Ok(vec![vec![(0, 0), (0, 1)], vec![(1, 1)]]),
            ),
            (
                "the header of table 三",
                applications().header,
                10,
                Ok(vec![
                    vec![(0, 0), (0, 3)],
                    vec![(1, 3), (1, 4), (1, 9)],
                    vec![(2, 4), (2, 5), (2, 6), (2, 7), (2, 8)],
                ]),
            ),
            (
                "nested label spans",
                vec![
                    vec![l("三", 1, 3), l("（三）", 1, 2), l("1.", 1, 1), v("1")],
                    vec![l("2.", 1, 1), v("2")],
                    vec![l("（四）", 2, 1), v("3")],
                ],
                4,
                Ok(vec![
                    vec![(0, 0), (0, 1), (0, 2), (0, 3)],
                    vec![(1, 2), (1, 3)],
                    vec![(2, 1), (2, 3)],
                ]),
            ),
            (
                "a short row leaves the rest empty; zero spans count as one",
                vec![vec![cell("a", 0, 0, CellKind::Value)], vec![v("b"), v("c")]],
                2,
                Ok(vec![vec![(0, 0)], vec![(1, 0), (1, 1)]]),
            ),
            (
                "a cell past the last column",
                vec![vec![h("a", 2, 1), v("b")]],
                2,
                Err("年度报告表格有误：第1行第2个单元格超出了表格的2列"),
            ),
            (
                "pushed past the last column by a span from above",
                vec![vec![l("a", 1, 2), v("b")], vec![v("c"), v("d")]],
                2,
                Err("年度报告表格有误：第2行第2个单元格超出了表格的2列"),
            ),
            (
                "a wide cell running into a span from above",
                vec![vec![v("a"), l("b", 1, 2), v("c")], vec![h("d", 2, 1)]],
                3,
                Err("年度报告表格有误：第2行第1个单元格与上方跨行的单元格重叠"),
            ),
            (
                "a span down past the last row",
                vec![vec![l("a", 1, 3), v("b")], vec![v("c")]],
                2,
                Err("年度报告表格有误：第1行第1个单元格向下跨3行，超出了表格末行"),
            ),
        ];
        for (name, rows, columns, expected) in cases {
            let got = layout(&rows, columns).map_err(|e| e.to_string());
            match expected {
                Ok(positions) => assert_eq!(got, Ok(positions), "{name}"),
                Err(message) => assert_eq!(got, Err(message.to_string()), "{name}"),
            }
        }
        let body = applications().body;
        let placed = layout(&body, 10).expect("table 三 body");
        assert_eq!(placed[2][0], (2, 0), "三、本年度办理结果");
        assert_eq!(placed[4][1], (4, 2), "1.属于国家秘密 right of （三）");
        assert_eq!(placed[5][0], (5, 2), "2.… under 1.");
        assert_eq!(placed[5][1], (5, 3), "its first value");
        assert_eq!(placed[23][0], (23, 1), "（七）总计 right of 三");
        assert_eq!(placed[24][0], (24, 0), "四、… back at the left");
        assert!(placed.iter().all(|r| r.last().map(|p| p.1) == Some(9)));
    }

    #[test]
    fn bad_tables_are_refused_with_a_chinese_message() {
        let mut d = sample();
        d.parts[2].tables[0].body[0].push(v("多余"));
        let e = docx(&d).expect_err("overflow");
        assert!(matches!(
            e,
            AnnualReportError::RowOverflow {
                row: 1,
                cell: 9,
                columns: 10
            }
        ));
        let e = xlsx(&d).expect_err("overflow");
        assert!(e.to_string().contains("超出了表格的10列"), "{e}");
    }
}
