package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// MaxComplaintJSON bounds the JSON complaint read from standard input; the
// longest text fields are far shorter.
const MaxComplaintJSON = 16 << 20

// newComplaintJSON is the JSON form of a new complaint. Its two dates are
// read as raw values, so that received_at may be a date as --received may,
// and so that a bad value is reported with its field's name.
type newComplaintJSON struct {
	klachtdesk.NewComplaint
	ReceivedAt json.RawMessage `json:"received_at"`
	Discovered json.RawMessage `json:"discovered"`
}

// readNewComplaintJSON decodes one JSON object shaped like
// klachtdesk.NewComplaint from standard input; a date in received_at means
// noon in loc.
func (a *App) readNewComplaintJSON(loc *time.Location) (*klachtdesk.NewComplaint, error) {
	if a.opts.complaint.concerned != "" {
		return nil, Usagef("complaint add: with JSON, give concerned_employees as user IDs in the object")
	}
	b, err := io.ReadAll(io.LimitReader(a.Stdin, MaxComplaintJSON+1))
	if err != nil {
		return nil, fmt.Errorf("read the complaint from standard input: %w", err)
	}
	if len(b) > MaxComplaintJSON {
		return nil, fmt.Errorf("the complaint on standard input is too large: more than %d MiB (the limit is %d MiB)", MaxComplaintJSON>>20, MaxComplaintJSON>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v newComplaintJSON
	if err := dec.Decode(&v); errors.Is(err, io.EOF) {
		return nil, errors.New("no complaint on standard input: expected a JSON object (run 'klachtdesk complaint add -h' for its shape)")
	} else if err != nil {
		return nil, fmt.Errorf("the complaint on standard input is not valid JSON: %s", jsonErrorText(err, b))
	}
	if dec.More() {
		return nil, errors.New("standard input holds more than one JSON value: give one complaint object")
	}
	n := v.NewComplaint
	if s, err := jsonText("received_at", "an RFC 3339 instant or a date", v.ReceivedAt); err != nil {
		return nil, err
	} else if s != "" {
		if n.ReceivedAt, err = parseReceived("received_at", s, loc); err != nil {
			return nil, err
		}
	}
	if s, err := jsonText("discovered", "a date", v.Discovered); err != nil {
		return nil, err
	} else if s != "" {
		if n.Discovered, err = klachtdesk.ParseDate(s); err != nil {
			return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "discovered: %s", klachtdesk.ErrorMessage(err))
		}
	}
	return &n, nil
}

// jsonText is the string a JSON field holds, what it says in words; "" for
// a missing field or null.
func jsonText(field, what string, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", klachtdesk.Errorf(klachtdesk.EINVALID, "field %s must be %s as text, such as \"2026-11-20\", not %s", field, what, raw)
	}
	return s, nil
}

// jsonErrorText explains a JSON decoding error of the document b: the field
// a value of the wrong type is in, where the syntax breaks.
func jsonErrorText(err error, b []byte) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		// The path starts at the embedded struct, which is no field of the
		// JSON object.
		field := strings.TrimPrefix(typeErr.Field, "NewComplaint.")
		return fmt.Sprintf("field %s must be %s, not a JSON %s", field, jsonKind(typeErr.Type), typeErr.Value)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("expected a JSON object, not a JSON %s", typeErr.Value)
	case errors.As(err, &syntaxErr):
		line, col := position(b, syntaxErr.Offset)
		return fmt.Sprintf("%s (line %d, column %d)", syntaxErr.Error(), line, col)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the object ends before its closing brace"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind says in words what JSON value a Go type takes.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "text (a JSON string)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.String()
}

// position is the line and column (from 1) of byte offset n in b.
func position(b []byte, n int64) (line, col int) {
	n = min(max(n, 0), int64(len(b)))
	before := b[:n]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
