package sqldb

import (
	"reflect"
	"testing"

	"github.com/klachtdesk/klachtdesk"
)

// TestCloneSettingsCoversEveryReference guards the settings cache: every
// field of Settings that shares memory when copied must be copied by
// cloneSettings, or a caller changing its settings would change the cache's.
func TestCloneSettingsCoversEveryReference(t *testing.T) {
	copied := map[string]bool{"ClosingDays": true, "BridgeDays": true}
	typ := reflect.TypeFor[klachtdesk.Settings]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		switch f.Type.Kind() {
		case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func:
			if !copied[f.Name] {
				t.Errorf("Settings.%s is a %s: cloneSettings must copy it", f.Name, f.Type.Kind())
			}
		}
	}
	s := klachtdesk.DefaultSettings()
	s.ClosingDays = []klachtdesk.Date{klachtdesk.MustParseDate("2026-12-24")}
	c := cloneSettings(s)
	c.ClosingDays[0] = klachtdesk.MustParseDate("2026-12-31")
	if s.ClosingDays[0] != klachtdesk.MustParseDate("2026-12-24") {
		t.Error("a clone shares its closing days with the original")
	}
}
