//! User roles and what each may see and do in general.

use serde::{Deserialize, Serialize};

/// What a user is in the agency's process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The general office (办公室): imports, assigns, reviews, evaluates, administers.
    Office,
    /// Division staff (处室联络员): report on what their division leads or supports.
    Division,
    /// Bureau leaders (局领导): read only.
    Leader,
    /// The supervising disclosure office (监督部门): read only, plus evaluation comments.
    Auditor,
}

impl Role {
    /// Every role, in the order forms list them.
    pub const ALL: [Role; 4] = [Role::Office, Role::Division, Role::Leader, Role::Auditor];

    /// The code stored in the database and carried in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Division => "division",
            Role::Leader => "leader",
            Role::Auditor => "auditor",
        }
    }

    /// The Chinese name users read.
    pub fn label(self) -> &'static str {
        match self {
            Role::Office => "办公室",
            Role::Division => "处室联络员",
            Role::Leader => "局领导",
            Role::Auditor => "监督部门",
        }
    }

    /// Reads a stored or typed role code.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == code.trim())
    }

    /// Whether the role belongs to one division (and so must name it).
    pub fn needs_division(self) -> bool {
        self == Role::Division
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse(" office "), Some(Role::Office));
        assert_eq!(Role::parse("admin"), None);
        assert_eq!(Role::parse(""), None);
    }

    #[test]
    fn only_division_users_need_a_division() {
        let needs: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.needs_division())
            .collect();
        assert_eq!(needs, vec![Role::Division]);
    }
}
