#!/bin/sh
# Measures SQLite and PostgreSQL side by side at one size, one after the
# other, with the same binaries (docs/benchmarks.md):
#
#	bench/backends/sidebyside.sh 10000
#
# PostgreSQL: the local server (trust auth); a database kdbench$N is
# created for the run and dropped after it. The stores are left in
# /tmp/kdb/side/ until the next run.
set -eu
n=${1:-10000}
pg=${PGURL:-postgres://postgres@127.0.0.1:5432}
bin=/tmp/kdb/bin # the defaults of bench/backends
mkdir -p $bin
go build -o $bin/klachtdesk ./cmd/klachtdesk
go build -o $bin/import ./bench/import
go build -o $bin/startup ./bench/startup
go build -o $bin/backends ./bench/backends
rm -rf /tmp/kdb/side/s$n /tmp/kdb/side/p$n
mkdir -p /tmp/kdb/side
uptime
$bin/backends -generate "$n" -data /tmp/kdb/side/s$n
db=kdbench$n
dropdb -h 127.0.0.1 -U postgres --if-exists $db
createdb -h 127.0.0.1 -U postgres $db
$bin/backends -generate "$n" -data /tmp/kdb/side/p$n -db "$pg/$db?sslmode=disable"
psql -h 127.0.0.1 -U postgres -d $db -tAc "SELECT 'postgres database size: ' || pg_size_pretty(pg_database_size('$db'))"
du -sh /tmp/kdb/side/s$n/klachtdesk.db
dropdb -h 127.0.0.1 -U postgres $db
uptime
