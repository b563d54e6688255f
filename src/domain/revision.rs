//! Comparing a plan with its revised version, item by item (matched by number).

use serde::Serialize;

/// What the comparison looks at in an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    pub number: String,
    pub task: String,
    pub requirement: String,
    pub deadline: String,
    pub lead: Vec<String>,
    pub support: Vec<String>,
}

/// One difference between the plan and its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum Change {
    /// A number only the revision has.
    Added { number: String },
    /// The same number with other content; `fields` names what differs.
    Changed { number: String, fields: Vec<String> },
    /// A number only the current plan has.
    Removed { number: String },
}

/// A name without its second name in parentheses: 体育产业处（保卫处） is 体育产业处.
fn base_name(name: &str) -> &str {
    name.find(['（', '(']).map_or(name, |i| name[..i].trim())
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&str> = a.iter().map(|n| base_name(n)).collect();
    let mut b: Vec<&str> = b.iter().map(|n| base_name(n)).collect();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}

/// The fields (`task`, `requirement`, `deadline`, `lead`, `support`) in which two versions
/// of one item differ, in that order.
pub fn differing(old: &ItemFacts, new: &ItemFacts) -> Vec<String> {
    let mut fields = Vec::new();
    if old.task != new.task {
        fields.push("task".to_string());
    }
    if old.requirement != new.requirement {
        fields.push("requirement".to_string());
    }
    if old.deadline != new.deadline {
        fields.push("deadline".to_string());
    }
    if !same_set(&old.lead, &new.lead) {
        fields.push("lead".to_string());
    }
    if !same_set(&old.support, &new.support) {
        fields.push("support".to_string());
    }
    fields
}

/// Lists what the revision adds, changes and removes, in the revision's order (removals last).
pub fn diff(current: &[ItemFacts], revised: &[ItemFacts]) -> Vec<Change> {
    let mut changes = Vec::new();
    for new in revised {
        match current.iter().find(|c| c.number == new.number) {
            None => changes.push(Change::Added {
                number: new.number.clone(),
            }),
            Some(old) => {
                let fields = differing(old, new);
                if !fields.is_empty() {
                    changes.push(Change::Changed {
                        number: new.number.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for old in current {
        if !revised.iter().any(|n| n.number == old.number) {
            changes.push(Change::Removed {
                number: old.number.clone(),
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(number: &str, task: &str, deadline: &str, lead: &[&str]) -> ItemFacts {
        ItemFacts {
            number: number.into(),
            task: task.into(),
            requirement: "要求".into(),
            deadline: deadline.into(),
            lead: lead.iter().map(|s| s.to_string()).collect(),
            support: vec![],
        }
    }

    #[test]
    fn table() {
        let current = vec![
            item("1", "发布目录", "3月31日前", &["办公室"]),
            item("2", "培训", "全年", &["办公室", "法规宣传处"]),
            item("3", "年报", "1月31日前", &["办公室"]),
        ];
        let revised = vec![
            item("1", "发布目录", "3月31日前", &["办公室"]),
            item("2", "培训", "6月底前", &["法规宣传处", "办公室"]),
            item("4", "新增事项", "年底前", &["计划财务处"]),
        ];
        assert_eq!(
            diff(&current, &revised),
            vec![
                Change::Changed {
                    number: "2".into(),
                    fields: vec!["deadline".into()]
                },
                Change::Added { number: "4".into() },
                Change::Removed { number: "3".into() },
            ]
        );
        assert!(diff(&current, &current).is_empty());
        let second_name = vec![item("1", "发布目录", "3月31日前", &["办公室（保卫处）"])];
        assert!(
            diff(&current[..1], &second_name).is_empty(),
            "a second name is the same division"
        );
    }
}
