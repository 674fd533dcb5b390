package mock

import (
	"context"
	"io"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.IntakeService = (*IntakeService)(nil)

// IntakeService is a mock of klachtdesk.IntakeService.
type IntakeService struct {
	TakeMailsFn  func(ctx context.Context, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error)
	QuarantineFn func(ctx context.Context, in klachtdesk.IncomingMail, reason string) error
	TakenFn      func(ctx context.Context, fingerprint string) (bool, error)
}

// TakeMails calls TakeMailsFn.
func (s *IntakeService) TakeMails(ctx context.Context, in []klachtdesk.IncomingMail) ([]*klachtdesk.IntakeResult, error) {
	return s.TakeMailsFn(ctx, in)
}

// Quarantine calls QuarantineFn.
func (s *IntakeService) Quarantine(ctx context.Context, in klachtdesk.IncomingMail, reason string) error {
	return s.QuarantineFn(ctx, in, reason)
}

// Taken calls TakenFn.
func (s *IntakeService) Taken(ctx context.Context, fingerprint string) (bool, error) {
	return s.TakenFn(ctx, fingerprint)
}

var _ klachtdesk.QuarantineService = (*QuarantineService)(nil)

// QuarantineService is a mock of klachtdesk.QuarantineService.
type QuarantineService struct {
	QuarantinedMailsFn    func(ctx context.Context, limit int) ([]*klachtdesk.QuarantinedMail, error)
	OpenQuarantinedMailFn func(ctx context.Context, id int64) (io.ReadCloser, error)
	RetryQuarantinedFn    func(ctx context.Context, id int64, in klachtdesk.IncomingMail) (*klachtdesk.IntakeResult, error)
}

// QuarantinedMails calls QuarantinedMailsFn.
func (s *QuarantineService) QuarantinedMails(ctx context.Context, limit int) ([]*klachtdesk.QuarantinedMail, error) {
	return s.QuarantinedMailsFn(ctx, limit)
}

// OpenQuarantinedMail calls OpenQuarantinedMailFn.
func (s *QuarantineService) OpenQuarantinedMail(ctx context.Context, id int64) (io.ReadCloser, error) {
	return s.OpenQuarantinedMailFn(ctx, id)
}

// RetryQuarantined calls RetryQuarantinedFn.
func (s *QuarantineService) RetryQuarantined(ctx context.Context, id int64, in klachtdesk.IncomingMail) (*klachtdesk.IntakeResult, error) {
	return s.RetryQuarantinedFn(ctx, id, in)
}
