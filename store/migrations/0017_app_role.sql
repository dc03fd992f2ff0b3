-- The role the API and worker log in as (issue 17, "PostgreSQL trusts everyone and the app is superuser").
-- 0002 created it `nologin`; it may now log in (its password is set by whoever runs the cluster: `kaiji up`
-- from a 0600 file, a DBA in production), and it never holds superuser, DDL or role rights.
-- Its table privileges are granted after every migration run (store/roles.py), so tables of later
-- migrations are covered as well.
alter role kaiji_app with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls noinherit;
