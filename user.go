package klachtdesk

import (
	"context"
	"regexp"
	"time"
)

// Role is what a staff user may do.
type Role string

// Roles.
const (
	RoleAdmin   Role = "admin"   // everything, including users and settings
	RoleHandler Role = "handler" // handles and decides complaints
	RoleViewer  Role = "viewer"  // reads the register and reports
)

// Roles lists the valid roles.
var Roles = []Role{RoleAdmin, RoleHandler, RoleViewer}

// User is a staff member. The zero ID is the system actor.
type User struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	Role      Role      `json:"role"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// SystemUser is the actor of changes made by Klachtdesk itself (intake,
// deadline jobs, the command line without a named user).
var SystemUser = &User{ID: 0, Username: "system", Name: "Klachtdesk", Role: RoleAdmin, Active: true}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,62}$`)

// Validate returns an EINVALID error naming the first problem.
func (u *User) Validate() error {
	if !usernameRE.MatchString(u.Username) || u.Username == SystemUser.Username {
		return Errorf(EINVALID, "user name must be 2–63 lower-case letters, digits, '.', '_' or '-' (and not %q), not %q", SystemUser.Username, u.Username)
	}
	switch u.Role {
	case RoleAdmin, RoleHandler, RoleViewer:
	default:
		return Errorf(EINVALID, "role must be one of admin, handler, viewer, not %q", u.Role)
	}
	if len(u.Name) > 200 || len(u.Email) > 320 {
		return Errorf(EINVALID, "name or e-mail address too long")
	}
	return nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// ValidatePassword refuses passwords too short to resist guessing.
func ValidatePassword(p string) error {
	if len([]rune(p)) < MinPasswordLength {
		return Errorf(EINVALID, "password must have at least %d characters", MinPasswordLength)
	}
	if len(p) > 1024 {
		return Errorf(EINVALID, "password is longer than 1024 bytes")
	}
	return nil
}

// UserService manages staff users.
type UserService interface {
	// CreateUser stores u with the given password (hashed) and a
	// user_created event. Returns EFORBIDDEN for a user who is not an
	// administrator, EINVALID for a user or password that does not
	// validate, and ECONFLICT if the user name is taken.
	CreateUser(ctx context.Context, u *User, password string) error

	// FindUserByUsername returns ENOTFOUND when there is no such user.
	FindUserByUsername(ctx context.Context, username string) (*User, error)

	// FindUsers lists every user, by user name.
	FindUsers(ctx context.Context) ([]*User, error)

	// CountUsers returns how many users exist (active or not), so that a
	// first start can ask for an administrator.
	CountUsers(ctx context.Context) (int, error)

	// SetPassword replaces a user's password, with a user_password_changed
	// event. Users change their own password, an administrator anyone's:
	// EFORBIDDEN otherwise (EUNAUTHORIZED for an inactive user). Returns
	// EINVALID for a password that does not validate and ENOTFOUND for an
	// unknown user.
	SetPassword(ctx context.Context, username, password string) error

	// Authenticate returns the active user with this name and password, or
	// EUNAUTHORIZED (without saying which part was wrong).
	Authenticate(ctx context.Context, username, password string) (*User, error)
}

type contextKey int

const userContextKey contextKey = iota

// NewContextWithUser returns ctx carrying the acting user.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userContextKey, u)
}

// UserFromContext returns the acting user, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userContextKey).(*User)
	return u
}
