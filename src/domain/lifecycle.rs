//! The lives of what divisions hand in: a report's states and who may move it on, the answer
//! to an assignment (签收 / 异议), a request for more time, and the kinds of evidence. Each is
//! stored as its code (`as_str`, read and written by `db::stored`); the Chinese words users
//! read live here and nowhere else.

use serde::{Deserialize, Serialize};

/// Declares a coded enum: each variant with its stored code (its snake_case name, which the
/// API uses too; a test holds the two together),
/// the derives every stored code shares, `ALL`, `as_str`, `parse` and `Display`.
macro_rules! stored_codes {
    ($(#[$m:meta])* pub enum $t:ident { $($(#[$vm:meta])* $v:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            Serialize,
            Deserialize,
            utoipa::ToSchema,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        pub enum $t {
            $($(#[$vm])* $v),+
        }

        impl $t {
            /// Every value, in the order of its life.
            pub const ALL: &'static [$t] = &[$($t::$v),+];

            /// The code stored in the database and used in the API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($t::$v => $code),+
                }
            }

            /// Reads a stored code.
            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|s| s.as_str() == code)
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_codes! {
    /// Where a division's progress report for one reporting period stands.
    pub enum ReportState {
        /// Written and saved, not yet handed in.
        Draft => "draft",
        /// Handed in, waiting for the office's review.
        Submitted => "submitted",
        /// The office accepted it; it counts in every figure and can no longer change.
        Accepted => "accepted",
        /// The office sent it back with what to correct.
        Returned => "returned",
    }
}

/// What the office decides on a submitted report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Accept,
    Return,
}

impl ReportState {
    /// The words users read on lists and the item page.
    pub fn label(self) -> &'static str {
        match self {
            ReportState::Draft => "草稿",
            ReportState::Submitted => "已报送，待审核",
            ReportState::Accepted => "已通过",
            ReportState::Returned => "已退回，待修改",
        }
    }

    /// Whether the lead division may still rewrite the report (a draft, or one sent back).
    pub fn can_edit(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }

    /// Whether the office sent it back and the lead owes a correction (the item page opens
    /// its form at once).
    pub fn awaits_correction(self) -> bool {
        self == ReportState::Returned
    }

    /// Whether the report may be handed in now.
    pub fn can_submit(self) -> bool {
        self.can_edit()
    }

    /// Whether the office may review it now.
    pub fn can_review(self) -> bool {
        self == ReportState::Submitted
    }

    /// Whether supporting divisions may still add their part and evidence.
    pub fn open_to_contributions(self) -> bool {
        self != ReportState::Accepted
    }

    /// Whether the report has been handed in (whatever the office made of it since): it
    /// counts as reported on time or late.
    pub fn handed_in(self) -> bool {
        matches!(self, ReportState::Submitted | ReportState::Accepted)
    }

    /// Whether it counts in figures and exports (only what the office accepted does).
    pub fn is_accepted(self) -> bool {
        self == ReportState::Accepted
    }

    /// Whether the division still owes this period's report (none handed in yet, or it came
    /// back): what reminders and urgings chase.
    pub fn still_owed(report: Option<ReportState>) -> bool {
        report.is_none_or(Self::can_edit)
    }

    /// The state a review moves a submitted report to.
    pub fn after_review(self, review: Review) -> Option<ReportState> {
        if !self.can_review() {
            return None;
        }
        Some(match review {
            Review::Accept => ReportState::Accepted,
            Review::Return => ReportState::Returned,
        })
    }
}

stored_codes! {
    /// A lead division's answer to an assignment, and the office's answer to a dispute.
    pub enum AcknowledgementState {
        /// 签收: the division takes the item on.
        Acknowledged => "acknowledged",
        /// The division asks the office to reassign it.
        Disputed => "disputed",
        /// The office kept the assignment.
        Kept => "kept",
        /// The office gave the item to another lead.
        Reassigned => "reassigned",
    }
}

impl AcknowledgementState {
    /// The words users read.
    pub fn label(self) -> &'static str {
        match self {
            AcknowledgementState::Acknowledged => "已签收",
            AcknowledgementState::Disputed => "有异议，待办公室答复",
            AcknowledgementState::Kept => "办公室维持分工",
            AcknowledgementState::Reassigned => "已改派",
        }
    }

    /// Whether the office still owes an answer.
    pub fn awaits_office(self) -> bool {
        self == AcknowledgementState::Disputed
    }
}

stored_codes! {
    /// A request to move an item's due date.
    pub enum ExtensionState {
        Pending => "pending",
        Approved => "approved",
        Refused => "refused",
    }
}

impl ExtensionState {
    /// The words users read.
    pub fn label(self) -> &'static str {
        match self {
            ExtensionState::Pending => "待审批",
            ExtensionState::Approved => "已同意",
            ExtensionState::Refused => "未同意",
        }
    }

    /// Whether the office may still decide it.
    pub fn is_pending(self) -> bool {
        self == ExtensionState::Pending
    }

    /// The state the office's decision moves a pending request to.
    pub fn decided(approve: bool) -> ExtensionState {
        if approve {
            ExtensionState::Approved
        } else {
            ExtensionState::Refused
        }
    }
}

stored_codes! {
    /// What a piece of evidence is.
    pub enum EvidenceKind {
        /// An uploaded file, kept by its hash.
        File => "file",
        /// A published web page, given by its address.
        Url => "url",
    }
}

impl EvidenceKind {
    /// Whether there are bytes to download.
    pub fn has_file(self) -> bool {
        self == EvidenceKind::File
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_as_what_they_were() {
        for s in ReportState::ALL {
            assert_eq!(ReportState::parse(s.as_str()), Some(*s));
        }
        for s in AcknowledgementState::ALL {
            assert_eq!(AcknowledgementState::parse(s.as_str()), Some(*s));
        }
        for s in ExtensionState::ALL {
            assert_eq!(ExtensionState::parse(s.as_str()), Some(*s));
        }
        for k in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(ReportState::parse("Draft"), None);
        // The API's names are the stored codes.
        let api = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
        for s in ReportState::ALL {
            assert_eq!(api(serde_json::json!(s)), s.as_str());
        }
        for s in AcknowledgementState::ALL {
            assert_eq!(api(serde_json::json!(s)), s.as_str());
        }
        for s in ExtensionState::ALL {
            assert_eq!(api(serde_json::json!(s)), s.as_str());
        }
        for k in EvidenceKind::ALL {
            assert_eq!(api(serde_json::json!(k)), k.as_str());
        }
        assert_eq!(ReportState::parse(""), None);
    }

    #[test]
    fn report_transitions() {
        use ReportState::*;
        // state, can_edit, can_review, open_to_contributions, handed_in, is_accepted,
        // awaits_correction
        let table = [
            (Draft, true, false, true, false, false, false),
            (Submitted, false, true, true, true, false, false),
            (Accepted, false, false, false, true, true, false),
            (Returned, true, false, true, false, false, true),
        ];
        for (s, edit, review, contribute, handed_in, accepted, correction) in table {
            assert_eq!(s.awaits_correction(), correction, "{s}");
            assert_eq!(s.can_edit(), edit, "{s}");
            assert_eq!(s.can_submit(), edit, "{s}");
            assert_eq!(s.can_review(), review, "{s}");
            assert_eq!(s.open_to_contributions(), contribute, "{s}");
            assert_eq!(s.handed_in(), handed_in, "{s}");
            assert_eq!(s.is_accepted(), accepted, "{s}");
        }
    }

    #[test]
    fn only_a_submitted_report_is_reviewed() {
        use ReportState::*;
        let table = [
            (Submitted, Review::Accept, Some(Accepted)),
            (Submitted, Review::Return, Some(Returned)),
            (Draft, Review::Accept, None),
            (Returned, Review::Accept, None),
            (Accepted, Review::Return, None),
        ];
        for (s, r, after) in table {
            assert_eq!(s.after_review(r), after, "{s} {r:?}");
        }
    }

    #[test]
    fn a_report_is_owed_until_handed_in() {
        use ReportState::*;
        let table = [
            (None, true),
            (Some(Draft), true),
            (Some(Returned), true),
            (Some(Submitted), false),
            (Some(Accepted), false),
        ];
        for (s, owed) in table {
            assert_eq!(ReportState::still_owed(s), owed, "{s:?}");
        }
    }

    #[test]
    fn every_state_has_words() {
        for s in ReportState::ALL {
            assert!(!s.label().is_empty());
        }
        for s in AcknowledgementState::ALL {
            assert!(!s.label().is_empty());
        }
        for s in ExtensionState::ALL {
            assert!(!s.label().is_empty());
        }
        assert!(AcknowledgementState::Disputed.awaits_office());
        assert!(!AcknowledgementState::Kept.awaits_office());
        assert_eq!(ExtensionState::decided(true), ExtensionState::Approved);
        assert_eq!(ExtensionState::decided(false), ExtensionState::Refused);
        assert!(EvidenceKind::File.has_file() && !EvidenceKind::Url.has_file());
    }
}
