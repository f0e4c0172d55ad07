-- An image repo's registry credentials (docs/builds.md, "Registry credentials"): write-only, like
-- its git credentials. registry_credentials is AES-GCM ciphertext of a JSON object sealed with
-- LANES_SECRET_KEY; registry_credentials_shown is what answers show (user names and hosts, every
-- secret as "***"), kept in clear so that answers need not open the box.
alter table image_repos
  add column registry_credentials       bytea,
  add column registry_credentials_shown jsonb,
  add constraint image_repos_registry_credentials_whole check (
    (registry_credentials is null) = (registry_credentials_shown is null));
