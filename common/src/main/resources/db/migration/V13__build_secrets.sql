-- An image repo's build secrets (docs/builds.md, "Build secrets"): write-only, like an app's
-- secret_envs. build_secrets is AES-GCM ciphertext of a JSON object (name -> value) sealed with
-- LANES_SECRET_KEY; build_secret_names are kept in clear so that answers show the names.
alter table image_repos
  add column build_secrets      bytea,
  add column build_secret_names text[] not null default '{}';
