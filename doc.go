// Package klachtdesk is the domain of Klachtdesk: complaints, their states and
// transitions, and the rules of the complaints procedure (klachtenregeling) as
// pure functions over values and an injected time.
//
// The package does no I/O. Adapters (sqldb, web, mail, jobs) import it and
// implement or call the service interfaces it declares; only cmd/klachtdesk
// wires them together.
package klachtdesk
