package match

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold normalises text for matching: NFKC (full-width forms, ligatures),
// lower case, and accents removed from Latin letters (Vietnamese "đường"
// becomes "duong", đ included). Thai vowels and tone marks are combining
// marks too, but they carry meaning, so only marks after Latin letters go.
func fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s) // nothing to normalise: the common case for English
	}
	var b strings.Builder
	b.Grow(len(s))
	latinBase := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			if latinBase {
				continue
			}
		case r == 'đ' || r == 'Đ':
			r = 'd'
		default:
			latinBase = r < 0x250 && unicode.IsLetter(r) || unicode.Is(unicode.Latin, r)
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// asWritten maps the spaced words of folded, the folding of text, to the
// same words as text writes them, in lower case with their accents
// ("duong" → "đường"), for explanations. Words are paired by position;
// nil when the two do not line up or nothing differs.
func asWritten(text, folded string) map[string]string {
	if isASCII(text) {
		return nil // folding only lowered the case
	}
	shown, plain := wordsOf(strings.ToLower(norm.NFKC.String(text))), wordsOf(folded)
	if len(shown) != len(plain) {
		return nil
	}
	var out map[string]string
	for i, p := range plain {
		if shown[i] != p && fold(shown[i]) == p {
			if out == nil {
				out = map[string]string{}
			}
			if _, seen := out[p]; !seen {
				out[p] = shown[i]
			}
		}
	}
	return out
}

// writtenAs returns the folded words (one, or a Vietnamese pair) as the
// query wrote them. Only the words an explanation shows are looked up, and
// the query's texts are paired with their folding one field at a time, the
// title first, until the word is found (a query doc is used by one call).
func (d *doc) writtenAs(words string) string {
	sw := d.shown
	if sw == nil || len(sw.texts) == 0 {
		return words
	}
	parts := strings.Split(words, " ")
	for i, p := range parts {
		if r, _ := utf8.DecodeRuneInString(p); scriptOf(r) != scriptWord {
			continue // Han and Thai are shown as they are
		}
		for {
			if s, ok := sw.written[p]; ok {
				parts[i] = s
				break
			}
			if sw.scanned == len(sw.texts) {
				break
			}
			for k, v := range asWritten(sw.texts[sw.scanned], fold(sw.texts[sw.scanned])) {
				if sw.written == nil {
					sw.written = map[string]string{}
				}
				if _, seen := sw.written[k]; !seen {
					sw.written[k] = v
				}
			}
			sw.scanned++
		}
	}
	return strings.Join(parts, " ")
}

// wordsOf returns the runs of spaced-script characters, as tokenize sees them.
func wordsOf(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if scriptOf(r) == scriptWord {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// script classes of a rune, for routing.
const (
	scriptOther = iota
	scriptWord  // Latin and other spaced scripts, digits
	scriptHan
	scriptThai
)

func scriptOf(r rune) int {
	if r < utf8.RuneSelf { // most text, and the range tables below are slow for it
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return scriptWord
		}
		return scriptOther
	}
	switch {
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.Is(unicode.Thai, r):
		return scriptThai
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
		return scriptWord
	}
	return scriptOther
}

// tokenize splits folded text into index terms, routed by script: spaced
// words are stemmed and stop words dropped; Han and Thai, which have no
// spaces, become overlapping character bigrams (a lone character stays a
// unigram). For Vietnamese, whose words are several syllables, adjacent
// syllables also form a bigram term. emit gets each term and the words it
// came from, folded but not stemmed (what an explanation shows).
func tokenize(folded, lang string, emit func(term, words string)) {
	tokenizeRuns(folded, lang, emit, nil)
}

// tokenizeRuns is tokenize that also hands run each Han or Thai segment
// left after the stop words are cut out (what explanations merge bigrams
// back into).
func tokenizeRuns(folded, lang string, emit func(term, words string), runFn func(seg string)) {
	var prev, prevWord string // previous kept syllable, for Vietnamese bigrams
	i := 0
	for i < len(folded) {
		r, size := utf8.DecodeRuneInString(folded[i:])
		sc := scriptOf(r)
		if sc == scriptOther {
			i += size
			if !unicode.IsSpace(r) {
				prev = "" // punctuation ends a phrase; a space does not
			}
			continue
		}
		j := i + size
		for j < len(folded) {
			r2, s2 := utf8.DecodeRuneInString(folded[j:])
			if scriptOf(r2) != sc {
				break
			}
			j += s2
		}
		run := folded[i:j]
		i = j
		switch sc {
		case scriptWord:
			if stopWords[run] || (utf8.RuneCountInString(run) < 2 && !isDigits(run)) {
				prev = ""
				continue
			}
			w := stem(run)
			emit(w, run)
			if lang == "vi" && prev != "" {
				emit(prev+"_"+w, prevWord+" "+run)
			}
			prev, prevWord = w, run
		default:
			prev = ""
			cutStops(run, func(seg string) {
				bigrams(seg, func(b string) { emit(b, b) })
				if runFn != nil {
					runFn(seg)
				}
			})
		}
	}
}

// cutStops hands emit the segments of an unspaced (Han or Thai) run that
// are left when its stop words are cut out, leftmost-longest. Only words
// that are rarely part of a longer word are listed: cutting 有 would break
// 有机 (organic), cutting Thai มี would break เคมี (chemistry).
func cutStops(run string, emit func(seg string)) {
	start, i := 0, 0
	for i < len(run) {
		r, size := utf8.DecodeRuneInString(run[i:])
		if n := stopAt(run[i:], r); n > 0 {
			if i > start {
				emit(run[start:i])
			}
			i += n
			start = i
			continue
		}
		i += size
	}
	if start < len(run) {
		emit(run[start:])
	}
}

// stopAt returns the length in bytes of the longest stop word s starts
// with (r is its first rune), 0 when none.
func stopAt(s string, r rune) int {
	if unspacedStopBits[r&255>>6]&(1<<(r&63)) == 0 {
		return 0 // no stop word starts with a rune of this low byte: most runes
	}
	lens := unspacedStopStarts[r]
	for _, n := range lens { // longest first
		if n <= len(s) && unspacedStops[s[:n]] {
			return n
		}
	}
	return 0
}

func bigrams(run string, emit func(string)) {
	first, size := utf8.DecodeRuneInString(run)
	if size == len(run) {
		if first != utf8.RuneError {
			emit(run)
		}
		return
	}
	start := 0
	for start < len(run) {
		_, s1 := utf8.DecodeRuneInString(run[start:])
		if start+s1 >= len(run) {
			break
		}
		_, s2 := utf8.DecodeRuneInString(run[start+s1:])
		emit(run[start : start+s1+s2])
		start += s1
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// stem is a light, language-blind suffix stripper for spaced words: plurals
// and the commonest English endings. It is applied the same way to listings,
// queries and lexicon terms, so what matters is consistency, not linguistics;
// it stays conservative so that Indonesian and Malay words survive.
func stem(w string) string {
	n := len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 5 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes")):
		return w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:n-1]
	case n > 6 && strings.HasSuffix(w, "ing"):
		return w[:n-3]
	case n > 5 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed"):
		return w[:n-2]
	}
	return w
}

// stopWords of the spaced first-class languages (English, Indonesian, Malay,
// Vietnamese), folded; frequent words that say nothing about a technology.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{
		// en
		`a an the and or of for to in on at by with from as is are was were be been being this that these those it its
		 we our us you your they their can could will would should may might must into onto over under per via than then
		 also such using use used based which who whom whose what when where while about after before between both each
		 more most other some any all no not only own same so too very just new provide provides providing including
		 include includes within without through up down out has have had do does did need needs needed looking seek
		 seeking want wants require requires required solution solutions system systems technology technologies`,
		// id, ms
		`dan yang di ke dari untuk dengan pada ini itu atau dalam oleh akan juga secara serta bagi kami kita sebagai
		 tidak adalah ada telah sudah dapat boleh bisa harus perlu memerlukan membutuhkan mencari kepada tersebut
		 lebih sangat hingga sampai agar supaya namun tetapi jika bila karena kerana saat ketika setiap semua para
		 iaitu yaitu ialah merupakan sistem teknologi solusi penyelesaian`,
		// vi, folded
		`va cua cho cac co la duoc voi trong de nhung mot nay tu theo tai khong nguoi da se khi can nhu ve tren duoi
		 hoac hay cung rat nhieu moi bang vao ra len sau truoc giua cung nen thi ma chung toi ho he thong cong nghe
		 giai phap`,
	} {
		for _, w := range strings.Fields(list) {
			m[w] = true
		}
	}
	return m
}()

// unspacedStops are the stop words of Chinese and Thai, cut out of their
// runs before bigrams are made: function words and the boilerplate of
// listings ("technology", "provide", "field", "system", "need", "seek",
// "cooperation") that say nothing about a technology. Words that often sit
// inside longer words are left out on purpose (see cutStops).
var unspacedStops, unspacedStopStarts = func() (map[string]bool, map[rune][]int) {
	m, starts := map[string]bool{}, map[rune][]int{}
	for _, list := range []string{
		// zh
		`技术 提供 领域 我们 可以 进行 以及 用于 需要 寻求 合作 具有 相关 主要 通过 实现 能够 目前 已经 方面 包括 其他
		 一个 一种 系统 解决方案 方案 应用 服务 产品 项目 开发 研究 公司 企业 支持 适用 适合 采用 利用 基于 使用 具备
		 以上 以下 左右 国家 地区 东盟 希望 要求 单位 我方 本项 该项 技术转让 转让 的`,
		// th
		`เทคโนโลยี ต้องการ สำหรับ เพื่อ หรือ ซึ่ง และ โดย ระบบ ด้วย จาก พร้อม รวมถึง สามารถ ประเทศ บริษัท โครงการ
		 ให้บริการ บริการ พัฒนา การใช้งาน ใช้งาน`,
	} {
		for _, w := range strings.Fields(list) {
			m[w] = true
		}
	}
	for w := range m {
		r, _ := utf8.DecodeRuneInString(w)
		starts[r] = append(starts[r], len(w))
	}
	for r := range starts {
		slices.SortFunc(starts[r], func(a, b int) int { return b - a })
		starts[r] = slices.Compact(starts[r])
		unspacedStopBits[r&255>>6] |= 1 << (r & 63)
	}
	return m, starts
}()

// unspacedStopBits has a bit per low byte of the first runes of the
// unspaced stop words: a quick no before the map lookup.
var unspacedStopBits [4]uint64
