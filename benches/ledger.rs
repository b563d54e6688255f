//! Ledger export speed: `ledger::workbook` for a 10,000-row ledger against rust_xlsxwriter
//! writing the same cells with no formatting logic.
//!
//! `cargo bench --bench ledger` prints both medians and their ratio (target: at most 1.5×).
//! The baseline writes exactly the cells the ledger's two sheets have (title, subtitle,
//! header, every body cell with the same strings, numbers and dates, the strings made before
//! timing) with one shared plain Format and saves to a buffer; the ledger also measures every
//! row's height. Both run in this process on the same data, alternately.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use workplan::export::ledger::{self, EvidenceEntry, Ledger, LedgerRow};

const ROWS: usize = 10_000;
const RUNS: usize = 7;

/// A ledger shaped like a real plan's: 5 plan columns, 4 quarters of progress, some items
/// done, some evidence, Chinese text of the usual lengths.
fn make_ledger(rows: usize) -> Ledger {
    let sections = [
        "一、深化重点领域信息公开 / （一）推进决策公开",
        "一、深化重点领域信息公开 / （二）加强政策解读",
        "二、提升政务公开质效 / （三）规范依申请公开",
        "三、强化保障措施",
    ];
    let divisions = [
        "办公室",
        "法规宣传处",
        "计划财务处，各有关处室",
        "体育产业处（保卫处）",
        "群众体育处",
    ];
    let deadlines = [
        "全年",
        "9月底前",
        "3月31日前",
        "年底前",
        "每季度",
        "长期坚持",
    ];
    let statuses = [
        "按时完成",
        "逾期完成",
        "已逾期",
        "正常推进",
        "长期推进",
        "即将到期",
    ];
    let start = NaiveDate::from_ymd_opt(2021, 1, 1).expect("date");
    let rows = (0..rows)
        .map(|i| {
            let due = start.checked_add_days(Days::new((i % 365) as u64));
            let done = i % 3 == 0;
            let requirement = format!(
                "{}. 按照要求做好相关信息公开工作，每年至少开展培训2次，确保内容准确、更新及时，主动回应社会关切。",
                i + 1
            );
            let task = format!("做好第{}项重点工作的信息公开", i / 3 + 1);
            let division = divisions[i % divisions.len()].to_string();
            let deadline = deadlines[i % deadlines.len()].to_string();
            LedgerRow {
                number: (i + 1).to_string(),
                section: sections[i / 60 % sections.len()].to_string(),
                plan_cells: vec![
                    (i + 1).to_string(),
                    task.clone(),
                    requirement.clone(),
                    division.clone(),
                    deadline.clone(),
                ],
                task,
                requirement,
                lead: division,
                support: if i % 4 == 0 { "办公室".into() } else { String::new() },
                deadline,
                status: statuses[i % statuses.len()].to_string(),
                due,
                completed_on: if done {
                    due.and_then(|d| d.checked_add_days(Days::new((i % 20) as u64)))
                } else {
                    None
                },
                progress: (0..4)
                    .map(|q| {
                        if (i + q) % 5 == 0 {
                            String::new()
                        } else {
                            format!(
                                "已按计划推进第{}项工作，发布相关信息{}条，组织专题培训1次，下一步将继续做好跟踪落实。",
                                i + 1,
                                (i + q) % 17 + 1
                            )
                        }
                    })
                    .collect(),
                contributions: (0..4)
                    .map(|q| {
                        if i % 4 == 0 && q % 2 == 0 {
                            "办公室：已配合审核发布内容。".to_string()
                        } else {
                            String::new()
                        }
                    })
                    .collect(),
                evidence: (0..i % 4)
                    .map(|k| EvidenceEntry {
                        name: format!("第{}项佐证材料{}.pdf", i + 1, k + 1),
                        address: (k == 2).then(|| format!("https://www.gz.gov.cn/zwgk/{i}.html")),
                    })
                    .collect(),
            }
        })
        .collect();
    Ledger {
        plan_title: "2021年政务公开工作要点".into(),
        as_of: NaiveDate::from_ymd_opt(2021, 10, 8).expect("date"),
        columns: ["序号", "工作任务", "具体要求", "责任处室", "完成时限"]
            .map(String::from)
            .to_vec(),
        periods: ["2021-Q1", "2021-Q2", "2021-Q3", "2021-Q4"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

fn excel_date(d: NaiveDate) -> ExcelDateTime {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).expect("date")
}

/// The ledger's cells as strings, made once before timing: the baseline only writes.
struct Cells {
    printed: Vec<[String; 10]>,
    parts: Vec<String>,
    evidence: Vec<String>,
}

fn cells(l: &Ledger) -> Cells {
    Cells {
        printed: l
            .rows
            .iter()
            .map(|r| ledger::print_cells(&l.periods, r))
            .collect(),
        parts: l
            .rows
            .iter()
            .map(|r| ledger::parts_text(&l.periods, &r.contributions))
            .collect(),
        evidence: l
            .rows
            .iter()
            .map(|r| ledger::evidence_text(&r.evidence))
            .collect(),
    }
}

/// The same cells as the ledger's two sheets, one plain format, nothing else.
fn baseline(l: &Ledger, cells: &Cells) -> Vec<u8> {
    let mut wb = Workbook::new();
    let plain = Format::new();
    let w = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, s: &str| {
        ws.write_string_with_format(r, c, s, &plain).expect("write");
    };
    let title = format!("{} 工作台账", l.plan_title);
    let subtitle = format!("截至 {}", l.as_of);

    let ws = wb.add_worksheet();
    w(ws, 0, 0, &title);
    w(ws, 1, 0, &subtitle);
    for (c, h) in [
        "序号",
        "工作任务",
        "具体要求",
        "牵头处室",
        "配合处室",
        "完成时限",
        "时限状态",
        "推进情况",
        "配合处室落实情况",
        "佐证材料",
    ]
    .iter()
    .enumerate()
    {
        w(ws, 2, c as u16, h);
    }
    for (i, row) in cells.printed.iter().enumerate() {
        for (c, s) in row.iter().enumerate() {
            w(ws, 3 + i as u32, c as u16, s);
        }
    }

    let ws = wb.add_worksheet();
    w(ws, 0, 0, &title);
    w(ws, 1, 0, &subtitle);
    let mut headers = vec!["所属部分".to_string()];
    headers.extend(l.columns.iter().cloned());
    headers.extend(["时限状态", "应完成日期", "完成日期"].map(String::from));
    headers.extend(l.periods.iter().map(|p| ledger::period_header(p)));
    headers.extend(["配合处室落实情况", "佐证材料数", "佐证材料"].map(String::from));
    for (c, h) in headers.iter().enumerate() {
        w(ws, 2, c as u16, h);
    }
    for (i, row) in l.rows.iter().enumerate() {
        let r = 3 + i as u32;
        let mut c = 0u16;
        w(ws, r, c, &row.section);
        for s in &row.plan_cells {
            c += 1;
            w(ws, r, c, s);
        }
        w(ws, r, c + 1, &row.status);
        for (k, d) in [row.due, row.completed_on].into_iter().enumerate() {
            let col = c + 2 + k as u16;
            match d {
                Some(d) => {
                    ws.write_date_with_format(r, col, excel_date(d), &plain)
                        .expect("date");
                }
                None => {
                    ws.write_blank(r, col, &plain).expect("blank");
                }
            }
        }
        c += 4;
        for p in &row.progress {
            w(ws, r, c, p);
            c += 1;
        }
        w(ws, r, c, &cells.parts[i]);
        ws.write_number_with_format(r, c + 1, row.evidence.len() as f64, &plain)
            .expect("number");
        w(ws, r, c + 2, &cells.evidence[i]);
    }
    wb.save_to_buffer().expect("xlsx")
}

/// Medians of `a` and `b`, run alternately so drift in machine load hits both alike.
fn medians(mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    a(); // warm-up
    b();
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        ta.push(time(&mut a));
        tb.push(time(&mut b));
    }
    ta.sort();
    tb.sort();
    (ta[RUNS / 2], tb[RUNS / 2])
}

fn main() {
    let l = make_ledger(ROWS);
    let ours_bytes = ledger::workbook(&l).expect("ledger");
    let cells = cells(&l);
    let base_bytes = baseline(&l, &cells);
    if std::env::var_os("WORKPLAN_BENCH_PROFILE").is_some() {
        // One more run and stop: for profilers such as valgrind --tool=callgrind.
        std::hint::black_box(ledger::workbook(&l).expect("ledger"));
        return;
    }
    let (base, ours) = medians(
        || {
            std::hint::black_box(baseline(&l, &cells));
        },
        || {
            std::hint::black_box(ledger::workbook(&l).expect("ledger"));
        },
    );
    let ratio = ours.as_secs_f64() / base.as_secs_f64();
    println!(
        "ledger export of {ROWS} rows on two sheets (10 and 16 columns) ({} KiB .xlsx; baseline {} KiB), median of {RUNS} alternating runs",
        ours_bytes.len() / 1024,
        base_bytes.len() / 1024
    );
    println!(
        "  rust_xlsxwriter, same cells, plain: {:>8.1} ms",
        base.as_secs_f64() * 1000.0
    );
    println!(
        "  workplan ledger::workbook:          {:>8.1} ms",
        ours.as_secs_f64() * 1000.0
    );
    println!(
        "  ratio: {ratio:.2}x (target <= 1.50x) {}",
        if ratio <= 1.5 {
            "ok"
        } else {
            "SLOWER THAN TARGET"
        }
    );
}
