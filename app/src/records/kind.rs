//! A kind of record described once. Each module (`companies/`, `persons/`,
//! …) fills one [`Descriptor`] with its facts; the shared layers (`records/`,
//! `ui/`, `ssr/`) read the descriptor instead of matching on the kind, and
//! reach it through [`RecordKind::describe`] (`crate::kinds` is the one
//! list of them). A new kind is one descriptor and one line in that list.

use super::RecordKind;
use super::edit::FieldRule;
use crate::i18n::{Locale, td_string};
#[cfg(feature = "ssr")]
use crate::ssr::{export::ExportColumn, list_sql::ListSpec};

/// Everything shared code needs to know about one kind of record.
pub struct Descriptor {
    pub kind: RecordKind,
    /// The `record_type` stored in the database: `company`.
    pub record_type: &'static str,
    /// The module and table name: `companies`.
    pub table: &'static str,
    /// Where its pages live: `/companies`.
    pub base: &'static str,
    /// "Company", "Entreprise".
    pub singular: fn(Locale) -> &'static str,
    /// "Companies", as the navigation says it.
    pub plural: fn(Locale) -> &'static str,
    /// The label of one of its fields (a column name), for the history,
    /// the audit log and the import's column mapping; `None` for a field of
    /// its own it does not name (then [`common_field_label`] is asked).
    pub field_label: fn(Locale, &str) -> Option<&'static str>,
    /// The fields edited in place on its record page, with their rule.
    pub editable: &'static [(&'static str, FieldRule)],
    /// The fields a column of an imported file can fill, in form order,
    /// with other names files give them (any case, accents or not; the
    /// labels in every language are tried first).
    pub importable: &'static [(&'static str, &'static [&'static str])],
    /// What its record page offers above the notes ("log a call, plan a
    /// meeting…"; interactions themselves have none).
    pub quick_actions: Option<fn(RecordKind, i64) -> leptos::prelude::AnyView>,
    /// SQL of the display name of a row aliased `r`.
    #[cfg(feature = "ssr")]
    pub name_sql: &'static str,
    /// SQL keys of a row aliased `r` that a search finds by their start,
    /// each with a btree on `(key…)` among its live rows: `r.sort_name`
    /// first, then other orders of the name or an email.
    #[cfg(feature = "ssr")]
    pub prefix_keys: &'static [&'static str],
    /// SQL of the second line shown under the name (search, favourites),
    /// never NULL.
    #[cfg(feature = "ssr")]
    pub detail_sql: &'static str,
    /// SQL that is true when row `r` has the lower-case email `$2`: `None`
    /// when the kind is never checked for duplicates.
    #[cfg(feature = "ssr")]
    pub email_match_sql: Option<&'static str>,
    /// SQL that is true when row `r` has the phone whose key is `q.pk`
    /// (`relais_phone_key`, the one rule of "the same number in any
    /// notation"): `None` when the kind has no phone.
    #[cfg(feature = "ssr")]
    pub phone_match_sql: Option<&'static str>,
    /// SQL added to "restore from the trash" (`OR …`): what was trashed
    /// together with record `$1` comes back with it.
    #[cfg(feature = "ssr")]
    pub trashed_with_sql: &'static str,
    /// How rows of an imported file become records of this kind; `None`
    /// when it cannot be imported yet.
    #[cfg(feature = "ssr")]
    pub import: Option<ImportSpec>,
    /// Where other tables point at a record of this kind by a column of
    /// their own (a merge moves them); `None` when it cannot be merged.
    /// The links every kind shares (notes, tags, favourites, interactions)
    /// are `records::merge`'s business.
    pub merge_links: Option<&'static [LinkColumn]>,
    /// What the data-quality page measures of it; `None`: not measured.
    pub quality: Option<Quality>,
    /// Its list (columns, filters, sorts) and CSV export.
    #[cfg(feature = "ssr")]
    pub list: &'static ListSpec,
    #[cfg(feature = "ssr")]
    pub export: &'static [ExportColumn],
}

impl Descriptor {
    /// The label of `field`: the kind's own, the shared one, or the column
    /// name in words.
    pub fn label(&self, l: Locale, field: &str) -> String {
        (self.field_label)(l, field)
            .or_else(|| common_field_label(l, field))
            .map(str::to_string)
            .unwrap_or_else(|| field.replace('_', " "))
    }

    /// The rule of `field` when it is edited in place.
    pub fn editable(&self, field: &str) -> Option<FieldRule> {
        self.editable
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, rule)| *rule)
    }
}

/// Labels of the columns several kinds share (owner, contact, address).
pub fn common_field_label(l: Locale, field: &str) -> Option<&'static str> {
    Some(match field {
        "owner_id" => td_string!(l, common.owner),
        "email" => td_string!(l, company.email),
        "phone" => td_string!(l, company.phone),
        "street" => td_string!(l, company.street),
        "line2" => td_string!(l, company.line2),
        "postal_code" => td_string!(l, company.postal_code),
        "city" => td_string!(l, company.city),
        "country" => td_string!(l, company.country),
        "source" => td_string!(l, company.source),
        _ => return None,
    })
}

/// What makes a record of a kind complete and valid (`records::quality`).
pub struct Quality {
    /// The fields a usable record has: one of each group set (a phone or
    /// a mobile). The data-quality training's "required fields", wider
    /// than the form's (which asks for a name only).
    pub expected: &'static [&'static [&'static str]],
    /// Its email and phone fields: the database keeps whether they are
    /// all well formed in the row's `contacts_ok` column (migration
    /// `data_quality`, which lists the same fields).
    pub contacts: &'static [&'static str],
}

/// A column of another table that points at a record: `deals.person_id`.
pub struct LinkColumn {
    pub table: &'static str,
    pub column: &'static str,
    /// The columns that, with `column`, identify one of its rows.
    pub key: &'static [&'static str],
    /// A record may have one such row per key only (a person attends an
    /// interaction once): a merge drops the merged record's row when the
    /// kept one has it already.
    pub unique: bool,
    /// Its rows are records with a version (a deal): moving one makes a
    /// new version, so that an edit opened before the merge is refused.
    pub versioned: bool,
    /// "Deals", as a merge lists what moves.
    pub label: fn(Locale) -> &'static str,
}

/// The values of one imported row, by field (absent: not in the file).
#[cfg(feature = "ssr")]
pub type Values = std::collections::HashMap<&'static str, String>;

/// What the import needs of a kind, beside its `importable` fields.
#[cfg(feature = "ssr")]
pub struct ImportSpec {
    /// The row's values as they will be saved (a date written `15/01/1980`
    /// becomes `1980-01-15`, `Madame` becomes `ms`), or what is wrong with
    /// them: the very checks of the kind's form.
    pub prepare: fn(Values) -> Result<Values, Vec<crate::error::FieldError>>,
    /// The fields a file must have a column for.
    pub required: &'static [&'static str],
    /// The table's columns a row writes, with their SQL type.
    pub columns: &'static [(&'static str, &'static str)],
    /// SQL conditions, any of which makes live row `r` the same as the
    /// incoming row `k`: `k.email` its email in lower case (`''`: none),
    /// `k.p1` and `k.p2` its phone keys (`relais_phone_key`, NULL: none),
    /// `k.name` its name as `sort_name` is made of (then folded by
    /// `relais_fold`). Each is looked up on its own (one index each): an
    /// `OR` of them would scan the table for a row matching none.
    pub same_sql: &'static [&'static str],
    /// The folded name of a row's values (as `sort_name` folds it).
    pub name_of: fn(&Values) -> String,
    /// The phone fields whose keys are `$2` and `$3`.
    pub phones: [&'static str; 2],
    /// The email fields: the duplicates page pairs records sharing an
    /// address in any of them.
    pub emails: &'static [&'static str],
    /// The field naming a company the record works for: found by name
    /// (folded), created if there is none, and linked.
    pub company_field: Option<&'static str>,
    /// SQL true when live row `r` is the record a file names `n.name` (a
    /// deal's company or contact, an interaction's related record): one
    /// indexed lookup. `None`: a file cannot name one.
    pub named_sql: Option<&'static str>,
    /// The fields that name other records: each row's are looked up, set
    /// based, before the rows are matched and written.
    pub references: &'static [Reference],
    /// SQL of a jsonb object of values a new record gets for the columns
    /// its row leaves empty, computed once per batch (a deal's first
    /// stage). Records already there are not given them.
    pub new_defaults_sql: Option<&'static str>,
    /// Run once per batch after its new records are written, with their ids
    /// and values (an interaction's link to its related record).
    pub created: Option<Created>,
}

/// What an import does after a batch's new records are written.
#[cfg(feature = "ssr")]
pub type Created = for<'a> fn(
    &'a mut sqlx::PgConnection,
    &'a [(i64, &'a Values)],
) -> futures::future::BoxFuture<'a, sqlx::Result<()>>;

/// A field of an imported row that names another record.
#[cfg(feature = "ssr")]
pub struct Reference {
    /// The field: `company`.
    pub field: &'static str,
    pub find: Find,
}

/// How a [`Reference`] is found, and what the row gets from it. A value
/// the file gives for one of those columns is kept.
#[cfg(feature = "ssr")]
pub enum Find {
    /// A live record of the first of `kinds` that has one so named
    /// ([`ImportSpec::named_sql`]); its id goes in `column`, its kind's
    /// `record_type` in `type_column` when there is one. None: the row is
    /// refused (`FieldProblem::NotFound`).
    Named {
        kinds: &'static [RecordKind],
        column: &'static str,
        type_column: Option<&'static str>,
    },
    /// A company so named, created (once for all the rows naming it) when
    /// there is none, as a person's company is; its id goes in `column`.
    Company { column: &'static str },
    /// SQL of a jsonb object of values (keys among `fills`) for the cell
    /// `n.name`, NULL when it names nothing: the row is refused
    /// (`FieldProblem::NotFound`).
    Sql {
        sql: &'static str,
        fills: &'static [&'static str],
    },
}
