#!/bin/sh
# Runs once, when the postgres service first initialises its volume.
# Creates the database `test` the test suite uses (TEST_DATABASE_URL defaults
# to postgres://postgres@127.0.0.1:5432/test?sslmode=disable) and lets the
# user postgres reach that one database without a password. The application
# database keeps password authentication. The port is published on
# 127.0.0.1 only (see docker-compose.yml).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c 'CREATE DATABASE test'
hba="$PGDATA/pg_hba.conf"
{ echo 'host test postgres all trust'; cat "$hba"; } > "$hba.new"
mv "$hba.new" "$hba"
