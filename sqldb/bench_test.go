package sqldb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/klachtdesk/klachtdesk"
	"github.com/klachtdesk/klachtdesk/bench/gen"
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

// BenchmarkAct applies one procedure step per transaction (a classification,
// alternating between two subtypes so every step is a change) with its
// audit event.
func BenchmarkAct(b *testing.B) {
	db := MustOpenDB(b)
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()
	c := mustCreateComplaint(b, db, newComplaint(testNow.Add(-time.Hour), "act@example.org"))
	subtypes := []string{"communication", "information"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a := klachtdesk.Classify{Kind: klachtdesk.KindService, Subtype: subtypes[i%2], CustomerType: klachtdesk.Consumer}
		if _, err := s.Act(ctx, c.Reference, a); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "actions/s")
}

// BenchmarkVerifyAudit walks a trail of 10,000 events (5,000 complaints, each
// with its created and acknowledged event) per iteration.
func BenchmarkVerifyAudit(b *testing.B) {
	db := MustOpenDB(b)
	s := sqldb.NewComplaintService(db)
	ctx := context.Background()
	for done := 0; done < 5000; done += 500 {
		batch := make([]*klachtdesk.NewComplaint, 500)
		for i := range batch {
			batch[i] = newComplaint(testNow.Add(-time.Hour), fmt.Sprintf("v%d@example.org", done+i))
		}
		cs, err := s.CreateComplaints(ctx, batch)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cs {
			if _, err := s.Act(ctx, c.Reference, klachtdesk.Acknowledge{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	audit := sqldb.NewAuditService(db)
	b.ResetTimer()
	for b.Loop() {
		report, err := audit.VerifyAudit(ctx)
		if err != nil || report.Break != nil || report.Events != 10000 {
			b.Fatalf("VerifyAudit = %+v, %v", report, err)
		}
	}
	b.ReportMetric(10000*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkFindComplaintsFirstPage reads the register's first page (50,
// no filter, newest first, with the total) from 2,000 generated
// complaints (bench/gen).
func BenchmarkFindComplaintsFirstPage(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	if _, err := gen.Generate(ctx, db, gen.Options{Count: 2000, Seed: 1, Batch: 200, End: testNow}); err != nil {
		b.Fatal(err)
	}
	s := sqldb.NewComplaintService(db)
	b.ResetTimer()
	for b.Loop() {
		page, total, err := s.FindComplaints(ctx, klachtdesk.ComplaintFilter{Limit: 50})
		if err != nil || len(page) != 50 || total != 2000 {
			b.Fatalf("FindComplaints = %d of %d, %v", len(page), total, err)
		}
	}
}
