package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/klachtdesk/klachtdesk"
)

// SettingsService stores the settings and their history; it implements
// klachtdesk.SettingsService.
type SettingsService struct {
	db *DB
}

var _ klachtdesk.SettingsService = (*SettingsService)(nil)

// NewSettingsService returns the settings service of db.
func NewSettingsService(db *DB) *SettingsService { return &SettingsService{db: db} }

// Settings returns the settings in force: the defaults with every stored
// value applied, and the revision of the last change.
func (s *SettingsService) Settings(ctx context.Context) (klachtdesk.Settings, error) {
	if _, err := actor(ctx); err != nil {
		return klachtdesk.Settings{}, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return klachtdesk.Settings{}, err
	}
	defer tx.Rollback()
	return loadSettings(ctx, tx)
}

// SetSetting validates and stores one setting, with a settings_changes row
// and a settings_changed event, and returns the new settings. Storing the
// value a setting already has changes nothing. Existing deadlines are never
// recomputed: they keep the rule version that computed them.
func (s *SettingsService) SetSetting(ctx context.Context, key, value string) (klachtdesk.Settings, error) {
	u, err := admin(ctx, "change settings")
	if err != nil {
		return klachtdesk.Settings{}, err
	}
	return retryTx(ctx, s.db, nil, func() (klachtdesk.Settings, error) { return s.setSetting(ctx, u, key, value) })
}

// setSetting is one attempt of SetSetting: one transaction.
func (s *SettingsService) setSetting(ctx context.Context, u *klachtdesk.User, key, value string) (klachtdesk.Settings, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return klachtdesk.Settings{}, err
	}
	defer tx.Rollback()
	// Changes of settings, on any instance, happen one after the other:
	// the change appends an event anyway, and taking the audit head's
	// lock before reading makes this one read the settings and revision
	// the previous change committed (PostgreSQL's read committed would
	// otherwise let two changes both write the next revision).
	if err := lockAuditHead(ctx, tx); err != nil {
		return klachtdesk.Settings{}, fmt.Errorf("store setting %s: %w", key, err)
	}
	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return klachtdesk.Settings{}, err
	}
	old, err := settings.Get(key)
	if err != nil {
		return klachtdesk.Settings{}, err
	}
	if err := settings.Set(key, value); err != nil {
		return klachtdesk.Settings{}, err
	}
	// Store the value as the domain normalised it (trimmed, dates sorted).
	value, err = settings.Get(key)
	if err != nil {
		return klachtdesk.Settings{}, err
	}
	if value == old {
		return settings, nil
	}
	settings.Revision++

	if _, err := tx.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return klachtdesk.Settings{}, fmt.Errorf("store setting %s: %w", key, err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO settings_changes (revision, key, old, new, actor, at) VALUES (?, ?, ?, ?, ?, ?)`,
		settings.Revision, key, old, value, u.Username, formatTime(tx.now)); err != nil {
		return klachtdesk.Settings{}, fmt.Errorf("store setting %s: history: %w", key, err)
	}
	before, err := json.Marshal(map[string]any{"key": key, "value": old, "revision": settings.Revision - 1})
	if err != nil {
		return klachtdesk.Settings{}, err
	}
	after, err := json.Marshal(map[string]any{"key": key, "value": value, "revision": settings.Revision})
	if err != nil {
		return klachtdesk.Settings{}, err
	}
	if err := appendEvent(ctx, tx, &klachtdesk.Event{
		Kind: klachtdesk.EventSettingsChanged, ActorID: u.ID, Actor: u.Username, Before: before, After: after,
	}); err != nil {
		return klachtdesk.Settings{}, err
	}
	if err := tx.Commit(); err != nil {
		return klachtdesk.Settings{}, err
	}
	return settings, nil
}

// loadSettings reads the settings in force inside tx, so that a change
// commits either wholly before or wholly after the work that reads them.
func loadSettings(ctx context.Context, tx *Tx) (klachtdesk.Settings, error) {
	// Settings change only through SetSetting, which writes a new
	// revision with every change: the revision alone tells whether the
	// settings read last are still in force.
	var revision int
	if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(revision), 0) FROM settings_changes`).Scan(&revision); err != nil {
		return klachtdesk.Settings{}, fmt.Errorf("read settings revision: %w", err)
	}
	if s, ok := tx.db.settings.get(revision); ok {
		return s, nil
	}
	// The values and their revision are read in one statement: on
	// PostgreSQL (read committed) each statement sees the changes
	// committed before it began, and values of one revision must not be
	// cached under another. With no stored value the revision read above
	// stands.
	rows, err := tx.query(ctx, `SELECT key, value, (SELECT COALESCE(MAX(revision), 0) FROM settings_changes) FROM settings`)
	if err != nil {
		return klachtdesk.Settings{}, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v, &revision); err != nil {
			return klachtdesk.Settings{}, fmt.Errorf("read settings: %w", err)
		}
		m[k] = v
	}
	if err := rows.Err(); err != nil {
		return klachtdesk.Settings{}, fmt.Errorf("read settings: %w", err)
	}
	s, err := klachtdesk.SettingsFromMap(m, revision)
	if err != nil {
		// A bad stored value is the store's fault, not the user's: %v keeps
		// its EINVALID code from reaching the edge.
		return klachtdesk.Settings{}, fmt.Errorf("stored settings are invalid: %v", err)
	}
	tx.db.settings.put(s)
	return s, nil
}

// settingsCache keeps the settings of the latest revision read, so that a
// transaction that needs them reads one row instead of all of them.
type settingsCache struct {
	mu    sync.Mutex
	valid bool
	s     klachtdesk.Settings
}

func (c *settingsCache) get(revision int) (klachtdesk.Settings, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || c.s.Revision != revision {
		return klachtdesk.Settings{}, false
	}
	return cloneSettings(c.s), true
}

func (c *settingsCache) put(s klachtdesk.Settings) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s, c.valid = cloneSettings(s), true
}

// cloneSettings copies s with its own lists, so that a caller changing its
// copy never changes the cache's.
func cloneSettings(s klachtdesk.Settings) klachtdesk.Settings {
	s.ClosingDays = slices.Clone(s.ClosingDays)
	s.BridgeDays = slices.Clone(s.BridgeDays)
	return s
}
