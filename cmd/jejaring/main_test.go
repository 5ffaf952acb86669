package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jejaring/internal/config"
	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// binDir holds the binary built for this test run (made on first use).
var binDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "jejaring-bin-") })

// binary builds cmd/jejaring once per test run.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := binDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "jejaring")
	out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, nil
})

var binUsed atomic.Bool

func TestMain(m *testing.M) {
	code := m.Run()
	if binUsed.Load() {
		if dir, err := binDir(); err == nil {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// proc is the real binary running.
type proc struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cleanEnv is the environment without any Jejaring setting, so the tests do
// not depend on the shell they run in.
func cleanEnv(extra ...string) []string {
	var env []string
	names := map[string]bool{}
	for _, v := range config.Vars() {
		names[v.Env] = true
	}
	// The locale picks the CLI's language: Indonesian unless a test says.
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		names[k] = true
	}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !names[k] {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	binUsed.Store(true)
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: exec.Command(bin, args...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait returns the exit status, failing the test after limit.
func (p *proc) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case err := <-p.done:
		if err == nil {
			return 0
		}
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		t.Fatalf("wait: %v", err)
	case <-time.After(limit):
		p.cmd.Process.Kill()
		t.Fatalf("still running after %s\nstdout:\n%s\nstderr:\n%s", limit, p.stdout, p.stderr)
	}
	return -1
}

func waitReady(t *testing.T, p *proc, base string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			t.Fatalf("exited before ready: %v\nstdout:\n%s\nstderr:\n%s", err, p.stdout, p.stderr)
		default:
		}
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				var r struct {
					Status     string            `json:"status"`
					Components map[string]string `json:"components"`
				}
				if err := json.Unmarshal(body, &r); err != nil || r.Status != "ok" || r.Components["database"] != "ok" || r.Components["redis"] != "ok" {
					t.Fatalf("/readyz 200 but body %s", body)
				}
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("not ready within 30 s\nstdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
}

func randomClient() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "test-" + hex.EncodeToString(b[:])
}

// webClient is one web chat client: an HTTP client keeping the identity
// cookie the server hands out, as a browser (or curl -c jar -b jar) does.
func webClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// chat posts one message as client cl to the web chat API and returns
// the replies.
func chat(t *testing.T, cl *http.Client, base string, body map[string]any) []map[string]any {
	t.Helper()
	data, _ := json.Marshal(body)
	resp, err := cl.Post(base+"/webchat/api/send", "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("send %s: %d %s", data, resp.StatusCode, raw)
	}
	var out struct {
		Messages []map[string]any `json:"messages"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("send %s: %v in %s", data, err, raw)
	}
	if len(out.Messages) == 0 {
		t.Fatalf("send %s: no replies", data)
	}
	for _, m := range out.Messages {
		if _, ok := m["text"].(string); !ok {
			t.Errorf("reply without text: %v", m)
		}
	}
	return out.Messages
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// talkAndStop exercises a running server and stops it with SIGTERM.
func talkAndStop(t *testing.T, p *proc, base string) {
	t.Helper()
	waitReady(t, p, base)
	client := webClient(t)
	chat(t, client, base, map[string]any{"kind": "start"})
	chat(t, client, base, map[string]any{"text": "halo"})

	if code, body := get(t, base+"/chat"); code != 200 || !strings.Contains(body, "/webchat/api/send") {
		t.Errorf("/chat: %d", code)
	}
	if code, body := get(t, base+"/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz: %d %s", code, body)
	}
	code, metrics := get(t, base+"/metrics")
	if code != 200 || !strings.Contains(metrics, `jejaring_messages_in_total{channel="webchat"}`) ||
		!strings.Contains(metrics, `jejaring_handle_seconds_count{channel="webchat"}`) {
		t.Errorf("/metrics: %d, missing web chat counters:\n%.2000s", code, metrics)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit status %d after SIGTERM\nstderr:\n%s", code, p.stderr)
	}
}

func TestLocalModeEndToEnd(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	data := filepath.Join(t.TempDir(), "data")
	p := start(t, cleanEnv("DATA_DIR="+data, "HTTP_ADDR="+addr, "ADMIN_PASSWORD=rahasia-sekali"))
	base := "http://" + addr
	talkAndStop(t, p, base)

	out := p.stdout.String()
	if !strings.Contains(out, base+"/chat") || !strings.Contains(out, base+"/metrics") || !strings.Contains(out, base+"/healthz") || !strings.Contains(out, "channels  web chat") {
		t.Errorf("start-up message does not list the URLs:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(data, "jejaring.db")); err != nil {
		t.Errorf("no SQLite file under DATA_DIR: %v", err)
	}
	// ADMIN_PASSWORD created the admin on the first run.
	var lst bytes.Buffer
	s := stdio{in: strings.NewReader(""), out: &lst, err: io.Discard, getenv: envOf("DATA_DIR=" + data)}
	if code := run(context.Background(), []string{"user", "list"}, s); code != 0 || !strings.Contains(lst.String(), "admin") {
		t.Errorf("user list after first run: %d %q", code, lst.String())
	}
}

func TestWithPostgresAndRedis(t *testing.T) {
	t.Parallel()
	redisURL := os.Getenv("TEST_REDIS_URL")
	if redisURL == "" {
		redisURL = "redis://127.0.0.1:6379/0"
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatalf("TEST_REDIS_URL: %v", err)
	}
	prefix := "test:" + randomClient() + ":"
	t.Cleanup(func() {
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	addr := freeAddr(t)
	p := start(t, cleanEnv("DATABASE_URL="+storetest.URL(t), "REDIS_URL="+redisURL, "REDIS_PREFIX="+prefix,
		"HTTP_ADDR="+addr, "DATA_DIR="+t.TempDir()))
	talkAndStop(t, p, "http://"+addr)
	if !strings.Contains(p.stdout.String(), "PostgreSQL") {
		t.Errorf("start-up message does not say PostgreSQL:\n%s", p.stdout)
	}
}

func TestUnreachableServicesFailWithOneLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  []string
		want []string
	}{
		{"redis", []string{"REDIS_URL=redis://127.0.0.1:1"}, []string{"REDIS_URL", "127.0.0.1:1"}},
		{"postgres", []string{"DATABASE_URL=postgres://postgres:geheim@127.0.0.1:1/x?sslmode=disable"}, []string{"DATABASE_URL", "127.0.0.1:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := start(t, cleanEnv(append(tt.env, "DATA_DIR="+t.TempDir(), "HTTP_ADDR="+freeAddr(t))...))
			if code := p.wait(t, 20*time.Second); code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			errOut := strings.TrimRight(p.stderr.String(), "\n")
			if strings.Count(errOut, "\n") != 0 || errOut == "" {
				t.Errorf("want exactly one line on stderr, got:\n%s", errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q does not name %s", errOut, w)
				}
			}
			if strings.Contains(errOut, "geheim") || strings.Contains(errOut, "goroutine") {
				t.Errorf("stderr leaks a password or a stack: %q", errOut)
			}
		})
	}
}

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		m[k] = v
	}
	return func(k string) string { return m[k] }
}

func runIn(t *testing.T, stdin string, env func(string) string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb, getenv: env})
	return code, out.String(), errb.String()
}

func TestServeHelpListsEverySetting(t *testing.T) {
	t.Parallel()
	code, _, errOut := runIn(t, "", envOf(), "serve", "-h")
	if code != 0 {
		t.Fatalf("serve -h: exit %d", code)
	}
	for _, v := range config.Vars() {
		if !strings.Contains(errOut, v.Env) || !strings.Contains(errOut, "-"+v.Flag) {
			t.Errorf("serve -h does not list %s (-%s)", v.Env, v.Flag)
		}
	}
	if code, out, _ := runIn(t, "", envOf(), "help"); code != 0 || !strings.Contains(out, "migrate") || !strings.Contains(out, "serve") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, _, errOut := runIn(t, "", envOf(), "-lang", "en", "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
}

func TestBadConfigIsOneLine(t *testing.T) {
	t.Parallel()
	code, _, errOut := runIn(t, "", envOf("LOG_LEVEL=loud"), "serve")
	if code != 2 || strings.TrimSpace(errOut) != `jejaring: LOG_LEVEL: want debug, info, warn or error, got "loud"` {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runIn(t, "", envOf(), "serve", "-redis-url", "http://nope")
	if code != 2 || !strings.HasPrefix(errOut, "jejaring: REDIS_URL:") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestMigrateAndUsers(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			env := envOf("DATA_DIR=" + t.TempDir())
			if dialect == "postgres" {
				env = envOf("DATABASE_URL=" + storetest.URL(t))
			}
			code, out, errOut := runIn(t, "", env, "migrate", "status")
			if code != 0 || !strings.Contains(out, "00001_foundation.sql") || !strings.Contains(out, "belum diterapkan") {
				t.Fatalf("migrate status before: %d %q %q", code, out, errOut)
			}
			code, out, errOut = runIn(t, "", env, "migrate", "up")
			if code != 0 || strings.Contains(out, "belum") || !strings.Contains(out, "diterapkan 20") {
				t.Fatalf("migrate up: %d %q %q", code, out, errOut)
			}
			if code, _, _ := runIn(t, "", env, "migrate", "sideways"); code != 2 {
				t.Errorf("migrate sideways: exit %d, want 2", code)
			}

			code, out, errOut = runIn(t, "kata-sandi-rina\n", env, "user", "add", "rina", "-admin")
			if code != 0 || !strings.Contains(out, "Pengguna baru (admin): rina.") {
				t.Fatalf("user add: %d %q %q", code, out, errOut)
			}
			code, _, errOut = runIn(t, "kata-sandi-lain\n", env, "user", "add", "Rina", "-password-stdin")
			if code != 1 || errOut != "jejaring: user add: petugas Rina sudah ada\n" || strings.Count(errOut, "\n") != 1 {
				t.Errorf("duplicate user add: %d %q", code, errOut)
			}
			if code, _, errOut := runIn(t, "pendek\n", env, "user", "add", "budi"); code != 1 || !strings.Contains(errOut, "paling sedikit 8 karakter") {
				t.Errorf("short password: %d %q", code, errOut)
			}
			if code, _, errOut := runIn(t, "", env, "user", "add", "budi"); code != 1 || !strings.Contains(errOut, "tidak ada kata sandi di stdin") {
				t.Errorf("empty stdin: %d %q", code, errOut)
			}
			if code, out, _ := runIn(t, "sandi-baru-rina\n", env, "user", "passwd", "rina"); code != 0 || !strings.Contains(out, "Kata sandi rina diganti.") {
				t.Errorf("passwd: %d %q", code, out)
			}
			if code, _, errOut := runIn(t, "sandi-baru-rina\n", env, "user", "passwd", "ghost"); code != 1 || !strings.Contains(errOut, "tidak ada petugas bernama ghost") {
				t.Errorf("passwd ghost: %d %q", code, errOut)
			}
			code, out, _ = runIn(t, "", env, "user", "list")
			if code != 0 || !strings.Contains(out, "rina") || !strings.Contains(out, "admin") || strings.Contains(out, "budi") {
				t.Errorf("user list: %d %q", code, out)
			}
		})
	}
}

func TestHealthcheckCommand(t *testing.T) {
	t.Parallel()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.Write([]byte(`{"status":"ok"}`))
			return
		}
		http.Error(w, "not ready", 503)
	})}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(l.Addr().String())
	env := envOf("HTTP_ADDR=0.0.0.0:" + port)
	if code, out, errOut := runIn(t, "", env, "healthcheck"); code != 0 || out != "ok\n" {
		t.Errorf("healthcheck: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := runIn(t, "", env, "healthcheck", "-path", "/readyz"); code != 1 || !strings.Contains(errOut, "503") {
		t.Errorf("healthcheck readyz: %d %q", code, errOut)
	}
}

func TestParseInterspersed(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"add", "rina", "-admin"}, {"-admin", "add", "rina"}, {"add", "-admin", "rina"}, {"add", "rina", "--", "-admin"}} {
		fs := flag.NewFlagSet("user", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		admin := fs.Bool("admin", false, "")
		pos, err := parseInterspersed(fs, args)
		wantAdmin := args[len(args)-1] != "-admin" || args[len(args)-2] != "--"
		if err != nil || pos[0] != "add" || pos[1] != "rina" || *admin != wantAdmin {
			t.Errorf("%v: positionals %v admin %v err %v", args, pos, *admin, err)
		}
	}
}

func TestSchemaVersionChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A fresh database with migrations turned off: refused, and told how to fix it.
	fresh := envOf("DATA_DIR="+t.TempDir(), "HTTP_ADDR=127.0.0.1:0", "MIGRATE=false")
	code, _, errOut := runIn(t, "", fresh, "serve")
	if code != 1 || !strings.Contains(errOut, "jejaring migrate up") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("unmigrated with -migrate=false: exit %d, stderr %q", code, errOut)
	}

	// A database migrated by a newer Jejaring: refused, with or without migrations.
	dir := t.TempDir()
	env := envOf("DATA_DIR="+dir, "HTTP_ADDR=127.0.0.1:0")
	if code, _, errOut := runIn(t, "", env, "migrate", "up"); code != 0 {
		t.Fatalf("migrate up: %d %s", code, errOut)
	}
	db, err := store.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, TRUE)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, args := range [][]string{{"serve"}, {"serve", "-migrate=false"}} {
		code, out, errOut := runIn(t, "", env, args...)
		if code != 1 || !strings.Contains(errOut, "newer") || !strings.Contains(errOut, "99999") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v on a newer schema: exit %d, stderr %q", args, code, errOut)
		}
		if strings.Contains(out, "running") {
			t.Errorf("%v started on a newer schema: %q", args, out)
		}
	}
}

// english is the catalogue in English, for tests that read English output.
var english = tr{en: true}

// testIO is a stdio writing to out and errw, in Indonesian (the default).
func testIO(out, errw io.Writer) stdio { return testIOIn(tr{}, out, errw) }

// testIOIn is testIO in the language of t.
func testIOIn(t tr, out, errw io.Writer) stdio {
	return stdio{in: strings.NewReader(""), out: out, err: errw, getenv: envOf(), t: t}
}
