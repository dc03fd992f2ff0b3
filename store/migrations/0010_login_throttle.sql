-- Failed sign-ins are counted per *attempted* username, whether or not an account
-- has that name: a locked name answers 429 either way, so the lockout does not
-- tell an attacker which usernames exist (ASVS V2.2.1, V3.2 account enumeration).
create table login_throttle (
    username     text primary key,
    failures     integer not null default 0,
    locked_until timestamptz,
    updated_at   timestamptz not null default now()
);
insert into login_throttle (username, failures, locked_until)
    select username, failed_logins, locked_until from users where failed_logins > 0 or locked_until is not null;
alter table users drop column failed_logins, drop column locked_until;
