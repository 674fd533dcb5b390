package sqldb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Locks of the data folder. Two processes may write one SQLite data folder
// (serve beside import or fetch), but only one may own it, and migrations
// must not run in two processes at once: two serve started together on a
// new folder both saw an empty schema, and the second failed half-way
// ("table users already exists"). Both locks are OS file locks (flock) on
// files in the data folder, so that they end with the process however it
// ends, and a stale lock file is harmless.
const (
	// ownerLockFile is held by the process that owns the folder (serve)
	// for its lifetime; it holds that process's ID, for the message of the
	// one refused.
	ownerLockFile = "klachtdesk.owner.lock"
	// migrateLockFile is held by every writing process while it migrates.
	migrateLockFile = "klachtdesk.migrate.lock"
)

// OwnedError is Open's error when the DB is Exclusive and another process
// owns the data folder already.
type OwnedError struct {
	Dir string // the data folder
	PID int    // the owner's process ID, 0 when unknown
}

func (e *OwnedError) Error() string {
	if e.PID == 0 {
		return fmt.Sprintf("data folder %s is in use by another klachtdesk serve", e.Dir)
	}
	return fmt.Sprintf("data folder %s is in use by another klachtdesk serve (process %d)", e.Dir, e.PID)
}

// OwnedFolder returns the data folder; OwnerPID the owner's process ID.
// The command line reads them through an interface, without importing
// sqldb.
func (e *OwnedError) OwnedFolder() string { return e.Dir }

// OwnerPID returns the process ID of the folder's owner, 0 when unknown.
func (e *OwnedError) OwnerPID() int { return e.PID }

// lockOwner takes the owner lock of dir without waiting and writes this
// process's ID into it. It returns the open lock file, whose closing
// releases the lock, or an *OwnedError.
func lockOwner(dir string) (*os.File, error) {
	path := filepath.Join(dir, ownerLockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &OwnedError{Dir: dir, PID: ownerPID(path)}
		}
		return nil, fmt.Errorf("lock data folder %s: %w", dir, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// lockMigrations takes the migration lock of dir, waiting for another
// process's migration to end, and returns the function that releases it.
func lockMigrations(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, migrateLockFile), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("lock migrations: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock migrations in %s: %w", dir, err)
	}
	return func() { f.Close() }, nil
}

// ownerPID reads the owner's process ID from the lock file at path. An
// owner that started a moment ago may not have written it yet: wait for it
// briefly, and return 0 if it does not come.
func ownerPID(path string) int {
	for range 20 {
		b, _ := os.ReadFile(path)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			return pid
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0
}
