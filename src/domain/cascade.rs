//! A plan handed down from the plan above (承接上级计划): which upper items go to which agency
//! below, what the handed-down plan is called, what a second hand-down adds, in which fields
//! an item differs from its upper item, and how an agency's own division plan is matched to
//! the upper items (by number, else by the wording of the task).

use std::collections::BTreeMap;

use serde::Serialize;

use super::access::Part;
use super::revision::{self, ItemFacts};

/// One assignment of an upper item to a unit that stands for an agency below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitAssignment {
    pub item_id: i32,
    pub part: Part,
    /// The agency the unit stands for.
    pub agency_id: i32,
}

/// The upper items each agency below receives, in the order the assignments come (the plan's
/// order), each once: leading wins over supporting.
pub fn recipients(assignments: &[UnitAssignment]) -> BTreeMap<i32, Vec<(i32, Part)>> {
    let mut out: BTreeMap<i32, Vec<(i32, Part)>> = BTreeMap::new();
    for a in assignments {
        let items = out.entry(a.agency_id).or_default();
        match items.iter_mut().find(|(id, _)| *id == a.item_id) {
            Some(entry) => {
                if a.part == Part::Lead {
                    entry.1 = Part::Lead;
                }
            }
            None => items.push((a.item_id, a.part)),
        }
    }
    out
}

/// The title of the plan handed down to `agency`: whose it is and which plan it carries out,
/// e.g. 广州市体育局2021年政务公开工作要点（承接：广州市政务公开办2021年政务公开工作要点）.
/// The upper agency's name is added when the upper title does not carry it already.
pub fn handed_down_title(agency: &str, year: i32, upper_agency: &str, upper_title: &str) -> String {
    let upper_title = upper_title.trim();
    let upper = if upper_agency.is_empty() || upper_title.contains(upper_agency) {
        upper_title.to_string()
    } else {
        format!("{upper_agency}{upper_title}")
    };
    format!("{agency}{year}年政务公开工作要点（承接：{upper}）")
}

/// An upper item given to an agency: its id, its current version and its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    pub id: i32,
    pub version: i32,
    pub number: String,
}

/// One of the agency's items as it stands towards the plan above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linked {
    pub item_id: i32,
    pub number: String,
    /// The upper item it was copied from (`None` once that item was deleted above).
    pub upper_item_id: Option<i32>,
    /// The upper item's version it copied (`None`: an item of the agency's own).
    pub upper_version: Option<i32>,
}

impl Linked {
    /// Copied from an upper item that has since been deleted above.
    pub fn orphaned(&self) -> bool {
        self.upper_item_id.is_none() && self.upper_version.is_some()
    }
}

/// What handing down (again) does for one agency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sorting {
    /// Upper items to copy: not handed down yet.
    pub to_add: Vec<i32>,
    /// Upper items already handed down and unchanged since.
    pub already: usize,
    /// Upper items already handed down that changed above since (left for the agency to take).
    pub changed: Vec<i32>,
    /// (own item, upper item): an item whose upper item was deleted and given again under the
    /// same number (a revision above that renumbered or re-added it) links to the new one.
    pub relink: Vec<(i32, i32)>,
}

/// Sorts the upper items given to an agency against the agency's items: nothing already
/// there is added again, and nothing is overwritten.
pub fn sort(given: &[Given], own: &[Linked]) -> Sorting {
    let mut out = Sorting::default();
    let mut relinked: Vec<i32> = Vec::new();
    for g in given {
        if let Some(linked) = own.iter().find(|o| o.upper_item_id == Some(g.id)) {
            if linked.upper_version.unwrap_or(0) < g.version {
                out.changed.push(g.id);
            } else {
                out.already += 1;
            }
            continue;
        }
        let orphan = own
            .iter()
            .find(|o| o.orphaned() && o.number == g.number && !relinked.contains(&o.item_id));
        match orphan {
            Some(o) => {
                relinked.push(o.item_id);
                out.relink.push((o.item_id, g.id));
            }
            None => out.to_add.push(g.id),
        }
    }
    out
}

/// The fields in which an item differs from its upper item: `number`, then those of
/// [`revision::differing`] (units are the plan's own on each level and are not compared).
pub fn differing(upper: &ItemFacts, own: &ItemFacts) -> Vec<String> {
    let mut fields = Vec::new();
    if upper.number != own.number {
        fields.push("number".to_string());
    }
    let strip = |f: &ItemFacts| ItemFacts {
        lead: Vec::new(),
        support: Vec::new(),
        ..f.clone()
    };
    fields.extend(revision::differing(&strip(upper), &strip(own)));
    fields
}

/// The Chinese name of a compared field, as pages show it.
pub fn field_label(field: &str) -> &str {
    match field {
        "number" => "序号",
        "task" => "工作任务",
        "requirement" => "具体要求",
        "deadline" => "完成时限",
        "lead" => "牵头单位",
        "support" => "配合单位",
        other => other,
    }
}

/// How an imported item found its upper item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The same number (the city's numbering kept).
    Number,
    /// No upper item has its number; the task reads like this one's.
    Text,
}

/// How alike two tasks read, from 0 (nothing shared) to 1 (the same): the Dice coefficient
/// of their character pairs, ignoring spaces and punctuation.
pub fn similarity(a: &str, b: &str) -> f64 {
    let pairs = |s: &str| -> Vec<(char, char)> {
        let chars: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (pa, mut pb) = (pairs(a), pairs(b));
    if pa.is_empty() || pb.is_empty() {
        let same = !a.trim().is_empty() && a.trim() == b.trim();
        return if same { 1.0 } else { 0.0 };
    }
    let total = (pa.len() + pb.len()) as f64;
    let mut shared = 0usize;
    for p in &pa {
        if let Some(k) = pb.iter().position(|q| q == p) {
            pb.swap_remove(k);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total
}

/// Below this, two tasks are not taken for the same item.
pub const SAME_TASK: f64 = 0.5;

/// The upper item each imported item matches (indexes into `upper`): by number first, then,
/// for items whose number no upper item has, the most alike task still unmatched (at least
/// [`SAME_TASK`]). Each upper item is matched once.
pub fn match_items(imported: &[ItemFacts], upper: &[ItemFacts]) -> Vec<Option<(usize, MatchedBy)>> {
    let mut out: Vec<Option<(usize, MatchedBy)>> = vec![None; imported.len()];
    let mut taken = vec![false; upper.len()];
    for (i, item) in imported.iter().enumerate() {
        if let Some(u) = (0..upper.len()).find(|&u| !taken[u] && upper[u].number == item.number) {
            taken[u] = true;
            out[i] = Some((u, MatchedBy::Number));
        }
    }
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (i, item) in imported.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        for (u, up) in upper.iter().enumerate() {
            if taken[u] {
                continue;
            }
            let s = similarity(&item.task, &up.task);
            if s >= SAME_TASK {
                candidates.push((s, i, u));
            }
        }
    }
    // The most alike pairs first; ties in plan order.
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, i, u) in candidates {
        if out[i].is_none() && !taken[u] {
            taken[u] = true;
            out[i] = Some((u, MatchedBy::Text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(number: &str, task: &str, requirement: &str, deadline: &str) -> ItemFacts {
        ItemFacts {
            number: number.into(),
            task: task.into(),
            requirement: requirement.into(),
            deadline: deadline.into(),
            lead: vec![],
            support: vec![],
        }
    }

    #[test]
    fn recipients_take_each_item_once_leading_over_supporting() {
        let a = |item_id, part, agency_id| UnitAssignment {
            item_id,
            part,
            agency_id,
        };
        type Received = Vec<(i32, Vec<(i32, Part)>)>;
        let cases: Vec<(Vec<UnitAssignment>, Received)> = vec![
            (vec![], vec![]),
            (
                vec![
                    a(1, Part::Lead, 10),
                    a(1, Part::Support, 11),
                    a(2, Part::Lead, 11),
                ],
                vec![
                    (10, vec![(1, Part::Lead)]),
                    (11, vec![(1, Part::Support), (2, Part::Lead)]),
                ],
            ),
            // Named twice: once as lead, once as support, in either order.
            (
                vec![
                    a(3, Part::Support, 10),
                    a(3, Part::Lead, 10),
                    a(4, Part::Lead, 10),
                    a(4, Part::Support, 10),
                ],
                vec![(10, vec![(3, Part::Lead), (4, Part::Lead)])],
            ),
        ];
        for (given, want) in cases {
            let got: Vec<(i32, Vec<(i32, Part)>)> = recipients(&given).into_iter().collect();
            assert_eq!(got, want, "{given:?}");
        }
    }

    #[test]
    fn titles_say_whose_and_from_which_plan() {
        let cases = [
            (
                ("广州市体育局", 2021, "广州市政务公开办", "2021年政务公开工作要点"),
                "广州市体育局2021年政务公开工作要点（承接：广州市政务公开办2021年政务公开工作要点）",
            ),
            (
                ("广州市财政局", 2021, "广州市政务公开办", "广州市政务公开办2021年政务公开工作要点 "),
                "广州市财政局2021年政务公开工作要点（承接：广州市政务公开办2021年政务公开工作要点）",
            ),
            (
                ("广州市体育局", 2022, "", "城市要点"),
                "广州市体育局2022年政务公开工作要点（承接：城市要点）",
            ),
        ];
        for ((agency, year, upper_agency, upper_title), want) in cases {
            assert_eq!(
                handed_down_title(agency, year, upper_agency, upper_title),
                want
            );
        }
    }

    #[test]
    fn a_second_hand_down_adds_only_what_is_new() {
        let g = |id, version, number: &str| Given {
            id,
            version,
            number: number.into(),
        };
        let l = |item_id, number: &str, upper: Option<i32>, version: Option<i32>| Linked {
            item_id,
            number: number.into(),
            upper_item_id: upper,
            upper_version: version,
        };
        let cases: Vec<(&str, Vec<Given>, Vec<Linked>, Sorting)> = vec![
            (
                "first time: everything",
                vec![g(1, 1, "1"), g(2, 3, "2")],
                vec![],
                Sorting {
                    to_add: vec![1, 2],
                    ..Sorting::default()
                },
            ),
            (
                "again: nothing new; one changed above",
                vec![g(1, 1, "1"), g(2, 3, "2"), g(5, 1, "5")],
                vec![
                    l(101, "1", Some(1), Some(1)),
                    l(102, "二", Some(2), Some(2)),
                    l(103, "9", None, None),
                ],
                Sorting {
                    to_add: vec![5],
                    already: 1,
                    changed: vec![2],
                    relink: vec![],
                },
            ),
            (
                "deleted above and given again under its number: relinked, not doubled",
                vec![g(7, 1, "3")],
                vec![l(104, "3", None, Some(2)), l(105, "3", None, None)],
                Sorting {
                    relink: vec![(104, 7)],
                    ..Sorting::default()
                },
            ),
        ];
        for (what, given, own, want) in cases {
            assert_eq!(sort(&given, &own), want, "{what}");
        }
    }

    #[test]
    fn fields_that_differ_from_the_upper_item() {
        let upper = facts("1", "发布目录", "按时发布", "3月31日前");
        let cases = [
            (facts("1", "发布目录", "按时发布", "3月31日前"), vec![]),
            (
                facts("1", "发布目录", "按时发布", "6月30日前"),
                vec!["deadline"],
            ),
            (
                facts("2", "发布目录（本局）", "按时发布", "3月31日前"),
                vec!["number", "task"],
            ),
            (
                facts("1", "发布目录", "每季度发布", "全年"),
                vec!["requirement", "deadline"],
            ),
        ];
        for (own, want) in cases {
            assert_eq!(differing(&upper, &own), want, "{own:?}");
        }
        let with_units = ItemFacts {
            lead: vec!["办公室".into()],
            ..upper.clone()
        };
        assert!(
            differing(&upper, &with_units).is_empty(),
            "units are not compared"
        );
    }

    #[test]
    fn similarity_reads_wording() {
        assert_eq!(
            similarity("发布政府信息公开目录", "发布政府信息公开目录"),
            1.0
        );
        assert_eq!(similarity("发布目录", "组织培训"), 0.0);
        assert!(similarity("做好政府信息公开年报工作", "做好本局政府信息公开年报工作") > 0.8);
        assert_eq!(similarity("", ""), 0.0);
    }

    #[test]
    fn imported_items_meet_the_upper_items() {
        let upper = vec![
            facts("1", "加强政策解读", "", ""),
            facts("2", "推进决策公开", "", ""),
            facts("5", "做好政府信息公开年报工作", "", ""),
            facts("7", "规范依申请公开", "", ""),
        ];
        let imported = vec![
            facts("1", "加强政策解读", "", ""),
            // Renumbered by the agency, the same task.
            facts("3", "做好本局政府信息公开年报工作", "", ""),
            // The agency's own item.
            facts("8", "建设体育场馆开放信息平台", "", ""),
            facts("2", "完全不同的任务", "", ""),
        ];
        assert_eq!(
            match_items(&imported, &upper),
            vec![
                Some((0, MatchedBy::Number)),
                Some((2, MatchedBy::Text)),
                None,
                Some((1, MatchedBy::Number)),
            ]
        );
        // Two imported items alike to one upper item: the more alike one takes it.
        let upper = vec![facts("9", "公开财政预决算信息", "", "")];
        let imported = vec![
            facts("a", "公开预决算", "", ""),
            facts("b", "公开财政预决算信息", "", ""),
        ];
        assert_eq!(
            match_items(&imported, &upper),
            vec![None, Some((0, MatchedBy::Text))]
        );
    }
}
