-- A browser session, like a bearer token, belongs to the credential generation its sign-in saw: an account
-- changed while the password was being checked (or later) never has that session come back to life.
alter table sessions add column credential_generation integer not null default 0;
