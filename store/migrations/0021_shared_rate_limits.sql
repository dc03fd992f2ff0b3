-- Issue 16, several API replicas: the registration rate limit (api/ratelimit.py) is counted here, so
-- every replica sees the same window (one user gets `limit` registrations a minute, not replicas × limit).
-- One row per accepted hit; rows older than the window are deleted by the next hit on the same key.
create table rate_limit_hits (
    bucket text        not null,        -- e.g. 'registration'
    key    text        not null,        -- the staff username
    at     timestamptz not null default now()
);
create index rate_limit_hits_key_at on rate_limit_hits (bucket, key, at);
