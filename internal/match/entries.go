package match

import (
	"bytes"
	"strings"

	"github.com/google/uuid"
)

// The index keeps its docs without pointers. A doc holds a dozen strings
// and slices; at 100,000 listings the collector scanned all of them in
// every cycle, most of its marking work (BenchmarkMatch100k's
// gc-mark-cpu-ms), and a cycle in progress is felt by every request that
// runs beside it. An entry holds numbers instead: its names are numbers in
// the index's name table, its id, stamp, country list, concepts and
// analysis are spans of the index's arenas, and the id table is keyed by
// value. doc(n) rebuilds a doc where one is wanted (the few results of a
// query, explanations, saving); the candidate loop reads facts and, rarely,
// a name (side).

// entry is what an indexed doc has beyond its facts (the same doc number
// in ix.facts: dates, institution, TRL, modes, region, confidentiality).
type entry struct {
	amountMin, amountMax float64 // US dollars; -1 when unknown
	length               float32
	country, sector      uint32 // names: ix.nameList
	subsector, currency  uint32
	id, stamp            span // ix.text
	countries            span // ix.countryLists: names
	concepts             span // ix.conceptLists
	analysis             span // ix.analyses; analysed says whether the doc had one
	kind                 Kind
	analysed             bool
}

// span is a slice of an arena: block, offset and length.
type span struct{ block, off, n uint32 }

// arenaBlock is how many elements a block of an arena holds; a longer
// slice gets a block of its own.
const arenaBlock = 1 << 16

// arena keeps many small slices in a few large blocks. Slices are only
// appended and never changed, so a slice handed out stays valid after
// later appends.
type arena[T any] struct{ blocks [][]T }

func (a *arena[T]) add(v []T) span {
	if len(v) == 0 {
		return span{}
	}
	last := len(a.blocks) - 1
	if last < 0 || cap(a.blocks[last])-len(a.blocks[last]) < len(v) {
		a.blocks = append(a.blocks, make([]T, 0, max(arenaBlock, len(v))))
		last++
	}
	b := a.blocks[last]
	a.blocks[last] = append(b, v...)
	return span{block: uint32(last), off: uint32(len(b)), n: uint32(len(v))}
}

// get returns the slice s, capped so that an append copies.
func (a *arena[T]) get(s span) []T {
	if s.n == 0 {
		return nil
	}
	return a.blocks[s.block][s.off : s.off+s.n : s.off+s.n]
}

// intern returns the number of name s in the index's name table.
func (ix *index) intern(s string) uint32 {
	if k, ok := ix.nameIDs[s]; ok {
		return k
	}
	k := uint32(len(ix.nameList))
	ix.nameIDs[s] = k
	ix.nameList = append(ix.nameList, s)
	return k
}

func (ix *index) name(k uint32) string { return ix.nameList[k] }

// store turns d into an entry, its texts and lists copied into the arenas.
func (ix *index) store(d *doc) entry {
	en := entry{amountMin: d.amountMin, amountMax: d.amountMax, length: d.length, country: ix.intern(d.country),
		sector: ix.intern(d.sector), subsector: ix.intern(d.subsector), currency: ix.intern(d.currency),
		id: ix.text.add([]byte(d.id)), stamp: ix.text.add([]byte(d.stamp)), concepts: ix.conceptLists.add(d.concepts),
		analysis: ix.analyses.add(d.analysis), kind: d.kind, analysed: d.analysis != nil}
	if len(d.countries) > 0 {
		cs := make([]uint32, len(d.countries))
		for i, c := range d.countries {
			cs[i] = ix.intern(c)
		}
		en.countries = ix.countryLists.add(cs)
	}
	return en
}

// restore copies entry en of src into ix's arenas (compaction).
func (ix *index) restore(src *index, en entry) entry {
	en.id, en.stamp = ix.text.add(src.text.get(en.id)), ix.text.add(src.text.get(en.stamp))
	en.countries = ix.countryLists.add(src.countryLists.get(en.countries))
	en.concepts = ix.conceptLists.add(src.conceptLists.get(en.concepts))
	en.analysis = ix.analyses.add(src.analyses.get(en.analysis))
	return en
}

// doc rebuilds doc n as it was indexed, without its terms (they are in the
// postings and in its analysis) and its stamp (SaveAnalyses reads that). Its concepts and analysis are the
// arenas': read them, never change them.
func (ix *index) doc(n uint32) *doc {
	en, f := &ix.entries[n], &ix.facts[n]
	d := &doc{kind: en.kind, id: ix.idOf(n), inst: ix.name(f.inst), country: ix.name(en.country), sector: ix.name(en.sector),
		subsector: ix.name(en.subsector), rel: f.rel, region: f.region, trl: f.trl, modes: f.modes,
		amountMin: en.amountMin, amountMax: en.amountMax, currency: ix.name(en.currency), confidential: f.flags&flagConfidential != 0,
		published: f.published, ends: f.ends, length: en.length, concepts: ix.conceptLists.get(en.concepts)}
	if en.analysed {
		d.analysis = ix.analyses.get(en.analysis)
		if d.analysis == nil {
			d.analysis = []byte{}
		}
	}
	for _, c := range ix.countryLists.get(en.countries) {
		d.countries = append(d.countries, ix.name(c))
	}
	return d
}

func (ix *index) idOf(n uint32) string { return string(ix.text.get(ix.entries[n].id)) }

// idAfter tells whether doc a's id sorts after doc b's.
func (ix *index) idAfter(a, b uint32) bool {
	return bytes.Compare(ix.text.get(ix.entries[a].id), ix.text.get(ix.entries[b].id)) > 0
}

// idTable maps a listing id to its doc number. Ids are UUIDs in the service:
// those in canonical form are keyed by their 16 bytes, a map without a
// pointer to scan; any other id (tests, tools) by its text.
type idTable struct {
	uuids map[[16]byte]uint32
	other map[string]uint32
}

func newIDs(n int) idTable {
	return idTable{uuids: make(map[[16]byte]uint32, n), other: map[string]uint32{}}
}

func (t idTable) get(id string) (uint32, bool) {
	if k, ok := uuidKey(id); ok {
		n, found := t.uuids[k]
		return n, found
	}
	n, found := t.other[id]
	return n, found
}

func (t idTable) set(id string, n uint32) {
	if k, ok := uuidKey(id); ok {
		t.uuids[k] = n
	} else {
		t.other[id] = n
	}
}

func (t idTable) delete(id string) {
	if k, ok := uuidKey(id); ok {
		delete(t.uuids, k)
	} else {
		delete(t.other, id)
	}
}

// uuidKey reads a UUID in canonical form (lower-case hex, 8-4-4-4-12):
// one text, one key. Any other form of the same UUID is another id here.
func uuidKey(s string) ([16]byte, bool) {
	if len(s) != 36 || strings.ToLower(s) != s {
		return [16]byte{}, false
	}
	u, err := uuid.Parse(s)
	return u, err == nil
}

// side is one listing of a pair: a query's doc, or doc n of an index. The
// scoring reads its facts; its names only when codes cannot decide
// (inList, same), and then without rebuilding the doc.
type side struct {
	d  *doc
	ix *index
	n  uint32
}

func querySide(d *doc) side              { return side{d: d} }
func indexSide(ix *index, n uint32) side { return side{ix: ix, n: n} }

func (s side) sector() string {
	if s.d != nil {
		return s.d.sector
	}
	return s.ix.name(s.ix.entries[s.n].sector)
}

func (s side) subsector() string {
	if s.d != nil {
		return s.d.subsector
	}
	return s.ix.name(s.ix.entries[s.n].subsector)
}

func (s side) country() string {
	if s.d != nil {
		return s.d.country
	}
	return s.ix.name(s.ix.entries[s.n].country)
}

// lists tells whether country c is in the side's countries list.
func (s side) lists(c string) bool {
	if s.d != nil {
		for _, x := range s.d.countries {
			if x == c {
				return true
			}
		}
		return false
	}
	for _, k := range s.ix.countryLists.get(s.ix.entries[s.n].countries) {
		if s.ix.name(k) == c {
			return true
		}
	}
	return false
}
