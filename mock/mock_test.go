package mock_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/mock"
)

type ctxKey struct{}

// TestMocks checks every mock against its interface: one XxxFn field of the
// method's type per method, no other Fn field, and each method calling its
// own Fn with the caller's arguments and returning its results.
func TestMocks(t *testing.T) {
	tests := []struct {
		mock  any
		iface any // pointer to the interface type
	}{
		{&mock.AddressService{}, (*klachtdesk.AddressService)(nil)},
		{&mock.AuditService{}, (*klachtdesk.AuditService)(nil)},
		{&mock.ComplaintService{}, (*klachtdesk.ComplaintService)(nil)},
		{&mock.IntakeService{}, (*klachtdesk.IntakeService)(nil)},
		{&mock.MessageService{}, (*klachtdesk.MessageService)(nil)},
		{&mock.OutboxService{}, (*klachtdesk.OutboxService)(nil)},
		{&mock.QuarantineService{}, (*klachtdesk.QuarantineService)(nil)},
		{&mock.ReviewService{}, (*klachtdesk.ReviewService)(nil)},
		{&mock.SettingsService{}, (*klachtdesk.SettingsService)(nil)},
		{&mock.HealthService{}, (*klachtdesk.HealthService)(nil)},
		{&mock.UserService{}, (*klachtdesk.UserService)(nil)},
	}
	mocked := map[string]bool{}
	for _, tt := range tests {
		mocked[reflect.TypeOf(tt.iface).Elem().Name()] = true
	}
	for _, name := range rootServices(t) {
		if !mocked[name] {
			t.Errorf("klachtdesk.%s has no mock: add mock.%s and list it here", name, name)
		}
	}
	for _, tt := range tests {
		it := reflect.TypeOf(tt.iface).Elem()
		t.Run(it.Name(), func(t *testing.T) {
			mv := reflect.ValueOf(tt.mock)
			if !mv.Type().Implements(it) {
				t.Fatalf("%s does not implement klachtdesk.%s", mv.Type(), it.Name())
			}
			st := mv.Elem().Type()
			for i := range st.NumField() {
				f := st.Field(i)
				name, ok := strings.CutSuffix(f.Name, "Fn")
				if !ok {
					t.Errorf("field %s is not named after a method (XxxFn)", f.Name)
				} else if _, ok := it.MethodByName(name); !ok {
					t.Errorf("field %s matches no method of klachtdesk.%s", f.Name, it.Name())
				}
			}
			checkMethods(t, mv, it)
		})
	}
}

// checkMethods sets every Fn field to a function that records its call, and
// calls each method through the interface: it must call its own Fn once,
// with the caller's context, and return the Fn's error.
func checkMethods(t *testing.T, mv reflect.Value, it reflect.Type) {
	var calls []string
	sentinel := errors.New("from the Fn")
	for i := range it.NumMethod() {
		m := it.Method(i)
		field := mv.Elem().FieldByName(m.Name + "Fn")
		if !field.IsValid() {
			t.Errorf("no field %sFn", m.Name)
			continue
		}
		if field.Type() != m.Type {
			t.Errorf("%sFn is %s, want %s", m.Name, field.Type(), m.Type)
			continue
		}
		field.Set(reflect.MakeFunc(m.Type, func(in []reflect.Value) []reflect.Value {
			calls = append(calls, m.Name)
			if name, _ := in[0].Interface().(context.Context).Value(ctxKey{}).(string); name != m.Name {
				t.Errorf("%sFn got the context of a call to %q", m.Name, name)
			}
			out := make([]reflect.Value, m.Type.NumOut())
			for i := range out {
				out[i] = reflect.New(m.Type.Out(i)).Elem()
			}
			out[len(out)-1] = reflect.ValueOf(&sentinel).Elem()
			return out
		}))
	}
	if t.Failed() {
		return
	}
	for i := range it.NumMethod() {
		m := it.Method(i)
		calls = nil
		args := []reflect.Value{reflect.ValueOf(context.WithValue(context.Background(), ctxKey{}, m.Name))}
		for i := 1; i < m.Type.NumIn(); i++ {
			args = append(args, reflect.New(m.Type.In(i)).Elem())
		}
		out := mv.MethodByName(m.Name).Call(args)
		if !slices.Equal(calls, []string{m.Name}) {
			t.Errorf("%s called %v, want [%s]", m.Name, calls, m.Name)
		}
		if err, _ := out[len(out)-1].Interface().(error); err != sentinel {
			t.Errorf("%s returned error %v, want its Fn's", m.Name, err)
		}
	}
}

// rootServices returns the names of the root package's service interfaces
// (exported interface types named XxxService), read from its source.
func rootServices(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, spec := range g.Specs {
				ts := spec.(*ast.TypeSpec)
				if _, ok := ts.Type.(*ast.InterfaceType); ok && ts.Name.IsExported() && strings.HasSuffix(ts.Name.Name, "Service") {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	if len(names) == 0 {
		t.Fatal("found no service interfaces in the root package")
	}
	slices.Sort(names)
	return names
}
