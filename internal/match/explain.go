package match

import (
	"fmt"
	"sort"
	"strings"
)

// related pairs subsectors whose technologies often answer each other's
// needs: they get partial sector credit. Pairs across sectors are included
// (a water-quality sensor for a shrimp farm, a heat-pump dryer for fruit).
var related = func() func(a, b string) bool {
	pairs := map[string][]string{
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
	set := map[[2]string]bool{}
	for a, bs := range pairs {
		for _, b := range bs {
			set[[2]string{a, b}], set[[2]string{b, a}] = true, true
		}
	}
	return func(a, b string) bool { return set[[2]string{a, b}] }
}()

func human(code string) string { return strings.ReplaceAll(code, "_", " ") }

// explain writes the reasons a person reads next to a score, strongest first.
func (e *Engine) explain(q *doc, ix *index, dn uint32) []string {
	d := ix.docs[dn]
	demand, offer := q, d
	if q.kind == Offer {
		demand, offer = d, q
	}
	var out []string
	if s := e.sharedConcepts(q, d); s != "" {
		out = append(out, s)
	}
	if s := sharedWords(ix, dn, q); s != "" {
		out = append(out, s)
	}
	if e.cfg.TextOnly {
		return out
	}
	switch {
	case q.subsector != "" && q.subsector == d.subsector:
		out = append(out, "same subsector: "+human(d.subsector))
	case related(q.subsector, d.subsector):
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
	if corridor(demand.country, offer.country) {
		out = append(out, fmt.Sprintf("China–ASEAN corridor: %s ↔ %s", offer.country, demand.country))
	}
	if len(demand.countries) > 0 && !contains(demand.countries, offer.country) {
		out = append(out, fmt.Sprintf("provider country %s is not among the accepted sources (%s)", offer.country, strings.Join(demand.countries, ", ")))
	}
	if len(offer.countries) > 0 && offer.country != demand.country && !contains(offer.countries, demand.country) {
		out = append(out, fmt.Sprintf("requester country %s is outside the provider's target markets", demand.country))
	}
	conv := ""
	if offer.currency != demand.currency && offer.currency != "" && demand.currency != "" {
		conv = fmt.Sprintf(" after %s→%s", offer.currency, demand.currency)
	}
	switch b := budgetFit(demand, offer); {
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

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
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
// wrote them: "lithium iron phosphate battery ↔ 磷酸铁锂电池".
func (e *Engine) sharedConcepts(q, d *doc) string {
	var pairs []string
	i, j := 0, 0
	for i < len(q.concepts) && j < len(d.concepts) && len(pairs) < 3 {
		switch a, b := q.concepts[i], d.concepts[j]; {
		case a.concept < b.concept:
			i++
		case a.concept > b.concept:
			j++
		default:
			ta, tb := e.concepts.patterns[a.pattern].term, e.concepts.patterns[b.pattern].term
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

// sharedWords names the query terms that weigh most in this doc's text score.
func sharedWords(ix *index, dn uint32, q *doc) string {
	type hit struct {
		term string
		w    float64
	}
	var hits []hit
	for term := range q.terms {
		p := ix.terms[term]
		if p == nil {
			continue
		}
		k := sort.Search(len(p.docs), func(i int) bool { return p.docs[i] >= dn })
		if k < len(p.docs) && p.docs[k] == dn {
			hits = append(hits, hit{term, idf(ix.live, len(p.docs)) * float64(q.terms[term]) * float64(p.w[k])})
		}
	}
	if len(hits) == 0 {
		return ""
	}
	sort.Slice(hits, func(i, j int) bool {
		return hits[i].w > hits[j].w || (hits[i].w == hits[j].w && hits[i].term < hits[j].term)
	})
	var names []string
	for _, h := range hits[:min(3, len(hits))] {
		names = append(names, strings.ReplaceAll(h.term, "_", " "))
	}
	return "shared words: " + strings.Join(names, ", ")
}
