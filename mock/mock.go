// Package mock holds function-field mocks of the root package's service
// interfaces, for tests of the packages that use them (the web handlers
// first): each mock has one XxxFn field per method of the interface, and
// the method calls it. A method whose Fn is nil panics, so that a test
// notices a call it did not expect.
package mock
