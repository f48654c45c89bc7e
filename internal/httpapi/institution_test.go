package httpapi_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/techbridge/techbridge/internal/transfer"
)

type institutionBody struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	LocalName    string   `json:"local_name"`
	Country      string   `json:"country"`
	Type         string   `json:"type"`
	Sectors      []string `json:"sectors"`
	Website      string   `json:"website"`
	Description  string   `json:"description"`
	ContactEmail string   `json:"contact_email"`
	Verified     bool     `json:"verified"`
	Version      int      `json:"version"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
}

func TestCreateAndReadInstitutionRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		in := map[string]any{"name": " Vietnam Academy of Science ", "local_name": "Viện Hàn lâm Khoa học", "country": "vn",
			"type": "research_institute", "sectors": []string{"biomedicine", "new_energy"}, "website": "https://vast.example",
			"description": "Hà Nội", "contact_email": "TTO@Vast.example", "verified": true}
		r := api.do("staff", http.MethodPost, "/api/v1/institutions", in).want(201)
		var created institutionBody
		r.json(&created)
		if r.Header().Get("Location") != "/api/v1/institutions/"+created.ID || r.Header().Get("ETag") != `"1"` {
			t.Fatalf("Location %q ETag %q", r.Header().Get("Location"), r.Header().Get("ETag"))
		}
		var got institutionBody
		api.do("staff", http.MethodGet, "/api/v1/institutions/"+created.ID, nil).want(200).json(&got)
		want := institutionBody{ID: created.ID, Name: "Vietnam Academy of Science", LocalName: "Viện Hàn lâm Khoa học",
			Country: "VN", Type: "research_institute", Sectors: []string{"biomedicine", "new_energy"}, Website: "https://vast.example",
			Description: "Hà Nội", ContactEmail: "tto@vast.example", Verified: true, Version: 1,
			CreatedAt: created.CreatedAt, UpdatedAt: created.CreatedAt}
		if !reflect.DeepEqual(got, want) || !strings.HasSuffix(got.CreatedAt, "Z") {
			t.Fatalf("read back\n got %+v\nwant %+v", got, want)
		}
	})
}

func TestPatchOneFieldWithIfMatch(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		path := "/api/v1/institutions/" + api.ownInst.ID
		var before, after institutionBody
		api.do("partner", http.MethodGet, path, nil).want(200).json(&before)
		r := api.do("partner", http.MethodPatch, path, map[string]any{"website": "https://gxu.example"}, "If-Match", `"1"`).want(200)
		r.json(&after)
		if r.Header().Get("ETag") != `"2"` || after.Version != 2 || after.Website != "https://gxu.example" {
			t.Fatalf("after patch: ETag %q %+v", r.Header().Get("ETag"), after)
		}
		// Only the sent field changed.
		before.Website, before.Version, before.UpdatedAt = after.Website, after.Version, after.UpdatedAt
		if !reflect.DeepEqual(before, after) {
			t.Fatalf("patch changed more than website:\n got %+v\nwant %+v", after, before)
		}
		// The version the caller saw is gone: 412, and nothing changes.
		api.do("staff", http.MethodPatch, path, map[string]any{"name": "Stale"}, "If-Match", `"1"`).want(412).problem()
		api.do("staff", http.MethodPatch, path, map[string]any{"name": "Stale"}, "If-Match", `W/"1"`).want(412)
		api.do("staff", http.MethodPatch, path, map[string]any{"name": "Stale"}, "If-Match", `one`).want(400)
		var now institutionBody
		api.do("staff", http.MethodGet, path, nil).want(200).json(&now)
		if now.Name != "Guangxi University" || now.Version != 2 {
			t.Fatalf("stale patch wrote: %+v", now)
		}
		// Partners cannot verify themselves; staff can.
		p := api.do("partner", http.MethodPatch, path, map[string]any{"verified": true}).want(422).problem()
		if len(p.Errors) != 1 || p.Errors[0].Field != "verified" {
			t.Fatalf("partner verify: %+v", p)
		}
		api.do("staff", http.MethodPatch, path, map[string]any{"verified": true}, "If-Match", `"2"`).want(200)
		// Invalid values are 422 and change nothing.
		api.do("staff", http.MethodPatch, path, map[string]any{"country": "ZZ", "sectors": []string{"x"}}).want(422)
		api.do("staff", http.MethodGet, path, nil).want(200).json(&now)
		if now.Country != "CN" || now.Version != 3 {
			t.Fatalf("invalid patch wrote: %+v", now)
		}
	})
}

func TestContactDataIsHiddenFromAnalystsAndOtherPartners(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		other, err := api.svc.CreateUserUnchecked(ctx, transfer.NewUser{Email: "other@test.example", Password: api.password,
			Role: transfer.RolePartner, InstitutionID: api.otherInst.ID})
		if err != nil {
			t.Fatal(err)
		}
		tok, _, _ := api.tokens.IssueAccessToken(other.Actor())
		api.bearer["other-partner"] = "Bearer " + tok
		path := "/api/v1/institutions/" + api.ownInst.ID
		for caller, visible := range map[string]bool{"admin": true, "staff": true, "partner": true, "client": true,
			"analyst": false, "other-partner": false} {
			var one institutionBody
			api.do(caller, http.MethodGet, path, nil).want(200).json(&one)
			var list struct{ Items []institutionBody }
			api.do(caller, http.MethodGet, "/api/v1/institutions?country=CN", nil).want(200).json(&list)
			if (one.ContactEmail != "") != visible || len(list.Items) != 1 || (list.Items[0].ContactEmail != "") != visible {
				t.Errorf("%s: contact visible in get=%q list=%+v, want visible=%v", caller, one.ContactEmail, list.Items, visible)
			}
		}
	})
}

func TestListInstitutionsPagesFiltersAndSorts(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		for _, name := range []string{"Delta", "Alpha", "Echo", "Charlie", "Bravo"} {
			api.do("staff", http.MethodPost, "/api/v1/institutions", map[string]any{"name": name, "country": "MY",
				"type": "enterprise", "sectors": []string{"biomedicine"}}).want(201)
		}
		var names []string
		next := "/api/v1/institutions?country=MY&sort=name&limit=2"
		pages := 0
		for next != "" {
			r := api.do("staff", http.MethodGet, next, nil).want(200)
			var page struct {
				Items      []institutionBody `json:"items"`
				NextCursor string            `json:"next_cursor"`
				Total      int               `json:"total"`
			}
			r.json(&page)
			if page.Total != 5 {
				t.Fatalf("total %d", page.Total)
			}
			for _, it := range page.Items {
				names = append(names, it.Name)
			}
			link := r.Header().Get("Link")
			if (page.NextCursor != "") != (link != "") {
				t.Fatalf("next_cursor %q but Link %q", page.NextCursor, link)
			}
			next = ""
			if link != "" {
				next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
				if !strings.Contains(next, "cursor="+url.QueryEscape(page.NextCursor)) {
					t.Fatalf("Link %q lacks the cursor", link)
				}
			}
			pages++
		}
		if strings.Join(names, ",") != "Alpha,Bravo,Charlie,Delta,Echo" || pages != 3 {
			t.Fatalf("%d pages: %v", pages, names)
		}
		var desc struct{ Items []institutionBody }
		api.do("staff", http.MethodGet, "/api/v1/institutions?country=MY&sort=-name&limit=1", nil).want(200).json(&desc)
		if desc.Items[0].Name != "Echo" {
			t.Fatalf("-name first %q", desc.Items[0].Name)
		}
		var filtered struct{ Total int }
		api.do("staff", http.MethodGet, "/api/v1/institutions?sector=biomedicine&type=enterprise", nil).want(200).json(&filtered)
		if filtered.Total != 5 {
			t.Fatalf("sector+type total %d", filtered.Total)
		}
		api.do("staff", http.MethodGet, "/api/v1/institutions?limit=1000", nil).want(200) // clamped, not refused
		for _, bad := range []string{"cursor=garbage", "cursor=eyJzIjoibmFtZSIsImlkIjoieCJ9"} {
			api.do("staff", http.MethodGet, "/api/v1/institutions?"+bad, nil).want(400).problem()
		}
		p := api.do("staff", http.MethodGet, "/api/v1/institutions?limit=ten&sort=size&country=Q1&type=bank&verified=maybe", nil).want(422).problem()
		if len(p.Errors) < 2 {
			t.Fatalf("expected several problems, got %+v", p.Errors)
		}
	})
}

func TestUsersAPI(t *testing.T) {
	each(t, func(t *testing.T, api *testAPI) {
		p := api.do("admin", http.MethodPost, "/api/v1/users", map[string]any{"email": "x", "password": "short", "role": "partner"}).want(422).problem()
		if strings.Join(p.fields(), ",") != "email,password,institution_id" {
			t.Fatalf("fields %v", p.fields())
		}
		api.do("admin", http.MethodPost, "/api/v1/users", map[string]any{"email": "p2@test.example", "password": api.password,
			"role": "partner", "institution_id": "01a20a6f-0000-7000-8000-000000000000"}).want(422)
		r := api.do("admin", http.MethodPost, "/api/v1/users", map[string]any{"email": "P2@test.example", "password": api.password,
			"role": "partner", "institution_id": api.otherInst.ID}).want(201)
		if strings.Contains(r.Body.String(), "password") {
			t.Fatalf("user response shows the password hash: %s", r.Body.String())
		}
		api.do("admin", http.MethodPost, "/api/v1/users", map[string]any{"email": "p2@test.example", "password": api.password,
			"role": "analyst"}).want(409).problem()
		api.login("p2@test.example", api.password).want(200)
		var list struct {
			Items []struct{ Email string } `json:"items"`
			Total int                      `json:"total"`
		}
		api.do("admin", http.MethodGet, "/api/v1/users?role=partner&sort=email", nil).want(200).json(&list)
		if list.Total != 2 || list.Items[0].Email != "p2@test.example" {
			t.Fatalf("partners: %+v", list)
		}
		// Turning a partner into an analyst unbinds it from its institution.
		var u struct {
			Role          string `json:"role"`
			InstitutionID string `json:"institution_id"`
		}
		api.do("admin", http.MethodPatch, "/api/v1/users/"+api.partner.ID, map[string]any{"role": "analyst"}, "If-Match", `"1"`).want(200).json(&u)
		if u.Role != "analyst" || u.InstitutionID != "" {
			t.Fatalf("after role change %+v", u)
		}
		api.do("admin", http.MethodPatch, "/api/v1/users/"+api.partner.ID, map[string]any{"role": "staff"}, "If-Match", `"1"`).want(412)
	})
}
