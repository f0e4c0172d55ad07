-- An image repo's git credentials (docs/builds.md, "Private repositories"): write-only, like an
-- app's secret_envs. The credentials are AES-GCM ciphertext of a JSON object sealed with
-- LANES_SECRET_KEY, which never enters the database; the type and the user name are kept beside
-- them in clear so that answers can show them without opening the box.
alter table image_repos
  add column git_credentials      bytea,
  add column git_credentials_type text check (git_credentials_type in ('basic')),
  add column git_username         text,
  add constraint image_repos_git_credentials_whole check (
    (git_credentials is null) = (git_credentials_type is null)
    and (git_credentials is null) = (git_username is null));
