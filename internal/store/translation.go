package store

import (
	"encoding/json"

	"github.com/techbridge/techbridge/internal/transfer"
)

// translationsColumn is a listing's translations as stored: a JSON object
// by language tag, "" for none.
func translationsColumn(ts map[string]transfer.Translation) string {
	if len(ts) == 0 {
		return ""
	}
	b, err := json.Marshal(ts) // map keys sorted: one text per value
	if err != nil {
		panic("store: translations: " + err.Error()) // strings and slices of strings always marshal
	}
	return string(b)
}

// translationsOf reads the column back; a value this package did not write
// reads as none rather than failing every read of the listing.
func translationsOf(s string) map[string]transfer.Translation {
	if s == "" {
		return nil
	}
	var ts map[string]transfer.Translation
	if json.Unmarshal([]byte(s), &ts) != nil || len(ts) == 0 {
		return nil
	}
	return ts
}
