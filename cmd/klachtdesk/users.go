package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/klachtdesk/klachtdesk"
)

// options holds the flags of the commands other than the shared ones.
type options struct {
	// user add, user passwd
	role, name, email, passwordFile string

	// complaint add
	complaint complaintFlags

	// show, import
	json bool

	// import
	batch int

	// serve, fetch, deliver
	mailConfig string
	once       bool

	// message accept, message split
	messageID int64

	// demo
	count int
	seed  uint64

	// audit verify
	anchor string

	// complaint list
	list struct {
		state        string
		open, closed bool
		limit        int
	}
}

// passwordSources is the help text shared by the commands that set a
// password.
const passwordSources = `The password comes from --password-file (its first line), or else from
standard input when that is not a terminal (its first line), or else it is
generated (20 characters) and printed once. A password has at least 12
characters.
`

var userAddCommand = &command{
	name:     "user add",
	synopsis: "create a staff user",
	usage: `Usage: klachtdesk user add USERNAME --role admin|handler|viewer [--name "Full Name"] [--email ADDRESS] [--password-file FILE]

Creates a staff user. Roles: admin (everything, including users and
settings), handler (handles and decides complaints), viewer (reads only).

` + passwordSources,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.StringVar(&m.opts.role, "role", "", "`role`: admin, handler or viewer (required)")
		fs.StringVar(&m.opts.name, "name", "", "full `name`")
		fs.StringVar(&m.opts.email, "email", "", "e-mail `address`")
		fs.StringVar(&m.opts.passwordFile, "password-file", "", "read the password from `FILE`")
	},
	args:  oneArg("USERNAME"),
	store: storeWrite,
	run: func(m *Main, ctx context.Context) error {
		if m.opts.role == "" {
			return usagef("user add needs --role admin, handler or viewer")
		}
		u := &klachtdesk.User{
			Username: m.Args[0],
			Name:     m.opts.name,
			Email:    m.opts.email,
			Role:     klachtdesk.Role(m.opts.role),
			Active:   true,
		}
		if err := u.Validate(); err != nil {
			return err
		}
		password, generated, err := m.readPassword(m.opts.passwordFile)
		if err != nil {
			return err
		}
		if err := m.UserService.CreateUser(ctx, u, password); err != nil {
			return fmt.Errorf("create user %s: %w", u.Username, err)
		}
		fmt.Fprintf(m.Stdout, "created user %s (%s)\n", u.Username, u.Role)
		if generated {
			fmt.Fprintf(m.Stdout, "password: %s\n(save it now: it is not shown again)\n", password)
		}
		return nil
	},
}

var userListCommand = &command{
	name:     "user list",
	synopsis: "list the staff users",
	usage: `Usage: klachtdesk user list [flags]

Lists every staff user as a table: user name, role, whether active, name,
e-mail address and creation date.
`,
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		users, err := m.UserService.FindUsers(ctx)
		if err != nil {
			return fmt.Errorf("list users: %w", err)
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLE\tACTIVE\tNAME\tEMAIL\tCREATED")
		for _, u := range users {
			active := "yes"
			if !u.Active {
				active = "no"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, active, dash(u.Name), dash(u.Email), u.CreatedAt.Format("2006-01-02"))
		}
		return tw.Flush()
	},
}

var userPasswdCommand = &command{
	name:     "user passwd",
	synopsis: "set a staff user's password",
	usage: `Usage: klachtdesk user passwd USERNAME [--password-file FILE]

Replaces the password of a staff user.

` + passwordSources,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.StringVar(&m.opts.passwordFile, "password-file", "", "read the password from `FILE`")
	},
	args:  oneArg("USERNAME"),
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		username := m.Args[0]
		// Look the user up first, so a typo fails before a password is
		// asked for or generated.
		if _, err := m.UserService.FindUserByUsername(ctx, username); err != nil {
			return fmt.Errorf("find user %s: %w", username, err)
		}
		password, generated, err := m.readPassword(m.opts.passwordFile)
		if err != nil {
			return err
		}
		if err := m.UserService.SetPassword(ctx, username, password); err != nil {
			return fmt.Errorf("set password of %s: %w", username, err)
		}
		fmt.Fprintf(m.Stdout, "password of %s changed\n", username)
		if generated {
			fmt.Fprintf(m.Stdout, "password: %s\n(save it now: it is not shown again)\n", password)
		}
		return nil
	},
}

// oneArg checks that a command got exactly one positional argument.
func oneArg(name string) func(m *Main, args []string) error {
	return func(m *Main, args []string) error {
		switch {
		case len(args) == 0:
			return usagef("%s needs %s (run 'klachtdesk %s -h' for usage)", m.Command, name, m.Command)
		case len(args) > 1:
			return usagef("%s takes one %s, got %d arguments (run 'klachtdesk %s -h' for usage)", m.Command, name, len(args), m.Command)
		}
		return nil
	}
}

// stdinIsTerminal reports whether standard input is interactive.
func (m *Main) stdinIsTerminal() bool {
	if m.StdinIsTerminal != nil {
		return m.StdinIsTerminal()
	}
	f, ok := m.Stdin.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// readPassword returns the password from file, from standard input when it
// is not a terminal, or a generated one (generated is then true). Echoing a
// typed password is avoided by never reading one from a terminal.
func (m *Main) readPassword(file string) (password string, generated bool, err error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", false, fmt.Errorf("read password file: %w", err)
		}
		password = firstLine(string(b))
		if password == "" {
			return "", false, fmt.Errorf("password file %s is empty", file)
		}
	case !m.stdinIsTerminal():
		line, err := bufio.NewReader(io.LimitReader(m.Stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, fmt.Errorf("read password from standard input: %w", err)
		}
		password = firstLine(line)
	}
	if password == "" {
		return generatePassword(20), true, nil
	}
	if err := klachtdesk.ValidatePassword(password); err != nil {
		return "", false, err
	}
	return password, false, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimRight(s, "\r")
}

// dash shows an empty value as "-" in a table.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

var settingsGetCommand = &command{
	name:     "settings get",
	synopsis: "print one setting, or all of them",
	usage: `Usage: klachtdesk settings get [KEY]

Prints the value of the setting KEY, or every setting as "key = value" lines
when KEY is absent.
`,
	args: func(m *Main, args []string) error {
		if len(args) > 1 {
			return usagef("settings get takes at most one KEY, got %d arguments", len(args))
		}
		return nil
	},
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		s, err := m.SettingsService.Settings(ctx)
		if err != nil {
			return fmt.Errorf("read settings: %w", err)
		}
		if len(m.Args) == 1 {
			v, err := s.Get(m.Args[0])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(m.Stdout, v)
			return err
		}
		for _, k := range klachtdesk.SettingKeys {
			v, _ := s.Get(k.Key)
			fmt.Fprintf(m.Stdout, "%s = %s\n", k.Key, v)
		}
		return nil
	},
}

var settingsSetCommand = &command{
	name:     "settings set",
	synopsis: "change one setting",
	usage: `Usage: klachtdesk settings set KEY VALUE

Changes one setting. The change is recorded in the audit trail and never
moves a deadline already computed. "klachtdesk settings get" lists the keys.
`,
	args: func(m *Main, args []string) error {
		if len(args) != 2 {
			return usagef("settings set needs KEY and VALUE, got %d arguments", len(args))
		}
		return nil
	},
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		key, value := m.Args[0], m.Args[1]
		s, err := m.SettingsService.SetSetting(ctx, key, value)
		if err != nil {
			return fmt.Errorf("set %s: %w", key, err)
		}
		v, _ := s.Get(key)
		_, err = fmt.Fprintf(m.Stdout, "%s = %s\n", key, v)
		return err
	},
}
