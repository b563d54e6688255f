//! The audit trail as people read it: a Chinese label for every action the code base
//! records, and a readable summary of what an entry changed instead of its raw JSON.

use serde_json::Value;

use super::lifecycle::{ExtensionState, ReportState};

/// What an entry is about (the `entity` column) and how the trail page names it.
pub const ENTITIES: [(&str, &str); 13] = [
    ("session", "登录与账号安全"),
    ("user", "用户"),
    ("division", "处室"),
    ("agency", "机关信息"),
    ("plan", "计划"),
    ("item", "事项"),
    ("period", "报送期"),
    ("report", "报告"),
    ("evidence", "佐证材料"),
    ("urging", "催办"),
    ("extension", "延期申请"),
    ("evaluation", "年度考核"),
    ("annual_report", "年度报告"),
];

/// Every action the code base records, as `(entity, action, label)`; an extension request's
/// decision is recorded as its new state and named by [`ExtensionState::label`].
pub const ACTIONS: &[(&str, &str, &str)] = &[
    ("session", "login", "登录"),
    ("session", "login_failed", "登录失败"),
    ("session", "logout", "退出登录"),
    ("session", "second_factor_failed", "动态口令错误"),
    ("session", "second_factor_enabled", "开启两步验证"),
    ("session", "second_factor_disabled", "关闭两步验证"),
    ("session", "password_change", "修改本人密码"),
    ("session", "password_change_failed", "修改密码失败"),
    ("user", "create", "添加用户"),
    ("user", "update", "修改用户"),
    ("user", "update_with_password", "修改用户并重设密码"),
    ("user", "disable", "停用用户"),
    ("user", "enable", "启用用户"),
    ("user", "end_sessions", "结束用户会话"),
    ("user", "rotate_feed_token", "更换日历订阅地址"),
    ("user", "second_factor_reset", "重置两步验证"),
    ("agency", "seed", "首次启动时设置机关名称"),
    ("agency", "create", "设置机关信息"),
    ("agency", "update", "修改机关信息"),
    ("agency", "add_below", "添加下级机关"),
    ("division", "create", "添加处室"),
    ("division", "update", "修改处室"),
    ("plan", "create", "新建计划"),
    ("plan", "import", "导入计划"),
    ("plan", "hand_down", "下发到下级机关"),
    ("item", "take_upper", "采用上级修改"),
    ("plan", "revise", "重新导入计划"),
    ("plan", "review_back", "回头看"),
    ("item", "create", "新增事项"),
    ("item", "update", "修改事项"),
    ("item", "acknowledge", "签收事项"),
    ("item", "dispute", "对分工提出异议"),
    ("item", "answer_dispute", "答复分工异议"),
    ("item", "contribute", "填写配合情况"),
    ("item", "assign", "调整分工"),
    ("item", "replace_placeholder", "指定具体处室"),
    ("item", "set_due", "设定上级确定的完成日期"),
    ("item", "reassign", "改派牵头处室"),
    ("period", "open", "开启报送期"),
    ("report", "write", "填写报告"),
    ("report", "submit", "报送报告"),
    ("report", "draft_from_below", "从下级处室报告汇总起草"),
    ("report", "accept", "审核通过报告"),
    ("report", "return", "退回报告"),
    ("report", "contribute", "配合处室补充情况"),
    ("evidence", "upload", "上传佐证材料"),
    ("evidence", "add_url", "添加网页佐证"),
    ("urging", "urge", "催办"),
    ("urging", "answer", "答复催办"),
    ("extension", "request", "申请延期"),
    ("evaluation", "verdict", "修改考核结论"),
    ("evaluation", "verdicts_confirmed", "全部确认考核结论"),
    ("evaluation", "comment", "发表考核意见"),
    ("evaluation", "summary", "修改落实情况"),
    ("evaluation", "finalise", "考核定稿"),
    ("annual_report", "tables", "填写年度报告统计表"),
    ("annual_report", "import_tables", "导入年度报告统计表"),
    ("annual_report", "texts", "修改年度报告文字"),
    ("annual_report", "finalise", "年度报告定稿"),
];

/// How the trail page names what an entry is about.
pub fn entity_label(entity: &str) -> &'static str {
    ENTITIES
        .iter()
        .find(|(code, _)| *code == entity)
        .map_or("其他", |(_, label)| label)
}

/// The Chinese label of an action; one nobody labelled yet reads as an unnamed operation
/// on its entity (the table test keeps that from happening to what the code writes).
pub fn action_label(entity: &str, action: &str) -> String {
    labelled(entity, action).unwrap_or_else(|| format!("{}的其他操作", entity_label(entity)))
}

/// The label of an action, if it has one.
fn labelled(entity: &str, action: &str) -> Option<String> {
    if let Some(decided) = ExtensionState::parse(action).filter(|_| entity == "extension") {
        return Some(format!("延期申请{}", decided.label()));
    }
    ACTIONS
        .iter()
        .find(|(e, a, _)| *e == entity && *a == action)
        .map(|(_, _, label)| (*label).to_string())
}

/// Field names people read, for the fields entries commonly hold.
const FIELDS: &[(&str, &str)] = &[
    ("title", "标题"),
    ("name", "名称"),
    ("full_name", "机关全称"),
    ("short_name", "机关简称"),
    ("supervisor", "政务公开办"),
    ("display_name", "姓名"),
    ("username", "用户名"),
    ("role", "角色"),
    ("division_id", "处室"),
    ("disabled", "停用"),
    ("email", "邮箱"),
    ("aliases", "别名"),
    ("kind", "类型"),
    ("active", "启用"),
    ("number", "序号"),
    ("task", "工作任务"),
    ("requirement", "具体要求"),
    ("deadline_raw", "完成时限"),
    ("period", "报送期"),
    ("due_on", "报送截止"),
    ("state", "状态"),
    ("summary", "推进情况"),
    ("review_comment", "审核意见"),
    ("completes_item", "本期完成"),
    ("file_name", "文件"),
    ("url", "链接"),
    ("url_title", "网页标题"),
    ("message", "催办内容"),
    ("text", "内容"),
    ("reason", "理由"),
    ("new_due", "新时限"),
    ("comment", "意见"),
    ("verdict", "考核结论"),
    ("score", "得分"),
    ("items_created", "新增事项"),
    ("items_updated", "更新事项"),
    ("items_removed", "删除事项"),
    ("ended", "结束会话数"),
    ("second_factor", "验证方式"),
    ("must_change_password", "须改密码"),
];

/// Values written as codes, as people read them.
const VALUES: &[(&str, &str)] = &[
    ("totp", "动态口令"),
    ("recovery_code", "恢复码"),
    ("file", "文件"),
    ("url", "网页"),
];

fn field_label(key: &str) -> Option<&'static str> {
    FIELDS.iter().find(|(k, _)| *k == key).map(|(_, l)| *l)
}

/// Characters of a value shown in a summary; longer ones are cut with "…".
const SHOWN_CHARS: usize = 60;

fn cut(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() > SHOWN_CHARS {
        let head: String = text.chars().take(SHOWN_CHARS).collect();
        format!("{head}…")
    } else {
        text.to_string()
    }
}

/// A JSON value as a short text, or `None` for what a person cannot read (ids, objects).
fn readable(key: &str, v: &Value) -> Option<String> {
    if key.ends_with("_id") || key == "id" {
        return None;
    }
    match v {
        Value::Null => Some("（空）".to_string()),
        Value::Bool(b) => Some(if *b { "是" } else { "否" }.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if s.trim().is_empty() => Some("（空）".to_string()),
        Value::Array(a) if a.is_empty() => Some("（空）".to_string()),
        Value::String(s) => Some(cut(ReportState::parse(s)
            .map(ReportState::label)
            .or_else(|| ExtensionState::parse(s).map(ExtensionState::label))
            .or_else(|| super::role::Role::parse(s).map(super::role::Role::label))
            .or_else(|| {
                super::division::DivisionKind::parse(s).map(super::division::DivisionKind::label)
            })
            .or_else(|| VALUES.iter().find(|(code, _)| code == s).map(|(_, l)| *l))
            .unwrap_or(s))),
        Value::Array(a) if a.iter().all(|x| x.is_string()) => Some(cut(&a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("、"))),
        _ => None,
    }
}

/// A readable Chinese summary of an entry's before and after: what changed (field by
/// field), or what was given; empty when the action's label says it all.
pub fn summary(before: Option<&Value>, after: Option<&Value>) -> String {
    match (before, after) {
        (_, Some(Value::String(text))) => format!("内容：{}", cut(text)),
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let changed = |key: &str| {
                let old = b.get(key).unwrap_or(&Value::Null);
                let new = a.get(key).unwrap_or(&Value::Null);
                (old != new && !matches!(key, "version" | "updated_at")).then_some((old, new))
            };
            // Named fields in the table's order, then how many others changed.
            let mut named: Vec<String> = FIELDS
                .iter()
                .filter_map(|(key, label)| {
                    let (old, new) = changed(key)?;
                    Some(match (readable(key, old), readable(key, new)) {
                        (Some(o), Some(n)) => format!("{label}：{o} → {n}"),
                        _ => format!("{label}已修改"),
                    })
                })
                .collect();
            let unnamed = a
                .keys()
                .chain(b.keys().filter(|k| !a.contains_key(*k)))
                .filter(|k| field_label(k).is_none() && changed(k).is_some())
                .count();
            if named.is_empty() && unnamed == 0 {
                return "没有改动".to_string();
            }
            if unnamed > 0 {
                named.push(if named.is_empty() {
                    format!("{unnamed} 处改动")
                } else {
                    format!("另有 {unnamed} 处改动")
                });
            }
            named.join("；")
        }
        (_, Some(Value::Object(a))) => FIELDS
            .iter()
            .filter_map(|(key, label)| {
                // What was given; empty fields say nothing.
                let text = readable(key, a.get(*key)?)?;
                (!text.is_empty() && text != "（空）").then(|| format!("{label}：{text}"))
            })
            .take(4)
            .collect::<Vec<_>>()
            .join("；"),
        (Some(Value::String(old)), Some(new)) => {
            format!(
                "由“{}”改为“{}”",
                cut(old),
                readable("", new).unwrap_or_default()
            )
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_action_has_one_chinese_label() {
        let mut seen = std::collections::HashSet::new();
        for (entity, action, label) in ACTIONS {
            assert!(seen.insert((entity, action)), "{entity}.{action} twice");
            assert!(
                label
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{entity}.{action}: {label}"
            );
            assert_ne!(entity_label(entity), "其他", "{entity} has no label");
        }
        assert_eq!(action_label("report", "submit"), "报送报告");
        assert_eq!(action_label("report", "shred"), "报告的其他操作");
        assert_eq!(
            action_label("extension", ExtensionState::Approved.as_str()),
            "延期申请已同意"
        );
    }

    /// Every action the code base writes to the trail (read from its source: the literal
    /// actions of `Audit::of`/`Audit::on`, plus the ones chosen at run time) has a label.
    #[test]
    fn every_action_the_code_writes_is_labelled() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut written = Vec::new();
        let mut files = vec![root];
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).expect("dir").flatten() {
                    files.push(e.path());
                }
                continue;
            }
            // This file names the calls in its own test; it writes nothing.
            if p.extension().and_then(|e| e.to_str()) != Some("rs")
                || p.ends_with("domain/audit.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("source");
            for call in ["Audit::of(", "Audit::on("] {
                for (at, _) in text.match_indices(call) {
                    let args = call_arguments(&text[at + call.len()..]);
                    let literals = string_literals(args);
                    if let Some((entity, actions)) = literals.split_first() {
                        for action in actions {
                            written.push((entity.clone(), action.clone(), p.clone()));
                        }
                    }
                }
            }
        }
        assert!(written.len() > 30, "found only {} writes", written.len());
        // Actions chosen at run time: a review's outcome, an extension's decision, how a
        // user was changed, which annual-report tables were set.
        let mut chosen = vec![
            ("report", "accept"),
            ("report", "return"),
            ("user", "disable"),
            ("user", "enable"),
            ("user", "update_with_password"),
            ("annual_report", "tables"),
            ("annual_report", "import_tables"),
        ];
        chosen.extend(
            ExtensionState::ALL
                .iter()
                .map(|s| ("extension", s.as_str())),
        );
        for (entity, action, file) in &written {
            assert!(
                labelled(entity, action).is_some(),
                "{}: {entity}.{action} has no label in domain::audit::ACTIONS",
                file.display()
            );
        }
        for (entity, action) in chosen {
            assert!(labelled(entity, action).is_some(), "{entity}.{action}");
        }
    }

    /// The text of a call's arguments: up to the parenthesis that closes it.
    fn call_arguments(rest: &str) -> &str {
        let mut depth = 1;
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return &rest[..i];
                    }
                }
                _ => {}
            }
        }
        rest
    }

    fn string_literals(args: &str) -> Vec<String> {
        args.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn summaries_table() {
        let cases: Vec<(Option<Value>, Option<Value>, &str)> = vec![
            (None, None, ""),
            (None, Some(json!("请补充佐证材料")), "内容：请补充佐证材料"),
            (
                Some(json!({"name": "法规处", "version": 1, "aliases": []})),
                Some(json!({"name": "法规宣传处", "version": 2, "aliases": ["法规处"]})),
                "名称：法规处 → 法规宣传处；别名：（空） → 法规处",
            ),
            (
                Some(json!({"role": "division", "disabled": false})),
                Some(json!({"role": "office", "disabled": true})),
                "角色：处室联络员 → 办公室；停用：否 → 是",
            ),
            (
                Some(json!({"state": ReportState::Submitted})),
                Some(json!({"state": ReportState::Returned})),
                "状态：已报送，待审核 → 已退回，待修改",
            ),
            (
                Some(json!({"reviewed_at": null, "division_id": 3})),
                Some(json!({"reviewed_at": "2021-01-01T00:00:00", "division_id": 4})),
                "处室已修改；另有 1 处改动",
            ),
            (
                Some(json!({"full_name": "广州市体育局", "short_name": "", "supervisor": ""})),
                Some(
                    json!({"full_name": "广州市体育局", "short_name": "市体育局", "supervisor": ""}),
                ),
                "机关简称：（空） → 市体育局",
            ),
            (Some(json!({"x": 1})), Some(json!({"x": 1})), "没有改动"),
            (
                None,
                Some(json!({"id": 9, "kind": "file", "file_name": "台账.xlsx", "url": null})),
                "类型：文件；文件：台账.xlsx",
            ),
            (
                None,
                Some(json!({"second_factor": "totp"})),
                "验证方式：动态口令",
            ),
            (
                None,
                Some(json!({"message": "x".repeat(70)})),
                "催办内容：xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…",
            ),
        ];
        for (before, after, want) in cases {
            assert_eq!(summary(before.as_ref(), after.as_ref()), want, "{after:?}");
        }
    }
}
