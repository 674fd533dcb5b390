package sqldb

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// maxTxAttempts bounds how often a transaction runs when it keeps failing
// for a reason another attempt can cure.
const maxTxAttempts = 5

// retryable reports whether err ended a transaction that may simply be run
// again: on PostgreSQL a serialization failure (SQLSTATE 40001) or a
// deadlock (40P01), both of which roll the transaction back. Two instances
// on one database meet them; SQLite, with one writer at a time, does not.
// Recognised by SQLSTATE through the driver error's SQLState method, never
// by message text.
func retryable(err error) bool {
	var st interface{ SQLState() string }
	if !errors.As(err, &st) {
		return false
	}
	switch st.SQLState() {
	case "40001", "40P01":
		return true
	}
	return false
}

// retryTx runs fn, which opens, runs and commits one transaction, again when
// it failed with a retryable error (or, when also is set, an error also
// reports), after a short random pause, at most maxTxAttempts times.
func retryTx[T any](ctx context.Context, also func(error) bool, fn func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := fn()
		if err == nil || attempt == maxTxAttempts || ctx.Err() != nil || !(retryable(err) || also != nil && also(err)) {
			return v, err
		}
		// The other transaction is about to commit: give it a moment,
		// and keep two retrying instances from meeting again in step.
		pause := time.Duration(attempt) * time.Duration(1+rand.IntN(10)) * time.Millisecond
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(pause):
		}
	}
}
