//! Who may read and write what: the one place the division rule lives.
//!
//! Reads: the office, leaders and auditors read everything. Every role sees the plan's items
//! (the plan is circulated to all divisions). A division reads the reports of the items it
//! leads or supports once the office has accepted them, and drafts, submitted and returned
//! reports (with their evidence) when it leads the item: co-leads share one report per
//! period and write it together, so each reads what the other saved.

use super::lifecycle::ReportState;
use super::role::Role;

/// How a division takes part in an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Owns the item (主办/牵头).
    Lead,
    /// Helps with it (会办/协办/配合).
    Support,
}

impl Part {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Lead => "lead",
            Part::Support => "support",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "lead" => Some(Part::Lead),
            "support" => Some(Part::Support),
            _ => None,
        }
    }
}

/// Someone acting: the user's role and, for division staff, their division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    pub division_id: Option<i32>,
}

/// A kind of write on an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemWrite {
    /// Change the item itself: text, deadline, assignments (the office's work).
    Edit,
    /// Write, submit or correct the period report (the lead division's work).
    Report,
    /// Add a supporting division's contribution to the report.
    Contribute,
}

/// The answer to "may this actor do this to this item".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Allowed; `acting_for` names the division on whose behalf the write is recorded.
    Allowed { acting_for: Option<i32> },
    /// Refused, with the reason a user reads.
    Denied(&'static str),
}

/// Decides whether `actor` may perform `write` on an item assigned as `parts`
/// (one `(part, division id)` per assignment; placeholders carry no id).
pub fn item_write(actor: Actor, parts: &[(Part, Option<i32>)], write: ItemWrite) -> Decision {
    let first = |want: Part| {
        parts
            .iter()
            .find(|(p, d)| *p == want && d.is_some())
            .and_then(|(_, d)| *d)
    };
    match actor.role {
        // The office may act on any item; report writes are recorded for the lead division.
        Role::Office => Decision::Allowed {
            acting_for: match write {
                ItemWrite::Edit => None,
                ItemWrite::Report | ItemWrite::Contribute => first(Part::Lead),
            },
        },
        Role::Leader | Role::Auditor => Decision::Denied("您的角色只能查看，不能修改事项"),
        Role::Division => {
            let Some(mine) = actor.division_id else {
                return Decision::Denied("您的账号未关联处室，请联系办公室设置");
            };
            let has = |want: Part| parts.iter().any(|(p, d)| *p == want && *d == Some(mine));
            match write {
                ItemWrite::Edit => Decision::Denied("事项内容由办公室维护，如需调整请联系办公室"),
                ItemWrite::Report if has(Part::Lead) => Decision::Allowed {
                    acting_for: Some(mine),
                },
                ItemWrite::Report => Decision::Denied("只有牵头处室可以填报本事项的进展"),
                ItemWrite::Contribute if has(Part::Support) || has(Part::Lead) => {
                    Decision::Allowed {
                        acting_for: Some(mine),
                    }
                }
                ItemWrite::Contribute => Decision::Denied("本处室不是本事项的牵头或配合处室"),
            }
        }
    }
}

/// Whether `actor` may read a report (and its evidence) started by `report_division` for an
/// item assigned as `parts`: the report is every lead's, so any lead reads it at any state.
pub fn may_read_report(
    actor: Actor,
    parts: &[(Part, Option<i32>)],
    report_division: i32,
    state: ReportState,
) -> bool {
    match actor.role {
        Role::Office | Role::Leader | Role::Auditor => true,
        Role::Division => {
            let Some(mine) = actor.division_id else {
                return false;
            };
            mine == report_division
                || parts
                    .iter()
                    .any(|(p, d)| *p == Part::Lead && *d == Some(mine))
                || (state.is_accepted() && parts.iter().any(|(_, d)| *d == Some(mine)))
        }
    }
}

/// Whether `actor` may read what belongs to one division: its calendar of deadlines and
/// report due dates.
pub fn may_read_division(actor: Actor, division: i32) -> bool {
    match actor.role {
        Role::Office | Role::Leader | Role::Auditor => true,
        Role::Division => actor.division_id == Some(division),
    }
}

/// Whether `actor` may write for one division outside an item's report (answer an urging
/// addressed to it, hand in its offline progress workbook): its own staff, and the office.
/// Leaders and auditors read only, whatever division their account carries.
pub fn may_act_for_division(actor: Actor, division: i32) -> bool {
    match actor.role {
        Role::Office => true,
        Role::Division => actor.division_id == Some(division),
        Role::Leader | Role::Auditor => false,
    }
}

/// Whether the role may change the directory, users, plans and reporting periods.
pub fn may_administer(role: Role) -> bool {
    role == Role::Office
}

/// Whether the role may comment on the year-end evaluation: the office and the auditors.
pub fn may_comment_on_evaluation(role: Role) -> bool {
    matches!(role, Role::Office | Role::Auditor)
}

/// Whether the role may read the audit trail.
pub fn may_read_audit(role: Role) -> bool {
    role == Role::Office
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_rules() {
        use ReportState::*;
        // Item led by division 1, supported by 2; division 3 has no part in it.
        let parts = [(Part::Lead, Some(1)), (Part::Support, Some(2))];
        let as_role = |role| Actor {
            role,
            division_id: None,
        };
        // actor, report's division, state, may read
        let cases: Vec<(Actor, i32, ReportState, bool)> = vec![
            (OFFICE, 1, Draft, true),
            (as_role(Role::Leader), 1, Returned, true),
            (as_role(Role::Auditor), 1, Submitted, true),
            (division(1), 1, Draft, true),
            (division(1), 1, Returned, true),
            (division(2), 1, Accepted, true),
            (division(2), 1, Draft, false),
            (division(2), 1, Submitted, false),
            (division(2), 1, Returned, false),
            (division(3), 1, Accepted, false),
            (division(3), 1, Draft, false),
            // The report is the lead's whoever started it (the office acting for it, say).
            (division(1), 2, Accepted, true),
            (division(1), 2, Draft, true),
            (as_role(Role::Division), 1, Accepted, false),
        ];
        for (actor, owner, state, ok) in cases {
            assert_eq!(
                may_read_report(actor, &parts, owner, state),
                ok,
                "{actor:?} reading division {owner}'s {state} report"
            );
        }
        // Co-leads 1 and 4 share the period's report: each reads the other's draft; the
        // supporting division 2 still reads only the accepted one.
        let co_led = [
            (Part::Lead, Some(1)),
            (Part::Lead, Some(4)),
            (Part::Support, Some(2)),
        ];
        let co_cases: Vec<(Actor, i32, ReportState, bool)> = vec![
            (division(4), 1, Draft, true),
            (division(4), 1, Submitted, true),
            (division(1), 4, Returned, true),
            (division(2), 4, Draft, false),
            (division(2), 4, Accepted, true),
            (division(3), 4, Draft, false),
        ];
        for (actor, owner, state, ok) in co_cases {
            assert_eq!(
                may_read_report(actor, &co_led, owner, state),
                ok,
                "{actor:?} reading co-lead {owner}'s {state} report"
            );
        }
        assert!(may_read_division(OFFICE, 7));
        assert!(may_read_division(as_role(Role::Leader), 7));
        assert!(may_read_division(division(7), 7));
        assert!(!may_read_division(division(1), 7));
        assert!(!may_read_division(as_role(Role::Division), 7));
    }

    #[test]
    fn division_writes() {
        let carrying = |role| Actor {
            role,
            division_id: Some(7),
        };
        // actor, division written for, allowed
        let cases = [
            (OFFICE, 7, true),
            (division(7), 7, true),
            (division(1), 7, false),
            (carrying(Role::Leader), 7, false),
            (carrying(Role::Auditor), 7, false),
            (
                Actor {
                    role: Role::Division,
                    division_id: None,
                },
                7,
                false,
            ),
        ];
        for (actor, d, ok) in cases {
            assert_eq!(may_act_for_division(actor, d), ok, "{actor:?} for {d}");
        }
    }

    const OFFICE: Actor = Actor {
        role: Role::Office,
        division_id: None,
    };
    fn division(id: i32) -> Actor {
        Actor {
            role: Role::Division,
            division_id: Some(id),
        }
    }

    #[test]
    fn table() {
        // Item led by division 1 (and placeholder), supported by 2.
        let parts = [
            (Part::Lead, Some(1)),
            (Part::Lead, None),
            (Part::Support, Some(2)),
        ];
        let allowed = |d| Decision::Allowed { acting_for: d };
        let cases: Vec<(Actor, ItemWrite, bool, Option<i32>)> = vec![
            (OFFICE, ItemWrite::Edit, true, None),
            (OFFICE, ItemWrite::Report, true, Some(1)),
            (OFFICE, ItemWrite::Contribute, true, Some(1)),
            (division(1), ItemWrite::Edit, false, None),
            (division(1), ItemWrite::Report, true, Some(1)),
            (division(1), ItemWrite::Contribute, true, Some(1)),
            (division(2), ItemWrite::Report, false, None),
            (division(2), ItemWrite::Contribute, true, Some(2)),
            (division(3), ItemWrite::Report, false, None),
            (division(3), ItemWrite::Contribute, false, None),
            (
                Actor {
                    role: Role::Division,
                    division_id: None,
                },
                ItemWrite::Report,
                false,
                None,
            ),
            (
                Actor {
                    role: Role::Leader,
                    division_id: None,
                },
                ItemWrite::Report,
                false,
                None,
            ),
            (
                Actor {
                    role: Role::Auditor,
                    division_id: Some(1),
                },
                ItemWrite::Report,
                false,
                None,
            ),
        ];
        for (actor, write, ok, acting) in cases {
            let got = item_write(actor, &parts, write);
            if ok {
                assert_eq!(got, allowed(acting), "{actor:?} {write:?}");
            } else {
                assert!(
                    matches!(got, Decision::Denied(_)),
                    "{actor:?} {write:?} got {got:?}"
                );
            }
        }
    }

    #[test]
    fn unassigned_item_is_the_office_s_alone() {
        assert_eq!(
            item_write(OFFICE, &[], ItemWrite::Report),
            Decision::Allowed { acting_for: None }
        );
        assert!(matches!(
            item_write(division(1), &[(Part::Lead, None)], ItemWrite::Report),
            Decision::Denied(_)
        ));
    }

    #[test]
    fn administration_is_the_office_s() {
        for role in Role::ALL {
            assert_eq!(may_administer(role), role == Role::Office);
            assert_eq!(may_read_audit(role), role == Role::Office);
            assert_eq!(
                may_comment_on_evaluation(role),
                matches!(role, Role::Office | Role::Auditor)
            );
        }
    }
}
