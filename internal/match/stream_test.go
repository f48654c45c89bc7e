package match

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// The ASCII fast path of scriptOf agrees with the Unicode tables.
func TestScriptOfASCII(t *testing.T) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		want := scriptOther
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			want = scriptWord
		}
		if got := scriptOf(r); got != want {
			t.Errorf("scriptOf(%q) = %d, want %d", r, got, want)
		}
	}
}

func streamListings() []Listing {
	pub := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	texts := []string{"solar photovoltaic inverter", "光伏组件 太阳能", "pin mặt trời hiệu suất cao", "แผงโซลาร์เซลล์",
		"lithium battery storage", "vaccine cold chain", "water treatment membrane"}
	var ls []Listing
	for i := range 700 {
		k := Offer
		if i%5 == 0 {
			k = Demand
		}
		ls = append(ls, Listing{ID: fmt.Sprintf("l%04d", i), Kind: k, InstitutionID: fmt.Sprintf("i%d", i%37),
			Country: []string{"CN", "TH", "VN", "ID"}[i%4], Title: texts[i%len(texts)], Summary: texts[(i*3)%len(texts)],
			Sector: "new_energy", Subsector: "solar_pv", TRL: 1 + i%9, PublishedAt: pub})
	}
	return ls
}

// BuildStream, fed in uneven batches, gives the same rankings as Build.
func TestBuildStreamSameAsBuild(t *testing.T) {
	ls := streamListings()
	a, _ := New(Config{})
	a.Build(ls)
	b, _ := New(Config{})
	err := b.BuildStream(func(add func([]Listing) int) error {
		for start := 0; start < len(ls); start += 97 {
			add(ls[start:min(start+97, len(ls))])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Len(Offer) != b.Len(Offer) || a.Len(Demand) != b.Len(Demand) {
		t.Fatalf("sizes: %d/%d vs %d/%d", a.Len(Offer), a.Len(Demand), b.Len(Offer), b.Len(Demand))
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []Listing{ls[0], ls[1], ls[10], ls[13]} {
		q.InstitutionID = "asker"
		ra, rb := a.Match(q, Query{Limit: 50, Now: now}), b.Match(q, Query{Limit: 50, Now: now})
		if len(ra) == 0 || !reflect.DeepEqual(ra, rb) {
			t.Fatalf("query %s: Build gave %d results, BuildStream %d, or they differ", q.ID, len(ra), len(rb))
		}
	}
}

// A failed load leaves the indexes as they were, and a change made while
// the stream is read is kept.
func TestBuildStreamFailureAndConcurrentChange(t *testing.T) {
	ls := streamListings()
	e, _ := New(Config{})
	e.Build(ls[:100])
	before := e.Len(Offer)
	err := e.BuildStream(func(add func([]Listing) int) error {
		add(ls[100:200])
		return errors.New("disk on fire")
	})
	if err == nil || e.Len(Offer) != before {
		t.Fatalf("err %v, offers %d, want an error and %d", err, e.Len(Offer), before)
	}
	extra := ls[1]
	extra.ID = "added-during-build"
	err = e.BuildStream(func(add func([]Listing) int) error {
		add(ls[:300])
		e.Upsert(extra)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := e.offers.byID.get("added-during-build"); !ok {
		t.Fatal("a listing upserted during the build is missing after it")
	}
}
