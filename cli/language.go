package cli

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/klachtdesk/klachtdesk"
)

// Language is the language the command line speaks: one at a time, chosen
// when the program starts.
type Language int

// Languages of the command line.
const (
	English Language = iota
	Dutch
)

// String returns the language's code, en or nl.
func (l Language) String() string {
	if l == Dutch {
		return "nl"
	}
	return "en"
}

// ParseLanguage reads a language code: nl or en, in any case, with or
// without a region (nl_NL, en-GB); ok is false for anything else.
func ParseLanguage(s string) (l Language, ok bool) {
	code, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "_")
	code, _, _ = strings.Cut(code, "-")
	code, _, _ = strings.Cut(code, ".")
	switch code {
	case "nl":
		return Dutch, true
	case "en":
		return English, true
	}
	return English, false
}

// LocaleLanguage is the language of the POSIX locale given by the values of
// LC_ALL, LC_MESSAGES and LANG, the first one set deciding: Dutch for a
// Dutch locale (nl_NL.UTF-8, nl_BE, …), English for any other.
func LocaleLanguage(lcAll, lcMessages, lang string) Language {
	for _, v := range []string{lcAll, lcMessages, lang} {
		if v != "" {
			l, _ := ParseLanguage(v)
			return l
		}
	}
	return English
}

// Text is one message of the command line in both its languages: fmt
// formats with the same verbs in the same order, so either can be given
// the same arguments.
type Text struct{ EN, NL string }

// catalogue holds every message made with Msg.
var catalogue []*Text

// Msg makes a message of the command line and adds it to the catalogue,
// which a test checks for both languages. Declare messages as package
// variables, so that all are in the catalogue before the test runs.
func Msg(en, nl string) *Text {
	t := &Text{EN: en, NL: nl}
	catalogue = append(catalogue, t)
	return t
}

// Messages returns the catalogue: every message made with Msg.
func Messages() []*Text { return slices.Clone(catalogue) }

// In returns the message's format in language l.
func (t *Text) In(l Language) string {
	if l == Dutch {
		return t.NL
	}
	return t.EN
}

// verbRE matches a fmt verb with its flags, width and precision.
var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]*)?[a-zA-Z%]`)

// Check returns an error when the message lacks a language or when its
// languages take different arguments.
func (t *Text) Check() error {
	if strings.TrimSpace(t.EN) == "" || strings.TrimSpace(t.NL) == "" {
		return fmt.Errorf("message %q / %q lacks a language", t.EN, t.NL)
	}
	if en, nl := verbRE.FindAllString(t.EN, -1), verbRE.FindAllString(t.NL, -1); !slices.Equal(en, nl) {
		return fmt.Errorf("message %q takes %v in English but %v in Dutch (%q)", t.EN, en, nl, t.NL)
	}
	return nil
}

// domainLanguage is the command line's language as the root package names
// it, for texts the domain writes in both (klachtdesk.Note).
func (a *App) domainLanguage() klachtdesk.Language {
	if a.lang() == Dutch {
		return klachtdesk.LanguageDutch
	}
	return klachtdesk.LanguageEnglish
}

// lang is the language of the command line; English before there is one.
func (a *App) lang() Language {
	if a == nil {
		return English
	}
	return a.Lang
}

// Sprintf formats message t in the command line's language.
func (a *App) Sprintf(t *Text, args ...any) string {
	return fmt.Sprintf(t.In(a.lang()), args...)
}

// Errorf returns an error with message t in the command line's language; a
// %w verb wraps its argument, as with fmt.Errorf.
func (a *App) Errorf(t *Text, args ...any) error {
	return fmt.Errorf(t.In(a.lang()), args...)
}

// Usagef returns a *UsageError with message t in the command line's
// language.
func (a *App) Usagef(t *Text, args ...any) error {
	return &UsageError{Msg: a.Sprintf(t, args...)}
}

// printf prints message t on w in the command line's language.
func (a *App) printf(w io.Writer, t *Text, args ...any) error {
	_, err := fmt.Fprintf(w, t.In(a.lang()), args...)
	return err
}
