package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// Mailbox leases: several serve instances on one database share the work,
// but an IMAP mailbox is polled by one of them at a time. Each instance asks
// for the mailbox's lease before it polls and renews it while it does; the
// lease of an instance that died ends at its expiry and another takes over.
// The intake log's fingerprint stays the last defence against a mail taken
// twice (a holder that stalled past its expiry while another took over).

// sqlLeaseMailbox takes the lease of a mailbox when it is free, expired or
// already held by the same holder, in one statement: the conflict clause
// decides on the row as it is now, under its lock on PostgreSQL, and under
// the write lock on SQLite. No row is returned when another holds it.
const sqlLeaseMailbox = `INSERT INTO mailbox_leases (mailbox, holder, expires_at) VALUES (?, ?, ?)
	ON CONFLICT (mailbox) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
	WHERE mailbox_leases.holder = excluded.holder OR mailbox_leases.expires_at <= ?
	RETURNING holder`

// LeaseMailbox takes, or renews, the lease of mailbox for holder until ttl
// from now (the store's clock). held reports whether holder has it now;
// when another instance holds an unexpired lease, current names it.
// Returns EFORBIDDEN for a viewer and EINVALID for an empty holder or a ttl
// that is not positive.
func (s *IntakeService) LeaseMailbox(ctx context.Context, mailbox, holder string, ttl time.Duration) (current string, held bool, err error) {
	if _, err := writer(ctx); err != nil {
		return "", false, err
	}
	if holder == "" || ttl <= 0 {
		return "", false, klachtdesk.Errorf(klachtdesk.EINVALID, "a mailbox lease needs a holder and a positive duration")
	}
	type lease struct {
		holder string
		held   bool
	}
	l, err := retryTx(ctx, s.db, nil, func() (lease, error) {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return lease{}, err
		}
		defer tx.Rollback()
		var got string
		err = tx.queryRow(ctx, sqlLeaseMailbox, mailbox, holder, formatTime(tx.now.Add(ttl)), formatTime(tx.now)).Scan(&got)
		switch {
		case err == nil:
			return lease{holder: got, held: got == holder}, tx.Commit()
		case !errors.Is(err, sql.ErrNoRows):
			return lease{}, fmt.Errorf("lease mailbox %s: %w", mailbox, err)
		}
		if err := tx.queryRow(ctx, `SELECT holder FROM mailbox_leases WHERE mailbox = ?`, mailbox).Scan(&got); err != nil {
			return lease{}, fmt.Errorf("lease mailbox %s: %w", mailbox, err)
		}
		return lease{holder: got}, tx.Commit()
	})
	if err != nil {
		return "", false, s.db.unavailable(err)
	}
	return l.holder, l.held, nil
}

// ReleaseMailbox gives up holder's lease of mailbox, so that another
// instance may poll it at once; a lease held by another is left alone.
func (s *IntakeService) ReleaseMailbox(ctx context.Context, mailbox, holder string) error {
	if _, err := writer(ctx); err != nil {
		return err
	}
	_, err := retryTx(ctx, s.db, nil, func() (struct{}, error) {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return struct{}{}, err
		}
		defer tx.Rollback()
		if _, err := tx.exec(ctx, `DELETE FROM mailbox_leases WHERE mailbox = ? AND holder = ?`, mailbox, holder); err != nil {
			return struct{}{}, fmt.Errorf("release mailbox %s: %w", mailbox, err)
		}
		return struct{}{}, tx.Commit()
	})
	return err
}
