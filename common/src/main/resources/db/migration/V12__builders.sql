-- Which builder builds an image repo's images (docs/builds.md, "Builders"). The gateway writes
-- DEFAULT_BUILDER into new repos, so answers always show the builder in effect; repos that
-- existed before have always been built with Kaniko and keep it.
-- build_args are the ARG values every build of the repo gets (a build request may override them):
-- visible, never secrets. cache_repo is where the builder keeps its layer cache; null: build-service's
-- KANIKO_CACHE_REPO.
alter table image_repos
  add column builder    text  not null default 'kaniko' check (builder in ('kaniko', 'buildkit')),
  add column build_args jsonb not null default '{}'::jsonb,
  add column cache_repo text;
