package httpapi

import (
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/techbridge/techbridge/internal/transfer"
)

type sectorEntry struct {
	Sector     string   `json:"sector" example:"new_energy"`
	Subsectors []string `json:"subsectors"`
}

type vocabularyResponse struct {
	Sectors          []sectorEntry `json:"sectors"`
	InstitutionTypes []string      `json:"institution_types"`
	IPStatuses       []string      `json:"ip_statuses"`
	TransferModes    []string      `json:"transfer_modes"`
	ListingStatuses  []string      `json:"listing_statuses"`
	Languages        []string      `json:"first_class_languages"`
	ASEAN            []string      `json:"asean_countries"`
}

// vocabulary godoc
//
//	@Summary		Controlled vocabularies
//	@Description	Sectors with their subsectors, institution types, IP statuses, transfer modes and listing statuses: what forms offer as choices. Countries are ISO 3166-1 alpha-2, currencies ISO 4217, languages BCP 47 primary tags.
//	@ID			getVocabulary
//	@Tags			reference
//	@Produce		json
//	@Success		200	{object}	vocabularyResponse
//	@Router			/vocabulary [get]
func (s *Server) vocabulary(c echo.Context) error {
	out := vocabularyResponse{InstitutionTypes: transfer.InstitutionTypes, IPStatuses: transfer.IPStatuses,
		TransferModes: transfer.TransferModes, Languages: []string{"zh", "en", "id", "vi", "th", "ms"},
		ASEAN: transfer.ASEAN}
	for sec, subs := range transfer.Sectors {
		out.Sectors = append(out.Sectors, sectorEntry{Sector: sec, Subsectors: subs})
	}
	sort.Slice(out.Sectors, func(i, j int) bool { return out.Sectors[i].Sector < out.Sectors[j].Sector })
	for _, st := range transfer.Statuses {
		out.ListingStatuses = append(out.ListingStatuses, string(st))
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return c.JSON(http.StatusOK, out)
}
