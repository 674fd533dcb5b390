package sqldb

// HealthService answers the operator's questions about the store itself
// (klachtdesk.HealthService).
//
// This minimal type is the f-store branch's: another branch creates the
// full HealthService with StoreStatus in health.go, and the merge keeps
// that one, with MinFree, beside Writable (writable.go).
type HealthService struct {
	db *DB
	// MinFree is the free space below which the store counts as full;
	// DefaultMinFree when zero.
	MinFree int64
}

// NewHealthService returns the health service of db.
func NewHealthService(db *DB) *HealthService { return &HealthService{db: db} }
