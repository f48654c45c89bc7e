package match

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// The index's per-doc records must hold no pointer: one string or slice in
// entry puts a hundred thousand pointers back in every garbage
// collection's way.
func TestEntryHoldsNoPointers(t *testing.T) {
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		switch ty.Kind() {
		case reflect.String, reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
			t.Errorf("%s is a %s: entries must hold numbers only", path, ty.Kind())
		case reflect.Struct:
			for i := range ty.NumField() {
				walk(ty.Field(i).Type, path+"."+ty.Field(i).Name)
			}
		case reflect.Array:
			walk(ty.Elem(), path+"[]")
		}
	}
	walk(reflect.TypeFor[entry](), "entry")
	walk(reflect.TypeFor[facts](), "facts")
}

func TestUUIDKey(t *testing.T) {
	for id, want := range map[string]bool{
		"0195f3c2-7a1b-7c3d-8e4f-a0b1c2d3e4f5":  true,
		"0195F3C2-7A1B-7C3D-8E4F-A0B1C2D3E4F5":  false, // not canonical: kept by its text
		"0195f3c2-7a1b-7c3d-8e4f-a0b1c2d3e4f":   false,
		"0195f3c2-7a1b-7c3d-8e4fa-0b1c2d3e4f5":  false,
		"0195f3c2x7a1b-7c3d-8e4f-a0b1c2d3e4f5":  false,
		"0195f3c2-7a1b-7c3d-8e4f-a0b1c2d3e4fg":  false,
		"o1":                                    false,
		"0195f3c2-7a1b-7c3d-8e4f-a0b1c2d3e4f5 ": false,
	} {
		if _, ok := uuidKey(id); ok != want {
			t.Errorf("uuidKey(%q): %v, want %v", id, ok, want)
		}
	}
	a, _ := uuidKey("0195f3c2-7a1b-7c3d-8e4f-a0b1c2d3e4f5")
	b, _ := uuidKey("0195f3c2-7a1b-7c3d-8e4f-a0b1c2d3e4f6")
	if a == b || a[0] != 0x01 || a[15] != 0xf5 {
		t.Fatalf("keys %x %x", a, b)
	}
}

// What the index keeps of a doc is what analysis made of it: every field
// doc(n) gives back, for canonical UUIDs and other ids, before and after
// compaction moves the entries to fresh arenas.
func TestIndexKeepsDocs(t *testing.T) {
	e := newTestEngine(t, false)
	var ls []Listing
	for i := range 3000 {
		id := fmt.Sprintf("0195f3c2-7a1b-7c3d-8e4f-%012x", i)
		switch i % 3 {
		case 1:
			id = fmt.Sprintf("offer-%d", i)
		case 2:
			id = fmt.Sprintf("0195F3C2-7A1B-7C3D-8E4F-%012X", i)
		}
		o := offer(id, fmt.Sprintf("inst-%d", i%40), []string{"CN", "VN", "TH"}[i%3], "en",
			fmt.Sprintf("LFP battery module %d for microgrid storage", i))
		o.Countries = [][]string{nil, {"VN"}, {"TH", "MY", "ID"}}[i%3]
		o.Currency = []string{"CNY", "usd", ""}[i%3]
		o.Confidential = i%5 == 0
		o.Stamp = fmt.Sprintf("v%d", i)
		if i%4 == 0 {
			o.AmountMin = nil
		}
		ls = append(ls, o)
	}
	e.Build(ls)
	m := e.lex.Load().matcher
	check := func(when string, keep func(i int) bool) {
		t.Helper()
		ix := e.offers
		for i, l := range ls {
			n, ok := ix.byID.get(l.ID)
			if !keep(i) {
				if ok && ix.living(n) {
					t.Fatalf("%s: %s removed but found", when, l.ID)
				}
				continue
			}
			if !ok || !ix.living(n) {
				t.Fatalf("%s: %s not found", when, l.ID)
			}
			got, want := ix.doc(n), e.analyze(m, &ls[i], false)
			if got.id != want.id || got.inst != want.inst || got.country != want.country || got.sector != want.sector ||
				got.subsector != want.subsector || got.currency != want.currency || !slices.Equal(got.countries, want.countries) ||
				!slices.Equal(got.concepts, want.concepts) || got.amountMin != want.amountMin || got.amountMax != want.amountMax ||
				got.published != want.published || got.ends != want.ends || got.length != want.length || got.kind != want.kind ||
				got.rel != want.rel || got.region != want.region || got.trl != want.trl || got.modes != want.modes ||
				got.confidential != want.confidential {
				t.Fatalf("%s: doc %s\n got %+v\nwant %+v", when, l.ID, got, want)
			}
			if s := string(ix.text.get(ix.entries[n].stamp)); s != l.Stamp {
				t.Fatalf("%s: %s stamp %q, want %q", when, l.ID, s, l.Stamp)
			}
		}
	}
	check("built", func(int) bool { return true })
	for i := range 2000 { // holes outnumber the living: compaction
		e.Remove(Offer, ls[i].ID)
	}
	if len(e.offers.entries) >= len(ls) {
		t.Fatalf("no compaction: %d entries for %d living", len(e.offers.entries), e.offers.live)
	}
	check("compacted", func(i int) bool { return i >= 2000 })
}
