-- A list past 10,000 rows, or one whose exact count would take long, shows
-- the planner's estimate ("about 21,000"). Its filters compare folded text,
-- relais_fold(coalesce(column, '')), and PostgreSQL keeps no statistics of an
-- expression unless told to (those of an expression index are not used when
-- the index is partial, as ours are): "city is Lyon" was estimated at 4,986
-- rows for 21,087 at a million persons, and "Lyon and active" at 25 for
-- 7,312. With these, 20,810 and 7,480.
CREATE STATISTICS persons_city_stage_stats
    ON relais_fold(coalesce(city, '')), lifecycle_stage FROM persons;
CREATE STATISTICS companies_city_size_stats
    ON relais_fold(coalesce(city, '')), size FROM companies;
CREATE STATISTICS companies_country_stats ON (relais_fold(coalesce(country, ''))) FROM companies;
CREATE STATISTICS companies_industry_stats ON (relais_fold(coalesce(industry, ''))) FROM companies;
ANALYZE persons;
ANALYZE companies;
