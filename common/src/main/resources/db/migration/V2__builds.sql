-- Builds keep what they were asked to build (the image repo as it was when requested), whether
-- they reused the image of an earlier build, and when to retry a Job that could not be created.

alter table builds
  add column force         boolean     not null default false,
  add column source        jsonb,
  add column reused_from   uuid        references builds (id) on delete set null,
  add column resolved_ref  text,
  add column dispatched_at timestamptz,
  add column attempts      integer     not null default 0,
  add column retry_at      timestamptz;

-- the queue: oldest first, only builds waiting for a Job
create index builds_queue on builds (created_at) where status = 'queued' and job_name is null;
