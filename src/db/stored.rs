//! The domain's coded values stored as text: written as their code, read back strictly, so a
//! code this version does not know fails the query instead of passing as something else.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::lifecycle::{AcknowledgementState, EvidenceKind, ExtensionState, ReportState};

macro_rules! stored_as_text {
    ($($t:ty),+) => {$(
        impl<DB> ToSql<Text, DB> for $t
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB> FromSql<Text, DB> for $t
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let code = String::from_sql(bytes)?;
                <$t>::parse(&code).ok_or_else(|| {
                    format!("unknown {} code {code:?}", stringify!($t)).into()
                })
            }
        }
    )+};
}

stored_as_text!(
    ReportState,
    AcknowledgementState,
    ExtensionState,
    EvidenceKind
);

/// A division's other names, stored as a JSON array of text. A list that does not parse
/// fails the read instead of passing as empty (a save after an empty read would drop every
/// alias). Written as the JSON text itself ([`Aliases::to_json`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, diesel::FromSqlRow)]
pub struct Aliases(pub Vec<String>);

impl Aliases {
    /// The stored form: a JSON array.
    pub fn to_json(names: &[String]) -> String {
        serde_json::Value::from(names.to_vec()).to_string()
    }
}

impl<DB> FromSql<Text, DB> for Aliases
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let text = String::from_sql(bytes)?;
        serde_json::from_str(&text).map(Aliases).map_err(|e| {
            format!("stored aliases {text:?} are not a JSON list of names: {e}").into()
        })
    }
}
