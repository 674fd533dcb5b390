package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// fakeStore is an in-memory store behind the services the commands use.
type fakeStore struct {
	settings   klachtdesk.Settings
	complaints []*klachtdesk.Complaint
	events     map[string][]*klachtdesk.Event
	messages   map[string][]*klachtdesk.Message
	users      []*klachtdesk.User
	quarantine []*klachtdesk.QuarantinedMail
	// undeliverable maps an address to the reason letters to it bounced.
	undeliverable map[string]string
	// created records the complaints CreateComplaint was given.
	created []*klachtdesk.NewComplaint
}

func newFakeStore() *fakeStore {
	return &fakeStore{settings: klachtdesk.DefaultSettings(), events: map[string][]*klachtdesk.Event{},
		messages: map[string][]*klachtdesk.Message{}, undeliverable: map[string]string{}}
}

func (s *fakeStore) CreateComplaint(ctx context.Context, n *klachtdesk.NewComplaint) (*klachtdesk.Complaint, error) {
	s.created = append(s.created, n)
	c := &klachtdesk.Complaint{Reference: fmt.Sprintf("KL-2026-%06d", len(s.created)), State: klachtdesk.StateReceived,
		Channel: n.Channel, ReceivedAt: n.ReceivedAt, Kind: n.Kind}
	return c, nil
}

func (s *fakeStore) CreateComplaints(ctx context.Context, ns []*klachtdesk.NewComplaint) ([]*klachtdesk.Complaint, error) {
	var out []*klachtdesk.Complaint
	for _, n := range ns {
		c, _ := s.CreateComplaint(ctx, n)
		out = append(out, c)
	}
	return out, nil
}

func (s *fakeStore) FindComplaintByReference(ctx context.Context, ref string) (*klachtdesk.Complaint, error) {
	for _, c := range s.complaints {
		if c.Reference == ref {
			return c, nil
		}
	}
	return nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "complaint %s not found", ref)
}

func (s *fakeStore) FindComplaints(ctx context.Context, f klachtdesk.ComplaintFilter) ([]*klachtdesk.Complaint, int, error) {
	var all []*klachtdesk.Complaint
	for _, c := range s.complaints {
		if (f.State == "" || c.State == f.State) && (f.Open == nil || *f.Open == slices.Contains(klachtdesk.OpenStates, c.State)) {
			all = append(all, c)
		}
	}
	page := all[min(f.Offset, len(all)):]
	if f.Limit > 0 && len(page) > f.Limit {
		page = page[:f.Limit]
	}
	return page, len(all), nil
}

func (s *fakeStore) Act(ctx context.Context, ref string, a klachtdesk.Action) (*klachtdesk.Complaint, error) {
	return nil, klachtdesk.Errorf(klachtdesk.EINTERNAL, "not in the fake")
}

func (s *fakeStore) ComplaintEvents(ctx context.Context, ref string) ([]*klachtdesk.Event, error) {
	return s.events[ref], nil
}

func (s *fakeStore) CreateUser(ctx context.Context, u *klachtdesk.User, password string) error {
	if _, err := s.FindUserByUsername(ctx, u.Username); err == nil {
		return klachtdesk.Errorf(klachtdesk.ECONFLICT, "user %s exists", u.Username)
	}
	u.ID = int64(len(s.users) + 1)
	s.users = append(s.users, u)
	return nil
}

func (s *fakeStore) FindUserByUsername(ctx context.Context, name string) (*klachtdesk.User, error) {
	for _, u := range s.users {
		if u.Username == name {
			return u, nil
		}
	}
	return nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "user %s not found", name)
}

func (s *fakeStore) FindUsers(ctx context.Context) ([]*klachtdesk.User, error) { return s.users, nil }

func (s *fakeStore) SetPassword(ctx context.Context, username, password string) error { return nil }

func (s *fakeStore) Authenticate(ctx context.Context, username, password string) (*klachtdesk.User, error) {
	return nil, klachtdesk.Errorf(klachtdesk.EUNAUTHORIZED, "no")
}

func (s *fakeStore) CountUsers(ctx context.Context) (int, error) { return len(s.users), nil }

func (s *fakeStore) Settings(ctx context.Context) (klachtdesk.Settings, error) {
	return s.settings, nil
}

func (s *fakeStore) SetSetting(ctx context.Context, key, value string) (klachtdesk.Settings, error) {
	next := s.settings
	if err := next.Set(key, value); err != nil {
		return s.settings, err
	}
	s.settings = next
	return next, nil
}

func (s *fakeStore) AddMessage(ctx context.Context, ref string, m *klachtdesk.Message, files []klachtdesk.NewAttachment) error {
	s.messages[ref] = append(s.messages[ref], m)
	return nil
}

func (s *fakeStore) ComplaintMessages(ctx context.Context, ref string) ([]*klachtdesk.Message, error) {
	return s.messages[ref], nil
}

func (s *fakeStore) OpenAttachment(ctx context.Context, id int64) (*klachtdesk.Attachment, io.ReadCloser, error) {
	return nil, nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "no attachment %d", id)
}

func (s *fakeStore) AddressStatus(ctx context.Context, addr string) (time.Time, string, error) {
	if reason, ok := s.undeliverable[addr]; ok {
		return time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC), reason, nil
	}
	return time.Time{}, "", nil
}

func (s *fakeStore) QuarantinedMails(ctx context.Context, limit int) ([]*klachtdesk.QuarantinedMail, error) {
	if limit > 0 && len(s.quarantine) > limit {
		return s.quarantine[:limit], nil
	}
	return s.quarantine, nil
}

func (s *fakeStore) RetryQuarantined(ctx context.Context, id int64, in klachtdesk.IncomingMail) (*klachtdesk.IntakeResult, error) {
	return nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "no mail #%d in quarantine", id)
}

func (s *fakeStore) OpenQuarantinedMail(ctx context.Context, id int64) (io.ReadCloser, error) {
	for _, q := range s.quarantine {
		if q.ID == id {
			return io.NopCloser(strings.NewReader("raw mail " + q.Subject)), nil
		}
	}
	return nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "no mail #%d in quarantine", id)
}

// testNow is the fake store's clock: Thursday 2026-04-30, 10:00 in
// Amsterdam.
var testNow = time.Date(2026, 4, 30, 8, 0, 0, 0, time.UTC)

// newTestApp returns a command line on buffers over s, speaking lang.
func newTestApp(s *fakeStore, stdin string) (a *App, stdout, stderr *bytes.Buffer) {
	stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}
	a = NewApp()
	a.Stdin, a.Stdout, a.Stderr = strings.NewReader(stdin), stdout, stderr
	a.StdinIsTerminal = func() bool { return false }
	a.Now = func() time.Time { return testNow }
	a.ComplaintService, a.UserService = s, s
	a.SettingsService, a.MessageService = s, s
	a.AddressStatus, a.QuarantineService = s, s
	return a, stdout, stderr
}

// result is what one run printed and its exit status.
type result struct {
	stdout, stderr string
	code           int
}

// execute parses args and runs the command on a, as cmd/klachtdesk does.
func execute(t *testing.T, a *App, args ...string) result {
	t.Helper()
	var code int
	c, err := a.Parse(args, nil, nil)
	switch {
	case err == flag.ErrHelp:
	case err != nil:
		code = a.Exit(err, 2)
	default:
		code = a.Exit(c.Run(context.Background()), 1)
	}
	return result{a.Stdout.(*bytes.Buffer).String(), a.Stderr.(*bytes.Buffer).String(), code}
}

// run runs one command on a new command line over s.
func run(t *testing.T, s *fakeStore, stdin string, args ...string) result {
	t.Helper()
	a, _, _ := newTestApp(s, stdin)
	return execute(t, a, args...)
}

// mustRun runs a command that must succeed and returns its standard output.
func mustRun(t *testing.T, s *fakeStore, args ...string) string {
	t.Helper()
	r := run(t, s, "", args...)
	if r.code != 0 {
		t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// sampleComplaint is a complaint in treatment with every field show prints.
func sampleComplaint() *klachtdesk.Complaint {
	rule := "r1.s0"
	return &klachtdesk.Complaint{
		ID: 1, Reference: "KL-2026-000001", State: klachtdesk.StateInTreatment, Channel: klachtdesk.ChannelEmail,
		ReceivedAt: time.Date(2026, 4, 13, 8, 15, 0, 0, time.UTC), ReceiptDate: klachtdesk.MustParseDate("2026-04-13"),
		Language: klachtdesk.LanguageDutch, CustomerType: klachtdesk.Consumer,
		Complainant: &klachtdesk.Complainant{ID: 1, Name: "Jan de Vries", Email: "jan@example.nl",
			PostalAddress: "Dorpsstraat 1\n1234 AB Ergens", Phone: "06-12345678", Type: klachtdesk.Consumer, Language: klachtdesk.LanguageDutch},
		Kind: klachtdesk.KindProduct, Subtype: "defect", Subject: "Laptop start niet",
		Description: "Mijn laptop start niet meer.", RemedySought: "Reparatie",
		ProductRef: "ProBook 450", Discovered: klachtdesk.MustParseDate("2026-04-01"), Severity: klachtdesk.SeverityNormal,
		ConcernedEmployees: []int64{2}, HandlerID: 1,
		AckDue:    klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-04-16"), Rule: rule},
		AnswerDue: klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-04-27"), Rule: rule},
		ActBy:     klachtdesk.Deadline{Date: klachtdesk.MustParseDate("2026-04-24"), Rule: rule},
		Route:     klachtdesk.RouteMediator,
	}
}

// sampleStore holds sampleComplaint with an event, two messages, two users
// and a bounced address.
func sampleStore() *fakeStore {
	s := newFakeStore()
	c := sampleComplaint()
	s.complaints = []*klachtdesk.Complaint{c}
	s.users = []*klachtdesk.User{
		{ID: 1, Username: "alice", Name: "Alice de Boer", Email: "alice@example.nl", Role: klachtdesk.RoleHandler, Active: true,
			CreatedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)},
		{ID: 2, Username: "kevin", Role: klachtdesk.RoleViewer, CreatedAt: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)},
	}
	s.events[c.Reference] = []*klachtdesk.Event{
		{ID: 1, Kind: klachtdesk.EventCreated, Actor: "system", At: c.ReceivedAt},
		{ID: 2, Kind: "assigned", Actor: "alice", At: c.ReceivedAt.Add(time.Hour), After: []byte(`{"handler_id":1,"state":"in_treatment","version":2}`)},
	}
	s.messages[c.Reference] = []*klachtdesk.Message{
		{ID: 7, Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, From: "jan@example.nl", Subject: "Laptop",
			At: c.ReceivedAt, Attachments: []*klachtdesk.Attachment{{Filename: "foto.jpg"}}},
		{ID: 8, Direction: klachtdesk.Inbound, Channel: klachtdesk.ChannelEmail, From: "buurman@example.nl", Subject: "Re: [KL-2026-000001]",
			At: c.ReceivedAt.Add(2 * time.Hour), Unverified: true},
		{ID: 9, Direction: klachtdesk.Outbound, Channel: klachtdesk.ChannelEmail, To: "jan@example.nl", Subject: "Ontvangstbevestiging",
			At: c.ReceivedAt.Add(time.Minute), Delivery: &klachtdesk.Delivery{State: klachtdesk.LetterFailed, Reason: "550 no such user"}},
	}
	s.undeliverable["jan@example.nl"] = "550 no such user"
	slices.SortFunc(s.messages[c.Reference], func(a, b *klachtdesk.Message) int { return a.At.Compare(b.At) })
	return s
}
