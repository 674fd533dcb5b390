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
	"maps"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	// Deadlines are computed in the organisation's zone; embed the zone
	// database so a binary on a host without /usr/share/zoneinfo still
	// computes them right instead of falling back to UTC.
	_ "time/tzdata"

	"github.com/klachtdesk/klachtdesk/cli"
	"github.com/klachtdesk/klachtdesk/intake"
	"github.com/klachtdesk/klachtdesk/internal/demo"
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
	DataDir    string     // data folder: the SQLite database and the blob store
	DB         string     // database URL; "" is SQLite in DataDir
	DBMaxConns int        // PostgreSQL connections per process (0: sqldb's default)
	LogFormat  string     // text or json
	LogLevel   slog.Level // debug, info, warn or error
	Addr       string     // serve: HOST:PORT to listen on
	MailConfig string     // mail configuration file of serve, fetch and deliver; "" is none
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

	// app is the command line; cmd the command it parsed.
	app *cli.App
	cmd *cli.Command
	// mail is the loaded mail configuration of a command taking one;
	// sources are serve's IMAP mailboxes.
	mail    *MailConfig
	sources []*intake.IMAPSource

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
			fmt.Fprintf(m.Stderr, "klachtdesk: %s\n", m.app.Sprintf(cli.MsgInternal, v))
			code = 1
		}
	}()
	if err := m.ParseFlags(ctx, args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return m.app.Exit(err, 2)
	}
	err := m.Run(ctx)
	if err == nil {
		m.Wait()
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return m.app.Exit(err, 1)
}

// ParseFlags selects the command, parses its flags and reads the
// environment for flags not given. It prints the usage and returns
// flag.ErrHelp for -h; it returns a *cli.UsageError for a wrong command
// line.
func (m *Main) ParseFlags(ctx context.Context, args []string) error {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	m.app = m.newApp()
	if err := m.chooseLanguage(); err != nil {
		return err
	}
	m.Config = Config{DataDir: DefaultDataDir, LogFormat: DefaultLogFormat, LogLevel: slog.LevelInfo, Addr: DefaultAddr}
	var err error
	m.cmd, err = m.app.Parse(args, m.defineFlags, m.applyEnv)
	return err
}

// newApp returns the command line on the program's streams.
func (m *Main) newApp() *cli.App {
	a := cli.NewApp()
	a.Stdin, a.Stdout, a.Stderr = m.Stdin, m.Stdout, m.Stderr
	a.StdinIsTerminal = m.StdinIsTerminal
	a.Version = version
	return a
}

// chooseLanguage sets the language of the command line from KLACHTDESK_LANG
// or else the locale.
func (m *Main) chooseLanguage() error {
	m.app.Lang = cli.LocaleLanguage(m.Getenv("LC_ALL"), m.Getenv("LC_MESSAGES"), m.Getenv("LANG"))
	if v := m.Getenv("KLACHTDESK_LANG"); v != "" {
		lang, ok := cli.ParseLanguage(v)
		if !ok {
			return m.app.Usagef(cli.MsgLanguage, v)
		}
		m.app.Lang = lang
	}
	return nil
}

// defineFlags defines the configuration flags cmd takes on fs.
func (m *Main) defineFlags(cmd *cli.Command, fs *flag.FlagSet) {
	fs.StringVar(&m.Config.DataDir, "data", m.Config.DataDir, m.flagText(cli.MsgFlagData))
	fs.StringVar(&m.Config.DB, "db", "", m.flagText(cli.MsgFlagDB))
	fs.IntVar(&m.Config.DBMaxConns, "db-max-conns", 0, m.flagText(cli.MsgFlagDBMaxConns))
	fs.StringVar(&m.Config.LogFormat, "log-format", m.Config.LogFormat, m.flagText(cli.MsgFlagLogFormat))
	fs.TextVar(&m.Config.LogLevel, "log-level", m.Config.LogLevel, m.flagText(cli.MsgFlagLogLevel))
	if cmd.Config&cli.ConfigAddr != 0 {
		fs.StringVar(&m.Config.Addr, "addr", DefaultAddr, m.flagText(cli.MsgFlagAddr))
	}
	if cmd.Config&cli.ConfigMail != 0 {
		fs.StringVar(&m.Config.MailConfig, "mail-config", "", m.flagText(cli.MsgFlagMailConfig))
	}
}

// flagText is the description of a flag in the command line's language.
func (m *Main) flagText(t *cli.Text) string { return t.In(m.app.Lang) }

// envVars maps flags to their environment variables.
var envVars = map[string]string{
	"data":         "KLACHTDESK_DATA",
	"db":           "KLACHTDESK_DB",
	"db-max-conns": "KLACHTDESK_DB_MAX_CONNS",
	"log-format":   "KLACHTDESK_LOG_FORMAT",
	"log-level":    "KLACHTDESK_LOG_LEVEL",
	"addr":         "KLACHTDESK_ADDR",
	"mail-config":  "KLACHTDESK_MAIL_CONFIG",
}

// secretEnv are the variables that may instead name a file holding the
// value (VAR_FILE), so that secrets stay out of the process environment.
var secretEnv = map[string]bool{"KLACHTDESK_DB": true}

// applyEnv sets every flag that was not given on the command line from its
// environment variable, if set, and checks the log format.
func (m *Main) applyEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, name := range slices.Sorted(maps.Keys(envVars)) {
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
			return cli.Usagef("%s: %v", env, err)
		}
	}
	if f := m.Config.LogFormat; f != "text" && f != "json" {
		return m.app.Usagef(cli.MsgLogFormat, f)
	}
	if n := m.Config.DBMaxConns; n < 0 {
		return m.app.Usagef(cli.MsgDBMaxConns, n)
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
		return "", false, m.app.Usagef(cli.MsgSecretTwice, env, env)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", false, fmt.Errorf("%s_FILE: %w", env, err)
	}
	return strings.TrimRight(string(b), "\r\n"), true, nil
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
	if m.cmd.Store != cli.StoreNone {
		if err := m.openStore(ctx, m.cmd.Store); err != nil {
			return err
		}
	}
	if m.cmd.Config&cli.ConfigMail != 0 {
		if err := m.prepareMail(); err != nil {
			return err
		}
	}
	m.wireApp()
	return m.cmd.Run(ctx)
}

// wireApp hands the command line the streams, the store's services and the
// adapters.
func (m *Main) wireApp() {
	a := m.app
	a.Stdin, a.Stdout, a.Stderr, a.Logger = m.Stdin, m.Stdout, m.Stderr, m.Logger
	a.Server, a.Mail, a.Demo = server{m}, mailer{m}, cli.Demo{MaxCount: demo.MaxCount, Generate: m.runDemo}
	a.MigrateData = func(ctx context.Context, from, to string, p func(string, int64, int64)) (cli.MigrateReport, error) {
		return sqldb.MigrateData(ctx, from, to, p)
	}
	a.DataDir = m.Config.DataDir
	if m.DB == nil {
		return
	}
	a.Now, a.Schema = func() time.Time { return m.DB.Now() }, m.DB
	a.ComplaintService, a.UserService, a.SettingsService, a.MessageService, a.AuditService = m.ComplaintService, m.UserService, m.SettingsService, m.MessageService, m.AuditService
	a.AddressStatus, a.QuarantineService, a.MessageReview, a.OutboxService = m.OutboxService, m.IntakeService, m.IntakeService, m.OutboxService
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
			err = m.app.Errorf(cli.MsgCloseDB, cerr)
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
// migrations) and builds the services. Only cli.StoreWrite creates a data
// folder that does not exist; cli.StoreReadOnly opens the database for
// reading only, without migrations, so a read-only folder serves.
func (m *Main) openStore(ctx context.Context, use cli.StoreUse) error {
	if err := m.app.PrepareDataDir(m.Config.DataDir, use == cli.StoreWrite, m.Config.DB == ""); err != nil {
		return err
	}
	db := sqldb.NewDB(m.Config.DataDir, m.Config.DB)
	db.ReadOnly, db.Exclusive = use == cli.StoreReadOnly, m.cmd.Name == "serve"
	db.MaxConns = m.Config.DBMaxConns
	if err := db.Open(ctx); err != nil {
		return m.app.OpenStoreError(err)
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
