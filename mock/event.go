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
}

// VerifyAudit calls VerifyAuditFn.
func (s *AuditService) VerifyAudit(ctx context.Context) (*klachtdesk.AuditReport, error) {
	return s.VerifyAuditFn(ctx)
}

// EventHash calls EventHashFn.
func (s *AuditService) EventHash(ctx context.Context, id int64) (string, error) {
	return s.EventHashFn(ctx, id)
}
