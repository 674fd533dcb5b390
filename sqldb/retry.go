package sqldb

import (
	"context"
	"math/rand/v2"
	"time"
)

// maxTxAttempts bounds how often a transaction runs when it keeps failing
// for a reason another attempt can cure.
const maxTxAttempts = 5

// retryTx runs fn, which opens, runs and commits one transaction of db, again
// when it failed with an error the dialect calls retryable (a deadlock or
// serialization failure on PostgreSQL) or, when also is set, an error also
// reports, after a short random pause, at most maxTxAttempts times.
func retryTx[T any](ctx context.Context, db *DB, also func(error) bool, fn func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := fn()
		if err == nil || attempt == maxTxAttempts || ctx.Err() != nil || !(db.dialect.retryable(err) || also != nil && also(err)) {
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
