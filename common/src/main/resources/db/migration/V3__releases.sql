-- When a release's status last changed (rollout deadlines count from it), and since when a lane
-- is being deleted.
alter table releases add column status_changed_at timestamptz not null default now();
alter table lanes add column deleting_since timestamptz;

create index releases_open on releases (status) where status in ('pending', 'progressing', 'deleting');
create index builds_repo_tag on builds (image_repo, tag);
