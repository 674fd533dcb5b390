package mailparse

import (
	"unicode"

	"github.com/klachtdesk/klachtdesk"
)

// Function words that are common in one language and rare in the other.
// Words both languages use ("is", "in", "was", "of", "we") do not count.
var (
	englishWords = map[string]bool{
		"the": true, "and": true, "you": true, "your": true, "with": true, "not": true,
		"have": true, "this": true, "that": true, "for": true, "are": true, "my": true,
		"it": true, "would": true, "please": true, "i": true, "our": true, "been": true,
		"has": true, "from": true, "about": true, "there": true, "what": true, "which": true,
		"received": true, "still": true, "order": true, "thank": true, "thanks": true,
	}
	dutchWords = map[string]bool{
		"de": true, "het": true, "een": true, "en": true, "ik": true, "je": true,
		"niet": true, "van": true, "dat": true, "met": true, "heb": true, "mijn": true,
		"u": true, "uw": true, "wij": true, "voor": true, "zijn": true, "ook": true,
		"maar": true, "geen": true, "naar": true, "bij": true, "nog": true, "wel": true,
		"hebben": true, "graag": true, "deze": true, "dit": true, "er": true, "op": true,
		"om": true, "te": true, "ontvangen": true, "bestelling": true, "groet": true,
	}
)

// maxLanguageWords bounds the words looked at.
const maxLanguageWords = 2000

// detectLanguage says English only when the text clearly is: at least
// three English function words and more than twice as many as Dutch ones.
// Everything else, including no text at all, is Dutch.
func detectLanguage(text string) klachtdesk.Language {
	en, nl, words := 0, 0, 0
	var buf [16]rune
	n := 0
	flush := func() {
		if n > 0 && n < len(buf) {
			w := string(buf[:n])
			if englishWords[w] {
				en++
			}
			if dutchWords[w] {
				nl++
			}
		}
		if n > 0 {
			words++
		}
		n = 0
	}
	for _, r := range text {
		if unicode.IsLetter(r) || r == '\'' {
			if n < len(buf) {
				buf[n] = unicode.ToLower(r)
			}
			n++
			continue
		}
		flush()
		if words >= maxLanguageWords {
			break
		}
	}
	flush()
	if en >= 3 && en > 2*nl {
		return klachtdesk.LanguageEnglish
	}
	return klachtdesk.LanguageDutch
}
