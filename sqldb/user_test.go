package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

func TestUserService(t *testing.T) {
	db := MustOpenDB(t)
	raw := rawDB(t, db)
	ctx := context.Background()
	s := sqldb.NewUserService(db)

	if n, err := s.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("CountUsers() = %d, %v; want 0", n, err)
	}
	admin := &klachtdesk.User{Username: "anna", Name: "Anna de Vries", Email: "anna@example.org", Role: klachtdesk.RoleAdmin, Active: true}
	if err := s.CreateUser(ctx, admin, "correct horse battery staple"); err != nil {
		t.Fatal(err)
	}
	if admin.ID == 0 || !admin.CreatedAt.Equal(testNow) {
		t.Errorf("created user: id %d, created %s", admin.ID, admin.CreatedAt)
	}
	found, err := s.FindUserByUsername(ctx, "anna")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(admin, found); diff != "" {
		t.Errorf("found user (-want +got):\n%s", diff)
	}

	t.Run("password hash", func(t *testing.T) {
		var hash string
		if err := raw.QueryRow(`SELECT password_hash FROM users WHERE username = 'anna'`).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=") || strings.Count(hash, "$") != 5 {
			t.Errorf("hash %q is not an argon2id PHC string", hash)
		}
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM events WHERE after LIKE '%argon2%' OR after LIKE '%staple%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d events contain the password or its hash", n)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		tests := []struct {
			name     string
			u        *klachtdesk.User
			password string
			code     string
		}{
			{"taken", &klachtdesk.User{Username: "anna", Role: klachtdesk.RoleViewer, Active: true}, "correct horse battery staple", klachtdesk.ECONFLICT},
			{"bad name", &klachtdesk.User{Username: "Anna!", Role: klachtdesk.RoleViewer}, "correct horse battery staple", klachtdesk.EINVALID},
			{"system", &klachtdesk.User{Username: "system", Role: klachtdesk.RoleViewer}, "correct horse battery staple", klachtdesk.EINVALID},
			{"bad role", &klachtdesk.User{Username: "bert", Role: "boss"}, "correct horse battery staple", klachtdesk.EINVALID},
			{"short password", &klachtdesk.User{Username: "bert", Role: klachtdesk.RoleViewer}, "kort", klachtdesk.EINVALID},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantCode(t, s.CreateUser(ctx, tt.u, tt.password), tt.code)
			})
		}
	})

	t.Run("authenticate", func(t *testing.T) {
		u, err := s.Authenticate(ctx, "anna", "correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != admin.ID {
			t.Errorf("authenticated user %d, want %d", u.ID, admin.ID)
		}
		_, err = s.Authenticate(ctx, "anna", "wrong horse battery staple")
		wantCode(t, err, klachtdesk.EUNAUTHORIZED)
		_, err2 := s.Authenticate(ctx, "nobody", "correct horse battery staple")
		wantCode(t, err2, klachtdesk.EUNAUTHORIZED)
		if klachtdesk.ErrorMessage(err) != klachtdesk.ErrorMessage(err2) {
			t.Errorf("wrong password and unknown user differ: %q, %q", klachtdesk.ErrorMessage(err), klachtdesk.ErrorMessage(err2))
		}
		inactive := &klachtdesk.User{Username: "slaper", Role: klachtdesk.RoleHandler}
		if err := s.CreateUser(ctx, inactive, "correct horse battery staple"); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, "slaper", "correct horse battery staple")
		wantCode(t, err, klachtdesk.EUNAUTHORIZED)
	})

	t.Run("passwd", func(t *testing.T) {
		h := mustCreateUser(t, db, "hanna", klachtdesk.RoleHandler)
		if err := s.SetPassword(as(h), "hanna", "a brand new passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, "hanna", "correct horse battery staple"); klachtdesk.ErrorCode(err) != klachtdesk.EUNAUTHORIZED {
			t.Errorf("old password: %v", err)
		}
		if _, err := s.Authenticate(ctx, "hanna", "a brand new passphrase"); err != nil {
			t.Errorf("new password: %v", err)
		}
		wantCode(t, s.SetPassword(as(h), "anna", "a brand new passphrase"), klachtdesk.EFORBIDDEN)
		wantCode(t, s.SetPassword(ctx, "nobody", "a brand new passphrase"), klachtdesk.ENOTFOUND)
		wantCode(t, s.SetPassword(ctx, "hanna", "short"), klachtdesk.EINVALID)
		wantCode(t, s.CreateUser(as(h), &klachtdesk.User{Username: "bert", Role: klachtdesk.RoleAdmin}, "correct horse battery staple"), klachtdesk.EFORBIDDEN)
	})

	t.Run("list and events", func(t *testing.T) {
		users, err := s.FindUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range users {
			names = append(names, u.Username)
		}
		if diff := cmp.Diff([]string{"anna", "hanna", "slaper"}, names); diff != "" {
			t.Errorf("users (-want +got):\n%s", diff)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 3 {
			t.Errorf("CountUsers() = %d, %v; want 3", n, err)
		}
		var kinds []string
		rows, err := raw.Query(`SELECT kind FROM events ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			rows.Scan(&k)
			kinds = append(kinds, k)
		}
		want := []string{klachtdesk.EventUserCreated, klachtdesk.EventUserCreated, klachtdesk.EventUserCreated, klachtdesk.EventUserPassword}
		if diff := cmp.Diff(want, kinds, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("event kinds (-want +got):\n%s", diff)
		}
	})
	_, err = s.FindUserByUsername(ctx, "nobody")
	wantCode(t, err, klachtdesk.ENOTFOUND)
}
