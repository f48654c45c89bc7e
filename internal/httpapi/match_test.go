package httpapi_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

type suggestions struct {
	AlgorithmVersion string `json:"algorithm_version"`
	Items            []struct {
		OfferID    string                                     `json:"offer_id"`
		Score      float64                                    `json:"score"`
		Components map[string]struct{ Score, Weight float64 } `json:"components"`
		Reasons    []string                                   `json:"reasons"`
		Offer      *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"offer"`
	} `json:"items"`
}

func TestSuggestedMatchesRespectVisibility(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		d := api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished)
		pub := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished)
		conf := api.makeListing(transfer.KindOffer, api.otherInst.ID, "confidential", transfer.StatusPublished)
		api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusPublished) // same institution: never
		draft := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusDraft)
		var s suggestions
		api.do("partner", http.MethodGet, "/api/v1/demands/"+d.ID+"/matches", nil).want(200).json(&s)
		if len(s.Items) != 1 || s.Items[0].OfferID != pub.ID || s.Items[0].Offer == nil || s.Items[0].Offer.Title == "" {
			t.Fatalf("partner sees %+v", s)
		}
		it := s.Items[0]
		if s.AlgorithmVersion == "" || it.Score <= 0 || it.Score > 100 || len(it.Components) != 8 || len(it.Reasons) == 0 {
			t.Fatalf("suggestion %+v", it)
		}
		if !strings.Contains(strings.Join(it.Reasons, "|"), "same subsector: agri processing") {
			t.Fatalf("reasons %v", it.Reasons)
		}
		api.do("staff", http.MethodGet, "/api/v1/demands/"+d.ID+"/matches", nil).want(200).json(&s)
		got := map[string]bool{}
		for _, it := range s.Items {
			got[it.OfferID] = true
		}
		if len(s.Items) != 2 || !got[pub.ID] || !got[conf.ID] || got[draft.ID] {
			t.Fatalf("staff sees %v", got)
		}
		// Withdrawn offers leave the suggestions at once.
		api.do("staff", http.MethodPost, "/api/v1/offers/"+pub.ID+"/withdraw", nil).want(200)
		api.do("partner", http.MethodGet, "/api/v1/demands/"+d.ID+"/matches", nil).want(200).json(&s)
		if len(s.Items) != 0 {
			t.Fatalf("withdrawn offer still suggested: %+v", s.Items)
		}
		p := api.do("partner", http.MethodGet, "/api/v1/demands/"+d.ID+"/matches?min_score=abc&limit=-3&country=XX", nil).want(422).problem()
		if strings.Join(p.fields(), ",") != "limit,min_score,country" {
			t.Fatalf("fields %v", p.fields())
		}
		api.do("partner", http.MethodGet, "/api/v1/demands/"+d.ID+"/matches?limit=1000", nil).want(200)
	})
}

type matchBody struct {
	ID               string  `json:"id"`
	Score            float64 `json:"score"`
	Status           string  `json:"status"`
	AlgorithmVersion string  `json:"algorithm_version"`
	Version          int     `json:"version"`
	DemandInterest   *struct {
		Interested bool   `json:"interested"`
		Note       string `json:"note"`
	} `json:"demand_interest"`
	OfferInterest *struct {
		Interested bool `json:"interested"`
	} `json:"offer_interest"`
}

func TestMatchRecords(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		d := api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished)
		o := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished)
		var s suggestions
		api.do("staff", http.MethodGet, "/api/v1/demands/"+d.ID+"/matches", nil).want(200).json(&s)
		// Twenty people record the same pair at once: one match, the rest 409.
		pair := map[string]string{"demand_id": d.ID, "offer_id": o.ID}
		codes := make([]int, 20)
		var wg sync.WaitGroup
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = api.do("staff", http.MethodPost, "/api/v1/matches", pair).Code
			}()
		}
		wg.Wait()
		created := 0
		for _, c := range codes {
			switch c {
			case 201:
				created++
			case 409:
			default:
				t.Fatalf("concurrent create answered %d", c)
			}
		}
		var list listPage
		api.do("staff", http.MethodGet, "/api/v1/matches", nil).want(200).json(&list)
		if created != 1 || list.Total != 1 {
			t.Fatalf("%d created, %d listed", created, list.Total)
		}
		var m matchBody
		api.do("staff", http.MethodGet, "/api/v1/matches/"+list.Items[0].ID, nil).want(200).json(&m)
		if m.Score != s.Items[0].Score || m.AlgorithmVersion != s.AlgorithmVersion || m.Status != "suggested" {
			t.Fatalf("frozen %+v, suggested %.2f %s", m, s.Items[0].Score, s.AlgorithmVersion)
		}
		path := "/api/v1/matches/" + m.ID
		api.do("partner", http.MethodPost, path+"/interest", map[string]any{"interested": true, "note": "send the spec"}).want(200).json(&m)
		if m.DemandInterest == nil || !m.DemandInterest.Interested || m.DemandInterest.Note != "send the spec" || m.OfferInterest != nil {
			t.Fatalf("interest %+v", m)
		}
		api.do("partner", http.MethodPost, path+"/interest", map[string]any{"note": "no answer"}).want(422)
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "agreed"}).want(409).problem()
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "declined"}).want(422)
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "introduced"}, "If-Match", `"1"`).want(412)
		for _, st := range []string{"introduced", "negotiating", "agreed"} {
			api.do("staff", http.MethodPatch, path, map[string]string{"status": st}).want(200).json(&m)
		}
		api.do("staff", http.MethodPatch, path, map[string]string{"status": "closed"}).want(409)
		api.do("partner", http.MethodPost, path+"/interest", map[string]any{"interested": false}).want(409)
		// Partners see the matches they are party to, and no others.
		api.do("partner", http.MethodGet, "/api/v1/matches?status=agreed", nil).want(200).json(&list)
		if list.Total != 1 {
			t.Fatalf("partner lists %d", list.Total)
		}
		var h struct {
			Items []struct {
				Action string `json:"action"`
			} `json:"items"`
		}
		api.do("partner", http.MethodGet, path+"/history", nil).want(200).json(&h)
		var actions []string
		for _, e := range h.Items {
			actions = append(actions, e.Action)
		}
		if strings.Join(actions, ",") != "created,interest_recorded,status_changed,status_changed,status_changed" {
			t.Fatalf("history %v", actions)
		}
		// A partner recording a pair with its own demand states its interest.
		o2 := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished)
		api.do("partner", http.MethodPost, "/api/v1/matches", map[string]string{"demand_id": d.ID, "offer_id": o2.ID}).want(201).json(&m)
		if m.DemandInterest == nil || !m.DemandInterest.Interested {
			t.Fatalf("partner-created match %+v", m)
		}
		own := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusPublished)
		p := api.do("staff", http.MethodPost, "/api/v1/matches", map[string]string{"demand_id": d.ID, "offer_id": own.ID}).want(422).problem()
		if p.fields()[0] != "offer_id" {
			t.Fatalf("same-institution pair %+v", p)
		}
	})
}

type listPage struct {
	Items []struct {
		ID string `json:"id"`
	} `json:"items"`
	Total int `json:"total"`
}
