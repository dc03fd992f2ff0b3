-- Published annual reports (運用状況の公表): frozen with the hash of their inputs and the audit head.
create table published_reports (
    fiscal_year  integer     not null,
    version      integer     not null,
    as_of        timestamptz not null,
    content      jsonb       not null,
    content_hash text        not null,
    inputs_hash  text        not null,   -- sha256 over (stream, version, payload hash) of the events folded
    audit_head   text        not null,   -- the audit chain head when it was published
    published_by text        not null,
    published_at timestamptz not null default now(),
    primary key (fiscal_year, version)
);

create function published_reports_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'published reports are immutable (publish again for a new version)';
end $$;

create trigger published_reports_no_update before update or delete on published_reports
    for each row execute function published_reports_immutable();
create trigger published_reports_no_truncate before truncate on published_reports
    for each statement execute function published_reports_immutable();
