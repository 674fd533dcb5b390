package cli

import (
	"errors"
	"os"
)

// PrepareDataDir checks the data folder dir and, with create, makes it
// (sqlite: the database is a file in it, so reading needs the folder). It
// proves the folder writable, so that a read-only mount fails at start with
// a clear message instead of at the first complaint.
func (a *App) PrepareDataDir(dir string, create, sqlite bool) error {
	if dir == "" {
		return a.Errorf(mNoDataDir)
	}
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return a.Errorf(mDataDirFile, dir)
	case errors.Is(err, os.ErrNotExist) && !create && sqlite:
		return a.Errorf(mDataDirAbsent, dir)
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return a.Errorf(mDataDirCreate, dir, PathCause(err))
		}
	case err != nil:
		return a.Errorf(mDataDir, dir, PathCause(err))
	}
	if !create {
		return nil
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return a.Errorf(mDataDirRO, dir, PathCause(err))
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return a.Errorf(mDataDirRO, dir, PathCause(err))
	}
	return nil
}
