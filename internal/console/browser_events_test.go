package console_test

// Browser tests of the event, notification, saved-search, settings and
// lexicon pages (same harness as browser_test.go).

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// eventDay is a day some weeks ahead, the day of the test events.
func eventDay() string { return time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02") }

// field is the control labelled label (the console puts the control right after its label).
func fieldX(label string) string {
	return fmt.Sprintf(`//label[normalize-space(.)=%q]/following-sibling::*[self::input or self::select or self::textarea][1]`, label)
}

// TestEventJourney: staff create an event with a session, register two
// institutions, one asks the other for a meeting and it is accepted, the
// schedule run places it, the agenda board shows it, an outcome is recorded.
func TestEventJourney(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect string) {
		s := startSite(t, dialect)
		s.call("staff", "POST", "/offers/"+s.offer+"/publish", map[string]any{})
		ctx := browser(t)
		signIn(t, ctx, s, "staff@test.example")
		day := eventDay()
		go_(t, ctx, s, "#/events/new", chromedp.WaitVisible(button("Create event")))
		run(t, ctx, "create event",
			chromedp.SendKeys(fieldX("Name"), "CAEXPO matchmaking"),
			chromedp.SetValue(fieldX("Time zone"), "Asia/Bangkok"),
			chromedp.SetValue(fieldX("First day"), day),
			chromedp.SetValue(fieldX("Last day"), day),
			chromedp.SendKeys(fieldX("City"), "Nanning"),
			chromedp.SetValue(fieldX("Sector"), "new_energy"),
			chromedp.SetValue(fieldX("Starts at"), day+"T09:00"),
			chromedp.SetValue(fieldX("Ends at"), day+"T10:00"),
			chromedp.SetValue(fieldX("Break (minutes)"), "0"),
			chromedp.SetValue(fieldX("Tables"), "2"),
			// a slot too short: the error sits under its field
			chromedp.SetValue(fieldX("Slot (minutes)"), "3"),
			chromedp.Click(button("Create event")),
			chromedp.WaitVisible(`//div[@data-field="sessions.slot_minutes"]/p[@class="err" and contains(., "between 5 and 240")]`),
			chromedp.WaitVisible(`//div[@data-field="sessions.slot_minutes"]/input[@aria-invalid="true"]`),
			chromedp.SetValue(fieldX("Slot (minutes)"), "30"),
			chromedp.Click(button("Create event")),
			chromedp.WaitVisible(`//h1[.="CAEXPO matchmaking"]`))
		docShot(t, ctx, "event")
		run(t, ctx, "open registration", chromedp.Click(button("Set status: open for registration")),
			chromedp.WaitVisible(`//dd[@id="event-status" and .="open for registration"]`))
		hash := value(t, ctx, "hash", chromedp.Evaluate[string](`location.hash`))
		id := strings.TrimPrefix(hash, "#/events/")

		go_(t, ctx, s, "#/events/"+id+"/registrations", chromedp.WaitVisible(button("Register a delegation")))
		register := func(inst, delegate, listing string, n int) {
			run(t, ctx, "register "+delegate,
				chromedp.SendKeys(fieldX("Institution ID"), inst),
				chromedp.SendKeys(fieldX("Delegates"), delegate), // leaving the institution field lists its listings
				chromedp.Click(fmt.Sprintf(`//fieldset/legend[.="Listings"]/following-sibling::div/label[contains(., %q)]/input`, listing)),
				chromedp.Click(button("Register a delegation")),
				text(strings.Split(delegate, " |")[0]), text(fmt.Sprintf("%d in total", n)))
		}
		register(s.cnInst, "Li Wei | director | zh, en", "LFP battery storage cabinets", 1)
		register(s.thInst, "Somchai Dee | manager | th, en", "Battery energy storage for island", 2)
		docShot(t, ctx, "event-delegations")

		run(t, ctx, "ask", chromedp.Click(`//nav//a[.="Meeting requests"]`), chromedp.WaitVisible(button("Ask for a meeting")),
			chromedp.SendKeys(`//form//label[.="Note"]/following-sibling::input`, "about the LFP cabinets"),
			chromedp.Click(button("Ask for a meeting")), text("about the LFP cabinets"))
		run(t, ctx, "accept", chromedp.SendKeys(`//input[@aria-label="Note with the answer"]`, "gladly"), chromedp.Click(button("Accept")),
			chromedp.WaitVisible(`//td[.="accepted"]`), text("gladly"))

		run(t, ctx, "schedule", chromedp.Click(`//nav//a[.="Overview"]`), chromedp.WaitVisible(button("Run the schedule")),
			chromedp.Click(button("Run the schedule")), text("Created 1, kept 0"), text("Left out: 0"))
		docShot(t, ctx, "event-schedule")

		run(t, ctx, "board", chromedp.Click(`//nav//a[.="Agenda board"]`), chromedp.WaitVisible(`//td[@class="meeting"]//a[contains(., "Guangxi University") and contains(., "Chulalongkorn Innovation")]`),
			text("Times in Asia/Bangkok."), chromedp.WaitVisible(`//th[@scope="row" and starts-with(normalize-space(.), "9:00")]`))
		docShot(t, ctx, "event-board")
		run(t, ctx, "meeting", chromedp.Click(`//td[@class="meeting"]//a`), chromedp.WaitVisible(button("Record outcome")),
			chromedp.WaitVisible(button("Cancel this meeting")),
			chromedp.SetValue(fieldX("Outcome"), "agreement_expected"),
			chromedp.SendKeys(`//form//label[.="Note"]/following-sibling::input`, "term sheet next month"),
			chromedp.Click(button("Record outcome")),
			chromedp.WaitVisible(`//dd[@id="outcome-a" and contains(., "agreement expected — term sheet next month")]`),
			chromedp.WaitVisible(`//dd[@id="meeting-status" and .="held"]`))
		ms := s.call("staff", "GET", "/events/"+id+"/meetings", nil)["items"].([]any)
		if len(ms) != 1 || ms[0].(map[string]any)["match_id"] == nil {
			t.Fatalf("after the outcome, the meeting should name a match record: %v", ms)
		}

		// A delegation's agenda, with its iCalendar download.
		regs := s.call("staff", "GET", "/events/"+id+"/registrations", nil)["items"].([]any)
		rid := regs[0].(map[string]any)["id"].(string)
		go_(t, ctx, s, "#/events/"+id+"/registrations/"+rid+"/agenda", chromedp.WaitVisible(button("Download iCalendar (.ics)")))
		run(t, ctx, "agenda row", chromedp.WaitVisible(`//main//table//tbody/tr[contains(., "Somchai Dee")]`),
			// keep what the download button hands to the browser
			eval(`window.__ics = ''; { const o = URL.createObjectURL; URL.createObjectURL = (b) => { b.text().then((x) => { window.__ics = x; }); return o.call(URL, b); }; }`),
			chromedp.Click(button("Download iCalendar (.ics)")))
		value(t, ctx, "ics", chromedp.Poll[bool](`window.__ics.includes('BEGIN:VCALENDAR') && window.__ics.includes('TZID=Asia/Bangkok')`))

		go_(t, ctx, s, "#/events/"+id+"/stats", text("Meetings held"))
		held := value(t, ctx, "held", chromedp.Evaluate[string](`document.querySelector('[role=meter][aria-label="Meetings held"]').getAttribute('aria-valuenow')`))
		if held != "1" {
			t.Fatalf("event figures: meetings held %q, want 1", held)
		}
		docShot(t, ctx, "event-stats")
	})
}

// TestPartnerNotification: a partner saves a search from the demands list's
// filters; staff publish a matching demand; the bell shows 1, the
// notifications page lists it, marking it read clears the bell.
func TestPartnerNotification(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect string) {
		s := startSite(t, dialect)
		s.login("partner", "partner@test.example")
		ctx := browser(t)
		signIn(t, ctx, s, "partner@test.example")
		run(t, ctx, "bell zero", chromedp.WaitVisible(`//a[@id="bell" and @aria-label="Notifications, 0 unread"]`))
		go_(t, ctx, s, "#/demands?sector=modern_agriculture", chromedp.WaitVisible(`//a[.="Save this search"]`))
		run(t, ctx, "save search", chromedp.Click(`//a[.="Save this search"]`), chromedp.WaitVisible(button("Save")),
			chromedp.SendKeys(fieldX("Name"), "Agriculture demands"),
			chromedp.Click(button("Save")), text("Agriculture demands"))
		docShot(t, ctx, "saved-searches")

		d := s.call("staff", "POST", "/demands", map[string]any{"institution_id": s.thInst, "title": "Drip irrigation for durian orchards",
			"summary": "Water-saving drip irrigation with sensors for durian orchards", "language": "en", "sector": "modern_agriculture",
			"min_trl": 5, "transfer_modes": []string{"licensing"}, "keywords": []string{"irrigation"}})["id"].(string)
		s.call("staff", "POST", "/demands/"+d+"/submit", map[string]any{})
		s.call("staff", "POST", "/demands/"+d+"/publish", map[string]any{})
		var unread float64
		for i := 0; i < 40 && unread == 0; i++ { // alerts follow the publication shortly
			unread = s.call("partner", "GET", "/notifications/unread-count", nil)["unread"].(float64)
			if unread == 0 {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if unread != 1 {
			t.Fatalf("unread notifications after the publication: %v", unread)
		}
		go_(t, ctx, s, "#/offers", chromedp.WaitVisible(`//a[@id="bell" and @aria-label="Notifications, 1 unread"]`))
		run(t, ctx, "bell", chromedp.Click(`//a[@id="bell"]`), text("Drip irrigation for durian orchards"),
			chromedp.WaitVisible(`//li[contains(@class,"unread")]//a[.="Open the listing"]`))
		docShot(t, ctx, "notifications")
		run(t, ctx, "mark read", chromedp.Click(button("Mark read")),
			chromedp.WaitVisible(`//a[@id="bell" and @aria-label="Notifications, 0 unread"]`),
			chromedp.WaitVisible(`//li[contains(@class,"read") and not(contains(@class,"unread"))]`))
		run(t, ctx, "open listing", chromedp.Click(`//a[.="Open the listing"]`), chromedp.WaitVisible(`//h1[.="Drip irrigation for durian orchards"]`))

		// E-mail settings.
		go_(t, ctx, s, "#/settings", chromedp.WaitVisible(button("Save")))
		run(t, ctx, "settings", chromedp.SetValue(fieldX("E-mail"), "weekly"), chromedp.SetValue(fieldX("Language of e-mails"), "zh-Hans"),
			chromedp.Click(button("Save")))
		for i := 0; i < 50; i++ {
			if s.call("partner", "GET", "/me/notification-settings", nil)["email_mode"] == "weekly" {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if got := s.call("partner", "GET", "/me/notification-settings", nil); got["email_mode"] != "weekly" || got["language"] != "zh-Hans" {
			t.Fatalf("settings after saving: %v", got)
		}

		// Watch one's own published listing; delete the saved search.
		s.call("staff", "POST", "/offers/"+s.offer+"/publish", map[string]any{})
		go_(t, ctx, s, "#/offers/"+s.offer, chromedp.WaitVisible(button("Watch for new counterparts")))
		run(t, ctx, "watch", chromedp.Click(button("Watch for new counterparts")), text("Watching: you will be told of new counterparts."))
		go_(t, ctx, s, "#/saved-searches", text("2 in total"))
		run(t, ctx, "delete", chromedp.Click(`//tr[td[.="Agriculture demands"]]//button[.="Delete"]`), text("1 in total"))
	})
}

// TestLexiconConflict: staff add a concept, and a change saved over someone
// else's is refused and said so.
func TestLexiconConflict(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect string) {
		s := startSite(t, dialect)
		ctx := browser(t)
		signIn(t, ctx, s, "staff@test.example")
		go_(t, ctx, s, "#/lexicon/new", chromedp.WaitVisible(button("Save")))
		run(t, ctx, "create", chromedp.SendKeys(fieldX("Concept ID"), "durian_drying"),
			chromedp.SendKeys(fieldX("Terms in zh"), "榴莲干燥"), chromedp.SendKeys(fieldX("Terms in en"), "durian drying, durian dehydration"),
			chromedp.SendKeys(fieldX("Terms in id"), "pengeringan durian"), chromedp.SendKeys(fieldX("Terms in vi"), "sấy sầu riêng"),
			chromedp.SendKeys(fieldX("Terms in th"), "อบทุเรียน"), chromedp.SendKeys(fieldX("Terms in ms"), "pengeringan durian"),
			chromedp.SendKeys(fieldX("Subsectors"), "*"),
			chromedp.Click(button("Save")), chromedp.WaitVisible(`//h1[.="durian_drying"]`))
		s.call("staff", "PATCH", "/lexicon/concepts/durian_drying", map[string]any{"terms": map[string]any{"th": []string{"การอบแห้งทุเรียน"}}}, "If-Match", `"1"`)
		run(t, ctx, "stale save", chromedp.SendKeys(fieldX("Terms in vi"), ", sấy khô sầu riêng"), chromedp.Click(button("Save")),
			text("Someone else changed this concept since you opened it"))
		run(t, ctx, "reload", chromedp.Click(button("Reload the current version")))
		// after the reload the other change is shown, and the form has forgotten the refused one
		value(t, ctx, "other change shown", chromedp.Poll[bool](`(() => { const th = [...document.querySelectorAll('label')].find((l) => l.textContent === 'Terms in th'); return !!th && th.control.value === 'การอบแห้งทุเรียน'; })()`))
		go_(t, ctx, s, "#/lexicon?q=durian", text("durian_drying"))
		docShot(t, ctx, "lexicon")
	})
}

// TestPartnerEvent: a partner registers its own delegation (no institution
// field), asks another delegation for a meeting, and sees no figures; an
// analyst sees the overview and the figures only.
func TestPartnerEvent(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect string) {
		s := startSite(t, dialect)
		s.call("staff", "POST", "/offers/"+s.offer+"/publish", map[string]any{})
		day := eventDay()
		ev := s.call("staff", "POST", "/events", map[string]any{"name": "Nanning fair", "time_zone": "Asia/Shanghai", "starts_on": day, "ends_on": day, "status": "open",
			"sessions": []map[string]any{{"sector": "new_energy", "starts_at": day + "T01:00:00Z", "ends_at": day + "T03:00:00Z", "slot_minutes": 30, "break_minutes": 0, "tables": 3}}})["id"].(string)
		s.call("staff", "POST", "/events/"+ev+"/registrations", map[string]any{"institution_id": s.thInst, "delegates": []map[string]any{{"name": "Somchai Dee", "languages": []string{"th", "en"}}}, "listing_ids": []string{s.demand}})
		ctx := browser(t)
		signIn(t, ctx, s, "partner@test.example")
		go_(t, ctx, s, "#/events", text("Nanning fair"))
		run(t, ctx, "open", chromedp.Click(`//a[.="Nanning fair"]`), chromedp.WaitVisible(`//nav//a[.="Delegations"]`))
		if n := value(t, ctx, "tabs", chromedp.Evaluate[int](`document.querySelectorAll('main nav a[href$="/stats"]').length + document.querySelectorAll('button.primary').length`)); n != 0 {
			t.Fatalf("a partner sees the figures tab or staff buttons on the event: %d", n)
		}
		go_(t, ctx, s, "#/events/"+ev+"/registrations", chromedp.WaitVisible(button("Register a delegation")))
		if n := value(t, ctx, "inst field", chromedp.Evaluate[int](`[...document.querySelectorAll('label')].filter((l) => l.textContent === 'Institution ID').length`)); n != 0 {
			t.Fatal("a partner is asked for an institution ID when registering its own")
		}
		run(t, ctx, "register", chromedp.SendKeys(fieldX("Delegates"), "Li Wei | director | zh, en"),
			chromedp.Click(`//fieldset/legend[.="Listings"]/following-sibling::div/label[contains(., "Offers: LFP battery storage cabinets")]/input`),
			chromedp.Click(button("Register a delegation")), text("2 in total"))
		go_(t, ctx, s, "#/events/"+ev+"/requests", chromedp.WaitVisible(button("Ask for a meeting")))
		run(t, ctx, "ask", chromedp.SendKeys(`//form//label[.="Note"]/following-sibling::input`, "LFP cabinets for islands"),
			chromedp.Click(button("Ask for a meeting")), chromedp.WaitVisible(`//td[.="pending"]`))
		// the partner may not answer its own request: no Accept button
		if n := value(t, ctx, "accept", chromedp.Evaluate[int](`[...document.querySelectorAll('button')].filter((b) => b.textContent === 'Accept').length`)); n != 0 {
			t.Fatal("the asking partner is offered to accept its own request")
		}

		run(t, ctx, "sign out", chromedp.Click(button("Sign out")), chromedp.WaitVisible(css(`input[type=email]`)))
		signIn(t, ctx, s, "analyst@test.example")
		go_(t, ctx, s, "#/events/"+ev, chromedp.WaitVisible(`//h1[.="Nanning fair"]`))
		tabs := value(t, ctx, "analyst tabs", chromedp.Evaluate[[]string](`[...document.querySelectorAll('main nav a')].map((a) => a.textContent)`))
		if strings.Join(tabs, ",") != "Overview,Event figures" {
			t.Fatalf("an analyst's event tabs: %v", tabs)
		}
		go_(t, ctx, s, "#/events/"+ev+"/stats", text("Delegations by country"))
	})
}
