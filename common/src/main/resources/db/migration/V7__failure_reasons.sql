-- Issue 13, "Reasons": a failed build or release says why as a stable snake_case code (reason)
-- beside the human message; a cancelled build has the reason 'cancelled'. The codes are
-- dev.lanes.common.domain.BuildReason and ReleaseReason, documented in docs/errors.md.
--
-- The database checks the form only, not the list: a code added in a newer version must not need
-- a migration, and a row written by one must stay readable (an unknown code reads as 'unknown').
-- That every failed row has a reason is the services' rule (the transitions refuse a failure
-- without one); rows that failed before this migration get 'unknown', so the rule holds for every
-- row from here on.

alter table builds add column reason text check (reason ~ '^[a-z][a-z0-9]*(_[a-z0-9]+)*$');
alter table releases add column reason text check (reason ~ '^[a-z][a-z0-9]*(_[a-z0-9]+)*$');

update builds set reason = 'unknown' where status = 'failed';
update builds set reason = 'cancelled' where status = 'cancelled';
update releases set reason = 'unknown' where status = 'failed';
