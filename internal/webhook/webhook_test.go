package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

func TestSignMatchesTheSpecification(t *testing.T) {
	key := []byte("0123456789abcdef01234567")
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	ts := time.Unix(1700000000, 0)
	body := []byte(`{"type":"ping"}`)
	got, err := Sign([]string{secret, secret}, "msg_1", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	// Written out from the Standard Webhooks text: base64(HMAC-SHA256(key, id.timestamp.body)).
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("msg_1.1700000000." + string(body)))
	one := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if got != one+" "+one {
		t.Fatalf("signature %q, want %q twice", got, one)
	}
	if _, err := Sign([]string{"whsec_!!"}, "x", ts, body); err == nil {
		t.Fatal("a malformed secret signed")
	}
}

// TestSSRFVectorsAreRefused: every way of naming an inside address is
// refused at registration, at connect time, or both.
func TestSSRFVectorsAreRefused(t *testing.T) {
	g := Guard{}
	for _, u := range []string{
		"http://127.0.0.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/",
		"http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://localhost/", "http://api.localhost/", "http://0.0.0.0/",
		"http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
		"http://[fe80::1]/", "http://224.0.0.1/", "http://100.64.0.1/", "http://[fd00::1]/", "gopher://example.com/",
		// IPv6 zones: Prefix.Contains is false for every zoned address.
		"http://[::1%25lo]:8080/", "http://[::1%251]/", "http://[::1%25eth0]/", "http://[fe80::1%25eth0]/",
		"http://[2606:4700::1111%25eth0]/",
		// IPv4 inside IPv6: compatible, mapped (hex), SIIT, NAT64, 6to4, Teredo.
		"http://[::127.0.0.1]/", "http://[::7f00:1]/", "http://[::10.0.0.1]/", "http://[::ffff:7f00:1]/",
		"http://[0:0:0:0:0:ffff:127.0.0.1]/", "http://[::ffff:0:127.0.0.1]/", "http://[64:ff9b::127.0.0.1]/",
		"http://[64:ff9b:1::a00:1]/", "http://[2002:7f00:1::]/", "http://[2002:7f00:1::1]:8080/",
		"http://[2002:a00:1::1]/", "http://[2002:c0a8:101::]/", "http://[2002:a9fe:a9fe::]/",
		"http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", // Teredo, client 127.0.0.1
		"http://[2001:0:a00:1::1]/",                      // Teredo, server 10.0.0.1
		"http://[::]/", "http://[fec0::1]/", "http://[100::1]/",
	} {
		if err := g.CheckURL(u); err == nil {
			t.Errorf("registration accepted %s", u)
		}
	}
	for _, u := range []string{"https://partner.example/hook", "http://203.0.113.10:8080/x", "http://[2606:4700::1111]/",
		"http://[2002:cb00:710a::1]/", "http://[2001:0:4136:e378:8000:63bf:34ff:fff5]/"} {
		if err := g.CheckURL(u); err != nil {
			t.Errorf("registration refused %s: %v", u, err)
		}
	}
	// The dial-time check sees addresses, zoned ones included.
	for _, a := range []string{"::1%lo", "::1%1", "fe80::1%eth0", "::127.0.0.1", "2002:7f00:1::1", "::ffff:10.0.0.1"} {
		if err := g.Check(netip.MustParseAddr(a)); err == nil {
			t.Errorf("Check accepted %s", a)
		}
	}
	allowed := Guard{Allowed: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	if err := allowed.CheckURL("http://10.1.2.3/"); err != nil {
		t.Errorf("an allowed range was refused: %v", err)
	}
}

func send(s *Sender, rawURL string) transfer.WebhookResult {
	return s.Send(context.Background(), transfer.WebhookRequest{URL: rawURL, MessageID: "msg_1", Timestamp: time.Now(),
		Body: []byte(`{}`), Secrets: []string{"whsec_" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef01234567"))}})
}

func TestConnectTimeGuard(t *testing.T) {
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer target.Close()
	port := target.URL[strings.LastIndex(target.URL, ":")+1:]
	strict := NewSender(Guard{}, 2*time.Second)
	// A name that resolves to loopback passes registration's literal check
	// but not the dial.
	for _, u := range []string{"http://localhost:" + port + "/", target.URL, "http://[::1]:" + port + "/",
		"http://[::1%25lo]:" + port + "/", "http://[::1%251]:" + port + "/", "http://[::ffff:127.0.0.1]:" + port + "/",
		"http://[::127.0.0.1]:" + port + "/", "http://[2002:7f00:1::1]:" + port + "/"} {
		res := send(strict, u)
		if res.Err == nil || res.StatusCode != 0 {
			t.Errorf("%s: reached the receiver (%d)", u, res.StatusCode)
		} else if !strings.Contains(res.Err.Error(), "not reachable for webhooks") {
			// Refused by the network instead of by the guard: a port scanner.
			t.Errorf("%s: dialled, not refused by the guard: %v", u, res.Err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the guarded sender reached loopback %d times", hits.Load())
	}
	// A permitted receiver that redirects inside: the redirect is not followed.
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+port+"/", http.StatusFound)
	}))
	defer redirector.Close()
	ru, _ := url.Parse(redirector.URL)
	onlyRedirector := NewSender(Guard{Allowed: []netip.Prefix{netip.PrefixFrom(netip.MustParseAddr(ru.Hostname()), 32)}}, 2*time.Second)
	if res := send(onlyRedirector, redirector.URL); res.Err != nil || res.StatusCode != http.StatusFound {
		t.Fatalf("redirector: %+v", res)
	}
	if hits.Load() != 0 {
		t.Fatal("a redirect was followed to loopback")
	}
	// With the range allowed the receiver is reached, signed.
	var sig string
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sig = r.Header.Get("webhook-signature")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer ok.Close()
	open := NewSender(Guard{Allowed: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}, 2*time.Second)
	if res := send(open, ok.URL); res.Err != nil || res.StatusCode != http.StatusNoContent || !strings.HasPrefix(sig, "v1,") {
		t.Fatalf("allowed receiver: %+v, signature %q", res, sig)
	}
}

func TestParseLooseIP(t *testing.T) {
	for in, want := range map[string]string{"2130706433": "127.0.0.1", "0x7f000001": "127.0.0.1", "0177.0.0.1": "127.0.0.1",
		"127.1": "127.0.0.1", "10.1": "10.0.0.1", "::1": "::1"} {
		a, ok := parseLooseIP(in)
		if !ok || a.String() != want {
			t.Errorf("parseLooseIP(%q) = %v, %v; want %s", in, a, ok, want)
		}
	}
	for _, in := range []string{"example.com", "1.2.3.4.5", "99999999999"} {
		if _, ok := parseLooseIP(in); ok {
			t.Errorf("parseLooseIP(%q) accepted", in)
		}
	}
}
