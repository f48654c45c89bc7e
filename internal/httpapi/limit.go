package httpapi

import "github.com/techbridge/techbridge/internal/transfer"

// strictPage is page for the lists whose limit is documented as a range
// (1 to transfer.MaxLimit): a limit outside it is a problem (422) rather
// than clamped.
func (q *queryParams) strictPage() transfer.PageRequest {
	r := q.page()
	if r.Limit < 0 || r.Limit > transfer.MaxLimit {
		q.problems.Add("limit", "must be a whole number from 1 to %d", transfer.MaxLimit)
		r.Limit = 0
	}
	return r
}
