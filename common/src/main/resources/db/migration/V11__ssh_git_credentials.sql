-- SSH git credentials (docs/builds.md, "Private repositories"): the private key is sealed in
-- git_credentials like a password; the known_hosts lines are public (a host key is what the server
-- shows every client) and kept in clear beside it, so that answers show which host keys builds
-- trust without opening the box. git_username belongs to basic credentials only.
-- (V10 and V11 are taken by work on other branches.)
alter table image_repos
  drop constraint image_repos_git_credentials_type_check,
  drop constraint image_repos_git_credentials_whole,
  add column git_known_hosts text,
  add constraint image_repos_git_credentials_type_check
    check (git_credentials_type in ('basic', 'ssh')),
  add constraint image_repos_git_credentials_whole check (
    (git_credentials is null) = (git_credentials_type is null)
    and (git_username is not null) = (git_credentials_type is not distinct from 'basic')
    and (git_known_hosts is not null) = (git_credentials_type is not distinct from 'ssh'));
