package klachtdesk

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// referenceRE matches a complaint reference: KL-<year>-<6 digits>.
var referenceRE = regexp.MustCompile(`^KL-(\d{4})-(\d{6})$`)

// FormatReference returns the reference of the n-th complaint registered in
// year: KL-2026-000042. Numbers run per year from 1 and are never reused; the
// store hands them out inside the registering transaction.
func FormatReference(year, n int) (string, error) {
	if year < 1000 || year > 9999 {
		return "", Errorf(EINVALID, "year %d has no four digits", year)
	}
	if n < 1 || n > 999_999 {
		return "", Errorf(EINVALID, "complaint number %d of %d is outside 1–999999", n, year)
	}
	return fmt.Sprintf("KL-%04d-%06d", year, n), nil
}

// NormalizeReference returns a reference as a user typed it in the form
// the register keeps: without surrounding white space and in upper case, so
// that " kl-2026-000001 " finds KL-2026-000001. The store's lookups apply
// it; it does not check the form (ParseReference does, strictly).
func NormalizeReference(ref string) string {
	return strings.ToUpper(strings.TrimSpace(ref))
}

// ParseReference splits a reference into its year and number, or returns
// EINVALID. It takes the reference as the register keeps it; apply
// NormalizeReference first to what a user typed.
func ParseReference(ref string) (year, n int, err error) {
	m := referenceRE.FindStringSubmatch(ref)
	if m == nil {
		return 0, 0, Errorf(EINVALID, "%q is not a complaint reference such as KL-2026-000042", ref)
	}
	year, _ = strconv.Atoi(m[1])
	n, _ = strconv.Atoi(m[2])
	if n == 0 {
		return 0, 0, Errorf(EINVALID, "%q is not a complaint reference: numbers start at 000001", ref)
	}
	return year, n, nil
}

// FindReferences returns every complaint reference in text (such as a mail
// subject), in order of appearance, without duplicates, as the register
// keeps them: a reference typed in lower case (kl-2026-000042) counts. A
// reference glued to other letters or digits (XKL-2026-0000011) does not.
func FindReferences(text string) []string {
	var refs []string
	seen := map[string]bool{}
	for _, loc := range referenceInTextRE.FindAllStringIndex(text, -1) {
		if loc[0] > 0 && isAlnum(text[loc[0]-1]) || loc[1] < len(text) && isAlnum(text[loc[1]]) {
			continue
		}
		if r := NormalizeReference(text[loc[0]:loc[1]]); !seen[r] {
			seen[r] = true
			refs = append(refs, r)
		}
	}
	return refs
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

var referenceInTextRE = regexp.MustCompile(`[Kk][Ll]-\d{4}-\d{6}`)
