package sqldb_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/klachtdesk/klachtdesk/sqldb"
)

// TestBareIntake: the bare benchmark writes, with intake's own statements,
// the rows intake writes for each new complaint, on the store's schema
// and on the lean one.
func TestBareIntake(t *testing.T) {
	sqliteOnly(t) // the bare path is a SQLite benchmark
	raws := make([][]byte, 5)
	for i := range raws {
		raws[i] = fmt.Appendf(nil, "From: b%d@example.nl\r\nSubject: Klacht %d\r\n\r\nTekst van klacht %d.\r\n", i, i, i)
	}
	want := map[string]int{"blobs": 5, "complainants": 5, "complaints": 5, "events": 15, "messages": 10, "outbox": 5, "inbound": 5}
	tests := []struct {
		rows  sqldb.BareRows
		perTx int
		want  map[string]int
	}{
		{sqldb.BareFull, 1, want},
		{sqldb.BareFull, 2, want},
		{sqldb.BareLean, 3, want},
		{sqldb.BareMinimal, 1, map[string]int{"blobs": 5, "complaints": 5, "events": 5, "outbox": 5, "messages": 0}},
		{sqldb.BareTiny, 1, map[string]int{"tiny": 5, "complaints": 0}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s by %d", tt.rows, tt.perTx), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bare.db")
			if tt.rows == sqldb.BareFull {
				path = MustOpenDB(t).Path()
			}
			if err := sqldb.BareIntake(context.Background(), path, tt.rows, raws, "FULL", tt.perTx); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			raw := rawConn{db}
			for table, n := range tt.want {
				if got := count(t, raw, table); got != n {
					t.Errorf("%s: %d rows, want %d", table, got, n)
				}
			}
			if tt.rows == sqldb.BareFull {
				if got := count(t, raw, "complaint_keys"); got != 5 {
					t.Errorf("complaint_keys: %d rows, want 5", got)
				}
				var head int
				if err := raw.QueryRow(`SELECT last_event_id FROM audit_head`).Scan(&head); err != nil || head != 15 {
					t.Errorf("audit head at event %d, %v; want 15", head, err)
				}
			}
		})
	}
	if err := sqldb.BareIntake(context.Background(), filepath.Join(t.TempDir(), "x.db"), "huge", raws, "FULL", 1); err == nil {
		t.Error("unknown row set accepted")
	}
}
