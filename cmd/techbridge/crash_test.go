package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/store/dbtest"
)

// TestWebhookEventsSurviveAKilledProcess builds the binary, commits changes
// through one API process, kills it with SIGKILL before it can deliver (the
// receiver is not even listening yet), and starts another: every event the
// first process committed reaches the receiver.
func TestWebhookEventsSurviveAKilledProcess(t *testing.T) {
	bin := buildBinary(t)
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			// Reserve a port for the receiver, which starts only after the kill.
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			receiverAddr := l.Addr().String()
			l.Close()

			env := envFor(t, dialect)
			env["TECHBRIDGE_WEBHOOK_ALLOWED_CIDRS"] = "127.0.0.0/8"
			env["TECHBRIDGE_ADMIN_PASSWORD"] = "crash-test-password"
			first, base := startProcess(t, bin, env)
			_, tok := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "admin@localhost", "password": "crash-test-password"})
			token := tok["access_token"].(string)
			post := func(path string, body any) map[string]any {
				t.Helper()
				status, out := call(t, "POST", base+path, token, body)
				if status != 201 && status != 200 {
					t.Fatalf("POST %s: %d %v", path, status, out)
				}
				return out
			}
			inst := post("/api/v1/institutions", map[string]any{"name": "Thai Rice Institute", "country": "TH", "type": "research_institute"})
			post("/api/v1/webhooks", map[string]any{"institution_id": inst["id"], "url": "http://" + receiverAddr + "/events",
				"events": []string{"listing.published", "listing.status_changed"}})
			produced := 0
			for range 3 {
				d := post("/api/v1/demands", map[string]any{"institution_id": inst["id"], "title": "Drought-tolerant rice lines",
					"summary": "Varieties for rain-fed paddies", "language": "en", "sector": "modern_agriculture"})
				path := "/api/v1/demands/" + d["id"].(string)
				post(path+"/submit", nil)
				post(path+"/publish", nil)
				produced += 3 // status_changed on submit and on publish, and published
			}
			// Committed; now the process dies without a chance to deliver.
			if err := first.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			first.Wait()

			var mu sync.Mutex
			ids := map[string]int{}
			rl, err := net.Listen("tcp", receiverAddr)
			if err != nil {
				t.Fatal(err)
			}
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				mu.Lock()
				ids[r.Header.Get("webhook-id")]++
				mu.Unlock()
			})}
			go srv.Serve(rl)
			defer srv.Close()

			second, _ := startProcess(t, bin, env)
			defer func() { second.Process.Kill(); second.Wait() }()
			// The first retry is due 5 s ± 20 % after a failed attempt; a delivery
			// the killed process was holding waits for its one-minute lease.
			deadline := time.Now().Add(100 * time.Second)
			for {
				mu.Lock()
				n := len(ids)
				mu.Unlock()
				if n >= produced {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d events committed before the kill, %d delivered after the restart", produced, n)
				}
				time.Sleep(100 * time.Millisecond)
			}
			t.Logf("killed process: %d events committed, %d distinct delivered after restart", produced, len(ids))
		})
	}
}

// buildBinary builds the program for tests that run it as a process.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "techbridge")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

var listenRe = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// spawn starts the binary's serve with only env (plus PATH and HOME) and
// returns it with its standard error.
func spawn(t *testing.T, bin string, env map[string]string) (*exec.Cmd, io.ReadCloser) {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, stderr
}

// startProcess runs the binary with env and waits until it listens.
func startProcess(t *testing.T, bin string, env map[string]string) (*exec.Cmd, string) {
	t.Helper()
	cmd, stderr := spawn(t, bin, env)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if m := listenRe.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
	}()
	select {
	case addr := <-found:
		return cmd, "http://" + addr
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the process did not start listening")
	}
	return nil, ""
}
