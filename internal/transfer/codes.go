package transfer

import (
	"slices"
	"strings"
)

// Countries lists the ISO 3166-1 alpha-2 codes ValidCountry accepts, sorted;
// the published API contract enumerates them.
func Countries() []string { return sortedCodes(countryCodes) }

// Currencies lists the ISO 4217 codes ValidCurrency accepts, sorted.
func Currencies() []string { return sortedCodes(currencyCodes) }

// Languages lists the language tags ValidLanguage accepts, sorted.
func Languages() []string { return sortedCodes(languageCodes) }

func sortedCodes(s string) []string {
	codes := strings.Fields(s)
	slices.Sort(codes)
	return slices.Compact(codes)
}
