-- A company's people panel: current jobs first, newest link first, read
-- straight from this index (a company may employ thousands).
CREATE INDEX person_companies_company_order_idx
    ON person_companies (company_id, (end_date IS NOT NULL), id DESC);
