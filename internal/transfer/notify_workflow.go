package transfer

// The workflow events people hear of in the app (and by e-mail): each is
// raised in the unit of work of the change, so it commits with it.

// noteListingMoved: the owners hear of a publication or a rejection (with
// its reason); staff hear of a listing waiting for review.
func (u *unit) noteListingMoved(l Listing) {
	data := map[string]any{"listing_id": l.ID, "kind": string(l.Kind), "status": string(l.Status)}
	switch l.Status {
	case StatusPublished:
		u.notify(NotifyInput{InstitutionID: l.InstitutionID, Type: NoteListingPublished, Title: l.Title, Data: data})
	case StatusRejected:
		data["reason"] = l.StatusReason
		u.notify(NotifyInput{InstitutionID: l.InstitutionID, Type: NoteListingRejected, Title: l.Title,
			Body: reasonText(l.StatusReason), Data: data})
	case StatusPending:
		u.notify(NotifyInput{Staff: true, Type: NoteListingSubmitted, Title: l.Title, Data: data})
	}
}

// noteMatchChanged: both parties hear that staff introduced them; the other
// party hears that a side expressed interest.
func (u *unit) noteMatchChanged(before, after Match) {
	data := map[string]any{"match_id": after.ID, "demand_id": after.DemandID, "offer_id": after.OfferID}
	if after.Status == MatchIntroduced && before.Status != MatchIntroduced {
		for _, inst := range []string{after.DemandInstitutionID, after.OfferInstitutionID} {
			u.notify(NotifyInput{InstitutionID: inst, Type: NoteMatchIntroduced, Title: "match " + after.ID, Data: data})
		}
	}
	if after.DemandInterest != nil && after.DemandInterest.Interested && (before.DemandInterest == nil || !before.DemandInterest.Interested) {
		u.notify(NotifyInput{InstitutionID: after.OfferInstitutionID, Type: NoteInterestExpressed, Title: "match " + after.ID,
			Body: reasonText(after.DemandInterest.Note), Data: data})
	}
	if after.OfferInterest != nil && after.OfferInterest.Interested && (before.OfferInterest == nil || !before.OfferInterest.Interested) {
		u.notify(NotifyInput{InstitutionID: after.DemandInstitutionID, Type: NoteInterestExpressed, Title: "match " + after.ID,
			Body: reasonText(after.OfferInterest.Note), Data: data})
	}
}

// noteAgreementRecorded: every party hears of an agreement naming it.
func (u *unit) noteAgreementRecorded(g Agreement) {
	for _, inst := range partyIDs(g) {
		u.notify(NotifyInput{InstitutionID: inst, Type: NoteAgreementRecorded, Title: g.Title,
			Data: map[string]any{"agreement_id": g.ID}})
	}
}
