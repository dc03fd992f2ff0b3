-- Sign-in throttle per client address as well as per username (issue 17 "Lockout on demand").
-- * login_throttle now counts failures per (username, client address): five wrong passwords from one
--   address lock that name *from that address*; the victim still signs in from another one.
-- * login_throttle_address counts the attempts of one address across all names, so one client
--   trying many usernames is refused for a while (429 + Retry-After).
-- In PostgreSQL, so every API replica shares the counts (issue 16).
alter table login_throttle add column address text not null default '';
alter table login_throttle drop constraint login_throttle_pkey;
alter table login_throttle add primary key (username, address);
create index login_throttle_recent on login_throttle (username, updated_at);

create table login_throttle_address (
    address        text primary key,
    attempts       integer not null default 0,
    window_started timestamptz not null default now(),
    locked_until   timestamptz,
    updated_at     timestamptz not null default now()
);
