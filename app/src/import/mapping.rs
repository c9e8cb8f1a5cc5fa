//! Which column of an imported file fills which field: guessed from the
//! header by the kind's descriptor (its fields' labels in every language,
//! the column names, and the other names files give them), then corrected
//! by the user.

use crate::i18n::Locale;
use crate::records::RecordKind;
use unicode_normalization::UnicodeNormalization;

/// A header or a label compared without case, accents, punctuation or
/// repeated spaces: `"  Code-Postal "` → `"code postal"`.
pub fn fold(text: &str) -> String {
    let plain: String = text
        .nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The names a column of field `field` of `kind` may have, folded: the
/// column name, its label in each language, then the other names.
fn names(kind: RecordKind, field: &str, others: &[&str]) -> Vec<String> {
    let d = kind.describe();
    let mut names = vec![fold(&field.replace('_', " "))];
    for l in [Locale::en, Locale::fr] {
        names.push(fold(&d.label(l, field)));
    }
    names.extend(others.iter().map(|o| fold(o)));
    names.retain(|n| !n.is_empty());
    names
}

/// For each header, the field it fills (or `None`: not imported). A header
/// equal to a field's name wins over one that only contains it; each field
/// is filled by one column at most, the first one that names it.
pub fn guess(kind: RecordKind, headers: &[String]) -> Vec<Option<&'static str>> {
    let fields: Vec<(&'static str, Vec<String>)> = kind
        .describe()
        .importable
        .iter()
        .map(|(field, others)| (*field, names(kind, field, others)))
        .collect();
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let mut out: Vec<Option<&'static str>> = vec![None; headers.len()];
    let taken = |out: &[Option<&'static str>], f: &str| out.contains(&Some(f));
    // Exact names first, in file order.
    for (i, h) in folded.iter().enumerate() {
        if let Some((field, _)) = fields
            .iter()
            .find(|(f, names)| !taken(&out, f) && names.iter().any(|n| n == h))
        {
            out[i] = Some(field);
        }
    }
    // Then a header holding a name as whole words ("Téléphone portable
    // pro" holds "telephone portable"), the longest name first.
    for (i, h) in folded.iter().enumerate() {
        if out[i].is_some() || h.is_empty() {
            continue;
        }
        let padded = format!(" {h} ");
        let best = fields
            .iter()
            .filter(|(f, _)| !taken(&out, f))
            .flat_map(|(f, names)| names.iter().map(move |n| (*f, n)))
            .filter(|(_, n)| n.len() >= 3 && padded.contains(&format!(" {n} ")))
            .max_by_key(|(_, n)| n.len());
        if let Some((field, _)) = best {
            out[i] = Some(field);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(line: &str, sep: char) -> Vec<String> {
        line.split(sep).map(str::to_string).collect()
    }

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("  Code-Postal "), "code postal");
        assert_eq!(fold("Prénom"), "prenom");
        assert_eq!(fold("E-MAIL"), "e mail");
        assert_eq!(fold("Société / Organisation"), "societe organisation");
    }

    #[test]
    fn a_french_spreadsheet_header_is_understood() {
        let h = headers(
            "Civilité;Prénom;Nom;Société;Fonction;Courriel;Tél. portable;Téléphone;Adresse;CP;Ville;Pays;Remarque",
            ';',
        );
        assert_eq!(
            guess(RecordKind::Person, &h),
            vec![
                Some("civility"),
                Some("first_name"),
                Some("last_name"),
                Some("company"),
                Some("job_title"),
                Some("email"),
                Some("mobile"),
                Some("phone"),
                Some("street"),
                Some("postal_code"),
                Some("city"),
                Some("country"),
                None,
            ]
        );
    }

    #[test]
    fn an_english_export_from_another_crm_is_understood() {
        let h = headers(
            "First Name,Last Name,Company,Job Title,E-mail,Mobile,Work Phone,Zip Code,City,Lead ID",
            ',',
        );
        assert_eq!(
            guess(RecordKind::Person, &h),
            vec![
                Some("first_name"),
                Some("last_name"),
                Some("company"),
                Some("job_title"),
                Some("email"),
                Some("mobile"),
                Some("phone"),
                Some("postal_code"),
                Some("city"),
                None,
            ]
        );
    }

    #[test]
    fn each_field_takes_one_column_and_companies_have_their_own_names() {
        let h = headers("Raison sociale;Email;Email;SIRET;Site", ';');
        assert_eq!(
            guess(RecordKind::Company, &h),
            vec![
                Some("name"),
                Some("email"),
                None,
                Some("registration_number"),
                Some("website"),
            ]
        );
    }
}
