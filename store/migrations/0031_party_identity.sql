-- 本人確認 of a self-information request (個人情報保護法第77条②): which documents were seen at intake,
-- encrypted like the other party columns (AES-256-GCM, bound to party:ID:identity). Never a copy of the ID.
alter table parties add column if not exists identity_enc text;
