package transfer

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSessionSlots(t *testing.T) {
	start := time.Date(2027, 3, 10, 1, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		minutes, slot, brk, want int
	}{{150, 20, 5, 6}, {150, 25, 5, 5}, {20, 20, 0, 1}, {19, 20, 0, 0}, {60, 15, 0, 4}} {
		s := Session{StartsAt: start, EndsAt: start.Add(time.Duration(c.minutes) * time.Minute), SlotMinutes: c.slot, BreakMinutes: c.brk}
		slots := s.Slots()
		if len(slots) != c.want {
			t.Errorf("%+v: %d slots, want %d", c, len(slots), c.want)
		}
		for i, sl := range slots {
			if sl.Index != i || sl.End.Sub(sl.Start) != time.Duration(c.slot)*time.Minute || sl.End.After(s.EndsAt) {
				t.Errorf("%+v: slot %+v", c, sl)
			}
		}
	}
}

func TestEventMoves(t *testing.T) {
	allowed := map[[2]EventStatus]bool{{EventDraft, EventOpen}: true, {EventOpen, EventPublished}: true,
		{EventPublished, EventFinished}: true, {EventDraft, EventCancelled}: true, {EventOpen, EventCancelled}: true,
		{EventPublished, EventCancelled}: true}
	for _, from := range EventStatuses {
		for _, to := range EventStatuses {
			got := false
			for _, x := range eventMoves[from] {
				got = got || x == to
			}
			if got != allowed[[2]EventStatus{from, to}] {
				t.Errorf("%s → %s: allowed %v", from, to, got)
			}
		}
	}
}

func agendaOf(name, tz, startsOn, endsOn string, start time.Time) Agenda {
	e := Event{ID: "e", Name: name, Venue: "Hall 1; east, \\ wing", TimeZone: tz, StartsOn: startsOn, EndsOn: endsOn}
	m := Meeting{ID: "m1", StartsAt: start, EndsAt: start.Add(20 * time.Minute), Table: 4, Sequence: 3, Status: MeetingScheduled}
	return Agenda{Event: e, Items: []AgendaItem{{Meeting: m, CounterpartName: name,
		Counterpart: Registration{Delegates: []Delegate{{Name: "Nguyễn Thị Lan", Role: "R&D, head"}}},
		Listings:    []AgendaListing{{Kind: KindOffer, Title: "钙钛矿叠层电池; 28 % 效率, 中试线\n第二行"}}}}}
}

// TestICSFoldsAndEscapes: lines of at most 75 octets, cut between
// characters, CRLF everywhere, TEXT escaped (RFC 5545 §3.1, §3.3.11).
func TestICSFoldsAndEscapes(t *testing.T) {
	name := strings.Repeat("广西壮族自治区科学技术厅", 8)
	ics := string(agendaOf(name, "Asia/Shanghai", "2027-03-10", "2027-03-10", time.Date(2027, 3, 10, 1, 0, 0, 0, time.UTC)).ICS(time.Unix(0, 0)))
	if !strings.HasSuffix(ics, "\r\n") || strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Fatal("lines must end with CRLF, and only there")
	}
	for _, line := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("%d octets: %q", len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("folded inside a character: %q", line)
		}
	}
	u := strings.ReplaceAll(ics, "\r\n ", "")
	for _, want := range []string{
		"SUMMARY:Meeting with " + name + "\r\n",
		`LOCATION:Table 5\, Hall 1\; east\, \\ wing` + "\r\n",
		`offer: 钙钛矿叠层电池\; 28 % 效率\, 中试线\n第二行`,
		`Delegate: Nguyễn Thị Lan (R&D\, head)`,
		"UID:m1@techbridge\r\n", "SEQUENCE:3\r\n", "DTSTART;TZID=Asia/Shanghai:20270310T090000\r\n",
		"DTEND;TZID=Asia/Shanghai:20270310T092000\r\n", "TZOFFSETTO:+0800\r\n",
	} {
		if !strings.Contains(u, want) {
			t.Errorf("missing %q in\n%s", want, ics)
		}
	}
}

// TestICSTimezoneWithDaylightSaving: an event across the spring change in
// Berlin describes both offsets and the minute of the change.
func TestICSTimezoneWithDaylightSaving(t *testing.T) {
	ics := string(agendaOf("x", "Europe/Berlin", "2027-03-27", "2027-03-29", time.Date(2027, 3, 29, 8, 0, 0, 0, time.UTC)).ICS(time.Unix(0, 0)))
	for _, want := range []string{"BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100",
		"BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST",
		"DTSTART;TZID=Europe/Berlin:20270329T100000"} {
		if !strings.Contains(ics, want) {
			t.Errorf("missing %q in\n%s", want, ics)
		}
	}
	// A cancelled meeting stays, marked, with its UID: a re-import removes it.
	ag := agendaOf("x", "Asia/Bangkok", "2027-03-10", "2027-03-10", time.Date(2027, 3, 10, 1, 0, 0, 0, time.UTC))
	ag.Items[0].Meeting.Status = MeetingCancelled
	if s := string(ag.ICS(time.Unix(0, 0))); !strings.Contains(s, "STATUS:CANCELLED") || !strings.Contains(s, "UID:m1@techbridge") {
		t.Errorf("cancelled meeting:\n%s", s)
	}
}

func TestEventValidate(t *testing.T) {
	start := time.Date(2027, 3, 10, 1, 0, 0, 0, time.UTC)
	ok := Event{Name: "n", TimeZone: "Asia/Shanghai", StartsOn: "2027-03-10", EndsOn: "2027-03-10", Status: EventDraft,
		Sessions: []Session{{Sector: "new_energy", StartsAt: start, EndsAt: start.Add(time.Hour), SlotMinutes: 20, Tables: 1}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(e *Event){
		"time_zone":         func(e *Event) { e.TimeZone = "Local" },
		"time_zone path":    func(e *Event) { e.TimeZone = "/etc/localtime" },
		"ends_on":           func(e *Event) { e.EndsOn = "2027-03-09" },
		"too long":          func(e *Event) { e.EndsOn = "2027-06-09" },
		"session outside":   func(e *Event) { e.Sessions[0].StartsAt = start.Add(-48 * time.Hour) },
		"slot too long":     func(e *Event) { e.Sessions[0].SlotMinutes = 90 },
		"slots too many":    func(e *Event) { e.Sessions[0].SlotMinutes, e.Sessions[0].EndsAt = 5, start.Add(20*time.Hour) },
		"tables":            func(e *Event) { e.Sessions[0].Tables = MaxTables + 1 },
		"sector":            func(e *Event) { e.Sessions[0].Sector = "astrology" },
		"window":            func(e *Event) { e.RegistrationOpens, e.RegistrationCloses = &start, &start },
		"interpreter seats": func(e *Event) { e.Sessions[0].Interpreters = map[string]int{"zh": -1} },
	} {
		e := ok
		e.Sessions = append([]Session(nil), ok.Sessions...)
		mut(&e)
		if err := e.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
