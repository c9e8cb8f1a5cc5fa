-- Documents on enrolments too: a funder's agreement, an attendance sheet,
-- the CV sent with an application (issue 18).
ALTER TABLE documents DROP CONSTRAINT documents_record_type_check;
ALTER TABLE documents ADD CONSTRAINT documents_record_type_check
    CHECK (record_type IN ('company', 'person', 'deal', 'interaction', 'enrolment'));
