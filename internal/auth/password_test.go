package auth

import (
	"strings"
	"testing"
)

func TestArgon2HashAndVerify(t *testing.T) {
	for _, p := range []Argon2{FastArgon2, DefaultArgon2} {
		h, err := p.Hash("correct horse battery staple")
		if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$") {
			t.Fatalf("hash %q, %v", h, err)
		}
		h2, _ := p.Hash("correct horse battery staple")
		if h == h2 {
			t.Fatal("two hashes of one password are equal: the salt is not random")
		}
		if ok, err := p.Verify(h, "correct horse battery staple"); !ok || err != nil {
			t.Fatalf("right password refused: %v", err)
		}
		if ok, _ := p.Verify(h, "correct horse battery stapler"); ok {
			t.Fatal("wrong password accepted")
		}
	}
	// A hash made with other parameters verifies with any Argon2 value: the
	// parameters travel in the hash, so raising the cost keeps old hashes valid.
	h, _ := FastArgon2.Hash("pw-pw-pw-pw-pw")
	if ok, err := DefaultArgon2.Verify(h, "pw-pw-pw-pw-pw"); !ok || err != nil {
		t.Fatalf("cross-parameter verify: %v", err)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$a2V5"} {
		if ok, err := FastArgon2.Verify(bad, "pw"); ok || err == nil {
			t.Errorf("malformed hash %q: ok=%v err=%v", bad, ok, err)
		}
	}
}
