-- Which builder builds an image repo's images (docs/builds.md, "Builders"). The gateway writes
-- DEFAULT_BUILDER into new repos, so answers always show the builder in effect; repos that
-- existed before have always been built with Kaniko and keep it.
alter table image_repos
  add column builder text not null default 'kaniko' check (builder in ('kaniko', 'buildkit'));
