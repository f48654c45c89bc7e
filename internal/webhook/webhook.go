// Package webhook delivers events to partners' receivers: it signs requests
// with the Standard Webhooks scheme and refuses to connect to addresses a
// receiver must not point at (loopback, private, link-local, multicast,
// unspecified), checked on the address actually dialled, so that DNS tricks
// and redirects cannot reach inside. It knows the domain's request type and
// nothing of HTTP routing or storage.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/techbridge/techbridge/internal/transfer"
)

// Sign returns the webhook-signature header value for a message: one
// "v1,<base64 HMAC-SHA256>" per secret, space-separated. A secret is
// "whsec_" + base64 of the key.
func Sign(secrets []string, id string, timestamp time.Time, body []byte) (string, error) {
	var sigs []string
	for _, s := range secrets {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		if err != nil {
			return "", fmt.Errorf("webhook secret is not base64: %w", err)
		}
		mac := hmac.New(sha256.New, key)
		fmt.Fprintf(mac, "%s.%d.", id, timestamp.Unix())
		mac.Write(body)
		sigs = append(sigs, "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return strings.Join(sigs, " "), nil
}

// Guard decides which addresses may be dialled.
type Guard struct {
	Allowed []netip.Prefix // private or loopback ranges that are nevertheless allowed
}

var blocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
		// IPv6: IPv4-compatible (::/96, which holds :: and ::1), SIIT
		// IPv4-translated, NAT64 (well-known and local-use), discard-only,
		// unique-local, link-local, multicast.
		"::/96", "::1/128", "::ffff:0:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64",
		"fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

var (
	sixToFour = netip.MustParsePrefix("2002::/16")
	teredo    = netip.MustParsePrefix("2001::/32")
)

// embeddedIPv4 lists the IPv4 addresses an IPv6 address carries and that a
// relay or the kernel may end up reaching: 6to4 (2002:AABB:CCDD::/48) and
// Teredo (server in bits 32-63, client inverted in the last 32 bits).
// IPv4-mapped addresses are unmapped before; the other embedding forms
// (IPv4-compatible, NAT64, SIIT) are blocked as whole ranges.
func embeddedIPv4(a netip.Addr) []netip.Addr {
	if !a.Is6() {
		return nil
	}
	b := a.As16()
	switch {
	case sixToFour.Contains(a):
		return []netip.Addr{netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})}
	case teredo.Contains(a):
		return []netip.Addr{netip.AddrFrom4([4]byte{b[4], b[5], b[6], b[7]}),
			netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]})}
	}
	return nil
}

// Check refuses an address in a blocked range, or one that embeds an IPv4
// address in a blocked range, unless it is allowed. A zone (fe80::1%eth0,
// ::1%lo) is dropped first: it names an interface, not another address,
// and netip.Prefix.Contains is false for every zoned address.
func (g Guard) Check(addr netip.Addr) error {
	addr = addr.WithZone("").Unmap()
	if g.allowed(addr) {
		return nil
	}
	refused := fmt.Errorf("address %s is not reachable for webhooks (private, loopback, link-local, multicast or unspecified)", addr)
	if isBlocked(addr) {
		return refused
	}
	for _, v4 := range embeddedIPv4(addr) {
		if !g.allowed(v4) && isBlocked(v4) {
			return fmt.Errorf("address %s embeds %s, which is not reachable for webhooks", addr, v4)
		}
	}
	return nil
}

func (g Guard) allowed(addr netip.Addr) bool {
	for _, p := range g.Allowed {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

func isBlocked(addr netip.Addr) bool {
	for _, p := range blocked {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// CheckURL is the check at registration: the scheme, and hosts that are IP
// literals in any spelling (dotted, decimal, hex, octal, IPv6). Names are
// checked again where it counts, at connect time.
func (g Guard) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return errors.New("must be an http or https URL")
	}
	host := strings.TrimSuffix(u.Hostname(), ".")
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return g.Check(netip.MustParseAddr("127.0.0.1"))
	}
	if strings.Contains(host, "%") {
		return errors.New("must not name an IPv6 zone (an interface of this server)")
	}
	if a, ok := parseLooseIP(host); ok {
		return g.Check(a)
	}
	return nil
}

// parseLooseIP reads the IPv4 spellings inet_aton accepts (2130706433,
// 0x7f000001, 0177.0.0.1, 127.1) and IPv6 literals.
func parseLooseIP(host string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a, true
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var nums []uint64
	for _, p := range parts {
		n, err := strconv.ParseUint(p, 0, 32) // base from prefix: 0x hex, 0 octal
		if err != nil {
			return netip.Addr{}, false
		}
		nums = append(nums, n)
	}
	var v uint64
	switch len(nums) {
	case 1:
		v = nums[0]
	case 2:
		v = nums[0]<<24 | nums[1]&0xffffff
	case 3:
		v = nums[0]<<24 | (nums[1]&0xff)<<16 | nums[2]&0xffff
	case 4:
		v = nums[0]<<24 | (nums[1]&0xff)<<16 | (nums[2]&0xff)<<8 | nums[3]&0xff
	}
	if v > 0xffffffff {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// Sender posts signed deliveries through a client that checks every address
// it connects to, follows no redirects and reads back nothing of the body.
type Sender struct {
	client  *http.Client
	timeout time.Duration
}

// NewSender returns a sender with a per-attempt timeout.
func NewSender(g Guard, timeout time.Duration) *Sender {
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		// Control runs after DNS resolution, on the address about to be
		// dialled: a name that resolves inside is refused here.
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("webhook dial %s: %w", address, err)
			}
			return g.Check(ap.Addr())
		},
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would connect for us, past the guard
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &Sender{timeout: timeout, client: &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Send posts one delivery. Only the status code comes back: the receiver's
// body is neither kept nor shown.
func (s *Sender) Send(ctx context.Context, r transfer.WebhookRequest) transfer.WebhookResult {
	start := time.Now()
	res := transfer.WebhookResult{}
	sig, err := Sign(r.Secrets, r.MessageID, r.Timestamp, r.Body)
	if err != nil {
		res.Err = err
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		res.Err = fmt.Errorf("bad receiver URL: %w", err)
		return res
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "techbridge-webhooks/1")
	req.Header.Set("webhook-id", r.MessageID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(r.Timestamp.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.client.Do(req)
	res.Duration = time.Since(start)
	if err != nil {
		res.Err = errors.New(scrub(err))
		return res
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	res.StatusCode = resp.StatusCode
	return res
}

// scrub keeps an error short and free of anything the receiver sent.
func scrub(err error) string {
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300]
	}
	return msg
}
