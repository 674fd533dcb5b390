package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

func (a *App) settingsGetCommand() *Command {
	return &Command{
		Name:     "settings get",
		Synopsis: hSettingsGet,
		Usage:    hSettingsGetUsage,
		CheckArgs: func(args []string) error {
			if len(args) > 1 {
				return a.Usagef(mSettingsGetArgs, len(args))
			}
			return nil
		},
		Store: StoreReadOnly,
		Run:   a.runSettingsGet,
	}
}

func (a *App) runSettingsGet(ctx context.Context) error {
	s, err := a.SettingsService.Settings(ctx)
	if err != nil {
		return a.Errorf(mReadSettings, err)
	}
	if len(a.Args) == 1 {
		v, err := s.Get(a.Args[0])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(a.Stdout, v)
		return err
	}
	for _, k := range klachtdesk.SettingKeys {
		v, _ := s.Get(k.Key)
		fmt.Fprintf(a.Stdout, "%s = %s\n", k.Key, v)
	}
	return nil
}

func (a *App) settingsSetCommand() *Command {
	return &Command{
		Name:     "settings set",
		Synopsis: hSettingsSet,
		Usage:    hSettingsSetUsage,
		CheckArgs: func(args []string) error {
			if len(args) != 2 {
				return a.Usagef(mSettingsSetArgs, len(args))
			}
			return nil
		},
		Store: StoreRead,
		Run: func(ctx context.Context) error {
			key, value := a.Args[0], a.Args[1]
			s, err := a.SettingsService.SetSetting(ctx, key, value)
			if e := (*klachtdesk.Error)(nil); errors.As(err, &e) && !strings.Contains(e.Message, key) {
				// Say which setting refused the value, as the others do.
				return klachtdesk.Errorf(e.Code, "%s", a.Sprintf(mSettingRefused, key, e.Message))
			} else if err != nil {
				return a.Errorf(mSetSetting, key, err)
			}
			v, _ := s.Get(key)
			_, err = fmt.Fprintf(a.Stdout, "%s = %s\n", key, v)
			return err
		},
	}
}
