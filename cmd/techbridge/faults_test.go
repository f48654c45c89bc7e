package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
)

// TestIdempotentWritesSurviveKills writes under load with an Idempotency-Key
// per write, kills the API process with SIGKILL mid-load (and, on Postgres,
// crashes a private database server of its own, never a shared one), starts
// them again, and has every client retry each key until it gets an answer.
// Then it counts: every acknowledged write is stored (0 lost), no key made
// two rows (0 duplicated), and every key got its answer (0 stuck).
func TestIdempotentWritesSurviveKills(t *testing.T) {
	bin := buildBinary(t)
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			env := map[string]string{"TECHBRIDGE_ADDR": "127.0.0.1:" + strconv.Itoa(freePort(t)),
				"TECHBRIDGE_SHUTDOWN_DELAY": "0s", "TECHBRIDGE_ADMIN_PASSWORD": "fault-test-password",
				"TECHBRIDGE_JWT_SECRET": "a fault-test secret of at least 32 bytes"}
			var pg *privatePostgres
			env["TECHBRIDGE_DATA_DIR"] = t.TempDir() // with Postgres too: the engine's analyses go there
			if dialect == store.Postgres {
				pg = startPrivatePostgres(t)
				env["DATABASE_URL"] = pg.url
			}
			api, base := startProcess(t, bin, env)
			defer func() { api.Process.Kill(); api.Wait() }()
			_, tok := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "admin@localhost", "password": "fault-test-password"})
			token, _ := tok["access_token"].(string)
			if token == "" {
				t.Fatalf("login: %v", tok)
			}

			const workers, perWorker = 4, 60
			acked := make([][]string, workers) // the id each key was acknowledged with
			var retries [workers]int
			var progress sync.WaitGroup
			done := make(chan struct{})
			var wg sync.WaitGroup
			for w := range workers {
				acked[w] = make([]string, perWorker)
				wg.Add(1)
				progress.Add(1)
				go func() {
					defer wg.Done()
					for i := range perWorker {
						if i == perWorker/3 {
							progress.Done() // a third written: time for the faults
						}
						key := fmt.Sprintf("fault-%d-%d", w, i)
						body := map[string]any{"name": "Fault test " + key, "country": "TH", "type": "enterprise"}
						for {
							status, id := postKeyed(base+"/api/v1/institutions", token, key, body)
							if status == http.StatusCreated {
								if acked[w][i] != "" && acked[w][i] != id {
									t.Errorf("key %s answered %s, then %s", key, acked[w][i], id)
								}
								acked[w][i] = id
								break
							}
							if status >= 400 && status < 500 && status != http.StatusConflict {
								t.Errorf("key %s: %d", key, status)
								break
							}
							retries[w]++ // down, 503, or 409 while the first try runs
							select {
							case <-done:
								return
							case <-time.After(50 * time.Millisecond):
							}
						}
					}
				}()
			}

			progress.Wait()
			api.Process.Kill() // SIGKILL, mid-load
			api.Wait()
			if pg != nil {
				pg.crash(t) // the database server dies too, and comes back
			}
			api, _ = startProcess(t, bin, env)
			if pg != nil {
				time.Sleep(300 * time.Millisecond)
				pg.crash(t) // and once more while the API is up
			}

			finished := make(chan struct{})
			go func() { wg.Wait(); close(finished) }()
			select {
			case <-finished:
			case <-time.After(90 * time.Second):
				close(done)
				wg.Wait()
				t.Fatal("some keys never got an answer within 90 s after the faults (stuck keys)")
			}

			stored := map[string]int{}
			for _, id := range storedIDs(t, base, token) {
				stored[id]++
			}
			lost, total := 0, 0
			for w := range workers {
				for _, id := range acked[w] {
					total++
					if stored[id] == 0 {
						lost++
					}
				}
			}
			if lost > 0 || len(stored) != total {
				t.Fatalf("%d keys acknowledged, %d rows stored, %d acknowledged writes lost", total, len(stored), lost)
			}
			t.Logf("%s: %d keys acknowledged, %d rows stored, 0 lost, 0 duplicated, 0 stuck; %d retries across the faults",
				dialect, total, len(stored), retries[0]+retries[1]+retries[2]+retries[3])
		})
	}
}

// postKeyed sends one keyed POST; status 0 when the server cannot be reached.
func postKeyed(url, token, key string, body any) (int, string) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", key)
	client := http.Client{Timeout: 15 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var out struct{ ID string }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.ID
}

// storedIDs lists the ids of the institutions the test made.
func storedIDs(t *testing.T, base, token string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, page := call(t, "GET", base+"/api/v1/institutions?limit=100&cursor="+cursor, token, nil)
		if status != http.StatusOK { // the pool is still replacing connections the crash broke
			if time.Now().After(deadline) {
				t.Fatalf("listing institutions: %d %v", status, page)
			}
			time.Sleep(200 * time.Millisecond)
			continue
		}
		items, _ := page["items"].([]any)
		for _, it := range items {
			if m := it.(map[string]any); strings.HasPrefix(m["name"].(string), "Fault test ") {
				ids = append(ids, m["id"].(string))
			}
		}
		cursor, _ = page["next_cursor"].(string)
		if cursor == "" {
			return ids
		}
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// privatePostgres is a database server this test starts, owns and may crash.
type privatePostgres struct {
	bin, dir, url string
	port          int
	runAs         string // the system user the server runs as, when we are root
}

func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but no PostgreSQL server binaries under /usr/lib/postgresql (.ci/run installs them)")
		}
		t.Skip("no PostgreSQL server binaries to start a private server")
	}
	// Not t.TempDir(): its parent is private to us, and the server runs as another user.
	dir, err := os.MkdirTemp("", "techbridge-faults-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	pg := &privatePostgres{bin: filepath.Dir(matches[len(matches)-1]), dir: dir, port: freePort(t)}
	if os.Geteuid() == 0 { // the server refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root and there is no postgres user to run a private server as: %v", err)
		}
		pg.runAs = u.Username
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(pg.dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	pg.run(t, "initdb", "-D", pg.dir+"/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
	pg.start(t)
	t.Cleanup(func() { pg.runQuiet("pg_ctl", "-D", pg.dir+"/data", "stop", "-m", "immediate", "-w") })
	pg.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
	return pg
}

func (pg *privatePostgres) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(pg.bin, name)
	var cmd *exec.Cmd
	if pg.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", pg.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = pg.dir
	return cmd
}

func (pg *privatePostgres) run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := pg.command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

func (pg *privatePostgres) runQuiet(name string, args ...string) { _ = pg.command(name, args...).Run() }

func (pg *privatePostgres) start(t *testing.T) {
	t.Helper()
	pg.run(t, "pg_ctl", "-D", pg.dir+"/data", "-l", pg.dir+"/server.log", "-w", "-t", "60", "start",
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", pg.port, pg.dir))
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(context.Background(), url)
		if err == nil {
			conn.Close(context.Background())
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("private postgres did not come back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// crash stops the server the way a crash does (no shutdown checkpoint: it
// recovers from its log on the next start), waits a moment and starts it.
func (pg *privatePostgres) crash(t *testing.T) {
	t.Helper()
	pg.run(t, "pg_ctl", "-D", pg.dir+"/data", "stop", "-m", "immediate", "-w")
	time.Sleep(500 * time.Millisecond)
	pg.start(t)
}
