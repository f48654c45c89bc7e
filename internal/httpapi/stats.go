package httpapi

import (
	"encoding/csv"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

// statsRowDoc documents a statistics row: the requested group_by keys (null
// for agreements not yet signed, under year, quarter or month), then count
// and value_by_currency.
type statsRowDoc struct {
	Sector          string           `json:"sector,omitempty" extensions:"x-nullable"`
	Subsector       string           `json:"subsector,omitempty" extensions:"x-nullable"`
	Type            string           `json:"type,omitempty" extensions:"x-nullable"`
	Status          string           `json:"status,omitempty" extensions:"x-nullable"`
	Country         string           `json:"country,omitempty" extensions:"x-nullable" example:"TH"`
	Corridor        string           `json:"corridor,omitempty" extensions:"x-nullable" example:"CN-TH"`
	InstitutionType string           `json:"institution_type,omitempty" extensions:"x-nullable"`
	Year            string           `json:"year,omitempty" extensions:"x-nullable" example:"2026"`
	Quarter         string           `json:"quarter,omitempty" extensions:"x-nullable" example:"2026-Q3"`
	Month           string           `json:"month,omitempty" extensions:"x-nullable" example:"2026-09"`
	Event           string           `json:"event,omitempty" extensions:"x-nullable"` // the event id; null for agreements of no event
	Count           *int64           `json:"count" extensions:"x-nullable" example:"12"`
	ValueByCurrency map[string]int64 `json:"value_by_currency" extensions:"x-nullable"`
	// Suppressed groups hold too few agreements to show to the caller: count
	// and value_by_currency are null.
	Suppressed bool `json:"suppressed,omitempty"`
}

type statsTotal struct {
	Count           *int64           `json:"count" extensions:"x-nullable"`
	ValueByCurrency map[string]int64 `json:"value_by_currency" extensions:"x-nullable"`
	Suppressed      bool             `json:"suppressed,omitempty"`
}

func newStatsTotal(r transfer.StatsRow) statsTotal {
	if r.Suppressed {
		return statsTotal{Suppressed: true}
	}
	return statsTotal{Count: &r.Count, ValueByCurrency: r.ValueByCurrency}
}

type statsResponse struct {
	GroupBy []string      `json:"group_by"`
	Rows    []statsRowDoc `json:"rows"`
	Total   statsTotal    `json:"total"`
}

// agreementStats godoc
//
//	@Summary		Agreement statistics
//	@Description	Counts and values per currency of confirmed agreements, grouped by up to three of sector, subsector, type, status, country, corridor, institution_type, year, quarter, month, event (the matchmaking event's id; null for agreements of no event) (422 for more). country counts an agreement once under each distinct party country; corridor under each sorted pair of them (CN-TH; CN-CN when all parties share a country); institution_type under each distinct party type. total counts each agreement once. from/to bound signed_on. Disclosure rule: staff see every confirmed agreement; for everyone else confidential agreements do not count at all (so no date range can isolate one), and groups, and a total, of fewer than k agreements (TECHBRIDGE_STATS_MIN_GROUP, default 3) are suppressed: suppressed true, count and value_by_currency null (in CSV, empty cells). A few statistics queries run at a time (503 with Retry-After beyond); each is cancelled when the client goes or after 20 seconds (503). Accept: text/csv or format=csv gives CSV, one row per group and currency, with cells that a spreadsheet would run as formulas neutralised.
//	@ID			getAgreementStats
//	@Tags			statistics
//	@Produce		json
//	@Produce		text/csv
//	@Param			group_by	query		string	false	"comma-separated dimensions, at most three, e.g. sector,country"
//	@Param			from		query		string	false	"signed on or after (YYYY-MM-DD)"
//	@Param			to			query		string	false	"signed on or before (YYYY-MM-DD)"
//	@Param			status		query		string	false	"agreement status"	Enums(planned,signed,in_execution,completed,terminated)
//	@Param			type		query		string	false	"agreement type"	Enums(development,transfer,licensing,consulting,service,joint_lab,other)
//	@Param			sector		query		string	false	"sector"
//	@Param			country		query		string	false	"agreements with a party in this country"
//	@Param			format		query		string	false	"csv for CSV"	Enums(json,csv)
//	@Success		200			{object}	statsResponse
//	@Failure		401			{object}	problem
//	@Failure		403			{object}	problem
//	@Failure		406			{object}	problem
//	@Failure		422			{object}	problem	"bad filter, unknown dimension, or more than three dimensions"
//	@Failure		503			{object}	problem	"too many statistics queries at once, or the deadline passed"
//	@Security		BearerAuth
//	@Router			/stats/agreements [get]
func (s *Server) agreementStats(c echo.Context) error {
	asCSV, err := wantsCSV(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	var groupBy []string
	for _, d := range strings.Split(q.string("group_by"), ",") {
		if d = strings.TrimSpace(d); d != "" {
			groupBy = append(groupBy, d)
		}
	}
	res, err := s.agreements.AgreementStats(c.Request().Context(), actorOf(c), transfer.StatsQuery{GroupBy: groupBy,
		From: q.string("from"), To: q.string("to"), Status: q.string("status"), Type: q.string("type"),
		Sector: q.string("sector"), Country: q.string("country")})
	if err != nil {
		return err
	}
	if asCSV {
		return writeStatsCSV(c, res)
	}
	rows := make([]map[string]any, len(res.Rows))
	for i, r := range res.Rows {
		row := map[string]any{"count": r.Count, "value_by_currency": r.ValueByCurrency}
		if r.Suppressed {
			row = map[string]any{"count": nil, "value_by_currency": nil, "suppressed": true}
		}
		for j, d := range res.GroupBy {
			if r.Keys[j] == "" {
				row[d] = nil
			} else {
				row[d] = r.Keys[j]
			}
		}
		rows[i] = row
	}
	if res.GroupBy == nil {
		res.GroupBy = []string{}
	}
	return c.JSON(http.StatusOK, map[string]any{"group_by": res.GroupBy, "rows": rows,
		"total": newStatsTotal(res.Total)})
}

// wantsCSV reads the format the client asks for: format=csv or Accept:
// text/csv. A format this endpoint cannot produce is refused (406), not
// silently answered as JSON.
func wantsCSV(c echo.Context) (bool, error) {
	switch c.QueryParam("format") {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, &transfer.Error{Kind: errNotAcceptable, Message: "format must be json or csv",
			Fields: []transfer.FieldError{{Field: "format", Message: "must be json or csv"}}}
	}
	for _, part := range strings.Split(c.Request().Header.Get(echo.HeaderAccept), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/csv" {
			return true, nil
		}
	}
	return false, nil
}

// safeCell keeps a spreadsheet from running a cell as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeStatsCSV streams one row per group and currency.
func writeStatsCSV(c echo.Context, res transfer.StatsResult) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="agreement-statistics.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	header := make([]string, 0, len(res.GroupBy)+3)
	for _, d := range res.GroupBy {
		header = append(header, safeCell(d))
	}
	if err := w.Write(append(header, "currency", "count", "value")); err != nil {
		return err
	}
	for _, r := range res.Rows {
		if r.Suppressed { // one row with the keys, count and value left empty
			rec := make([]string, 0, len(r.Keys)+3)
			for _, k := range r.Keys {
				rec = append(rec, safeCell(k))
			}
			if err := w.Write(append(rec, "", "", "")); err != nil {
				return err
			}
			continue
		}
		currencies := make([]string, 0, len(r.CountByCurrency))
		for cur := range r.CountByCurrency {
			currencies = append(currencies, cur)
		}
		sort.Strings(currencies)
		for _, cur := range currencies {
			rec := make([]string, 0, len(r.Keys)+3)
			for _, k := range r.Keys {
				rec = append(rec, safeCell(k))
			}
			value := ""
			if cur != "" {
				value = strconv.FormatInt(r.ValueByCurrency[cur], 10)
			}
			if err := w.Write(append(rec, safeCell(cur), strconv.FormatInt(r.CountByCurrency[cur], 10), value)); err != nil {
				return err
			}
		}
		w.Flush()
	}
	w.Flush()
	return w.Error()
}

type countRow struct {
	Country string `json:"country,omitempty"`
	Type    string `json:"type,omitempty"`
	Kind    string `json:"kind,omitempty"`
	Sector  string `json:"sector,omitempty"`
	Status  string `json:"status,omitempty"`
	Count   int64  `json:"count"`
}

type conversion struct {
	MatchesPerPublishedListing float64 `json:"matches_per_published_listing"`
	IntroducedPerMatch         float64 `json:"introduced_per_match"`
	AgreedPerIntroduced        float64 `json:"agreed_per_introduced"`
	AgreementsPerAgreedMatch   float64 `json:"agreements_per_agreed_match"`
}

type funnelResponse struct {
	PublishedListings          int64      `json:"published_listings"`
	Matches                    int64      `json:"matches"`
	Introduced                 int64      `json:"introduced"`
	Agreed                     int64      `json:"agreed"`
	Agreements                 int64      `json:"agreements"`
	Conversion                 conversion `json:"conversion"`
	MedianDaysMatchToAgreement *float64   `json:"median_days_match_to_agreement" extensions:"x-nullable"`
}

type yearRow struct {
	Year            *string          `json:"year" extensions:"x-nullable"`
	Count           int64            `json:"count"`
	ValueByCurrency map[string]int64 `json:"value_by_currency"`
	Suppressed      bool             `json:"suppressed,omitempty"` // too few agreements to show (the disclosure rule of /stats/agreements): count 0, no values
}

type overviewResponse struct {
	Institutions     []countRow     `json:"institutions"`
	Listings         []countRow     `json:"listings"`
	Funnel           funnelResponse `json:"funnel"`
	AgreementsByYear []yearRow      `json:"agreements_by_year"`
}

// statsOverview godoc
//
//	@Summary		Overview for analysts
//	@Description	Institutions by country and type; listings by kind, sector and status; the funnel from published listings to matches, introduced and agreed matches and agreements, with conversion rates and the median days from match to agreement; agreements per signing year with values per currency. Counts only: no personal data.
//	@ID			getStatsOverview
//	@Tags			statistics
//	@Produce		json
//	@Success		200	{object}	overviewResponse
//	@Failure		401	{object}	problem
//	@Failure		403	{object}	problem
//	@Security		BearerAuth
//	@Router			/stats/overview [get]
func (s *Server) statsOverview(c echo.Context) error {
	o, err := s.agreements.Overview(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	out := overviewResponse{Institutions: []countRow{}, Listings: []countRow{}, AgreementsByYear: []yearRow{}}
	for _, r := range o.InstitutionsByCountryType {
		out.Institutions = append(out.Institutions, countRow{Country: r.Keys[0], Type: r.Keys[1], Count: r.Count})
	}
	for _, r := range o.ListingsBySectorStatus {
		out.Listings = append(out.Listings, countRow{Kind: r.Keys[0], Sector: r.Keys[1], Status: r.Keys[2], Count: r.Count})
	}
	f := o.Funnel
	out.Funnel = funnelResponse{PublishedListings: f.PublishedListings, Matches: f.Matches, Introduced: f.Introduced,
		Agreed: f.Agreed, Agreements: f.Agreements, MedianDaysMatchToAgreement: f.MedianDaysMatchToAgreement,
		Conversion: conversion{MatchesPerPublishedListing: transfer.Rate(f.Matches, f.PublishedListings),
			IntroducedPerMatch: transfer.Rate(f.Introduced, f.Matches), AgreedPerIntroduced: transfer.Rate(f.Agreed, f.Introduced),
			AgreementsPerAgreedMatch: transfer.Rate(f.Agreements, f.Agreed)}}
	for _, r := range o.AgreementsByYear {
		y := r.Keys[0]
		row := yearRow{Count: r.Count, ValueByCurrency: r.ValueByCurrency, Suppressed: r.Suppressed}
		if y != "" {
			row.Year = &y
		}
		out.AgreementsByYear = append(out.AgreementsByYear, row)
	}
	return c.JSON(http.StatusOK, out)
}
