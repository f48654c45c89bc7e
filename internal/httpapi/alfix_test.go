package httpapi_test

import (
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

// A partner moved to another institution hears no more of the old
// institution's watched listing, and still sees the watch it owns both in
// the list and by id.
func TestWatchStopsWhenTheOwnerMovesAway(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		third := api.third()
		demand := api.makeListing(transfer.KindDemand, api.ownInst.ID, "confidential", transfer.StatusPublished)
		var w struct{ ID string }
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Our dryer demand", "type": "watch",
			"listing_id": demand.ID, "min_score": 1}).want(201).json(&w)
		first := api.publishOffer(third.ID, "Heat-pump dryer for cassava chips", "public")
		if got := api.alertsOf("partner"); len(got) != 1 || got[0] != first.ID {
			t.Fatalf("before the move: alerts %v, want %s", got, first.ID)
		}
		if _, err := api.svc.UpdateUser(ctx, api.admin.Actor(), api.partner.ID, 0, transfer.UserPatch{InstitutionID: ptr(api.otherInst.ID)}); err != nil {
			t.Fatal(err)
		}
		bearer := api.loginBearer(api.partner.Email)
		api.bearer["moved"] = bearer
		api.publishOffer(third.ID, "Heat-pump dryer for cassava flour", "public")
		if got := api.alertsOf("moved"); len(got) != 1 {
			t.Fatalf("after the move: alerts %v, want only the first", got)
		}
		var list struct{ Items []struct{ ID string } }
		api.do("moved", "GET", "/api/v1/saved-searches", nil).want(200).json(&list)
		api.do("moved", "GET", "/api/v1/saved-searches/"+w.ID, nil).want(200)
		if len(list.Items) != 1 || list.Items[0].ID != w.ID {
			t.Fatalf("list %v, want the watch %s that GET by id answers", list.Items, w.ID)
		}
	})
}
