package mock

import (
	"context"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.SettingsService = (*SettingsService)(nil)

// SettingsService is a mock of klachtdesk.SettingsService.
type SettingsService struct {
	SettingsFn   func(ctx context.Context) (klachtdesk.Settings, error)
	SetSettingFn func(ctx context.Context, key, value string) (klachtdesk.Settings, error)
}

// Settings calls SettingsFn.
func (s *SettingsService) Settings(ctx context.Context) (klachtdesk.Settings, error) {
	return s.SettingsFn(ctx)
}

// SetSetting calls SetSettingFn.
func (s *SettingsService) SetSetting(ctx context.Context, key, value string) (klachtdesk.Settings, error) {
	return s.SetSettingFn(ctx, key, value)
}
