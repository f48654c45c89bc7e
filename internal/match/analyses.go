package match

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Text analysis is most of what building the index costs (folding,
// tokenising, finding concepts: about two thirds of the CPU at 100,000
// listings), and its result depends only on a listing's text and on the
// algorithm version. The engine therefore keeps every indexed doc's
// analysis — its terms with their field-weighted frequencies, its concepts
// and its length — encoded compactly, and can save them all to a file
// (SaveAnalyses) that a later start reads back (ReadAnalyses) to skip the
// analysis of every listing whose stamp has not changed (BuildStreamFrom).
// Everything else in a doc (sector, country, dates, amounts…) still comes
// from the listing given at build time.
//
// The file: a header (magic, format version, the algorithm version, the
// body's length and CRC-32C) and a body: the term dictionary (count, total
// bytes, each term's length, then the terms' bytes back to back) and the
// entries (count, then per entry: kind, id, stamp, analysis, each string
// length-prefixed). Numbers are unsigned varints. An analysis is: length,
// the concepts (count, then per concept the gap to the previous concept
// number, the pattern and the weight), the terms (count, then per term its
// number in the dictionary and its frequency). Frequencies and weights
// are float32 values kept exactly (packFloat).

const (
	analysesMagic  = "TBANALYS"
	analysesFormat = 1
)

// termDict numbers the terms of the docs' analyses. Numbers are never
// reused: a name below len(names) never changes, so a copy of the slice
// header taken under mu can be read without it.
type termDict struct {
	mu    sync.Mutex
	ids   map[string]uint32
	names []string
}

func newTermDict(names []string) *termDict {
	ids := make(map[string]uint32, len(names))
	for i, n := range names {
		ids[n] = uint32(i)
	}
	return &termDict{ids: ids, names: names}
}

func (t *termDict) snapshot() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.names[:len(t.names):len(t.names)]
}

// chunks hands out copies of small byte slices cut from large blocks: a
// build's 100,000 analyses become a few hundred objects for the collector,
// packed densely (fewer pages held after the build's garbage is gone).
type chunks struct{ block []byte }

func (c *chunks) copy(b []byte) []byte {
	if c == nil || len(b) > 4<<10 {
		return slices.Clone(b)
	}
	if cap(c.block)-len(c.block) < len(b) {
		c.block = make([]byte, 0, 64<<10)
	}
	from := len(c.block)
	c.block = append(c.block, b...)
	return c.block[from:len(c.block):len(c.block)]
}

// encode sets d.analysis from d's terms, concepts and length, copied into
// c (nil: a slice of its own); scratch is reused for the encoding and
// returned.
func (t *termDict) encode(d *doc, c *chunks, scratch []byte) []byte {
	b := scratch[:0]
	b = packFloat(b, d.length)
	b = binary.AppendUvarint(b, uint64(len(d.concepts)))
	prev := int32(0)
	for _, c := range d.concepts { // sorted by concept number
		b = binary.AppendUvarint(b, uint64(c.concept-prev))
		b = binary.AppendUvarint(b, uint64(c.pattern))
		b = packFloat(b, c.weight)
		prev = c.concept
	}
	b = binary.AppendUvarint(b, uint64(len(d.terms)))
	t.mu.Lock()
	for term, tf := range d.terms {
		id, ok := t.ids[term]
		if !ok {
			id = uint32(len(t.names))
			t.ids[term] = id
			t.names = append(t.names, term)
		}
		b = binary.AppendUvarint(b, uint64(id))
		b = packFloat(b, tf)
	}
	t.mu.Unlock()
	d.analysis = c.copy(b)
	return b
}

// packFloat appends v exactly: as twice its value when that is a small
// whole number (field weights are multiples of a half, so most frequencies
// and lengths are), else as its bits. The low bit of the varint tells which.
func packFloat(b []byte, v float32) []byte {
	if h := v * 2; h >= 0 && h < 1<<24 && h == float32(math.Trunc(float64(h))) {
		return binary.AppendUvarint(b, uint64(h)<<1)
	}
	return binary.AppendUvarint(b, uint64(math.Float32bits(v))<<1|1)
}

// reader decodes varints; a read past the end or an overlong number sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) float() float32 {
	v := r.uvarint()
	if v&1 == 0 {
		return float32(v>>1) / 2
	}
	if v>>1 > math.MaxUint32 {
		r.bad = true
	}
	return math.Float32frombits(uint32(v >> 1))
}

func (r *reader) bytes(n uint64) []byte {
	if n > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) str() string { return string(r.bytes(r.uvarint())) }

// readHead sets d's length and concepts from its analysis and returns the
// reader at the terms.
func readHead(d *doc) *reader {
	r := &reader{b: d.analysis}
	d.length = r.float()
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.bad = true
		return r
	}
	d.concepts = make([]conceptRef, n)
	prev := int32(0)
	for i := range d.concepts {
		c := &d.concepts[i]
		c.concept = prev + int32(r.uvarint())
		c.pattern = int32(r.uvarint())
		c.weight = r.float()
		prev = c.concept
	}
	return r
}

// eachTerm calls fn for every term of d with its frequency: from d.terms
// while d has them (just analysed; id is then -1), else from its analysis
// (id is the term's number in ix.dict).
func (ix *index) eachTerm(d *doc, fn func(id int, t string, tf float32)) {
	if d.terms != nil {
		for t, tf := range d.terms {
			fn(-1, t, tf)
		}
		return
	}
	if d.analysis == nil {
		return
	}
	r := &reader{b: d.analysis}
	r.float()
	for n := r.uvarint(); n > 0 && !r.bad; n-- { // the concepts: readHead's
		r.uvarint()
		r.uvarint()
		r.uvarint()
	}
	names := ix.dict.snapshot()
	for n := r.uvarint(); n > 0 && !r.bad; n-- {
		id := r.uvarint()
		tf := r.float()
		if id < uint64(len(names)) {
			fn(int(id), names[id], tf)
		}
	}
}

// checkAnalysis tells whether an analysis decodes whole, its concepts
// within the lexicon (of nConcepts) and its terms within names.
func checkAnalysis(b []byte, nConcepts, nNames int) bool {
	r := reader{b: b}
	r.float()
	concept := uint64(0)
	for n := r.uvarint(); n > 0 && !r.bad; n-- {
		concept += r.uvarint()
		if concept >= uint64(nConcepts) || r.uvarint() > math.MaxInt32 {
			return false
		}
		r.float()
	}
	for n := r.uvarint(); n > 0 && !r.bad; n-- {
		if r.uvarint() >= uint64(nNames) {
			return false
		}
		r.float()
	}
	return !r.bad && len(r.b) == 0
}

// Analyses are the analysed listings of a file read back (ReadAnalyses).
type Analyses struct {
	version string
	names   []string
	entries map[analysisKey]analysisEntry
}

type analysisKey struct {
	kind Kind
	id   string
}

type analysisEntry struct {
	stamp    string
	analysis []byte
}

// Version is the algorithm version the analyses were made under.
func (a *Analyses) Version() string { return a.version }

// Len is the number of listings in the file.
func (a *Analyses) Len() int { return len(a.entries) }

// Has tells whether the file holds the listing's analysis at this stamp.
func (a *Analyses) Has(k Kind, id, stamp string) bool {
	_, ok := a.lookup(k, id, stamp)
	return ok
}

func (a *Analyses) lookup(k Kind, id, stamp string) (analysisEntry, bool) {
	if a == nil || stamp == "" {
		return analysisEntry{}, false
	}
	en, ok := a.entries[analysisKey{k, id}]
	return en, ok && en.stamp == stamp
}

// ErrAnalysesVersion: the file was written under another algorithm version
// (code, weights, rates or lexicon) and cannot be used.
var ErrAnalysesVersion = errors.New("match: the analyses are of another algorithm version")

// ReadAnalyses reads a file written by SaveAnalyses for the engine's
// current algorithm version. A file that is missing, truncated, corrupt,
// of another format or of another version is an error (ErrAnalysesVersion
// for the last); the caller then builds without it.
func (e *Engine) ReadAnalyses(path string) (*Analyses, error) {
	lx := e.lex.Load()
	b, err := readAnalysesFile(path, lx.version)
	if err != nil {
		return nil, fmt.Errorf("match: read analyses: %w", err)
	}
	a, err := decodeAnalyses(b, lx.version, len(lx.concepts))
	if err != nil {
		return nil, fmt.Errorf("match: analyses %s: %w", path, err)
	}
	return a, nil
}

var errCorrupt = errors.New("truncated or corrupt")

// readAnalysesFile reads a saved file only when it is a regular file whose
// size is what its head says: a FIFO, a device (a link to /dev/zero) or a
// huge file put in the cache's place is refused from its head, before
// anything more is read. Opening does not wait for a FIFO's writer.
func readAnalysesFile(path, version string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", info.Mode().Type())
	}
	// The head: magic, format, the version (its length first), body length
	// and checksum; decodeAnalyses checks each of them again.
	head := make([]byte, len(analysesMagic)+4+binary.MaxVarintLen64+len(version)+12)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	head = head[:n]
	if len(head) < len(analysesMagic)+5 || string(head[:len(analysesMagic)]) != analysesMagic {
		return nil, errors.New("not an analyses file")
	}
	vlen, k := binary.Uvarint(head[len(analysesMagic)+4:])
	at := len(analysesMagic) + 4 + k
	if k <= 0 || vlen != uint64(len(version)) || len(head) < at+int(vlen)+12 {
		// Another version's string (the decoder names it) or a short file:
		// the rest is read only if the file is small enough to be one.
		if info.Size() > int64(len(head))+64<<10 {
			return nil, fmt.Errorf("%w (its head names another)", ErrAnalysesVersion)
		}
	} else if size := binary.LittleEndian.Uint64(head[at+int(vlen):]); size != uint64(info.Size())-uint64(at+int(vlen)+12) {
		return nil, fmt.Errorf("%w: %d bytes, its head promises %d after it", errCorrupt, info.Size(), size)
	}
	b := make([]byte, info.Size())
	copy(b, head)
	if _, err := io.ReadFull(f, b[len(head):]); err != nil {
		return nil, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	if extra, _ := f.Read(make([]byte, 1)); extra != 0 {
		return nil, fmt.Errorf("%w: the file grew while it was read", errCorrupt)
	}
	return b, nil
}

func decodeAnalyses(b []byte, version string, nConcepts int) (*Analyses, error) {
	if len(b) < len(analysesMagic)+4 || string(b[:len(analysesMagic)]) != analysesMagic {
		return nil, errors.New("not an analyses file")
	}
	b = b[len(analysesMagic):]
	if f := binary.LittleEndian.Uint32(b); f != analysesFormat {
		return nil, fmt.Errorf("format %d, not %d", f, analysesFormat)
	}
	r := &reader{b: b[4:]}
	v := r.str()
	if r.bad || len(r.b) < 12 {
		return nil, errCorrupt
	}
	if v != version {
		return nil, fmt.Errorf("%w (%s, now %s)", ErrAnalysesVersion, v, version)
	}
	size, sum := binary.LittleEndian.Uint64(r.b), binary.LittleEndian.Uint32(r.b[8:])
	body := r.b[12:]
	if uint64(len(body)) != size || crc32.Checksum(body, castagnoli) != sum {
		return nil, errCorrupt
	}
	r = &reader{b: body}
	n := r.uvarint()
	total := r.uvarint()
	if n > uint64(len(r.b)) || total > uint64(len(r.b)) {
		return nil, errCorrupt
	}
	lens := make([]uint64, n)
	var sumLens uint64
	for i := range lens {
		lens[i] = r.uvarint()
		if lens[i] > total-sumLens { // also keeps the sum from wrapping around
			return nil, errCorrupt
		}
		sumLens += lens[i]
	}
	if r.bad || sumLens != total {
		return nil, errCorrupt
	}
	all := string(r.bytes(total)) // one string: every term is a piece of it
	if r.bad {
		return nil, errCorrupt
	}
	names := make([]string, n)
	off := uint64(0)
	for i, l := range lens {
		names[i] = all[off : off+l]
		off += l
	}
	count := r.uvarint()
	if r.bad || count > uint64(len(r.b)) {
		return nil, errCorrupt
	}
	a := &Analyses{version: version, names: names, entries: make(map[analysisKey]analysisEntry, count)}
	type span struct {
		key   analysisKey
		stamp string
		an    []byte
	}
	spans := make([]span, 0, count)
	arenaSize := 0
	// Ids and stamps are pieces of one copy of the body: one allocation,
	// not two per entry; the copy goes when the build drops the Analyses.
	text := string(body)
	str := func() string {
		n := r.uvarint()
		off := len(body) - len(r.b)
		if r.bytes(n) == nil {
			return ""
		}
		return text[off : off+int(n)]
	}
	for range count {
		k := r.bytes(1)
		id, stamp := str(), str()
		an := r.bytes(r.uvarint())
		if r.bad || (Kind(k[0]) != Offer && Kind(k[0]) != Demand) || !checkAnalysis(an, nConcepts, len(names)) {
			return nil, errCorrupt
		}
		spans = append(spans, span{analysisKey{Kind(k[0]), id}, stamp, an})
		arenaSize += len(an)
	}
	if len(r.b) != 0 {
		return nil, errCorrupt
	}
	// The analyses are copied out of the file's bytes, together, so that
	// the docs keep only them and not the ids and stamps.
	arena := make([]byte, 0, arenaSize)
	for _, s := range spans {
		from := len(arena)
		arena = append(arena, s.an...)
		a.entries[s.key] = analysisEntry{stamp: s.stamp, analysis: arena[from:len(arena):len(arena)]}
	}
	return a, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Generation changes whenever the indexes change; SaveAnalyses reports the
// generation it saved.
func (e *Engine) Generation() uint64 { return e.gen.Load() }

// SaveAnalyses writes the analyses of every indexed listing that has a
// stamp to path, atomically: a temporary file beside it, synced, then
// renamed over it, and the directory synced; a crash at any moment leaves
// the previous file or the new one whole. One save runs at a time. It
// returns the generation of the indexes it saved and how many listings.
func (e *Engine) SaveAnalyses(path string) (gen uint64, n int, err error) {
	e.saving.Lock()
	defer e.saving.Unlock()
	type saved struct {
		kind Kind
		id   string
		en   analysisEntry
	}
	e.mu.RLock()
	gen, version, names := e.gen.Load(), e.lex.Load().version, e.dict.snapshot()
	var entries []saved
	for _, ix := range []*index{e.offers, e.demands} {
		for n, en := range ix.entries {
			if ix.living(uint32(n)) && en.stamp.n > 0 && en.analysed {
				entries = append(entries, saved{en.kind, ix.idOf(uint32(n)), analysisEntry{string(ix.text.get(en.stamp)), ix.analyses.get(en.analysis)}})
			}
		}
	}
	e.mu.RUnlock()
	names = pruneNames(names, func(yield func(*[]byte)) {
		for i := range entries {
			yield(&entries[i].en.analysis)
		}
	})

	dir := filepath.Dir(path)
	removeStaleTemps(dir, filepath.Base(path))
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, 0, fmt.Errorf("match: save analyses: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	head := append([]byte(analysesMagic), analysesFormat, 0, 0, 0)
	head = binary.AppendUvarint(head, uint64(len(version)))
	head = append(head, version...)
	if _, err = f.Write(append(head, make([]byte, 12)...)); err != nil { // length and sum come last
		return 0, 0, fmt.Errorf("match: save analyses: %w", err)
	}
	crc := crc32.New(castagnoli)
	cw := &countingWriter{w: io.MultiWriter(f, crc)}
	w := bufio.NewWriterSize(cw, 1<<16)
	var buf []byte
	flush := func() {
		if err == nil {
			_, err = w.Write(buf)
		}
		buf = buf[:0]
	}
	total := 0
	for _, s := range names {
		total += len(s)
	}
	buf = binary.AppendUvarint(buf, uint64(len(names)))
	buf = binary.AppendUvarint(buf, uint64(total))
	for _, s := range names {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		if len(buf) > 1<<15 {
			flush()
		}
	}
	flush()
	for _, s := range names {
		if err == nil {
			_, err = w.WriteString(s)
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(entries)))
	for _, en := range entries {
		buf = append(buf, byte(en.kind))
		buf = binary.AppendUvarint(buf, uint64(len(en.id)))
		buf = append(buf, en.id...)
		buf = binary.AppendUvarint(buf, uint64(len(en.en.stamp)))
		buf = append(buf, en.en.stamp...)
		buf = binary.AppendUvarint(buf, uint64(len(en.en.analysis)))
		buf = append(buf, en.en.analysis...)
		if len(buf) > 1<<15 {
			flush()
		}
	}
	flush()
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return 0, 0, fmt.Errorf("match: save analyses: %w", err)
	}
	tail := binary.LittleEndian.AppendUint64(nil, uint64(cw.n))
	tail = binary.LittleEndian.AppendUint32(tail, crc.Sum32())
	if _, err = f.WriteAt(tail, int64(len(head))); err != nil {
		return 0, 0, fmt.Errorf("match: save analyses: %w", err)
	}
	if err = f.Sync(); err != nil {
		return 0, 0, fmt.Errorf("match: save analyses: %w", err)
	}
	if err = f.Close(); err != nil {
		return 0, 0, fmt.Errorf("match: save analyses: %w", err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return 0, 0, fmt.Errorf("match: save analyses: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename itself durable
		_ = d.Sync()
		d.Close()
	}
	return gen, len(entries), nil
}

// pruneNames returns the terms the analyses use, renumbered in the order
// they are first met, and points each analysis at a copy that uses the new
// numbers; nothing changes when every term is used. The engine's
// dictionary keeps the terms of listings since removed or changed; the
// file must not, or it would grow with every restart.
func pruneNames(names []string, analyses func(yield func(*[]byte))) []string {
	renum := make([]int32, len(names))
	for i := range renum {
		renum[i] = -1
	}
	var kept []string
	analyses(func(b *[]byte) {
		r := reader{b: (*b)[termsOffset(*b):]}
		for n := r.uvarint(); n > 0 && !r.bad; n-- {
			if id := r.uvarint(); id < uint64(len(renum)) && renum[id] < 0 {
				renum[id] = int32(len(kept))
				kept = append(kept, names[id])
			}
			r.float()
		}
	})
	if len(kept) == len(names) {
		return names
	}
	analyses(func(b *[]byte) {
		at := termsOffset(*b)
		out := append(make([]byte, 0, len(*b)), (*b)[:at]...)
		r := reader{b: (*b)[at:]}
		n := r.uvarint()
		out = binary.AppendUvarint(out, n)
		for ; n > 0 && !r.bad; n-- {
			id := r.uvarint()
			rest := r.b
			r.float()
			if id < uint64(len(renum)) {
				out = binary.AppendUvarint(out, uint64(renum[id]))
				out = append(out, rest[:len(rest)-len(r.b)]...) // the frequency as it was
			}
		}
		*b = out
	})
	return kept
}

// termsOffset is where an analysis's terms begin (after length and concepts).
func termsOffset(b []byte) int {
	r := reader{b: b}
	r.float()
	for n := r.uvarint(); n > 0 && !r.bad; n-- {
		r.uvarint()
		r.uvarint()
		r.uvarint()
	}
	return len(b) - len(r.b)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// removeStaleTemps removes temporary files of saves that died (killed
// mid-write) an hour or more ago; a younger one may be another process's
// save in progress.
func removeStaleTemps(dir, base string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, en := range ents {
		name := en.Name()
		if !strings.HasPrefix(name, "."+base+".") || !strings.HasSuffix(name, ".tmp") {
			continue
		}
		if info, err := en.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
			os.Remove(filepath.Join(dir, name))
		}
	}
}
