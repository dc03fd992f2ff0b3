-- The decision a decision notice belongs to (R-2026-00012-D1): a request may have several decisions,
-- each with its own notice. Null for other notices and for those issued before requests had several.
alter table notices add column decision_id text;
