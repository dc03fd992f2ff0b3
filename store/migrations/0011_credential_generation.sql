-- Bumped on every change to an account's role, department, active flag or password: a bearer token
-- carries the generation it was issued under and is refused once the account has moved on, even if
-- the account is later changed back (a re-activated account does not revive its old tokens).
alter table users add column credential_generation integer not null default 0;
