package store_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// searchFixture is a small corpus in the first-class languages; the keys
// name the listings in the expectations below.
var searchFixture = []struct {
	key, lang, title, summary string
	keywords                  []string
}{
	{"en-solar", "en", "Solar PV panels for rooftops", "High efficiency photovoltaic modules", []string{"solar", "pv"}},
	{"zh-solar", "zh", "太阳能光伏组件", "高效单晶硅光伏电池", []string{"光伏"}},
	{"th-solar", "th", "ระบบพลังงานแสงอาทิตย์", "แผงโซลาร์เซลล์สำหรับหลังคาบ้าน", []string{"โซลาร์เซลล์"}},
	{"vi-solar", "vi", "Hệ thống điện mặt trời", "Pin năng lượng mặt trời hiệu suất cao", nil},
	{"id-cassava", "id", "Pengolahan singkong", "Teknologi tepung CASSAVA untuk industri", nil},
	{"en-battery", "en", "Battery storage for grids", "Lithium batteries with long life", nil},
	{"en-grid", "en", "Grid controller", "Works with battery storage of any size", nil},
	{"zh-battery", "zh", "锂电池储能系统", "电网储能", nil},
	{"ms-odd", "ms", "Ｆｕｌｌ－width ＡＩ tools", "naïve café résumé", nil},
}

// searchCases: the set each query must find on every dialect. An ordered
// want is the relevance order (title hits first, then newest).
var searchCases = []struct {
	q       string
	want    []string
	ordered bool
}{
	{"solar", []string{"en-solar"}, false},
	{"Solar panel", []string{"en-solar"}, false},
	{"sol", []string{"en-solar"}, false}, // still typing
	{"光伏", []string{"zh-solar"}, false},
	{"光", []string{"zh-solar"}, false},
	{"电池", []string{"zh-solar", "zh-battery"}, false},
	{"储能", []string{"zh-battery"}, false},
	{"โซลาร์", []string{"th-solar"}, false},
	{"แสงอาทิตย์", []string{"th-solar"}, false},
	{"mặt trời", []string{"vi-solar"}, false},
	{"mat troi", []string{"vi-solar"}, false},
	{"ĐIỆN", []string{"vi-solar"}, false},
	{"cassava", []string{"id-cassava"}, false},
	{"batteries", []string{"en-battery", "en-grid"}, false},
	{"storage", []string{"en-battery", "en-grid"}, true}, // en-grid is newer, but en-battery has it in the title
	{"ai", []string{"ms-odd"}, false},
	{"FULL", []string{"ms-odd"}, false},
	{"cafe", []string{"ms-odd"}, false},
	{"the", nil, false},
	{"50%_off", nil, false},
	{"\x00", nil, false},
	{"a\x00b\xff", nil, false},
	{"'\"*:&|!()", nil, false},
	{"solar' | 'x", []string{"en-solar"}, false}, // quotes and operators are punctuation
	{`"solar" OR "pv"`, []string{"en-solar"}, false},
	{"NEAR(solar pv)", nil, false},
	{"\u200b\u202e", nil, false},
}

func seedSearchFixture(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	in := institution("Search University")
	if err := s.CreateInstitution(ctx, in); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	var ls []transfer.Listing
	for i, f := range searchFixture {
		l := transfer.Listing{ID: id(), Kind: transfer.KindOffer, InstitutionID: in.ID, Title: f.title, Summary: f.summary,
			Language: f.lang, Sector: "new_energy", Keywords: f.keywords, TRL: 5, Visibility: "public",
			Status: transfer.StatusPublished, Version: 1, CreatedAt: at(i), UpdatedAt: at(i),
			TransferModes: []string{}, Countries: []string{}}
		if l.Keywords == nil {
			l.Keywords = []string{}
		}
		ids[l.ID] = f.key
		ls = append(ls, l)
	}
	if err := s.CreateListings(ctx, ls); err != nil {
		t.Fatal(err)
	}
	return ids
}

func searchService(t *testing.T, s *store.Store) *transfer.Service {
	t.Helper()
	tokens, err := auth.NewTokens([]byte(strings.Repeat("k", auth.MinSecretLength)), time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := transfer.NewService(s, auth.FastArgon2, tokens, transfer.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// searchAll pages through a search one item at a time, so that the cursor
// is exercised, and returns the keys found in order.
func searchAll(t *testing.T, svc *transfer.Service, ids map[string]string, q string) ([]string, error) {
	t.Helper()
	staff := transfer.Actor{ID: id(), Kind: transfer.ActorUser, Role: transfer.RoleStaff}
	var keys []string
	cursor := ""
	for range 20 {
		p, err := svc.ListListings(ctx, staff, transfer.ListingFilter{Kind: transfer.KindOffer, Q: q},
			transfer.PageRequest{Limit: 1, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, l := range p.Items {
			keys = append(keys, ids[l.ID])
		}
		if p.Total != int64(len(keys)) && p.NextCursor == "" {
			t.Errorf("q=%q: total %d, but %d items over the pages", q, p.Total, len(keys))
		}
		if cursor = p.NextCursor; cursor == "" {
			return keys, nil
		}
	}
	t.Fatalf("q=%q: more pages than listings", q)
	return nil, nil
}

func TestSearchFindsTheSameListingsOnEveryDialect(t *testing.T) {
	found := map[string]map[string][]string{} // dialect → q → keys
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seedSearchFixture(t, s)
		svc := searchService(t, s)
		got := map[string][]string{}
		for _, c := range searchCases {
			keys, err := searchAll(t, svc, ids, c.q)
			if err != nil {
				t.Errorf("q=%q: %v", c.q, err)
				continue
			}
			got[c.q] = keys
			want := slices.Clone(c.want)
			if !c.ordered {
				slices.Sort(keys)
				slices.Sort(want)
			}
			if !slices.Equal(keys, want) {
				t.Errorf("q=%q: found %v, want %v", c.q, keys, want)
			}
		}
		found[s.Dialect()] = got
	})
	if len(found) == 2 {
		if a, b := found[store.SQLite], found[store.Postgres]; !maps.EqualFunc(a, b, slices.Equal) {
			t.Errorf("the dialects differ:\nsqlite   %v\npostgres %v", a, b)
		}
	}
}

// Migration 00011 computes the terms of listings written before 00010.
func TestSearchMigrationFillsExistingListings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seedSearchFixture(t, s)
		if err := s.MigrateDownTo(ctx, 9); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		svc := searchService(t, s)
		for _, q := range []string{"光伏", "โซลาร์", "mat troi", "batteries"} {
			keys, err := searchAll(t, svc, ids, q)
			if err != nil || len(keys) == 0 {
				t.Errorf("q=%q after migrating existing rows: %v, %v", q, keys, err)
			}
		}
	})
}

// Edits change what a listing is found under.
func TestSearchFollowsEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seedSearchFixture(t, s)
		svc := searchService(t, s)
		var target transfer.Listing
		for lid, key := range ids {
			if key == "id-cassava" {
				l, err := s.ListingByID(ctx, transfer.KindOffer, lid)
				if err != nil {
					t.Fatal(err)
				}
				target = l
			}
		}
		target.Title, target.Summary, target.Version = "Pengolahan sagu", "Teknologi tepung sagu", 2
		if err := s.UpdateListing(ctx, target); err != nil {
			t.Fatal(err)
		}
		if keys, _ := searchAll(t, svc, ids, "cassava"); len(keys) != 0 {
			t.Errorf("cassava still finds %v after the edit", keys)
		}
		if keys, _ := searchAll(t, svc, ids, "sagu"); !slices.Equal(keys, []string{"id-cassava"}) {
			t.Errorf("sagu finds %v, want the edited listing", keys)
		}
	})
}

func TestRelevanceNeedsQ(t *testing.T) {
	s := dbtest.New(t, store.SQLite)
	svc := searchService(t, s)
	staff := transfer.Actor{ID: id(), Kind: transfer.ActorUser, Role: transfer.RoleStaff}
	for _, r := range []struct {
		q, sort string
	}{{"", "relevance"}, {"solar", "-relevance"}} {
		_, err := svc.ListListings(ctx, staff, transfer.ListingFilter{Kind: transfer.KindOffer, Q: r.q}, transfer.PageRequest{Sort: r.sort})
		if !errors.Is(err, transfer.ErrInvalid) {
			t.Errorf("q=%q sort=%q: %v, want invalid", r.q, r.sort, err)
		}
	}
}

// Past the count limit a total is an estimate and says so; below it, exact.
// The partner's total adds its own listings to the others' live public ones.
func TestListTotalsPastTheLimitAreEstimates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		seedSearchFixture(t, s) // nine published public offers of one institution
		own := institution("Own")
		if err := s.CreateInstitution(ctx, own); err != nil {
			t.Fatal(err)
		}
		draft := transfer.Listing{ID: id(), Kind: transfer.KindOffer, InstitutionID: own.ID, Title: "Own draft", Summary: "s",
			Language: "en", Sector: "biomedicine", Keywords: []string{}, TRL: 5, Visibility: "confidential",
			Status: transfer.StatusDraft, Version: 1, CreatedAt: at(1), UpdatedAt: at(1), TransferModes: []string{}, Countries: []string{}}
		if err := s.CreateListing(ctx, draft); err != nil {
			t.Fatal(err)
		}
		svc := searchService(t, s)
		staff := transfer.Actor{ID: id(), Kind: transfer.ActorUser, Role: transfer.RoleStaff}
		partner := transfer.Actor{ID: id(), Kind: transfer.ActorClient, Role: transfer.RolePartner, InstitutionID: own.ID}
		list := func(a transfer.Actor, f transfer.ListingFilter) transfer.Page[transfer.Listing] {
			t.Helper()
			f.Kind = transfer.KindOffer
			p, err := svc.ListListings(ctx, a, f, transfer.PageRequest{Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		if p := list(staff, transfer.ListingFilter{}); p.Total != 10 || p.TotalEstimated {
			t.Errorf("staff, limit 10,000: total %d estimated %v, want exactly 10", p.Total, p.TotalEstimated)
		}
		if p := list(partner, transfer.ListingFilter{}); p.Total != 10 || p.TotalEstimated {
			t.Errorf("partner: total %d estimated %v, want exactly 10 (9 public + its draft)", p.Total, p.TotalEstimated)
		}
		s.SetCountLimit(4)
		if err := s.Analyze(ctx); err != nil { // Postgres asks its planner first
			t.Fatal(err)
		}
		if p := list(staff, transfer.ListingFilter{}); !p.TotalEstimated || p.Total < 4 {
			t.Errorf("staff, limit 4: total %d estimated %v, want an estimate of at least 4", p.Total, p.TotalEstimated)
		}
		// Past the limit the partner's own draft is not counted into the
		// others' estimate: the total is still at least the limit.
		if p := list(partner, transfer.ListingFilter{}); !p.TotalEstimated || p.Total < 4 {
			t.Errorf("partner, limit 4: total %d estimated %v, want an estimate of at least 4", p.Total, p.TotalEstimated)
		}
		if p := list(partner, transfer.ListingFilter{Sector: "biomedicine"}); p.Total != 1 || p.TotalEstimated {
			t.Errorf("partner, biomedicine: total %d estimated %v, want exactly 1", p.Total, p.TotalEstimated)
		}
	})
}

// A search ranked by relevance (from listing_search_rows on SQLite) finds
// exactly what the same search sorted by a column (from listings) finds,
// under every filter and for every viewer, also after edits that change what
// the filters and the visibility rule read.
func TestRelevanceFindsWhatTheColumnSortFinds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seedSearchFixture(t, s) // nine published public offers of one institution, all new_energy
		own := institution("Own")
		own.Country = "TH"
		if err := s.CreateInstitution(ctx, own); err != nil {
			t.Fatal(err)
		}
		past := time.Now().Add(-time.Hour)
		mine := []transfer.Listing{}
		for i, v := range []struct {
			title, sector, lang, visibility string
			status                          transfer.Status
			trl                             int
			modes                           []string
			ends                            *time.Time
		}{
			{"Solar dryer", "modern_agriculture", "en", "public", transfer.StatusPublished, 7, []string{"licensing"}, nil},
			{"Solar water pump", "modern_agriculture", "th", "confidential", transfer.StatusPublished, 4, []string{"assignment"}, nil},
			{"Solar storage draft", "new_energy", "en", "public", transfer.StatusDraft, 3, []string{}, nil},
			{"Solar lamp, expired", "new_energy", "en", "public", transfer.StatusPublished, 6, []string{"licensing"}, &past},
			{"Battery solar hybrid", "new_energy", "zh", "public", transfer.StatusPending, 8, []string{"joint_development"}, nil},
		} {
			l := transfer.Listing{ID: id(), Kind: transfer.KindOffer, InstitutionID: own.ID, Title: v.title, Summary: "solar",
				Language: v.lang, Sector: v.sector, Keywords: []string{}, TRL: v.trl, Visibility: v.visibility, Status: v.status,
				EndsAt: v.ends, Version: 1, CreatedAt: at(20 + i), UpdatedAt: at(20 + i), TransferModes: v.modes, Countries: []string{}}
			if err := s.CreateListing(ctx, l); err != nil {
				t.Fatal(err)
			}
			ids[l.ID] = v.title
			mine = append(mine, l)
		}
		svc := searchService(t, s)
		viewers := map[string]transfer.Actor{
			"staff":         {ID: id(), Kind: transfer.ActorUser, Role: transfer.RoleStaff},
			"own partner":   {ID: id(), Kind: transfer.ActorClient, Role: transfer.RolePartner, InstitutionID: own.ID},
			"other partner": {ID: id(), Kind: transfer.ActorClient, Role: transfer.RolePartner, InstitutionID: id()},
			"analyst":       {ID: id(), Kind: transfer.ActorUser, Role: transfer.RoleAnalyst},
		}
		month := at(0).AddDate(0, -1, 0)
		later := at(22)
		filters := map[string]transfer.ListingFilter{
			"none": {}, "sector": {Sector: "modern_agriculture"}, "subsector": {Subsector: "solar_pv"},
			"language": {Language: "en"}, "trl": {TRLMin: 4, TRLMax: 7}, "mode": {TransferMode: "licensing"},
			"institution": {InstitutionID: own.ID}, "status": {Status: transfer.StatusPublished}, "country": {Country: "TH"},
			"updated since": {UpdatedSince: &month}, "updated later": {UpdatedSince: &later},
		}
		list := func(a transfer.Actor, f transfer.ListingFilter, sort string) []string {
			t.Helper()
			f.Kind, f.Q = transfer.KindOffer, "solar"
			p, err := svc.ListListings(ctx, a, f, transfer.PageRequest{Limit: 100, Sort: sort})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != int64(len(p.Items)) || p.TotalEstimated {
				t.Errorf("sort %q: total %d (estimated %v) for %d items", sort, p.Total, p.TotalEstimated, len(p.Items))
			}
			var keys []string
			for _, l := range p.Items {
				keys = append(keys, ids[l.ID])
			}
			slices.Sort(keys)
			return keys
		}
		compare := func(when string) (found int) {
			for vn, a := range viewers {
				for fn, f := range filters {
					ranked, sorted := list(a, f, ""), list(a, f, "created_at")
					if !slices.Equal(ranked, sorted) {
						t.Errorf("%s, %s, %s: by relevance %v, by created_at %v", when, vn, fn, ranked, sorted)
					}
					found += len(ranked)
				}
			}
			return found
		}
		if n := compare("as created"); n == 0 {
			t.Fatal("the cases find nothing")
		}
		if got := list(viewers["own partner"], transfer.ListingFilter{}, ""); len(got) != 6 { // its five and en-solar
			t.Errorf("own partner finds %v, want its five offers and en-solar", got)
		}
		// Edits to every column the mirror holds.
		mine[0].Status, mine[0].Sector, mine[0].Language, mine[0].TRL = transfer.StatusWithdrawn, "new_energy", "ms", 2
		mine[1].Visibility, mine[1].Subsector, mine[1].TransferModes = "public", "solar_pv", []string{"licensing"}
		mine[3].EndsAt = nil
		mine[4].Status, mine[4].Title = transfer.StatusPublished, "Battery hybrid"
		for i := range mine {
			mine[i].Version++
			mine[i].UpdatedAt = at(40 + i)
			if err := s.UpdateListing(ctx, mine[i]); err != nil {
				t.Fatal(err)
			}
		}
		if n := compare("after edits"); n == 0 {
			t.Fatal("the cases find nothing after the edits")
		}
		if got := list(viewers["other partner"], transfer.ListingFilter{Subsector: "solar_pv"}, ""); !slices.Equal(got, []string{"Solar water pump"}) {
			t.Errorf("other partner, solar_pv after the edits: %v, want the pump made public", got)
		}
	})
}

// A cursor past the last match (a match changed after the first page was
// read) gets an empty page with the matches counted anew.
func TestRelevancePastTheEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ids := seedSearchFixture(t, s)
		svc := searchService(t, s)
		staff := transfer.Actor{ID: id(), Kind: transfer.ActorUser, Role: transfer.RoleStaff}
		f := transfer.ListingFilter{Kind: transfer.KindOffer, Q: "batteries"}
		first, err := svc.ListListings(ctx, staff, f, transfer.PageRequest{Limit: 1})
		if err != nil || first.Total != 2 || first.NextCursor == "" {
			t.Fatalf("first page: total %d, cursor %q, %v; want 2 and a cursor", first.Total, first.NextCursor, err)
		}
		for lid, key := range ids {
			if key != "en-grid" && key != "en-battery" || lid == first.Items[0].ID {
				continue
			}
			l, err := s.ListingByID(ctx, transfer.KindOffer, lid)
			if err != nil {
				t.Fatal(err)
			}
			l.Summary, l.Version = "Works with any storage", l.Version+1
			if err := s.UpdateListing(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		next, err := svc.ListListings(ctx, staff, f, transfer.PageRequest{Limit: 1, Cursor: first.NextCursor})
		if err != nil || len(next.Items) != 0 || next.Total != 1 {
			t.Errorf("past the end: %d items, total %d, %v; want none of 1", len(next.Items), next.Total, err)
		}
	})
}

// Relevance ranks by how many of the query's words a title holds, then
// newest first, then by id; every page says the same total, and paging
// with the cursor visits each match once, in that order.
func TestRelevanceOrderAndTotalAcrossPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		in := institution("Order University")
		if err := s.CreateInstitution(ctx, in); err != nil {
			t.Fatal(err)
		}
		type want struct {
			id      string
			hits    int
			created time.Time
		}
		var ls []transfer.Listing
		var wants []want
		for i := range 14 {
			title := []string{"Solar panel cleaning robot", "Solar dryer", "Panel mounting rails", "Greenhouse film"}[i%4]
			created := at(i % 5) // ties on created_at: the id decides
			l := transfer.Listing{ID: id(), Kind: transfer.KindOffer, InstitutionID: in.ID, Title: title,
				Summary: "solar panel for farms", Language: "en", Sector: "new_energy", Keywords: []string{}, TRL: 5,
				Visibility: "public", Status: transfer.StatusPublished, Version: 1, CreatedAt: created, UpdatedAt: created,
				TransferModes: []string{}, Countries: []string{}}
			ls = append(ls, l)
			hits := 0
			for _, w := range []string{"solar", "panel"} {
				if strings.Contains(strings.ToLower(title), w) {
					hits++
				}
			}
			wants = append(wants, want{l.ID, hits, created})
		}
		if err := s.CreateListings(ctx, ls); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(wants, func(a, b want) int {
			if a.hits != b.hits {
				return b.hits - a.hits
			}
			if c := b.created.Compare(a.created); c != 0 {
				return c
			}
			return strings.Compare(a.id, b.id)
		})
		svc := searchService(t, s)
		staff := transfer.Actor{ID: id(), Kind: transfer.ActorUser, Role: transfer.RoleStaff}
		f := transfer.ListingFilter{Kind: transfer.KindOffer, Q: "solar panel"}
		var got []string
		cursor := ""
		for range 10 {
			p, err := svc.ListListings(ctx, staff, f, transfer.PageRequest{Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != int64(len(wants)) || p.TotalEstimated {
				t.Fatalf("page %d: total %d (estimated %v), want %d", len(got)/3, p.Total, p.TotalEstimated, len(wants))
			}
			for _, l := range p.Items {
				got = append(got, l.ID)
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		for i, w := range wants {
			if i >= len(got) || got[i] != w.id {
				t.Fatalf("order: got %v\nwant %v", got, wants)
			}
		}
		if len(got) != len(wants) {
			t.Fatalf("%d listings paged, want %d", len(got), len(wants))
		}
	})
}
