package main

import (
	"context"
	"flag"

	"github.com/klachtdesk/klachtdesk/cli"
)

// command, options, storeWrite, usagef, generatePassword and bootstrapAdmin
// are the shape demo.go was written against; they keep the demo generator
// running from here until it moves to internal/demo.

// command is the shape of demoCommand.
type command struct {
	name, synopsis, usage string
	flags                 func(m *Main, fs *flag.FlagSet)
	store                 cli.StoreUse
	run                   func(m *Main, ctx context.Context) error
}

// storeWrite is the database use of demo.
const storeWrite = cli.StoreWrite

// options are demo's flags.
type options struct {
	count int
	seed  uint64
}

func usagef(format string, args ...any) error { return cli.Usagef(format, args...) }

func generatePassword(n int) string { return cli.GeneratePassword(n) }

// bootstrapAdmin creates the first administrator, as the first serve would.
func (m *Main) bootstrapAdmin(ctx context.Context, url string) error {
	return m.app.BootstrapAdmin(ctx, url, m.Config.DataDir)
}

// demoCommand is demo.go's command in the command line's table.
func (m *Main) demoCommand() *cli.Command {
	return &cli.Command{
		Name: demoCommand.name, Synopsis: demoCommand.synopsis, Usage: demoCommand.usage, Store: demoCommand.store,
		DefineFlags: func(fs *flag.FlagSet) { demoCommand.flags(m, fs) },
		Run:         func(ctx context.Context) error { return demoCommand.run(m, ctx) },
	}
}
