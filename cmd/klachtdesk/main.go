// Command klachtdesk runs Klachtdesk, complaint-handling software: the web
// server and the operator commands (migrations, users, audit check, settings,
// registering and showing complaints, demo data).
//
// Configuration is read here and only here: command-line flags and
// KLACHTDESK_* environment variables, a flag winning over its variable.
// Run "klachtdesk -h" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
	// Deadlines are computed in the organisation's zone; embed the zone
	// database so a binary on a host without /usr/share/zoneinfo still
	// computes them right instead of falling back to UTC.
	_ "time/tzdata"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/letter"
	"github.com/klachtdesk/klachtdesk/sqldb"
	"github.com/klachtdesk/klachtdesk/web"
)

// version is the release, set at build time with
// -ldflags "-X main.version=1.2.3".
var version = "dev"

// Defaults of the configuration.
const (
	DefaultDataDir   = "./klachtdesk-data"
	DefaultAddr      = "127.0.0.1:8080"
	DefaultLogFormat = "text"

	// ShutdownTimeout bounds how long serve waits for requests in flight
	// after SIGINT or SIGTERM before it closes their connections.
	ShutdownTimeout = 10 * time.Second
)

// main delegates to Main, which the whole-program tests run in-process.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal starts a graceful shutdown, a second one kills
	// at once, as an impatient operator expects.
	go func() { <-ctx.Done(); stop() }()
	os.Exit(NewMain().Execute(ctx, os.Args[1:]))
}

// Config is the configuration shared by every command.
type Config struct {
	DataDir   string     // data folder: the SQLite database and the blob store
	DB        string     // database URL; "" is SQLite in DataDir
	LogFormat string     // text or json
	LogLevel  slog.Level // debug, info, warn or error
	Addr      string     // serve: HOST:PORT to listen on
}

// Main is the program: the parsed command and configuration, and the
// adapters wired together for it.
type Main struct {
	// Standard streams; tests replace them.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads the environment (os.Getenv by default).
	Getenv func(string) string
	// StdinIsTerminal reports whether standard input is an interactive
	// terminal; by default it checks whether Stdin is a character device.
	StdinIsTerminal func() bool

	// Config is filled by ParseFlags.
	Config Config

	// Command is the command ParseFlags selected, such as "serve" or
	// "user add"; Args are its positional arguments.
	Command string
	Args    []string

	Logger *slog.Logger

	// The store and its services, set by Run for commands that use the
	// database.
	DB               *sqldb.DB
	ComplaintService *sqldb.ComplaintService
	UserService      *sqldb.UserService
	SettingsService  *sqldb.SettingsService
	MessageService   *sqldb.MessageService
	AuditService     *sqldb.AuditService
	IntakeService    *sqldb.IntakeService
	OutboxService    *sqldb.OutboxService

	// HTTPServer is set by Run for serve.
	HTTPServer *web.Server

	cmd  *command
	opts options

	listener net.Listener
	cancel   context.CancelFunc
	done     <-chan struct{}
	// wg holds the goroutines serve starts (the HTTP server, its shutdown
	// watcher, and background loops to come); Close waits for them.
	wg       sync.WaitGroup
	mu       sync.Mutex
	serveErr error
}

// NewMain returns a program reading the real standard streams and
// environment.
func NewMain() *Main {
	return &Main{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
	}
}

// Execute parses args, runs the command, waits for serve to be stopped and
// closes the program. It prints a failure as one line on standard error and
// returns the exit code: 0 on success, 2 for a usage error, 1 otherwise.
func (m *Main) Execute(ctx context.Context, args []string) (code int) {
	defer func() {
		// A bug must still end in one line and a non-zero exit, not a
		// stack trace in an operator's terminal.
		if v := recover(); v != nil {
			fmt.Fprintf(m.Stderr, "klachtdesk: internal error: %v\n", v)
			code = 1
		}
	}()
	if err := m.ParseFlags(ctx, args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		fmt.Fprintln(m.Stderr, oneLine("klachtdesk: "+err.Error()))
		return 2
	}
	err := m.Run(ctx)
	if err == nil {
		m.Wait()
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return m.exitCode(err)
}

// exitCode prints err, if any, and returns the exit code for it.
func (m *Main) exitCode(err error) int {
	var exit *exitError
	var usage *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		fmt.Fprintln(m.Stderr, oneLine("klachtdesk: "+usage.msg))
		return 2
	case errors.As(err, &exit) && exit.silent:
		return exit.code
	case errors.As(err, &exit):
		fmt.Fprintln(m.Stderr, oneLine("klachtdesk: "+message(exit.err)))
		return exit.code
	}
	fmt.Fprintln(m.Stderr, oneLine("klachtdesk: "+message(err)))
	return 1
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

// oneLine keeps a message on one line, whatever a wrapped error contains.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
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

// usageError is a wrong command line; Execute exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// command is one command of the program.
type command struct {
	name     string // "serve", "user add", …
	synopsis string // one line for the command list
	usage    string // the full text of "-h", after the flag list header
	// flags defines the command's own flags on fs, bound to m.opts.
	flags func(m *Main, fs *flag.FlagSet)
	// args checks the positional arguments (a usage error otherwise).
	args func(m *Main, args []string) error
	run  func(m *Main, ctx context.Context) error
	// store: 0 no database; storeRead opens an existing data folder only;
	// storeWrite creates the data folder when missing.
	store int
}

// Database use of a command.
const (
	storeNone = iota
	storeRead
	storeWrite
)

// groups are the commands that take a sub-command.
var groups = map[string]string{
	"user":       "manage staff users: add, list, passwd",
	"audit":      "check the audit trail: verify",
	"settings":   "read and change the procedure settings: get, set",
	"complaint":  "register and list complaints: add, list",
	"message":    "act on a received message: accept, split",
	"quarantine": "mails intake refused or could not process: list, show, retry",
}

// commands lists every command, in the order of the usage text.
var commands []*command

func init() {
	commands = []*command{
		serveCommand, migrateCommand,
		userAddCommand, userListCommand, userPasswdCommand,
		auditVerifyCommand,
		complaintAddCommand, complaintListCommand, showCommand,
		importCommand, fetchCommand, deliverCommand,
		messageAcceptCommand, messageSplitCommand,
		quarantineListCommand, quarantineShowCommand, quarantineRetryCommand,
		settingsGetCommand, settingsSetCommand,
		demoCommand, versionCommand,
	}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usage returns the top-level usage text.
func usage() string {
	var b strings.Builder
	b.WriteString(`Usage: klachtdesk COMMAND [flags] [arguments]

Klachtdesk registers written complaints and carries them through the
complaints procedure. Commands:

`)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-17s %s\n", c.name, c.synopsis)
	}
	b.WriteString(`
Every command takes these flags (a flag wins over its environment variable):
  --data DIR         data folder (KLACHTDESK_DATA, default ./klachtdesk-data)
  --db URL           database URL (KLACHTDESK_DB or a file named by
                     KLACHTDESK_DB_FILE; default: SQLite in the data folder)
  --log-format F     text or json (KLACHTDESK_LOG_FORMAT, default text)
  --log-level L      debug, info, warn or error (KLACHTDESK_LOG_LEVEL, default info)

Run "klachtdesk COMMAND -h" for the flags of one command.
Exit status: 0 success, 1 failure, 2 wrong command line.
`)
	return b.String()
}

// ParseFlags selects the command, parses its flags and reads the
// environment for flags not given. It prints the usage and returns
// flag.ErrHelp for -h; it returns a *usageError for a wrong command line.
func (m *Main) ParseFlags(ctx context.Context, args []string) error {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	if len(args) == 0 {
		return usagef("no command given (run 'klachtdesk -h' for the list of commands)")
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(m.Stdout, usage())
		return flag.ErrHelp
	}
	rest := args[1:]
	if help, ok := groups[name]; ok {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			if len(rest) > 0 && isHelpFlag(rest[0]) {
				fmt.Fprint(m.Stdout, groupUsage(name, help))
				return flag.ErrHelp
			}
			return usagef("%s needs a sub-command: %s (run 'klachtdesk %s -h')", name, strings.TrimPrefix(help[strings.Index(help, ":")+1:], " "), name)
		}
		name += " " + rest[0]
		rest = rest[1:]
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		return usagef("unknown command %q (run 'klachtdesk -h' for the list of commands)", name)
	}
	m.cmd, m.Command = cmd, cmd.name

	fs := flag.NewFlagSet("klachtdesk "+cmd.name, flag.ContinueOnError)
	// The flag package would print its error and the whole usage; we print
	// one line ourselves, and the usage only when asked for.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	m.Config = Config{DataDir: DefaultDataDir, LogFormat: DefaultLogFormat, LogLevel: slog.LevelInfo, Addr: DefaultAddr}
	fs.StringVar(&m.Config.DataDir, "data", m.Config.DataDir, "data `folder`")
	fs.StringVar(&m.Config.DB, "db", "", "database `URL` (empty: SQLite in the data folder)")
	fs.StringVar(&m.Config.LogFormat, "log-format", m.Config.LogFormat, "log format: text or json")
	fs.TextVar(&m.Config.LogLevel, "log-level", m.Config.LogLevel, "log level: debug, info, warn or error")
	if cmd.flags != nil {
		cmd.flags(m, fs)
	}

	positional, err := parseInterspersed(fs, rest)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(m.Stdout, commandUsage(cmd, fs))
		return flag.ErrHelp
	} else if err != nil {
		return usagef("%s: %v (run 'klachtdesk %s -h' for usage)", cmd.name, err, cmd.name)
	}
	if err := m.applyEnv(fs); err != nil {
		return err
	}
	if f := m.Config.LogFormat; f != "text" && f != "json" {
		return usagef("log format must be text or json, not %q", f)
	}
	m.Args = positional
	if cmd.args != nil {
		if err := cmd.args(m, positional); err != nil {
			return err
		}
	} else if len(positional) > 0 {
		return usagef("%s takes no arguments, got %q (run 'klachtdesk %s -h' for usage)", cmd.name, positional[0], cmd.name)
	}
	return nil
}

func isHelpFlag(s string) bool {
	return s == "-h" || s == "-help" || s == "--help" || s == "--h"
}

// parseInterspersed parses flags that may stand before, between or after the
// positional arguments ("user add alice --role admin"), which the flag
// package alone stops at. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		before := len(args)
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		// The flag package stops at the first non-flag, or consumes a "--"
		// and stops after it; tell the two apart by what it left.
		consumed := args[:before-len(rest)]
		if len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// envVars maps flags to their environment variables.
var envVars = map[string]string{
	"data":        "KLACHTDESK_DATA",
	"db":          "KLACHTDESK_DB",
	"log-format":  "KLACHTDESK_LOG_FORMAT",
	"log-level":   "KLACHTDESK_LOG_LEVEL",
	"addr":        "KLACHTDESK_ADDR",
	"mail-config": "KLACHTDESK_MAIL_CONFIG",
}

// secretEnv are the variables that may instead name a file holding the
// value (VAR_FILE), so that secrets stay out of the process environment.
var secretEnv = map[string]bool{"KLACHTDESK_DB": true}

// applyEnv sets every flag that was not given on the command line from its
// environment variable, if set.
func (m *Main) applyEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	names := make([]string, 0, len(envVars))
	for name := range envVars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env := envVars[name]
		if given[name] || fs.Lookup(name) == nil {
			continue
		}
		value, ok, err := m.lookupEnv(env)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := fs.Set(name, value); err != nil {
			return usagef("%s: %v", env, err)
		}
	}
	return nil
}

// lookupEnv reads env, or for a secret the file named by env_FILE.
func (m *Main) lookupEnv(env string) (string, bool, error) {
	value := m.Getenv(env)
	if !secretEnv[env] {
		return value, value != "", nil
	}
	file := m.Getenv(env + "_FILE")
	switch {
	case file == "":
		return value, value != "", nil
	case value != "":
		return "", false, usagef("set %s or %s_FILE, not both", env, env)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", false, fmt.Errorf("%s_FILE: %w", env, err)
	}
	return strings.TrimRight(string(b), "\r\n"), true, nil
}

// groupUsage is the help of a command group such as "user".
func groupUsage(group, help string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: klachtdesk %s SUB-COMMAND [flags] [arguments]\n\n%s\n\n", group, help)
	for _, c := range commands {
		if strings.HasPrefix(c.name, group+" ") {
			fmt.Fprintf(&b, "  %-17s %s\n", c.name, c.synopsis)
		}
	}
	fmt.Fprintf(&b, "\nRun \"klachtdesk %s SUB-COMMAND -h\" for its flags.\n", group)
	return b.String()
}

// commandUsage is the help of one command: its text and its flags.
func commandUsage(cmd *command, fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString(strings.TrimLeft(cmd.usage, "\n"))
	b.WriteString("\nFlags:\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	b.WriteString("\nEnvironment: KLACHTDESK_DATA, KLACHTDESK_DB (or KLACHTDESK_DB_FILE), KLACHTDESK_LOG_FORMAT,\nKLACHTDESK_LOG_LEVEL")
	if fs.Lookup("addr") != nil {
		b.WriteString(", KLACHTDESK_ADDR")
	}
	b.WriteString("; a flag wins over its variable.\n")
	return b.String()
}

// Run executes the parsed command. For serve it returns once the server
// listens; Wait blocks until it stops and Close shuts it down.
func (m *Main) Run(ctx context.Context) error {
	if m.cmd == nil {
		return errors.New("no command parsed")
	}
	if m.Stdin == nil {
		m.Stdin = strings.NewReader("")
	}
	if m.Logger == nil {
		m.Logger = newLogger(m.Stderr, m.Config.LogFormat, m.Config.LogLevel)
	}
	if m.cmd.store != storeNone {
		if err := m.openStore(ctx, m.cmd.store == storeWrite); err != nil {
			return err
		}
	}
	return m.cmd.run(m, ctx)
}

// Wait blocks until a started server stops: its context was cancelled (a
// signal) or it failed. It returns at once for the other commands.
func (m *Main) Wait() {
	if m.done != nil {
		<-m.done
	}
}

// Close stops the server gracefully, waits for the background goroutines
// and closes the database. It returns the error that stopped the server, if
// any.
func (m *Main) Close() error {
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
	if m.listener != nil && m.HTTPServer == nil {
		// Listening succeeded but serving never started.
		m.listener.Close()
	}
	var err error
	if m.DB != nil {
		if cerr := m.DB.Close(); cerr != nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
		m.DB = nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.serveErr != nil {
		return m.serveErr
	}
	return err
}

// newLogger returns the program's logger on w.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore prepares the data folder, opens the database (running the
// migrations) and builds the services. With create false, a data folder
// that does not exist is an error instead of a new, empty store.
func (m *Main) openStore(ctx context.Context, create bool) error {
	if err := prepareDataDir(m.Config.DataDir, create, m.Config.DB == ""); err != nil {
		return err
	}
	db := sqldb.NewDB(m.Config.DataDir, m.Config.DB)
	if err := db.Open(ctx); err != nil {
		return fmt.Errorf("cannot open the database: %w", err)
	}
	m.DB = db
	m.ComplaintService = sqldb.NewComplaintService(db)
	m.ComplaintService.Letters = letter.Writer{}
	m.UserService = sqldb.NewUserService(db)
	m.SettingsService = sqldb.NewSettingsService(db)
	m.MessageService = sqldb.NewMessageService(db)
	m.AuditService = sqldb.NewAuditService(db)
	m.IntakeService = newIntakeService(db, nil)
	m.OutboxService = sqldb.NewOutboxService(db)
	m.OutboxService.Letters = letter.Writer{}
	return nil
}

// prepareDataDir checks the data folder and, with create, makes it. It
// proves the folder writable, so a read-only mount fails at start with a
// clear message instead of at the first complaint.
func prepareDataDir(dir string, create, sqlite bool) error {
	if dir == "" {
		return errors.New("no data folder given (--data or KLACHTDESK_DATA)")
	}
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("data folder %s is a file, not a folder", dir)
	case errors.Is(err, os.ErrNotExist) && !create && sqlite:
		return fmt.Errorf("data folder %s does not exist (run 'klachtdesk serve' or 'klachtdesk migrate' first, or give --data)", dir)
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("cannot create data folder %s: %w", dir, pathCause(err))
		}
	case err != nil:
		return fmt.Errorf("data folder %s: %w", dir, pathCause(err))
	}
	if !create {
		return nil
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data folder %s is not writable: %w", dir, pathCause(err))
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("data folder %s is not writable: %w", dir, pathCause(err))
	}
	return nil
}

// pathCause strips the operation and path from a *fs.PathError, which the
// message around it already names.
func pathCause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// versionCommand prints the version.
var versionCommand = &command{
	name:     "version",
	synopsis: "print the version of klachtdesk and of Go",
	usage: `Usage: klachtdesk version

Prints the version of klachtdesk (set at build time) and the Go version it
was built with.
`,
	run: func(m *Main, ctx context.Context) error {
		_, err := fmt.Fprintf(m.Stdout, "klachtdesk %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return err
	},
}

// migrateCommand opens the database, which runs the migrations.
var migrateCommand = &command{
	name:     "migrate",
	synopsis: "create or upgrade the database and print its schema version",
	usage: `Usage: klachtdesk migrate [flags]

Creates the data folder and the database when missing, runs every pending
migration and prints the schema version. serve does the same at start.
`,
	store: storeWrite,
	run: func(m *Main, ctx context.Context) error {
		v, err := m.DB.SchemaVersion(ctx)
		if err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		_, err = fmt.Fprintf(m.Stdout, "schema version %d\n", v)
		return err
	},
}

// auditVerifyCommand walks the hash chain of the audit trail.
var auditVerifyCommand = &command{
	name:     "audit verify",
	synopsis: "check that the audit trail is intact",
	usage: `Usage: klachtdesk audit verify [flags]

Walks the hash-chained audit trail from its first event and checks every
row. Prints "audit trail intact: N events" and the chain's head as
"anchor: ID:HASH" and exits 0, or "audit trail BROKEN at event ID: REASON"
and exits 1.

A chain proves every row against the rows before it, but not against a
rewrite of the whole trail. Record the anchor outside Klachtdesk now and
then (a ticket, a mail to the auditor); --anchor ID:HASH then also checks
that event ID still has that hash, so nothing up to it was rewritten.
`,
	flags: func(m *Main, fs *flag.FlagSet) {
		fs.StringVar(&m.opts.anchor, "anchor", "", "also check a recorded anchor `ID:HASH`")
	},
	store: storeRead,
	run: func(m *Main, ctx context.Context) error {
		var anchorID int64
		var anchorHash string
		if m.opts.anchor != "" {
			var err error
			if anchorID, anchorHash, err = klachtdesk.ParseAnchor(m.opts.anchor); err != nil {
				return err
			}
		}
		report, err := m.AuditService.VerifyAudit(ctx)
		if err != nil {
			return fmt.Errorf("verify audit trail: %w", err)
		}
		if report.Break != nil {
			fmt.Fprintf(m.Stdout, "audit trail BROKEN at event %d: %s\n", report.Break.EventID, oneLine(report.Break.Reason))
			return &exitError{code: 1, silent: true}
		}
		if anchorID != 0 {
			hash, err := m.AuditService.EventHash(ctx, anchorID)
			if klachtdesk.ErrorCode(err) == klachtdesk.ENOTFOUND || err == nil && hash != anchorHash {
				fmt.Fprintf(m.Stdout, "audit trail BROKEN at event %d: it does not match the recorded anchor: the trail was rewritten\n", anchorID)
				return &exitError{code: 1, silent: true}
			} else if err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(m.Stdout, "audit trail intact: %d events\n", report.Events); err != nil || report.LastID == 0 {
			return err
		}
		_, err = fmt.Fprintf(m.Stdout, "anchor: %s\n", report.Anchor())
		return err
	},
}
