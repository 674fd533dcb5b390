package mock

import (
	"context"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.OutboxService = (*OutboxService)(nil)

// OutboxService is a mock of klachtdesk.OutboxService.
type OutboxService struct {
	ClaimLettersFn func(ctx context.Context, limit int, lease time.Duration) ([]*klachtdesk.OutgoingLetter, error)
	LetterSentFn   func(ctx context.Context, id int64) error
	LetterRetryFn  func(ctx context.Context, id int64, reason string, next time.Time) error
	LetterFailedFn func(ctx context.Context, id int64, reason string) error

	RequeueLetterFn        func(ctx context.Context, id int64) (*klachtdesk.RequeuedLetter, error)
	RequeueFailedLettersFn func(ctx context.Context) ([]*klachtdesk.RequeuedLetter, error)
}

// ClaimLetters calls ClaimLettersFn.
func (s *OutboxService) ClaimLetters(ctx context.Context, limit int, lease time.Duration) ([]*klachtdesk.OutgoingLetter, error) {
	return s.ClaimLettersFn(ctx, limit, lease)
}

// LetterSent calls LetterSentFn.
func (s *OutboxService) LetterSent(ctx context.Context, id int64) error {
	return s.LetterSentFn(ctx, id)
}

// LetterRetry calls LetterRetryFn.
func (s *OutboxService) LetterRetry(ctx context.Context, id int64, reason string, next time.Time) error {
	return s.LetterRetryFn(ctx, id, reason, next)
}

// LetterFailed calls LetterFailedFn.
func (s *OutboxService) LetterFailed(ctx context.Context, id int64, reason string) error {
	return s.LetterFailedFn(ctx, id, reason)
}

// RequeueLetter calls RequeueLetterFn.
func (s *OutboxService) RequeueLetter(ctx context.Context, id int64) (*klachtdesk.RequeuedLetter, error) {
	return s.RequeueLetterFn(ctx, id)
}

// RequeueFailedLetters calls RequeueFailedLettersFn.
func (s *OutboxService) RequeueFailedLetters(ctx context.Context) ([]*klachtdesk.RequeuedLetter, error) {
	return s.RequeueFailedLettersFn(ctx)
}
