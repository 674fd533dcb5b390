package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// fillAudit makes a trail of every kind of event and returns its length.
func fillAudit(t *testing.T, db *sqldb.DB) int64 {
	t.Helper()
	ctx := context.Background()
	h := mustCreateUser(t, db, "hanna", klachtdesk.RoleHandler) // user_created
	if _, err := sqldb.NewSettingsService(db).SetSetting(ctx, "reaction.days", "21"); err != nil {
		t.Fatal(err)
	}
	if err := sqldb.NewUserService(db).SetPassword(ctx, "hanna", "another long password"); err != nil {
		t.Fatal(err)
	}
	s := sqldb.NewComplaintService(db)
	for i := range 10 {
		c := mustCreateComplaint(t, db, newComplaint(testNow.Add(-time.Hour), fmt.Sprintf("c%d@example.org", i)))
		for _, a := range []klachtdesk.Action{klachtdesk.Acknowledge{}, klachtdesk.Assign{HandlerID: h.ID}, klachtdesk.StartTreatment{}} {
			if _, err := s.Act(as(h), c.Reference, a); err != nil {
				t.Fatal(err)
			}
		}
		if err := sqldb.NewMessageService(db).AddMessage(ctx, c.Reference, &klachtdesk.Message{
			Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail, Text: "Ontvangstbevestiging",
		}, nil); err != nil {
			t.Fatal(err)
		}
	}
	return 3 + 10*5
}

func verify(t *testing.T, db *sqldb.DB) *klachtdesk.AuditReport {
	t.Helper()
	report, err := sqldb.NewAuditService(db).VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return report
}

// tamper runs statements on the database file behind the store's back.
func tamper(t *testing.T, db *sqldb.DB, stmts ...string) {
	t.Helper()
	raw := rawDB(t, db)
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestAuditService_VerifyAudit(t *testing.T) {
	t.Run("intact", func(t *testing.T) {
		db := MustOpenDB(t)
		if r := verify(t, db); r.Events != 0 || r.Break != nil {
			t.Errorf("empty trail: %+v", r)
		}
		n := fillAudit(t, db)
		r := verify(t, db)
		if r.Events != n || r.Break != nil {
			t.Errorf("report = %d events, break %+v; want %d, none", r.Events, r.Break, n)
		}
	})

	t.Run("changed row", func(t *testing.T) {
		db := MustOpenDB(t)
		fillAudit(t, db)
		tamper(t, db, `DROP TRIGGER events_no_update`, `UPDATE events SET after = '{"state":"closed"}' WHERE id = 17`)
		r := verify(t, db)
		if r.Break == nil || r.Break.EventID != 17 {
			t.Fatalf("break = %+v, want event 17", r.Break)
		}
		if r.Events != 17 {
			t.Errorf("checked %d events, want 17", r.Events)
		}
	})

	t.Run("deleted middle row", func(t *testing.T) {
		db := MustOpenDB(t)
		fillAudit(t, db)
		tamper(t, db, `DROP TRIGGER events_no_delete`, `DELETE FROM events WHERE id = 23`)
		if r := verify(t, db); r.Break == nil || r.Break.EventID != 24 {
			t.Fatalf("break = %+v, want event 24 (the row after the deleted one)", r.Break)
		}
	})

	t.Run("deleted last row", func(t *testing.T) {
		db := MustOpenDB(t)
		n := fillAudit(t, db)
		tamper(t, db, `DROP TRIGGER events_no_delete`, fmt.Sprintf(`DELETE FROM events WHERE id = %d`, n))
		r := verify(t, db)
		if r.Break == nil || r.Break.EventID != n {
			t.Fatalf("break = %+v, want event %d (named by the audit head)", r.Break, n)
		}
	})

	t.Run("across pages", func(t *testing.T) {
		sqldb.SetAuditPageSize(t, 7)
		for _, tt := range []struct {
			name    string
			tamper  []string
			wantID  int64
			checked int64
		}{
			{"intact", nil, 0, 53},
			{"first of a page", []string{`DROP TRIGGER events_no_update`, `UPDATE events SET actor = 'mallory' WHERE id = 15`}, 15, 15},
			{"last of a page", []string{`DROP TRIGGER events_no_update`, `UPDATE events SET kind = 'x' WHERE id = 21`}, 21, 21},
			{"deleted at a page end", []string{`DROP TRIGGER events_no_delete`, `DELETE FROM events WHERE id = 28`}, 29, 28},
		} {
			t.Run(tt.name, func(t *testing.T) {
				db := MustOpenDB(t)
				if n := fillAudit(t, db); n != 53 {
					t.Fatalf("trail of %d events, want 53", n)
				}
				tamper(t, db, tt.tamper...)
				r := verify(t, db)
				var got int64
				if r.Break != nil {
					got = r.Break.EventID
				}
				if got != tt.wantID || r.Events != tt.checked {
					t.Errorf("report = %d events, break %+v; want %d events, break at %d", r.Events, r.Break, tt.checked, tt.wantID)
				}
			})
		}
	})
}

// The triggers refuse to change or remove events even through the store's
// own connection.
func TestEventsAppendOnly(t *testing.T) {
	db := MustOpenDB(t)
	fillAudit(t, db)
	for _, stmt := range []string{
		`UPDATE events SET after = '{}' WHERE id = 1`,
		`DELETE FROM events WHERE id = 1`,
		`DELETE FROM events`,
	} {
		tx, err := db.BeginTx(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tx.ExecContext(context.Background(), stmt)
		tx.Rollback()
		if err == nil || !strings.Contains(err.Error(), "events are append-only") {
			t.Errorf("%s: err = %v, want refused as append-only", stmt, err)
		}
	}
	if r := verify(t, db); r.Break != nil {
		t.Errorf("break: %+v", r.Break)
	}
}
