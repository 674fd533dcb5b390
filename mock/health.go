package mock

import (
	"context"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.HealthService = (*HealthService)(nil)

// HealthService is a mock of klachtdesk.HealthService.
type HealthService struct {
	WritableFn    func(ctx context.Context) error
	StoreStatusFn func(ctx context.Context) (*klachtdesk.StoreStatus, error)
}

// Writable calls WritableFn.
func (s *HealthService) Writable(ctx context.Context) error { return s.WritableFn(ctx) }

// StoreStatus calls StoreStatusFn.
func (s *HealthService) StoreStatus(ctx context.Context) (*klachtdesk.StoreStatus, error) {
	return s.StoreStatusFn(ctx)
}
