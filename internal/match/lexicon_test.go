package match

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
)

const goodLexicon = `# a comment
[lithium_iron_phosphate_battery]
subsectors = energy_storage, electric_vehicles
en = lithium iron phosphate battery | LFP battery | LiFePO4
zh = 磷酸铁锂电池 | 磷酸铁锂
id = baterai litium besi fosfat | baterai LFP
# comments may sit inside a concept
vi = pin lithium sắt phốt phát | pin LFP
th = แบตเตอรี่ลิเธียมไอรอนฟอสเฟต | แบตเตอรี่ LFP
ms = bateri litium ferum fosfat | bateri LFP

[remote_monitoring]
subsectors = *
zh = 远程监控
en =   remote monitoring   
id = pemantauan jarak jauh
vi = giám sát từ xa
th = การตรวจสอบระยะไกล
ms = pemantauan jarak jauh
`

func TestParseLexiconGood(t *testing.T) {
	cs, err := ParseLexicon(strings.NewReader(goodLexicon))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("got %d concepts, want 2", len(cs))
	}
	c := cs[0]
	if c.ID != "lithium_iron_phosphate_battery" {
		t.Errorf("id = %q", c.ID)
	}
	if !slices.Equal(c.Subsectors, []string{"energy_storage", "electric_vehicles"}) {
		t.Errorf("subsectors = %q", c.Subsectors)
	}
	if want := []string{"lithium iron phosphate battery", "LFP battery", "LiFePO4"}; !slices.Equal(c.Terms["en"], want) {
		t.Errorf("en = %q, want %q (file order)", c.Terms["en"], want)
	}
	if want := []string{"pin lithium sắt phốt phát", "pin LFP"}; !slices.Equal(c.Terms["vi"], want) {
		t.Errorf("vi = %q, want %q", c.Terms["vi"], want)
	}
	c = cs[1]
	if !slices.Equal(c.Subsectors, []string{"*"}) {
		t.Errorf("cross-cutting subsectors = %q", c.Subsectors)
	}
	if !slices.Equal(c.Terms["en"], []string{"remote monitoring"}) {
		t.Errorf("terms are not trimmed: %q", c.Terms["en"])
	}
	for _, l := range Languages {
		if len(c.Terms[l]) != 1 {
			t.Errorf("%s = %q", l, c.Terms[l])
		}
	}
}

func TestParseLexiconEmpty(t *testing.T) {
	cs, err := ParseLexicon(strings.NewReader("# nothing here\n\n"))
	if err != nil || len(cs) != 0 {
		t.Fatalf("got %v, %v; want no concepts and no error", cs, err)
	}
}

// concept builds lexicon text for one concept from its non-language lines
// plus all six languages, letting a test replace or drop single lines.
func concept(header string, lines map[string]string) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	if v, ok := lines["subsectors"]; !ok {
		b.WriteString("subsectors = solar_pv\n")
	} else if v != "" {
		b.WriteString(v + "\n")
	}
	for _, l := range Languages {
		v, ok := lines[l]
		switch {
		case !ok:
			fmt.Fprintf(&b, "%s = term %s\n", l, l)
		case v != "":
			b.WriteString(v + "\n")
		}
	}
	for k, v := range lines {
		if k == "extra" {
			b.WriteString(v + "\n")
		}
	}
	return b.String()
}

func TestParseLexiconErrors(t *testing.T) {
	ok := concept("[first]", nil) // lines 1–8
	tests := []struct {
		name     string
		text     string
		wantLine int
		wantMsg  string
	}{
		{"unknown key", concept("[a]", map[string]string{"extra": "fr = panneau solaire"}), 9, "unknown key"},
		{"language key misspelt", concept("[a]", map[string]string{"vi": "vn = pin mặt trời"}), 6, "unknown key"},
		{"missing language", concept("[a]", map[string]string{"th": ""}), 1, "lacks language(s) th"},
		{"missing language of second concept", ok + "\n" + concept("[b]", map[string]string{"ms": ""}), 10, "lacks language(s) ms"},
		{"missing language at end without blank line", ok + "[b]\nsubsectors = solar_pv\nen = x\n", 9, "lacks language"},
		{"missing subsectors", concept("[a]", map[string]string{"subsectors": ""}), 1, "no subsectors"},
		{"duplicate id", ok + "\n" + concept("[first]", nil), 10, `duplicate concept id "first" (first on line 1)`},
		{"empty term", concept("[a]", map[string]string{"en": "en = solar | | panel"}), 4, "empty term"},
		{"empty value", concept("[a]", map[string]string{"en": "en ="}), 4, "empty term"},
		{"trailing separator", concept("[a]", map[string]string{"id": "id = panel surya |"}), 5, "empty term"},
		{"repeated term", concept("[a]", map[string]string{"en": "en = solar panel | PV module | Solar Panel"}), 4, "repeated"},
		{"repeated key", concept("[a]", map[string]string{"extra": "en = again"}), 9, "given twice"},
		{"header without bracket", "[a\nsubsectors = solar_pv\n", 1, "malformed header"},
		{"header with upper case", "[SolarPV]\n", 1, "malformed header"},
		{"header with space", "[solar pv]\n", 1, "malformed header"},
		{"header with double underscore", "[solar__pv]\n", 1, "malformed header"},
		{"empty header", "[]\n", 1, "malformed header"},
		{"line without equals", concept("[a]", map[string]string{"extra": "just words"}), 9, "want key = value"},
		{"key before any header", "# c\nen = solar\n", 2, "outside a concept"},
		{"key after blank line", ok + "\nen = orphan\n", 10, "outside a concept"},
		{"empty subsector", concept("[a]", map[string]string{"subsectors": "subsectors = solar_pv, , wind_power"}), 2, "empty subsector"},
		{"malformed subsector", concept("[a]", map[string]string{"subsectors": "subsectors = Solar PV"}), 2, "malformed subsector"},
		{"repeated subsector", concept("[a]", map[string]string{"subsectors": "subsectors = solar_pv, solar_pv"}), 2, "repeated"},
		{"star with others", concept("[a]", map[string]string{"subsectors": "subsectors = *, solar_pv"}), 2, "stands alone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := ParseLexicon(strings.NewReader(tt.text))
			if err == nil {
				t.Fatalf("no error; got %d concepts from\n%s", len(cs), tt.text)
			}
			var le *LexiconError
			if !errors.As(err, &le) {
				t.Fatalf("error %v (%T) is not a *LexiconError", err, err)
			}
			if le.Line != tt.wantLine {
				t.Errorf("line = %d, want %d (%v)\n%s", le.Line, tt.wantLine, err, tt.text)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), fmt.Sprintf("lexicon line %d: ", tt.wantLine)) {
				t.Errorf("error %q does not start with its line", err)
			}
		})
	}
}

// sectorOf maps every subsector of PRODUCT.md to its sector. It mirrors
// transfer.Sectors, which this package may not import; the transfer package's
// tests check the lexicon against the real table.
var sectorOf = func() map[string]string {
	m := map[string]string{}
	for sector, subs := range map[string]string{
		"electronic_information":   "5g_communications artificial_intelligence big_data_cloud integrated_circuits software_platforms satellite_navigation iot_smart_devices cybersecurity",
		"new_energy":               "solar_pv wind_power bioenergy energy_storage hydrogen_fuel_cells electric_vehicles smart_grid energy_efficiency",
		"biomedicine":              "in_vitro_diagnostics vaccines_biologics genomics medical_devices pharmaceuticals traditional_medicine rehabilitation_wearables digital_health",
		"advanced_materials":       "polymers metallurgy composites nanomaterials",
		"modern_agriculture":       "crop_breeding agri_processing aquaculture smart_farming",
		"advanced_manufacturing":   "robotics aerospace precision_machinery industrial_automation",
		"environmental_technology": "water_treatment waste_recycling air_pollution carbon_capture",
	} {
		for _, s := range strings.Fields(subs) {
			m[s] = sector
		}
	}
	return m
}()

func TestDefaultLexicon(t *testing.T) {
	cs := DefaultLexicon()
	if len(cs) < 450 {
		t.Errorf("the embedded lexicon has %d concepts, want at least 450", len(cs))
	}
	terms := map[string]int{}
	for _, c := range cs {
		if len(c.Subsectors) == 0 {
			t.Errorf("%s: no subsectors", c.ID)
		}
		for _, s := range c.Subsectors {
			if s != "*" && sectorOf[s] == "" {
				t.Errorf("%s: unknown subsector %q", c.ID, s)
			}
		}
		for _, l := range Languages {
			n := len(c.Terms[l])
			if n == 0 {
				t.Errorf("%s: no %s term", c.ID, l)
			}
			if n > 4 {
				t.Errorf("%s: %d %s terms, want at most 4", c.ID, n, l)
			}
			terms[l] += n
		}
		for l := range c.Terms {
			if !slices.Contains(Languages, l) {
				t.Errorf("%s: language %q is not one of %v", c.ID, l, Languages)
			}
		}
	}
	var b strings.Builder
	for _, l := range Languages {
		fmt.Fprintf(&b, " %s=%d", l, terms[l])
	}
	t.Logf("%d concepts; terms per language:%s", len(cs), b.String())
	if again := DefaultLexicon(); len(again) != len(cs) || &again[0] != &cs[0] {
		t.Error("DefaultLexicon parses more than once")
	}
}

// TestLexiconTermCollisions: a term string (ignoring case) may belong to two
// concepts of one language only when the two share a subsector; otherwise
// the bridge would join unrelated ideas (a battery in a pacemaker and a grid
// battery). Cross-cutting concepts ("*") share only with each other.
func TestLexiconTermCollisions(t *testing.T) {
	for _, c := range termCollisions(DefaultLexicon()) {
		t.Error("term in two unrelated concepts: " + c)
	}
}

func TestTermCollisionsFinds(t *testing.T) {
	mk := func(id string, subs []string, en string) Concept {
		terms := map[string][]string{}
		for _, l := range Languages {
			terms[l] = []string{id + " " + l}
		}
		terms["en"] = []string{en}
		return Concept{ID: id, Subsectors: subs, Terms: terms}
	}
	cs := []Concept{
		mk("grid_battery", []string{"energy_storage"}, "Battery"),
		mk("implant", []string{"medical_devices"}, "battery"),
		mk("ev_battery", []string{"electric_vehicles", "energy_storage"}, "BATTERY"),
	}
	got := termCollisions(cs)
	// grid_battery/implant and implant/ev_battery collide; grid_battery and
	// ev_battery share energy_storage.
	if len(got) != 2 || !strings.Contains(got[0], "implant") || !strings.Contains(got[1], "implant") {
		t.Errorf("collisions = %q", got)
	}
}

// termCollisions lists, sorted, every term that two concepts without a
// common subsector share in one language.
func termCollisions(cs []Concept) []string {
	var collisions []string
	for _, l := range Languages {
		owners := map[string][]int{}
		for i, c := range cs {
			for _, term := range c.Terms[l] {
				f := strings.ToLower(term)
				owners[f] = append(owners[f], i)
			}
		}
		for term, idx := range owners {
			for a := 0; a < len(idx); a++ {
				for b := a + 1; b < len(idx); b++ {
					ca, cb := cs[idx[a]], cs[idx[b]]
					if !shareSubsector(ca.Subsectors, cb.Subsectors) {
						collisions = append(collisions, fmt.Sprintf("%s %q: %s %v / %s %v",
							l, term, ca.ID, ca.Subsectors, cb.ID, cb.Subsectors))
					}
				}
			}
		}
	}
	sort.Strings(collisions)
	return collisions
}

func TestLexiconCounts(t *testing.T) {
	bySector := map[string]int{}
	bySubsector := map[string]int{}
	for _, c := range DefaultLexicon() {
		seen := map[string]bool{}
		for _, s := range c.Subsectors {
			bySubsector[s]++
			sector := sectorOf[s]
			if s == "*" {
				sector = "* (cross-cutting)"
			}
			if !seen[sector] {
				seen[sector] = true
				bySector[sector]++
			}
		}
	}
	sectors := make([]string, 0, len(bySector))
	for s := range bySector {
		sectors = append(sectors, s)
	}
	sort.Strings(sectors)
	for _, sector := range sectors {
		var subs []string
		for s, sec := range sectorOf {
			if sec == sector {
				subs = append(subs, fmt.Sprintf("%s=%d", s, bySubsector[s]))
			}
		}
		sort.Strings(subs)
		t.Logf("%-26s %3d concepts  %s", sector, bySector[sector], strings.Join(subs, " "))
	}
	for s := range sectorOf {
		if bySubsector[s] < 8 {
			t.Errorf("subsector %s has %d concepts, want at least 8", s, bySubsector[s])
		}
	}
}
