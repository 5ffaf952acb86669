package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"jejaring/internal/config"
)

// composeFile is the part of docker-compose.yml the README promises.
type composeFile struct {
	Services map[string]struct {
		Image   string `yaml:"image"`
		Command []string
		Build   struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		Volumes     []string          `yaml:"volumes"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

func readRepoFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestComposeFile(t *testing.T) {
	t.Parallel()
	var c composeFile
	if err := yaml.Unmarshal(readRepoFile(t, "docker-compose.yml"), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, name := range []string{"postgres", "redis", "jejaring"} {
		if _, ok := c.Services[name]; !ok {
			t.Fatalf("service %s missing", name)
		}
	}
	pg, rd, jj := c.Services["postgres"], c.Services["redis"], c.Services["jejaring"]

	// PostgreSQL 16 and Redis 7 on the standard local ports the tests use.
	if pg.Image != "postgres:16" || rd.Image != "redis:7" {
		t.Errorf("images: postgres %q, redis %q", pg.Image, rd.Image)
	}
	if !slices.Contains(pg.Ports, "127.0.0.1:5432:5432") || !slices.Contains(rd.Ports, "127.0.0.1:6379:6379") {
		t.Errorf("ports: postgres %v redis %v, want 127.0.0.1:5432 and 127.0.0.1:6379", pg.Ports, rd.Ports)
	}
	// Redis persists with AOF; both keep their data in named volumes.
	if cmd := strings.Join(rd.Command, " "); !strings.Contains(cmd, "--appendonly yes") {
		t.Errorf("redis command %q does not turn AOF on", cmd)
	}
	hasVolume := func(vols []string, name, target string) bool {
		for _, v := range vols {
			if strings.HasPrefix(v, name+":"+target) {
				_, declared := c.Volumes[name]
				return declared
			}
		}
		return false
	}
	if !hasVolume(pg.Volumes, "postgres-data", "/var/lib/postgresql/data") || !hasVolume(rd.Volumes, "redis-data", "/data") || !hasVolume(jj.Volumes, "jejaring-data", "/data") {
		t.Errorf("volumes: postgres %v redis %v jejaring %v", pg.Volumes, rd.Volumes, jj.Volumes)
	}
	// The test database the README's test command uses is created on first start.
	var initScript string
	for _, v := range pg.Volumes {
		if strings.Contains(v, "/docker-entrypoint-initdb.d/") {
			initScript = strings.SplitN(v, ":", 2)[0]
		}
	}
	if initScript == "" {
		t.Error("postgres has no init script creating the test database")
	} else if b := readRepoFile(t, initScript); !strings.Contains(string(b), "CREATE DATABASE test") {
		t.Errorf("%s does not create the database test", initScript)
	}

	// Health checks on all three.
	for name, want := range map[string]string{"postgres": "pg_isready", "redis": "redis-cli ping", "jejaring": "/jejaring healthcheck"} {
		if got := strings.Join(c.Services[name].Healthcheck.Test, " "); !strings.Contains(got, want) {
			t.Errorf("%s healthcheck %q, want %q", name, got, want)
		}
	}

	// Jejaring: built from the Dockerfile, waits for healthy services, port 8080.
	if jj.Build.Context != "." || jj.Build.Dockerfile != "Dockerfile" {
		t.Errorf("jejaring build %+v", jj.Build)
	}
	for _, dep := range []string{"postgres", "redis"} {
		if jj.DependsOn[dep].Condition != "service_healthy" {
			t.Errorf("jejaring depends_on %s: %q, want service_healthy", dep, jj.DependsOn[dep].Condition)
		}
	}
	// Port 8080 (with /metrics and /readyz) only on loopback unless .env
	// says otherwise.
	if !slices.Equal(jj.Ports, []string{"${JEJARING_BIND:-127.0.0.1}:8080:8080"}) {
		t.Errorf("jejaring ports %v, want 8080 on 127.0.0.1 by default", jj.Ports)
	}
	env := jj.Environment
	if !regexp.MustCompile(`^postgres://postgres:[^@]+@postgres:5432/jejaring`).MatchString(env["DATABASE_URL"]) {
		t.Errorf("DATABASE_URL = %q", env["DATABASE_URL"])
	}
	// Redis wants a password (from .env), and Jejaring's REDIS_URL carries
	// the same one; the health check authenticates without putting it on
	// the command line.
	redisCmd := strings.Join(rd.Command, " ")
	if !strings.Contains(redisCmd, "--requirepass ${REDIS_PASSWORD:-") {
		t.Errorf("redis command %q sets no password from REDIS_PASSWORD", redisCmd)
	}
	if rd.Environment["REDISCLI_AUTH"] != "${REDIS_PASSWORD:-jejaring}" || !strings.Contains(redisCmd, "${REDIS_PASSWORD:-jejaring}") {
		t.Errorf("redis password default differs between command %q and health check %q", redisCmd, rd.Environment["REDISCLI_AUTH"])
	}
	if strings.Contains(strings.Join(rd.Healthcheck.Test, " "), "REDIS_PASSWORD") {
		t.Errorf("redis health check puts the password on the command line: %v", rd.Healthcheck.Test)
	}
	if env["REDIS_URL"] != "redis://:${REDIS_PASSWORD:-jejaring}@redis:6379/0" {
		t.Errorf("REDIS_URL = %q, want the password in it", env["REDIS_URL"])
	}
	if env["HTTP_ADDR"] != "0.0.0.0:8080" || env["DATA_DIR"] != "/data" {
		t.Errorf("env %v", env)
	}
	for _, secret := range []string{"TELEGRAM_BOT_TOKEN", "ADMIN_PASSWORD", "SESSION_KEY", "TELEGRAM_WEBHOOK_SECRET"} {
		if env[secret] != "${"+secret+":-}" {
			t.Errorf("%s = %q, want it from .env (${%s:-})", secret, env[secret], secret)
		}
	}
	known := map[string]bool{}
	for _, v := range config.Vars() {
		known[v.Env] = true
	}
	for k := range env {
		if !known[k] {
			t.Errorf("jejaring environment sets %s, which Jejaring does not read", k)
		}
	}
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	df := string(readRepoFile(t, "Dockerfile"))
	for _, want := range []string{
		"FROM golang:1.26 AS build", "CGO_ENABLED=0", "go build", "./cmd/jejaring",
		"FROM gcr.io/distroless/static", "USER nonroot", "EXPOSE 8080", `"/jejaring", "healthcheck"`,
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if strings.Count(df, "\nFROM ") < 1 || !strings.HasPrefix(strings.TrimSpace(df[strings.Index(df, "FROM"):]), "FROM golang") {
		t.Error("Dockerfile is not a multi-stage build starting from golang")
	}
}

func TestReadmeListsEverySettingAndTheTwoCommands(t *testing.T) {
	t.Parallel()
	readme := string(readRepoFile(t, "README.md"))
	for _, v := range config.Vars() {
		def := "empty"
		if v.Default != "" {
			def = "`" + v.Default + "`"
		}
		if !strings.Contains(readme, "| `"+v.Env+"` | "+def+" |") {
			t.Errorf("README's configuration table lacks %s with default %s", v.Env, def)
		}
	}
	for _, cmd := range []string{"go run ./cmd/jejaring\n", "go test ./...\n", "`docker compose up -d postgres redis`", "http://127.0.0.1:8080/chat"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README lacks %q", cmd)
		}
	}
	// Exactly two set-up commands stand as shell blocks before the
	// configuration: run and test.
	setup := readme[:strings.Index(readme, "## Configuration")]
	if n := strings.Count(setup, "```sh\n"); n != 2 {
		t.Errorf("README shows %d command blocks before Configuration, want 2 (run, test)", n)
	}
}
