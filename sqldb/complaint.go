package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/klachtdesk/klachtdesk"
)

// ComplaintService registers complaints and carries them through the
// procedure; it implements klachtdesk.ComplaintService.
type ComplaintService struct {
	db *DB
	// Letters writes the letters an action causes (the request for
	// information, the decision, …); nil writes none.
	Letters klachtdesk.LetterWriter
}

var _ klachtdesk.ComplaintService = (*ComplaintService)(nil)

// NewComplaintService returns the complaint service of db.
func NewComplaintService(db *DB) *ComplaintService { return &ComplaintService{db: db} }

// CreateComplaint registers one written complaint with its "created" event.
func (s *ComplaintService) CreateComplaint(ctx context.Context, n *klachtdesk.NewComplaint) (*klachtdesk.Complaint, error) {
	cs, err := s.create(ctx, []*klachtdesk.NewComplaint{n}, false)
	if err != nil {
		return nil, err
	}
	return cs[0], nil
}

// CreateComplaints registers several complaints in one transaction: all or
// none. A refused complaint names its position in the batch.
func (s *ComplaintService) CreateComplaints(ctx context.Context, ns []*klachtdesk.NewComplaint) ([]*klachtdesk.Complaint, error) {
	if len(ns) == 0 {
		return nil, nil
	}
	return s.create(ctx, ns, true)
}

func (s *ComplaintService) create(ctx context.Context, ns []*klachtdesk.NewComplaint, batch bool) ([]*klachtdesk.Complaint, error) {
	u, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	env := klachtdesk.Env{Now: tx.now, Settings: settings, Actor: u}
	out := make([]*klachtdesk.Complaint, 0, len(ns))
	for i, n := range ns {
		c, err := createComplaint(ctx, tx, n, env)
		if err != nil {
			if code := klachtdesk.ErrorCode(err); batch && code != klachtdesk.EINTERNAL {
				return nil, klachtdesk.Errorf(code, "complaint %d of %d: %s", i+1, len(ns), klachtdesk.ErrorMessage(err))
			}
			return nil, err
		}
		out = append(out, c)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// createComplaint registers n inside tx: complainant, reference, the record
// built by the domain, its concerned employees and the "created" event.
func createComplaint(ctx context.Context, tx *Tx, n *klachtdesk.NewComplaint, env klachtdesk.Env) (*klachtdesk.Complaint, error) {
	if n == nil {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "no complaint given")
	}
	// Validate before writing anything, so bad input leaves no complainant
	// row behind even in a transaction that later commits other work.
	if err := n.Validate(env.Now); err != nil {
		return nil, err
	}
	cp, known, err := upsertComplainant(ctx, tx, &n.Complainant)
	if err != nil {
		return nil, err
	}
	receipt := klachtdesk.ReceiptDate(n.ReceivedAt, env.Settings)
	number, err := nextComplaintNumber(ctx, tx, receipt.Year)
	if err != nil {
		return nil, err
	}
	ref, err := klachtdesk.FormatReference(receipt.Year, number)
	if err != nil {
		return nil, err
	}
	c, err := klachtdesk.Register(n, ref, cp.ID, env)
	if err != nil {
		return nil, err
	}
	// Version counts the complaint's events; "created" is the first.
	c.Version = 1
	if len(c.ConcernedEmployees) == 0 {
		c.ConcernedEmployees = nil
	}
	if err := insertComplaint(ctx, tx, c, receipt.Year, number); err != nil {
		return nil, err
	}
	tx.created = c.ID
	// The key that seals the complaint's personal text in the trail is
	// born with it, so that not even the "created" event holds it in clear.
	if _, err := newComplaintKey(ctx, tx, c.ID); err != nil {
		return nil, err
	}
	if err := insertConcerned(ctx, tx, c.ID, c.ConcernedEmployees); err != nil {
		return nil, err
	}
	before, after, _, err := klachtdesk.Diff(nil, c)
	if err != nil {
		return nil, fmt.Errorf("diff complaint %s: %w", c.Reference, err)
	}
	if err := appendEvent(ctx, tx, &klachtdesk.Event{
		ComplaintID: c.ID, Kind: klachtdesk.EventCreated, ActorID: env.Actor.ID, Actor: env.Actor.Username,
		Before: before, After: after,
	}); err != nil {
		return nil, err
	}
	// A known complainant whose record the new complaint changed: the
	// change is an event of the complaint that brought it.
	if before, after, changed, err := complainantChange(known, cp); err != nil {
		return nil, err
	} else if changed {
		if err := appendEvent(ctx, tx, &klachtdesk.Event{
			ComplaintID: c.ID, Kind: klachtdesk.EventComplainantUpdated, ActorID: env.Actor.ID, Actor: env.Actor.Username,
			Before: before, After: after,
		}); err != nil {
			return nil, err
		}
	}
	c.Complainant = cp
	return c, nil
}

// nextComplaintNumber hands out the next number of year inside the
// registering transaction: the row lock makes numbers sequential, and a
// rolled-back registration gives its number back. The first number of a
// transaction takes the row; the others count on in memory, and Commit
// writes the last one handed out.
func nextComplaintNumber(ctx context.Context, tx *Tx, year int) (int, error) {
	if c, ok := tx.numbers[year]; ok {
		c.last++
		c.dirty = true
		return c.last, nil
	}
	var n int
	err := tx.queryRow(ctx, sqlNextComplaintNumber, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("next complaint number of %d: %w", year, err)
	}
	if tx.numbers == nil {
		tx.numbers = map[int]*counter{}
	}
	tx.numbers[year] = &counter{last: n}
	return n, nil
}

// sqlNextComplaintNumber takes the next number of a year.
const sqlNextComplaintNumber = `INSERT INTO reference_counters (year, last) VALUES (?, 1)
	ON CONFLICT (year) DO UPDATE SET last = reference_counters.last + 1
	RETURNING last`

// counter is a reference counter as a transaction moved it.
type counter struct {
	last  int
	dirty bool
}

// flushNumbers writes the reference counters that moved in memory.
func flushNumbers(ctx context.Context, tx *Tx) error {
	for year, c := range tx.numbers {
		if !c.dirty {
			continue
		}
		if _, err := tx.exec(ctx, `UPDATE reference_counters SET last = ? WHERE year = ?`, c.last, year); err != nil {
			return fmt.Errorf("update complaint number of %d: %w", year, err)
		}
		c.dirty = false
	}
	return nil
}

// upsertComplainant stores the complainant of a new complaint: the known
// complainant with the same e-mail address (case-insensitive), updated with
// whatever the new complaint tells, or a new row. A name that is only the
// e-mail address (a mail without a display name) tells nothing new. It
// returns the stored complainant and, for a known one, the record as it was
// before.
func upsertComplainant(ctx context.Context, tx *Tx, in *klachtdesk.Complainant) (cp, known *klachtdesk.Complainant, err error) {
	now := formatTime(tx.now)
	var key any
	if k := emailKey(in.Email); k != "" {
		key = k
		if known, err = findComplainantByEmailKey(ctx, tx, k); err != nil {
			return nil, nil, err
		}
	}
	cp = &klachtdesk.Complainant{}
	err = tx.queryRow(ctx, sqlUpsertComplainant,
		strings.TrimSpace(in.Name), strings.TrimSpace(in.Email), key, in.PostalAddress, in.Phone, in.CustomerNumber,
		string(in.Type), string(in.Language), now, now,
	).Scan(complainantDests(cp)...)
	if err != nil {
		return nil, nil, fmt.Errorf("store complainant: %w", err)
	}
	return cp, known, nil
}

// sqlUpsertComplainant stores a new complainant or fills in a known one
// (same e-mail key) with what the new complaint tells.
const sqlUpsertComplainant = `INSERT INTO complainants (name, email, email_key, postal_address, phone, customer_number, type, language, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (email_key) DO UPDATE SET
		name = CASE WHEN excluded.name NOT IN ('', excluded.email) THEN excluded.name ELSE complainants.name END,
		email = excluded.email,
		postal_address = CASE WHEN excluded.postal_address <> '' THEN excluded.postal_address ELSE complainants.postal_address END,
		phone = CASE WHEN excluded.phone <> '' THEN excluded.phone ELSE complainants.phone END,
		customer_number = CASE WHEN excluded.customer_number <> '' THEN excluded.customer_number ELSE complainants.customer_number END,
		type = excluded.type,
		language = excluded.language,
		updated_at = excluded.updated_at
	RETURNING ` + complainantColumns

// emailKey is the form complainants are matched on.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

const complainantColumns = `id, name, email, postal_address, phone, customer_number, type, language`

func complainantDests(cp *klachtdesk.Complainant) []any {
	return []any{&cp.ID, &cp.Name, &cp.Email, &cp.PostalAddress, &cp.Phone, &cp.CustomerNumber, strDest[klachtdesk.CustomerType]{&cp.Type}, strDest[klachtdesk.Language]{&cp.Language}}
}

// FindComplaintByReference returns the complaint with its complainant, or
// ENOTFOUND when it does not exist or the user may not see it.
func (s *ComplaintService) FindComplaintByReference(ctx context.Context, reference string) (*klachtdesk.Complaint, error) {
	u, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	return findComplaintByReference(ctx, tx, reference, u)
}

// FindComplaints returns a page of the complaints the user may see, newest
// received first, and how many match in all.
func (s *ComplaintService) FindComplaints(ctx context.Context, f klachtdesk.ComplaintFilter) ([]*klachtdesk.Complaint, int, error) {
	u, err := actor(ctx)
	if err != nil {
		return nil, 0, err
	}
	if f.Limit < 0 || f.Offset < 0 {
		return nil, 0, klachtdesk.Errorf(klachtdesk.EINVALID, "limit and offset must not be negative")
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer tx.Rollback()
	return findComplaints(ctx, tx, f, u)
}

func findComplaints(ctx context.Context, tx *Tx, f klachtdesk.ComplaintFilter, u *klachtdesk.User) ([]*klachtdesk.Complaint, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Reference != "" {
		where, args = append(where, "c.reference = ?"), append(args, klachtdesk.NormalizeReference(f.Reference))
	}
	if f.State != "" {
		where, args = append(where, "c.state = ?"), append(args, string(f.State))
	}
	if f.Open != nil {
		op := "NOT IN"
		if !*f.Open {
			op = "IN"
		}
		where = append(where, "c.state "+op+" (?, ?)")
		args = append(args, string(klachtdesk.StateClosed), string(klachtdesk.StateAnonymised))
	}
	if f.HandlerID != 0 {
		where, args = append(where, "c.handler_id = ?"), append(args, f.HandlerID)
	}
	if f.Email != "" {
		where, args = append(where, "cp.email_key = ?"), append(args, emailKey(f.Email))
	}
	if !f.ReceivedGTE.IsZero() {
		where, args = append(where, "c.received_at >= ?"), append(args, formatTime(f.ReceivedGTE))
	}
	if !f.ReceivedLT.IsZero() {
		where, args = append(where, "c.received_at < ?"), append(args, formatTime(f.ReceivedLT))
	}
	access, accessArgs := accessClause(u)
	args = append(args, accessArgs...)

	// Filters and pages vary too much to prepare.
	// The register flags a complaint with a failed letter (staff must
	// act: klachtdesk letter retry).
	rows, err := tx.QueryContext(ctx, complaintSelect+`, COUNT(*) OVER(),
			EXISTS (SELECT 1 FROM outbox o WHERE o.complaint_id = c.id AND o.state = 'failed')
		FROM complaints c JOIN complainants cp ON cp.id = c.complainant_id
		WHERE `+strings.Join(where, " AND ")+access+`
		ORDER BY c.received_at DESC, c.id DESC`+tx.db.dialect.limitOffset(f.Limit, f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find complaints: %w", err)
	}
	defer rows.Close()
	var (
		out   []*klachtdesk.Complaint
		total int
	)
	for rows.Next() {
		c := &klachtdesk.Complaint{Complainant: &klachtdesk.Complainant{}}
		if err := rows.Scan(append(complaintDests(c), &total, boolDest{&c.LetterFailed})...); err != nil {
			return nil, 0, fmt.Errorf("find complaints: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find complaints: %w", err)
	}
	rows.Close()
	if len(out) == 0 && f.Offset > 0 {
		// A page past the end has no row to carry the total.
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*)
			FROM complaints c JOIN complainants cp ON cp.id = c.complainant_id
			WHERE `+strings.Join(where, " AND ")+access, args...).Scan(&total)
		if err != nil {
			return nil, 0, fmt.Errorf("count complaints: %w", err)
		}
	}
	if err := loadConcerned(ctx, tx, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// findComplaintByReference loads one complaint the user may see. The
// reference is taken as a user may type it (klachtdesk.NormalizeReference).
func findComplaintByReference(ctx context.Context, tx *Tx, reference string, u *klachtdesk.User) (*klachtdesk.Complaint, error) {
	reference = klachtdesk.NormalizeReference(reference)
	access, accessArgs := accessClause(u)
	c := &klachtdesk.Complaint{Complainant: &klachtdesk.Complainant{}}
	err := tx.queryRow(ctx, complaintSelect+`
		FROM complaints c JOIN complainants cp ON cp.id = c.complainant_id
		WHERE c.reference = ?`+access, append([]any{reference}, accessArgs...)...).Scan(complaintDests(c)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "complaint %s not found", reference)
	} else if err != nil {
		return nil, fmt.Errorf("find complaint %s: %w", reference, err)
	}
	if err := loadConcerned(ctx, tx, []*klachtdesk.Complaint{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// findComplaintID returns the ID of a complaint the user may see, by its
// reference as a user may type it.
func findComplaintID(ctx context.Context, tx *Tx, reference string, u *klachtdesk.User) (int64, error) {
	reference = klachtdesk.NormalizeReference(reference)
	access, accessArgs := accessClause(u)
	var id int64
	err := tx.queryRow(ctx, `SELECT c.id FROM complaints c WHERE c.reference = ?`+access,
		append([]any{reference}, accessArgs...)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, klachtdesk.Errorf(klachtdesk.ENOTFOUND, "complaint %s not found", reference)
	} else if err != nil {
		return 0, fmt.Errorf("find complaint %s: %w", reference, err)
	}
	return id, nil
}

// loadConcerned fills the concerned employees of cs, in ID order as the
// domain keeps them.
func loadConcerned(ctx context.Context, tx *Tx, cs []*klachtdesk.Complaint) error {
	byID := make(map[int64]*klachtdesk.Complaint, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
		c.ConcernedEmployees = nil
	}
	// Chunks stay far below the bound-variable limits of both databases.
	for chunk := range slices.Chunk(cs, 500) {
		ids := make([]any, len(chunk))
		for i, c := range chunk {
			ids[i] = c.ID
		}
		rows, err := tx.QueryContext(ctx, `SELECT complaint_id, user_id FROM complaint_concerned
			WHERE complaint_id IN (`+placeholders(len(ids))+`) ORDER BY complaint_id, user_id`, ids...)
		if err != nil {
			return fmt.Errorf("load concerned employees: %w", err)
		}
		for rows.Next() {
			var cid, uid int64
			if err := rows.Scan(&cid, &uid); err != nil {
				rows.Close()
				return fmt.Errorf("load concerned employees: %w", err)
			}
			byID[cid].ConcernedEmployees = append(byID[cid].ConcernedEmployees, uid)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("load concerned employees: %w", err)
		}
	}
	return nil
}

// Act applies one action of the procedure under the current settings and
// time, and writes the changed complaint and its event; the action's error
// leaves everything as it was.
func (s *ComplaintService) Act(ctx context.Context, reference string, action klachtdesk.Action) (*klachtdesk.Complaint, error) {
	if action == nil {
		return nil, klachtdesk.Errorf(klachtdesk.EINVALID, "no action given")
	}
	u, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	old, err := findComplaintByReference(ctx, tx, reference, u)
	if err != nil {
		return nil, err
	}
	next, err := actTx(ctx, tx, s.db, old, action, u)
	if err != nil {
		return nil, err
	}
	if err := s.writeActionLetter(ctx, tx, action, old, next, u); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return next, nil
}

// writeActionLetter writes, in the action's transaction, the letter the
// domain's rule says the action causes (klachtdesk.LetterForAction),
// threaded to the complainant's last mail on the complaint.
func (s *ComplaintService) writeActionLetter(ctx context.Context, tx *Tx, action klachtdesk.Action, old, next *klachtdesk.Complaint, u *klachtdesk.User) error {
	if s.Letters == nil {
		return nil
	}
	l, ok := klachtdesk.LetterForAction(action, old, next)
	if !ok {
		return nil
	}
	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return err
	}
	var inReplyTo sql.NullString
	err = tx.queryRow(ctx, `SELECT message_id FROM messages WHERE complaint_id = ? AND direction = 'in' AND message_id IS NOT NULL
		AND unverified = 0 AND auto = '' ORDER BY id DESC LIMIT 1`, next.ID).Scan(&inReplyTo)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("thread %s letter of %s: %w", l.Kind, next.Reference, err)
	}
	env := klachtdesk.Env{Now: tx.now, Settings: settings, Actor: u}
	return writeLetter(ctx, tx, env, s.Letters, next, l, inReplyTo.String, []string{settings.ComplaintEmail})
}

// actTx applies action to old inside tx: the domain's change, the staff
// checks, the row, its event and, on anonymisation, the shredding. Intake
// uses it to reopen a complaint in the transaction that stores the reply.
func actTx(ctx context.Context, tx *Tx, db *DB, old *klachtdesk.Complaint, action klachtdesk.Action, u *klachtdesk.User) (*klachtdesk.Complaint, error) {
	reference := old.Reference
	settings, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	next := *old
	next.ConcernedEmployees = slices.Clone(old.ConcernedEmployees)
	if err := action.Apply(&next, klachtdesk.Env{Now: tx.now, Settings: settings, Actor: u}); err != nil {
		return nil, err
	}
	next.CleanFreeText()
	if err := checkStaff(ctx, tx, action, old, &next); err != nil {
		return nil, err
	}
	// An action changes the procedure's fields, never the record's identity.
	next.ID, next.Reference, next.ComplainantID, next.CreatedAt = old.ID, old.Reference, old.ComplainantID, old.CreatedAt
	next.Version = old.Version + 1
	next.UpdatedAt = tx.now
	if len(next.ConcernedEmployees) == 0 {
		next.ConcernedEmployees = nil
	}

	if db.beforeComplaintUpdate != nil {
		if err := db.beforeComplaintUpdate(ctx, tx, old.ID); err != nil {
			return nil, err
		}
	}
	if err := updateComplaint(ctx, tx, &next, old.Version); err != nil {
		return nil, err
	}
	if !slices.Equal(old.ConcernedEmployees, next.ConcernedEmployees) {
		if _, err := tx.exec(ctx, `DELETE FROM complaint_concerned WHERE complaint_id = ?`, next.ID); err != nil {
			return nil, fmt.Errorf("replace concerned employees of %s: %w", reference, err)
		}
		if err := insertConcerned(ctx, tx, next.ID, next.ConcernedEmployees); err != nil {
			return nil, err
		}
	}
	before, after, _, err := klachtdesk.Diff(old, &next)
	if err != nil {
		return nil, fmt.Errorf("diff complaint %s: %w", reference, err)
	}
	if noted, ok := action.(klachtdesk.Noted); ok {
		if after, err = klachtdesk.WithNote(after, klachtdesk.CleanText(noted.EventNote())); err != nil {
			return nil, fmt.Errorf("note on complaint %s: %w", reference, err)
		}
	}
	if err := appendEvent(ctx, tx, &klachtdesk.Event{
		ComplaintID: next.ID, Kind: action.EventKind(), ActorID: u.ID, Actor: u.Username,
		Before: before, After: after,
	}); err != nil {
		return nil, err
	}
	if next.State == klachtdesk.StateAnonymised && old.State != klachtdesk.StateAnonymised {
		// The event above was sealed with the key; destroying it now, in
		// the same transaction, shreds every personal value of the
		// complaint in the trail.
		if err := destroyComplaintKey(ctx, tx, next.ID); err != nil {
			return nil, err
		}
		if err := anonymiseMessages(ctx, tx, next.ID); err != nil {
			return nil, err
		}
		cp, err := anonymiseComplainant(ctx, tx, &next, u)
		if err != nil {
			return nil, err
		}
		if cp != nil {
			next.Complainant = cp
		}
	}
	return &next, nil
}

// checkStaff refuses to make a user handler or reviewer who does not exist,
// is inactive or only views: the users the action names (Assign, Reopen)
// and any other the action put on the complaint.
func checkStaff(ctx context.Context, tx *Tx, action klachtdesk.Action, old, next *klachtdesk.Complaint) error {
	type staff struct {
		id   int64
		role string
	}
	var check []staff
	switch a := action.(type) {
	case klachtdesk.Assign:
		check = append(check, staff{a.HandlerID, "handler"})
	case klachtdesk.Reopen:
		if a.ReviewerID != 0 {
			check = append(check, staff{a.ReviewerID, "reviewer"})
		}
	}
	if next.HandlerID != 0 && next.HandlerID != old.HandlerID {
		check = append(check, staff{next.HandlerID, "handler"})
	}
	if next.ReviewerID != 0 && next.ReviewerID != old.ReviewerID {
		check = append(check, staff{next.ReviewerID, "reviewer"})
	}
	for i, s := range check {
		if slices.Contains(check[:i], s) {
			continue
		}
		var (
			username string
			role     klachtdesk.Role
			active   bool
		)
		err := tx.queryRow(ctx, `SELECT username, role, active FROM users WHERE id = ?`, s.id).
			Scan(&username, strDest[klachtdesk.Role]{&role}, boolDest{&active})
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return klachtdesk.Errorf(klachtdesk.EINVALID, "user %d does not exist and cannot be the %s of complaint %s", s.id, s.role, next.Reference)
		case err != nil:
			return fmt.Errorf("check %s %d of %s: %w", s.role, s.id, next.Reference, err)
		case !active:
			return klachtdesk.Errorf(klachtdesk.EINVALID, "user %s is inactive and cannot be the %s of complaint %s", username, s.role, next.Reference)
		case role == klachtdesk.RoleViewer:
			return klachtdesk.Errorf(klachtdesk.EINVALID, "user %s has the viewer role and cannot be the %s of complaint %s", username, s.role, next.Reference)
		}
	}
	return nil
}

// ComplaintEvents returns the audit events of a complaint the user may see,
// oldest first, with their personal values opened: in clear while the
// complaint has its key, null once anonymisation destroyed it. Hash and
// PrevHash are those of the stored, sealed rows, which VerifyAudit checks.
func (s *ComplaintService) ComplaintEvents(ctx context.Context, reference string) ([]*klachtdesk.Event, error) {
	u, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	id, err := findComplaintID(ctx, tx, reference, u)
	if err != nil {
		return nil, err
	}
	events, err := findEvents(ctx, tx, `WHERE complaint_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	if err := openEvents(ctx, tx, id, events); err != nil {
		return nil, fmt.Errorf("read events of %s: %w", reference, err)
	}
	return events, nil
}

func insertComplaint(ctx context.Context, tx *Tx, c *klachtdesk.Complaint, year, number int) error {
	c.ReceivedAt = c.ReceivedAt.Truncate(time.Microsecond) // as stored (formatTime)
	var err error
	c.ID, err = tx.insert(ctx, complaintSQL.insert, complaintArgs(c, year, number)...)
	if err != nil {
		return complaintWriteError(tx, c, err)
	}
	return nil
}

// updateComplaint writes c if it still has the version it was loaded with;
// otherwise someone else changed it in between (ECONFLICT).
func updateComplaint(ctx context.Context, tx *Tx, c *klachtdesk.Complaint, loadedVersion int) error {
	args := make([]any, 0, len(complaintColumns)+2)
	for _, col := range complaintColumns {
		args = append(args, col.value(c))
	}
	res, err := tx.exec(ctx, complaintSQL.update, append(args, c.ID, loadedVersion)...)
	if err != nil {
		return complaintWriteError(tx, c, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update complaint %s: %w", c.Reference, err)
	} else if n == 0 {
		return klachtdesk.Errorf(klachtdesk.ECONFLICT, "complaint %s was changed by someone else; reload it and try again", c.Reference)
	}
	return nil
}

func insertConcerned(ctx context.Context, tx *Tx, complaintID int64, userIDs []int64) error {
	for _, uid := range userIDs {
		if _, err := tx.exec(ctx, `INSERT INTO complaint_concerned (complaint_id, user_id) VALUES (?, ?)`, complaintID, uid); err != nil {
			if tx.db.dialect.classify(err) == constraintForeignKey {
				return klachtdesk.Errorf(klachtdesk.EINVALID, "concerned employee %d is not a user", uid)
			}
			return fmt.Errorf("store concerned employee %d: %w", uid, err)
		}
	}
	return nil
}

// complaintWriteError turns constraint violations into what a user can act on.
func complaintWriteError(tx *Tx, c *klachtdesk.Complaint, err error) error {
	switch tx.db.dialect.classify(err) {
	case constraintUnique:
		return klachtdesk.Errorf(klachtdesk.ECONFLICT, "complaint %s already exists", c.Reference)
	case constraintForeignKey:
		return klachtdesk.Errorf(klachtdesk.EINVALID, "complaint %s names a handler or reviewer that is not a user", c.Reference)
	}
	return fmt.Errorf("store complaint %s: %w", c.Reference, err)
}

// complaintColumn maps one column of complaints to its field, so that insert,
// update and scan share one list and cannot disagree on order.
type complaintColumn struct {
	name  string
	value func(c *klachtdesk.Complaint) any
	dest  func(c *klachtdesk.Complaint) any
}

func textColumn[T ~string](name string, f func(c *klachtdesk.Complaint) *T) complaintColumn {
	return complaintColumn{name,
		func(c *klachtdesk.Complaint) any { return string(*f(c)) },
		func(c *klachtdesk.Complaint) any { return strDest[T]{f(c)} }}
}

func instantColumn(name string, f func(c *klachtdesk.Complaint) *time.Time) complaintColumn {
	return complaintColumn{name,
		func(c *klachtdesk.Complaint) any { return nullTime(*f(c)) },
		func(c *klachtdesk.Complaint) any { return instantDest{f(c)} }}
}

func dateColumn(name string, f func(c *klachtdesk.Complaint) *klachtdesk.Date) complaintColumn {
	return complaintColumn{name,
		func(c *klachtdesk.Complaint) any { return nullDate(*f(c)) },
		func(c *klachtdesk.Complaint) any { return dateDest{f(c)} }}
}

// deadlineColumns stores a deadline as its date and the rule version that
// computed it.
func deadlineColumns(name string, f func(c *klachtdesk.Complaint) *klachtdesk.Deadline) []complaintColumn {
	return []complaintColumn{
		dateColumn(name, func(c *klachtdesk.Complaint) *klachtdesk.Date { return &f(c).Date }),
		textColumn(name+"_rule", func(c *klachtdesk.Complaint) *string { return &f(c).Rule }),
	}
}

func boolColumn(name string, f func(c *klachtdesk.Complaint) *bool) complaintColumn {
	return complaintColumn{name,
		func(c *klachtdesk.Complaint) any { return boolInt(*f(c)) },
		func(c *klachtdesk.Complaint) any { return boolDest{f(c)} }}
}

func idColumn(name string, f func(c *klachtdesk.Complaint) *int64) complaintColumn {
	return complaintColumn{name,
		func(c *klachtdesk.Complaint) any { return nullID(*f(c)) },
		func(c *klachtdesk.Complaint) any { return idDest{f(c)} }}
}

func intColumn(name string, f func(c *klachtdesk.Complaint) *int) complaintColumn {
	return complaintColumn{name,
		func(c *klachtdesk.Complaint) any { return *f(c) },
		func(c *klachtdesk.Complaint) any { return f(c) }}
}

// kc shortens the column table below.
type kc = klachtdesk.Complaint

// complaintSQL holds the statements that write every column of a
// complaint, built once from complaintColumns.
var complaintSQL = func() (q struct{ insert, update string }) {
	sets := make([]string, len(complaintColumns))
	for i, col := range complaintColumns {
		sets[i] = col.name + " = ?"
	}
	q.insert = complaintInsert()
	q.update = `UPDATE complaints SET ` + strings.Join(sets, ", ") + ` WHERE id = ? AND version = ?`
	return q
}()

// complaintInsert is the INSERT of a complaint's year, number and
// complaintColumns, then the extra columns (the bare benchmark's lean
// schema keeps the complaint's key in one).
func complaintInsert(extra ...string) string {
	names := []string{"year", "number"}
	for _, col := range complaintColumns {
		names = append(names, col.name)
	}
	names = append(names, extra...)
	return `INSERT INTO complaints (` + strings.Join(names, ", ") + `)
		VALUES (` + placeholders(len(names)) + `)`
}

// complaintArgs are the values of complaintInsert() for c.
func complaintArgs(c *klachtdesk.Complaint, year, number int) []any {
	args := make([]any, 0, len(complaintColumns)+2)
	args = append(args, year, number)
	for _, col := range complaintColumns {
		args = append(args, col.value(c))
	}
	return args
}

// complaintColumns are the stored fields of a complaint except its ID.
var complaintColumns = slices.Concat(
	[]complaintColumn{
		textColumn("reference", func(c *kc) *string { return &c.Reference }),
		textColumn("state", func(c *kc) *klachtdesk.State { return &c.State }),
		textColumn("channel", func(c *kc) *klachtdesk.Channel { return &c.Channel }),
		instantColumn("received_at", func(c *kc) *time.Time { return &c.ReceivedAt }),
		dateColumn("receipt_date", func(c *kc) *klachtdesk.Date { return &c.ReceiptDate }),
		textColumn("procedure_version", func(c *kc) *string { return &c.ProcedureVersion }),
		textColumn("language", func(c *kc) *klachtdesk.Language { return &c.Language }),
		{"complainant_id", func(c *kc) any { return c.ComplainantID }, func(c *kc) any { return &c.ComplainantID }},
		textColumn("customer_type", func(c *kc) *klachtdesk.CustomerType { return &c.CustomerType }),
		textColumn("kind", func(c *kc) *klachtdesk.Kind { return &c.Kind }),
		textColumn("subtype", func(c *kc) *string { return &c.Subtype }),
		textColumn("subject", func(c *kc) *string { return &c.Subject }),
		textColumn("description", func(c *kc) *string { return &c.Description }),
		textColumn("remedy_sought", func(c *kc) *string { return &c.RemedySought }),
		textColumn("product_ref", func(c *kc) *string { return &c.ProductRef }),
		dateColumn("discovered", func(c *kc) *klachtdesk.Date { return &c.Discovered }),
		textColumn("severity", func(c *kc) *klachtdesk.Severity { return &c.Severity }),
		textColumn("informal_contact", func(c *kc) *string { return &c.InformalContact }),
		idColumn("handler_id", func(c *kc) *int64 { return &c.HandlerID }),
		idColumn("reviewer_id", func(c *kc) *int64 { return &c.ReviewerID }),
		textColumn("finding", func(c *kc) *klachtdesk.Finding { return &c.Finding }),
		textColumn("motivation", func(c *kc) *string { return &c.Motivation }),
		textColumn("settlement_type", func(c *kc) *string { return &c.SettlementType }),
		textColumn("settlement", func(c *kc) *string { return &c.Settlement }),
		textColumn("root_cause", func(c *kc) *string { return &c.RootCause }),
		intColumn("satisfaction", func(c *kc) *int { return &c.Satisfaction }),
	},
	deadlineColumns("ack_due", func(c *kc) *klachtdesk.Deadline { return &c.AckDue }),
	deadlineColumns("answer_due", func(c *kc) *klachtdesk.Deadline { return &c.AnswerDue }),
	deadlineColumns("act_by", func(c *kc) *klachtdesk.Deadline { return &c.ActBy }),
	deadlineColumns("promised_date", func(c *kc) *klachtdesk.Deadline { return &c.PromisedDate }),
	deadlineColumns("reaction_due", func(c *kc) *klachtdesk.Deadline { return &c.ReactionDue }),
	deadlineColumns("retention_until", func(c *kc) *klachtdesk.Deadline { return &c.RetentionUntil }),
	[]complaintColumn{
		boolColumn("extended", func(c *kc) *bool { return &c.Extended }),
		textColumn("extension_reason", func(c *kc) *string { return &c.ExtensionReason }),
		boolColumn("extension_consent", func(c *kc) *bool { return &c.ExtensionConsent }),
		boolColumn("escalated", func(c *kc) *bool { return &c.Escalated }),
		boolColumn("late_notice", func(c *kc) *bool { return &c.LateNotice }),
		boolColumn("no_address", func(c *kc) *bool { return &c.NoAddress }),
		boolColumn("legal_hold", func(c *kc) *bool { return &c.LegalHold }),
		textColumn("route", func(c *kc) *klachtdesk.Route { return &c.Route }),
		instantColumn("referred_at", func(c *kc) *time.Time { return &c.ReferredAt }),
		textColumn("external_ref", func(c *kc) *string { return &c.ExternalRef }),
		textColumn("external_outcome", func(c *kc) *string { return &c.ExternalOutcome }),
		instantColumn("acknowledged_at", func(c *kc) *time.Time { return &c.AcknowledgedAt }),
		instantColumn("answered_at", func(c *kc) *time.Time { return &c.AnsweredAt }),
		instantColumn("closed_at", func(c *kc) *time.Time { return &c.ClosedAt }),
		textColumn("close_reason", func(c *kc) *klachtdesk.CloseReason { return &c.CloseReason }),
		textColumn("close_note", func(c *kc) *string { return &c.CloseNote }),
		instantColumn("anonymised_at", func(c *kc) *time.Time { return &c.AnonymisedAt }),
		intColumn("version", func(c *kc) *int { return &c.Version }),
		instantColumn("created_at", func(c *kc) *time.Time { return &c.CreatedAt }),
		instantColumn("updated_at", func(c *kc) *time.Time { return &c.UpdatedAt }),
	},
)

// complaintSelect selects a complaint (alias c) and its complainant (cp) in
// the order complaintDests scans them.
var complaintSelect = func() string {
	cols := []string{"c.id"}
	for _, col := range complaintColumns {
		cols = append(cols, "c."+col.name)
	}
	for _, name := range strings.Split(complainantColumns, ", ") {
		cols = append(cols, "cp."+name)
	}
	return "SELECT " + strings.Join(cols, ", ")
}()

func complaintDests(c *klachtdesk.Complaint) []any {
	dests := []any{&c.ID}
	for _, col := range complaintColumns {
		dests = append(dests, col.dest(c))
	}
	return append(dests, complainantDests(c.Complainant)...)
}

// strDest scans text into a string type of the domain.
type strDest[T ~string] struct{ p *T }

func (d strDest[T]) Scan(v any) error {
	s, _, err := textValue(v)
	*d.p = T(s)
	return err
}
