package mock

import (
	"context"

	"github.com/klachtdesk/klachtdesk"
)

var _ klachtdesk.ComplaintService = (*ComplaintService)(nil)

// ComplaintService is a mock of klachtdesk.ComplaintService.
type ComplaintService struct {
	CreateComplaintFn          func(ctx context.Context, n *klachtdesk.NewComplaint) (*klachtdesk.Complaint, error)
	CreateComplaintsFn         func(ctx context.Context, ns []*klachtdesk.NewComplaint) ([]*klachtdesk.Complaint, error)
	FindComplaintByReferenceFn func(ctx context.Context, reference string) (*klachtdesk.Complaint, error)
	FindComplaintsFn           func(ctx context.Context, filter klachtdesk.ComplaintFilter) ([]*klachtdesk.Complaint, int, error)
	ActFn                      func(ctx context.Context, reference string, action klachtdesk.Action) (*klachtdesk.Complaint, error)
	ComplaintEventsFn          func(ctx context.Context, reference string) ([]*klachtdesk.Event, error)
}

// CreateComplaint calls CreateComplaintFn.
func (s *ComplaintService) CreateComplaint(ctx context.Context, n *klachtdesk.NewComplaint) (*klachtdesk.Complaint, error) {
	return s.CreateComplaintFn(ctx, n)
}

// CreateComplaints calls CreateComplaintsFn.
func (s *ComplaintService) CreateComplaints(ctx context.Context, ns []*klachtdesk.NewComplaint) ([]*klachtdesk.Complaint, error) {
	return s.CreateComplaintsFn(ctx, ns)
}

// FindComplaintByReference calls FindComplaintByReferenceFn.
func (s *ComplaintService) FindComplaintByReference(ctx context.Context, reference string) (*klachtdesk.Complaint, error) {
	return s.FindComplaintByReferenceFn(ctx, reference)
}

// FindComplaints calls FindComplaintsFn.
func (s *ComplaintService) FindComplaints(ctx context.Context, filter klachtdesk.ComplaintFilter) ([]*klachtdesk.Complaint, int, error) {
	return s.FindComplaintsFn(ctx, filter)
}

// Act calls ActFn.
func (s *ComplaintService) Act(ctx context.Context, reference string, action klachtdesk.Action) (*klachtdesk.Complaint, error) {
	return s.ActFn(ctx, reference, action)
}

// ComplaintEvents calls ComplaintEventsFn.
func (s *ComplaintService) ComplaintEvents(ctx context.Context, reference string) ([]*klachtdesk.Event, error) {
	return s.ComplaintEventsFn(ctx, reference)
}
