package demo_test

import (
	"os"
	"testing"

	"github.com/klachtdesk/klachtdesk/internal/storetest"
)

// TestMain runs the tests on SQLite, then again on PostgreSQL when
// KLACHTDESK_TEST_POSTGRES names a server (storetest.Main).
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
