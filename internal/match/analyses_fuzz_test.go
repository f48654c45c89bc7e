package match

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// wrapAnalyses puts a body in a well-formed header with the right length
// and checksum, so that the fuzzer reaches past the checksum.
func wrapAnalyses(version string, body []byte) []byte {
	b := append([]byte(analysesMagic), analysesFormat, 0, 0, 0)
	b = binary.AppendUvarint(b, uint64(len(version)))
	b = append(b, version...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(body)))
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(body, castagnoli))
	return append(b, body...)
}

// FuzzDecodeAnalyses: whatever the body of a file with a valid checksum
// holds (a file in the data directory is not a promise), reading it either
// refuses it or gives entries that a build then uses, never a panic.
func FuzzDecodeAnalyses(f *testing.F) {
	e, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	ls := []Listing{
		{ID: "o1", Kind: Offer, InstitutionID: "a", Country: "CN", Language: "en", Title: "Solar storage for micro-grids",
			Summary: "Lithium iron phosphate", Sector: "new_energy", PublishedAt: now, Stamp: "1"},
		{ID: "o2", Kind: Offer, InstitutionID: "b", Country: "TH", Language: "zh", Title: "光伏储能系统",
			Sector: "new_energy", PublishedAt: now, Stamp: "2"},
		{ID: "d1", Kind: Demand, InstitutionID: "c", Country: "VN", Language: "vi", Title: "Lưu trữ năng lượng mặt trời",
			Sector: "new_energy", PublishedAt: now, Stamp: "3"},
	}
	if _, err := e.BuildStreamFrom(nil, func(add func([]Listing) int) error { add(ls); return nil }); err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "analyses")
	if _, _, err := e.SaveAnalyses(path); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	version := e.lex.Load().version
	head := len(wrapAnalyses(version, nil))
	f.Add(good[head:])
	f.Add([]byte{})
	f.Add([]byte{2, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 2})
	lx := e.lex.Load()
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := decodeAnalyses(wrapAnalyses(version, body), version, len(lx.concepts))
		if err != nil {
			return
		}
		// Build with it: listings without text take whatever it holds.
		bare := make([]Listing, len(ls))
		for i, l := range ls {
			l.Title, l.Summary = "", ""
			bare[i] = l
		}
		fresh, _ := New(Config{})
		if _, err := fresh.BuildStreamFrom(a, func(add func([]Listing) int) error { add(bare); return nil }); err != nil {
			return
		}
		fresh.Match(ls[2], Query{Limit: 5, Now: now})
		fresh.Match(ls[0], Query{Limit: 5, Now: now})
	})
}
