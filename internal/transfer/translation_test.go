package transfer

import "testing"

func TestListingShown(t *testing.T) {
	l := Listing{Language: "th", Title: "ชันโรง", Translations: map[string]Translation{
		"en": {Title: "Stingless bee"}, "zh": {Title: "无刺蜂"}}}
	for _, tc := range []struct {
		want      []string
		lang, out string
	}{
		{nil, "th", "ชันโรง"},
		{[]string{"vi"}, "th", "ชันโรง"},
		{[]string{"en"}, "en", "Stingless bee"},
		{[]string{"vi", "zh", "en"}, "zh", "无刺蜂"},
		{[]string{"th", "en"}, "th", "ชันโรง"},
	} {
		lang, got := l.Shown(tc.want)
		if lang != tc.lang || got.Title != tc.out {
			t.Errorf("Shown(%v) = %s %q, want %s %q", tc.want, lang, got.Title, tc.lang, tc.out)
		}
	}
}

func TestApplyTranslations(t *testing.T) {
	dst := map[string]Translation{"en": {Title: "a"}, "zh": {Title: "b"}}
	orig := dst // a listing loaded before the change shares the map (UpdateListing compares the two)
	applyTranslations(&dst, map[string]*Translation{"zh": nil, "th": {Title: "c"}})
	if len(dst) != 2 || dst["en"].Title != "a" || dst["th"].Title != "c" {
		t.Fatalf("merged %v", dst)
	}
	if len(orig) != 2 || orig["zh"].Title != "b" {
		t.Fatalf("the listing read before was changed: %v", orig)
	}
	applyTranslations(&dst, nil)
	if len(dst) != 2 {
		t.Fatalf("nil patch changed %v", dst)
	}
}
