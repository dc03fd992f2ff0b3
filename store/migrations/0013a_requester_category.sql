-- 請求者の区分 (issue 10 §4): recorded at registration, listed and exported. Requests registered before
-- have none (null); their folded state gains the key so a rebuild from the events matches the live rows.
alter table case_view add column requester_category text;
create index case_view_requester_category on case_view (requester_category);
update case_view set state = state || '{"requester_category": null}'::jsonb
 where not state ? 'requester_category';
-- The fee of a disclosure (費用負担) is computed and folded from now on; earlier Disclosed events carry
-- no computation, so their cases fold to null as well.
update case_view set state = state || '{"disclosure_fee": null}'::jsonb
 where not state ? 'disclosure_fee';
