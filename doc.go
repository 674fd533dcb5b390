// Package klachtdesk is the domain of Klachtdesk: complaints, their states and
// transitions, the rules of the complaints procedure (klachtenregeling) as
// pure functions over values and an injected time, the letter kinds and the
// rule saying which letter an action or a received mail causes, the Error type
// with its codes, and the service interfaces the adapters implement, each
// beside its entity.
//
// The package does no I/O and imports only the standard library (a test says
// so). Adapters (sqldb, mailparse, intake, letter, outbox, mailsend, web) and
// the command-line views (cli) import it and implement or call its service
// interfaces; only cmd/klachtdesk wires them together.
package klachtdesk
