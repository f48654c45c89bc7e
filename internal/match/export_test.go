package match

// MatchExhaustive ranks like Match but scores every doc that shares a word
// or a concept with l: no deferred common terms, no preselection, no
// shortlist. The benchmarks measure how often Match's top results agree.
func (e *Engine) MatchExhaustive(l Listing, q Query) []Result {
	q.exhaustive = true
	return e.Match(l, q)
}

// Terms is the size of the file's term dictionary.
func (a *Analyses) Terms() int { return len(a.names) }
