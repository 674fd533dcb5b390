package mock

import (
	"context"
	"io"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.MessageService = (*MessageService)(nil)

// MessageService is a mock of klachtdesk.MessageService.
type MessageService struct {
	AddMessageFn        func(ctx context.Context, reference string, m *klachtdesk.Message, files []klachtdesk.NewAttachment) error
	ComplaintMessagesFn func(ctx context.Context, reference string) ([]*klachtdesk.Message, error)
	OpenAttachmentFn    func(ctx context.Context, id int64) (*klachtdesk.Attachment, io.ReadCloser, error)
}

// AddMessage calls AddMessageFn.
func (s *MessageService) AddMessage(ctx context.Context, reference string, m *klachtdesk.Message, files []klachtdesk.NewAttachment) error {
	return s.AddMessageFn(ctx, reference, m, files)
}

// ComplaintMessages calls ComplaintMessagesFn.
func (s *MessageService) ComplaintMessages(ctx context.Context, reference string) ([]*klachtdesk.Message, error) {
	return s.ComplaintMessagesFn(ctx, reference)
}

// OpenAttachment calls OpenAttachmentFn.
func (s *MessageService) OpenAttachment(ctx context.Context, id int64) (*klachtdesk.Attachment, io.ReadCloser, error) {
	return s.OpenAttachmentFn(ctx, id)
}

var _ klachtdesk.ReviewService = (*ReviewService)(nil)

// ReviewService is a mock of klachtdesk.ReviewService.
type ReviewService struct {
	AcceptMessageFn func(ctx context.Context, id int64) error
	SplitMessageFn  func(ctx context.Context, id int64) (*klachtdesk.Complaint, error)
}

// AcceptMessage calls AcceptMessageFn.
func (s *ReviewService) AcceptMessage(ctx context.Context, id int64) error {
	return s.AcceptMessageFn(ctx, id)
}

// SplitMessage calls SplitMessageFn.
func (s *ReviewService) SplitMessage(ctx context.Context, id int64) (*klachtdesk.Complaint, error) {
	return s.SplitMessageFn(ctx, id)
}
