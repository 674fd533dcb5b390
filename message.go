package klachtdesk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Direction says whether a message came from or went to the complainant.
type Direction string

// Directions.
const (
	Inbound  Direction = "in"
	Outbound Direction = "out"
)

// Message is one written communication on a complaint: the complaint itself,
// a reply, a letter we sent, or a scanned letter.
type Message struct {
	ID          int64         `json:"id"`
	ComplaintID int64         `json:"complaint_id"`
	Direction   Direction     `json:"direction"`
	Channel     Channel       `json:"channel"`
	MessageID   string        `json:"message_id,omitempty"` // RFC 5322 Message-ID, for mail
	From        string        `json:"from,omitempty"`
	To          string        `json:"to,omitempty"`
	Subject     string        `json:"subject,omitempty"`
	Text        string        `json:"text"`
	RawSHA256   string        `json:"raw_sha256,omitempty"` // the raw source (mail or scan) in the blob store
	At          time.Time     `json:"at"`
	Attachments []*Attachment `json:"attachments,omitempty"`
	// Quoted is the quoted history and signature of a reply, kept apart
	// from Text and shown collapsed; HTML the sanitised HTML body of a mail.
	Quoted string `json:"quoted,omitempty"`
	HTML   string `json:"html,omitempty"`
	// Auto marks a message a machine wrote (auto-reply, delivery report).
	Auto AutoKind `json:"auto,omitempty"`
	// Unverified marks a reply matched on the subject reference alone, from
	// an address that is not the complainant's: staff accept or split it.
	Unverified bool `json:"unverified,omitempty"`
	// Delivery is the outbox state of a letter we sent, nil otherwise.
	Delivery *Delivery `json:"delivery,omitempty"`
}

// Attachment is a file of a message. Its bytes live in the blob store,
// content-addressed by SHA-256; the database holds the metadata.
type Attachment struct {
	ID          int64  `json:"id"`
	MessageID   int64  `json:"message_id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Validate returns an EINVALID error naming the first problem. Messages come
// from strangers: every text must be valid UTF-8 without NUL bytes.
func (m *Message) Validate() error {
	if m == nil {
		return Errorf(EINVALID, "no message given")
	}
	if m.Direction != Inbound && m.Direction != Outbound {
		return Errorf(EINVALID, "message direction must be in or out, not %q", m.Direction)
	}
	if !slices.Contains(Channels, m.Channel) {
		return Errorf(EINVALID, "message channel must be email, letter or webform, not %q", m.Channel)
	}
	for field, v := range map[string]string{"Message-ID": m.MessageID, "from": m.From, "to": m.To, "subject": m.Subject, "text": m.Text, "quoted text": m.Quoted, "HTML": m.HTML} {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return Errorf(EINVALID, "message %s is not valid text", field)
		}
	}
	if len(m.Text) > maxText*5 || len(m.Quoted) > maxText*5 || len(m.HTML) > maxText*10 || len(m.Subject) > 10_000 || len(m.MessageID) > 1000 || len(m.From) > 1000 || len(m.To) > 10_000 {
		return Errorf(EINVALID, "message too long")
	}
	if m.RawSHA256 != "" {
		if b, err := hex.DecodeString(m.RawSHA256); err != nil || len(b) != sha256.Size {
			return Errorf(EINVALID, "raw source %q is not a SHA-256", m.RawSHA256)
		}
	}
	return nil
}

// NewAttachment is a file to store with a new message.
type NewAttachment struct {
	Filename    string
	ContentType string
	Content     io.Reader
}

// Validate checks the attachment's name and content type and returns its
// metadata with defaults filled in ("attachment", application/octet-stream).
func (f NewAttachment) Validate() (*Attachment, error) {
	if f.Content == nil {
		return nil, Errorf(EINVALID, "attachment %q has no content", f.Filename)
	}
	name := strings.TrimSpace(f.Filename)
	if name == "" {
		name = "attachment"
	}
	if !utf8.ValidString(name) || strings.ContainsRune(name, 0) || len(name) > 255 {
		return nil, Errorf(EINVALID, "attachment name is not valid text of at most 255 bytes")
	}
	ct := strings.TrimSpace(f.ContentType)
	if ct == "" {
		ct = "application/octet-stream"
	}
	if !utf8.ValidString(ct) || strings.ContainsRune(ct, 0) || len(ct) > 255 {
		return nil, Errorf(EINVALID, "attachment content type is not valid text of at most 255 bytes")
	}
	return &Attachment{Filename: name, ContentType: ct}, nil
}

// MessageService stores the messages of complaints. Access follows the
// complaint: a user who may not see the complaint gets ENOTFOUND, as for a
// complaint that does not exist. Every method returns EUNAUTHORIZED when the
// acting user is inactive.
type MessageService interface {
	// AddMessage stores m on the complaint with the given reference, its
	// attachments in the blob store, and a message_added event, in one
	// transaction (blobs are written and synced before it commits).
	// Returns EINVALID for a message or attachment that does not validate,
	// EFORBIDDEN for a viewer, ENOTFOUND for an unknown or hidden
	// complaint, ETransitionNotAllowed for an anonymised one, and ECONFLICT
	// when a message with the same Message-ID is already on it.
	AddMessage(ctx context.Context, reference string, m *Message, files []NewAttachment) error

	// ComplaintMessages returns the complaint's messages, oldest first, with
	// their attachments' metadata and the delivery state of letters we
	// sent. Returns ENOTFOUND for an unknown or hidden complaint.
	ComplaintMessages(ctx context.Context, reference string) ([]*Message, error)

	// OpenAttachment returns the metadata and content of an attachment;
	// the caller closes the content. Returns ENOTFOUND for an unknown
	// attachment or one on a complaint the user may not see.
	OpenAttachment(ctx context.Context, id int64) (*Attachment, io.ReadCloser, error)
}

// ReviewService settles the replies intake could not verify: a mail whose
// subject carries a complaint's reference but whose sender is not the
// complainant is added to that complaint marked Unverified, and staff either
// accept it or split it off into a complaint of its own. Each method returns
// EUNAUTHORIZED when the acting user is inactive, EFORBIDDEN for a viewer,
// and ENOTFOUND when the message does not exist or is on a complaint the
// user may not see.
type ReviewService interface {
	// AcceptMessage accepts received message id as part of its complaint:
	// the Unverified mark goes, with a message_accepted event. Returns
	// EINVALID when the message is not marked unverified.
	AcceptMessage(ctx context.Context, id int64) error

	// SplitMessage moves received message id off its complaint into a new
	// complaint of its own, registered as any new complaint by mail (its
	// sender the complainant, its text the description, the
	// acknowledgement queued), and records the move on both complaints
	// (message_moved). It returns the new complaint. Returns EINVALID for
	// a letter we sent or a message without a usable sender address, and
	// ETransitionNotAllowed when its complaint is anonymised.
	SplitMessage(ctx context.Context, id int64) (*Complaint, error)
}
