-- A closed request owes no decision: it is not overdue (domain/requests/evolve.py `_close`).
-- Rows folded before that rule keep `overdue = true`; set them as a rebuild from the events would,
-- so `kaiji projections rebuild --check` agrees with the live tables straight after the upgrade.
update case_view
   set overdue = false,
       state = jsonb_set(state, '{overdue}', 'false'::jsonb)
 where status = 'closed' and (overdue or (state->>'overdue')::boolean);
