package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/klachtdesk/klachtdesk"
	"golang.org/x/crypto/argon2"
)

// UserService stores staff users and checks their passwords; it implements
// klachtdesk.UserService.
type UserService struct {
	db *DB
}

var _ klachtdesk.UserService = (*UserService)(nil)

// NewUserService returns the user service of db.
func NewUserService(db *DB) *UserService { return &UserService{db: db} }

// CreateUser stores u, active or not as u.Active says, with the password
// hashed, and appends a user_created event. ECONFLICT if the user name is
// taken. Only an administrator (or the system) creates users.
func (s *UserService) CreateUser(ctx context.Context, u *klachtdesk.User, password string) error {
	by, err := admin(ctx, "create users")
	if err != nil {
		return err
	}
	if u == nil {
		return klachtdesk.Errorf(klachtdesk.EINVALID, "no user given")
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := klachtdesk.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	now := formatTime(tx.now)
	var id int64
	err = tx.queryRow(ctx, `INSERT INTO users (username, name, email, role, active, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.Name, u.Email, string(u.Role), boolInt(u.Active), hash, now, now).Scan(&id)
	if tx.db.dialect.classify(err) == constraintUnique {
		return klachtdesk.Errorf(klachtdesk.ECONFLICT, "user name %q is taken", u.Username)
	} else if err != nil {
		return fmt.Errorf("create user %s: %w", u.Username, err)
	}
	created := *u
	created.ID, created.CreatedAt = id, tx.now
	after, err := json.Marshal(&created) // the user's public fields; never the hash
	if err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, &klachtdesk.Event{
		Kind: klachtdesk.EventUserCreated, ActorID: by.ID, Actor: by.Username, After: after,
	}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	u.ID, u.CreatedAt = created.ID, created.CreatedAt
	return nil
}

// FindUserByUsername returns the user, or ENOTFOUND.
func (s *UserService) FindUserByUsername(ctx context.Context, username string) (*klachtdesk.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, _, err := findUser(ctx, tx, username)
	return u, err
}

// FindUsers lists every user by user name.
func (s *UserService) FindUsers(ctx context.Context) ([]*klachtdesk.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var out []*klachtdesk.User
	for rows.Next() {
		u := &klachtdesk.User{}
		var hash string
		if err := rows.Scan(userDests(u, &hash)...); err != nil {
			return nil, fmt.Errorf("find users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	return out, nil
}

// CountUsers returns how many users exist, so that a first start can ask for
// an administrator.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// SetPassword replaces a user's password and appends a
// user_password_changed event (without any hash). Users change their own
// password; an administrator (or the system) anyone's.
func (s *UserService) SetPassword(ctx context.Context, username, password string) error {
	by, err := actor(ctx)
	if err != nil {
		return err
	}
	if by.Role != klachtdesk.RoleAdmin && by.Username != username {
		return klachtdesk.Errorf(klachtdesk.EFORBIDDEN, "only an administrator can change another user's password")
	}
	if err := klachtdesk.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	u, _, err := findUser(ctx, tx, username)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`,
		hash, formatTime(tx.now), u.ID); err != nil {
		return fmt.Errorf("set password of %s: %w", username, err)
	}
	after, err := json.Marshal(map[string]any{"id": u.ID, "username": u.Username})
	if err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, &klachtdesk.Event{
		Kind: klachtdesk.EventUserPassword, ActorID: by.ID, Actor: by.Username, After: after,
	}); err != nil {
		return err
	}
	return tx.Commit()
}

// Authenticate returns the active user with this name and password, or
// EUNAUTHORIZED whichever part was wrong. An unknown name costs the same
// hashing as a wrong password, so timing does not tell them apart.
func (s *UserService) Authenticate(ctx context.Context, username, password string) (*klachtdesk.User, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u, hash, err := findUser(ctx, tx, username)
	if klachtdesk.ErrorCode(err) == klachtdesk.ENOTFOUND {
		u, hash = nil, dummyHash()
	} else if err != nil {
		return nil, err
	}
	ok, err := verifyPassword(password, hash)
	if err != nil {
		return nil, fmt.Errorf("authenticate %s: %w", username, err)
	}
	if !ok || u == nil || !u.Active {
		return nil, klachtdesk.Errorf(klachtdesk.EUNAUTHORIZED, "wrong user name or password")
	}
	return u, nil
}

const userColumns = `id, username, name, email, role, active, created_at, password_hash`

func userDests(u *klachtdesk.User, hash *string) []any {
	return []any{&u.ID, &u.Username, &u.Name, &u.Email, strDest[klachtdesk.Role]{&u.Role}, boolDest{&u.Active}, instantDest{&u.CreatedAt}, hash}
}

func findUser(ctx context.Context, tx *Tx, username string) (*klachtdesk.User, string, error) {
	u := &klachtdesk.User{}
	var hash string
	err := tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username).Scan(userDests(u, &hash)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", klachtdesk.Errorf(klachtdesk.ENOTFOUND, "user %q not found", username)
	} else if err != nil {
		return nil, "", fmt.Errorf("find user %s: %w", username, err)
	}
	return u, hash, nil
}

// Argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1
// lane). They are stored in each hash, so raising them later leaves existing
// hashes verifiable.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// dummyHash is verified against when the user does not exist; it is made
// on first use, not at start.
var dummyHash = sync.OnceValue(func() string {
	h, err := hashPassword("klachtdesk-no-such-user")
	if err != nil {
		panic(err)
	}
	return h
})

var b64 = base64.RawStdEncoding

// hashPassword returns the argon2id hash of password as a PHC string:
// $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func hashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword compares password with a PHC argon2id hash in constant time.
func verifyPassword(password, phc string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, errors.New("stored password hash is not argon2id")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, fmt.Errorf("stored password hash has argon2 version %q", parts[2])
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil || memory == 0 || passes == 0 || threads == 0 {
		return false, fmt.Errorf("stored password hash has bad parameters %q", parts[3])
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("stored password hash salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errors.New("stored password hash is malformed")
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
