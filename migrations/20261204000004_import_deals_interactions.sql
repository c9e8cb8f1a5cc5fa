-- Deals and interactions can be imported too (their rows name the
-- companies, persons and stages they belong to).
ALTER TABLE imports DROP CONSTRAINT imports_record_type_check;
ALTER TABLE imports ADD CONSTRAINT imports_record_type_check
    CHECK (record_type IN ('company', 'person', 'deal', 'interaction'));
