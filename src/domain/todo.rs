//! The 待办 list's vocabulary: what a user may have to do, who has it, what its heading says,
//! where on an item's page it is done, and how a notice names the item it is about.

use serde::Serialize;

use super::role::Role;

/// One kind of thing waiting for a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TodoKind {
    /// A lead division has not acknowledged (签收) an item.
    Acknowledge,
    /// A lead division owes an open period's report (not written, or a draft not handed in).
    WriteReport,
    /// The office returned a report: correct it and hand it in again.
    CorrectReport,
    /// The office urged (催办) and the division has not answered.
    AnswerUrging,
    /// A supporting division has not added its part to an open lead report.
    Contribute,
    /// A submitted report waits for the office's review.
    ReviewReport,
    /// A lead division disputed its assignment; the office owes an answer.
    AnswerDispute,
    /// A request for a later due date waits for the office.
    DecideExtension,
    /// An item names a placeholder (各有关处室, 文件起草处室) instead of real divisions.
    NameDivisions,
    /// An item's date depends on a higher authority and has not been set.
    SetDate,
}

impl TodoKind {
    /// Every kind, in the order the list shows them.
    pub const ALL: [TodoKind; 10] = [
        TodoKind::CorrectReport,
        TodoKind::AnswerUrging,
        TodoKind::Acknowledge,
        TodoKind::WriteReport,
        TodoKind::Contribute,
        TodoKind::ReviewReport,
        TodoKind::AnswerDispute,
        TodoKind::DecideExtension,
        TodoKind::NameDivisions,
        TodoKind::SetDate,
    ];

    /// The code the API uses (and the page's anchors).
    pub fn as_str(self) -> &'static str {
        match self {
            TodoKind::Acknowledge => "acknowledge",
            TodoKind::WriteReport => "write_report",
            TodoKind::CorrectReport => "correct_report",
            TodoKind::AnswerUrging => "answer_urging",
            TodoKind::Contribute => "contribute",
            TodoKind::ReviewReport => "review_report",
            TodoKind::AnswerDispute => "answer_dispute",
            TodoKind::DecideExtension => "decide_extension",
            TodoKind::NameDivisions => "name_divisions",
            TodoKind::SetDate => "set_date",
        }
    }

    /// Whose list it belongs on.
    pub fn role(self) -> Role {
        match self {
            TodoKind::Acknowledge
            | TodoKind::WriteReport
            | TodoKind::CorrectReport
            | TodoKind::AnswerUrging
            | TodoKind::Contribute => Role::Division,
            TodoKind::ReviewReport
            | TodoKind::AnswerDispute
            | TodoKind::DecideExtension
            | TodoKind::NameDivisions
            | TodoKind::SetDate => Role::Office,
        }
    }

    /// The kinds a role's list holds (none for leaders and auditors).
    pub fn of_role(role: Role) -> Vec<TodoKind> {
        Self::ALL.into_iter().filter(|k| k.role() == role).collect()
    }

    /// The group's heading.
    pub fn heading(self) -> &'static str {
        match self {
            TodoKind::Acknowledge => "待签收的分工",
            TodoKind::WriteReport => "待填报的本期进展",
            TodoKind::CorrectReport => "被退回、待修改的报告",
            TodoKind::AnswerUrging => "待答复的催办",
            TodoKind::Contribute => "待填写的配合情况",
            TodoKind::ReviewReport => "待审核的报告",
            TodoKind::AnswerDispute => "待答复的分工异议",
            TodoKind::DecideExtension => "待审批的延期申请",
            TodoKind::NameDivisions => "待指定具体处室的事项",
            TodoKind::SetDate => "待确定完成时限的事项（按上级部署）",
        }
    }

    /// What to do, as the entry's link says it.
    pub fn action(self) -> &'static str {
        match self {
            TodoKind::Acknowledge => "签收",
            TodoKind::WriteReport => "填报",
            TodoKind::CorrectReport => "修改后重新报送",
            TodoKind::AnswerUrging => "答复",
            TodoKind::Contribute => "填写配合情况",
            TodoKind::ReviewReport => "审核",
            TodoKind::AnswerDispute => "答复",
            TodoKind::DecideExtension => "审批",
            TodoKind::NameDivisions => "指定处室",
            TodoKind::SetDate => "设定日期",
        }
    }
}

/// A place on an item's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The page itself (its facts at the top).
    Item,
    /// The 督办 section: acknowledgement, dispute, extension.
    Supervision,
    /// One urging and its answer form.
    Urging(i32),
    /// One period's report (or a supporting division's slot for it).
    Report(i32),
    /// The form that starts a period's report.
    ReportForm,
    /// A supporting division's part for a period (its code, `2021-Q3`).
    Contribution(String),
    /// The office's forms for an item's divisions and date.
    Assignment,
}

/// The address of a place on an item's page.
pub fn item_href(item_id: i32, place: Place) -> String {
    let anchor = match place {
        Place::Item => String::new(),
        Place::Supervision => "#supervision".to_string(),
        Place::Urging(id) => format!("#urging-{id}"),
        Place::Report(id) => format!("#report-{id}"),
        Place::ReportForm => "#report-form".to_string(),
        Place::Contribution(period) => format!("#contribution-{period}"),
        Place::Assignment => "#office-assign".to_string(),
    };
    format!("/items/{item_id}{anchor}")
}

/// How a plan is named to a reader: `2021年《分工方案》`.
pub fn plan_label(year: i32, title: &str) -> String {
    format!("{year}年《{}》", title.trim())
}

/// How a notice or an entry names an item: its plan, number and task.
pub fn item_subject(year: i32, plan_title: &str, number: &str, task: &str) -> String {
    format!(
        "{}{}. {}",
        plan_label(year, plan_title),
        number,
        task.trim()
    )
}

/// Whether a notification's stored link may be followed: only an address of this site.
pub fn is_local_link(link: &str) -> bool {
    link.starts_with('/') && !link.starts_with("//") && !link.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_place_has_its_anchor() {
        for (place, want) in [
            (Place::Item, "/items/12"),
            (Place::Supervision, "/items/12#supervision"),
            (Place::Urging(5), "/items/12#urging-5"),
            (Place::Report(34), "/items/12#report-34"),
            (Place::ReportForm, "/items/12#report-form"),
            (
                Place::Contribution("2021-Q3".into()),
                "/items/12#contribution-2021-Q3",
            ),
            (Place::Assignment, "/items/12#office-assign"),
        ] {
            assert_eq!(item_href(12, place.clone()), want, "{place:?}");
        }
    }

    #[test]
    fn divisions_and_the_office_have_their_own_kinds_and_leaders_none() {
        for (role, want) in [
            (
                Role::Division,
                vec![
                    TodoKind::CorrectReport,
                    TodoKind::AnswerUrging,
                    TodoKind::Acknowledge,
                    TodoKind::WriteReport,
                    TodoKind::Contribute,
                ],
            ),
            (
                Role::Office,
                vec![
                    TodoKind::ReviewReport,
                    TodoKind::AnswerDispute,
                    TodoKind::DecideExtension,
                    TodoKind::NameDivisions,
                    TodoKind::SetDate,
                ],
            ),
            (Role::Leader, vec![]),
            (Role::Auditor, vec![]),
        ] {
            assert_eq!(TodoKind::of_role(role), want, "{role:?}");
        }
    }

    #[test]
    fn codes_are_the_serialised_names() {
        for k in TodoKind::ALL {
            let json = serde_json::to_value(k).expect("serialise");
            assert_eq!(json.as_str(), Some(k.as_str()), "{k:?}");
        }
    }

    #[test]
    fn subjects_name_the_plan() {
        for (year, title, number, task, want) in [
            (
                2021,
                "分工方案",
                "3",
                "发布目录",
                "2021年《分工方案》3. 发布目录",
            ),
            (2022, " 要点 ", "1.2", " 培训 ", "2022年《要点》1.2. 培训"),
        ] {
            assert_eq!(item_subject(year, title, number, task), want);
        }
    }

    #[test]
    fn only_local_links_are_followed() {
        for (link, ok) in [
            ("/items/3#report-4", true),
            ("/notifications", true),
            ("//evil.example/x", false),
            ("https://evil.example/", false),
            ("/\\evil.example", false),
            ("", false),
        ] {
            assert_eq!(is_local_link(link), ok, "{link}");
        }
    }
}
