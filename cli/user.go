package cli

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/klachtdesk/klachtdesk"
)

func (a *App) userAddCommand() *Command {
	return &Command{
		Name:     "user add",
		Synopsis: hUserAdd,
		Usage:    hUserAddUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.StringVar(&a.opts.role, "role", "", a.tr(fRole))
			fs.StringVar(&a.opts.name, "name", "", a.tr(fUserName))
			fs.StringVar(&a.opts.email, "email", "", a.tr(fUserEmail))
			fs.StringVar(&a.opts.passwordFile, "password-file", "", a.tr(fPasswordFile))
		},
		CheckArgs: a.oneArg("user add", "USERNAME"),
		Store:     StoreWrite,
		Run:       a.runUserAdd,
	}
}

func (a *App) runUserAdd(ctx context.Context) error {
	if a.opts.role == "" {
		return a.Usagef(mNeedsRole)
	}
	u := &klachtdesk.User{
		Username: a.Args[0],
		Name:     a.opts.name,
		Email:    a.opts.email,
		Role:     klachtdesk.Role(a.opts.role),
		Active:   true,
	}
	if err := u.Validate(); err != nil {
		return err
	}
	password, generated, err := a.readPassword(a.opts.passwordFile)
	if err != nil {
		return err
	}
	if err := a.UserService.CreateUser(ctx, u, password); err != nil {
		return a.Errorf(mCreateUser, u.Username, err)
	}
	a.printf(a.Stdout, mCreatedUser, u.Username, u.Role)
	if generated {
		a.printf(a.Stdout, mNewPassword, password)
	}
	return nil
}

func (a *App) userListCommand() *Command {
	return &Command{
		Name:     "user list",
		Synopsis: hUserList,
		Usage:    hUserListUsage,
		Store:    StoreReadOnly,
		Run: func(ctx context.Context) error {
			users, err := a.UserService.FindUsers(ctx)
			if err != nil {
				return a.Errorf(mListUsers, err)
			}
			return a.writeUsers(a.Stdout, users)
		},
	}
}

// writeUsers prints the table of user list.
func (a *App) writeUsers(w io.Writer, users []*klachtdesk.User) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, a.Sprintf(mUsersHeader))
	for _, u := range users {
		active := a.Sprintf(mYes)
		if !u.Active {
			active = a.Sprintf(mNo)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, active, dash(u.Name), dash(u.Email), u.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

func (a *App) userPasswdCommand() *Command {
	return &Command{
		Name:     "user passwd",
		Synopsis: hUserPasswd,
		Usage:    hUserPasswdUsage,
		DefineFlags: func(fs *flag.FlagSet) {
			fs.StringVar(&a.opts.passwordFile, "password-file", "", a.tr(fPasswordFile))
		},
		CheckArgs: a.oneArg("user passwd", "USERNAME"),
		Store:     StoreRead,
		Run:       a.runUserPasswd,
	}
}

func (a *App) runUserPasswd(ctx context.Context) error {
	username := a.Args[0]
	// Look the user up first, so a typo fails before a password is asked
	// for or generated.
	if _, err := a.UserService.FindUserByUsername(ctx, username); err != nil {
		return a.Errorf(mFindUser, username, err)
	}
	password, generated, err := a.readPassword(a.opts.passwordFile)
	if err != nil {
		return err
	}
	if err := a.UserService.SetPassword(ctx, username, password); err != nil {
		return a.Errorf(mSetPassword, username, err)
	}
	a.printf(a.Stdout, mPasswordChanged, username)
	if generated {
		a.printf(a.Stdout, mNewPassword, password)
	}
	return nil
}

// readPassword returns the password from file, from standard input when it
// is not a terminal, or a generated one (generated is then true). Echoing a
// typed password is avoided by never reading one from a terminal.
func (a *App) readPassword(file string) (password string, generated bool, err error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", false, a.Errorf(mReadPassword, err)
		}
		password = firstLine(string(b))
		if password == "" {
			return "", false, a.Errorf(mEmptyPassword, file)
		}
	case !a.stdinIsTerminal():
		line, err := bufio.NewReader(io.LimitReader(a.Stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, a.Errorf(mReadPasswordIn, err)
		}
		password = firstLine(line)
	}
	if password == "" {
		return GeneratePassword(20), true, nil
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

// PasswordAlphabet leaves out characters that are easily confused when a
// password is read off a screen: 0 O o, 1 l I.
const PasswordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"

// GeneratePassword returns n characters drawn uniformly from
// PasswordAlphabet with crypto/rand.
func GeneratePassword(n int) string {
	// Reject bytes past the largest multiple of the alphabet size, so every
	// character is equally likely.
	limit := 256 - 256%len(PasswordAlphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		rand.Read(buf) // never fails (Go 1.24+)
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, PasswordAlphabet[int(b)%len(PasswordAlphabet)])
			}
		}
	}
	return string(out)
}
