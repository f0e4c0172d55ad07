-- The system of record of Lanes. Names are DNS labels (checked by the API, enforced here as well so
-- that no path around the API can store a name Kubernetes would refuse).

create domain dns_label as text
  check (value ~ '^[a-z]([a-z0-9-]*[a-z0-9])?$' and length(value) <= 63);

create table image_repos (
  name         dns_label primary key,
  registry     text        not null,
  git_repo     text        not null,
  context_dir  text        not null default '.',
  dockerfile   text        not null default 'Dockerfile',
  no_cache     boolean     not null default false,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);

create table apps (
  name             dns_label primary key,
  description      text        not null default '',
  -- restrict: an image repo cannot go while an app uses it (image_repo_in_use)
  image_repo       text        references image_repos (name) on delete restrict,
  port             integer     not null default 0 check (port between 0 and 65535),
  command          jsonb       not null default '[]',
  args             jsonb       not null default '[]',
  envs             jsonb       not null default '{}',
  -- AES-GCM ciphertext of a JSON object; the key never enters the database
  secret_envs      bytea,
  secret_env_names text[]      not null default '{}',
  replicas         integer     not null default 1 check (replicas between 0 and 100),
  resources        jsonb,
  health_path      text,
  service_account  text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index apps_image_repo on apps (image_repo);

create table lanes (
  name         dns_label primary key,
  description  text        not null default '',
  ttl_seconds  integer     check (ttl_seconds > 0),
  protected    boolean     not null default false,
  -- active, or deleting while its releases are undeployed
  status       text        not null default 'active' check (status in ('active', 'deleting')),
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);

-- prod and blue exist from the first start: the platform deploys itself blue/green into them.
insert into lanes (name, description, protected) values
  ('prod', 'Production: the default target of every request', true),
  ('blue', 'The platform''s own second lane for blue/green self-deploys', true);

create table builds (
  id           uuid        primary key,
  app          text        not null references apps (name) on delete cascade,
  image_repo   text        not null,
  git_ref      text        not null,
  commit       text,
  tag          text,
  image        text,
  digest       text,
  status       text        not null check (status in
                 ('pending', 'queued', 'running', 'succeeded', 'failed', 'cancelled')),
  message      text,
  job_name     text,
  created_at   timestamptz not null default now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
create index builds_app_created on builds (app, created_at desc);
create index builds_repo_commit on builds (image_repo, commit) where status = 'succeeded';
create index builds_open on builds (status) where status in ('pending', 'queued', 'running');

create table build_logs (
  build_id     uuid        primary key references builds (id) on delete cascade,
  log          text        not null,
  truncated    boolean     not null default false,
  saved_at     timestamptz not null default now()
);

create table releases (
  id           uuid        primary key,
  -- restrict: an app with releases cannot be deleted (app_has_releases)
  app          text        not null references apps (name) on delete restrict,
  lane         text        not null references lanes (name) on delete restrict,
  tag          text        not null,
  image        text        not null,
  replicas     integer     not null check (replicas between 0 and 100),
  envs         jsonb       not null default '{}',
  revision     integer     not null check (revision > 0),
  status       text        not null check (status in
                 ('pending', 'progressing', 'deployed', 'failed', 'deleting')),
  message      text,
  deployment   text,
  service      text,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  unique (app, lane)
);
create index releases_lane on releases (lane);

-- Every revision of every release, so that history and rollback outlive later changes.
create table release_revisions (
  release_id   uuid        not null references releases (id) on delete cascade,
  revision     integer     not null,
  tag          text        not null,
  image        text        not null,
  replicas     integer     not null,
  envs         jsonb       not null,
  cause        text        not null default 'deploy',
  created_at   timestamptz not null default now(),
  primary key (release_id, revision)
);

create table api_keys (
  id           text        primary key,
  name         text        not null,
  -- SHA-256 of the whole key; the key itself is never stored
  hash         bytea       not null,
  scopes       text[]      not null,
  bootstrap    boolean     not null default false,
  created_at   timestamptz not null default now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
create unique index api_keys_active_name on api_keys (name) where revoked_at is null;

-- Commands and events written in the same transaction as the change that caused them, published
-- after commit by the outbox relay, in id order per aggregate.
create table outbox (
  id             bigserial   primary key,
  aggregate_type text        not null,
  aggregate_id   text        not null,
  event_type     text        not null,
  payload        jsonb       not null,
  created_at     timestamptz not null default now(),
  published_at   timestamptz
);
create index outbox_unpublished on outbox (id) where published_at is null;

-- Ids of messages a consumer has handled, so that a redelivered message does nothing twice.
create table processed_messages (
  consumer     text        not null,
  message_id   text        not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, message_id)
);
