package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// newCase makes up a complaint for scenario s. A mandatory case gets the
// feature its scenario is there to show.
func (g *generator) newCase(i int, s *scenario, mandatory bool) *journey {
	d := &journey{index: i, scenario: s, next: -1}
	lang := klachtdesk.LanguageDutch
	if g.chance(0.25) {
		lang = klachtdesk.LanguageEnglish
	}
	texts := fragmentsIn[lang]

	// Route decides kind and customer type: only a consumer's product
	// complaint goes to the mediator.
	kind, ctype := klachtdesk.KindService, klachtdesk.Consumer
	route := s.route
	if route == anyRoute {
		route = internalRoute
		if g.chance(0.2) {
			route = mediatorRoute
		}
	}
	if route == mediatorRoute {
		kind = klachtdesk.KindProduct
	} else {
		if g.chance(0.25) {
			kind, ctype = klachtdesk.KindProduct, klachtdesk.Business
		} else if g.chance(0.25) {
			ctype = klachtdesk.Business
		}
	}
	subtype := g.subtype(kind)
	if s.name == "referred" && mandatory {
		subtype = "defect"
	}

	received := g.receivedAt(s, mandatory)
	channel := pick(g, []klachtdesk.Channel{klachtdesk.ChannelEmail, klachtdesk.ChannelEmail, klachtdesk.ChannelEmail,
		klachtdesk.ChannelWebform, klachtdesk.ChannelWebform, klachtdesk.ChannelLetter})
	if channel == klachtdesk.ChannelLetter {
		// A letter is recorded by the day the post delivered it.
		day := g.cal.WorkingDayOnOrBefore(klachtdesk.DateOf(received, g.loc))
		received = time.Date(day.Year, day.Month, day.Day, 10+g.rnd.IntN(3), g.rnd.IntN(60), 0, 0, g.loc)
		if received.After(g.now.Add(-30 * time.Minute)) {
			channel = klachtdesk.ChannelEmail
			received = g.now.Add(-time.Duration(30+g.rnd.IntN(120)) * time.Minute)
		}
	}
	receipt := klachtdesk.DateOf(received, g.loc)

	key := string(kind) + "/" + subtype
	about := pick(g, texts.complaints[key])
	product := g.product(subtype == "software", about.product)
	serial := fmt.Sprintf("%s%06d", product.serialPrefix, g.rnd.IntN(1_000_000))
	complainant, signer := g.complainant(lang, ctype)
	fill := g.filler(lang, receipt, product.name)
	subject := fill(pick(g, about.subjects))
	var body strings.Builder
	body.WriteString(pick(g, texts.openers) + "\n\n")
	body.WriteString(fill(about.problem))
	if g.chance(0.7) {
		body.WriteString(" " + pick(g, texts.impacts))
	}
	remedy := pick(g, texts.remedies[kind])
	if g.chance(0.5) {
		body.WriteString(" " + remedy)
	}
	body.WriteString("\n\n" + pick(g, texts.closings) + "\n" + signer)

	n := &klachtdesk.NewComplaint{
		Channel:      channel,
		ReceivedAt:   received,
		Complainant:  complainant,
		Kind:         kind,
		Subtype:      subtype,
		Subject:      subject,
		Description:  body.String(),
		RemedySought: remedy,
		Severity:     pick(g, []klachtdesk.Severity{klachtdesk.SeverityLow, klachtdesk.SeverityNormal, klachtdesk.SeverityNormal, klachtdesk.SeverityNormal, klachtdesk.SeverityHigh}),
	}
	if kind == klachtdesk.KindProduct {
		n.ProductRef = product.name + ", serienummer " + serial
		if lang == klachtdesk.LanguageEnglish {
			n.ProductRef = product.name + ", serial number " + serial
		}
		n.Discovered = receipt.AddDays(-g.rnd.IntN(25))
		// BW 7:23: some consumers report a defect months after they found
		// it; Klachtdesk flags that (and never refuses).
		if subtype == "defect" && ctype == klachtdesk.Consumer && (mandatory && s.name == "referred" || g.chance(0.35)) {
			n.Discovered = receipt.AddDays(-75 - g.rnd.IntN(150))
			d.lateNotice = true
		}
	}
	if g.chance(0.2) {
		n.InformalContact = pick(g, texts.informal)
	}
	// Complaints about someone's conduct or communication name them.
	if kind == klachtdesk.KindService && (subtype == "conduct" || subtype == "communication") && g.chance(0.6) {
		n.ConcernedEmployees = []int64{pick(g, g.staff).ID}
	}
	d.n = n

	var free []*klachtdesk.User
	for _, h := range g.handlers {
		if !slices.Contains(n.ConcernedEmployees, h.ID) {
			free = append(free, h)
		}
	}
	d.handler = pick(g, free)
	for _, h := range free {
		if h != d.handler && (d.reviewer == nil || g.chance(0.4)) {
			d.reviewer = h
		}
	}

	d.info = g.chance(0.25)
	d.extend = g.chance(0.15)
	d.consent = g.chance(0.2)
	d.escalate = g.chance(0.12)
	d.legalHold = g.chance(0.03)
	if mandatory {
		switch s.name {
		case "overdue":
			d.escalate = true
		case "closed_accepted":
			d.extend = true
		}
	}
	d.at = received.Add(time.Duration(2+g.rnd.IntN(40)) * time.Minute)
	if channel == klachtdesk.ChannelLetter {
		d.at = received.Add(time.Duration(60+g.rnd.IntN(240)) * time.Minute)
	}
	if d.at.After(g.now) {
		d.at = g.now
	}
	return d
}

// product returns the product named, or draws a software or hardware one.
func (g *generator) product(software bool, name string) catalogItem {
	var fit []catalogItem
	for _, p := range catalog {
		if p.name == name {
			return p
		}
		if p.software == software {
			fit = append(fit, p)
		}
	}
	return pick(g, fit)
}

// subtype draws a subtype of kind, "other" seldom.
func (g *generator) subtype(kind klachtdesk.Kind) string {
	subs := klachtdesk.Subtypes[kind]
	if g.chance(0.05) {
		return "other"
	}
	var named []string
	for _, s := range subs {
		if s != "other" {
			named = append(named, s)
		}
	}
	return pick(g, named)
}

// receivedAt draws the instant a complaint of scenario s was received,
// e-mail and web forms at any hour but mostly by day. A mandatory case is
// among the oldest of its window, so that its whole path fits before today
// whatever weekends and holidays lie in between.
func (g *generator) receivedAt(s *scenario, mandatory bool) time.Time {
	lo := s.minAge
	if mandatory {
		lo = s.maxAge - 0.2*(s.maxAge-s.minAge)
	}
	age := lo + g.rnd.Float64()*(s.maxAge-lo)
	t := g.now.Add(-time.Duration(age * float64(24*time.Hour)))
	day := klachtdesk.DateOf(t, g.loc)
	hour := 7 + g.rnd.IntN(16)
	if g.chance(0.1) {
		hour = g.rnd.IntN(7)
	}
	r := time.Date(day.Year, day.Month, day.Day, hour, g.rnd.IntN(60), g.rnd.IntN(60), 0, g.loc)
	if latest := g.now.Add(-10 * time.Minute); r.After(latest) {
		r = latest.Add(-time.Duration(g.rnd.IntN(90)) * time.Minute)
	}
	if r.Before(g.start) {
		r = g.start.Add(time.Hour)
	}
	return r
}

// complainant makes up a person or business, and the person who signs.
func (g *generator) complainant(lang klachtdesk.Language, ctype klachtdesk.CustomerType) (klachtdesk.Complainant, string) {
	first, last := pick(g, dutchFirstNames), pick(g, dutchLastNames)
	if lang == klachtdesk.LanguageEnglish {
		first, last = pick(g, englishFirstNames), pick(g, englishLastNames)
	}
	name := first + " " + last
	domain := pick(g, []string{"example.nl", "example.com", "mail.example.org"})
	email := strings.ToLower(emailPart(first) + "." + emailPart(last) + "@" + domain)
	if ctype == klachtdesk.Business {
		company := pick(g, businessNames) + pick(g, businessSuffixes)
		if lang == klachtdesk.LanguageEnglish {
			company = pick(g, englishBusinesses)
		}
		name = company + " (t.a.v. " + first + " " + last + ")"
		if lang == klachtdesk.LanguageEnglish {
			name = company + " (attn. " + first + " " + last + ")"
		}
		// first.last@company keeps different people of one company apart:
		// the store matches complainants by e-mail address.
		email = strings.ToLower(emailPart(first)+"."+emailPart(last)) + "@" + strings.ToLower(emailPart(strings.Fields(company)[0])) + ".example.nl"
	}
	c := klachtdesk.Complainant{
		Name:     name,
		Email:    email,
		Type:     ctype,
		Language: lang,
		Phone:    fmt.Sprintf("06-%08d", g.rnd.IntN(100_000_000)),
	}
	if g.chance(0.7) {
		c.CustomerNumber = fmt.Sprintf("KN-%06d", 100000+g.rnd.IntN(900000))
	}
	if g.chance(0.5) {
		c.PostalAddress = fmt.Sprintf("%s %d, %04d %c%c %s", pick(g, dutchStreets), 1+g.rnd.IntN(180),
			1000+g.rnd.IntN(8999), 'A'+rune(g.rnd.IntN(26)), 'A'+rune(g.rnd.IntN(26)), pick(g, dutchCities))
	}
	return c, first + " " + last
}

// emailPart keeps the letters of a name usable in an e-mail address.
func emailPart(s string) string {
	r := strings.NewReplacer("ş", "s", "ı", "i", "ç", "c", "ö", "o", "ü", "u", "é", "e", "ë", "e", "'", "", " ", "", "!", "")
	return r.Replace(strings.ToLower(s))
}

// filler returns a function filling a fragment's placeholders.
func (g *generator) filler(lang klachtdesk.Language, receipt klachtdesk.Date, product string) func(string) string {
	g.serial++
	// {date} lies shortly before receipt and {days} is the time since, so
	// "handed in on {date}, nothing heard after {days} days" adds up.
	past := receipt.AddDays(-4 - g.rnd.IntN(18))
	var date string
	if lang == klachtdesk.LanguageDutch {
		date = fmt.Sprintf("%d %s", past.Day, dutchMonths[past.Month-1])
	} else {
		date = fmt.Sprintf("%d %s", past.Day, past.Month)
	}
	r := strings.NewReplacer(
		"{product}", product,
		"{date}", date,
		"{days}", fmt.Sprint(past.DaysUntil(receipt)),
		"{order}", fmt.Sprintf("ORD-%d-%05d", receipt.Year, 10000+g.serial*7%89999),
		"{invoice}", fmt.Sprintf("F%d-%04d", receipt.Year, 1000+g.serial*13%8999),
		"{ticket}", fmt.Sprintf("#%d", 40000+g.serial*3),
		"{amount}", fmt.Sprintf("%d,%02d", 25+g.rnd.IntN(900), g.rnd.IntN(100)),
	)
	return r.Replace
}

var dutchMonths = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// addMessage stores the complaint as it came in, with an attachment now and
// then.
func (g *generator) addMessage(ctx context.Context, d *journey) error {
	n := d.n
	msg := &klachtdesk.Message{
		Direction: klachtdesk.Inbound,
		Channel:   n.Channel,
		From:      n.Complainant.Email,
		To:        g.settings.ComplaintEmail,
		Subject:   n.Subject,
		Text:      n.Description,
		At:        n.ReceivedAt,
	}
	switch n.Channel {
	case klachtdesk.ChannelEmail:
		msg.MessageID = fmt.Sprintf("<demo-%d-%d@mail.example.nl>", d.index, n.ReceivedAt.Unix())
	case klachtdesk.ChannelLetter:
		msg.From = n.Complainant.Name
	}
	var files []klachtdesk.NewAttachment
	if g.chance(0.25) {
		name := pick(g, []string{"foto-defect.jpg", "factuur.pdf", "schermafbeelding.png", "aankoopbewijs.pdf"})
		files = append(files, klachtdesk.NewAttachment{
			Filename:    name,
			ContentType: "application/octet-stream",
			Content:     strings.NewReader("Klachtdesk demo attachment " + name + " of " + d.c.Reference + "\n"),
		})
	}
	if err := g.store.Messages.AddMessage(ctx, d.c.Reference, msg, files); err != nil {
		return fmt.Errorf("demo: add message to %s: %w", d.c.Reference, err)
	}
	return nil
}
