package mock

import (
	"context"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.AddressService = (*AddressService)(nil)

// AddressService is a mock of klachtdesk.AddressService.
type AddressService struct {
	AddressStatusFn func(ctx context.Context, addr string) (undeliverableAt time.Time, reason string, err error)
}

// AddressStatus calls AddressStatusFn.
func (s *AddressService) AddressStatus(ctx context.Context, addr string) (undeliverableAt time.Time, reason string, err error) {
	return s.AddressStatusFn(ctx, addr)
}
