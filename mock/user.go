package mock

import (
	"context"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.UserService = (*UserService)(nil)

// UserService is a mock of klachtdesk.UserService.
type UserService struct {
	CreateUserFn         func(ctx context.Context, u *klachtdesk.User, password string) error
	FindUserByUsernameFn func(ctx context.Context, username string) (*klachtdesk.User, error)
	FindUsersFn          func(ctx context.Context) ([]*klachtdesk.User, error)
	CountUsersFn         func(ctx context.Context) (int, error)
	SetPasswordFn        func(ctx context.Context, username, password string) error
	AuthenticateFn       func(ctx context.Context, username, password string) (*klachtdesk.User, error)
}

// CreateUser calls CreateUserFn.
func (s *UserService) CreateUser(ctx context.Context, u *klachtdesk.User, password string) error {
	return s.CreateUserFn(ctx, u, password)
}

// FindUserByUsername calls FindUserByUsernameFn.
func (s *UserService) FindUserByUsername(ctx context.Context, username string) (*klachtdesk.User, error) {
	return s.FindUserByUsernameFn(ctx, username)
}

// FindUsers calls FindUsersFn.
func (s *UserService) FindUsers(ctx context.Context) ([]*klachtdesk.User, error) {
	return s.FindUsersFn(ctx)
}

// CountUsers calls CountUsersFn.
func (s *UserService) CountUsers(ctx context.Context) (int, error) {
	return s.CountUsersFn(ctx)
}

// SetPassword calls SetPasswordFn.
func (s *UserService) SetPassword(ctx context.Context, username, password string) error {
	return s.SetPasswordFn(ctx, username, password)
}

// Authenticate calls AuthenticateFn.
func (s *UserService) Authenticate(ctx context.Context, username, password string) (*klachtdesk.User, error) {
	return s.AuthenticateFn(ctx, username, password)
}
