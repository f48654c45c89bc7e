package httpapi_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

// A listing published by a single move and one imported as published imply
// the same events: listing.status_changed and listing.published to its
// institution, match.created to the institutions whose listings it matches
// well. (Imports used to send listing.published alone.)
func TestImportPublishEmitsWhatPublishEmits(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		endpoint := func(inst string) string {
			var ep struct{ ID string }
			api.do("staff", http.MethodPost, "/api/v1/webhooks", map[string]any{"institution_id": inst,
				"url": "https://receiver.example/hooks", "events": transfer.WebhookEvents}).want(201).json(&ep)
			return ep.ID
		}
		own, other := endpoint(api.ownInst.ID), endpoint(api.otherInst.ID)
		seen := map[string]int{} // deliveries already looked at, per endpoint
		newEvents := func(ep string) []string {
			var page struct {
				Items []struct {
					EventType string `json:"event_type"`
				}
			}
			api.do("staff", http.MethodGet, "/api/v1/webhooks/"+ep+"/deliveries?limit=100", nil).want(200).json(&page)
			var types []string
			for _, d := range page.Items[:len(page.Items)-seen[ep]] { // newest first
				types = append(types, d.EventType)
			}
			seen[ep] = len(page.Items)
			slices.Sort(types)
			return types
		}

		demand := listingBody(transfer.KindDemand, api.otherInst.ID)
		api.do("staff", http.MethodPost, "/api/v1/demands/import?publish=true", []any{demand}).want(200)
		newEvents(own)
		newEvents(other)

		offer := listingBody(transfer.KindOffer, api.ownInst.ID)
		var o struct{ ID string }
		api.do("staff", http.MethodPost, "/api/v1/offers", offer).want(201).json(&o)
		api.do("staff", http.MethodPost, "/api/v1/offers/"+o.ID+"/submit", nil).want(200)
		newEvents(own)
		newEvents(other)
		api.do("staff", http.MethodPost, "/api/v1/offers/"+o.ID+"/publish", nil).want(200)
		publishedOwn, publishedOther := newEvents(own), newEvents(other)

		api.do("staff", http.MethodPost, "/api/v1/offers/import?publish=true", []any{offer}).want(200)
		importedOwn, importedOther := newEvents(own), newEvents(other)

		if want := []string{"listing.published", "listing.status_changed"}; !slices.Equal(publishedOwn, want) {
			t.Fatalf("publish sent %v to the owner, want %v", publishedOwn, want)
		}
		if want := []string{"match.created"}; !slices.Equal(publishedOther, want) {
			t.Fatalf("publish sent %v to the counterpart's institution, want %v", publishedOther, want)
		}
		if !slices.Equal(importedOwn, publishedOwn) || !slices.Equal(importedOther, publishedOther) {
			t.Fatalf("import with publish=true sent %v and %v; a single publish sent %v and %v",
				importedOwn, importedOther, publishedOwn, publishedOther)
		}
	})
}
