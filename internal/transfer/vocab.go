package transfer

import (
	"slices"
	"strings"
)

// China and the ASEAN members: the corridor the statistics and the matcher favour.
const China = "CN"

// ASEAN lists the member states by ISO 3166-1 alpha-2 code.
var ASEAN = []string{"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"}

// Sectors maps every sector to its subsectors, in the order of PRODUCT.md.
var Sectors = map[string][]string{
	"electronic_information": {"5g_communications", "artificial_intelligence", "big_data_cloud",
		"integrated_circuits", "software_platforms", "satellite_navigation", "iot_smart_devices", "cybersecurity"},
	"new_energy": {"solar_pv", "wind_power", "bioenergy", "energy_storage", "hydrogen_fuel_cells",
		"electric_vehicles", "smart_grid", "energy_efficiency"},
	"biomedicine": {"in_vitro_diagnostics", "vaccines_biologics", "genomics", "medical_devices",
		"pharmaceuticals", "traditional_medicine", "rehabilitation_wearables", "digital_health"},
	"advanced_materials":       {"polymers", "metallurgy", "composites", "nanomaterials"},
	"modern_agriculture":       {"crop_breeding", "agri_processing", "aquaculture", "smart_farming"},
	"advanced_manufacturing":   {"robotics", "aerospace", "precision_machinery", "industrial_automation"},
	"environmental_technology": {"water_treatment", "waste_recycling", "air_pollution", "carbon_capture"},
}

// InstitutionTypes lists the kinds of institution.
var InstitutionTypes = []string{"enterprise", "university", "research_institute", "government_agency",
	"tech_transfer_agency", "incubator_park", "joint_lab"}

var (
	countrySet  = codeSet(countryCodes)
	currencySet = codeSet(currencyCodes)
	languageSet = codeSet(languageCodes)
)

func codeSet(s string) map[string]bool {
	set := make(map[string]bool)
	for _, c := range strings.Fields(s) {
		set[c] = true
	}
	return set
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 code (upper case).
func ValidCountry(code string) bool { return countrySet[code] }

// ValidCurrency reports whether code is an ISO 4217 currency code (upper case).
func ValidCurrency(code string) bool { return currencySet[code] }

// ValidLanguage reports whether code is a BCP 47 primary language subtag we know (lower case).
func ValidLanguage(code string) bool { return languageSet[code] }

// ValidSector reports whether sector is known.
func ValidSector(sector string) bool { _, ok := Sectors[sector]; return ok }

// ValidSubsector reports whether subsector belongs to sector.
func ValidSubsector(sector, subsector string) bool {
	return slices.Contains(Sectors[sector], subsector)
}

// ValidInstitutionType reports whether t is a known institution type.
func ValidInstitutionType(t string) bool { return slices.Contains(InstitutionTypes, t) }

// IsASEAN reports whether country is an ASEAN member.
func IsASEAN(country string) bool { return slices.Contains(ASEAN, country) }
