package transfer

import (
	"context"
	"errors"
	"time"
)

// earliestSignedOn is the first plausible signing date: no agreement this
// service records predates it, and "0001-01-01" is a client's zero value.
const earliestSignedOn = "1950-01-01"

// checkSignedOn adds the date rules Validate cannot check without a clock: a
// planned agreement is not signed yet, and a signing date lies between
// 1950 and a year from now.
func (g Agreement) checkSignedOn(p *Problems, now time.Time) {
	if g.SignedOn == "" || !validDate(g.SignedOn) {
		return
	}
	switch latest := now.AddDate(1, 0, 0).Format(time.DateOnly); {
	case g.Status == "planned":
		p.Add("signed_on", "must be empty while the agreement is planned; set status signed with the date")
	case g.SignedOn < earliestSignedOn:
		p.Add("signed_on", "must not be before %s", earliestSignedOn)
	case g.SignedOn > latest:
		p.Add("signed_on", "must not be after %s", latest)
	}
}

// checkLinks refuses an offer_id or demand_id the actor may not see or that
// does not fit the agreement: each must name a listing of its kind, visible
// to the actor, past the draft stage and not rejected, of one of the
// parties. A listing that exists but is hidden answers exactly like one that
// does not, so that the field cannot be used to probe for ids. Links that
// come from a match are the match's own and checked with it.
func (s *Service) checkLinks(ctx context.Context, a Actor, g Agreement) error {
	if g.MatchID != "" {
		return nil
	}
	var p Problems
	for _, link := range []struct {
		field, id string
		kind      Kind
	}{{"offer_id", g.OfferID, KindOffer}, {"demand_id", g.DemandID, KindDemand}} {
		if link.id == "" {
			continue
		}
		l, err := s.Listing(ctx, a, link.kind, link.id)
		if errors.Is(err, ErrNotFound) {
			p.Add(link.field, "does not name a %s you can see", link.kind)
			continue
		}
		if err != nil {
			return err
		}
		switch {
		case l.Status == StatusDraft || l.Status == StatusRejected:
			p.Add(link.field, "names a %s %s: only a submitted listing can lead to an agreement", l.Status, link.kind)
		case !g.hasParty(l.InstitutionID):
			p.Add(link.field, "names a %s of an institution that is not a party", link.kind)
		}
	}
	return p.Err()
}

func (g Agreement) hasParty(institutionID string) bool {
	for _, p := range g.Parties {
		if p.InstitutionID == institutionID {
			return true
		}
	}
	return false
}
