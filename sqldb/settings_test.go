package sqldb_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func TestSettingsService(t *testing.T) {
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	ctx := context.Background()
	s := sqldb.NewSettingsService(db)

	got, err := s.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(klachtdesk.DefaultSettings(), got); diff != "" {
		t.Errorf("new database settings (-defaults +got):\n%s", diff)
	}

	got, err = s.SetSetting(ctx, "calendar.closing_days", "2026-12-31, 2026-12-28")
	if err != nil {
		t.Fatal(err)
	}
	want := klachtdesk.DefaultSettings()
	want.Revision = 1
	want.ClosingDays = []klachtdesk.Date{klachtdesk.MustParseDate("2026-12-28"), klachtdesk.MustParseDate("2026-12-31")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SetSetting result (-want +got):\n%s", diff)
	}
	if again, err := s.Settings(ctx); err != nil {
		t.Fatal(err)
	} else if diff := cmp.Diff(want, again); diff != "" {
		t.Errorf("stored settings (-want +got):\n%s", diff)
	}

	// The same value again is no change: no new revision.
	if got, err := s.SetSetting(ctx, "calendar.closing_days", "2026-12-28,2026-12-31"); err != nil || got.Revision != 1 {
		t.Errorf("unchanged value: revision %d, %v", got.Revision, err)
	}

	h := mustCreateUser(t, db, "anna", klachtdesk.RoleAdmin)
	if got, err := s.SetSetting(as(h), "org.name", "Voorbeeld B.V."); err != nil || got.Revision != 2 || got.OrgName != "Voorbeeld B.V." {
		t.Errorf("org.name: revision %d, name %q, %v", got.Revision, got.OrgName, err)
	}

	t.Run("invalid", func(t *testing.T) {
		for _, tt := range []struct{ key, value string }{
			{"no.such.key", "1"},
			{"answer.term_days", "0"},
			{"answer.roll", "sideways"},
			{"timezone", "Mars/Olympus"},
		} {
			_, err := s.SetSetting(ctx, tt.key, tt.value)
			wantCode(t, err, klachtdesk.EINVALID)
		}
		if n := count(t, raw, "settings_changes"); n != 2 {
			t.Errorf("%d settings changes, want 2", n)
		}
	})

	t.Run("history and events", func(t *testing.T) {
		type change struct {
			Revision      int
			Key, Old, New string
			Actor         string
		}
		rows, err := raw.Query(`SELECT revision, key, old, new, actor FROM settings_changes ORDER BY revision`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var changes []change
		for rows.Next() {
			var c change
			if err := rows.Scan(&c.Revision, &c.Key, &c.Old, &c.New, &c.Actor); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, c)
		}
		wantChanges := []change{
			{1, "calendar.closing_days", "", "2026-12-28,2026-12-31", "system"},
			{2, "org.name", "ACT Webservice", "Voorbeeld B.V.", "anna"},
		}
		if diff := cmp.Diff(wantChanges, changes); diff != "" {
			t.Errorf("settings history (-want +got):\n%s", diff)
		}
		var after string
		if err := raw.QueryRow(`SELECT after FROM events WHERE kind = 'settings_changed' ORDER BY id DESC LIMIT 1`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(after), &m); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]any{"key": "org.name", "value": "Voorbeeld B.V.", "revision": float64(2)}, m); diff != "" {
			t.Errorf("settings event after (-want +got):\n%s", diff)
		}
	})
}
