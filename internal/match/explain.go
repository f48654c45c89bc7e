package match

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// relatedPairs are subsectors whose technologies often answer each other's
// needs: they get partial sector credit. Pairs across sectors are included
// (a water-quality sensor for a shrimp farm, a heat-pump dryer for fruit).
var relatedPairs = map[string][]string{
	"5g_communications":        {"iot_smart_devices", "digital_health", "software_platforms", "satellite_navigation"},
	"artificial_intelligence":  {"big_data_cloud", "software_platforms", "digital_health", "robotics", "industrial_automation", "smart_farming", "cybersecurity", "in_vitro_diagnostics"},
	"big_data_cloud":           {"software_platforms", "cybersecurity", "digital_health", "smart_grid"},
	"integrated_circuits":      {"iot_smart_devices", "5g_communications", "nanomaterials"},
	"software_platforms":       {"digital_health", "smart_farming", "cybersecurity"},
	"satellite_navigation":     {"iot_smart_devices", "smart_farming", "aquaculture"},
	"iot_smart_devices":        {"smart_farming", "aquaculture", "water_treatment", "digital_health", "smart_grid", "industrial_automation", "air_pollution", "rehabilitation_wearables"},
	"solar_pv":                 {"energy_storage", "smart_grid", "energy_efficiency", "wind_power"},
	"wind_power":               {"energy_storage", "smart_grid", "composites"},
	"bioenergy":                {"waste_recycling", "agri_processing", "carbon_capture"},
	"energy_storage":           {"electric_vehicles", "smart_grid", "hydrogen_fuel_cells"},
	"hydrogen_fuel_cells":      {"electric_vehicles", "carbon_capture"},
	"electric_vehicles":        {"smart_grid"},
	"smart_grid":               {"energy_efficiency"},
	"energy_efficiency":        {"agri_processing", "industrial_automation", "air_pollution"},
	"in_vitro_diagnostics":     {"genomics", "digital_health", "medical_devices", "vaccines_biologics"},
	"vaccines_biologics":       {"pharmaceuticals", "genomics"},
	"genomics":                 {"crop_breeding", "pharmaceuticals"},
	"medical_devices":          {"rehabilitation_wearables", "digital_health"},
	"pharmaceuticals":          {"traditional_medicine"},
	"traditional_medicine":     {"agri_processing"},
	"rehabilitation_wearables": {"digital_health", "robotics"},
	"polymers":                 {"composites", "waste_recycling", "nanomaterials"},
	"metallurgy":               {"precision_machinery", "composites"},
	"composites":               {"nanomaterials", "aerospace"},
	"crop_breeding":            {"smart_farming"},
	"agri_processing":          {"smart_farming", "waste_recycling"},
	"aquaculture":              {"water_treatment", "smart_farming"},
	"robotics":                 {"industrial_automation", "precision_machinery", "smart_farming"},
	"aerospace":                {"precision_machinery"},
	"precision_machinery":      {"industrial_automation"},
	"water_treatment":          {"waste_recycling"},
	"air_pollution":            {"carbon_capture"},
}

// relatedCode numbers the subsectors named in relatedPairs from 1 (0: none
// of them), and relatedTable[a][b] tells whether codes a and b are related:
// the scoring loop compares two small numbers, not two strings in a map.
var relatedCode, relatedTable = func() (map[string]uint8, [][]bool) {
	code := map[string]uint8{}
	for a, bs := range relatedPairs {
		for _, s := range append([]string{a}, bs...) {
			if code[s] == 0 {
				code[s] = uint8(len(code) + 1)
			}
		}
	}
	table := make([][]bool, len(code)+1)
	for i := range table {
		table[i] = make([]bool, len(code)+1)
	}
	for a, bs := range relatedPairs {
		for _, b := range bs {
			table[code[a]][code[b]], table[code[b]][code[a]] = true, true
		}
	}
	return code, table
}()

func related(a, b uint8) bool { return relatedTable[a][b] }

func human(code string) string { return strings.ReplaceAll(code, "_", " ") }

// explain writes the reasons a person reads next to a score, strongest
// first; weight gives d's posting weight for each of pq's terms, has tells
// whether d has a word term, and text is the sum of d's word weights (what
// the text component was made of).
func (e *Engine) explain(q, d *doc, pq *prepared, text float32, weight func(*weightedTerm) uint16, has func(string) bool) []string {
	demand, offer := q, d
	if q.kind == Offer {
		demand, offer = d, q
	}
	var out []string
	if s := e.sharedConcepts(q, d); s != "" {
		out = append(out, s)
	}
	if s := sharedWords(pq, q, text, weight, has, e.stats); s != "" {
		out = append(out, s)
	}
	if e.cfg.TextOnly {
		return out
	}
	switch {
	case q.subsector != "" && q.subsector == d.subsector:
		out = append(out, "same subsector: "+human(d.subsector))
	case related(q.rel, d.rel):
		out = append(out, fmt.Sprintf("related subsectors: %s ↔ %s", human(q.subsector), human(d.subsector)))
	case q.sector == d.sector:
		out = append(out, "same sector: "+human(d.sector))
	default:
		out = append(out, fmt.Sprintf("different sectors: %s ↔ %s", human(q.sector), human(d.sector)))
	}
	switch gap := int(demand.trl) - int(offer.trl); {
	case demand.trl <= 0:
		out = append(out, fmt.Sprintf("TRL %d, no minimum required", offer.trl))
	case gap <= 0:
		out = append(out, fmt.Sprintf("TRL %d meets required %d", offer.trl, demand.trl))
	case gap == 1:
		out = append(out, fmt.Sprintf("TRL %d is one below required %d", offer.trl, demand.trl))
	default:
		out = append(out, fmt.Sprintf("TRL %d is %d below required %d", offer.trl, gap, demand.trl))
	}
	switch common := modeNames(demand.modes & offer.modes); {
	case demand.modes == 0 || offer.modes == 0:
	case common != "":
		out = append(out, "transfer modes in common: "+common)
	default:
		out = append(out, "no transfer mode in common")
	}
	if corridor(demand.region, offer.region) {
		out = append(out, fmt.Sprintf("China–ASEAN corridor: %s ↔ %s", offer.country, demand.country))
	}
	if len(demand.countries) > 0 && !slices.Contains(demand.countries, offer.country) {
		out = append(out, fmt.Sprintf("provider country %s is not among the accepted sources (%s)", offer.country, strings.Join(demand.countries, ", ")))
	}
	if len(offer.countries) > 0 && offer.country != demand.country && !slices.Contains(offer.countries, demand.country) {
		out = append(out, fmt.Sprintf("requester country %s is outside the provider's target markets", demand.country))
	}
	conv := ""
	if offer.currency != demand.currency && offer.currency != "" && demand.currency != "" {
		conv = fmt.Sprintf(" after %s→%s", offer.currency, demand.currency)
	}
	switch b := budgetFit(demand.amountMax, offer.amountMin); {
	case offer.amountMin < 0 || demand.amountMax < 0:
	case b == 1:
		out = append(out, "price within budget"+conv)
	case b > 0:
		out = append(out, "price up to twice the budget"+conv)
	default:
		out = append(out, "price far above the budget"+conv)
	}
	return out
}

func modeNames(bits uint8) string {
	var names []string
	for _, m := range []string{"licensing", "assignment", "joint_development", "technical_service", "equity_cooperation"} {
		if bits&modeBits[m] != 0 {
			names = append(names, human(m))
		}
	}
	return strings.Join(names, ", ")
}

// sharedConcepts names up to three concepts both sides mention, as each side
// wrote them: "lithium iron phosphate battery ↔ 磷酸铁锂电池". Concepts in
// more than a tenth of all listings ("technology transfer" in every
// boilerplate footer) are not named: they say nothing about this pair.
func (e *Engine) sharedConcepts(q, d *doc) string {
	var pairs []string
	i, j := 0, 0
	for i < len(q.concepts) && j < len(d.concepts) && len(pairs) < 3 {
		switch a, b := q.concepts[i], d.concepts[j]; {
		case a.concept < b.concept:
			i++
		case a.concept > b.concept:
			j++
		case e.stats.isCommon(e.stats.concept(a.concept)):
			i++
			j++
		default:
			m := e.lex.Load().matcher // stable: the caller holds the read lock
			ta, tb := m.termOf(a), m.termOf(b)
			if strings.EqualFold(ta, tb) {
				pairs = append(pairs, ta)
			} else {
				pairs = append(pairs, ta+" ↔ "+tb)
			}
			i++
			j++
		}
	}
	if len(pairs) == 0 {
		return ""
	}
	return "shared concepts: " + strings.Join(pairs, "; ")
}

// sharedWords names the three query words that weigh most in this doc's
// text score, as the query wrote them (in lower case, accents kept), not as
// stems or folded; q is the query (nil: show the terms). Words too common to
// say anything (st.isCommon; st nil: none) are not named. Han and Thai
// terms are character bigrams, and a bigram is often a fragment (子信 of
// 电子信息): each is widened to the longest stretch of the query's segment
// whose bigrams the doc has all (has), and named only if that stretch is a
// whole segment (between punctuation or stop words) or at least three
// characters (Thai: four), never as a bare bigram inside a longer word.
// Words are looked up heaviest first, and the search stops when neither
// what is left of the doc's text sum nor the next word's largest possible
// share could reach the third: usually after a handful of lookups.
func sharedWords(pq *prepared, q *doc, text float32, weight func(*weightedTerm) uint16, has func(string) bool, st *termStats) string {
	type hit struct {
		name string
		w    float32
	}
	var hits []hit
	left := text
	slack := 1e-4 * text // float32 sums are not exact (32 terms: ~2e-6): never stop on a near tie
	for _, i := range pq.words {
		wt := &pq.terms[i]
		if len(hits) >= 3 {
			third := hits[2].w
			if left < third-slack || wt.quantum*65535 < third-slack {
				break
			}
		}
		qw := weight(wt)
		if qw == 0 {
			continue
		}
		h := hit{wt.term, wt.contribution(qw)}
		left -= h.w
		if st != nil && st.isCommon(wt.idf) {
			continue
		}
		if q != nil {
			// A bigram of a stretch already named joins it without a search.
			if k := slices.IndexFunc(hits, func(x hit) bool { return strings.Contains(x.name, wt.term) }); k >= 0 && !isASCII(wt.term) {
				h.name = hits[k].name
			} else if h.name = q.shownAs(wt.term, has); h.name == "" {
				continue
			}
		}
		if k := slices.IndexFunc(hits, func(x hit) bool { return x.name == h.name }); k >= 0 {
			// Bigrams of one stretch: the stretch weighs what they weigh together.
			h.w += hits[k].w
			hits = slices.Delete(hits, k, k+1)
		}
		// Keep hits sorted: heavier first, ties by name.
		k := len(hits)
		hits = append(hits, h)
		for k > 0 && (hits[k-1].w < h.w || (hits[k-1].w == h.w && hits[k-1].name > h.name)) {
			hits[k] = hits[k-1]
			k--
		}
		hits[k] = h
	}
	if len(hits) == 0 {
		return ""
	}
	var names []string
	for _, h := range hits[:min(3, len(hits))] {
		names = append(names, h.name)
	}
	return "shared words: " + strings.Join(names, ", ")
}

// shownAs is how an explanation names query term t: the words it was made
// of as written, or for a Han or Thai bigram the stretch of the query it
// belongs to (see sharedWords); "" when it is only a fragment.
func (q *doc) shownAs(t string, has func(string) bool) string {
	r, _ := utf8.DecodeRuneInString(t)
	sc := scriptOf(r)
	if sc != scriptHan && sc != scriptThai {
		if q.shown != nil && q.shown.words[t] != "" {
			return q.writtenAs(q.shown.words[t])
		}
		return q.writtenAs(t)
	}
	if q.shown == nil {
		return ""
	}
	minLen := 3
	if sc == scriptThai {
		minLen = 4
	}
	for _, seg := range q.shown.runs {
		at := strings.Index(seg, t)
		if at < 0 {
			continue
		}
		// Widen by one rune at a time while the doc has the bigram across the edge.
		lo, hi := at, at+len(t)
		for lo > 0 {
			_, s1 := utf8.DecodeLastRuneInString(seg[:lo])
			_, s2 := utf8.DecodeRuneInString(seg[lo:])
			if !has(seg[lo-s1 : lo+s2]) {
				break
			}
			lo -= s1
		}
		for hi < len(seg) {
			_, s1 := utf8.DecodeLastRuneInString(seg[:hi])
			_, s2 := utf8.DecodeRuneInString(seg[hi:])
			if !has(seg[hi-s1 : hi+s2]) {
				break
			}
			hi += s2
		}
		if (lo == 0 && hi == len(seg)) || utf8.RuneCountInString(seg[lo:hi]) >= minLen {
			return seg[lo:hi]
		}
	}
	return ""
}
