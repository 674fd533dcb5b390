// Package cli is Klachtdesk's command line: the command table, the usage
// texts, each command's flags and arguments, and what the commands print.
//
// It imports the domain package and the standard library only. The services
// it calls are the root package's interfaces (and a few small ones declared
// here); what only the adapters can do (open the database, listen for HTTP,
// read mail files, IMAP, SMTP) is handed in by cmd/klachtdesk, which reads
// the configuration and wires everything together.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// App is the command line of one run of the program: the standard streams,
// the services the commands use and the command table. cmd/klachtdesk sets
// the fields; a field a command does not use may stay nil.
type App struct {
	// Standard streams.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// StdinIsTerminal reports whether standard input is an interactive
	// terminal; nil checks whether Stdin is a character device.
	StdinIsTerminal func() bool
	// StderrIsTerminal reports whether standard error is a terminal (import
	// then draws a progress bar); nil checks whether Stderr is a character
	// device.
	StderrIsTerminal func() bool

	// Lang is the language the command line speaks.
	Lang Language

	// Logger receives the few events worth a log line (the first
	// administrator created).
	Logger *slog.Logger
	// Version is the release of the program, printed by "version".
	Version string
	// Now is the store's clock: "today" of deadlines and overdue flags.
	Now func() time.Time

	// Services of the store.
	ComplaintService  klachtdesk.ComplaintService
	UserService       klachtdesk.UserService
	SettingsService   klachtdesk.SettingsService
	MessageService    klachtdesk.MessageService
	AuditService      klachtdesk.AuditService
	AddressStatus     klachtdesk.AddressService
	QuarantineService klachtdesk.QuarantineService
	MessageReview     klachtdesk.ReviewService
	OutboxService     klachtdesk.OutboxService

	// What only the adapters can do.
	Schema SchemaService
	Mail   Mail
	Server Server
	Demo   Demo
	// MigrateData moves an installation to PostgreSQL (migrate-data).
	MigrateData DataMigration

	// DataDir is the data folder, named in messages.
	DataDir string

	// Args are the positional arguments of the parsed command.
	Args []string

	opts     options
	commands []*Command
}

// options holds the flags of the commands.
type options struct {
	// user add, user passwd
	role, name, email, passwordFile string

	// complaint add
	complaint complaintFlags

	// show, import, fetch, quarantine list, quarantine retry, complaint list
	json bool

	// import
	batch int

	// fetch, deliver
	once bool

	// fetch
	reconcile bool

	// message accept, message split, quarantine show, quarantine retry,
	// letter retry
	id int64

	// letter retry
	allFailed bool

	// audit verify
	anchor        string
	acceptRestore bool

	// demo
	count int
	seed  uint64

	// migrate-data
	migrate struct{ from, to string }

	// complaint list
	list struct {
		state        string
		open, closed bool
		limit        int
	}
}

// StoreUse says how a command uses the database.
type StoreUse int

// Database use of a command.
const (
	StoreNone  StoreUse = iota // no database
	StoreRead                  // an existing data folder only
	StoreWrite                 // creates the data folder when missing
	// StoreReadOnly opens an existing data folder for reading only: no
	// migration runs and nothing is written, so a restored backup or a
	// copy on a read-only mount can be listed, shown and verified.
	StoreReadOnly
)

// Config is a set of configuration flags of cmd/klachtdesk that a command
// takes beyond the ones every command takes.
type Config int

// Configuration flags a command may take.
const (
	ConfigAddr Config = 1 << iota // --addr: where serve listens
	ConfigMail                    // --mail-config: IMAP mailboxes and SMTP server
)

// Command is one command of the program, such as "serve" or "user add".
type Command struct {
	Name     string // "serve", "user add", …
	Synopsis *Text  // one line for the command list
	Usage    *Text  // the text of "-h", before the flag list
	Store    StoreUse
	Config   Config
	// DefineFlags defines the command's own flags on fs.
	DefineFlags func(fs *flag.FlagSet)
	// CheckArgs checks the positional arguments (a usage error otherwise);
	// nil means the command takes none.
	CheckArgs func(args []string) error
	// Run executes the command. For serve it returns once the server
	// listens.
	Run func(ctx context.Context) error
}

// NewApp returns the command line on the real standard streams, with the
// built-in command table.
func NewApp() *App {
	a := &App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Version: "dev", Now: time.Now}
	a.commands = []*Command{
		a.serveCommand(), a.migrateCommand(),
		a.userAddCommand(), a.userListCommand(), a.userPasswdCommand(),
		a.auditVerifyCommand(),
		a.complaintAddCommand(), a.complaintListCommand(), a.showCommand(),
		a.importCommand(), a.fetchCommand(), a.deliverCommand(),
		a.messageAcceptCommand(), a.messageSplitCommand(),
		a.quarantineListCommand(), a.quarantineShowCommand(), a.quarantineRetryCommand(),
		a.letterRetryCommand(),
		a.settingsGetCommand(), a.settingsSetCommand(),
		a.demoCommand(), a.migrateDataCommand(), a.versionCommand(),
	}
	return a
}

// Commands returns the command table, in the order of the usage text.
func (a *App) Commands() []*Command { return a.commands }

// AddCommand adds c to the command table, before "version" (the last
// entry of the usage text).
func (a *App) AddCommand(c *Command) {
	i := len(a.commands)
	if i > 0 && a.commands[i-1].Name == "version" {
		i--
	}
	a.commands = append(a.commands[:i], append([]*Command{c}, a.commands[i:]...)...)
}

// Lookup returns the command called name, or nil.
func (a *App) Lookup(name string) *Command {
	for _, c := range a.commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Parse selects the command args name, defines its flags (define adds the
// configuration flags of cmd/klachtdesk, apply then reads the environment
// for the ones not given) and checks its arguments, which it keeps in Args.
// It prints the usage and returns flag.ErrHelp for -h; it returns a usage
// error for a wrong command line.
func (a *App) Parse(args []string, define func(*Command, *flag.FlagSet), apply func(*flag.FlagSet) error) (*Command, error) {
	if len(args) == 0 {
		return nil, a.Usagef(mNoCommand)
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(a.Stdout, a.usage())
		return nil, flag.ErrHelp
	}
	rest := args[1:]
	if help, ok := groups[name]; ok {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			if len(rest) > 0 && isHelpFlag(rest[0]) {
				fmt.Fprint(a.Stdout, a.groupUsage(name, a.tr(help)))
				return nil, flag.ErrHelp
			}
			_, subs, _ := strings.Cut(a.tr(help), ":")
			return nil, a.Usagef(mNeedsSub, name, strings.TrimSpace(subs), name)
		}
		name += " " + rest[0]
		rest = rest[1:]
	}
	c := a.Lookup(name)
	if c == nil {
		return nil, a.Usagef(mUnknownCommand, name)
	}

	fs := flag.NewFlagSet("klachtdesk "+c.Name, flag.ContinueOnError)
	// The flag package would print its error and the whole usage; we print
	// one line ourselves, and the usage only when asked for.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if define != nil {
		define(c, fs)
	}
	if c.DefineFlags != nil {
		c.DefineFlags(fs)
	}
	positional, err := parseInterspersed(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(a.Stdout, a.commandUsage(c, fs))
		return nil, flag.ErrHelp
	} else if err != nil {
		return nil, a.Usagef(mBadFlags, c.Name, a.flagError(err), c.Name)
	}
	if apply != nil {
		if err := apply(fs); err != nil {
			return nil, err
		}
	}
	a.Args = positional
	if c.CheckArgs != nil {
		return c, c.CheckArgs(positional)
	} else if len(positional) > 0 {
		return c, a.Usagef(mNoArguments, c.Name, positional[0], c.Name)
	}
	return c, nil
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "-help" || s == "--help" || s == "--h"
}

// parseInterspersed parses flags that may stand before, between or after the
// positional arguments ("user add alice --role admin"), which the flag
// package alone stops at. Everything after "--" is positional, and so is a
// negative number ("settings set answer.term_days -5") unless it is the
// value of the flag before it.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		n := negativeNumberAt(fs, args)
		if err := fs.Parse(args[:n]); err != nil {
			return nil, err
		}
		rest := fs.Args()
		// The flag package stops at the first non-flag, or consumes a "--"
		// and stops after it; tell the two apart by what it left.
		consumed := args[:n-len(rest)]
		if len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return slices.Concat(positional, rest, args[n:]), nil
		}
		switch {
		case len(rest) > 0:
			positional = append(positional, rest[0])
			args = slices.Concat(rest[1:], args[n:])
		case n < len(args):
			positional = append(positional, args[n])
			args = args[n+1:]
		default:
			return positional, nil
		}
	}
}

// negativeNumberAt returns the index of the first argument that is a
// negative number standing on its own, not as the value of a flag before
// it; len(args) when there is none before the end or a "--".
func negativeNumberAt(fs *flag.FlagSet, args []string) int {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			return len(args)
		case len(arg) > 1 && arg[0] == '-' && (arg[1] >= '0' && arg[1] <= '9' || arg[1] == '.'):
			return i
		case len(arg) < 2 || arg[0] != '-' || strings.Contains(arg, "="):
			continue
		}
		f := fs.Lookup(strings.TrimLeft(arg, "-"))
		if f == nil {
			continue // fs.Parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		i++ // the flag's value, whatever it looks like
	}
	return len(args)
}

// usage returns the top-level usage text.
func (a *App) usage() string {
	var b strings.Builder
	b.WriteString(a.tr(mUsageHead))
	for _, c := range a.commands {
		fmt.Fprintf(&b, "  %-17s %s\n", c.Name, a.tr(c.Synopsis))
	}
	b.WriteString(a.tr(mUsageTail))
	return b.String()
}

// groupUsage is the help of a command group such as "user".
func (a *App) groupUsage(group, help string) string {
	var b strings.Builder
	b.WriteString(a.Sprintf(mGroupUsageHead, group, help))
	for _, c := range a.commands {
		if strings.HasPrefix(c.Name, group+" ") {
			fmt.Fprintf(&b, "  %-17s %s\n", c.Name, a.tr(c.Synopsis))
		}
	}
	b.WriteString(a.Sprintf(mGroupUsageTail, group))
	return b.String()
}

// commandUsage is the help of one command: its text and its flags.
func (a *App) commandUsage(c *Command, fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString(strings.TrimLeft(a.tr(c.Usage), "\n"))
	b.WriteString(a.tr(mFlagsHeader))
	var flags strings.Builder
	fs.SetOutput(&flags)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	// The flag package ends a line with its default in English.
	b.WriteString(strings.ReplaceAll(flags.String(), mFlagDefault.EN, a.tr(mFlagDefault)))
	b.WriteString(a.tr(mEnvironment))
	if fs.Lookup("addr") != nil {
		b.WriteString(", KLACHTDESK_ADDR")
	}
	b.WriteString(a.tr(mEnvironmentEnd))
	return b.String()
}

// flagError words an error of the flag package in the command line's
// language.
func (a *App) flagError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return a.Sprintf(mUnknownFlag, name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return a.Sprintf(mFlagNeedsValue, name)
	}
	return msg
}

// oneArg checks that a command got exactly one positional argument.
func (a *App) oneArg(command, name string) func(args []string) error {
	return func(args []string) error {
		switch {
		case len(args) == 0:
			return a.Usagef(mNeedsArg, command, name, command)
		case len(args) > 1:
			return a.Usagef(mOneArg, command, name, len(args), command)
		}
		return nil
	}
}

// UsageError is a wrong command line; the program exits with status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError with a formatted message, untranslated;
// App.Usagef gives a message of the catalogue in the command line's
// language.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// exitError ends the program with a given exit code; silent when the
// command already printed why.
type exitError struct {
	code   int
	silent bool
	err    error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// Exit prints err, if any, as one line on standard error and returns the
// exit status for it: 0 for nil, 2 for a usage error, the status a command
// asked for, or code otherwise.
func (a *App) Exit(err error, code int) int {
	var exit *exitError
	var usage *UsageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		fmt.Fprintln(a.Stderr, OneLine("klachtdesk: "+usage.Msg))
		return 2
	case errors.As(err, &exit) && exit.silent:
		return exit.code
	case errors.As(err, &exit):
		fmt.Fprintln(a.Stderr, OneLine("klachtdesk: "+message(exit.err)))
		return exit.code
	}
	fmt.Fprintln(a.Stderr, OneLine("klachtdesk: "+message(err)))
	return code
}

// message is what an operator reads for err: the domain message alone for a
// domain error (its code is for programs), the error chain otherwise.
func message(err error) string {
	var e *klachtdesk.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// OneLine keeps a message on one line, whatever a wrapped error contains.
func OneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// dash shows an empty value as "-" in a table.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// isTerminal reports whether v is a character device such as a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (a *App) stdinIsTerminal() bool {
	if a.StdinIsTerminal != nil {
		return a.StdinIsTerminal()
	}
	return isTerminal(a.Stdin)
}

func (a *App) stderrIsTerminal() bool {
	if a.StderrIsTerminal != nil {
		return a.StderrIsTerminal()
	}
	return isTerminal(a.Stderr)
}
