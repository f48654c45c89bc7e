package transfer

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// AgendaListing is a listing a meeting is about, as the reader may see it.
type AgendaListing struct {
	ID    string
	Kind  Kind
	Title string
}

// AgendaItem is one meeting of an agenda with what the reader needs at the table.
type AgendaItem struct {
	Meeting         Meeting
	Session         Session
	Counterpart     Registration
	CounterpartName string
	Listings        []AgendaListing
}

// Agenda is a delegation's meetings at an event.
type Agenda struct {
	Event        Event
	Registration Registration
	Items        []AgendaItem
}

// Agenda returns a delegation's agenda (staff, or its own partners),
// cancelled meetings included so that a calendar re-import removes them.
func (s *Service) Agenda(ctx context.Context, a Actor, eventID, regID string) (Agenda, error) {
	e, ms, err := s.Meetings(ctx, a, eventID, MeetingFilter{RegistrationID: regID, IncludeCancelled: true})
	if err != nil {
		return Agenda{}, err
	}
	reg, err := s.registration(ctx, a, e, regID)
	if err != nil {
		return Agenda{}, err
	}
	ag := Agenda{Event: e, Registration: reg}
	names := map[string]string{}
	now := s.now()
	for _, m := range ms {
		other := m.ARegistrationID
		if other == regID {
			other = m.BRegistrationID
		}
		cp, err := s.db(ctx).RegistrationByID(ctx, other)
		if err != nil {
			return Agenda{}, fmt.Errorf("agenda: %w", err)
		}
		name, ok := names[cp.InstitutionID]
		if !ok {
			in, err := s.db(ctx).InstitutionByID(ctx, cp.InstitutionID)
			if err != nil {
				return Agenda{}, fmt.Errorf("agenda: %w", err)
			}
			name, names[cp.InstitutionID] = in.Name, in.Name
		}
		item := AgendaItem{Meeting: m, Counterpart: cp, CounterpartName: name}
		item.Session, _ = e.session(m.SessionID)
		var ids []string
		for _, id := range []string{m.OfferID, m.DemandID} {
			if id != "" {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			ls, err := s.db(ctx).ListingsByIDs(ctx, ids)
			if err != nil {
				return Agenda{}, fmt.Errorf("agenda: %w", err)
			}
			for _, l := range ls {
				if l.visibleTo(a, now) || reg.InstitutionID == l.InstitutionID {
					item.Listings = append(item.Listings, AgendaListing{ID: l.ID, Kind: l.Kind, Title: l.Title})
				}
			}
		}
		ag.Items = append(ag.Items, item)
	}
	return ag, nil
}

// ICS renders the agenda as an iCalendar stream (RFC 5545): one VEVENT per
// meeting in the event's time zone (with its VTIMEZONE), UIDs that stay with
// the meeting, and a SEQUENCE that grows with every change, so that a
// calendar re-importing the file updates, moves and cancels in place.
func (ag Agenda) ICS(now time.Time) []byte {
	var b strings.Builder
	w := func(name, value string) { writeICSLine(&b, name+":"+value) }
	loc := ag.Event.Location()
	tzid := ag.Event.TimeZone
	w("BEGIN", "VCALENDAR")
	w("VERSION", "2.0")
	w("PRODID", "-//techbridge//matchmaking events//EN")
	w("CALSCALE", "GREGORIAN")
	w("METHOD", "PUBLISH")
	w("X-WR-CALNAME", icsText(ag.Event.Name))
	writeVTimezone(&b, ag.Event, loc)
	local := func(t time.Time) string { return t.In(loc).Format("20060102T150405") }
	for _, it := range ag.Items {
		m := it.Meeting
		w("BEGIN", "VEVENT")
		w("UID", m.ID+"@techbridge")
		w("DTSTAMP", now.UTC().Format("20060102T150405Z"))
		if localOK(m.StartsAt, loc) && localOK(m.EndsAt, loc) && local(m.StartsAt) < local(m.EndsAt) {
			w("DTSTART;TZID="+icsParam(tzid), local(m.StartsAt))
			w("DTEND;TZID="+icsParam(tzid), local(m.EndsAt))
		} else {
			// A local time the clocks pass twice (or skip) names no one
			// instant: this meeting is written in UTC.
			w("DTSTART", m.StartsAt.UTC().Format("20060102T150405Z"))
			w("DTEND", m.EndsAt.UTC().Format("20060102T150405Z"))
		}
		w("SEQUENCE", strconv.Itoa(m.Sequence))
		w("SUMMARY", icsText("Meeting with "+it.CounterpartName))
		loc := "Table " + strconv.Itoa(m.Table+1)
		if ag.Event.Venue != "" {
			loc += ", " + ag.Event.Venue
		}
		w("LOCATION", icsText(loc))
		var desc []string
		desc = append(desc, "Counterpart: "+it.CounterpartName)
		for _, d := range it.Counterpart.Delegates {
			line := "Delegate: " + d.Name
			if d.Role != "" {
				line += " (" + d.Role + ")"
			}
			desc = append(desc, line)
		}
		if it.Session.Title != "" || it.Session.Sector != "" {
			desc = append(desc, "Session: "+strings.TrimSpace(it.Session.Title+" "+it.Session.Sector))
		}
		desc = append(desc, "Table: "+strconv.Itoa(m.Table+1))
		if m.Interpreter != "" {
			desc = append(desc, "Interpreter: "+m.Interpreter)
		}
		for _, l := range it.Listings {
			desc = append(desc, string(l.Kind)+": "+l.Title)
		}
		w("DESCRIPTION", icsText(strings.Join(desc, "\n")))
		if m.Status == MeetingCancelled {
			w("STATUS", "CANCELLED")
		} else {
			w("STATUS", "CONFIRMED")
		}
		w("END", "VEVENT")
	}
	w("END", "VCALENDAR")
	return []byte(b.String())
}

// writeVTimezone describes the event's zone over the event's dates: the
// offset in force at their start and every transition until their end.
func writeVTimezone(b *strings.Builder, e Event, loc *time.Location) {
	w := func(name, value string) { writeICSLine(b, name+":"+value) }
	start, err1 := time.ParseInLocation(time.DateOnly, e.StartsOn, loc)
	end, err2 := time.ParseInLocation(time.DateOnly, e.EndsOn, loc)
	if err1 != nil || err2 != nil {
		start, end = time.Now(), time.Now()
	}
	start = start.AddDate(0, 0, -1)
	end = end.AddDate(0, 0, 2)
	offset := func(t time.Time) (string, int) {
		name, off := t.In(loc).Zone()
		return name, off
	}
	type part struct {
		at       time.Time
		from, to int
		name     string
		isSummer bool
	}
	name, off := offset(start)
	parts := []part{{at: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), from: off, to: off, name: name, isSummer: start.In(loc).IsDST()}}
	for t := start; t.Before(end); t = t.Add(time.Hour) {
		_, o2 := offset(t.Add(time.Hour))
		if o2 == off {
			continue
		}
		// Find the minute of the change.
		lo, hi := t, t.Add(time.Hour)
		for hi.Sub(lo) > time.Minute {
			mid := lo.Add(hi.Sub(lo) / 2)
			if _, o := offset(mid); o == off {
				lo = mid
			} else {
				hi = mid
			}
		}
		n2, _ := offset(hi)
		parts = append(parts, part{at: hi.Add(time.Duration(off) * time.Second).UTC(), from: off, to: o2, name: n2, isSummer: hi.In(loc).IsDST()})
		off = o2
	}
	w("BEGIN", "VTIMEZONE")
	w("TZID", icsText(e.TimeZone))
	for _, p := range parts {
		kind := "STANDARD"
		if p.isSummer {
			kind = "DAYLIGHT"
		}
		w("BEGIN", kind)
		w("DTSTART", p.at.Format("20060102T150405"))
		w("TZOFFSETFROM", icsOffset(p.from))
		w("TZOFFSETTO", icsOffset(p.to))
		if p.name != "" && !strings.HasPrefix(p.name, "+") && !strings.HasPrefix(p.name, "-") {
			w("TZNAME", icsText(p.name))
		}
		w("END", kind)
	}
	w("END", "VTIMEZONE")
}

func icsOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
}

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// icsParam quotes a parameter value when it holds characters that need it.
func icsParam(s string) string {
	if strings.ContainsAny(s, `:;,`) {
		return `"` + strings.ReplaceAll(s, `"`, "") + `"`
	}
	return s
}

// writeICSLine folds a content line at 75 octets, never inside a UTF-8
// sequence, and ends it with CRLF (RFC 5545 §3.1).
func writeICSLine(b *strings.Builder, line string) {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

// localOK reports whether t's wall-clock time in loc names t alone: not a
// time the clocks pass twice when they go back, nor one next to a skip.
func localOK(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	wall := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, time.UTC)
	seen := 0
	offsets := map[int]bool{}
	for _, d := range []time.Duration{-48 * time.Hour, -24 * time.Hour, 0, 24 * time.Hour, 48 * time.Hour} {
		_, off := t.Add(d).In(loc).Zone()
		offsets[off] = true
	}
	for off := range offsets {
		u := wall.Add(-time.Duration(off) * time.Second)
		ul := u.In(loc)
		if _, o := ul.Zone(); o == off && ul.Format("20060102T150405") == lt.Format("20060102T150405") {
			seen++
		}
	}
	return seen == 1
}
