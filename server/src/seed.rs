//! The demo organisation created on an empty database: a few users and a
//! realistic French and English book of companies and persons.

use sqlx::PgPool;

pub struct DemoLogin {
    pub email: String,
    pub password: String,
}

const USERS: &[(&str, &str, &str, &str)] = &[
    ("admin@relais.example", "Camille Martin", "admin", "fr"),
    ("manager@relais.example", "Olivia Bennett", "manager", "en"),
    ("member@relais.example", "Hugo Lefèvre", "member", "fr"),
    ("sales@relais.example", "Priya Raman", "member", "en"),
];

/// name, roles, industry, size, city, country, phone, website
type SeedCompany = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);
const COMPANIES: &[SeedCompany] = &[
    (
        "Boulangerie Dupont & Fils",
        &["client"],
        "Alimentation",
        "small",
        "Lyon",
        "France",
        "+33 4 78 00 12 34",
        "boulangerie-dupont.fr",
    ),
    (
        "Atelier Élan",
        &["client", "partner"],
        "Design",
        "micro",
        "Nantes",
        "France",
        "+33 2 40 12 56 78",
        "atelier-elan.fr",
    ),
    (
        "Transports Garnier",
        &["prospect"],
        "Logistique",
        "medium",
        "Lille",
        "France",
        "+33 3 20 45 67 89",
        "garnier-transports.fr",
    ),
    (
        "Clinique Saint-Éloi",
        &["client"],
        "Santé",
        "large",
        "Montpellier",
        "France",
        "+33 4 67 33 90 10",
        "clinique-saint-eloi.fr",
    ),
    (
        "Northwind Traders",
        &["client"],
        "Wholesale",
        "medium",
        "Manchester",
        "United Kingdom",
        "+44 161 496 0123",
        "northwind.example",
    ),
    (
        "Maple & Pine Consulting",
        &["partner"],
        "Consulting",
        "small",
        "Toronto",
        "Canada",
        "+1 416 555 0142",
        "mapleandpine.example",
    ),
    (
        "Coopérative des Vignerons du Rhône",
        &["supplier"],
        "Viticulture",
        "medium",
        "Avignon",
        "France",
        "+33 4 90 27 11 00",
        "vignerons-rhone.fr",
    ),
    (
        "Brightside Energy",
        &["prospect"],
        "Energy",
        "large",
        "Bristol",
        "United Kingdom",
        "+44 117 496 0456",
        "brightside.example",
    ),
    (
        "Librairie Le Chêne",
        &["client"],
        "Commerce",
        "micro",
        "Québec",
        "Canada",
        "+1 418 555 0199",
        "librairie-lechene.ca",
    ),
    (
        "Harbour Analytics",
        &["client", "partner"],
        "Software",
        "small",
        "Dublin",
        "Ireland",
        "+353 1 555 0110",
        "harbour-analytics.example",
    ),
    (
        "Association Tremplin Emploi",
        &["partner"],
        "Insertion professionnelle",
        "small",
        "Montréal",
        "Canada",
        "+1 514 555 0177",
        "tremplin-emploi.org",
    ),
    (
        "Fromagerie Beaumont",
        &["prospect"],
        "Alimentation",
        "micro",
        "Annecy",
        "France",
        "+33 4 50 45 23 10",
        "fromagerie-beaumont.fr",
    ),
];

/// civility, first, last, email local part, company index, job title, roles, stage, language
type SeedPerson = (
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
);
const PERSONS: &[SeedPerson] = &[
    (
        "mr",
        "Jean",
        "Dupont",
        0,
        "Gérant",
        &["client"],
        "active",
        "fr",
    ),
    (
        "ms",
        "Élodie",
        "Dupont",
        0,
        "Responsable des achats",
        &["contact"],
        "active",
        "fr",
    ),
    (
        "ms",
        "Léa",
        "Moreau",
        1,
        "Directrice artistique",
        &["client"],
        "qualified",
        "fr",
    ),
    (
        "mr",
        "Théo",
        "Garnier",
        2,
        "Directeur général",
        &["prospect"],
        "lead",
        "fr",
    ),
    (
        "dr",
        "Anaïs",
        "Rousseau",
        3,
        "Médecin cheffe",
        &["client"],
        "active",
        "fr",
    ),
    (
        "mr",
        "François",
        "Lemaître",
        3,
        "Directeur administratif",
        &["contact"],
        "at_risk",
        "fr",
    ),
    (
        "ms",
        "Emily",
        "Carter",
        4,
        "Head of Procurement",
        &["client"],
        "active",
        "en",
    ),
    (
        "mr",
        "James",
        "O'Connor",
        4,
        "Operations Manager",
        &["contact"],
        "active",
        "en",
    ),
    (
        "ms",
        "Sophie",
        "Tremblay",
        5,
        "Managing Partner",
        &["contact"],
        "qualified",
        "fr",
    ),
    (
        "mr",
        "Daniel",
        "Wright",
        5,
        "Senior Consultant",
        &["contact"],
        "active",
        "en",
    ),
    (
        "mr",
        "Étienne",
        "Faure",
        6,
        "Président",
        &["contact"],
        "active",
        "fr",
    ),
    (
        "ms",
        "Grace",
        "Hughes",
        7,
        "Chief Financial Officer",
        &["prospect"],
        "lead",
        "en",
    ),
    (
        "ms",
        "Chloé",
        "Gagnon",
        8,
        "Libraire",
        &["client"],
        "inactive",
        "fr",
    ),
    ("mr", "Liam", "Byrne", 9, "CTO", &["client"], "active", "en"),
    (
        "ms",
        "Aoife",
        "Murphy",
        9,
        "Account Manager",
        &["contact"],
        "qualified",
        "en",
    ),
    (
        "ms",
        "Nadia",
        "Benali",
        10,
        "Conseillère en emploi",
        &["contact"],
        "active",
        "fr",
    ),
    (
        "mr",
        "Karim",
        "Haddad",
        10,
        "Coordonnateur",
        &["contact"],
        "active",
        "fr",
    ),
    (
        "mr",
        "Mathis",
        "Beaumont",
        11,
        "Fromager",
        &["prospect"],
        "lead",
        "fr",
    ),
    (
        "ms",
        "Amara",
        "Diallo",
        usize::MAX,
        "Chercheuse d'emploi",
        &["client"],
        "active",
        "fr",
    ),
    (
        "mr",
        "Lucas",
        "Nguyen",
        usize::MAX,
        "Nouvel arrivant",
        &["client"],
        "qualified",
        "fr",
    ),
];

fn slug(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'à' | 'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'ç' => 'c',
            'ù' | 'û' => 'u',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '.',
        })
        .collect::<String>()
        .split('.')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// Creates the demo organisation if there is no user yet. Returns the admin
/// login when it did.
pub async fn seed_if_empty(
    pool: &PgPool,
    password: Option<String>,
) -> anyhow::Result<Option<DemoLogin>> {
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(pool)
        .await?;
    if users > 0 {
        return Ok(None);
    }
    let password = password.unwrap_or_else(|| {
        let bytes: [u8; 9] = rand::random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    });
    let hash = app::ssr::passwords::hash(password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = pool.begin().await?;
    // Several instances starting at once on an empty database: one seeds,
    // the others wait here, then find users and leave it.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('relais.seed'))")
        .execute(&mut *tx)
        .await?;
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if users > 0 {
        return Ok(None);
    }
    let mut user_ids = Vec::new();
    for (email, name, role, locale) in USERS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, name, password_hash, role, locale) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(email)
        .bind(name)
        .bind(&hash)
        .bind(role)
        .bind(locale)
        .fetch_one(&mut *tx)
        .await?;
        user_ids.push(id);
    }
    let mut company_ids = Vec::new();
    for (i, (name, roles, industry, size, city, country, phone, website)) in
        COMPANIES.iter().enumerate()
    {
        let owner = user_ids[i % user_ids.len()];
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO companies (name, roles, industry, size, city, country, phone, website, email,
                                    owner_id, created_by, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id",
        )
        .bind(name)
        .bind(&roles)
        .bind(industry)
        .bind(size)
        .bind(city)
        .bind(country)
        .bind(phone)
        .bind(format!("https://{website}"))
        .bind(format!("contact@{website}"))
        .bind(owner)
        .fetch_one(&mut *tx)
        .await?;
        company_ids.push(id);
    }
    for (i, (civility, first, last, company, job, roles, stage, lang)) in PERSONS.iter().enumerate()
    {
        let owner = user_ids[i % user_ids.len()];
        let domain = COMPANIES
            .get(*company)
            .map(|c| c.7)
            .unwrap_or("courriel.example");
        let email = format!("{}.{}@{domain}", slug(first), slug(last));
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        let phone = format!(
            "+33 6 {:02} {:02} {:02} {:02}",
            10 + i,
            20 + i,
            30 + i,
            40 + i
        );
        let person: i64 = sqlx::query_scalar(
            "INSERT INTO persons (civility, first_name, last_name, job_title, email, mobile, roles, lifecycle_stage,
                                  preferred_language, marketing_consent, consent_date, consent_method,
                                  owner_id, created_by, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $10 THEN current_date - 30 END,
                     CASE WHEN $10 THEN 'Formulaire web' END, $11, $11, $11) RETURNING id",
        )
        .bind(civility)
        .bind(first)
        .bind(last)
        .bind(job)
        .bind(&email)
        .bind(&phone)
        .bind(&roles)
        .bind(stage)
        .bind(lang)
        .bind(i % 3 == 0)
        .bind(owner)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(company_id) = company_ids.get(*company) {
            sqlx::query(
                "INSERT INTO person_companies (person_id, company_id, job_title, start_date)
                 VALUES ($1, $2, $3, current_date - ($4 * 97))",
            )
            .bind(person)
            .bind(company_id)
            .bind(job)
            .bind(i as i32 + 3)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Some(DemoLogin {
        email: USERS[0].0.to_string(),
        password,
    }))
}
