#!/bin/sh
# Makes the compose region's secrets (compose.yaml, "secrets:") once: the gateway→subgraph internal
# key, PostgreSQL's password and the DATABASE_URL holding it. Existing files are kept.
# The directory is private to you (0700); the files are 0644 because compose bind-mounts them
# into the containers, whose user (uid 1000, postgres 999) must read them.
set -eu
dir="$(dirname "$0")/secrets"
mkdir -p "$dir"
chmod 0700 "$dir"
random() { node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))"; }
[ -s "$dir/internal_key" ] || random >"$dir/internal_key"
[ -s "$dir/db_password" ] || random >"$dir/db_password"
[ -s "$dir/database_url" ] || printf 'postgresql://regiongraph:%s@postgres:5432/regiongraph' "$(cat "$dir/db_password")" >"$dir/database_url"
chmod 0644 "$dir/internal_key" "$dir/db_password" "$dir/database_url"
echo "secrets in $dir: internal_key, db_password, database_url"
