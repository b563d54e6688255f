//! Agencies in a tree and how a user of one agency stands in another agency's plan.
//!
//! A city's disclosure office (政务公开办) sits above its bureaus, each bureau above its
//! divisions. A plan belongs to one agency and assigns its items to that agency's units: its
//! own divisions, or the agencies directly below it (each appears in its parent's unit list as
//! a unit of kind 下级机关). Someone acts in a plan as what their agency is to the plan's owner:
//! its own people as they are; the office of an agency directly below as that agency's unit
//! (it reports up on what the unit leads, as a division reports to its office); the offices,
//! leaders and auditors of an agency further up as supervisors who read everything and write
//! nothing of the agency's own (their reviews, urgings and evaluations are made in their own
//! plan). Everyone else does not see the plan at all.

use super::access::Actor;
use super::role::Role;

/// What the user's agency is to the agency that owns a plan (or a division, or a user).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The same agency.
    Own,
    /// The owner is directly above: the user's agency is the owner's unit `unit_id`.
    Below { unit_id: i32 },
    /// The user's agency is above the owner (its parent, or further up).
    Above,
    /// Neither: another bureau, another city.
    Unrelated,
}

/// One agency's place in the tree: its id and its parent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub id: i32,
    pub parent_id: Option<i32>,
}

/// The chain from `agency` up to the top (the agency first); stops at a cycle or a missing link.
pub fn ancestry(nodes: &[Node], agency: i32) -> Vec<i32> {
    let mut chain = vec![agency];
    let mut at = agency;
    while let Some(parent) = nodes.iter().find(|n| n.id == at).and_then(|n| n.parent_id) {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    chain
}

/// What `user_agency` is to `owner`, given the tree and the user agency's unit row in its
/// parent's list (`unit_in_parent`, when it has one).
pub fn relation(
    nodes: &[Node],
    user_agency: i32,
    owner: i32,
    unit_in_parent: Option<i32>,
) -> Relation {
    if user_agency == owner {
        return Relation::Own;
    }
    let mine = ancestry(nodes, user_agency);
    if mine.get(1) == Some(&owner) {
        if let Some(unit_id) = unit_in_parent {
            return Relation::Below { unit_id };
        }
        return Relation::Unrelated;
    }
    if ancestry(nodes, owner).contains(&user_agency) {
        return Relation::Above;
    }
    Relation::Unrelated
}

/// How `actor` (as they are in their own agency) acts in a plan of an agency they stand in
/// `relation` to; `None`: they do not see it.
pub fn actor_in(actor: Actor, relation: Relation) -> Option<Actor> {
    match relation {
        Relation::Own => Some(actor),
        // Only the office speaks for an agency to the level above.
        Relation::Below { unit_id } => (actor.role == Role::Office).then_some(Actor {
            role: Role::Division,
            division_id: Some(unit_id),
        }),
        // Supervision from above reads; a division of the upper office has no say below.
        Relation::Above => (actor.role != Role::Division).then_some(Actor {
            role: Role::Auditor,
            division_id: None,
        }),
        Relation::Unrelated => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1 city office → 2 sports bureau, 3 finance bureau; 2 → 4 a district office below it.
    const TREE: [Node; 4] = [
        Node {
            id: 1,
            parent_id: None,
        },
        Node {
            id: 2,
            parent_id: Some(1),
        },
        Node {
            id: 3,
            parent_id: Some(1),
        },
        Node {
            id: 4,
            parent_id: Some(2),
        },
    ];

    #[test]
    fn relations_in_a_city() {
        let cases = [
            // (user agency, owner, unit in parent, expected)
            (1, 1, None, Relation::Own),
            (2, 1, Some(20), Relation::Below { unit_id: 20 }),
            (2, 1, None, Relation::Unrelated),
            (4, 2, Some(40), Relation::Below { unit_id: 40 }),
            (4, 1, Some(40), Relation::Unrelated),
            (1, 2, None, Relation::Above),
            (1, 4, None, Relation::Above),
            (2, 4, None, Relation::Above),
            (2, 3, Some(20), Relation::Unrelated),
            (3, 4, Some(30), Relation::Unrelated),
            (9, 1, None, Relation::Unrelated),
        ];
        for (user, owner, unit, want) in cases {
            assert_eq!(
                relation(&TREE, user, owner, unit),
                want,
                "{user} in {owner}'s"
            );
        }
    }

    #[test]
    fn a_cycle_does_not_hang() {
        let looped = [
            Node {
                id: 1,
                parent_id: Some(2),
            },
            Node {
                id: 2,
                parent_id: Some(1),
            },
        ];
        assert_eq!(ancestry(&looped, 1), vec![1, 2]);
    }

    #[test]
    fn who_acts_how() {
        let office = Actor {
            role: Role::Office,
            division_id: None,
        };
        let division = Actor {
            role: Role::Division,
            division_id: Some(7),
        };
        let leader = Actor {
            role: Role::Leader,
            division_id: None,
        };
        let read_only = Some(Actor {
            role: Role::Auditor,
            division_id: None,
        });
        let below = Relation::Below { unit_id: 20 };
        let cases = [
            (office, Relation::Own, Some(office)),
            (division, Relation::Own, Some(division)),
            (
                office,
                below,
                Some(Actor {
                    role: Role::Division,
                    division_id: Some(20),
                }),
            ),
            (division, below, None),
            (leader, below, None),
            (office, Relation::Above, read_only),
            (leader, Relation::Above, read_only),
            (division, Relation::Above, None),
            (office, Relation::Unrelated, None),
        ];
        for (actor, rel, want) in cases {
            assert_eq!(actor_in(actor, rel), want, "{actor:?} {rel:?}");
        }
    }
}
