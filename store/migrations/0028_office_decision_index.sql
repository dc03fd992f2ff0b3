-- The records officer's dashboard counts this fiscal year's decisions by outcome from the DecisionApproved
-- events (store/office.py decisions_by_outcome): a partial index on the decision day (ISO text) keeps that
-- from scanning the whole event store.
create index events_decision_approved_on on events ((data->>'decided_on')) where type = 'DecisionApproved';
