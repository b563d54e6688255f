//! The annual disclosure report through the API: a full set of consistent figures (worked
//! out by hand, as an agency fills them) breaks no rule; one changed cell breaks exactly
//! the rules that involve it; broken rules block finalising; last year's report carries
//! over; the text parts are drafted from the year's work.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::helpers::*;
use workplan::domain::role::Role;

fn put(token: &str, uri: &str, body: Value) -> TestRequest {
    authed(TestRequest::put().uri(uri), token).set_json(body)
}

/// 二: regulations and documents, decisions, fees. 三: 自然人 40 new + 3 carried over = 41
/// handled + 2 carried forward; 商业企业 5 + 0 = 5 + 0; 法律服务机构 1 + 1 = 2 + 0; 总计 the
/// sums. 四: reconsideration 3 upheld, 1 corrected, 1 pending = 5; suits 1 + 1 = 2, 1.
pub fn consistent() -> Value {
    let row = |n: i64, c: i64, l: i64| json!({"natural_person": n, "commercial": c, "legal_service": l, "total": n + c + l});
    json!({
        "active": {
            "regulations": {"issued": 2, "repealed": 1, "in_force": 15},
            "normative_documents": {"issued": 6, "repealed": 3, "in_force": 42},
            "licensing": {"decisions": 1280}, "penalty": {"decisions": 37},
            "enforcement": {"decisions": 4}, "fees": {"amount": 12.35}
        },
        "applications": {
            "new": row(40, 5, 1), "carried_over": row(3, 0, 1),
            "disclosed": row(20, 3, 1), "partly_disclosed": row(6, 1, 0),
            "refused_4": row(2, 0, 0), "unavailable_1": row(9, 1, 1),
            "not_processed_1": row(3, 0, 0), "other_3": row(1, 0, 0),
            "results_total": row(41, 5, 2), "carried_forward": row(2, 0, 0)
        },
        "appeals": {"counts": {
            "reconsideration_upheld": 3, "reconsideration_corrected": 1,
            "reconsideration_pending": 1, "reconsideration_total": 5,
            "direct_suit_upheld": 1, "direct_suit_pending": 1, "direct_suit_total": 2,
            "suit_after_reconsideration_pending": 1, "suit_after_reconsideration_total": 1
        }}
    })
}

fn rules(doc: &Value) -> Vec<String> {
    let mut r: Vec<String> = doc["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| v["rule"].as_str().unwrap_or_default().to_string())
        .collect();
    r.sort();
    r
}

async fn the_tables_hold_together_or_say_which_rule_breaks(app: TestApp) {
    app.division("办公室");
    let d = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("staff", Role::Division, Some(d));
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let staff = login(&svc, "staff").await;
    let uri = format!("/api/v1/plans/{plan}/annual-report");
    let tables = format!("{uri}/tables");

    // Before anything is saved: six parts, drafts from the year's work, nothing broken.
    let fresh = send(&svc, authed(TestRequest::get().uri(&uri), &staff))
        .await
        .json();
    assert_eq!(fresh["saved"], false);
    assert_eq!(fresh["format_version"], "2021");
    assert_eq!(rules(&fresh), Vec::<String>::new());
    let problems = fresh["texts"]
        .as_array()
        .expect("texts")
        .iter()
        .find(|t| t["key"] == "problems")
        .expect("五")
        .clone();
    assert_eq!(problems["number"], "五");
    assert!(
        problems["text"]
            .as_str()
            .unwrap_or_default()
            .contains("项工作尚未完成"),
        "{problems}"
    );
    assert!(
        !problems["sources"].as_array().expect("sources").is_empty(),
        "linked to its items"
    );

    assert_eq!(
        send(&svc, put(&staff, &tables, consistent())).await.status,
        StatusCode::FORBIDDEN
    );
    let saved = send(&svc, put(&office, &tables, consistent())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let saved = saved.json();
    assert_eq!(rules(&saved), Vec::<String>::new(), "{saved}");
    assert_eq!(saved["tables"]["active"]["fees"]["amount"], 12.35);
    assert_eq!(saved["tables"]["applications"]["new"]["total"], 46.0);

    // One cell changed: exactly the rules that involve it, named in words.
    let broken = send(
        &svc,
        put(
            &office,
            &tables,
            json!({"applications": {"disclosed": {"commercial": 4}}}),
        ),
    )
    .await
    .json();
    assert_eq!(
        rules(&broken),
        [
            "applications.results_total.commercial",
            "applications.total.disclosed"
        ]
    );
    let messages: Vec<&str> = broken["violations"]
        .as_array()
        .expect("v")
        .iter()
        .filter_map(|v| v["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("（七）总计”应等于（一）至（六）各项办理结果之和")),
        "{messages:?}"
    );
    assert!(broken["violations"][0]["cells"]
        .as_array()
        .expect("cells")
        .contains(&json!("applications.disclosed.commercial")));
    let broken = send(
        &svc,
        put(
            &office,
            &tables,
            json!({"appeals": {"counts": {"direct_suit_other": 1}}}),
        ),
    )
    .await
    .json();
    assert_eq!(
        rules(&broken),
        [
            "appeals.direct_suit_total.counts",
            "applications.results_total.commercial",
            "applications.total.disclosed"
        ]
    );
    let negative = send(
        &svc,
        put(
            &office,
            &tables,
            json!({"applications": {"refused_1": {"research": -1}}}),
        ),
    )
    .await
    .json();
    assert!(rules(&negative).contains(&"nonnegative.applications.refused_1.research".to_string()));

    // Bad codes and non-numbers are not saved.
    for bad in [
        json!({"applications": {"disclosed": {"aliens": 1}}}),
        json!({"applications": {"disclosed": {"commercial": "四"}}}),
        json!({"active": {"fees": {"issued": 1}}}),
    ] {
        let r = send(&svc, put(&office, &tables, bad.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            r.body
        );
    }

    // Exports wait for the rules too.
    let export = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/plans/{plan}/export/annual-report.docx")),
            &office,
        ),
    )
    .await;
    assert_eq!(export.status, StatusCode::CONFLICT, "{}", export.body);
    assert!(export.body.contains("勾稽关系不符"), "{}", export.body);
    // Finalising waits for the rules.
    let finalise =
        || authed(TestRequest::post().uri(&format!("{uri}/finalise")), &office).set_json(json!({}));
    let refused = send(&svc, finalise()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("勾稽关系"), "{}", refused.body);
    let fixed = send(
        &svc,
        put(
            &office,
            &tables,
            json!({
                "applications": {"disclosed": {"commercial": 3}, "refused_1": {"research": null}},
                "appeals": {"counts": {"direct_suit_other": null}}
            }),
        ),
    )
    .await
    .json();
    assert_eq!(rules(&fixed), Vec::<String>::new(), "{fixed}");
    let texts = send(
        &svc,
        put(
            &office,
            &format!("{uri}/texts"),
            json!({"texts": {"other": "本年度未收取信息处理费。"}}),
        ),
    )
    .await;
    assert_eq!(texts.status, StatusCode::OK, "{}", texts.body);
    // Part 一's drafted prompts (【请补充…】) are still there: not yet.
    let prompts = send(&svc, finalise()).await;
    assert_eq!(prompts.status, StatusCode::CONFLICT, "{}", prompts.body);
    assert!(
        prompts.body.contains("一、总体情况") && prompts.body.contains("【】"),
        "{}",
        prompts.body
    );
    let texts = send(
        &svc,
        put(
            &office,
            &format!("{uri}/texts"),
            json!({"texts": {"overview": "（一）主动公开\n本年主动公开政府信息1024条。"}}),
        ),
    )
    .await;
    assert_eq!(texts.status, StatusCode::OK, "{}", texts.body);
    let done = send(&svc, finalise()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json()["finalised"], true);
    let late = send(
        &svc,
        put(
            &office,
            &tables,
            json!({"applications": {"new": {"research": 1}}}),
        ),
    )
    .await;
    assert_eq!(late.status, StatusCode::CONFLICT);

    // Next year: last year's "carried into next year" is this year's "carried over", and
    // last year's figures are shown beside.
    let next = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &office)
            .set_json(json!({"year": 2022, "title": "2022年分工方案"})),
    )
    .await
    .json();
    let next_uri = format!("/api/v1/plans/{}/annual-report", next["id"]);
    let doc = send(&svc, authed(TestRequest::get().uri(&next_uri), &office))
        .await
        .json();
    assert_eq!(doc["previous_year"], 2021);
    assert_eq!(doc["previous"]["applications"]["new"]["total"], 46.0);
    assert_eq!(
        doc["tables"]["applications"]["carried_over"]["natural_person"],
        2.0
    );
    // Carried over 2 for natural persons, so 2 must be handled or carried forward.
    let balanced = send(
        &svc,
        put(
            &office,
            &format!("{next_uri}/tables"),
            json!({"applications": {
                "carried_over": {"natural_person": 2, "total": 2},
                "disclosed": {"natural_person": 2, "total": 2},
                "results_total": {"natural_person": 2, "total": 2}
            }}),
        ),
    )
    .await
    .json();
    assert_eq!(rules(&balanced), Vec::<String>::new(), "{balanced}");
    let off = send(
        &svc,
        put(
            &office,
            &format!("{next_uri}/tables"),
            json!({"applications": {
                "carried_over": {"natural_person": 3, "total": 3},
                "disclosed": {"natural_person": 3, "total": 3},
                "results_total": {"natural_person": 3, "total": 3}
            }}),
        ),
    )
    .await
    .json();
    assert_eq!(
        rules(&off),
        [
            "applications.carried_over.natural_person",
            "applications.carried_over.total"
        ]
    );
}

async fn the_office_fills_the_form_page_and_sees_broken_cells(app: TestApp) {
    use crate::pages::{browser_login, csrf_field, session_of};
    app.division("办公室");
    app.user("office", Role::Office, None);
    app.user("leader", Role::Leader, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = session_of(&browser_login(&svc, "office", PASSWORD).await);
    let page = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/annual-report?plan={plan}"))
            .cookie(office.clone()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    for part in [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ] {
        assert!(page.body.contains(part), "{part}");
    }
    assert!(
        page.body.contains("rowspan=\"22\">三、本年度办理结果"),
        "labels merged like the form"
    );
    assert!(page
        .body
        .contains("name=\"cell:applications.new.natural_person\""));
    // Table 二 is one table as the form prints it; a one-figure row's cell reaches the edge.
    let active = page
        .body
        .split("<table")
        .find(|t| t.contains("第二十条第（一）项"))
        .expect("table 二");
    for group in [
        "第二十条第（五）项",
        "第二十条第（六）项",
        "第二十条第（八）项",
    ] {
        assert!(active.contains(group), "{group} in the same table");
    }
    assert!(
        active.contains("colspan=\"3\" data-cell=\"active.licensing.decisions\""),
        "行政许可's figure spans the three value columns"
    );
    assert!(
        !page
            .body
            .contains("<caption>主动公开政府信息情况</caption>"),
        "no caption repeating the heading"
    );
    let csrf = csrf_field(&page.body);
    let saved = send(
        &svc,
        TestRequest::post()
            .uri(&format!("/plans/{plan}/annual-report"))
            .cookie(office.clone())
            .set_form([
                ("csrf", csrf.as_str()),
                ("version", "0"),
                ("cell:applications.new.natural_person", "5"),
                ("cell:applications.new.total", "5"),
                ("cell:applications.disclosed.natural_person", "4"),
                ("cell:applications.disclosed.total", "4"),
                ("cell:applications.results_total.natural_person", "4"),
                ("cell:applications.results_total.total", "4"),
                ("text:other", "本年度未收取信息处理费。"),
            ]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let shown = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/annual-report?plan={plan}"))
            .cookie(office.clone()),
    )
    .await;
    // 5 new = 4 handled + 0 carried forward: the balance breaks in 自然人 and 总计.
    assert!(shown.body.contains("id=\"violations\""), "{}", shown.body);
    assert!(shown
        .body
        .contains("class=\"n broken\" data-cell=\"applications.new.natural_person\""));
    assert!(!shown
        .body
        .contains("class=\"n broken\" data-cell=\"applications.new.commercial\""));
    assert!(shown.body.contains("本年度未收取信息处理费。"));
    // The agency's own workbook through the page's upload form, which carries its token in
    // its address (checked before the body is read).
    let action = format!("/plans/{plan}/annual-report/import?csrf={csrf}");
    assert!(
        page.body.contains(&format!("action=\"{action}\"")),
        "{}",
        page.body
    );
    let boundary = "----wp-page";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"年报.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&agency_workbook());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let imported = send(
        &svc,
        TestRequest::post()
            .uri(&action)
            .cookie(office.clone())
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body),
    )
    .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert!(imported.body.contains("已从工作簿导入统计表。"));
    assert!(
        imported.body.contains("value=\"46\""),
        "the imported 总计 of new applications is in its input"
    );
    // Leaders read it, without the inputs.
    let leader = session_of(&browser_login(&svc, "leader", PASSWORD).await);
    let read = send(
        &svc,
        TestRequest::get()
            .uri(&format!("/annual-report?plan={plan}"))
            .cookie(leader),
    )
    .await;
    assert!(
        read.body.contains("三、收到和处理政府信息公开申请情况")
            && !read.body.contains("name=\"cell:")
    );
}

/// A stored report whose JSON no longer reads stops the request with a clear error instead
/// of passing as empty, so no save writes an empty set over it.
async fn a_corrupt_stored_report_is_refused_not_overwritten(app: TestApp) {
    use diesel::RunQueryDsl;
    app.user("office", Role::Office, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let uri = format!("/api/v1/plans/{plan}/annual-report");
    let saved = send(&svc, put(&office, &format!("{uri}/tables"), consistent())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let stored = |c: &mut workplan::db::DbConnection| {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            figures: String,
        }
        diesel::sql_query("SELECT figures FROM annual_reports")
            .load::<Row>(c)
            .expect("read")
            .remove(0)
            .figures
    };
    {
        let mut c = app.db.get().expect("conn");
        diesel::sql_query("UPDATE annual_reports SET figures = '{\"applications\": [broken'")
            .execute(&mut c)
            .expect("corrupt");
    }
    let read = send(&svc, authed(TestRequest::get().uri(&uri), &office)).await;
    assert_eq!(
        read.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        read.body
    );
    let write = send(&svc, put(&office, &format!("{uri}/tables"), consistent())).await;
    assert_eq!(
        write.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{}",
        write.body
    );
    let mut c = app.db.get().expect("conn");
    assert_eq!(
        stored(&mut c),
        "{\"applications\": [broken",
        "left as it was"
    );
}

crate::on_both_backends!(
    a_corrupt_stored_report_is_refused_not_overwritten,
    the_tables_hold_together_or_say_which_rule_breaks,
    the_office_fills_the_form_page_and_sees_broken_cells,
    the_agency_s_own_workbook_fills_the_tables,
);

/// An agency's own workbook laid out like the national form (labels in merged columns at
/// the left, figures at the right), as they fill it in Excel.
fn agency_workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("依申请公开").expect("name");
    ws.write_string(0, 0, "三、收到和处理政府信息公开申请情况")
        .expect("w");
    let heads = [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ];
    for (i, h) in heads.iter().enumerate() {
        ws.write_string(1, 3 + i as u16, *h).expect("w");
    }
    let rows: [(&str, &str, [f64; 7]); 4] = [
        (
            "一、本年新收政府信息公开申请数量",
            "",
            [40.0, 5.0, 0.0, 0.0, 1.0, 0.0, 46.0],
        ),
        (
            "二、上年结转政府信息公开申请数量",
            "",
            [3.0, 0.0, 0.0, 0.0, 1.0, 0.0, 4.0],
        ),
        (
            "三、本年度办理结果",
            "（一）予以公开",
            [41.0, 5.0, 0.0, 0.0, 2.0, 0.0, 48.0],
        ),
        ("", "（七）总计", [41.0, 5.0, 0.0, 0.0, 2.0, 0.0, 48.0]),
    ];
    for (r, (a, b, values)) in rows.iter().enumerate() {
        let r = 2 + r as u32;
        if !a.is_empty() {
            ws.write_string(r, 0, *a).expect("w");
        }
        if !b.is_empty() {
            ws.write_string(r, 1, *b).expect("w");
        }
        for (i, v) in values.iter().enumerate() {
            ws.write_number(r, 3 + i as u16, *v).expect("w");
        }
    }
    ws.write_string(6, 0, "四、结转下年度继续办理").expect("w");
    for (i, v) in [2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0].iter().enumerate() {
        ws.write_number(6, 3 + i as u16, *v).expect("w");
    }
    wb.save_to_buffer().expect("xlsx")
}

async fn the_agency_s_own_workbook_fills_the_tables(app: TestApp) {
    app.user("office", Role::Office, None);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let plan = send(
        &svc,
        authed(TestRequest::post().uri("/api/v1/plans"), &office)
            .set_json(json!({"year": 2023, "title": "2023年工作要点"})),
    )
    .await
    .json();
    let uri = format!("/api/v1/plans/{}/annual-report/import", plan["id"]);
    let upload = |bytes: &[u8], name: &str| upload_file(&uri, &office, name, bytes);
    let imported = send(&svc, upload(&agency_workbook(), "年报统计表.xlsx")).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let doc = imported.json();
    let t = &doc["report"]["tables"]["applications"];
    assert_eq!(t["new"]["natural_person"], 40.0);
    assert_eq!(t["results_total"]["total"], 48.0);
    assert_eq!(t["carried_forward"]["natural_person"], 2.0);
    // 予以公开 holds everything here, so the sums hold.
    assert_eq!(rules(&doc["report"]), Vec::<String>::new(), "{doc}");
    assert!(doc["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .any(|n| n.as_str().unwrap_or_default().contains("部分公开")));
    let junk = send(&svc, upload(b"not a workbook at all", "x.xlsx")).await;
    assert_eq!(
        junk.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        junk.body
    );
}

#[actix_web::test]
async fn the_report_downloads_as_word_and_excel_and_reads_back_as_entered() {
    use calamine::{Data, Reader};
    let app = TestApp::sqlite().await;
    app.user("office", Role::Office, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let uri = format!("/api/v1/plans/{plan}/annual-report");
    let saved = send(&svc, put(&office, &format!("{uri}/tables"), consistent())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    send(
        &svc,
        put(
            &office,
            &format!("{uri}/texts"),
            json!({"texts": {"other": "本年度未收取信息处理费。"}}),
        ),
    )
    .await;
    let get = |path: String| {
        let req = authed(TestRequest::get().uri(&path), &office).to_request();
        let svc = &svc;
        async move {
            let resp = actix_web::test::call_service(svc, req).await;
            assert_eq!(resp.status(), StatusCode::OK, "{path}");
            let cd = resp
                .headers()
                .get("content-disposition")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            (cd, actix_web::test::read_body(resp).await.to_vec())
        }
    };
    let (cd, docx) = get(format!("/api/v1/plans/{plan}/export/annual-report.docx")).await;
    assert!(
        cd.contains("filename=\"workplan.docx\"") && cd.contains("filename*=UTF-8''"),
        "{cd}"
    );
    let pdf = crate::office::converts_to_pdf(&docx, "年报.docx");
    assert!(pdf.is_some() || std::env::var("WORKPLAN_REQUIRE_OFFICE").is_err());
    if let Some(pages) = pdf.as_deref().and_then(crate::office::pdf_pages) {
        assert!(pages.len() >= 2, "{} pages", pages.len());
        for (n, page) in pages.iter().enumerate() {
            assert!(
                page.contains("草稿"),
                "草稿 on page {} of the draft:\n{page}",
                n + 1
            );
        }
        let all = pages.concat();
        // Table 二 as the form prints it, every group and label.
        for want in [
            "第二十条第（一）项",
            "规章",
            "行政规范性文件",
            "本年制发件数",
            "第二十条第（五）项",
            "行政许可",
            "本年处理决定数量",
            "第二十条第（六）项",
            "行政处罚",
            "行政强制",
            "第二十条第（八）项",
            "行政事业性收费",
        ] {
            assert!(all.contains(want), "{want} in the PDF");
        }
        // Labels are not broken inside a word: each is whole on one printed line.
        for want in [
            "（三）不予公开",
            "（四）无法提供",
            "（五）不予处理",
            "结果",
            "维持",
        ] {
            assert!(
                all.lines().any(|l| l.contains(want)),
                "{want} whole on one line:\n{all}"
            );
        }
        // The form's own structure of part 一, the plan as a sub-part of it.
        for want in [
            "（一）主动公开",
            "（二）依申请公开",
            "（三）政府信息管理",
            "（四）平台建设",
            "（五）监督保障",
            "（六）年度政务公开工作要点落实情况",
        ] {
            assert!(all.contains(want), "{want} in part 一");
        }
    }
    if let Some(text) = crate::office::text_by_libreoffice(&docx, "年报.docx") {
        for want in [
            "2021年政府信息公开工作年度报告",
            "三、收到和处理政府信息公开申请情况",
            "本年度未收取信息处理费。",
            "一、本年新收政府信息公开申请数量",
            "1280",
            "12.35",
            "46",
        ] {
            assert!(text.contains(want), "{want} in the Word text");
        }
        // Every part's heading is the format's (config/annual-report/), 五 included.
        for p in &workplan::domain::annual_report::Format::current().parts {
            let heading = format!("{}、{}", p.number, p.title);
            assert!(
                text.lines().any(|l| l.trim() == heading),
                "{heading} as a heading"
            );
        }
        // No caption repeats the heading above it.
        assert_eq!(text.matches("收到和处理政府信息公开申请情况").count(), 1);
        // Only the report's parts (and table 三's own rows) open with 一、 二、 …: the
        // plan's headings quoted in part 一 do not.
        let parts = [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项",
            "一、本年新收政府信息公开申请数量",
            "二、上年结转政府信息公开申请数量",
            "三、本年度办理结果",
            "四、结转下年度继续办理",
        ];
        for line in text.lines().map(str::trim) {
            let numeral = line
                .chars()
                .take_while(|c| "一二三四五六七八九十".contains(*c));
            if numeral.count() > 0 && line.chars().nth(1) == Some('、') {
                assert!(
                    parts.contains(&line),
                    "{line} reads as a part of the report"
                );
            }
        }
    }
    let (_, xlsx) = get(format!("/api/v1/plans/{plan}/export/annual-report.xlsx")).await;
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).expect("xlsx");
    let numbers: Vec<f64> = wb
        .worksheets()
        .iter()
        .flat_map(|(_, r)| {
            r.used_cells()
                .filter_map(|(_, _, d)| match d {
                    Data::Float(f) => Some(*f),
                    Data::Int(i) => Some(*i as f64),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for want in [1280.0, 12.35, 46.0, 48.0, 5.0] {
        assert!(
            numbers.contains(&want),
            "{want} as a number in the workbook"
        );
    }
    // Totals are formulas over the cells the rules add up.
    let sheet = wb
        .sheet_names()
        .into_iter()
        .find(|n| n.starts_with("三、"))
        .expect("table 三's sheet");
    let formulas = wb.worksheet_formula(&sheet).expect("formulas");
    assert!(
        formulas
            .used_cells()
            .any(|(_, _, f)| f.starts_with("SUM(") && f.contains(':')),
        "SUM formulas in table 三"
    );

    // A finalised report carries no 草稿.
    let texts = send(
        &svc,
        put(
            &office,
            &format!("{uri}/texts"),
            json!({"texts": {"overview": "（一）主动公开\n本年主动公开政府信息1024条。"}}),
        ),
    )
    .await;
    assert_eq!(texts.status, StatusCode::OK, "{}", texts.body);
    let done = send(
        &svc,
        authed(TestRequest::post().uri(&format!("{uri}/finalise")), &office).set_json(json!({})),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let (cd, final_docx) = get(format!("/api/v1/plans/{plan}/export/annual-report.docx")).await;
    assert!(
        cd.to_uppercase().contains("%E5%AE%9A%E7%A8%BF"),
        "定稿 in the name: {cd}"
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(final_docx)).expect("zip");
    assert!(zip.by_name("word/header1.xml").is_err(), "no 草稿 header");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("document"),
        &mut xml,
    )
    .expect("utf8");
    assert!(!xml.contains("草稿") && !xml.contains("headerReference"));
}

#[actix_web::test]
async fn drafted_parts_follow_the_form_and_prompt_for_what_the_product_does_not_know() {
    let app = TestApp::sqlite().await;
    app.user("office", Role::Office, None);
    let plan = app.import_sample(2021);
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let uri = format!("/api/v1/plans/{plan}/annual-report");
    let saved = send(&svc, put(&office, &format!("{uri}/tables"), consistent())).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let doc = send(&svc, authed(TestRequest::get().uri(&uri), &office))
        .await
        .json();
    let text = |key: &str| {
        doc["texts"]
            .as_array()
            .expect("texts")
            .iter()
            .find(|t| t["key"] == key)
            .and_then(|t| t["draft"].as_str())
            .unwrap_or_else(|| panic!("{key} in {doc}"))
            .to_string()
    };
    let overview = text("overview");
    let headings: Vec<&str> = overview
        .lines()
        .filter(|l| {
            l.starts_with('（')
                && l.chars()
                    .nth(1)
                    .is_some_and(|c| "一二三四五六七八九十".contains(c))
                && !l.contains('。')
        })
        .collect();
    assert_eq!(
        headings,
        [
            "（一）主动公开",
            "（二）依申请公开",
            "（三）政府信息管理",
            "（四）平台建设",
            "（五）监督保障",
            "（六）年度政务公开工作要点落实情况"
        ]
    );
    // Figures come from the tables as entered; what the product cannot know is a prompt.
    let figures = consistent();
    let f = |t: &str, r: &str, c: &str| figures[t][r][c].as_f64().expect("figure");
    let shown = |v: f64| {
        if v.fract() == 0.0 {
            format!("{}", v as i64)
        } else {
            v.to_string()
        }
    };
    assert!(overview.contains(&format!(
        "作出行政许可处理决定{}件",
        shown(f("active", "licensing", "decisions"))
    )));
    assert!(overview.contains(&format!(
        "本年新收政府信息公开申请{}件",
        shown(f("applications", "new", "total"))
    )));
    assert!(overview.contains("【请补充"), "{overview}");
    assert!(
        !overview.lines().any(|l| l.starts_with("一、")),
        "{overview}"
    );
    let other = text("other");
    assert!(
        other.contains("《政府信息公开信息处理费管理办法》"),
        "{other}"
    );
    assert!(other.contains("收费通知的件数"), "{other}");

    // A figure not entered is a prompt, never a number.
    let cleared = send(
        &svc,
        put(
            &office,
            &format!("{uri}/tables"),
            json!({"active": {"licensing": {"decisions": null}}}),
        ),
    )
    .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    let doc = send(&svc, authed(TestRequest::get().uri(&uri), &office))
        .await
        .json();
    let overview = doc["texts"][0]["draft"].as_str().expect("overview");
    assert!(
        overview.contains("作出行政许可处理决定【待填】件"),
        "{overview}"
    );
}
