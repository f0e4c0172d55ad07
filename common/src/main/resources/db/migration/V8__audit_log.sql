-- Who changed what through the API (docs/api.md, "Audit log"): one row per change, written in the
-- same transaction as the change by the module that owns what changed, and one per refused or
-- failed attempt, written by the gateway after it answered. Listed newest first by
-- GET /api/v1/audit; rows older than AUDIT_RETENTION are pruned by release-service's leader.
create table audit_log (
  id           bigserial   primary key,
  at           timestamptz not null default now(),
  -- the API key that asked: its id and its name at the time (keys are revoked, never renamed)
  actor_key_id text,
  actor_name   text        not null,
  source       text,
  request_id   text,
  -- the change request's own id, made by the gateway for each request that changes something:
  -- unique, so a request delivered twice to its service (at least once, on Kafka) is made once
  change_id    text,
  action       text        not null,
  resource     text        not null,
  resource_id  text,
  outcome      text        not null check (outcome in ('succeeded', 'refused', 'failed')),
  -- what changed, by name: field names, env keys, the error code of a refusal; never a value of a
  -- secret env
  details      jsonb       not null default '{}'
);
create index audit_log_at on audit_log (at);
create unique index audit_log_change on audit_log (change_id) where change_id is not null;
create index audit_log_actor on audit_log (actor_key_id, id desc);
create index audit_log_resource on audit_log (resource, resource_id, id desc);
