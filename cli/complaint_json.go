package cli

import (
	"bytes"
	"encoding/json"
	"errors"
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
		return nil, a.Usagef(mJSONConcerned)
	}
	b, err := io.ReadAll(io.LimitReader(a.Stdin, MaxComplaintJSON+1))
	if err != nil {
		return nil, a.Errorf(mReadJSON, err)
	}
	if len(b) > MaxComplaintJSON {
		return nil, a.Errorf(mJSONTooLarge, MaxComplaintJSON>>20, MaxComplaintJSON>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v newComplaintJSON
	if err := dec.Decode(&v); errors.Is(err, io.EOF) {
		return nil, a.Errorf(mJSONEmpty)
	} else if err != nil {
		return nil, a.Errorf(mJSONInvalid, a.jsonErrorText(err, b))
	}
	if dec.More() {
		return nil, a.Errorf(mJSONTwo)
	}
	n := v.NewComplaint
	if s, err := a.jsonText("received_at", mInstantOrDate, v.ReceivedAt); err != nil {
		return nil, err
	} else if s != "" {
		if n.ReceivedAt, err = a.parseReceived("received_at", s, loc); err != nil {
			return nil, err
		}
	}
	if s, err := a.jsonText("discovered", mADate, v.Discovered); err != nil {
		return nil, err
	} else if s != "" {
		if n.Discovered, err = klachtdesk.ParseDate(s); err != nil {
			return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "%s", a.Sprintf(mJSONDiscovered, klachtdesk.ErrorMessage(err)))
		}
	}
	return &n, nil
}

// jsonText is the string a JSON field holds, what it says in words; "" for
// a missing field or null.
func (a *App) jsonText(field string, what *Text, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", klachtdesk.Errorf(klachtdesk.EINVALID, "%s", a.Sprintf(mJSONDateText, field, a.Sprintf(what), raw))
	}
	return s, nil
}

// jsonErrorText explains a JSON decoding error of the document b: the field
// a value of the wrong type is in, where the syntax breaks.
func (a *App) jsonErrorText(err error, b []byte) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		// The path starts at the embedded struct, which is no field of the
		// JSON object.
		field := strings.TrimPrefix(typeErr.Field, "NewComplaint.")
		return a.Sprintf(mJSONField, field, a.jsonKind(typeErr.Type), typeErr.Value)
	case errors.As(err, &typeErr):
		return a.Sprintf(mJSONNotObject, typeErr.Value)
	case errors.As(err, &syntaxErr):
		line, col := position(b, syntaxErr.Offset)
		return a.Sprintf(mJSONAt, syntaxErr.Error(), line, col)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return a.Sprintf(mJSONCutOff)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind says in words what JSON value a Go type takes.
func (a *App) jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return a.Sprintf(mKindText)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Sprintf(mKindNumber)
	case reflect.Bool:
		return a.Sprintf(mKindBool)
	case reflect.Slice, reflect.Array:
		return a.Sprintf(mKindList)
	case reflect.Struct, reflect.Map:
		return a.Sprintf(mKindObject)
	}
	return a.Sprintf(mKindOther, t.String())
}

// position is the line and column (from 1) of byte offset n in b.
func position(b []byte, n int64) (line, col int) {
	n = min(max(n, 0), int64(len(b)))
	before := b[:n]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
