package match

import "math"

// Ranking quality measures for the evaluation. grades maps a listing id to
// its graded relevance (0 when absent); gains are exponential, 2^grade − 1.

// NDCG is the normalised discounted cumulative gain of ranked at depth k.
func NDCG(ranked []string, grades map[string]int, k int) float64 {
	dcg := 0.0
	for i, id := range ranked[:min(k, len(ranked))] {
		dcg += gain(grades[id]) / math.Log2(float64(i+2))
	}
	var ideal []int
	for _, g := range grades {
		if g > 0 {
			ideal = append(ideal, g)
		}
	}
	for i := 1; i < len(ideal); i++ { // descending
		for j := i; j > 0 && ideal[j] > ideal[j-1]; j-- {
			ideal[j], ideal[j-1] = ideal[j-1], ideal[j]
		}
	}
	idcg := 0.0
	for i, g := range ideal[:min(k, len(ideal))] {
		idcg += gain(g) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

func gain(g int) float64 { return math.Pow(2, float64(g)) - 1 }

// MRR is the reciprocal rank of the first listing graded at least minGrade.
func MRR(ranked []string, grades map[string]int, minGrade int) float64 {
	for i, id := range ranked {
		if grades[id] >= minGrade {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// Recall is the share of listings graded at least minGrade found in the top k.
func Recall(ranked []string, grades map[string]int, k, minGrade int) float64 {
	relevant := 0
	for _, g := range grades {
		if g >= minGrade {
			relevant++
		}
	}
	if relevant == 0 {
		return 0
	}
	found := 0
	for _, id := range ranked[:min(k, len(ranked))] {
		if grades[id] >= minGrade {
			found++
		}
	}
	return float64(found) / float64(relevant)
}
