-- Global search at a million rows: first names, emails and typos.
--
-- Names starting with the text are found on btrees (sort_name, and for
-- persons first name first; emails on their lower(email) index), stopping
-- after five rows.
-- The typo pass used to ask the trigram index of search_text for near
-- matches; "lefebre" shares trigrams with 17,812 of a million persons and
-- the index read them all (21 ms) before any limit. It now corrects the
-- text instead: each word is replaced by the closest word of the names in
-- use (a vocabulary of a few thousand to a hundred thousand words, 1 ms),
-- and the corrected text is looked up like a typed one.

-- Persons by first name, then last name ("helene lef…").
CREATE INDEX persons_first_last_idx
    ON persons (relais_fold(coalesce(first_name, '') || ' ' || last_name), id)
    WHERE deleted_at IS NULL;

-- The words of the names of companies, persons, deals, enrolments and
-- documents (their folded sort_name), kept by the triggers below.
CREATE TABLE search_words (word TEXT PRIMARY KEY);
CREATE INDEX search_words_trgm_idx ON search_words USING gin (word gin_trgm_ops);

-- The words worth correcting to: 3 to 60 characters.
CREATE FUNCTION relais_name_words(text) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT w FROM unnest(string_to_array($1, ' ')) w WHERE length(w) BETWEEN 3 AND 60 $$;

-- Whether a live record of any kind still holds `word`, as a whole word,
-- in its search text (a word nobody's name holds any more leaves the vocabulary: an erased
-- person's name must not stay findable, even as a bare word).
CREATE FUNCTION relais_word_in_use(word text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM companies WHERE deleted_at IS NULL AND search_text LIKE '%' || word || '%'
                   AND ' ' || search_text || ' ' LIKE '% ' || word || ' %')
        OR EXISTS (SELECT 1 FROM persons WHERE deleted_at IS NULL AND search_text LIKE '%' || word || '%'
                   AND ' ' || search_text || ' ' LIKE '% ' || word || ' %')
        OR EXISTS (SELECT 1 FROM deals WHERE deleted_at IS NULL AND search_text LIKE '%' || word || '%'
                   AND ' ' || search_text || ' ' LIKE '% ' || word || ' %')
        OR EXISTS (SELECT 1 FROM enrolments WHERE deleted_at IS NULL AND search_text LIKE '%' || word || '%'
                   AND ' ' || search_text || ' ' LIKE '% ' || word || ' %')
        OR EXISTS (SELECT 1 FROM documents WHERE deleted_at IS NULL AND search_text LIKE '%' || word || '%'
                   AND ' ' || search_text || ' ' LIKE '% ' || word || ' %')
$$;

-- Statement triggers (one run per statement, however many rows: an import
-- of 10,000 persons adds its words once).
CREATE FUNCTION relais_learn_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word)
    SELECT DISTINCT w FROM new_rows, relais_name_words(new_rows.sort_name) w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION relais_relearn_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_words (word)
    SELECT DISTINCT w FROM new_rows, relais_name_words(new_rows.sort_name) w
    ON CONFLICT DO NOTHING;
    DELETE FROM search_words s
    WHERE s.word IN (SELECT w FROM old_rows, relais_name_words(old_rows.sort_name) w
                     EXCEPT SELECT w FROM new_rows, relais_name_words(new_rows.sort_name) w)
      AND NOT relais_word_in_use(s.word);
    RETURN NULL;
END $$;

CREATE FUNCTION relais_forget_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_words s
    WHERE s.word IN (SELECT w FROM old_rows, relais_name_words(old_rows.sort_name) w)
      AND NOT relais_word_in_use(s.word);
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['companies', 'persons', 'deals', 'enrolments', 'documents'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION relais_learn_words()', t || '_learn_words', t);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION relais_relearn_words()', t || '_relearn_words', t);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                        FOR EACH STATEMENT EXECUTE FUNCTION relais_forget_words()', t || '_forget_words', t);
        EXECUTE format('INSERT INTO search_words (word) SELECT DISTINCT w FROM %I, relais_name_words(sort_name) w
                        ON CONFLICT DO NOTHING', t);
    END LOOP;
END $$;
ANALYZE search_words;
