package main

import (
	"context"
	"time"

	"github.com/klachtdesk/klachtdesk/cli"
	"github.com/klachtdesk/klachtdesk/internal/demo"
)

// runDemo is the demo command's generator: internal/demo writing through
// the store's services, with the store's clock in simulated time. Demo
// complainants are made up, so their complaints get no letters, which a
// configured SMTP server would otherwise send one day.
func (m *Main) runDemo(ctx context.Context, count int, seed uint64, password string, atStart func(context.Context) error) (*cli.DemoResult, error) {
	letters := m.ComplaintService.Letters
	m.ComplaintService.Letters = nil
	defer func() { m.ComplaintService.Letters = letters }()
	res, err := demo.Generate(ctx, demo.Store{
		Complaints: m.ComplaintService,
		Messages:   m.MessageService,
		Settings:   m.SettingsService,
		Users:      m.UserService,
		Now:        m.DB.Now,
		SetClock:   func(now func() time.Time) { m.DB.Now = now },
	}, demo.Options{Count: count, Seed: seed, Password: password, AtStart: atStart})
	if err != nil {
		return nil, err
	}
	return &cli.DemoResult{
		Complaints: res.Complaints, States: res.States, CloseReasons: res.CloseReasons,
		Extended: res.Extended, Escalated: res.Escalated, Overdue: res.Overdue, LegalHold: res.LegalHold, LateNotice: res.LateNotice,
		Dutch: res.Dutch, English: res.English, Business: res.Business,
		Usernames: res.Usernames, Password: res.Password,
	}, nil
}
