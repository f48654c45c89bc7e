package httpapi_test

import (
	"encoding/json"
	"mime"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/httpapi"
	"github.com/techbridge/techbridge/internal/mail"
	"github.com/techbridge/techbridge/internal/mail/mailtest"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// eachWithMail runs fn with e-mail going to an SMTP server in the test's
// process and webhooks to loopback receivers.
func eachWithMail(t *testing.T, fn func(t *testing.T, api *testAPI, smtp *mailtest.Server)) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		smtp := mailtest.Start(t, mailtest.Options{})
		fn(t, newTestAPIWith(t, s, httpapi.Config{}, mailConfig(t, smtp)), smtp)
	})
}

func mailConfig(t *testing.T, smtp *mailtest.Server) transfer.Config {
	t.Helper()
	m, err := mail.New(mail.Config{URL: "smtp://" + smtp.Addr + "?starttls=optional", From: "techbridge@tb.example", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return transfer.Config{Webhooks: loopbackSender(), Mailer: m, MailKey: []byte("unsubscribe key for tests"), PublicURL: "https://tb.example"}
}

// publishOffer creates and publishes an offer of an institution.
func (api *testAPI) publishOffer(institutionID, title, visibility string) transfer.Listing {
	api.t.Helper()
	staff := api.staff.Actor()
	l, err := api.svc.CreateListing(ctx, staff, transfer.KindOffer, transfer.ListingInput{Listing: transfer.Listing{
		InstitutionID: institutionID, Title: title, Summary: "Cuts drying energy by half", Language: "en",
		Sector: "modern_agriculture", Subsector: "agri_processing", Visibility: visibility, TRL: 8, IPStatus: "know_how",
		TransferModes: []string{"technical_service"}}})
	if err != nil {
		api.t.Fatal(err)
	}
	for _, m := range []transfer.Move{transfer.MoveSubmit, transfer.MovePublish} {
		if l, err = api.svc.MoveListing(ctx, staff, transfer.KindOffer, l.ID, m, 0, ""); err != nil {
			api.t.Fatal(err)
		}
	}
	return l
}

type notificationsJSON struct {
	Items []struct {
		ID    string         `json:"id"`
		Type  string         `json:"type"`
		Title string         `json:"title"`
		Body  string         `json:"body"`
		Data  map[string]any `json:"data"`
		Read  bool           `json:"read"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
	Total      int    `json:"total"`
}

// alertsOf lists the listing ids of the caller's alert notifications.
func (api *testAPI) alertsOf(as string) []string {
	api.t.Helper()
	var out notificationsJSON
	api.do(as, "GET", "/api/v1/notifications?limit=100", nil).want(200).json(&out)
	var ids []string
	for _, n := range out.Items {
		if n.Type == "alert.matched" {
			ids = append(ids, n.Data["listing_id"].(string))
		}
	}
	return ids
}

func (api *testAPI) deliverMail() {
	api.t.Helper()
	for {
		n, err := api.svc.DeliverMail(ctx)
		if err != nil {
			api.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// A saved search alerts its owner once per fitting listing, in the app, by
// webhook and by e-mail; never for a confidential listing of another
// institution, nor for the owner's own, nor twice when the listing changes.
func TestSavedSearchAlertsOncePerListingInAppWebhookAndMail(t *testing.T) {
	eachWithMail(t, func(t *testing.T, api *testAPI, smtp *mailtest.Server) {
		rcv := newReceiver(t)
		api.do("partner", "POST", "/api/v1/webhooks", map[string]any{"url": rcv.srv.URL, "events": []string{"alert.matched"}}).want(201)
		api.do("partner", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "instant"}).want(200)
		var ss struct{ ID string }
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Cassava drying", "type": "search",
			"kind": "offer", "q": "cassava dryer", "sector": "modern_agriculture"}).want(201).json(&ss)

		hit := api.publishOffer(api.otherInst.ID, "Heat-pump dryer for cassava chips", "public")
		api.publishOffer(api.otherInst.ID, "Solar dryer for cassava flour", "confidential") // may not see it
		api.publishOffer(api.ownInst.ID, "Cassava dryer of our own", "public")              // own: no news
		api.publishOffer(api.otherInst.ID, "Rice husk gasifier", "public")                  // does not fit
		// A change of the published listing evaluates it again: no second alert.
		if _, err := api.svc.UpdateListing(ctx, api.staff.Actor(), transfer.KindOffer, hit.ID, 0,
			transfer.ListingPatch{Summary: ptr("Cuts drying energy by 60 percent")}); err != nil {
			t.Fatal(err)
		}
		if got := api.alertsOf("partner"); len(got) != 1 || got[0] != hit.ID {
			t.Fatalf("alerts %v, want only %s", got, hit.ID)
		}
		// Staff saw the confidential one, but staff saved nothing; the client of
		// the partner's institution is not the owner.
		if got := api.alertsOf("client"); len(got) != 0 {
			t.Errorf("client alerted: %v", got)
		}

		api.deliverAll()
		var alerts []map[string]any
		for _, d := range rcv.got() {
			var body map[string]any
			_ = json.Unmarshal(d.body, &body)
			if body["type"] == "alert.matched" {
				alerts = append(alerts, body["data"].(map[string]any))
			}
		}
		if len(alerts) != 1 || alerts[0]["listing"].(map[string]any)["id"] != hit.ID ||
			alerts[0]["saved_search"].(map[string]any)["id"] != ss.ID {
			t.Fatalf("webhook alerts %v", alerts)
		}

		api.deliverMail()
		var letter *mailtest.Message
		for _, m := range smtp.Messages() {
			if strings.Contains(m.Body, "Heat-pump dryer for cassava chips") {
				if letter != nil {
					t.Fatal("the alert was mailed twice")
				}
				letter = &m
			}
		}
		if letter == nil {
			t.Fatalf("no alert e-mail among %d", len(smtp.Messages()))
		}
		if letter.To[0] != "partner@test.example" || letter.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
			!strings.Contains(letter.Header.Get("Content-Type"), "multipart/alternative") {
			t.Fatalf("letter to %v, headers %v", letter.To, letter.Header)
		}
		// One click, no login: the link of the header turns e-mail off.
		link := strings.Trim(letter.Header.Get("List-Unsubscribe"), "<>")
		u, err := url.Parse(link)
		if err != nil || u.Host != "tb.example" {
			t.Fatalf("unsubscribe link %q", link)
		}
		api.doForm("", u.Path+"?"+u.RawQuery, url.Values{"List-Unsubscribe": {"One-Click"}}).want(204)
		var settings struct {
			EmailMode string `json:"email_mode"`
		}
		api.do("partner", "GET", "/api/v1/me/notification-settings", nil).want(200).json(&settings)
		if settings.EmailMode != "none" {
			t.Errorf("after unsubscribing: %s", settings.EmailMode)
		}
		// A forged or altered token changes nothing.
		api.doForm("", "/api/v1/unsubscribe?token="+url.QueryEscape(api.svc.UnsubscribeToken(api.staff.ID)+"x"), nil).want(422)
		api.doForm("", "/api/v1/unsubscribe?token=bm90LWFuLWlk.AAAA", nil).want(422)
	})
}

func ptr[T any](v T) *T { return &v }

// A watch alerts when a new counterpart scores at least min_score against
// the watched listing; a watch of another institution's listing is refused.
func TestWatchAlertsAboveTheThreshold(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		demand := api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPublished)
		other := api.makeListing(transfer.KindDemand, api.otherInst.ID, "public", transfer.StatusPublished)
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Other's", "type": "watch",
			"listing_id": other.ID}).want(422)
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Our dryer demand", "type": "watch",
			"listing_id": demand.ID, "min_score": 1}).want(201)
		api.do("staff", "POST", "/api/v1/saved-searches", map[string]any{"name": "Unreachable", "type": "watch",
			"listing_id": demand.ID, "min_score": 100}).want(201)
		offer := api.publishOffer(api.otherInst.ID, "Heat-pump dryer for cassava chips", "public")
		if got := api.alertsOf("partner"); len(got) != 1 || got[0] != offer.ID {
			t.Fatalf("partner alerts %v", got)
		}
		if got := api.alertsOf("staff"); len(got) != 0 {
			t.Fatalf("staff alerted below their threshold: %v", got)
		}
	})
}

// One owner keeps at most MaxSavedSearches, also when many creates race.
func TestSavedSearchLimitHoldsUnderConcurrentCreates(t *testing.T) {
	defer func(n int) { transfer.MaxSavedSearches = n }(transfer.MaxSavedSearches)
	transfer.MaxSavedSearches = 3
	each(t, func(t *testing.T, api *testAPI) {
		var wg sync.WaitGroup
		codes := make(chan int, 8)
		for range 8 {
			wg.Go(func() {
				rec := api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Race", "type": "search",
					"kind": "offer", "q": "solar"})
				codes <- rec.Code
			})
		}
		wg.Wait()
		close(codes)
		counts := map[int]int{}
		for c := range codes {
			counts[c]++
		}
		if counts[201] != 3 || counts[409] != 5 {
			t.Fatalf("statuses %v, want 3×201 and 5×409", counts)
		}
	})
}

// Bad input is a 4xx naming the field, never a 500.
func TestSavedSearchInputIsValidated(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for body, field := range map[string]string{
			`{"name":"a\u0000b","type":"search","kind":"offer","q":"x"}`:               "name",
			"{\"name\":\"a\xffb\",\"type\":\"search\",\"kind\":\"offer\",\"q\":\"x\"}": "name",
			`{"name":"bell\u0007","type":"search","kind":"offer","q":"x"}`:             "name",
			`{"name":"ok","type":"search","kind":"offer","q":"x\u0000"}`:               "q",
			`{"name":"ok","type":"psychic","kind":"offer","q":"x"}`:                    "type",
			`{"name":"ok","type":"search","kind":"offer"}`:                             "q",
			`{"name":"ok","type":"search","kind":"offer","sector":"alchemy"}`:          "sector",
			`{"name":"ok","type":"watch","listing_id":"nope"}`:                         "listing_id",
			`{"name":"ok","type":"search","kind":"car","q":"x"}`:                       "kind",
		} {
			p := api.do("partner", "POST", "/api/v1/saved-searches", body).want(422).problem()
			if !strings.Contains(strings.Join(p.fields(), ","), field) {
				t.Errorf("%s: fields %v, want %s", body, p.fields(), field)
			}
		}
		api.do("partner", "GET", "/api/v1/saved-searches?cursor=forged", nil).want(400)
		api.do("partner", "GET", "/api/v1/notifications?cursor=eyJzIjoiLWNyZWF0ZWRfYXQiLCJpZCI6IngifQ", nil).want(400)
		api.do("partner", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "hourly", "language": "fr"}).want(422)
	})
}

// The list pages with a cursor; unread count, mark read and mark all read.
func TestNotificationsPageCountAndRead(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for _, title := range []string{"one", "two", "three"} {
			if err := api.svc.Notify(ctx, transfer.NotifyInput{RecipientID: api.partner.ID, Type: "test", Title: title}); err != nil {
				t.Fatal(err)
			}
		}
		var page1, page2 notificationsJSON
		api.do("partner", "GET", "/api/v1/notifications?limit=2", nil).want(200).json(&page1)
		if len(page1.Items) != 2 || page1.Total != 3 || page1.NextCursor == "" || page1.Items[0].Title != "three" {
			t.Fatalf("page 1: %+v", page1)
		}
		api.do("partner", "GET", "/api/v1/notifications?limit=2&cursor="+page1.NextCursor, nil).want(200).json(&page2)
		if len(page2.Items) != 1 || page2.Items[0].Title != "one" || page2.NextCursor != "" {
			t.Fatalf("page 2: %+v", page2)
		}
		unread := func() int64 {
			var c struct{ Unread int64 }
			api.do("partner", "GET", "/api/v1/notifications/unread-count", nil).want(200).json(&c)
			return c.Unread
		}
		if n := unread(); n != 3 {
			t.Fatalf("unread %d", n)
		}
		api.do("partner", "POST", "/api/v1/notifications/"+page1.Items[0].ID+"/read", nil).want(200)
		api.do("staff", "POST", "/api/v1/notifications/"+page1.Items[1].ID+"/read", nil).want(404) // not theirs
		if n := unread(); n != 2 {
			t.Fatalf("unread %d after one read", n)
		}
		var unreadOnly notificationsJSON
		api.do("partner", "GET", "/api/v1/notifications?unread=true", nil).want(200).json(&unreadOnly)
		if unreadOnly.Total != 2 {
			t.Fatalf("unread list %+v", unreadOnly)
		}
		var marked struct{ Marked int64 }
		api.do("partner", "POST", "/api/v1/notifications/read-all", nil).want(200).json(&marked)
		if marked.Marked != 2 || unread() != 0 {
			t.Fatalf("read-all marked %d", marked.Marked)
		}
	})
}

// Workflow events reach the people concerned: staff hear of a listing to
// review, the owners of its rejection with the reason.
func TestWorkflowEventsNotify(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		l := api.makeListing(transfer.KindDemand, api.ownInst.ID, "public", transfer.StatusPending)
		if _, err := api.svc.MoveListing(ctx, api.staff.Actor(), transfer.KindDemand, l.ID, transfer.MoveReject, 0,
			"please state the budget"); err != nil {
			t.Fatal(err)
		}
		var staff, partner notificationsJSON
		api.do("staff", "GET", "/api/v1/notifications", nil).want(200).json(&staff)
		if len(staff.Items) != 1 || staff.Items[0].Type != "listing.submitted" {
			t.Fatalf("staff: %+v", staff.Items)
		}
		api.do("partner", "GET", "/api/v1/notifications", nil).want(200).json(&partner)
		if len(partner.Items) != 1 || partner.Items[0].Type != "listing.rejected" || partner.Items[0].Body != "please state the budget" {
			t.Fatalf("partner: %+v", partner.Items)
		}
	})
}

// Digests: notifications of a day go out together after midnight (UTC),
// once, in the person's language; weekly ones after the week's end.
func TestDigestsAcrossASimulatedDayAndWeek(t *testing.T) {
	eachWithMail(t, func(t *testing.T, api *testAPI, smtp *mailtest.Server) {
		api.do("analyst", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "weekly", "language": "zh-Hans"}).want(200)
		for _, title := range []string{"Morning news", "Evening news"} {
			for _, to := range []string{api.partner.ID, api.analyst.ID} {
				if err := api.svc.Notify(ctx, transfer.NotifyInput{RecipientID: to, Type: "listing.published", Title: title}); err != nil {
					t.Fatal(err)
				}
			}
		}
		digests := func() int {
			n, err := api.svc.SendDigests(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := digests(); n != 0 {
			t.Fatalf("%d digests before the day ended", n)
		}
		api.advance(24 * time.Hour)
		if n := digests(); n != 1 {
			t.Fatalf("%d digests after the day", n)
		}
		if n := digests(); n != 0 {
			t.Fatalf("a second pass sent %d more", n)
		}
		api.deliverMail()
		msgs := smtp.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "partner@test.example" || !strings.Contains(msgs[0].Body, "Morning news") ||
			!strings.Contains(msgs[0].Body, "Evening news") || !strings.Contains(msgs[0].Header.Get("Subject"), "2") {
			t.Fatalf("daily digest: %d messages %+v", len(msgs), msgs)
		}
		api.advance(7 * 24 * time.Hour)
		if n := digests(); n != 1 {
			t.Fatalf("%d weekly digests", n)
		}
		api.deliverMail()
		msgs = smtp.Messages()
		if len(msgs) != 2 || msgs[1].To[0] != "analyst@test.example" || !strings.Contains(msgs[1].Body, "Evening news") {
			t.Fatalf("weekly digest: %+v", msgs)
		}
		if subj := msgs[1].Header.Get("Subject"); !strings.Contains(decodeHeader(subj), "新通知") {
			t.Errorf("weekly subject %q is not in Chinese", decodeHeader(subj))
		}
	})
}

// SMTP refusals are retried with backoff and shown to staff; a 5xx gives up.
func TestMailErrorsAreRetriedAndShownToStaff(t *testing.T) {
	eachWithMail(t, func(t *testing.T, api *testAPI, smtp *mailtest.Server) {
		api.do("partner", "PATCH", "/api/v1/me/notification-settings", map[string]any{"email_mode": "instant"}).want(200)
		if err := api.svc.Notify(ctx, transfer.NotifyInput{RecipientID: api.partner.ID, Type: "test", Title: "retry me"}); err != nil {
			t.Fatal(err)
		}
		smtp.FailNext(451)
		api.deliverMail()
		var list struct {
			Items []struct {
				Status    string `json:"status"`
				Attempts  int    `json:"attempts"`
				LastError string `json:"last_error"`
			} `json:"items"`
		}
		api.do("staff", "GET", "/api/v1/mail/deliveries?status=pending", nil).want(200).json(&list)
		if len(list.Items) != 1 || list.Items[0].Attempts != 1 || !strings.Contains(list.Items[0].LastError, "451") {
			t.Fatalf("after a 451: %+v", list.Items)
		}
		api.deliverMail() // not due yet
		if len(smtp.Messages()) != 0 {
			t.Fatal("retried before its time")
		}
		api.advance(10 * time.Second)
		api.deliverMail()
		if len(smtp.Messages()) != 1 {
			t.Fatalf("%d messages after the retry", len(smtp.Messages()))
		}
		if err := api.svc.Notify(ctx, transfer.NotifyInput{RecipientID: api.partner.ID, Type: "test", Title: "refused"}); err != nil {
			t.Fatal(err)
		}
		smtp.FailNext(550)
		api.deliverMail()
		api.do("staff", "GET", "/api/v1/mail/deliveries?status=failed", nil).want(200).json(&list)
		if len(list.Items) != 1 || !strings.Contains(list.Items[0].LastError, "550") {
			t.Fatalf("after a 550: %+v", list.Items)
		}
		api.do("partner", "GET", "/api/v1/mail/deliveries", nil).want(403)
	})
}

// Two API processes on one database: a search saved through one is known
// to the other after a sync, and however often and wherever a listing is
// evaluated, its owner hears of it once.
func TestAlertsOnceAcrossTwoProcesses(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			cfg := dbtest.Config(t, dialect)
			a := newTestAPI(t, dbtest.Open(t, cfg), emptyConfig)
			b, err := transfer.NewService(dbtest.Open(t, cfg), auth.FastArgon2, a.tokens, transfer.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.BuildAlertIndex(ctx); err != nil {
				t.Fatal(err)
			}
			a.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Dryers", "type": "search", "kind": "offer",
				"q": "dryer"}).want(201)
			if n, err := b.SyncAlertIndex(ctx); err != nil || n != 1 {
				t.Fatalf("B read %d searches: %v", n, err)
			}
			// Published through B (its own matching index knows nothing of A).
			staff := a.staff.Actor()
			l, err := b.CreateListing(ctx, staff, transfer.KindOffer, transfer.ListingInput{Listing: transfer.Listing{
				InstitutionID: a.otherInst.ID, Title: "Heat-pump dryer", Summary: "for cassava", Language: "en",
				Sector: "modern_agriculture", Visibility: "public", TRL: 7, IPStatus: "know_how"}})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range []transfer.Move{transfer.MoveSubmit, transfer.MovePublish} {
				if l, err = b.MoveListing(ctx, staff, transfer.KindOffer, l.ID, m, 0, ""); err != nil {
					t.Fatal(err)
				}
			}
			// Both processes change it at once, each evaluating it again.
			var wg sync.WaitGroup
			for i, svc := range []*transfer.Service{a.svc, b, a.svc, b} {
				wg.Go(func() {
					summary := "for cassava, version " + string(rune('a'+i))
					for {
						cur, err := svc.Listing(ctx, staff, transfer.KindOffer, l.ID)
						if err == nil {
							_, err = svc.UpdateListing(ctx, staff, transfer.KindOffer, l.ID, cur.Version, transfer.ListingPatch{Summary: &summary})
						}
						if err == nil {
							return
						}
					}
				})
			}
			wg.Wait()
			if got := a.alertsOf("partner"); len(got) != 1 || got[0] != l.ID {
				t.Fatalf("alerts %v, want exactly one for %s", got, l.ID)
			}
		})
	}
}

func decodeHeader(s string) string {
	out, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}

// The owner is read as they stand at evaluation time: a disabled person's
// searches raise nothing, and a partner moved to the listing's institution
// hears nothing of its own institution's listing.
func TestAlertsFollowTheOwnerAsTheyStandNow(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		api.do("analyst", "POST", "/api/v1/saved-searches", map[string]any{"name": "Dryers", "type": "search", "kind": "offer",
			"q": "dryer"}).want(201)
		api.do("partner", "POST", "/api/v1/saved-searches", map[string]any{"name": "Dryers", "type": "search", "kind": "offer",
			"q": "dryer"}).want(201)
		admin := api.admin.Actor()
		if _, err := api.svc.UpdateUser(ctx, admin, api.analyst.ID, 0, transfer.UserPatch{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := api.svc.UpdateUser(ctx, admin, api.partner.ID, 0, transfer.UserPatch{InstitutionID: ptr(api.otherInst.ID)}); err != nil {
			t.Fatal(err)
		}
		l := api.publishOffer(api.otherInst.ID, "Heat-pump dryer for cassava chips", "public")
		for _, who := range []string{api.analyst.ID, api.partner.ID} {
			p, err := api.svc.Notifications(ctx, transfer.Actor{ID: who, Kind: transfer.ActorUser, Role: transfer.RoleAnalyst},
				transfer.NotificationFilter{}, transfer.PageRequest{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range p.Items {
				if n.Type == "alert.matched" {
					t.Errorf("%s alerted of %s", who, l.ID)
				}
			}
		}
	})
}
