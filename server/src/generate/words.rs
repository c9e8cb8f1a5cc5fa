//! Word lists of the data generator, bound to its SQL as `text[]`. Entries
//! with `|` carry several fields (city, postal code, phone area …), split in
//! SQL with `split_part`.

pub const FIRST_FR_M: &[&str] = &[
    "Jean", "Pierre", "Louis", "Gabriel", "Raphaël", "Léo", "Lucas", "Hugo", "Théo", "Mathéo",
    "Noé", "Jules", "Arthur", "Étienne", "François", "Gérard", "Jérôme", "Stéphane", "Frédéric",
    "Sébastien", "Benoît", "Clément", "Rémi", "Jean-Pierre", "Jean-François", "Michel",
    "Philippe", "Alain", "Thierry", "Nicolas", "Julien", "Antoine", "Maxime", "Aurélien",
    "Cédric", "Grégoire", "Hervé", "Joël", "Loïc", "Mathis",
];

pub const FIRST_FR_F: &[&str] = &[
    "Élodie", "Hélène", "Zoë", "Bérénice", "Chloé", "Léa", "Manon", "Camille", "Inès", "Anaïs",
    "Clémence", "Mélanie", "Cécile", "Amélie", "Émilie", "Gaëlle", "Maëlle", "Noémie", "Océane",
    "Sophie", "Isabelle", "Nathalie", "Sandrine", "Valérie", "Véronique", "Brigitte", "Françoise",
    "Geneviève", "Marie-Claire", "Marie", "Louise", "Jeanne", "Agnès", "Solène", "Margaux",
    "Laure", "Adèle", "Joséphine", "Héloïse", "Capucine",
];

pub const FIRST_EN_M: &[&str] = &[
    "James", "Oliver", "George", "Harry", "Jack", "Thomas", "William", "Daniel", "Matthew",
    "Samuel", "Benjamin", "Edward", "Henry", "Charles", "Alexander", "Christopher", "Michael",
    "David", "Andrew", "Patrick", "Liam", "Connor", "Rhys", "Owen", "Callum", "Declan", "Seán",
    "Ciarán", "Niall", "Graham", "Nigel", "Simon", "Stephen", "Raj", "Mohammed",
];

pub const FIRST_EN_F: &[&str] = &[
    "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Lily", "Charlotte", "Jessica",
    "Hannah", "Eleanor", "Lucy", "Sarah", "Rebecca", "Victoria", "Catherine", "Elizabeth", "Alice",
    "Harriet", "Imogen", "Niamh", "Siobhán", "Aoife", "Róisín", "Bethan", "Megan", "Chloe", "Zoe",
    "Priya", "Aisha", "Fatima", "Rachel", "Laura", "Naomi",
];

pub const LAST_FR: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier",
    "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez", "Gérard", "Nguyen",
    "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche", "Roy", "Noël",
    "Meyer", "Lucas", "Meunier", "Pérez", "Marchand", "Dufour", "Blanchard", "Barbier", "Brun",
    "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez", "Renard", "Arnaud", "Rolland",
    "Caron", "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois", "Renaud", "Lemoine", "Picard",
    "Gaillard", "Lacroix", "Béranger", "Lemaître", "Fabre", "Hébert", "Benoît", "Benali",
    "Haddad", "Diallo", "Da Silva", "Ferreira", "Müller", "Lévêque", "Châtelain", "Delacroix",
    "Côté", "Pelletier", "Thévenin", "D'Almeida", "Le Goff", "Le Gall",
];

pub const LAST_EN: &[&str] = &[
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green",
    "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood", "Turner", "Cooper", "Hill",
    "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen",
    "James", "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young",
    "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell",
    "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson", "Simpson",
    "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb",
    "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer",
    "O'Brien", "O'Connor", "O'Neill", "McDonald", "MacLeod", "Harrington", "Ashworth",
    "Fitzgerald", "Doyle", "Byrne", "Brontë",
];

/// city|postal code|phone area|arrondissements (postal codes 01..n).
pub const CITIES_FR: &[&str] = &[
    "Paris|75000|1|20", "Paris|75000|1|20", "Paris|75000|1|20", "Lyon|69000|4|9",
    "Lyon|69000|4|9", "Marseille|13000|4|16", "Toulouse|31000|5|0", "Nice|06000|4|0",
    "Nantes|44000|2|0", "Strasbourg|67000|3|0", "Montpellier|34000|4|0", "Bordeaux|33000|5|0",
    "Lille|59000|3|0", "Rennes|35000|2|0", "Reims|51100|3|0", "Saint-Étienne|42000|4|0",
    "Le Havre|76600|2|0", "Toulon|83000|4|0", "Grenoble|38000|4|0", "Dijon|21000|3|0",
    "Angers|49000|2|0", "Nîmes|30000|4|0", "Villeurbanne|69100|4|0", "Clermont-Ferrand|63000|4|0",
    "Le Mans|72000|2|0", "Aix-en-Provence|13100|4|0", "Brest|29200|2|0", "Tours|37000|2|0",
    "Amiens|80000|3|0", "Limoges|87000|5|0", "Annecy|74000|4|0", "Perpignan|66000|4|0",
    "Metz|57000|3|0", "Besançon|25000|3|0", "Orléans|45000|2|0", "Rouen|76000|2|0",
    "Mulhouse|68100|3|0", "Caen|14000|2|0", "Nancy|54000|3|0", "Avignon|84000|4|0",
    "La Rochelle|17000|5|0", "Pau|64000|5|0", "Bayonne|64100|5|0", "Chambéry|73000|4|0",
    "Béziers|34500|4|0", "Colmar|68000|3|0", "Évry-Courcouronnes|91000|1|0",
    "Versailles|78000|1|0", "Boulogne-Billancourt|92100|1|0", "Saint-Denis|93200|1|0",
    "Créteil|94000|1|0", "Vannes|56000|2|0",
];

/// city|postcode districts (space separated)|phone area.
pub const CITIES_UK: &[&str] = &[
    "London|EC1A EC2M SW1A SE1 N1 E2 W1 WC2H NW3|20",
    "London|EC1A EC2M SW1A SE1 N1 E2 W1 WC2H NW3|20",
    "London|EC1A EC2M SW1A SE1 N1 E2 W1 WC2H NW3|20",
    "Manchester|M1 M2 M3 M4|161",
    "Birmingham|B1 B2 B3 B5|121",
    "Leeds|LS1 LS2 LS6|113",
    "Glasgow|G1 G2 G12|141",
    "Edinburgh|EH1 EH2 EH3|131",
    "Bristol|BS1 BS2 BS8|117",
    "Liverpool|L1 L2 L3|151",
    "Sheffield|S1 S2 S10|114",
    "Cardiff|CF10 CF11|29",
    "Belfast|BT1 BT2 BT7|28",
    "Newcastle upon Tyne|NE1 NE2|191",
    "Nottingham|NG1 NG7|115",
    "Cambridge|CB1 CB2|1223",
    "Oxford|OX1 OX2|1865",
    "Brighton|BN1 BN2|1273",
    "York|YO1 YO10|1904",
    "Bath|BA1 BA2|1225",
    "Leicester|LE1 LE2|116",
    "Southampton|SO14 SO15|23",
    "Reading|RG1 RG2|118",
    "Aberdeen|AB10 AB11|1224",
];

pub const STREET_TYPES_FR: &[&str] = &[
    "rue", "rue", "rue", "avenue", "boulevard", "place", "allée", "chemin", "impasse", "quai",
    "cours",
];

pub const STREETS_FR: &[&str] = &[
    "de la République", "Victor Hugo", "Jean Jaurès", "du Général de Gaulle", "de la Paix",
    "des Lilas", "Pasteur", "Gambetta", "du Moulin", "de l'Église", "des Écoles", "du Château",
    "Émile Zola", "Voltaire", "Jean Moulin", "de la Gare", "du Marché", "Saint-Michel",
    "des Tanneurs", "Foch", "Carnot", "de Verdun", "du 8 Mai 1945", "Henri IV", "Molière",
    "des Acacias", "de Strasbourg", "Montaigne", "des Cordeliers", "Aristide Briand",
    "de la Libération", "des Peupliers", "Édouard Herriot", "Léon Blum", "du Faubourg Saint-Honoré",
];

pub const STREETS_UK: &[&str] = &[
    "High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane",
    "King's Road", "Queen's Drive", "Manor Close", "Green Lane", "Baker Street", "Oxford Road",
    "Castle Street", "London Road", "Albert Terrace", "Grange Road", "Bridge Street", "York Place",
    "Chapel Street", "Elm Grove", "Windsor Gardens", "St John's Crescent", "Canal Wharf",
    "Market Square", "Kingsway",
];

pub const LINE2_FR: &[&str] = &[
    "Bâtiment B", "2e étage", "Résidence Les Tilleuls", "ZA des Écluses", "BP 42", "Porte 3",
    "Escalier C",
];
pub const LINE2_UK: &[&str] = &[
    "Unit 4", "Suite 210", "Flat 3", "Floor 2", "The Old Mill", "Building 7",
];

/// trade|industry, for "Boulangerie Lefèvre".
pub const TRADES_FR: &[&str] = &[
    "Boulangerie|Alimentation", "Boucherie|Alimentation", "Pâtisserie|Alimentation",
    "Fromagerie|Alimentation", "Traiteur|Alimentation", "Garage|Automobile",
    "Cabinet|Conseil", "Pharmacie|Santé", "Librairie|Commerce de détail",
    "Menuiserie|Artisanat", "Plomberie|BTP", "Électricité|BTP", "Maçonnerie|BTP",
    "Charpente|BTP", "Imprimerie|Industrie", "Brasserie|Hôtellerie-restauration",
    "Transports|Transports", "Fleurs|Commerce de détail", "Optique|Santé",
    "Quincaillerie|Commerce de détail", "Agence|Communication", "Studio|Design",
    "Domaine|Viticulture", "Cave|Commerce de détail", "Taxis|Transports", "Ambulances|Santé",
    "Auto-école|Éducation", "Architectes|BTP", "Couverture|BTP", "Clinique vétérinaire|Santé",
];

/// place|industry, for "Atelier du Moulin".
pub const PLACE_HEADS_FR: &[&str] = &[
    "Atelier|Artisanat", "Boulangerie|Alimentation", "Auberge|Hôtellerie-restauration",
    "Moulin|Alimentation", "Ferme|Agriculture", "Domaine|Viticulture",
    "Café|Hôtellerie-restauration", "Hôtel|Hôtellerie-restauration",
    "Restaurant|Hôtellerie-restauration", "Garage|Automobile", "Cave|Commerce de détail",
    "Librairie|Commerce de détail", "Pharmacie|Santé", "Imprimerie|Industrie", "Crèche|Éducation",
];
pub const PLACES_FR: &[&str] = &[
    "du Moulin", "de la Gare", "des Halles", "du Port", "de la Fontaine", "du Lac", "des Alpes",
    "du Vieux Port", "de l'Étoile", "des Tilleuls", "du Centre", "de la Colline",
    "des Trois Chênes", "du Pont Neuf", "de la Forêt", "des Vignes", "du Marché", "de Provence",
    "de Bretagne", "du Soleil", "des Remparts", "de la Côte d'Azur",
];

/// For "Société Générale de Conseil".
pub const FORMAL_HEADS_FR: &[&str] = &["Société", "Compagnie", "Union", "Agence", "Fédération"];
pub const FORMAL_ADJS_FR: &[&str] = &[
    "Générale", "Nationale", "Française", "Européenne", "Régionale", "Atlantique",
    "Méditerranéenne", "Alpine", "Industrielle", "Moderne", "Parisienne", "Lyonnaise",
];
/// "de Conseil"|industry.
pub const FORMAL_DOMAINS_FR: &[&str] = &[
    "de Conseil|Conseil", "de Transport|Transports", "de Distribution|Distribution",
    "de Services|Services aux entreprises", "d'Ingénierie|Industrie", "de Logistique|Logistique",
    "de Travaux Publics|BTP", "d'Assurances|Assurance", "d'Informatique|Informatique",
    "de Construction|BTP", "d'Énergie|Énergie", "de Nettoyage|Services aux entreprises",
    "de Sécurité|Services aux entreprises", "de Formation|Éducation",
    "de Restauration|Hôtellerie-restauration", "d'Immobilier|Immobilier",
    "de Télécommunications|Télécoms", "d'Audit|Finance",
];
/// suffix|industry, for "Morel & Mercier Architectes".
pub const PARTNERSHIPS_FR: &[&str] = &[
    "Avocats|Juridique", "Associés|Conseil", "Conseil|Conseil", "Architectes|BTP",
    "Expertise comptable|Finance",
];
/// "%s et Associés": %s is a last name.
pub const FAMILY_FORMS_FR: &[&str] = &[
    "%s et Associés", "%s & Fils", "Groupe %s", "%s SAS", "Établissements %s", "%s Frères",
    "%s SARL", "Maison %s",
];

pub const INDUSTRIES_FR: &[&str] = &[
    "Alimentation", "Artisanat", "BTP", "Conseil", "Commerce de détail", "Distribution", "Énergie",
    "Éducation", "Finance", "Hôtellerie-restauration", "Immobilier", "Industrie", "Informatique",
    "Logistique", "Santé", "Services aux entreprises", "Télécoms", "Tourisme", "Transports",
    "Viticulture", "Agriculture", "Assurance", "Communication", "Juridique", "Design",
];
pub const INDUSTRIES_EN: &[&str] = &[
    "Retail", "Manufacturing", "Software", "Consulting", "Construction", "Healthcare", "Education",
    "Financial services", "Hospitality", "Logistics", "Energy", "Legal", "Media", "Real estate",
    "Telecoms", "Wholesale", "Agriculture", "Insurance", "Automotive", "Charity",
];

/// "%s & Sons Ltd": %s is a last name.
pub const FAMILY_FORMS_EN: &[&str] = &[
    "%s & Sons Ltd", "%s & Co", "%s Brothers", "%s Group", "%s Holdings plc", "%s & Partners LLP",
];
/// sector|industry, for "Harrington Consulting Ltd".
pub const SECTORS_EN: &[&str] = &[
    "Consulting|Consulting", "Engineering|Manufacturing", "Logistics|Logistics",
    "Builders|Construction", "Solicitors|Legal", "Accountants|Financial services",
    "Design|Media", "Software|Software", "Media|Media", "Analytics|Software",
    "Foods|Wholesale", "Motors|Automotive", "Properties|Real estate", "Dental Care|Healthcare",
    "Print|Manufacturing", "Travel|Hospitality",
];
pub const ADJS_EN: &[&str] = &[
    "Bright", "Blue", "Northern", "Red", "Silver", "Golden", "Green", "Royal", "Oak", "Granite",
    "Summit", "Harbour", "Riverside", "Highland", "Westgate", "Crown", "Meridian", "Pennine",
    "Thames", "Kestrel", "Northwind", "Brightside",
];
/// noun|industry, for "Granite Analytics Ltd".
pub const NOUNS_EN: &[&str] = &[
    "Analytics|Software", "Energy|Energy", "Systems|Software", "Ventures|Financial services",
    "Partners|Consulting", "Solutions|Consulting", "Logistics|Logistics", "Labs|Healthcare",
    "Digital|Media", "Networks|Telecoms", "Foods|Wholesale", "Interiors|Construction",
    "Estates|Real estate", "Capital|Financial services", "Media|Media", "Traders|Wholesale",
];
pub const LEGAL_EN: &[&str] = &["Ltd", "Ltd", "Ltd", "LLP", "plc", "Group", "Limited"];

pub const COMPANY_MAILBOXES_FR: &[&str] = &["contact", "contact", "info", "accueil", "commercial"];
pub const COMPANY_MAILBOXES_EN: &[&str] = &["info", "hello", "enquiries", "office", "sales"];

pub const MAIL_DOMAINS_FR: &[&str] = &[
    "gmail.com", "gmail.com", "orange.fr", "free.fr", "wanadoo.fr", "laposte.net", "hotmail.fr",
    "yahoo.fr", "sfr.fr", "outlook.fr", "icloud.com",
];
pub const MAIL_DOMAINS_EN: &[&str] = &[
    "gmail.com", "gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com",
    "icloud.com", "live.co.uk", "sky.com", "protonmail.com",
];

/// masculine|feminine (one form when both agree).
pub const JOBS_FR: &[&str] = &[
    "Directeur général|Directrice générale", "Gérant|Gérante", "Responsable des achats",
    "Responsable commercial|Responsable commerciale", "Chef de projet|Cheffe de projet",
    "Comptable", "Assistant de direction|Assistante de direction",
    "Directeur financier|Directrice financière", "Directeur marketing|Directrice marketing",
    "Ingénieur commercial|Ingénieure commerciale", "Technicien|Technicienne", "Responsable RH",
    "Chargé de communication|Chargée de communication", "DSI", "Juriste", "Acheteur|Acheteuse",
    "Responsable logistique", "Président|Présidente", "Secrétaire général|Secrétaire générale",
    "Office manager", "Consultant|Consultante", "Développeur|Développeuse", "Architecte",
    "Chef d'équipe|Cheffe d'équipe", "Responsable qualité",
];
pub const JOBS_EN: &[&str] = &[
    "Managing Director", "CEO", "CFO", "Head of Procurement", "Operations Manager",
    "Sales Manager", "Account Manager", "Office Manager", "Finance Director", "Marketing Manager",
    "HR Manager", "IT Manager", "Project Manager", "Buyer", "Solicitor", "Accountant", "Engineer",
    "Consultant", "Partner", "Director", "Customer Success Manager", "Purchasing Officer",
    "Facilities Manager", "Product Manager", "Business Development Manager",
];

pub const SOURCES_FR: &[&str] = &[
    "Site web", "Salon", "Recommandation", "LinkedIn", "Appel entrant", "Prospection",
    "Partenaire", "Webinaire",
];
pub const SOURCES_EN: &[&str] = &[
    "Website", "Trade show", "Referral", "LinkedIn", "Inbound call", "Cold outreach", "Partner",
    "Webinar",
];
pub const CONSENT_METHODS: &[&str] = &[
    "Formulaire web", "Salon", "Double opt-in", "Téléphone", "Papier signé", "Web form",
    "Trade show", "Phone",
];

pub const DEALS_FR: &[&str] = &[
    "Contrat de maintenance annuel", "Renouvellement licences", "Refonte du site web",
    "Formation équipe commerciale", "Audit sécurité", "Migration cloud",
    "Fourniture mobilier de bureau", "Installation photovoltaïque", "Accompagnement RGPD",
    "Campagne de communication", "Équipement atelier", "Flotte de véhicules",
    "Prestation de nettoyage", "Déploiement CRM", "Étude de faisabilité", "Conseil en stratégie",
    "Extension de garantie", "Commande annuelle", "Séminaire d'entreprise",
    "Traduction documentation", "Support premium", "Abonnement 3 ans", "Rénovation des locaux",
    "Logiciel de paie", "Pack démarrage",
];
pub const DEALS_EN: &[&str] = &[
    "Annual maintenance contract", "Licence renewal", "Website redesign", "Sales team training",
    "Security audit", "Cloud migration", "Office furniture", "Solar installation",
    "GDPR compliance", "Marketing campaign", "Fleet leasing", "Cleaning services", "CRM rollout",
    "Feasibility study", "Strategy consulting", "Extended warranty", "Annual order",
    "Team offsite", "Premium support", "3-year subscription", "Office refurbishment",
    "Payroll software", "Starter pack", "Data platform pilot", "Managed print services",
];
pub const LOST_REASONS_FR: &[&str] = &[
    "Prix trop élevé", "Concurrent retenu", "Pas de budget", "Projet abandonné", "Pas de réponse",
    "Mauvais timing",
];
pub const LOST_REASONS_EN: &[&str] = &[
    "Too expensive", "Chose a competitor", "No budget", "Project cancelled", "No response",
    "Bad timing",
];
pub const NEXT_STEPS_FR: &[&str] = &[
    "Envoyer la proposition", "Relancer par téléphone", "Organiser une démo",
    "Rendez-vous sur site", "Attendre la validation du budget",
];
pub const NEXT_STEPS_EN: &[&str] = &[
    "Send proposal", "Follow-up call", "Schedule a demo", "Site visit", "Negotiate terms",
];
pub const DEAL_DESCRIPTIONS_FR: &[&str] = &[
    "Besoin exprimé lors du salon, décision attendue avant la fin du trimestre.",
    "Appel d'offres en cours, trois concurrents consultés.",
    "Extension du contrat existant à deux nouveaux sites.",
];
pub const DEAL_DESCRIPTIONS_EN: &[&str] = &[
    "Came in through the website; the buyer wants a pilot first.",
    "Renewal of last year's order with a larger volume.",
    "Budget approved by the board, legal review pending.",
];

pub const TAGS: &[&str] = &[
    "VIP", "Salon 2026", "Salon 2025", "Newsletter", "Partenaire clé", "À relancer",
    "Grand compte", "Prospect chaud", "Prospect froid", "Ancien client", "Ambassadeur",
    "Bêta-testeur", "Décideur", "Prescripteur", "Webinaire mars", "Black Friday", "Export",
    "Secteur public", "Startup", "PME", "Île-de-France", "Région Sud", "UK", "Priority",
    "Churn risk", "Upsell", "Renewal Q3", "Key account", "Do not call", "Événement client",
];

pub const NOTES_FR: &[&str] = &[
    "Appel de découverte : intéressé par une démonstration, à rappeler la semaine prochaine.",
    "Rendez-vous sur place, très bon accueil. Le budget serait validé pour le prochain trimestre.",
    "A demandé une nouvelle version du devis avec une remise de 5 %.",
    "Message laissé sur le répondeur, pas de retour pour l'instant.",
    "Changement d'interlocuteur : voir avec la nouvelle responsable des achats.",
    "Réclamation sur la dernière livraison, geste commercial accordé.",
    "Rencontré au salon, carte de visite récupérée. Très réceptif.",
    "Contrat signé, envoi de la facture d'acompte.",
    "Souhaite être recontacté en septembre, après les congés.",
    "Réunion de suivi : satisfaction générale, quelques questions sur l'intégration.",
    "Le comité de direction hésite encore entre nous et un concurrent.",
    "Envoi de la documentation technique et des références clients.",
];
pub const NOTES_EN: &[&str] = &[
    "Discovery call: keen on a demo, call back next week.",
    "Met on site, warm welcome. Budget likely approved next quarter.",
    "Asked for a revised quote with a 5% discount.",
    "Left a voicemail, no answer yet.",
    "New contact person: follow up with the new head of procurement.",
    "Complaint about the last delivery; we offered a credit note.",
    "Met at the trade show, very receptive.",
    "Contract signed, deposit invoice sent.",
    "Wants to be contacted again after the summer holidays.",
    "Follow-up meeting: happy overall, a few questions about the integration.",
    "The board is still torn between us and a competitor.",
    "Sent the technical documentation and customer references.",
];

// Interactions: subjects by kind (the main record's name is sometimes added),
// and where meetings take place.
pub const CALLS_FR: &[&str] = &[
    "Appel de suivi", "Relance devis", "Point téléphonique", "Appel de qualification",
    "Rappel suite à sa demande", "Prise de rendez-vous", "Relance facture", "Appel découverte",
    "Point sur le projet", "Retour sur la proposition", "Appel de courtoisie", "Relance après salon",
];

pub const CALLS_EN: &[&str] = &[
    "Follow-up call", "Quote follow-up", "Catch-up call", "Qualification call", "Call back",
    "Booking a meeting", "Invoice reminder", "Discovery call", "Project check-in",
    "Feedback on the proposal", "Courtesy call",
];

pub const MEETINGS_FR: &[&str] = &[
    "Rendez-vous découverte", "Démonstration produit", "Revue trimestrielle", "Négociation du contrat",
    "Présentation de l'offre", "Atelier de cadrage", "Comité de pilotage", "Déjeuner d'affaires",
    "Réunion de lancement", "Visite du site", "Point d'avancement", "Signature",
];

pub const MEETINGS_EN: &[&str] = &[
    "Discovery meeting", "Product demo", "Quarterly business review", "Contract negotiation",
    "Proposal presentation", "Scoping workshop", "Steering committee", "Business lunch",
    "Kick-off meeting", "Site visit", "Progress review",
];

pub const TASKS_FR: &[&str] = &[
    "Envoyer le devis", "Préparer la proposition", "Mettre à jour la fiche", "Envoyer la documentation",
    "Relancer pour la signature", "Préparer le rendez-vous", "Rédiger le compte rendu",
    "Vérifier les références", "Planifier la démonstration", "Transmettre au service juridique",
    "Préparer l'avenant", "Envoyer les conditions générales",
];

pub const TASKS_EN: &[&str] = &[
    "Send the quote", "Prepare the proposal", "Update the record", "Send the brochure",
    "Chase the signature", "Prepare the meeting", "Write up the minutes", "Check references",
    "Schedule the demo", "Pass on to legal", "Draft the amendment",
];

pub const EMAILS_FR: &[&str] = &[
    "Envoi de la documentation", "Re: proposition commerciale", "Confirmation du rendez-vous",
    "Compte rendu de notre échange", "Devis mis à jour", "Re: question sur la facture",
    "Invitation au webinaire", "Remerciements", "Re: conditions de paiement",
];

pub const EMAILS_EN: &[&str] = &[
    "Brochure as promised", "Re: commercial proposal", "Meeting confirmation",
    "Summary of our call", "Updated quote", "Re: invoice question", "Webinar invitation",
    "Thank you", "Re: payment terms",
];

pub const MEETING_PLACES: &[&str] = &[
    "Visio (Teams)", "Visio (Teams)", "Zoom", "Google Meet", "Dans leurs locaux", "Nos bureaux",
    "Salle Lumière", "Client's office", "Our office", "Café de la Gare",
];
