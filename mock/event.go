package mock

import (
	"context"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.AuditService = (*AuditService)(nil)

// AuditService is a mock of klachtdesk.AuditService.
type AuditService struct {
	VerifyAuditFn func(ctx context.Context) (*klachtdesk.AuditReport, error)
	EventHashFn   func(ctx context.Context, id int64) (string, error)

	LastAnchorFn   func(ctx context.Context) (*klachtdesk.Anchor, error)
	RecordAnchorFn func(ctx context.Context, report *klachtdesk.AuditReport, source string) (*klachtdesk.Anchor, error)
	CheckStoreFn   func(ctx context.Context) (*klachtdesk.StoreCheck, error)
}

// VerifyAudit calls VerifyAuditFn.
func (s *AuditService) VerifyAudit(ctx context.Context) (*klachtdesk.AuditReport, error) {
	return s.VerifyAuditFn(ctx)
}

// EventHash calls EventHashFn.
func (s *AuditService) EventHash(ctx context.Context, id int64) (string, error) {
	return s.EventHashFn(ctx, id)
}

// LastAnchor calls LastAnchorFn.
func (s *AuditService) LastAnchor(ctx context.Context) (*klachtdesk.Anchor, error) {
	return s.LastAnchorFn(ctx)
}

// RecordAnchor calls RecordAnchorFn.
func (s *AuditService) RecordAnchor(ctx context.Context, report *klachtdesk.AuditReport, source string) (*klachtdesk.Anchor, error) {
	return s.RecordAnchorFn(ctx, report, source)
}

// CheckStore calls CheckStoreFn.
func (s *AuditService) CheckStore(ctx context.Context) (*klachtdesk.StoreCheck, error) {
	return s.CheckStoreFn(ctx)
}
