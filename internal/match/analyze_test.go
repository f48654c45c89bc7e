package match

import (
	"reflect"
	"testing"
)

func terms(s, lang string) []string {
	var out []string
	tokenize(fold(s), lang, func(t, _ string) { out = append(out, t) })
	return out
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Đường ống NƯỚC":  "duong ong nuoc",
		"ＬｉＦｅＰＯ４ Battery": "lifepo4 battery",
		"Crème brûlée":    "creme brulee",
		"แบตเตอรี่":       "แบตเตอรี่", // Thai marks stay
		"磷酸铁锂电池":          "磷酸铁锂电池",
		"Bạn đã ăn chưa?": "ban da an chua?",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokenize(t *testing.T) {
	cases := []struct {
		in, lang string
		want     []string
	}{
		{"The batteries for grid-scale storage", "en", []string{"battery", "grid", "scale", "storage"}},
		{"磷酸铁锂电池", "zh", []string{"磷酸", "酸铁", "铁锂", "锂电", "电池"}},
		{"储能 5G", "zh", []string{"储能", "5g"}},
		{"提供锂电池技术的领域", "zh", []string{"锂电", "电池"}}, // stop words cut out before bigrams
		{"ต้องการเทคโนโลยีโซลาร์", "th", []string{"โซ", "ซล", "ลา", "าร", "ร์"}},
		{"pin mặt trời", "vi", []string{"pin", "mat", "pin_mat", "troi", "mat_troi"}},
		{"Sistem pengeringan untuk kopi", "id", []string{"pengeringan", "kopi"}},
		{"โซลาร์", "th", []string{"โซ", "ซล", "ลา", "าร", "ร์"}},
	}
	for _, c := range cases {
		if got := terms(c.in, c.lang); !reflect.DeepEqual(got, c.want) {
			t.Errorf("tokenize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Đường", "磷酸铁锂", "แบตเตอรี่", "a\xffb", "ＡＢＣ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tokenize(fold(s), "vi", func(term, _ string) {
			if term == "" {
				t.Fatalf("empty term from %q", s)
			}
		})
	})
}
