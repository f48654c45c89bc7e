package synthetic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

var now = time.Date(2026, 5, 20, 9, 30, 15, 123456789, time.UTC)

func TestTermsCoverTheVocabulary(t *testing.T) {
	var got []string
	for _, s := range sectors {
		for _, sub := range s.subs {
			got = append(got, s.code+"/"+sub.code)
			if len(sub.terms) < 2 {
				t.Errorf("%s/%s has %d terms, want at least 2", s.code, sub.code, len(sub.terms))
			}
			for _, term := range sub.terms {
				for lang, w := range term {
					if w == "" {
						t.Errorf("%s/%s: term %q has no %s form", s.code, sub.code, term[langEN], languages[lang])
					}
				}
			}
		}
	}
	var want []string
	for s, subs := range transfer.Sectors {
		for _, sub := range subs {
			want = append(want, s+"/"+sub)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("term lists cover\n%v\nbut the vocabulary is\n%v", got, want)
	}
}

func generate(seed int64) ([]transfer.Institution, []transfer.Listing, []transfer.Listing) {
	ins := Institutions(seed, 400)
	return ins, Offers(seed, 3000, ins, now), Demands(seed, 2000, ins, now)
}

func TestDeterministic(t *testing.T) {
	i1, o1, d1 := generate(42)
	i2, o2, d2 := generate(42)
	if !reflect.DeepEqual(i1, i2) || !reflect.DeepEqual(o1, o2) || !reflect.DeepEqual(d1, d2) {
		t.Fatal("the same seed gave different data")
	}
	// Byte-identical, pointers followed.
	j1, _ := json.Marshal([]any{i1, o1, d1})
	j2, _ := json.Marshal([]any{i2, o2, d2})
	if !bytes.Equal(j1, j2) {
		t.Fatal("the same seed gave different bytes")
	}
	i3, o3, _ := generate(43)
	if i3[0].ID == i1[0].ID || o3[0].ID == o1[0].ID || o3[0].Title+o3[1].Title == o1[0].Title+o1[1].Title {
		t.Fatal("another seed gave the same data")
	}
	// Demands do not disturb offers: each kind has its own stream.
	if o := Offers(42, 3000, i1, now); !reflect.DeepEqual(o, o1) {
		t.Fatal("offers depend on what was generated before them")
	}
}

func TestValidAndIdentified(t *testing.T) {
	ins, offers, demands := generate(7)
	seen := map[string]bool{}
	known := map[string]bool{}
	for _, in := range ins {
		if err := in.Validate(); err != nil {
			t.Fatalf("institution %+v: %v", in, err)
		}
		if !transfer.ValidID(in.ID) || seen[in.ID] {
			t.Fatalf("institution id %q is malformed or repeated", in.ID)
		}
		seen[in.ID], known[in.ID] = true, true
		if in.CreatedAt.After(in.UpdatedAt) || in.Version != 1 {
			t.Fatalf("institution %s: created %v, updated %v, version %d", in.ID, in.CreatedAt, in.UpdatedAt, in.Version)
		}
	}
	for _, ls := range [][]transfer.Listing{offers, demands} {
		for i, l := range ls {
			if err := l.Validate(now); err != nil {
				t.Fatalf("%s %d %+v: %v", l.Kind, i, l, err)
			}
			if !transfer.ValidID(l.ID) || seen[l.ID] {
				t.Fatalf("%s id %q is malformed or repeated", l.Kind, l.ID)
			}
			seen[l.ID] = true
			if i > 0 && (l.ID <= ls[i-1].ID || l.CreatedAt.Before(ls[i-1].CreatedAt)) {
				t.Fatalf("%s %d: id and creation order differ from generation order", l.Kind, i)
			}
			if !known[l.InstitutionID] {
				t.Fatalf("%s %s names unknown institution %s", l.Kind, l.ID, l.InstitutionID)
			}
			if l.Version != 1 || l.CreatedAt.After(l.UpdatedAt) || l.UpdatedAt.After(now) || l.CreatedAt.Before(now.AddDate(-2, 0, -1)) {
				t.Fatalf("%s %s: version %d, created %v, updated %v", l.Kind, l.ID, l.Version, l.CreatedAt, l.UpdatedAt)
			}
			if (l.Status == transfer.StatusPublished) != (l.PublishedAt != nil) && l.Status != transfer.StatusExpired && l.Status != transfer.StatusWithdrawn {
				t.Fatalf("%s %s is %s with published_at %v", l.Kind, l.ID, l.Status, l.PublishedAt)
			}
			if l.Status == transfer.StatusPublished && !l.Live(now) {
				t.Fatalf("%s %s is published but not live", l.Kind, l.ID)
			}
			if l.Currency != "" && !slices.Contains([]string{"CNY", "USD", "THB", "VND", "IDR", "MYR", "SGD", "PHP"}, l.Currency) {
				t.Fatalf("%s %s: currency %s", l.Kind, l.ID, l.Currency)
			}
			if n := len(l.TransferModes); n < 1 || n > 3 {
				t.Fatalf("%s %s: %d transfer modes", l.Kind, l.ID, n)
			}
		}
	}
}

// share returns the fraction of items for which f holds.
func share[T any](items []T, f func(T) bool) float64 {
	n := 0
	for _, it := range items {
		if f(it) {
			n++
		}
	}
	return float64(n) / float64(len(items))
}

func TestSpread(t *testing.T) {
	ins, offers, demands := generate(1)
	check := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: %.2f, want %.2f–%.2f", what, got, lo, hi)
		}
	}
	check("institutions in China", share(ins, func(in transfer.Institution) bool { return in.Country == "CN" }), 0.32, 0.48)
	types := map[string]bool{}
	countries := map[string]bool{}
	for _, in := range ins {
		types[in.Type], countries[in.Country] = true, true
	}
	for _, typ := range transfer.InstitutionTypes {
		if !types[typ] {
			t.Errorf("no institution of type %s", typ)
		}
	}
	if len(countries) < 8 {
		t.Errorf("institutions in %d countries, want most of China and ASEAN", len(countries))
	}

	all := append(slices.Clone(offers), demands...)
	subs := map[string]int{}
	langs := map[string]int{}
	for _, l := range all {
		subs[l.Sector+"/"+l.Subsector]++
		langs[l.Language]++
	}
	for s, list := range transfer.Sectors {
		for _, sub := range list {
			if subs[s+"/"+sub] < 5 {
				t.Errorf("%s/%s: %d listings", s, sub, subs[s+"/"+sub])
			}
		}
	}
	for _, lang := range languages {
		if float64(langs[lang]) < 0.02*float64(len(all)) {
			t.Errorf("language %s: %d of %d listings", lang, langs[lang], len(all))
		}
	}
	check("offers in zh or en", share(offers, func(l transfer.Listing) bool { return l.Language == "zh" || l.Language == "en" }), 0.7, 1)
	check("demands in ASEAN languages", share(demands, func(l transfer.Listing) bool {
		return slices.Contains([]string{"id", "vi", "th", "ms"}, l.Language)
	}), 0.4, 0.8)
	check("offers at TRL 5–9", share(offers, func(l transfer.Listing) bool { return l.TRL >= 5 }), 0.75, 0.95)
	check("demands' minimum TRL up to 7", share(demands, func(l transfer.Listing) bool { return l.TRL <= 7 }), 1, 1)
	check("confidential", share(all, func(l transfer.Listing) bool { return l.Visibility == "confidential" }), 0.07, 0.13)
	check("published", share(all, func(l transfer.Listing) bool { return l.Status == transfer.StatusPublished }), 0.78, 0.9)
	check("with an end in the future", share(all, func(l transfer.Listing) bool { return l.EndsAt != nil && l.EndsAt.After(now) }), 0.3, 0.6)
	check("priced", share(all, func(l transfer.Listing) bool { return l.Currency != "" }), 0.8, 0.9)
	check("offers with IP status", share(offers, func(l transfer.Listing) bool { return l.IPStatus != "" }), 1, 1)
	check("offers with granted patents", share(offers, func(l transfer.Listing) bool { return l.IPStatus == "patent_granted" }), 0.4, 0.6)

	// The language follows the institution's country most of the time.
	country := map[string]string{}
	for _, in := range ins {
		country[in.ID] = in.Country
	}
	check("listings in their country's language or English", share(all, func(l transfer.Listing) bool {
		return l.Language == languageOf(country[l.InstitutionID]) || l.Language == "en"
	}), 0.9, 1)
}

func TestSmallAndEmpty(t *testing.T) {
	if Institutions(1, 0) != nil || Offers(1, 5, nil, now) != nil || Demands(1, 0, Institutions(1, 3), now) != nil {
		t.Fatal("nothing to generate should give nil")
	}
	ins := Institutions(1, 1)
	for _, l := range append(Offers(1, 50, ins, now), Demands(1, 50, ins, now)...) {
		if l.InstitutionID != ins[0].ID {
			t.Fatalf("a lone institution must own every listing")
		}
		if err := l.Validate(now); err != nil {
			t.Fatal(err)
		}
	}
}

func BenchmarkOffers(b *testing.B) {
	ins := Institutions(1, 1000)
	for b.Loop() {
		Offers(1, 10000, ins, now)
	}
}

var agreementCurrencies = []string{"CNY", "USD", "THB", "VND", "IDR", "MYR", "SGD", "PHP"}

func TestAgreementsDeterministic(t *testing.T) {
	ins := Institutions(42, 400)
	a1 := Agreements(42, 5000, ins, now)
	a2 := Agreements(42, 5000, ins, now)
	if !reflect.DeepEqual(a1, a2) {
		t.Fatal("the same seed gave different agreements")
	}
	j1, _ := json.Marshal(a1)
	j2, _ := json.Marshal(a2)
	if !bytes.Equal(j1, j2) {
		t.Fatal("the same seed gave different bytes")
	}
	if a3 := Agreements(43, 5000, ins, now); a3[0].ID == a1[0].ID || a3[0].Title+a3[1].Title+a3[2].Title == a1[0].Title+a1[1].Title+a1[2].Title {
		t.Fatal("another seed gave the same agreements")
	}
	// Agreements have their own stream: they neither shift nor are shifted by the listings.
	_, o1, _ := generate(42)
	if _, o2, _ := generate(42); !reflect.DeepEqual(o1, o2) {
		t.Fatal("offers changed")
	}
	if ids := map[string]bool{}; true {
		for _, l := range o1 {
			ids[l.ID] = true
		}
		for _, g := range a1 {
			if ids[g.ID] {
				t.Fatalf("agreement id %s is an offer's id", g.ID)
			}
		}
	}
}

func TestAgreementsValid(t *testing.T) {
	ins := Institutions(7, 400)
	byID := map[string]transfer.Institution{}
	for _, in := range ins {
		byID[in.ID] = in
	}
	gs := Agreements(7, 20_000, ins, now)
	if len(gs) != 20_000 {
		t.Fatalf("%d agreements", len(gs))
	}
	seen := map[string]bool{}
	for i, g := range gs {
		if err := g.Validate(); err != nil {
			t.Fatalf("agreement %d %+v: %v", i, g, err)
		}
		if !transfer.ValidID(g.ID) || seen[g.ID] || byID[g.ID].ID != "" {
			t.Fatalf("agreement id %q is malformed or repeated", g.ID)
		}
		seen[g.ID] = true
		if i > 0 && (g.ID <= gs[i-1].ID || g.CreatedAt.Before(gs[i-1].CreatedAt)) {
			t.Fatalf("agreement %d: id and creation order differ from generation order", i)
		}
		if n := len(g.Parties); n < 2 || n > 4 {
			t.Fatalf("agreement %s has %d parties", g.ID, n)
		}
		for _, p := range g.Parties {
			in, ok := byID[p.InstitutionID]
			if !ok || p.Country != in.Country || p.InstitutionType != in.Type {
				t.Fatalf("agreement %s: party %+v does not match its institution %+v", g.ID, p, in)
			}
		}
		if g.Version != 1 || g.CreatedBy == "" || g.CreatedAt.After(g.UpdatedAt) || !g.UpdatedAt.Before(now) ||
			g.CreatedAt.Year() < 2018 {
			t.Fatalf("agreement %s: version %d, created %v, updated %v", g.ID, g.Version, g.CreatedAt, g.UpdatedAt)
		}
		signedLater := g.Status == "signed" || g.Status == "in_execution" || g.Status == "completed"
		switch {
		case g.Status == "planned" && g.SignedOn != "", signedLater && g.SignedOn == "":
			t.Fatalf("agreement %s is %s with signed_on %q", g.ID, g.Status, g.SignedOn)
		case g.Status == "terminated" && g.TerminationReason == "", g.Status != "terminated" && g.TerminationReason != "":
			t.Fatalf("agreement %s is %s with termination reason %q", g.ID, g.Status, g.TerminationReason)
		case g.SignedOn != "" && (g.SignedOn < "2018-01-01" || g.SignedOn > now.Format(time.DateOnly) ||
			g.SignedOn > g.CreatedAt.Format(time.DateOnly)):
			t.Fatalf("agreement %s signed on %s, recorded %v", g.ID, g.SignedOn, g.CreatedAt)
		case g.Currency != "" && !slices.Contains(agreementCurrencies, g.Currency):
			t.Fatalf("agreement %s: currency %s", g.ID, g.Currency)
		}
	}
}

func TestAgreementsSpread(t *testing.T) {
	ins := Institutions(1, 1000)
	gs := Agreements(1, 50_000, ins, now)
	check := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: %.3f, want %.3f–%.3f", what, got, lo, hi)
		}
	}
	countries := func(g transfer.Agreement) []string {
		var cs []string
		for _, p := range g.Parties {
			if !slices.Contains(cs, p.Country) {
				cs = append(cs, p.Country)
			}
		}
		return cs
	}
	check("China with ASEAN", share(gs, func(g transfer.Agreement) bool {
		cs := countries(g)
		return len(cs) > 1 && slices.Contains(cs, "CN")
	}), 0.7, 0.85)
	check("ASEAN among themselves", share(gs, func(g transfer.Agreement) bool {
		cs := countries(g)
		return len(cs) > 1 && !slices.Contains(cs, "CN")
	}), 0.08, 0.18)
	check("within one country", share(gs, func(g transfer.Agreement) bool { return len(countries(g)) == 1 }), 0.04, 0.12)
	check("more than two parties", share(gs, func(g transfer.Agreement) bool { return len(g.Parties) > 2 }), 0.2, 0.35)
	check("with a value", share(gs, func(g transfer.Agreement) bool { return g.ValueAmount != nil }), 0.77, 0.83)
	check("confidential", share(gs, func(g transfer.Agreement) bool { return g.Confidential }), 0.08, 0.12)
	check("confirmed", share(gs, func(g transfer.Agreement) bool { return g.Confirmed }), 0.96, 0.98)
	check("at an event", share(gs, func(g transfer.Agreement) bool { return g.EventName != "" }), 0.03, 0.15)
	check("without a subsector", share(gs, func(g transfer.Agreement) bool { return g.Subsector == "" }), 0.07, 0.13)
	seen := map[string]map[string]int{"type": {}, "status": {}, "currency": {}, "role": {}, "year": {}, "sector": {}, "itype": {}}
	subs := map[string]int{}
	for _, g := range gs {
		seen["type"][g.Type]++
		seen["status"][g.Status]++
		seen["currency"][g.Currency]++
		seen["sector"][g.Sector]++
		subs[g.Sector+"/"+g.Subsector]++
		if g.SignedOn != "" {
			seen["year"][g.SignedOn[:4]]++
		}
		for _, p := range g.Parties {
			seen["role"][p.Role]++
			seen["itype"][p.InstitutionType]++
		}
	}
	for what, want := range map[string][]string{"type": transfer.AgreementTypes, "status": transfer.AgreementStatuses,
		"currency": append([]string{""}, agreementCurrencies...), "role": transfer.PartyRoles,
		"year": {"2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026"}, "itype": transfer.InstitutionTypes} {
		for _, w := range want {
			if seen[what][w] < 50 {
				t.Errorf("%s %q: %d agreements", what, w, seen[what][w])
			}
		}
	}
	for s, list := range transfer.Sectors {
		for _, sub := range list {
			if subs[s+"/"+sub] < 20 {
				t.Errorf("%s/%s: %d agreements", s, sub, subs[s+"/"+sub])
			}
		}
	}
	// Each year brings more agreements than the one before.
	for y := 2019; y <= 2025; y++ {
		if prev, cur := seen["year"][fmt.Sprint(y-1)], seen["year"][fmt.Sprint(y)]; cur <= prev {
			t.Errorf("signed in %d: %d, in %d: %d", y-1, prev, y, cur)
		}
	}
}

func TestAgreementsSmall(t *testing.T) {
	if Agreements(1, 0, Institutions(1, 5), now) != nil || Agreements(1, 10, Institutions(1, 1), now) != nil {
		t.Fatal("nothing to generate should give nil")
	}
	// Two institutions of one country still make valid agreements.
	ins := Institutions(1, 2)
	ins[1].Country = ins[0].Country
	for _, g := range Agreements(1, 200, ins, now) {
		if err := g.Validate(); err != nil || len(g.Parties) != 2 {
			t.Fatalf("%+v: %v", g, err)
		}
	}
	// A window that starts before 2018 ends now: nothing is signed later than now.
	early := time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, g := range Agreements(1, 200, Institutions(1, 20), early) {
		if err := g.Validate(); err != nil || g.SignedOn > "2018-03-01" || !g.CreatedAt.Before(early) {
			t.Fatalf("%+v: %v", g, err)
		}
	}
}

func BenchmarkAgreements(b *testing.B) {
	ins := Institutions(1, 1000)
	for b.Loop() {
		Agreements(1, 10000, ins, now)
	}
}
