package httpapi_test

import (
	"github.com/getkin/kin-openapi/openapi3filter"
	"io"
	"mime/quotedprintable"
	"net/url"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/mail/mailtest"
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

// One-line text fields refuse control characters and line separators with
// 422 through one shared check; multi-line fields keep their line breaks
// but refuse other control characters.
func TestOneLineFieldsRefuseControlCharacters(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for _, bad := range []string{"a\r\nBcc: x@evil.example", "a\tb", "a\u0085b", "a\u2028b", "a\x1bb"} {
			b := listingBody(transfer.KindOffer, api.ownInst.ID)
			b["title"] = "Pumps " + bad
			api.do("staff", "POST", "/api/v1/offers", b).want(422)
			b = listingBody(transfer.KindOffer, api.ownInst.ID)
			b["translations"] = map[string]any{"zh": map[string]any{"title": "水泵" + bad}}
			api.do("staff", "POST", "/api/v1/offers", b).want(422)
			api.do("staff", "POST", "/api/v1/institutions", map[string]any{"name": "Uni" + bad, "country": "CN", "type": "university"}).want(422)
			api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "S" + bad, "type": "search", "kind": "offer", "q": "pump"}).want(422)
		}
		// Terms fold white space (line breaks too) to one space; other
		// control characters are refused.
		c := conceptBody()
		c["terms"].(map[string][]string)["en"][0] = "pump\x1bx"
		api.do("staff", "POST", "/api/v1/lexicon/concepts", c).want(422)
		b := listingBody(transfer.KindOffer, api.ownInst.ID)
		b["description"] = "First line\r\nSecond line\tindented"
		api.do("staff", "POST", "/api/v1/offers", b).want(201)
		b["description"] = "Bell \x07 inside"
		api.do("staff", "POST", "/api/v1/offers", b).want(422)
	})
}

// An alert's e-mail to a zh-Hans reader shows the listing's zh title, links
// to the console page of the listing, and its unsubscribe link opens in a
// browser as a page whose button POSTs.
func TestAlertMailReadsInTheBrowser(t *testing.T) {
	eachWithMail(t, func(t *testing.T, api *testAPI, smtp *mailtest.Server) {
		api.do("partner", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "instant", "language": "zh-Hans"}).want(200)
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Cassava drying", "type": "search",
			"kind": "offer", "q": "cassava dryer"}).want(201)
		staff := api.staff.Actor()
		l, err := api.svc.CreateListing(ctx, staff, transfer.KindOffer, transfer.ListingInput{Listing: transfer.Listing{
			InstitutionID: api.otherInst.ID, Title: "Heat-pump dryer for cassava chips", Summary: "Cuts drying energy by half", Language: "en",
			Sector: "modern_agriculture", Subsector: "agri_processing", Visibility: "public", TRL: 8, IPStatus: "know_how",
			TransferModes: []string{"technical_service"},
			Translations:  map[string]transfer.Translation{"zh": {Title: "木薯片热泵干燥机"}}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []transfer.Move{transfer.MoveSubmit, transfer.MovePublish} {
			if l, err = api.svc.MoveListing(ctx, staff, transfer.KindOffer, l.ID, m, 0, ""); err != nil {
				t.Fatal(err)
			}
		}
		api.deliverMail()
		var letter *mailtest.Message
		for _, m := range smtp.Messages() {
			raw, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(m.Body)))
			if m.Body = string(raw); strings.Contains(m.Body, "木薯片热泵干燥机") {
				letter = &m
			}
		}
		if letter == nil {
			t.Fatalf("no letter with the zh title among %d: %v", len(smtp.Messages()), smtp.Messages())
		}
		if !strings.Contains(letter.Body, "https://tb.example/console/#/offers/"+l.ID) || strings.Contains(letter.Body, "/api/v1/offers/") {
			t.Errorf("listing link is not the console's:\n%s", letter.Body)
		}
		i := strings.Index(letter.Body, "https://tb.example/api/v1/unsubscribe?token=")
		if i < 0 {
			t.Fatalf("no unsubscribe link in the body:\n%s", letter.Body)
		}
		link := strings.Fields(letter.Body[i:])[0]
		link = strings.TrimSuffix(strings.SplitN(link, `"`, 2)[0], "\r")
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		page := api.do("", "GET", u.Path+"?"+u.RawQuery, nil).want(200)
		if body := page.Body.String(); !strings.Contains(body, `method="post"`) || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("page %q", body)
		}
		var settings struct {
			EmailMode string `json:"email_mode"`
		}
		api.do("partner", "GET", "/api/v1/me/notification-settings", nil).want(200).json(&settings)
		if settings.EmailMode != "instant" {
			t.Fatalf("the GET changed the settings: %s", settings.EmailMode)
		}
		api.do("", "GET", "/api/v1/unsubscribe?token=bm90LWFuLWlk.AAAA", nil).want(422)
		done := api.doForm("", u.Path+"?"+u.RawQuery, url.Values{"from": {"page"}}).want(200)
		if !strings.Contains(done.Body.String(), "no more e-mail") {
			t.Errorf("after the button: %q", done.Body.String())
		}
		api.do("partner", "GET", "/api/v1/me/notification-settings", nil).want(200).json(&settings)
		if settings.EmailMode != "none" {
			t.Errorf("after the button: %s", settings.EmailMode)
		}
	})
}

func init() { openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder) }

// What the export writes imports unchanged: the whole lexicon is within the
// import's limits, and a retired concept stays retired.
func TestLexiconExportImportsUnchanged(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		c := conceptBody()
		api.do("staff", "POST", "/api/v1/lexicon/concepts", c).want(201)
		id := c["id"].(string)
		api.do("staff", "POST", "/api/v1/lexicon/concepts/"+id+"/retire", nil).want(200)
		text := api.do("staff", "GET", "/api/v1/lexicon/export", nil).want(200).Body.String()
		if !strings.Contains(text, "["+id+"]\nsubsectors = agri_processing\nretired = true\n") {
			t.Fatalf("the retired concept is not in the export as retired")
		}
		var res struct{ Created, Updated, Unchanged int }
		api.do("staff", "POST", "/api/v1/lexicon/import", text, "Content-Type", "text/plain").want(200).json(&res)
		if res.Created != 0 || res.Updated != 0 || res.Unchanged < 500 {
			t.Fatalf("import of the export: %+v", res)
		}
		var got conceptJSON
		api.do("staff", "GET", "/api/v1/lexicon/concepts/"+id, nil).want(200).json(&got)
		if !got.Retired || got.Version != 2 {
			t.Fatalf("after the import: %+v", got)
		}
		// Listed without the line, it comes back (documented).
		back := strings.Replace(text, "["+id+"]\nsubsectors = agri_processing\nretired = true\n", "["+id+"]\nsubsectors = agri_processing\n", 1)
		api.do("staff", "POST", "/api/v1/lexicon/import", back, "Content-Type", "text/plain").want(200).json(&res)
		api.do("staff", "GET", "/api/v1/lexicon/concepts/"+id, nil).want(200).json(&got)
		if res.Updated != 1 || got.Retired {
			t.Fatalf("after importing it unretired: %+v %+v", res, got)
		}
	})
}

// PATCH with a filter sent as null clears it; trl_min above trl_max is
// refused; DELETE honours If-Match (412 when stale) and works without it.
func TestSavedSearchPatchNullRangeAndDeleteIfMatch(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		var ss struct {
			ID      string `json:"id"`
			Sector  string `json:"sector"`
			TRLMin  int    `json:"trl_min"`
			Version int    `json:"version"`
		}
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Dryers", "type": "search", "kind": "offer",
			"q": "dryer", "sector": "modern_agriculture", "trl_min": 5}).want(201).json(&ss)
		path := "/api/v1/saved-searches/" + ss.ID
		api.do("partner", "PATCH", path, map[string]any{"trl_min": 8, "trl_max": 3}).want(422)
		api.do("partner", "PATCH", path, map[string]any{"trl_max": 3}).want(422)
		r := api.do("partner", "PATCH", path, map[string]any{"sector": nil, "trl_min": nil}).want(200)
		ss.Sector, ss.TRLMin = "", 0 // absent (omitempty) when cleared
		r.json(&ss)
		if ss.Sector != "" || ss.TRLMin != 0 || ss.Version != 2 {
			t.Fatalf("after null: %+v", ss)
		}
		api.do("partner", "DELETE", path, nil, "If-Match", `"1"`).want(412)
		api.do("partner", "DELETE", path, nil, "If-Match", `"2"`).want(204)
		var other struct{ ID string }
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Pumps", "type": "search", "kind": "offer",
			"q": "pump"}).want(201).json(&other)
		api.do("partner", "DELETE", "/api/v1/saved-searches/"+other.ID, nil).want(204)
	})
}

// A PATCH that changes nothing writes no new version nor history: saved
// searches, lexicon concepts, notification settings.
func TestPatchChangingNothingKeepsTheVersion(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		var ss struct{ ID string }
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Dryers", "type": "search", "kind": "offer",
			"q": "dryer"}).want(201).json(&ss)
		r := api.do("partner", "PATCH", "/api/v1/saved-searches/"+ss.ID, map[string]any{"name": "Dryers", "q": "dryer"}, "If-Match", `"1"`).want(200)
		if r.Header().Get("ETag") != `"1"` {
			t.Errorf("saved search: ETag %s after a PATCH changing nothing", r.Header().Get("ETag"))
		}
		c := conceptBody()
		id := c["id"].(string)
		api.do("staff", "POST", "/api/v1/lexicon/concepts", c).want(201)
		r = api.do("staff", "PATCH", "/api/v1/lexicon/concepts/"+id, map[string]any{"subsectors": c["subsectors"], "terms": c["terms"]}, "If-Match", `"1"`).want(200)
		if r.Header().Get("ETag") != `"1"` {
			t.Errorf("concept: ETag %s after a PATCH changing nothing", r.Header().Get("ETag"))
		}
		var hist struct{ Items []any }
		api.do("staff", "GET", "/api/v1/lexicon/concepts/"+id+"/history", nil).want(200).json(&hist)
		if len(hist.Items) != 1 {
			t.Errorf("concept history %d entries, want 1", len(hist.Items))
		}
		api.do("partner", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "weekly"}).want(200)
		r = api.do("partner", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "weekly"}).want(200)
		if r.Header().Get("ETag") != `"1"` {
			t.Errorf("settings: ETag %s after a PATCH changing nothing", r.Header().Get("ETag"))
		}
	})
}

// Settings never saved answer ETag "0", and that tag is taken back by
// PATCH; once saved, "0" is stale (412).
func TestUnsavedNotificationSettingsETagIsUsable(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		tag := api.do("analyst", "GET", "/api/v1/me/notification-settings", nil).want(200).Header().Get("ETag")
		if tag != `"0"` {
			t.Fatalf("ETag %s", tag)
		}
		// "0" is taken alone only: with a second line it is a list, and empty is no tag.
		api.do("analyst", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "daily"}, "If-Match", tag, "If-Match", `"7"`).want(400)
		api.do("analyst", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "daily"}, "If-Match", "").want(400)
		r := api.do("analyst", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "instant"}, "If-Match", tag).want(200)
		if r.Header().Get("ETag") != `"1"` {
			t.Fatalf("after the first save: %s", r.Header().Get("ETag"))
		}
		api.do("analyst", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "none"}, "If-Match", tag).want(412)
		api.do("analyst", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "none"}, "If-Match", `"1"`).want(200)
	})
}

// Browser sign-in: X-Token-Delivery takes only "cookie"; the Origin must be
// exactly scheme://host[:port] of the public URL; a missing Origin is named
// as such; logout with nothing to revoke is 401.
func TestBrowserSignInEdges(t *testing.T) {
	eachWith(t, httpapi.Config{PublicURL: "https://techbridge.example.org"}, func(t *testing.T, api *testAPI) {
		creds := map[string]string{"email": "staff@test.example", "password": api.password}
		for _, v := range []string{"body", "cookies", ""} {
			api.do("", "POST", "/api/v1/auth/login", creds, "X-Token-Delivery", v, "Origin", "https://techbridge.example.org").want(422)
			api.do("", "POST", "/api/v1/auth/refresh", map[string]string{}, "X-Token-Delivery", v).want(422)
			api.do("", "POST", "/api/v1/auth/logout", map[string]string{}, "X-Token-Delivery", v).want(422)
		}
		for _, o := range []string{"https://techbridge.example.org/", "https://techbridge.example.org/console", "https://techbridge.example.org:443x"} {
			api.do("", "POST", "/api/v1/auth/login", creds, "X-Token-Delivery", "cookie", "Origin", o).want(403)
		}
		p := api.do("", "POST", "/api/v1/auth/login", creds, "X-Token-Delivery", "cookie").want(403).problem()
		if !strings.Contains(p.Detail, "Origin") || strings.Contains(p.Detail, "CSRF") {
			t.Errorf("without Origin: %q", p.Detail)
		}
		api.do("", "POST", "/api/v1/auth/logout", map[string]string{}).want(401)
		api.do("", "POST", "/api/v1/auth/logout", map[string]string{}, "X-Token-Delivery", "cookie", "Origin", "https://techbridge.example.org",
			"Cookie", "techbridge_csrf=abc", "X-CSRF-Token", "abc").want(401)
		api.do("", "POST", "/api/v1/auth/login", creds, "X-Token-Delivery", "cookie", "Origin", "https://techbridge.example.org").want(200)
	})
}

// ?lang= takes the tags Accept-Language takes (zh-Hans stands for zh); the
// new lists refuse a limit outside 1..100 with 422 rather than clamp it.
func TestLangSubtagsAndStrictLimits(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		api.do("analyst", "GET", "/api/v1/offers?lang=zh-Hans", nil).want(200)
		api.do("analyst", "GET", "/api/v1/offers?lang=zh-Hans,en-GB", nil).want(200)
		api.do("analyst", "GET", "/api/v1/offers?lang=zh-Ha_ns", nil).want(422)
		for _, path := range []string{"/api/v1/lexicon/concepts", "/api/v1/saved-searches", "/api/v1/notifications", "/api/v1/mail/deliveries"} {
			for _, l := range []string{"0", "-1", "101", "1000", "x"} {
				api.do("staff", "GET", path+"?limit="+l, nil).want(422)
			}
			api.do("staff", "GET", path+"?limit=100", nil).want(200)
			api.do("staff", "GET", path, nil).want(200)
		}
	})
}
