//! The one list of record kinds: which module describes each. Shared code
//! asks `kind.describe()` and never names a module itself.

use crate::records::RecordKind;
use crate::records::kind::Descriptor;

/// The descriptor of `kind`, filled by its module.
pub fn of(kind: RecordKind) -> &'static Descriptor {
    match kind {
        RecordKind::Company => &crate::companies::KIND,
        RecordKind::Person => &crate::persons::KIND,
        RecordKind::Deal => &crate::deals::KIND,
        RecordKind::Interaction => &crate::interactions::KIND,
        RecordKind::Enrolment => &crate::programmes::enrolments::KIND,
        RecordKind::Document => &crate::documents::KIND,
    }
}
