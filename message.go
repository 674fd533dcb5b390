package klachtdesk

import (
	"context"
	"io"
	"time"
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

// NewAttachment is a file to store with a new message.
type NewAttachment struct {
	Filename    string
	ContentType string
	Content     io.Reader
}

// MessageService stores the messages of complaints. Access follows the
// complaint: a user who may not see the complaint gets ENOTFOUND.
type MessageService interface {
	// AddMessage stores m on the complaint with the given reference, its
	// attachments in the blob store, and a message_added event, in one
	// transaction (blobs are written and synced before it commits).
	AddMessage(ctx context.Context, reference string, m *Message, files []NewAttachment) error
	// ComplaintMessages returns the complaint's messages, oldest first, with
	// their attachments' metadata.
	ComplaintMessages(ctx context.Context, reference string) ([]*Message, error)
	// OpenAttachment returns the metadata and content of an attachment.
	OpenAttachment(ctx context.Context, id int64) (*Attachment, io.ReadCloser, error)
}

// SettingsService stores the settings. Every change raises the revision and is
// an audit event; it never moves an existing deadline.
type SettingsService interface {
	Settings(ctx context.Context) (Settings, error)
	// SetSetting validates and stores one setting (EINVALID naming the
	// allowed keys or values otherwise) and returns the new settings.
	SetSetting(ctx context.Context, key, value string) (Settings, error)
}
