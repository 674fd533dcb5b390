#!/bin/sh
# Measures SQLite and PostgreSQL side by side at one size, one after the
# other, with the same binaries (docs/benchmarks.md):
#
#	bench/backends/sidebyside.sh 10000
#
# PostgreSQL: the local server (trust auth); a database kdbench$N is
# created for the run and dropped after it. The stores are left in
# /tmp/kdside/ until the next run.
set -eu
n=${1:-10000}
pg=${PGURL:-postgres://postgres@127.0.0.1:5432}
go build -o /tmp/kd ./cmd/klachtdesk
go build -o /tmp/kdimport ./bench/import
go build -o /tmp/kdstartup ./bench/startup
go build -o /tmp/kdbackends ./bench/backends
rm -rf /tmp/kdside/s$n /tmp/kdside/p$n
mkdir -p /tmp/kdside
uptime
/tmp/kdbackends -generate "$n" -data /tmp/kdside/s$n
db=kdbench$n
dropdb -h 127.0.0.1 -U postgres --if-exists $db
createdb -h 127.0.0.1 -U postgres $db
/tmp/kdbackends -generate "$n" -data /tmp/kdside/p$n -db "$pg/$db?sslmode=disable"
psql -h 127.0.0.1 -U postgres -d $db -tAc "SELECT 'postgres database size: ' || pg_size_pretty(pg_database_size('$db'))"
du -sh /tmp/kdside/s$n/klachtdesk.db
dropdb -h 127.0.0.1 -U postgres $db
uptime
