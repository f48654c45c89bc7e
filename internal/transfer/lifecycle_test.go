package transfer

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	staffActor   = Actor{ID: "u-staff", Kind: ActorUser, Role: RoleStaff}
	adminActor   = Actor{ID: "u-admin", Kind: ActorUser, Role: RoleAdmin}
	partnerActor = Actor{ID: "u-partner", Kind: ActorUser, Role: RolePartner, InstitutionID: partyA}
	analystActor = Actor{ID: "u-analyst", Kind: ActorUser, Role: RoleAnalyst}
)

// TestMoveApply applies every move from every status as staff and as a
// partner. The table spells out, per move, the statuses it leaves from and
// whether only staff may make it; every other status is a conflict.
func TestMoveApply(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	moves := []struct {
		move      Move
		name      string
		from      []Status
		to        Status
		staffOnly bool
	}{
		{MoveSubmit, "submit", []Status{StatusDraft, StatusRejected}, StatusPending, false},
		{MovePublish, "publish", []Status{StatusPending}, StatusPublished, true},
		{MoveReject, "reject", []Status{StatusPending}, StatusRejected, true},
		{MoveWithdraw, "withdraw", []Status{StatusDraft, StatusPending, StatusPublished, StatusRejected}, StatusWithdrawn, false},
	}
	actors := []struct {
		name  string
		actor Actor
	}{{"staff", staffActor}, {"partner", partnerActor}}
	if len(Statuses) != 6 {
		t.Fatalf("the table assumes 6 statuses, there are %d", len(Statuses))
	}
	rows := 0
	for _, mv := range moves {
		if mv.move.String() != mv.name {
			t.Errorf("move %q is called %q", mv.name, mv.move.String())
		}
		for _, from := range Statuses {
			for _, ac := range actors {
				rows++
				t.Run(mv.name+"/"+string(from)+"/"+ac.name, func(t *testing.T) {
					l := validOffer()
					l.Status, l.StatusReason = from, "earlier reason"
					before := l
					err := mv.move.Apply(&l, ac.actor, "a reason", now)
					switch {
					case mv.staffOnly && ac.actor.Role == RolePartner:
						wantKind(t, err, ErrForbidden)
					case !slices.Contains(mv.from, from):
						wantKind(t, err, ErrConflict)
					default:
						if err != nil {
							t.Fatalf("got %v, want %s", err, mv.to)
						}
						if l.Status != mv.to || l.StatusReason != "a reason" {
							t.Fatalf("status %s (%q), want %s (%q)", l.Status, l.StatusReason, mv.to, "a reason")
						}
						if mv.to == StatusPublished {
							if l.PublishedAt == nil || !l.PublishedAt.Equal(now) {
								t.Fatalf("published_at = %v, want %v", l.PublishedAt, now)
							}
						} else if l.PublishedAt != nil {
							t.Fatalf("%s set published_at", mv.name)
						}
						return
					}
					if !equalListings(l, before) {
						t.Fatalf("a refused move changed the listing:\n got %+v\nwant %+v", l, before)
					}
				})
			}
		}
	}
	if rows != 48 {
		t.Errorf("%d rows, want 4 moves × 6 statuses × 2 actors", rows)
	}
}

func wantKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("got %v, want %v", err, kind)
	}
	for _, other := range []error{ErrInvalid, ErrForbidden, ErrConflict, ErrNotFound} {
		if other != kind && errors.Is(err, other) {
			t.Fatalf("%v is also %v", err, other)
		}
	}
}

func equalListings(a, b Listing) bool {
	return a.Status == b.Status && a.StatusReason == b.StatusReason && a.PublishedAt == b.PublishedAt
}

// TestMoveApplyRules covers the rules beyond the status: reasons, expiry,
// who counts as staff, and the zero Move.
func TestMoveApplyRules(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	pending := func(kind Kind, ends *time.Time) Listing {
		l := validOffer()
		if kind == KindDemand {
			l = validDemand()
		}
		l.Status, l.EndsAt = StatusPending, ends
		return l
	}
	tests := []struct {
		name       string
		listing    Listing
		move       Move
		actor      Actor
		reason     string
		wantKind   error    // nil: the move is made
		wantFields []string // for ErrInvalid
		want       Status
		wantReason string
	}{
		{"reject without reason", pending(KindOffer, nil), MoveReject, staffActor, "", ErrInvalid, []string{"reason"}, "", ""},
		{"reject with a blank reason", pending(KindOffer, nil), MoveReject, staffActor, " \n ", ErrInvalid, []string{"reason"}, "", ""},
		{"reject with a reason, trimmed", pending(KindOffer, nil), MoveReject, staffActor, "  no TRL evidence ", nil, nil, StatusRejected, "no TRL evidence"},
		{"reason too long", pending(KindOffer, nil), MoveReject, staffActor, strings.Repeat("r", 1001), ErrInvalid, []string{"reason"}, "", ""},
		{"reason at the limit", pending(KindOffer, nil), MoveReject, staffActor, strings.Repeat("理", 1000), nil, nil, StatusRejected, strings.Repeat("理", 1000)},
		{"withdraw without reason", pending(KindOffer, nil), MoveWithdraw, partnerActor, "", nil, nil, StatusWithdrawn, ""},
		{"publish an offer past expires_at", pending(KindOffer, timePtr(now.Add(-time.Hour))), MovePublish, staffActor, "", ErrInvalid, []string{"expires_at"}, "", ""},
		{"publish an offer ending now", pending(KindOffer, timePtr(now)), MovePublish, staffActor, "", ErrInvalid, []string{"expires_at"}, "", ""},
		{"publish a demand past deadline", pending(KindDemand, timePtr(now.Add(-time.Hour))), MovePublish, staffActor, "", ErrInvalid, []string{"deadline"}, "", ""},
		{"publish an offer ending later", pending(KindOffer, timePtr(now.Add(time.Second))), MovePublish, staffActor, "", nil, nil, StatusPublished, ""},
		{"admin publishes", pending(KindOffer, nil), MovePublish, adminActor, "", nil, nil, StatusPublished, ""},
		{"analyst publishes", pending(KindOffer, nil), MovePublish, analystActor, "", ErrForbidden, nil, "", ""},
		{"anonymous rejects", pending(KindOffer, nil), MoveReject, Actor{}, "spam", ErrForbidden, nil, "", ""},
		{"partner rejects without reason: forbidden first", pending(KindOffer, nil), MoveReject, partnerActor, "", ErrForbidden, nil, "", ""},
		{"the zero move", pending(KindOffer, nil), Move{}, staffActor, "", ErrNotFound, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.listing
			err := tt.move.Apply(&l, tt.actor, tt.reason, now)
			if tt.wantKind != nil {
				wantKind(t, err, tt.wantKind)
				if tt.wantFields != nil {
					checkFields(t, err, tt.wantFields)
				}
				if l.Status != StatusPending {
					t.Fatalf("a refused move changed the status to %s", l.Status)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l.Status != tt.want || l.StatusReason != tt.wantReason {
				t.Fatalf("got %s (%q), want %s (%q)", l.Status, l.StatusReason, tt.want, tt.wantReason)
			}
		})
	}
}

// The forward-only rule on agreement statuses is applied inside
// Service.UpdateAgreement, which needs a store; what is pure is the order
// it consults, tested here. Terminated is outside the order: any status may
// end in it and it is final (also inside UpdateAgreement).
func TestAgreementOrder(t *testing.T) {
	want := map[string]int{"planned": 0, "signed": 1, "in_execution": 2, "completed": 3}
	if !maps.Equal(agreementOrder, want) {
		t.Fatalf("agreementOrder = %v, want %v", agreementOrder, want)
	}
	for _, s := range AgreementStatuses {
		if _, ok := agreementOrder[s]; ok == (s == "terminated") {
			t.Errorf("status %s: in the order = %v", s, ok)
		}
	}
	// Forward moves by the order: a move is allowed when the new rank is not
	// below the old one (the comparison UpdateAgreement makes).
	tests := []struct {
		from, to string
		forward  bool
	}{
		{"planned", "signed", true},
		{"planned", "completed", true},
		{"signed", "in_execution", true},
		{"in_execution", "completed", true},
		{"signed", "signed", true},
		{"signed", "planned", false},
		{"in_execution", "signed", false},
		{"completed", "in_execution", false},
		{"completed", "planned", false},
	}
	for _, tt := range tests {
		if got := agreementOrder[tt.to] >= agreementOrder[tt.from]; got != tt.forward {
			t.Errorf("%s → %s: forward = %v, want %v", tt.from, tt.to, got, tt.forward)
		}
	}
}
