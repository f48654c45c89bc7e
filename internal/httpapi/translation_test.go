package httpapi_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

type translatedJSON struct {
	ID           string `json:"id"`
	Version      int    `json:"version"`
	Language     string `json:"language"`
	Title        string `json:"title"`
	Translations map[string]struct {
		Title    string   `json:"title"`
		Summary  string   `json:"summary"`
		Keywords []string `json:"keywords"`
	} `json:"translations"`
	Shown *struct {
		Language string `json:"language"`
		Title    string `json:"title"`
	} `json:"shown"`
}

func TestListingTranslations(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		body := listingBody(transfer.KindOffer, api.ownInst.ID)
		body["translations"] = map[string]any{
			"th": map[string]any{"title": "ปั๊มน้ำพลังงานแสงอาทิตย์", "summary": "ระบบสูบน้ำนอกโครงข่าย", "keywords": []string{"ปั๊มน้ำ"}},
		}
		var o translatedJSON
		api.do("staff", http.MethodPost, "/api/v1/offers", body).want(201).json(&o)
		if o.Translations["th"].Title != "ปั๊มน้ำพลังงานแสงอาทิตย์" || !slices.Equal(o.Translations["th"].Keywords, []string{"ปั๊มน้ำ"}) {
			t.Fatalf("created %+v", o)
		}
		path := "/api/v1/offers/" + o.ID
		// PATCH merges by language: zh added, th kept, with the ETag rules.
		zh := map[string]any{"translations": map[string]any{"zh": map[string]any{"title": "太阳能水泵"}}}
		api.do("staff", http.MethodPatch, path, zh, "If-Match", `"7"`).want(412)
		api.do("staff", http.MethodPatch, path, zh, "If-Match", `"1"`).want(200).json(&o)
		if o.Version != 2 || len(o.Translations) != 2 || o.Translations["zh"].Title != "太阳能水泵" {
			t.Fatalf("after adding zh %+v", o)
		}
		// null removes a language.
		o = translatedJSON{}
		api.do("staff", http.MethodPatch, path, map[string]any{"translations": map[string]any{"th": nil}}, "If-Match", `"2"`).want(200).json(&o)
		if _, ok := o.Translations["th"]; ok || len(o.Translations) != 1 {
			t.Fatalf("after removing th %+v", o)
		}
		var hist struct {
			Items []struct {
				Changes map[string]any `json:"changes"`
			} `json:"items"`
		}
		api.do("staff", http.MethodGet, path+"/history", nil).want(200).json(&hist)
		if n := len(hist.Items); n != 3 || hist.Items[1].Changes["translations"] == nil || hist.Items[2].Changes["translations"] == nil {
			t.Fatalf("history %+v", hist)
		}
		api.do("staff", http.MethodPost, path+"/submit", nil).want(200)
		api.do("staff", http.MethodPost, path+"/publish", nil).want(200)

		// Lists show the wanted language first and say which it is.
		var page struct {
			Items []translatedJSON `json:"items"`
		}
		r := api.do("analyst", http.MethodGet, "/api/v1/offers?lang=zh", nil).want(200)
		r.json(&page)
		if len(page.Items) != 1 || page.Items[0].Shown == nil || page.Items[0].Shown.Language != "zh" || page.Items[0].Shown.Title != "太阳能水泵" {
			t.Fatalf("lang=zh: %s", r.Body.String())
		}
		if !strings.Contains(r.Header().Get("Vary"), "Accept-Language") {
			t.Fatalf("Vary %q", r.Header().Get("Vary"))
		}
		api.do("analyst", http.MethodGet, "/api/v1/offers", nil, "Accept-Language", "th-TH, en;q=0.8, zh;q=0.9").want(200).json(&page)
		if s := page.Items[0].Shown; s == nil || s.Language != "zh" {
			t.Fatalf("Accept-Language th, zh 0.9, en 0.8: shown %+v", s)
		}
		api.do("analyst", http.MethodGet, "/api/v1/offers", nil, "Accept-Language", "vi, en;q=0.5").want(200).json(&page)
		if s := page.Items[0].Shown; s == nil || s.Language != "en" || s.Title != o.Title {
			t.Fatalf("Accept-Language vi, en: shown %+v", s)
		}
		page.Items = nil
		api.do("analyst", http.MethodGet, "/api/v1/offers", nil).want(200).json(&page)
		if page.Items[0].Shown != nil {
			t.Fatalf("no language asked, shown %+v", page.Items[0].Shown)
		}
		if p := api.do("analyst", http.MethodGet, "/api/v1/offers?lang=klingon", nil).want(422).problem(); p.fields()[0] != "lang" {
			t.Fatalf("bad lang: %+v", p)
		}
	})
}

func TestListingTranslationsAreValidated(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for name, tc := range map[string]struct {
			translations any
			field        string
		}{
			"unknown tag":      {map[string]any{"xx": map[string]any{"title": "t"}}, "translations"},
			"upper case tag":   {map[string]any{"TH": map[string]any{"title": "t"}, "th": map[string]any{"title": "u"}}, "translations"},
			"own language":     {map[string]any{"en": map[string]any{"title": "t"}}, "translations.en"},
			"no title":         {map[string]any{"th": map[string]any{"summary": "s"}}, "translations.th.title"},
			"NUL":              {map[string]any{"th": map[string]any{"title": "a\x00b"}}, "translations.th.title"},
			"long title":       {map[string]any{"th": map[string]any{"title": strings.Repeat("ก", 201)}}, "translations.th.title"},
			"long description": {map[string]any{"th": map[string]any{"title": "t", "description": strings.Repeat("x", 10001)}}, "translations.th.description"},
			"keyword twice":    {map[string]any{"th": map[string]any{"title": "t", "keywords": []string{"a", "a"}}}, "translations.th.keywords[1]"},
			"too many": {map[string]any{"th": map[string]any{"title": "t"}, "zh": map[string]any{"title": "t"}, "vi": map[string]any{"title": "t"},
				"id": map[string]any{"title": "t"}, "ms": map[string]any{"title": "t"}, "fr": map[string]any{"title": "t"}, "de": map[string]any{"title": "t"},
				"ja": map[string]any{"title": "t"}, "ko": map[string]any{"title": "t"}}, "translations"},
		} {
			body := listingBody(transfer.KindOffer, api.ownInst.ID)
			body["translations"] = tc.translations
			p := api.do("staff", http.MethodPost, "/api/v1/offers", body).want(422).problem()
			if !slices.Contains(p.fields(), tc.field) {
				t.Errorf("%s: fields %v, want %s", name, p.fields(), tc.field)
			}
		}
		// Invalid UTF-8 inside a translation, as raw bytes.
		body := listingBody(transfer.KindOffer, api.ownInst.ID)
		raw, _ := json.Marshal(body)
		bad := strings.Replace(string(raw), `"title":`, `"translations":{"th":{"title":"a`+"\xff"+`b"}},"title":`, 1)
		if p := api.do("staff", http.MethodPost, "/api/v1/offers", bad).want(422).problem(); !slices.Contains(p.fields(), "translations.th.title") {
			t.Fatalf("invalid UTF-8: %+v", p)
		}
		// A PATCH is checked the same way.
		o := api.makeListing(transfer.KindOffer, api.ownInst.ID, "public", transfer.StatusDraft)
		p := api.do("staff", http.MethodPatch, "/api/v1/offers/"+o.ID, map[string]any{"translations": map[string]any{"th": map[string]any{"title": "a\x00"}}}).want(422).problem()
		if !slices.Contains(p.fields(), "translations.th.title") {
			t.Fatalf("PATCH NUL: %+v", p)
		}
	})
}

func TestImportCarriesTranslations(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		var res struct {
			Created int `json:"created"`
			Results []struct {
				ID     string                `json:"id"`
				Errors []transfer.FieldError `json:"errors"`
			} `json:"results"`
		}
		good := listingBody(transfer.KindOffer, api.ownInst.ID)
		good["translations"] = map[string]any{"vi": map[string]any{"title": "Bơm nước năng lượng mặt trời"}}
		bad := listingBody(transfer.KindOffer, api.ownInst.ID)
		bad["translations"] = map[string]any{"vi": map[string]any{"summary": "no title"}}
		api.do("staff", http.MethodPost, "/api/v1/offers/import", []any{good, bad}).want(200).json(&res)
		if res.Created != 1 || res.Results[1].Errors[0].Field != "translations.vi.title" {
			t.Fatalf("JSON import %+v", res)
		}
		var o translatedJSON
		api.do("staff", http.MethodGet, "/api/v1/offers/"+res.Results[0].ID, nil).want(200).json(&o)
		if o.Translations["vi"].Title != "Bơm nước năng lượng mặt trời" {
			t.Fatalf("imported %+v", o)
		}
		csv := "institution_id,title,summary,language,sector,subsector,trl,ip_status,translations.th.title,translations.th.keywords,translations.zh.title\n" +
			api.ownInst.ID + ",Biogas digesters,Small farms,en,new_energy,bioenergy,7,know_how,ถังหมักก๊าซชีวภาพ,ก๊าซชีวภาพ;ถังหมัก,沼气池\n" +
			api.ownInst.ID + ",Bad,Small farms,en,new_energy,bioenergy,7,know_how,ถัง\x00หมัก,,\n"
		r := api.do("staff", http.MethodPost, "/api/v1/offers/import", csv, "Content-Type", "text/csv").want(200)
		r.json(&res)
		if res.Created != 1 || len(res.Results[1].Errors) == 0 || res.Results[1].Errors[0].Field != "translations.th.title" {
			t.Fatalf("CSV import %s", r.Body.String())
		}
		api.do("staff", http.MethodGet, "/api/v1/offers/"+res.Results[0].ID, nil).want(200).json(&o)
		want := []string{"ก๊าซชีวภาพ", "ถังหมัก"}
		if o.Translations["th"].Title != "ถังหมักก๊าซชีวภาพ" || !reflect.DeepEqual(o.Translations["th"].Keywords, want) || o.Translations["zh"].Title != "沼气池" {
			t.Fatalf("CSV imported %+v", o)
		}
		api.do("staff", http.MethodPost, "/api/v1/offers/import", "title,translations.th.colour\nx,red\n", "Content-Type", "text/csv").want(422)
	})
}

// A Thai demand on a topic the lexicon lacks meets the English offer on it
// through its English translation; without one, only the structured fit
// links them.
func TestTranslationBridgesOutsideTheLexicon(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		offer := func(title, summary string) string {
			b := listingBody(transfer.KindOffer, api.otherInst.ID)
			b["title"], b["summary"], b["sector"], b["subsector"] = title, summary, "biomedicine", "traditional_medicine"
			delete(b, "keywords")
			var o translatedJSON
			api.do("staff", http.MethodPost, "/api/v1/offers", b).want(201).json(&o)
			api.do("staff", http.MethodPost, "/api/v1/offers/"+o.ID+"/submit", nil).want(200)
			api.do("staff", http.MethodPost, "/api/v1/offers/"+o.ID+"/publish", nil).want(200)
			return o.ID
		}
		propolis := offer("Stingless bee propolis extract", "Standardised propolis from stingless bee colonies for throat lozenges")
		offer("Kapok seed pillow filling", "Hypoallergenic kapok fibre stuffing for orthopaedic pillows")
		b := listingBody(transfer.KindDemand, api.ownInst.ID)
		b["title"], b["summary"], b["language"], b["sector"], b["subsector"] =
			"สารสกัดพรอพอลิสจากชันโรง", "ต้องการสารสกัดมาตรฐานสำหรับยาอมแก้เจ็บคอ", "th", "biomedicine", "traditional_medicine"
		delete(b, "keywords")
		var d translatedJSON
		api.do("staff", http.MethodPost, "/api/v1/demands", b).want(201).json(&d)
		api.do("staff", http.MethodPost, "/api/v1/demands/"+d.ID+"/submit", nil).want(200)
		api.do("staff", http.MethodPost, "/api/v1/demands/"+d.ID+"/publish", nil).want(200)
		textOf := func() (first string, text float64) {
			var s suggestions
			api.do("staff", http.MethodGet, "/api/v1/demands/"+d.ID+"/matches", nil).want(200).json(&s)
			if len(s.Items) == 0 {
				return "", 0
			}
			for _, it := range s.Items {
				if it.OfferID == propolis {
					text = it.Components["text"].Score
				}
			}
			return s.Items[0].OfferID, text
		}
		if _, text := textOf(); text != 0 {
			t.Fatalf("without a translation the Thai demand shares words with the English offer: text %v", text)
		}
		api.do("staff", http.MethodPatch, "/api/v1/demands/"+d.ID, map[string]any{"translations": map[string]any{
			"en": map[string]any{"title": "Stingless bee propolis extract", "summary": "Standardised extract for throat lozenges"}}}).want(200)
		first, text := textOf()
		if first != propolis || text < 0.3 {
			t.Fatalf("with an English translation: first %s (propolis %s), text %v", first, propolis, text)
		}
		t.Logf("propolis offer's text component with the demand's English translation: %.3f", text)
		// The offer's side shows the demand in the language asked for.
		var s struct {
			Items []struct {
				Demand struct {
					Shown *struct {
						Language string `json:"language"`
						Title    string `json:"title"`
					} `json:"shown"`
				} `json:"demand"`
			} `json:"items"`
		}
		api.do("staff", http.MethodGet, "/api/v1/offers/"+propolis+"/matches", nil, "Accept-Language", "en-GB, th;q=0.5").want(200).json(&s)
		if len(s.Items) != 1 || s.Items[0].Demand.Shown == nil || s.Items[0].Demand.Shown.Language != "en" ||
			s.Items[0].Demand.Shown.Title != "Stingless bee propolis extract" {
			t.Fatalf("offer matches shown in English: %+v", s)
		}
	})
}
