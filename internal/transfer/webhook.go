package transfer

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookEvents are the event types a partner may subscribe to.
var WebhookEvents = []string{"listing.published", "listing.status_changed", "listing.expiring", "match.created",
	"match.updated", "agreement.recorded", "agreement.updated", "meeting.scheduled", "meeting.changed", "meeting.cancelled", "alert.matched"}

// Endpoint is a partner's webhook receiver. Secret signs every delivery;
// after a rotation PreviousSecret signs too until PreviousUntil.
type Endpoint struct {
	ID             string
	InstitutionID  string
	URL            string
	Description    string
	Events         []string
	Paused         bool
	DisabledReason string // set when the receiver answered 410 Gone
	Secret         string
	PreviousSecret string
	PreviousUntil  *time.Time
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// EndpointPatch changes an endpoint; nil fields stay.
type EndpointPatch struct {
	URL, Description *string
	Events           *[]string
	Paused           *bool
}

// WebhookEvent is one event for one institution, with the JSON body sent.
type WebhookEvent struct {
	ID            string
	Type          string
	InstitutionID string
	Payload       []byte
	CreatedAt     time.Time
}

// Delivery is one event on its way to one endpoint.
type Delivery struct {
	ID            string
	EventID       string
	EventType     string
	EndpointID    string
	Status        string // pending, succeeded, failed
	Attempts      int
	NextAttemptAt *time.Time
	LastStatus    int
	LastError     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	History       []Attempt
}

// Attempt is one try at a delivery.
type Attempt struct {
	Attempt    int
	StatusCode int
	Error      string
	DurationMS int
	At         time.Time
}

// WebhookRequest is what a sender posts; it signs with every secret given.
type WebhookRequest struct {
	URL       string
	MessageID string // the same on every retry: receivers deduplicate by it
	Timestamp time.Time
	Body      []byte
	Secrets   []string
}

// WebhookResult is what came back.
type WebhookResult struct {
	StatusCode int
	Err        error
	Duration   time.Duration
}

// WebhookSender posts signed requests (internal/webhook guards and signs).
type WebhookSender interface {
	Send(ctx context.Context, r WebhookRequest) WebhookResult
}

// retryDelays: the first retry within 10 s, then growing, about a day in all.
var retryDelays = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 8 * time.Hour}

// MaxAttempts is the number of tries before a delivery fails for good.
var MaxAttempts = len(retryDelays) + 1

// nextDelay is the wait before retry n (1-based), with ±20 % jitter so that
// a receiver coming back is not hit by every retry at once.
func nextDelay(n int) time.Duration {
	d := retryDelays[min(n, len(retryDelays))-1]
	return time.Duration(float64(d) * (0.8 + 0.4*mrand.Float64()))
}

func newWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

func (s *Service) checkEndpoint(e Endpoint) error {
	var p Problems
	u, err := url.Parse(e.URL)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		p.Add("url", "must be an http or https URL")
	case u.User != nil:
		p.Add("url", "must not carry credentials")
	case len(e.URL) > 2000:
		p.Add("url", "must be at most 2000 characters")
	case s.checkURL != nil:
		if err := s.checkURL(e.URL); err != nil {
			p.Add("url", "%s", err.Error())
		}
	}
	checkLength(&p, "description", e.Description, false, 500)
	if len(e.Events) == 0 {
		p.Add("events", "must name at least one event")
	}
	checkSet(&p, "events", e.Events, func(ev string) bool { return slices.Contains(WebhookEvents, ev) },
		"must be one of "+strings.Join(WebhookEvents, ", "))
	return p.Err()
}

func (s *Service) mayManageWebhooks(a Actor, institutionID string) error {
	if !a.Authenticated() {
		return ErrUnauthenticated
	}
	if !a.IsStaff() && !a.BelongsTo(institutionID) {
		return Errorf(ErrForbidden, "partners manage their own institution's endpoints")
	}
	return nil
}

// CreateEndpoint registers a receiver and returns it with its secret, which
// is shown this once. Partners register for their own institution.
func (s *Service) CreateEndpoint(ctx context.Context, a Actor, e Endpoint) (Endpoint, error) {
	a, err := s.freshActor(ctx, a)
	if err != nil {
		return Endpoint{}, err
	}
	if !a.Authenticated() {
		return Endpoint{}, ErrUnauthenticated
	}
	if a.Role == RolePartner {
		if e.InstitutionID != "" && e.InstitutionID != a.InstitutionID {
			return Endpoint{}, Problems{{Field: "institution_id", Message: "partners register endpoints for their own institution only"}}.Err()
		}
		e.InstitutionID = a.InstitutionID
	}
	if !a.IsStaff() && a.Role != RolePartner {
		return Endpoint{}, Errorf(ErrForbidden, "webhooks are for partners and staff")
	}
	e.URL, e.Description = strings.TrimSpace(e.URL), strings.TrimSpace(e.Description)
	err = s.checkEndpoint(e)
	if e.InstitutionID == "" {
		p, _ := asProblems(err)
		p.Add("institution_id", "is required")
		return Endpoint{}, p.Err()
	}
	if err != nil {
		return Endpoint{}, err
	}
	if err := s.institutionMustExist(ctx, "institution_id", e.InstitutionID); err != nil {
		return Endpoint{}, err
	}
	now := s.now()
	e.ID, e.Secret, e.Version, e.CreatedAt, e.UpdatedAt = newID(), newWebhookSecret(), 1, now, now
	if err := s.write(ctx, a, func(u *unit) error { return u.CreateEndpoint(ctx, e) }); err != nil {
		return Endpoint{}, fmt.Errorf("create endpoint: %w", err)
	}
	return e, nil
}

// Endpoint returns one endpoint (without secrets) to staff or its institution.
func (s *Service) Endpoint(ctx context.Context, a Actor, id string) (Endpoint, error) {
	if !a.Authenticated() {
		return Endpoint{}, ErrUnauthenticated
	}
	notFound := Errorf(ErrNotFound, "webhook endpoint %s not found", id)
	if !ValidID(id) {
		return Endpoint{}, notFound
	}
	e, err := s.db(ctx).EndpointByID(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && !a.IsStaff() && !a.BelongsTo(e.InstitutionID)) {
		return Endpoint{}, notFound
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("endpoint %s: %w", id, err)
	}
	e.Secret, e.PreviousSecret = "", ""
	return e, nil
}

// Endpoints lists the endpoints the actor manages (staff: all, or one institution's).
func (s *Service) Endpoints(ctx context.Context, a Actor, institutionID string) ([]Endpoint, error) {
	if !a.Authenticated() {
		return nil, ErrUnauthenticated
	}
	switch {
	case a.Role == RolePartner:
		institutionID = a.InstitutionID
	case !a.IsStaff():
		return nil, Errorf(ErrForbidden, "webhooks are for partners and staff")
	case institutionID != "" && !ValidID(institutionID):
		return nil, Problems{{Field: "institution_id", Message: "must be an institution id"}}.Err()
	}
	es, err := s.db(ctx).ListEndpoints(ctx, institutionID)
	for i := range es {
		es[i].Secret, es[i].PreviousSecret = "", ""
	}
	return es, err
}

// UpdateEndpoint changes the URL, events, description or pause. Unpausing a
// disabled endpoint enables it again.
func (s *Service) UpdateEndpoint(ctx context.Context, a Actor, id string, ifMatch int, patch EndpointPatch) (Endpoint, error) {
	a, err := s.freshActor(ctx, a)
	if err != nil {
		return Endpoint{}, err
	}
	if _, err := s.Endpoint(ctx, a, id); err != nil {
		return Endpoint{}, err
	}
	// The update writes the whole row back: start from the stored endpoint,
	// secrets included (Endpoint blanks them for display).
	e, err := s.db(ctx).EndpointByID(ctx, id)
	if err != nil {
		return Endpoint{}, fmt.Errorf("endpoint %s: %w", id, err)
	}
	if err := s.mayManageWebhooks(a, e.InstitutionID); err != nil {
		return Endpoint{}, err
	}
	if ifMatch != 0 && ifMatch != e.Version {
		return Endpoint{}, Errorf(ErrPrecondition, "endpoint %s is at version %d, not %d", id, e.Version, ifMatch)
	}
	loaded := e
	set(&e.URL, patch.URL)
	set(&e.Description, patch.Description)
	set(&e.Events, patch.Events)
	set(&e.Paused, patch.Paused)
	if patch.Paused != nil && !*patch.Paused {
		e.DisabledReason = ""
	}
	if err := s.checkEndpoint(e); err != nil {
		return Endpoint{}, err
	}
	if unchanged(loaded, e) {
		e.Secret, e.PreviousSecret = "", ""
		return e, nil
	}
	e.Version++
	e.UpdatedAt = s.now()
	if err := s.write(ctx, a, func(u *unit) error { return u.UpdateEndpoint(ctx, e) }); err != nil {
		return Endpoint{}, fmt.Errorf("update endpoint %s: %w", id, err)
	}
	e.Secret, e.PreviousSecret = "", "" // shown once, at creation or rotation
	return e, nil
}

// DeleteEndpoint removes an endpoint; its pending deliveries are dropped.
func (s *Service) DeleteEndpoint(ctx context.Context, a Actor, id string) error {
	e, err := s.Endpoint(ctx, a, id)
	if err != nil {
		return err
	}
	if err := s.mayManageWebhooks(a, e.InstitutionID); err != nil {
		return err
	}
	return s.write(ctx, a, func(u *unit) error { return u.DeleteEndpoint(ctx, id) })
}

// secretOverlap is how long the previous secret still signs after a rotation.
const secretOverlap = 24 * time.Hour

// RotateSecret gives the endpoint a new secret, shown once; the old one keeps
// signing (beside the new) for a day, so receivers can switch without loss.
func (s *Service) RotateSecret(ctx context.Context, a Actor, id string) (Endpoint, error) {
	if _, err := s.Endpoint(ctx, a, id); err != nil {
		return Endpoint{}, err
	}
	e, err := s.db(ctx).EndpointByID(ctx, id)
	if err != nil {
		return Endpoint{}, err
	}
	if err := s.mayManageWebhooks(a, e.InstitutionID); err != nil {
		return Endpoint{}, err
	}
	now := s.now()
	until := now.Add(secretOverlap)
	e.PreviousSecret, e.PreviousUntil, e.Secret = e.Secret, &until, newWebhookSecret()
	e.Version++
	e.UpdatedAt = now
	if err := s.write(ctx, a, func(u *unit) error { return u.UpdateEndpoint(ctx, e) }); err != nil {
		return Endpoint{}, fmt.Errorf("rotate secret of %s: %w", id, err)
	}
	return e, nil
}

// eventBody is the JSON every delivery carries.
type eventBody struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	CreatedAt string `json:"created_at"`
	Data      any    `json:"data"`
}

func (s *Service) enqueue(ctx context.Context, st WebhookStore, typ, inst string, data any, endpoints []string, now time.Time) error {
	id := "msg_" + strings.ReplaceAll(newID(), "-", "")
	payload, err := json.Marshal(eventBody{ID: id, Type: typ, CreatedAt: now.Format(time.RFC3339), Data: data})
	if err != nil {
		return err
	}
	ev := WebhookEvent{ID: newID(), Type: typ, InstitutionID: inst, Payload: payload, CreatedAt: now}
	ds := make([]Delivery, len(endpoints))
	for i, ep := range endpoints {
		ds[i] = Delivery{ID: newID(), EventID: ev.ID, EndpointID: ep, Status: "pending", NextAttemptAt: &now,
			CreatedAt: now, UpdatedAt: now}
	}
	return st.CreateWebhookEvent(ctx, ev, ds)
}

// TestEndpoint queues a ping to one endpoint.
func (s *Service) TestEndpoint(ctx context.Context, a Actor, id string) (Delivery, error) {
	e, err := s.Endpoint(ctx, a, id)
	if err != nil {
		return Delivery{}, err
	}
	if err := s.mayManageWebhooks(a, e.InstitutionID); err != nil {
		return Delivery{}, err
	}
	var d Delivery
	err = s.write(ctx, a, func(u *unit) error {
		u.send("ping", e.InstitutionID, []string{e.ID}, map[string]string{"endpoint_id": e.ID})
		if err := u.enqueueEvents(); err != nil {
			return err
		}
		u.events = nil
		ds, _, err := u.ListDeliveries(ctx, e.ID, ListQuery{Limit: 1, Sort: Sort{Key: "created_at", Desc: true}})
		if err == nil && len(ds) > 0 {
			d = ds[0]
		}
		return err
	})
	return d, err
}

// Deliveries pages through an endpoint's deliveries, newest first, with their attempts.
func (s *Service) Deliveries(ctx context.Context, a Actor, endpointID string, r PageRequest) (Page[Delivery], error) {
	if _, err := s.Endpoint(ctx, a, endpointID); err != nil {
		return Page[Delivery]{}, err
	}
	if r.Sort == "" {
		r.Sort = "-created_at"
	}
	q, err := r.query([]string{"created_at"}, "-created_at")
	if err != nil {
		return Page[Delivery]{}, err
	}
	items, total, err := s.db(ctx).ListDeliveries(ctx, endpointID, q)
	if err != nil {
		return Page[Delivery]{}, fmt.Errorf("deliveries of %s: %w", endpointID, err)
	}
	return makePage(items, total, q, func(d Delivery) (string, string) { return "", d.ID }), nil
}

// Redeliver sends a delivery's event again, as a new delivery with the same
// webhook-id.
func (s *Service) Redeliver(ctx context.Context, a Actor, endpointID, deliveryID string) (Delivery, error) {
	e, err := s.Endpoint(ctx, a, endpointID)
	if err != nil {
		return Delivery{}, err
	}
	if err := s.mayManageWebhooks(a, e.InstitutionID); err != nil {
		return Delivery{}, err
	}
	old, err := s.db(ctx).DeliveryByID(ctx, deliveryID)
	if errors.Is(err, ErrNotFound) || (err == nil && old.EndpointID != endpointID) || !ValidID(deliveryID) {
		return Delivery{}, Errorf(ErrNotFound, "delivery %s not found", deliveryID)
	}
	if err != nil {
		return Delivery{}, err
	}
	now := s.now()
	d := Delivery{ID: newID(), EventID: old.EventID, EventType: old.EventType, EndpointID: endpointID, Status: "pending",
		NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, a, func(u *unit) error {
		u.queued = true
		return u.CreateDelivery(ctx, d)
	})
	if err != nil {
		return Delivery{}, fmt.Errorf("redeliver %s: %w", deliveryID, err)
	}
	return d, nil
}

// DeliverWebhooks makes one pass: it claims due deliveries (a lease keeps
// other processes off them), sends them, and records the outcome. It returns
// how many it attempted.
func (s *Service) DeliverWebhooks(ctx context.Context) (int, error) {
	if s.sender == nil {
		return 0, nil
	}
	now := s.now()
	claimed, err := s.db(ctx).ClaimDeliveries(ctx, now, now.Add(deliveryLease), deliveryBatch)
	if err != nil {
		return 0, fmt.Errorf("claim deliveries: %w", err)
	}
	for _, c := range claimed {
		if c.Endpoint.Secret == "" {
			d := c.Delivery
			d.Attempts++
			d.Status, d.NextAttemptAt, d.UpdatedAt = "failed", nil, now
			d.LastError = "the signing secret cannot be read (was TECHBRIDGE_JWT_SECRET changed?); rotate the endpoint's secret"
			if err := s.db(ctx).FinishDelivery(ctx, d, Attempt{Attempt: d.Attempts, Error: d.LastError, At: now}, ""); err != nil {
				return len(claimed), fmt.Errorf("record delivery %s: %w", d.ID, err)
			}
			continue
		}
		secrets := []string{c.Endpoint.Secret}
		if c.Endpoint.PreviousSecret != "" && c.Endpoint.PreviousUntil != nil && now.Before(*c.Endpoint.PreviousUntil) {
			secrets = append(secrets, c.Endpoint.PreviousSecret)
		}
		var body eventBody
		_ = json.Unmarshal(c.Payload, &body)
		res := s.sender.Send(ctx, WebhookRequest{URL: c.Endpoint.URL, MessageID: body.ID, Timestamp: s.now(),
			Body: c.Payload, Secrets: secrets})
		d := c.Delivery
		d.Attempts++
		att := Attempt{Attempt: d.Attempts, StatusCode: res.StatusCode, DurationMS: int(res.Duration.Milliseconds()), At: s.now()}
		if res.Err != nil {
			att.Error = res.Err.Error()
		}
		disable := ""
		switch {
		case res.Err == nil && res.StatusCode >= 200 && res.StatusCode < 300:
			d.Status, d.NextAttemptAt = "succeeded", nil
		case res.Err == nil && res.StatusCode == 410:
			d.Status, d.NextAttemptAt = "failed", nil
			disable = "the receiver answered 410 Gone"
		case d.Attempts >= MaxAttempts:
			d.Status, d.NextAttemptAt = "failed", nil
		default:
			next := att.At.Add(nextDelay(d.Attempts))
			d.NextAttemptAt = &next
		}
		d.LastStatus, d.LastError, d.UpdatedAt = res.StatusCode, att.Error, att.At
		if err := s.db(ctx).FinishDelivery(ctx, d, att, disable); err != nil {
			return len(claimed), fmt.Errorf("record delivery %s: %w", d.ID, err)
		}
	}
	return len(claimed), nil
}

// A process claims deliveryBatch deliveries at a time and keeps them from
// other processes for deliveryLease: longer than the batch can take (each
// attempt times out after 10 s), so no two processes send the same attempt,
// and short enough that a process killed while holding some delays them
// by about a minute only.
const (
	deliveryBatch = 4
	deliveryLease = time.Minute
)

// ClaimedDelivery is a delivery with what sending it needs.
type ClaimedDelivery struct {
	Delivery Delivery
	Endpoint Endpoint
	Payload  []byte
}

// wake tells the delivery loop that new work is queued.
func (s *Service) wake() {
	select {
	case s.webhookWake <- struct{}{}:
	default:
	}
}

// WebhookWake signals when deliveries were queued by this process.
func (s *Service) WebhookWake() <-chan struct{} { return s.webhookWake }

// ExpiringWindow is how long before expiry listing.expiring is sent.
const ExpiringWindow = 14 * 24 * time.Hour

// NotifyExpiring sends listing.expiring once for each published listing that
// ends within ExpiringWindow.
func (s *Service) NotifyExpiring(ctx context.Context) (int, error) {
	n := 0
	err := s.write(ctx, systemActor, func(u *unit) error {
		ls, err := u.ExpiringListings(ctx, u.now, u.now.Add(ExpiringWindow), 500)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if err := u.MarkExpiringSent(ctx, l.ID, *l.EndsAt); err != nil {
				return err
			}
			u.emit("listing.expiring", []string{l.InstitutionID}, listingEvent(l, ""))
		}
		n = len(ls)
		return nil
	})
	return n, err
}

// listingEvent is the data of a listing event.
func listingEvent(l Listing, previous Status) map[string]any {
	d := map[string]any{"listing_id": l.ID, "kind": l.Kind, "institution_id": l.InstitutionID, "title": l.Title,
		"status": l.Status}
	if previous != "" {
		d["previous_status"] = previous
	}
	if l.EndsAt != nil {
		d["ends_at"] = l.EndsAt.UTC().Format(time.RFC3339)
	}
	return d
}
