-- Notice content encrypted at rest. The HTML, the PDF and the data of a notice hold the addressee's
-- name and address, so they are stored like the parties' columns: AES-256-GCM under the key ring
-- (KAIJI_ENCRYPTION_KEYS, the first key encrypts), each value bound to its notice and column
-- ('notice:<notice_id>:html|pdf|data'). Each value is a blob 'b1.<key_id>.' + nonce + ciphertext+tag
-- (kaiji/security/fields.py). What lists and checks need stays plaintext and holds no personal data:
-- notice_id, case_id, notice_key, notice_type, number, issued_on, sha256, template_version,
-- supersedes, party_id, created_at.
alter table notices
    add column html_enc bytea,
    add column pdf_enc  bytea,
    add column data_enc bytea,
    alter column html drop not null,
    alter column data drop not null;

-- A row is either encrypted (every new row) or a plaintext row stored before this migration,
-- which `kaiji keys rotate` encrypts (nulling its plaintext columns).
alter table notices add constraint notices_content_encrypted_or_legacy check (
    (html_enc is not null and data_enc is not null and html is null and pdf is null and data is null)
    or (html_enc is null and pdf_enc is null and data_enc is null and html is not null and data is not null)
);

create function notices_insert_encrypted() returns trigger language plpgsql as $$
begin
    if new.html is not null or new.pdf is not null or new.data is not null or new.html_enc is null then
        raise exception 'notices are stored encrypted: plaintext html/pdf/data refused for notice %', new.notice_id
            using errcode = 'check_violation';
    end if;
    return new;
end $$;

create trigger notices_insert_encrypted before insert on notices
    for each row execute function notices_insert_encrypted();

-- Still immutable: no DELETE, no TRUNCATE (0005), and an UPDATE may change nothing but how the
-- content is encrypted: every other column (present or added later) must stay as it was, the
-- result must be encrypted, and a PDF stays present or absent. Re-encryption cannot alter the PDF
-- unnoticed: sha256 (over the plaintext PDF) is itself immutable and checked on every read, and the
-- data re-renders to that same PDF (activities/notices is deterministic).
create function notices_update_only_reencrypts() returns trigger language plpgsql as $$
declare
    content constant text[] := array['html_enc', 'pdf_enc', 'data_enc', 'html', 'pdf', 'data'];
begin
    if (to_jsonb(new) - content) is distinct from (to_jsonb(old) - content)
        or new.html_enc is null
        or (new.pdf_enc is null) <> (old.pdf_enc is null and old.pdf is null) then
        raise exception 'notices are immutable: UPDATE refused for notice % (issue a superseding notice instead)',
            old.notice_id
            using errcode = 'insufficient_privilege',
                  hint = 'only `kaiji keys rotate` may rewrite a notice, and only its encryption';
    end if;
    return new;
end $$;

drop trigger notices_no_update_delete on notices;
create trigger notices_no_delete before delete on notices
    for each row execute function notices_are_immutable();
create trigger notices_update_only_reencrypts before update on notices
    for each row execute function notices_update_only_reencrypts();
