package httpapi_test

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

type listingJSON struct {
	ID              string   `json:"id"`
	InstitutionID   string   `json:"institution_id"`
	Title           string   `json:"title"`
	Status          string   `json:"status"`
	StatusReason    string   `json:"status_reason"`
	Visibility      string   `json:"visibility"`
	Version         int      `json:"version"`
	TRL             int      `json:"trl"`
	MinTRL          int      `json:"min_trl"`
	Keywords        []string `json:"keywords"`
	TargetCountries []string `json:"target_countries"`
	PriceMin        *int64   `json:"price_min"`
	PriceMax        *int64   `json:"price_max"`
	ExpiresAt       *string  `json:"expires_at"`
	UpdatedAt       string   `json:"updated_at"`
}

type listingPage struct {
	Items      []listingJSON `json:"items"`
	NextCursor string        `json:"next_cursor"`
	Total      int           `json:"total"`
}

func (api *testAPI) listIDs(as, query string) []string {
	api.t.Helper()
	var p listingPage
	api.do(as, http.MethodGet, "/api/v1/offers?limit=100&"+query, nil).want(200).json(&p)
	ids := make([]string, len(p.Items))
	for i, it := range p.Items {
		ids[i] = it.ID
	}
	sort.Strings(ids)
	return ids
}

func sorted(ids ...string) []string { sort.Strings(ids); return ids }

func TestOfferLifecycleAndVisibility(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		body := listingBody(transfer.KindOffer, "")
		body["price_min"], body["price_max"], body["currency"], body["target_countries"] = 100000, 250000, "cny", []string{"th", "VN"}
		var o listingJSON
		r := api.do("partner", http.MethodPost, "/api/v1/offers", body).want(201)
		r.json(&o)
		if o.InstitutionID != api.ownInst.ID || o.Status != "draft" || o.Version != 1 || r.Header().Get("Location") != "/api/v1/offers/"+o.ID {
			t.Fatalf("created %+v, Location %q", o, r.Header().Get("Location"))
		}
		if !reflect.DeepEqual(o.TargetCountries, []string{"TH", "VN"}) || *o.PriceMax != 250000 {
			t.Fatalf("normalised fields %+v", o)
		}
		path := "/api/v1/offers/" + o.ID
		// Drafts are the owner's and staff's only.
		api.do("analyst", http.MethodGet, path, nil).want(404)
		api.do("staff", http.MethodPost, path+"/publish", nil).want(409).problem() // not submitted yet
		api.do("partner", http.MethodPost, path+"/submit", nil, "If-Match", `"1"`).want(200)
		p := api.do("staff", http.MethodPost, path+"/reject", map[string]string{}).want(422).problem()
		if p.fields()[0] != "reason" {
			t.Fatalf("reject without reason: %+v", p)
		}
		api.do("staff", http.MethodPost, path+"/reject", map[string]string{"reason": "add the price basis"}).want(200).json(&o)
		if o.Status != "rejected" || o.StatusReason != "add the price basis" {
			t.Fatalf("after reject %+v", o)
		}
		api.do("partner", http.MethodPatch, path, map[string]any{"summary": "Price basis: per site licence"}).want(200)
		api.do("partner", http.MethodPost, path+"/submit", nil).want(200)
		api.do("staff", http.MethodPost, path+"/publish", nil).want(200).json(&o)
		if o.Status != "published" {
			t.Fatalf("after publish %+v", o)
		}
		// Published and public: everyone signed in sees it, in lists too.
		api.do("analyst", http.MethodGet, path, nil).want(200)
		if ids := api.listIDs("analyst", ""); !slices.Contains(ids, o.ID) {
			t.Fatalf("analyst list %v lacks %s", ids, o.ID)
		}
		// Confidential: only the owner and staff, and it answers like a missing id.
		api.do("partner", http.MethodPatch, path, map[string]any{"visibility": "confidential"}).want(200)
		missing := api.do("analyst", http.MethodGet, "/api/v1/offers/"+"01a20a6f-0000-7000-8000-000000000000", nil).want(404)
		hidden := api.do("analyst", http.MethodGet, path, nil).want(404)
		if strings.ReplaceAll(hidden.problem().Detail, o.ID, "X") != strings.ReplaceAll(missing.problem().Detail, "01a20a6f-0000-7000-8000-000000000000", "X") {
			t.Fatalf("confidential and missing differ:\n%s\n%s", hidden.Body.String(), missing.Body.String())
		}
		if ids := api.listIDs("analyst", ""); slices.Contains(ids, o.ID) {
			t.Fatal("confidential offer listed for an analyst")
		}
		if ids := api.listIDs("staff", ""); !slices.Contains(ids, o.ID) {
			t.Fatal("staff list lacks the confidential offer")
		}
		api.do("partner", http.MethodPost, path+"/withdraw", map[string]string{"reason": "licensed elsewhere"}).want(200)
		api.do("partner", http.MethodPatch, path, map[string]any{"summary": "again"}).want(409)
		api.do("partner", http.MethodPost, path+"/submit", nil).want(409)

		var h struct {
			Items []struct {
				Action  string                     `json:"action"`
				ActorID string                     `json:"actor_id"`
				Changes map[string]transfer.Change `json:"changes"`
			} `json:"items"`
		}
		api.do("staff", http.MethodGet, path+"/history", nil).want(200).json(&h)
		var actions []string
		for _, e := range h.Items {
			actions = append(actions, e.Action)
		}
		want := []string{"created", "submitted", "rejected", "updated", "submitted", "published", "updated", "withdrawn"}
		if !reflect.DeepEqual(actions, want) {
			t.Fatalf("history %v, want %v", actions, want)
		}
		if h.Items[0].ActorID != api.partner.ID || h.Items[5].ActorID != api.staff.ID {
			t.Fatalf("history actors %+v", h.Items)
		}
		if c := h.Items[3].Changes["summary"]; c.New != "Price basis: per site licence" || len(h.Items[3].Changes) != 1 {
			t.Fatalf("update changes %+v", h.Items[3].Changes)
		}
	})
}

func TestListingValidationReportsEveryField(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		p := api.do("partner", http.MethodPost, "/api/v1/offers", map[string]any{
			"title": strings.Repeat("t", 201), "summary": "", "language": "klingon", "sector": "new_energy", "subsector": "vaccines_biologics",
			"keywords": []string{"a", "a", "b,c"}, "trl": 10, "ip_status": "secret", "transfer_modes": []string{"gift"},
			"target_countries": []string{"XX"}, "price_min": 5, "price_max": 1, "currency": "EURO", "visibility": "hidden",
			"expires_at": "next year",
		}).want(422).problem()
		want := []string{"expires_at", "title", "summary", "language", "subsector", "keywords[1]", "keywords[2]", "trl",
			"ip_status", "transfer_modes[0]", "target_countries[0]", "price_min", "currency", "visibility"}
		if !reflect.DeepEqual(p.fields(), want) {
			t.Fatalf("fields\n got %v\nwant %v", p.fields(), want)
		}
		p = api.do("partner", http.MethodPost, "/api/v1/demands", map[string]any{"title": "x", "summary": "y", "language": "vi",
			"sector": "biomedicine", "min_trl": 3, "trl": 5, "status": "published", "id": "x", "version": 3}).want(422).problem()
		if !reflect.DeepEqual(p.fields(), []string{"id", "status", "trl", "version"}) {
			t.Fatalf("read-only fields %v", p.fields())
		}
		// A partner naming another institution is refused, not obeyed.
		body := listingBody(transfer.KindDemand, api.otherInst.ID)
		p = api.do("partner", http.MethodPost, "/api/v1/demands", body).want(422).problem()
		if !reflect.DeepEqual(p.fields(), []string{"institution_id"}) {
			t.Fatalf("foreign institution %v", p.fields())
		}
		// Past expiry is refused.
		body = listingBody(transfer.KindOffer, "")
		body["expires_at"] = "2020-01-01T00:00:00Z"
		api.do("partner", http.MethodPost, "/api/v1/offers", body).want(422)
		if n := len(api.listIDs("staff", "")); n != 0 {
			t.Fatalf("bad requests created %d offers", n)
		}
	})
}

func TestPatchListingOneFieldAndNull(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		body := listingBody(transfer.KindOffer, "")
		body["price_min"], body["price_max"], body["currency"] = 10, 20, "USD"
		body["expires_at"] = time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
		var before, after listingJSON
		api.do("partner", http.MethodPost, "/api/v1/offers", body).want(201).json(&before)
		path := "/api/v1/offers/" + before.ID
		api.do("partner", http.MethodPatch, path, map[string]any{"trl": 9}, "If-Match", `"1"`).want(200).json(&after)
		before.TRL, before.Version, before.UpdatedAt = 9, 2, after.UpdatedAt
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("patch changed more than trl:\n got %+v\nwant %+v", after, before)
		}
		api.do("partner", http.MethodPatch, path, map[string]any{"trl": 8}, "If-Match", `"1"`).want(412)
		after = listingJSON{}
		api.do("partner", http.MethodPatch, path, `{"price_min": null, "expires_at": null}`).want(200).json(&after)
		if after.PriceMin != nil || after.ExpiresAt != nil || *after.PriceMax != 20 {
			t.Fatalf("null did not clear: %+v", after)
		}
		p := api.do("partner", http.MethodPatch, path, `{"price_min": "cheap", "trl": 0}`).want(422).problem()
		if !reflect.DeepEqual(p.fields(), []string{"price_min"}) {
			t.Fatalf("type error fields %v", p.fields())
		}
		p = api.do("partner", http.MethodPatch, path, `{"expires_at": "soon", "trl": 0}`).want(422).problem()
		if !reflect.DeepEqual(p.fields(), []string{"expires_at", "trl"}) {
			t.Fatalf("fields %v", p.fields())
		}
	})
}

func TestListingFiltersSortAndSync(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		own := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusDraft)
		ownPub := api.makeListing(transfer.KindOffer, api.ownInst.ID, "confidential", transfer.StatusPublished)
		otherPub := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusPublished)
		otherConf := api.makeListing(transfer.KindOffer, api.otherInst.ID, "confidential", transfer.StatusPublished)
		otherDraft := api.makeListing(transfer.KindOffer, api.otherInst.ID, "public", transfer.StatusDraft)
		if got := api.listIDs("partner", ""); !reflect.DeepEqual(got, sorted(own.ID, ownPub.ID, otherPub.ID)) {
			t.Fatalf("partner sees %v", got)
		}
		if got := api.listIDs("analyst", ""); !reflect.DeepEqual(got, sorted(otherPub.ID)) {
			t.Fatalf("analyst sees %v", got)
		}
		if got := api.listIDs("staff", ""); len(got) != 5 {
			t.Fatalf("staff sees %v", got)
		}
		if got := api.listIDs("staff", "country=TH"); !reflect.DeepEqual(got, sorted(otherPub.ID, otherConf.ID, otherDraft.ID)) {
			t.Fatalf("country=TH: %v", got)
		}
		if got := api.listIDs("staff", "status=draft&institution_id="+api.ownInst.ID); !reflect.DeepEqual(got, sorted(own.ID)) {
			t.Fatalf("status+institution: %v", got)
		}
		for q, n := range map[string]int{"sector=modern_agriculture&subsector=agri_processing": 5, "sector=biomedicine": 0,
			"trl_min=8&trl_max=8": 5, "trl_min=9": 0, "transfer_mode=technical_service": 5, "transfer_mode=licensing": 0,
			"language=en": 5, "language=zh": 0, "q=CASSAVA": 5, "q=" + url.QueryEscape("50%_off"): 0,
			"q=" + url.QueryEscape("\u202e\u0301"): 0, "q=cassava&sort=title": 5} {
			if got := api.listIDs("staff", q); len(got) != n {
				t.Errorf("%s: %d results, want %d", q, len(got), n)
			}
		}
		// Sync: what changed since T, withdrawals and expiries included.
		since := time.Now().UTC()
		time.Sleep(2 * time.Millisecond)
		api.do("partner", http.MethodPost, "/api/v1/offers/"+own.ID+"/withdraw", nil).want(200)
		if got := api.listIDs("partner", "institution_id="+api.ownInst.ID+"&updated_since="+since.Format(time.RFC3339Nano)); !reflect.DeepEqual(got, sorted(own.ID)) {
			t.Fatalf("updated_since after a withdrawal: %v", got)
		}
		api.do("staff", http.MethodGet, "/api/v1/offers?updated_since=yesterday", nil).want(422)
		// Sorting and paging by title keeps every item exactly once.
		var seen []string
		next := "/api/v1/offers?sort=-title&limit=2"
		for next != "" {
			var p listingPage
			r := api.do("staff", http.MethodGet, next, nil).want(200)
			r.json(&p)
			for _, it := range p.Items {
				seen = append(seen, it.ID)
			}
			next = strings.TrimSuffix(strings.TrimPrefix(r.Header().Get("Link"), "<"), `>; rel="next"`)
		}
		if len(seen) != 5 || len(sorted(seen...)) != 5 {
			t.Fatalf("paged %v", seen)
		}
		api.do("staff", http.MethodGet, "/api/v1/offers?sort=updated_at&cursor=bm90IGEgY3Vyc29y", nil).want(400)
		api.do("staff", http.MethodGet, "/api/v1/offers?sort=price", nil).want(422)
		if p := api.do("staff", http.MethodGet, "/api/v1/demands?trl_min=5", nil).want(422).problem(); p.fields()[0] != "trl_min" {
			t.Fatalf("TRL filter on demands: %+v", p)
		}
	})
}

func TestListingsExpire(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		body := listingBody(transfer.KindDemand, "")
		body["deadline"] = time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		var d listingJSON
		api.do("partner", http.MethodPost, "/api/v1/demands", body).want(201).json(&d)
		path := "/api/v1/demands/" + d.ID
		api.do("partner", http.MethodPost, path+"/submit", nil).want(200)
		api.do("staff", http.MethodPost, path+"/publish", nil).want(200)
		api.do("analyst", http.MethodGet, path, nil).want(200)
		api.advance(2 * time.Hour)
		// Past its deadline it is gone for others at once, before any sweep.
		api.do("analyst", http.MethodGet, path, nil).want(404)
		api.do("partner", http.MethodGet, path, nil).want(200).json(&d)
		if d.Status != "expired" {
			t.Fatalf("status %q past the deadline", d.Status)
		}
		n, err := api.svc.ExpireListings(ctx)
		if err != nil || n != 1 {
			t.Fatalf("expired %d, %v", n, err)
		}
		if n, _ := api.svc.ExpireListings(ctx); n != 0 {
			t.Fatalf("second sweep expired %d again", n)
		}
		var h struct {
			Items []struct {
				Action    string `json:"action"`
				ActorKind string `json:"actor_kind"`
			} `json:"items"`
		}
		api.do("staff", http.MethodGet, path+"/history", nil).want(200).json(&h)
		if last := h.Items[len(h.Items)-1]; last.Action != "expired" || last.ActorKind != "system" {
			t.Fatalf("last event %+v", last)
		}
	})
}

func TestImportOffers(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		good := listingBody(transfer.KindOffer, api.ownInst.ID)
		bad := listingBody(transfer.KindOffer, api.ownInst.ID)
		bad["trl"], bad["currency"] = 12, "???"
		rows := []any{good, bad, map[string]any{"title": 5}, good}
		var res struct {
			Created, Failed int
			Results         []struct {
				Row    int                   `json:"row"`
				ID     string                `json:"id"`
				Errors []transfer.FieldError `json:"errors"`
			}
		}
		api.do("staff", http.MethodPost, "/api/v1/offers/import?atomic=true", rows).want(422).problem()
		if n := len(api.listIDs("staff", "")); n != 0 {
			t.Fatalf("atomic import with bad rows created %d", n)
		}
		api.do("staff", http.MethodPost, "/api/v1/offers/import", rows).want(200).json(&res)
		if res.Created != 2 || res.Failed != 2 || res.Results[0].ID == "" || res.Results[1].ID != "" ||
			len(res.Results[1].Errors) != 2 || res.Results[2].Errors[0].Field != "title" {
			t.Fatalf("import results %+v", res)
		}
		csv := "institution_id,title,summary,language,sector,subsector,keywords,trl,ip_status,transfer_modes,target_countries,price_min,price_max,currency\n" +
			api.ownInst.ID + `,Biogas digesters,"Anaerobic digestion, small farms",en,new_energy,bioenergy,biogas;digester,7,know_how,licensing;technical_service,TH;VN,1000,5000,USD` + "\n" +
			api.ownInst.ID + ",Bad row,s,en,new_energy,,,seven,none,,,,,\n"
		r := api.do("staff", http.MethodPost, "/api/v1/offers/import?publish=true", csv, "Content-Type", "text/csv").want(200)
		r.json(&res)
		if res.Created != 1 || res.Failed != 1 || res.Results[1].Errors[0].Field != "trl" {
			t.Fatalf("csv results %s", r.Body.String())
		}
		var o listingJSON
		api.do("analyst", http.MethodGet, "/api/v1/offers/"+res.Results[0].ID, nil).want(200).json(&o)
		if o.Status != "published" || !reflect.DeepEqual(o.Keywords, []string{"biogas", "digester"}) || *o.PriceMax != 5000 {
			t.Fatalf("csv offer %+v", o)
		}
		api.do("staff", http.MethodPost, "/api/v1/offers/import", "title,colour\nx,red\n", "Content-Type", "text/csv").want(422)
		api.do("staff", http.MethodPost, "/api/v1/offers/import", "<xml/>", "Content-Type", "application/xml").want(415)
		api.do("staff", http.MethodPost, "/api/v1/offers/import", `{"not": "an array"}`).want(400)
		// Imports are larger than the 1 MB limit of other routes.
		many := make([]any, 3000)
		for i := range many {
			many[i] = good
		}
		api.do("staff", http.MethodPost, "/api/v1/offers/import", many).want(200).json(&res)
		if res.Created != 3000 {
			t.Fatalf("bulk import created %d", res.Created)
		}
	})
}

func TestIdempotentCreates(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		body := listingBody(transfer.KindOffer, "")
		const n = 50
		bodies := make([]string, n)
		codes := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := api.do("partner", http.MethodPost, "/api/v1/offers", body, "Idempotency-Key", "create-offer-1")
				bodies[i], codes[i] = r.Body.String(), r.Code
			}()
		}
		wg.Wait()
		for i := range n {
			if codes[i] != 201 || bodies[i] != bodies[0] {
				t.Fatalf("caller %d got %d %s; caller 0 got %s", i, codes[i], bodies[i], bodies[0])
			}
		}
		if got := api.listIDs("staff", ""); len(got) != 1 {
			t.Fatalf("%d offers after %d creates with one key", len(got), n)
		}
		r := api.do("partner", http.MethodPost, "/api/v1/offers", body, "Idempotency-Key", "create-offer-1").want(201)
		if r.Header().Get("Idempotent-Replayed") != "true" || r.Header().Get("Location") == "" {
			t.Fatalf("replay headers %v", r.Header())
		}
		other := listingBody(transfer.KindOffer, "")
		other["title"] = "Another title"
		p := api.do("partner", http.MethodPost, "/api/v1/offers", other, "Idempotency-Key", "create-offer-1").want(422).problem()
		if p.fields()[0] != "Idempotency-Key" {
			t.Fatalf("reuse with another body %+v", p)
		}
		// Keys belong to their caller: the same key from someone else is a new request.
		api.do("client", http.MethodPost, "/api/v1/offers", body, "Idempotency-Key", "create-offer-1").want(201)
		if got := api.listIDs("staff", ""); len(got) != 2 {
			t.Fatalf("%d offers, want 2", len(got))
		}
		// A refused request is replayed as refused, and still creates nothing.
		bad := listingBody(transfer.KindOffer, "")
		bad["trl"] = 0
		api.do("partner", http.MethodPost, "/api/v1/offers", bad, "Idempotency-Key", "k2").want(422)
		api.do("partner", http.MethodPost, "/api/v1/offers", bad, "Idempotency-Key", "k2").want(422)
		api.do("partner", http.MethodPost, "/api/v1/offers", body, "Idempotency-Key", strings.Repeat("k", 256)).want(422)
		// Lifecycle moves are POSTs too: a retried publish is not a conflict.
		id := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusPending).ID
		for range 2 {
			api.do("staff", http.MethodPost, "/api/v1/offers/"+id+"/publish", nil, "Idempotency-Key", "publish-"+id).want(200)
		}
		api.do("staff", http.MethodPost, "/api/v1/offers/"+id+"/publish", nil).want(409)
	})
}
