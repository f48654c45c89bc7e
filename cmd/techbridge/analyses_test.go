package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/techbridge/techbridge/internal/auth"
	"github.com/techbridge/techbridge/internal/match"
	"github.com/techbridge/techbridge/internal/store"
	"github.com/techbridge/techbridge/internal/store/dbtest"
	"github.com/techbridge/techbridge/internal/transfer"
)

// logged runs the binary's serve with env and returns the process and a
// channel of its log lines.
func logged(t *testing.T, bin string, env map[string]string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd, stderr := spawn(t, bin, env)
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody reads any more
			}
		}
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, lines
}

// waitLine waits for a log line containing want; it fails on one
// containing any of fail.
func waitLine(t *testing.T, lines <-chan string, want string, fail ...string) string {
	t.Helper()
	deadline := time.After(120 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the process ended before logging %q", want)
			}
			for _, f := range fail {
				if strings.Contains(l, f) {
					t.Fatalf("logged %s", l)
				}
			}
			if strings.Contains(l, want) {
				return l
			}
		case <-deadline:
			t.Fatalf("no log line with %q", want)
		}
	}
}

// analysesEngine is an engine of the weights the binary is given in env.
func analysesEngine(t *testing.T, weights string) *match.Engine {
	t.Helper()
	w, err := parseWeights(weights)
	if err != nil {
		t.Fatal(err)
	}
	e, err := match.New(match.Config{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestAnalysesFileSurvivesAKill: the start after a first build reads the
// analyses it saved (no listing analysed again); a process killed with
// SIGKILL while it writes a new file (here: other weights, so every
// listing is analysed and saved again) leaves the old file whole, and the
// next start is ready. A data directory that takes no files runs without.
func TestAnalysesFileSurvivesAKill(t *testing.T) {
	bin := buildBinary(t)
	for _, dialect := range dbtest.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			env := envFor(t, dialect)
			dir := filepath.Join(t.TempDir(), "data")
			env["TECHBRIDGE_DATA_DIR"] = dir
			env["TECHBRIDGE_ADMIN_PASSWORD"] = "analyses-test-password"
			seed := exec.Command(bin, "seed", "synthetic", "--offers", "20000", "--demands", "2000")
			seed.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
			for k, v := range env {
				seed.Env = append(seed.Env, k+"="+v)
			}
			if out, err := seed.CombinedOutput(); err != nil {
				t.Fatalf("seed: %v\n%s", err, out)
			}
			path := filepath.Join(dir, analysesFile)

			first, lines := logged(t, bin, env)
			waitLine(t, lines, `"msg":"analysis cache not used`) // missing
			waitLine(t, lines, `"msg":"analysis cache saved"`)
			first.Process.Signal(os.Interrupt)
			first.Wait()
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			second, lines := logged(t, bin, env)
			waitLine(t, lines, `"msg":"analysis cache read"`, `"level":"WARN"`)
			built := waitLine(t, lines, `"msg":"matching index built"`)
			if !strings.Contains(built, `"listings_analysed":0`) {
				t.Fatalf("the second start analysed listings again: %s", built)
			}
			second.Process.Signal(os.Interrupt)
			second.Wait()

			// Other weights: another algorithm version, so the file is
			// refused, every listing analysed, and a new file written; kill
			// the process as soon as its temporary file appears.
			killedMidWrite := false
			other := map[string]string{}
			for k, v := range env {
				other[k] = v
			}
			other["TECHBRIDGE_MATCH_WEIGHTS"] = "text=0.3"
			for attempt := 0; attempt < 5 && !killedMidWrite; attempt++ {
				p, lines := logged(t, bin, other)
				waitLine(t, lines, `"msg":"analysis cache not used`)
				for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
					if temps, _ := filepath.Glob(filepath.Join(dir, "."+analysesFile+".*.tmp")); len(temps) > 0 {
						p.Process.Kill()
						break
					}
					time.Sleep(200 * time.Microsecond)
				}
				p.Process.Kill()
				p.Wait()
				temps, _ := filepath.Glob(filepath.Join(dir, "."+analysesFile+".*.tmp"))
				killedMidWrite = len(temps) > 0
				if !killedMidWrite {
					continue // killed after the rename: start over from the old file
				}
				got, err := os.ReadFile(path)
				if err != nil || string(got) != string(old) {
					t.Fatalf("after a kill during the write the file changed (%v)", err)
				}
				if _, err := analysesEngine(t, "").ReadAnalyses(path); err != nil {
					t.Fatalf("the file left by the kill: %v", err)
				}
			}
			if !killedMidWrite {
				t.Skip("no kill landed during a write in 5 attempts")
			}
			t.Logf("killed during the write; the old file (%d bytes) stands", len(old))

			// The next start (old weights) reads the file left behind.
			third, lines := logged(t, bin, env)
			waitLine(t, lines, `"msg":"analysis cache read"`, `"level":"WARN"`)
			waitLine(t, lines, `"msg":"matching index built"`)
			third.Process.Signal(os.Interrupt)
			third.Wait()
		})
	}
}

// A data directory that takes no files: a warning, and the service runs.
func TestAnalysesCacheOffWhenDataDirNotWritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(file, "data") // even root cannot make it
	var log syncBuffer
	c := newAnalysesCache(dir, newJSONLogger(&log))
	if c.path != "" || !strings.Contains(log.String(), `"level":"WARN","msg":"analysis cache off`) {
		t.Fatalf("path %q, log %s", c.path, log.String())
	}
	c.built.Store(true)
	c.save(analysesEngine(t, ""), "test") // does nothing, and does not fail
	if c.read(analysesEngine(t, "")) != nil {
		t.Fatal("read analyses with the cache off")
	}
}

// TestSavedAnalysesRankEvalSetsAlike loads the labelled sets (the
// repository's and, when it is there, the development set beside it: real
// text in six languages and their scripts) into SQLite,
// builds the index by analysis and saves it, then builds a second index
// from the file alone: every demand's suggestions, with their scores,
// components and reasons, are the same.
func TestSavedAnalysesRankEvalSetsAlike(t *testing.T) {
	dirs := []string{filepath.Join("..", "..", "internal", "match", "testdata", "eval")}
	if dev := filepath.Join("..", "..", "..", "shared", "eval", "dev"); dirExists(dev) {
		dirs = append(dirs, dev)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ctx := context.Background()
			offers, err := readEvalListings(filepath.Join(dir, "offers.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			demands, err := readEvalListings(filepath.Join(dir, "demands.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			st := dbtest.New(t, store.SQLite)
			newSvc := func() *transfer.Service {
				e, err := match.New(match.Config{})
				if err != nil {
					t.Fatal(err)
				}
				tk, _ := auth.NewTokens([]byte(strings.Repeat("e", 32)), 0, nil)
				svc, err := transfer.NewService(st, auth.FastArgon2, tk, transfer.Config{Matcher: e})
				if err != nil {
					t.Fatal(err)
				}
				return svc
			}
			staff := transfer.Actor{ID: "eval", Kind: transfer.ActorUser, Role: transfer.RoleStaff}
			fresh := newSvc()
			if _, err := loadEvalListings(ctx, fresh, staff, transfer.KindOffer, offers); err != nil {
				t.Fatal(err)
			}
			demandIDs, err := loadEvalListings(ctx, fresh, staff, transfer.KindDemand, demands)
			if err != nil {
				t.Fatal(err)
			}
			if err := fresh.BuildMatchIndex(ctx); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), analysesFile)
			if _, n, err := fresh.Engine().SaveAnalyses(path); err != nil || n != len(offers)+len(demands) {
				t.Fatalf("saved %d analyses (%v), want %d", n, err, len(offers)+len(demands))
			}
			cached := newSvc()
			var stats transfer.IndexBuildStats
			build := transfer.IndexBuild{Stats: &stats, Analyses: func() *match.Analyses {
				a, err := cached.Engine().ReadAnalyses(path)
				if err != nil {
					t.Fatal(err)
				}
				return a
			}}
			if err := <-cached.StartMatchIndexBuildWith(ctx, build); err != nil {
				t.Fatal(err)
			}
			if stats.Analysed != 0 || stats.Reused != len(offers)+len(demands) {
				t.Fatalf("build from the file: %+v", stats)
			}
			for i, id := range demandIDs {
				q := transfer.MatchQuery{Limit: transfer.MaxLimit}
				want, err := fresh.SuggestMatches(ctx, staff, transfer.KindDemand, id, q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := cached.SuggestMatches(ctx, staff, transfer.KindDemand, id, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 || !reflect.DeepEqual(got, want) {
					t.Fatalf("demand %s (%s): %d suggestions from analysis, %d from the file, or they differ",
						demands[i].Key, demands[i].Language, len(want), len(got))
				}
			}
		})
	}
}

func dirExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}
