package match_test

// Properties of scores that users compare (issue 14): a pair scores the
// same whichever listing asks, one generic shared word never makes a high
// text component, and unrelated listings arriving move a pair's score
// little. They run on the synthetic corpus of the benchmarks, small.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/match"
)

// propertyCorpus returns a small synthetic corpus: offers and demands.
func propertyCorpus(nOffers, nDemands int) (offers, demands []match.Listing) {
	ins := benchInstitutions(nOffers)
	offers = benchOffers(nOffers, ins)
	demands = benchQueries(nDemands, ins)
	for i := range demands {
		demands[i].PublishedAt = benchNow.Add(-time.Duration(i%400) * 24 * time.Hour)
		demands[i].EndsAt, demands[i].Confidential = nil, false
	}
	for i := range offers {
		offers[i].Confidential = false
	}
	return offers, demands
}

// scoreFromOffer is the score of the pair when the offer asks: its rank
// among the demands.
func scoreFromOffer(e *match.Engine, o match.Listing, demandID string) (match.Result, bool) {
	for _, r := range e.Match(o, match.Query{Limit: 100_000, Now: benchNow, SeeConfidential: true}) {
		if r.ID == demandID {
			return r, true
		}
	}
	return match.Result{}, false
}

// TestScoresAreSymmetric: for the top ten offers of each of 60 demands, the
// score the demand sees and the score the offer sees for the same pair
// differ by less than one point (issue 14 asks for 1), and so do their text
// and concept components by less than 0.05.
func TestScoresAreSymmetric(t *testing.T) {
	offers, demands := propertyCorpus(1500, 300)
	e, err := match.New(match.Config{})
	if err != nil {
		t.Fatal(err)
	}
	e.Build(append(append([]match.Listing{}, offers...), demands...))
	byID := map[string]match.Listing{}
	for _, o := range offers {
		byID[o.ID] = o
	}
	var pairs int
	var worst, sum float64
	worstPair := ""
	for _, d := range demands[:60] {
		for _, r := range e.Match(d, match.Query{Limit: 10, Now: benchNow}) {
			back, ok := scoreFromOffer(e, byID[r.ID], d.ID)
			if !ok {
				t.Fatalf("offer %s does not find demand %s, which found it with %.2f", r.ID, d.ID, r.Score)
			}
			diff := math.Abs(back.Score - r.Score)
			pairs++
			sum += diff
			if diff > worst {
				worst, worstPair = diff, fmt.Sprintf("%s↔%s: %.2f from the demand, %.2f from the offer (%v / %v)",
					d.ID, r.ID, r.Score, back.Score, r.Components, back.Components)
			}
			for _, c := range []string{"text", "concepts"} {
				if dc := math.Abs(back.Components[c].Score - r.Components[c].Score); dc > 0.05 {
					t.Errorf("%s↔%s: %s %.3f from the demand, %.3f from the offer", d.ID, r.ID, c, r.Components[c].Score, back.Components[c].Score)
				}
			}
		}
	}
	t.Logf("%d pairs: mean difference %.3f points, worst %.3f (%s)", pairs, sum/float64(pairs), worst, worstPair)
	if pairs < 500 {
		t.Fatalf("only %d pairs compared", pairs)
	}
	if worst >= 1 {
		t.Errorf("a pair's score depends on who asks by %.2f points: %s", worst, worstPair)
	}
}

// TestOneGenericWordDoesNotSaturateText: two listings on unrelated topics
// whose only shared word is a common one ("scale" in a sixth of the index;
// 技术, 提供 and 领域 are Chinese stop words) get a text component of at
// most 0.3 from either side. Before issue 14 both pairs got 1.0.
func TestOneGenericWordDoesNotSaturateText(t *testing.T) {
	e, err := match.New(match.Config{})
	if err != nil {
		t.Fatal(err)
	}
	now := benchNow
	l := func(id string, k match.Kind, lang, sector, sub, title, summary, desc string) match.Listing {
		return match.Listing{ID: id, Kind: k, InstitutionID: "inst-" + id, Country: "CN", Language: lang, Title: title,
			Summary: summary, Description: desc, Sector: sector, Subsector: sub, TRL: 6, PublishedAt: now}
	}
	ls := []match.Listing{
		l("d-straw", match.Demand, "en", "environmental_technology", "waste_recycling", "Rice straw to bio-fertiliser",
			"Composting rice straw with microbial inoculants into organic fertiliser for paddy farmers.",
			"Cooperatives burn straw after harvest; we need a composting process at village scale with a starter culture."),
		l("o-software", match.Offer, "en", "electronic_information", "software_platforms", "Large-scale industrial software platform",
			"Enterprise resource planning and manufacturing execution for factories.",
			"Modules for production planning, inventory, quality records and maintenance, deployed in over 200 plants."),
		l("o-battery", match.Offer, "zh", "new_energy", "energy_storage", "便携式锂离子电池技术",
			"提供高能量密度便携式锂离子电池电芯与电池包技术，应用于户外电源领域。",
			"电芯采用高镍正极与硅碳负极，循环寿命一千次以上，提供技术转让与生产线建设服务。"),
		l("d-fibre", match.Demand, "zh", "electronic_information", "5g_communications", "寻求光纤到户网络建设技术",
			"需要提供光纤接入与光缆敷设技术，应用于农村宽带领域。",
			"当地运营商计划建设光纤到户网络，需要无源光网络设备、熔接和测试技术及施工培训。"),
	}
	// Background: a sixth of the offers say "scale", none of them about straw.
	for i := range 60 {
		title := fmt.Sprintf("Sensor model %d for water meters", i)
		if i%6 == 0 {
			title = fmt.Sprintf("Pilot scale reactor model %d", i)
		}
		ls = append(ls, l(fmt.Sprintf("bg%d", i), match.Offer, "en", "advanced_manufacturing", "precision_machinery", title,
			"Industrial equipment for plants.", "Delivered with training."))
	}
	e.Build(ls)
	byID := map[string]match.Listing{}
	for _, x := range ls {
		byID[x.ID] = x
	}
	for _, p := range [][2]string{{"d-straw", "o-software"}, {"d-fibre", "o-battery"}} {
		fwd := e.Pair(byID[p[0]], byID[p[1]], now)
		back, ok := scoreFromOffer(e, byID[p[1]], p[0])
		if !ok {
			back.Components = map[string]match.Component{"text": {}}
		}
		t.Logf("%s↔%s: text %.3f from the demand, %.3f from the offer; reasons %q", p[0], p[1],
			fwd.Components["text"].Score, back.Components["text"].Score, fwd.Reasons)
		if fwd.Components["text"].Score > 0.3 || back.Components["text"].Score > 0.3 {
			t.Errorf("%s↔%s: text %.3f / %.3f from one generic word, want at most 0.3", p[0], p[1],
				fwd.Components["text"].Score, back.Components["text"].Score)
		}
		for _, r := range fwd.Reasons {
			for _, w := range []string{"技术", "提供", "领域"} {
				if strings.HasPrefix(r, "shared words") && strings.Contains(r, w) {
					t.Errorf("%s↔%s: a stop word is named: %q", p[0], p[1], r)
				}
			}
		}
	}
}

// TestDriftWhenUnrelatedListingsArrive: 60 pairs are scored, then 1,500
// listings sharing no word and no concept with them are added one by one
// (a live index, snapshots of the statistics retaken on the way); no
// pair's score moves by more than 1 point, and the mean by less than 0.2.
// (Term weights are scale-free, so the scores do not move at all; with a
// logarithmic idf the worst pair moved by 11.8 points, and by 8.2 on the m2
// engine before issue 14.)
func TestDriftWhenUnrelatedListingsArrive(t *testing.T) {
	offers, demands := propertyCorpus(600, 60)
	e, err := match.New(match.Config{})
	if err != nil {
		t.Fatal(err)
	}
	e.Build(append(append([]match.Listing{}, offers...), demands...))
	type pair struct {
		d, o  match.Listing
		score float64
	}
	var ps []pair
	byID := map[string]match.Listing{}
	for _, o := range offers {
		byID[o.ID] = o
	}
	for _, d := range demands {
		for _, r := range e.Match(d, match.Query{Limit: 1, Now: benchNow}) {
			ps = append(ps, pair{d, byID[r.ID], r.Score})
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		var b strings.Builder
		for range 6 + rng.IntN(4) {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
		return "zq" + b.String() // no synthetic word starts so
	}
	text := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = word()
		}
		return strings.Join(ws, " ")
	}
	var worst, sum float64
	for i := range 1500 {
		k := match.Offer
		if i%3 == 0 {
			k = match.Demand
		}
		e.Upsert(match.Listing{ID: fmt.Sprintf("unrelated-%d", i), Kind: k, InstitutionID: fmt.Sprintf("u%d", i),
			Country: "SG", Language: "en", Title: text(5), Summary: text(12), Description: text(40), Sector: "advanced_materials",
			Subsector: "polymers", TRL: 5, PublishedAt: benchNow})
	}
	for _, p := range ps {
		after := e.Pair(p.d, p.o, benchNow).Score
		drift := math.Abs(after - p.score)
		sum += drift
		worst = max(worst, drift)
	}
	mean := sum / float64(len(ps))
	t.Logf("%d pairs, index grown from %d to %d listings: mean drift %.3f points, worst %.3f", len(ps),
		len(offers)+len(demands), len(offers)+len(demands)+1500, mean, worst)
	if len(ps) < 50 {
		t.Fatalf("only %d pairs", len(ps))
	}
	if worst > 1 || mean > 0.2 {
		t.Errorf("unrelated listings moved scores: mean %.3f, worst %.3f points", mean, worst)
	}
}
