package cli

import "errors"

// The store's refusals to open that the operator must act on. cli does not
// import the store: it recognises them by these methods.
type (
	ownedFolder interface {
		OwnedFolder() string
		OwnerPID() int
	}
	damagedFile interface{ DamagedFile() string }
)

// OpenStoreError returns the message for err, the store's failure to
// open: one line saying what to do when another serve owns the data folder
// or the database is damaged, else MsgOpenDB.
func (a *App) OpenStoreError(err error) error {
	var owned ownedFolder
	var damaged damagedFile
	switch {
	case errors.As(err, &owned):
		return a.Errorf(mDataDirOwned, owned.OwnedFolder(), owned.OwnerPID())
	case errors.As(err, &damaged):
		return a.Errorf(mDatabaseDamagedOpen, damaged.DamagedFile(), err)
	}
	return a.Errorf(MsgOpenDB, err)
}
