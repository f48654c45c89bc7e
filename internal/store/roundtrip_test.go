package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// Round trips: what goes in comes back out, field for field, on every
// dialect. Every optional field is set once and left empty once, so that a
// mapping that drops or mangles one shows here.

func ptr[T any](v T) *T { return &v }

// roundTripInstitutions creates n institutions (CN university, TH enterprise,
// VN research institute…) for the foreign keys.
func roundTripInstitutions(t *testing.T, s *store.Store, n int) []transfer.Institution {
	t.Helper()
	kinds := []struct{ country, typ string }{{"CN", "university"}, {"TH", "enterprise"}, {"VN", "research_institute"}}
	out := make([]transfer.Institution, n)
	for i := range out {
		in := institution("Institution " + kinds[i].country)
		in.Country, in.Type = kinds[i].country, kinds[i].typ
		if err := s.CreateInstitution(ctx, in); err != nil {
			t.Fatal(err)
		}
		out[i] = in
	}
	return out
}

func fullOffer(institutionID string) transfer.Listing {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return transfer.Listing{ID: id(), Kind: transfer.KindOffer, InstitutionID: institutionID,
		Title: "Perovskite–silicon tandem cells", Summary: "28 % efficient tandem cells", Description: "钙钛矿叠层电池\nline two",
		Language: "zh", Sector: "new_energy", Subsector: "solar_pv", Keywords: []string{"perovskite", "钙钛矿", "tandem cell"},
		TRL: 6, IPStatus: "patent_granted", TransferModes: []string{"licensing", "joint_development"},
		Countries: []string{"TH", "VN", "MY"}, AmountMin: ptr(int64(0)), AmountMax: ptr(int64(1e15)), Currency: "CNY",
		Visibility: "confidential", Status: transfer.StatusRejected, StatusReason: "needs TRL evidence",
		EndsAt: ptr(at(40)), PublishedAt: ptr(at(30)), Version: 3, CreatedAt: now, UpdatedAt: at(20),
		Translations: map[string]transfer.Translation{"en": {Title: "Tandem cells", Summary: "28 %", Description: "two\nlines",
			Keywords: []string{"perovskite"}}, "th": {Title: "เซลล์แสงอาทิตย์"}}}
}

func TestListingRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ins := roundTripInstitutions(t, s, 1)
		full := fullOffer(ins[0].ID)
		fullDemand := fullOffer(ins[0].ID)
		fullDemand.ID, fullDemand.Kind, fullDemand.TRL, fullDemand.IPStatus = id(), transfer.KindDemand, 0, ""
		fullDemand.Status, fullDemand.StatusReason = transfer.StatusPublished, ""
		bare := transfer.Listing{ID: id(), Kind: transfer.KindOffer, InstitutionID: ins[0].ID, Title: "t", Summary: "s",
			Language: "en", Sector: "biomedicine", Keywords: []string{}, TRL: 1, IPStatus: "none",
			TransferModes: []string{}, Countries: []string{}, Visibility: "public", Status: transfer.StatusDraft,
			Version: 1, CreatedAt: at(1), UpdatedAt: at(1)}
		bareDemand := bare
		bareDemand.ID, bareDemand.Kind, bareDemand.TRL, bareDemand.IPStatus = id(), transfer.KindDemand, 0, ""
		for _, tt := range []struct {
			name string
			l    transfer.Listing
		}{{"offer, every field", full}, {"demand, every field", fullDemand}, {"offer, optional fields empty", bare},
			{"demand, optional fields empty", bareDemand}} {
			t.Run(tt.name, func(t *testing.T) {
				if err := s.CreateListing(ctx, tt.l); err != nil {
					t.Fatal(err)
				}
				got, err := s.ListingByID(ctx, tt.l.Kind, tt.l.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.l) {
					t.Fatalf("round trip:\n got %+v\nwant %+v", got, tt.l)
				}
				other := transfer.KindDemand
				if tt.l.Kind == transfer.KindDemand {
					other = transfer.KindOffer
				}
				if _, err := s.ListingByID(ctx, other, tt.l.ID); !errors.Is(err, transfer.ErrNotFound) {
					t.Fatalf("read as a %s: got %v, want ErrNotFound", other, err)
				}
			})
		}
		// The same rows read by a list of ids, outside a transaction and
		// inside one: on Postgres these are two paths (pgx directly, and
		// database/sql on the transaction's connection).
		all := []transfer.Listing{full, fullDemand, bare, bareDemand}
		ids := []string{bareDemand.ID, id(), full.ID, bare.ID, fullDemand.ID, full.ID}
		byIDs := func(s transfer.Store) {
			got, err := s.ListingsByIDs(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(all) {
				t.Fatalf("%d listings for %d known ids (one twice, one unknown): %+v", len(got), len(all), got)
			}
			for _, want := range all {
				i := slices.IndexFunc(got, func(l transfer.Listing) bool { return l.ID == want.ID })
				if i < 0 || !reflect.DeepEqual(got[i], want) {
					t.Fatalf("by ids, %s:\n got %+v\nwant %+v", want.ID, got, want)
				}
			}
		}
		byIDs(s)
		if err := s.Tx(ctx, func(tx transfer.Store) error { byIDs(tx); return nil }); err != nil {
			t.Fatal(err)
		}
		// An update that clears every optional field, and one that sets them again.
		cleared := full
		cleared.Description, cleared.Subsector, cleared.Keywords, cleared.TransferModes, cleared.Countries = "", "", []string{}, []string{}, []string{}
		cleared.AmountMin, cleared.AmountMax, cleared.Currency, cleared.EndsAt, cleared.PublishedAt = nil, nil, "", nil, nil
		cleared.StatusReason, cleared.Version, cleared.UpdatedAt = "", full.Version+1, at(50)
		refilled := fullOffer(ins[0].ID)
		refilled.ID, refilled.CreatedAt, refilled.Version, refilled.UpdatedAt = full.ID, full.CreatedAt, cleared.Version+1, at(51)
		for _, want := range []transfer.Listing{cleared, refilled} {
			if err := s.UpdateListing(ctx, want); err != nil {
				t.Fatal(err)
			}
			got, err := s.ListingByID(ctx, want.Kind, want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after update to version %d:\n got %+v\nwant %+v", want.Version, got, want)
			}
		}
	})
}

func TestMatchRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ins := roundTripInstitutions(t, s, 2)
		demand := fullOffer(ins[0].ID)
		demand.Kind, demand.TRL, demand.IPStatus = transfer.KindDemand, 4, ""
		offers := []transfer.Listing{fullOffer(ins[1].ID), fullOffer(ins[1].ID)}
		for _, l := range append([]transfer.Listing{demand}, offers...) {
			if err := s.CreateListing(ctx, l); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		withInterest := transfer.Match{ID: id(), DemandID: demand.ID, OfferID: offers[0].ID,
			DemandInstitutionID: ins[0].ID, OfferInstitutionID: ins[1].ID, Sector: "new_energy", Score: 73.456789012345,
			Components: map[string]transfer.ScorePart{
				"text": {Score: 0.8125, Weight: 0.4}, "sector": {Score: 1, Weight: 0.2}, "trl": {Score: 0, Weight: 0.15},
			},
			Reasons:          []string{"same subsector: solar_pv", "关键词: 钙钛矿", `quoted "reason", with comma`},
			AlgorithmVersion: "2026.03-lex7", Status: transfer.MatchNegotiating, StatusReason: "talks started",
			DemandInterest: &transfer.Interest{Interested: true, Note: "please call", By: id(), At: at(7)},
			OfferInterest:  &transfer.Interest{Interested: false, By: id(), At: now},
			CreatedBy:      id(), Version: 4, CreatedAt: at(5), UpdatedAt: now}
		bare := transfer.Match{ID: id(), DemandID: demand.ID, OfferID: offers[1].ID,
			DemandInstitutionID: ins[0].ID, OfferInstitutionID: ins[1].ID, Sector: "new_energy", Score: 0,
			Components: map[string]transfer.ScorePart{}, Reasons: []string{}, AlgorithmVersion: "v1",
			Status: transfer.MatchSuggested, CreatedBy: "system", Version: 1, CreatedAt: at(5), UpdatedAt: at(5)}
		for _, tt := range []struct {
			name string
			m    transfer.Match
		}{{"both interests, components and reasons", withInterest}, {"no interests, no components", bare}} {
			t.Run(tt.name, func(t *testing.T) {
				if err := s.CreateMatch(ctx, tt.m); err != nil {
					t.Fatal(err)
				}
				got, err := s.MatchByID(ctx, tt.m.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.m) {
					t.Fatalf("round trip:\n got %+v\nwant %+v", got, tt.m)
				}
			})
		}
		// The pair is unique.
		dup := bare
		dup.ID = id()
		if err := s.CreateMatch(ctx, dup); !errors.Is(err, transfer.ErrConflict) {
			t.Fatalf("second match of a pair: got %v, want ErrConflict", err)
		}
		// Interests recorded later, and cleared again, read back too.
		m := bare
		m.DemandInterest = &transfer.Interest{Interested: true, Note: "见面", By: "u1", At: at(9)}
		m.Status, m.Version, m.UpdatedAt = transfer.MatchIntroduced, 2, at(9)
		if err := s.UpdateMatch(ctx, m); err != nil {
			t.Fatal(err)
		}
		if got, err := s.MatchByID(ctx, m.ID); err != nil || !reflect.DeepEqual(got, m) {
			t.Fatalf("after update: %v\n got %+v\nwant %+v", err, got, m)
		}
		if _, err := s.MatchByID(ctx, id()); !errors.Is(err, transfer.ErrNotFound) {
			t.Fatalf("missing: got %v, want ErrNotFound", err)
		}
	})
}

func TestAgreementRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ins := roundTripInstitutions(t, s, 3)
		demand := fullOffer(ins[0].ID)
		demand.Kind, demand.TRL, demand.IPStatus = transfer.KindDemand, 4, ""
		offer := fullOffer(ins[1].ID)
		m := transfer.Match{ID: id(), DemandID: demand.ID, OfferID: offer.ID, DemandInstitutionID: ins[0].ID,
			OfferInstitutionID: ins[1].ID, Sector: "new_energy", Score: 50, Components: map[string]transfer.ScorePart{},
			Reasons: []string{}, AlgorithmVersion: "v1", Status: transfer.MatchAgreed, CreatedBy: "u", Version: 1,
			CreatedAt: at(1), UpdatedAt: at(1)}
		if err := s.CreateListing(ctx, demand); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateListing(ctx, offer); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMatch(ctx, m); err != nil {
			t.Fatal(err)
		}
		party := func(in transfer.Institution, role string) transfer.Party {
			return transfer.Party{InstitutionID: in.ID, Role: role, Country: in.Country, InstitutionType: in.Type}
		}
		now := time.Now().UTC().Truncate(time.Microsecond)
		full := transfer.Agreement{ID: id(), Title: "广西–泰国 solar joint lab", Type: "joint_lab", Status: "in_execution",
			Sector: "new_energy", Subsector: "solar_pv",
			// Not in id order: the parties keep the order they were given.
			Parties: []transfer.Party{party(ins[2], "partner"), party(ins[0], "recipient"), party(ins[1], "provider")},
			MatchID: m.ID, OfferID: offer.ID, DemandID: demand.ID, EventName: "CAEXPO 2026",
			ValueAmount: ptr(int64(999_999_999_999_999)), Currency: "CNY", SignedOn: "2026-02-28", Confidential: true,
			Confirmed: true, CreatedBy: id(), Version: 1, CreatedAt: now, UpdatedAt: now}
		bare := transfer.Agreement{ID: id(), Title: "MoU", Type: "other", Status: "planned", Sector: "biomedicine",
			Parties:   []transfer.Party{party(ins[0], "partner"), party(ins[1], "partner")},
			CreatedBy: "u", Version: 1, CreatedAt: at(3), UpdatedAt: at(3)}
		for _, tt := range []struct {
			name string
			g    transfer.Agreement
		}{{"every field", full}, {"optional fields empty", bare}} {
			t.Run(tt.name, func(t *testing.T) {
				err := s.Tx(ctx, func(tx transfer.Store) error { return tx.CreateAgreement(ctx, tt.g) })
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.AgreementByID(ctx, tt.g.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.g) {
					t.Fatalf("round trip:\n got %+v\nwant %+v", got, tt.g)
				}
			})
		}

		// Update: a party leaves, the order changes, the value is cleared,
		// confidentiality lifted, the agreement terminated.
		up := full
		up.Parties = []transfer.Party{party(ins[1], "provider"), party(ins[0], "partner")}
		up.Title, up.Type, up.Status, up.Subsector, up.EventName = "Solar lab", "development", "terminated", "", ""
		up.ValueAmount, up.Currency, up.SignedOn, up.Confidential = nil, "", "2026-03-01", false
		up.TerminationReason, up.Version, up.UpdatedAt = "funding ended", 2, at(60)
		if err := s.Tx(ctx, func(tx transfer.Store) error { return tx.UpdateAgreement(ctx, up) }); err != nil {
			t.Fatal(err)
		}
		got, err := s.AgreementByID(ctx, up.ID)
		if err != nil {
			t.Fatal(err)
		}
		// What the update does not write stays: created_by, created_at, the
		// match, offer and demand.
		if !reflect.DeepEqual(got, up) {
			t.Fatalf("after update:\n got %+v\nwant %+v", got, up)
		}
		// The same version again is a lost race, and leaves the parties alone.
		stale := up
		stale.Parties = stale.Parties[:1]
		if err := s.Tx(ctx, func(tx transfer.Store) error { return tx.UpdateAgreement(ctx, stale) }); !errors.Is(err, transfer.ErrPrecondition) {
			t.Fatalf("stale update: got %v, want ErrPrecondition", err)
		}
		if got, _ := s.AgreementByID(ctx, up.ID); !reflect.DeepEqual(got.Parties, up.Parties) {
			t.Fatalf("a stale update changed the parties to %+v", got.Parties)
		}
		if _, err := s.AgreementByID(ctx, id()); !errors.Is(err, transfer.ErrNotFound) {
			t.Fatalf("missing: got %v, want ErrNotFound", err)
		}
	})
}

// TestEndpointRoundTrip opens each database itself: it reopens it under
// another key to show the secrets are sealed at rest, and looks at the
// stored bytes.
func TestEndpointRoundTrip(t *testing.T) {
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			cfg := dbtest.Config(t, dialect)
			cfg.SecretKey = []byte("round-trip key one")
			s := openStore(t, cfg)
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			ins := roundTripInstitutions(t, s, 1)
			now := time.Now().UTC().Truncate(time.Microsecond)
			rotated := transfer.Endpoint{ID: id(), InstitutionID: ins[0].ID, URL: "https://hooks.example.co.th/techbridge?x=1",
				Description: "ERP 接口", Events: []string{"listing.published", "match.created", "agreement.updated"},
				Paused: true, DisabledReason: "receiver answered 410 Gone", Secret: "whsec_bmV3IHNlY3JldCBmb3IgdGVzdHM=",
				PreviousSecret: "whsec_b2xkIHNlY3JldCBmb3IgdGVzdHM=", PreviousUntil: ptr(now.Add(24 * time.Hour)),
				Version: 2, CreatedAt: at(1), UpdatedAt: now}
			plain := transfer.Endpoint{ID: id(), InstitutionID: ins[0].ID, URL: "http://127.0.0.1:9000/hook",
				Events: []string{"match.created"}, Secret: "whsec_cGxhaW4=", Version: 1, CreatedAt: at(2), UpdatedAt: at(2)}
			for _, tt := range []struct {
				name string
				e    transfer.Endpoint
			}{{"paused, rotated", rotated}, {"active, no previous secret", plain}} {
				t.Run(tt.name, func(t *testing.T) {
					if err := s.CreateEndpoint(ctx, tt.e); err != nil {
						t.Fatal(err)
					}
					got, err := s.EndpointByID(ctx, tt.e.ID)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, tt.e) {
						t.Fatalf("round trip:\n got %+v\nwant %+v", got, tt.e)
					}
				})
			}

			// Sealed at rest: the stored bytes hold none of the secrets.
			raw := rawSecrets(t, dialect, cfg)
			for _, secret := range []string{rotated.Secret, rotated.PreviousSecret, plain.Secret} {
				if bytes.Contains(raw, []byte(secret)) {
					t.Errorf("the database holds %q in the clear", secret)
				}
			}

			// Rotation over: the previous secret goes, the endpoint resumes.
			up := rotated
			up.Paused, up.DisabledReason, up.PreviousSecret, up.PreviousUntil = false, "", "", nil
			up.Events, up.Version, up.UpdatedAt = []string{"agreement.recorded"}, 3, at(70)
			if err := s.UpdateEndpoint(ctx, up); err != nil {
				t.Fatal(err)
			}
			if got, err := s.EndpointByID(ctx, up.ID); err != nil || !reflect.DeepEqual(got, up) {
				t.Fatalf("after update: %v\n got %+v\nwant %+v", err, got, up)
			}

			// Another process with the same key opens them; under another key
			// they stay closed (and read back empty).
			same := openStore(t, cfg)
			if got, err := same.EndpointByID(ctx, plain.ID); err != nil || got.Secret != plain.Secret {
				t.Fatalf("same key, another process: secret %q, %v; want %q", got.Secret, err, plain.Secret)
			}
			cfg.SecretKey = []byte("round-trip key two")
			other := openStore(t, cfg)
			got, err := other.EndpointByID(ctx, plain.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Secret != "" {
				t.Fatalf("another key opened the secret: %q", got.Secret)
			}
		})
	}
}

func openStore(t *testing.T, cfg store.Config) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// rawSecrets returns the stored secret columns as they are (Postgres), or
// the SQLite database files whole.
func rawSecrets(t *testing.T, dialect string, cfg store.Config) []byte {
	t.Helper()
	if dialect == store.SQLite {
		var all []byte
		for _, name := range []string{"techbridge.db", "techbridge.db-wal"} {
			b, err := os.ReadFile(filepath.Join(cfg.DataDir, name))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		if len(all) == 0 {
			t.Fatal("no SQLite file found")
		}
		return all
	}
	conn, err := pgx.Connect(context.Background(), cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), "SELECT secret, coalesce(previous_secret, ''::bytea) FROM webhook_endpoints")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var all []byte
	n := 0
	for rows.Next() {
		var a, b []byte
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		all = append(append(all, a...), b...)
		n++
	}
	if err := rows.Err(); err != nil || n == 0 {
		t.Fatalf("read secrets: %d rows, %v", n, err)
	}
	return all
}

// A read whose request is gone fails instead of answering, and leaves the
// pool able to serve the reads after it.
func TestListingReadWithCanceledContext(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, s *store.Store) {
		ins := roundTripInstitutions(t, s, 1)
		l := fullOffer(ins[0].ID)
		if err := s.CreateListing(ctx, l); err != nil {
			t.Fatal(err)
		}
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if got, err := s.ListingByID(gone, l.Kind, l.ID); !errors.Is(err, context.Canceled) {
			t.Fatalf("read with a canceled context: %+v, %v", got, err)
		}
		if got, err := s.ListingsByIDs(gone, []string{l.ID}); !errors.Is(err, context.Canceled) {
			t.Fatalf("read by ids with a canceled context: %+v, %v", got, err)
		}
		for range 30 { // more than the pool holds
			if _, err := s.ListingByID(ctx, l.Kind, l.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// When the database ends the pool's connections (a restart, an
// administrator), reads go on over new ones.
// (On SQLite there is no connection to end.)
func TestListingReadAfterConnectionsEnd(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(t), store.Postgres) {
		t.Skip("needs Postgres: set TEST_DATABASE_URL")
	}
	cfg := dbtest.Config(t, store.Postgres)
	cfg.MaxOpenConns = 8 // all of them held, then ended: the first read meets eight broken connections
	s := dbtest.Open(t, cfg)
	ins := roundTripInstitutions(t, s, 1)
	l := fullOffer(ins[0].ID)
	if err := s.CreateListing(ctx, l); err != nil {
		t.Fatal(err)
	}
	// Twice: the second time every connection is one the pool already had,
	// just handed out, which pgx does not ping again within a second.
	if _, err := s.BackendPIDs(ctx, cfg.MaxOpenConns); err != nil {
		t.Fatal(err)
	}
	pids, err := s.BackendPIDs(ctx, cfg.MaxOpenConns)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", pids); err != nil {
		t.Fatal(err)
	}
	for range 2 * cfg.MaxOpenConns {
		if _, err := s.ListingByID(ctx, l.Kind, l.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ListingsByIDs(ctx, []string{l.ID}); err != nil || len(got) != 1 {
			t.Fatal(got, err)
		}
	}
}
