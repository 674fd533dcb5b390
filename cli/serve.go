package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

func (a *App) serveCommand() *Command {
	return &Command{
		Name:     "serve",
		Synopsis: hServe,
		Usage:    hServeUsage,
		Store:    StoreWrite,
		Config:   ConfigAddr | ConfigMail,
		Run:      a.runServe,
	}
}

// runServe listens, creates the first administrator when there is none, and
// starts serving. It returns once the server accepts connections.
func (a *App) runServe(ctx context.Context) error {
	url, err := a.Server.Listen(ctx)
	if err != nil {
		return err
	}
	// The missing organisation details are named before the first-start
	// banner, which is the last thing an operator reads.
	if err := a.warnOrganisation(ctx); err != nil {
		return err
	}
	if err := a.BootstrapAdmin(ctx, url, ""); err != nil {
		return err
	}
	return a.Server.Serve(ctx)
}

// warnOrganisation says in one log line which of the organisation's
// details are still unset or the seed's placeholders: until they are set,
// letters wait in the outbox. The line is in both languages, as log lines
// are read by whoever runs the server.
func (a *App) warnOrganisation(ctx context.Context) error {
	s, err := a.SettingsService.Settings(ctx)
	if err != nil {
		return a.Errorf(mReadSettings, err)
	}
	if missing := klachtdesk.MissingOrganisationDetails(s); len(missing) > 0 && a.Logger != nil {
		a.Logger.Warn("organisatiegegevens ontbreken, brieven wachten tot ze zijn ingevuld / organisation details missing, letters wait until they are set",
			"settings", strings.Join(missing, ", "), "set_with", "klachtdesk settings set KEY VALUE")
	}
	return nil
}

// BootstrapAdmin creates the user admin with a random password when the
// store has no users, and prints the credentials once, with the URL to log
// in at (or, without one, how to start the server on dataDir). A store that
// has users (every start after the first) prints nothing.
func (a *App) BootstrapAdmin(ctx context.Context, url, dataDir string) error {
	n, err := a.UserService.CountUsers(ctx)
	if err != nil {
		return a.Errorf(mCountUsers, err)
	}
	if n > 0 {
		return nil
	}
	password := GeneratePassword(20)
	admin := &klachtdesk.User{Username: "admin", Name: "Beheerder", Role: klachtdesk.RoleAdmin, Active: true}
	if err := a.UserService.CreateUser(ctx, admin, password); klachtdesk.ErrorCode(err) == klachtdesk.ECONFLICT {
		// Another process created it first; it printed the password.
		return nil
	} else if err != nil {
		return a.Errorf(mCreateAdmin, err)
	}
	if a.Logger != nil {
		a.Logger.Info("created the first administrator", "username", admin.Username)
	}
	where := a.Sprintf(mWhereURL, url)
	if url == "" {
		where = a.Sprintf(mWhereStart, dataDir)
	}
	const rule = "================================================================"
	_, err = fmt.Fprintf(a.Stdout, "\n%s\n %s\n\n   %s\n   %s\n   %s\n\n %s\n%s\n\n", rule, a.Sprintf(mFirstStart),
		where, a.Sprintf(mBannerUser, admin.Username), a.Sprintf(mBannerPass, password), a.Sprintf(mSavePassword, admin.Username), rule)
	return err
}
