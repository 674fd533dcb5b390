package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/sqldb"
)

// BenchmarkCreateComplaint registers one complaint per transaction, with its
// complainant, reference and "created" event, each commit durable
// (synchronous=FULL).
func BenchmarkCreateComplaint(b *testing.B) {
	db := MustOpenDB(b)
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := s.CreateComplaint(ctx, newComplaint(testNow.Add(-time.Hour), fmt.Sprintf("k%d@example.org", i))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "complaints/s")
}

// BenchmarkCreateComplaintsBatch registers complaints in batches of 100 per
// transaction, as intake does when mail arrives in bulk.
func BenchmarkCreateComplaintsBatch(b *testing.B) {
	const batchSize = 100
	db := MustOpenDB(b)
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += batchSize {
		batch := make([]*klachtdesk.NewComplaint, min(batchSize, b.N-done))
		for i := range batch {
			batch[i] = newComplaint(testNow.Add(-time.Hour), fmt.Sprintf("k%d@example.org", done+i))
		}
		if _, err := s.CreateComplaints(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "complaints/s")
}
