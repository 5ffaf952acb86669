package config

import (
	"bytes"
	"flag"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func load(t *testing.T, args []string, e map[string]string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return f.Load(env(e))
}

func TestDefaultsAreLocalMode(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "" || !c.LocalRedis() || c.DataDir != "./data" || c.HTTPAddr != "127.0.0.1:8080" {
		t.Errorf("not local mode: %+v", c)
	}
	if !c.Migrate || c.WhatsAppEnabled || c.Lookup("WHATSAPP_BULK_ONLY_KNOWN_CONTACTS") != "true" || c.Lookup("WHATSAPP_BULK_PER_MINUTE") != "4" {
		t.Errorf("bad defaults: %+v", c)
	}
	if c.LogLevel != slog.LevelInfo || c.SessionTTL != 24*time.Hour || c.RedisPrefix != "jejaring:" {
		t.Errorf("bad defaults: level %v ttl %v", c.LogLevel, c.SessionTTL)
	}
	if c.WebSessionIdle != 30*time.Minute || c.WebSessionMax != 12*time.Hour {
		t.Errorf("dashboard sessions: idle %v, max %v", c.WebSessionIdle, c.WebSessionMax)
	}
	if c.TelegramAPIURL != "https://api.telegram.org" {
		t.Errorf("TelegramAPIURL = %q", c.TelegramAPIURL)
	}
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	e := map[string]string{"HTTP_ADDR": "127.0.0.1:9000", "LOG_LEVEL": "debug", "MIGRATE": "false", "DATA_DIR": "/env"}
	c, err := load(t, []string{"-http-addr", "0.0.0.0:7000", "-migrate", "-whatsapp-enabled", "-data-dir=/flag"}, e)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "0.0.0.0:7000" {
		t.Errorf("flag should win over env: %q", c.HTTPAddr)
	}
	if c.LogLevel != slog.LevelDebug {
		t.Errorf("env should win over default: %v", c.LogLevel)
	}
	if !c.Migrate || !c.WhatsAppEnabled {
		t.Errorf("bare bool flags should mean true: migrate %v whatsapp %v", c.Migrate, c.WhatsAppEnabled)
	}
	if c.DataDir != "/flag" || c.Lookup("DATA_DIR") != "/flag" || c.Lookup("LOG_LEVEL") != "debug" || c.Lookup("NOPE") != "" {
		t.Errorf("DataDir = %q", c.DataDir)
	}
	c, err = load(t, []string{"-migrate=false"}, nil)
	if err != nil || c.Migrate {
		t.Errorf("-migrate=false: %v %v", c, err)
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		env  map[string]string
		want string // substring of the error, starting with the variable name
	}{
		{map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL: want debug"},
		{map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL: want postgres"},
		{map[string]string{"DATABASE_URL": "postgres://u:secret@/db"}, "DATABASE_URL: want postgres"},
		{map[string]string{"DATABASE_URL": "sqlite:"}, "DATABASE_URL: sqlite: needs a file path"},
		{map[string]string{"REDIS_URL": "http://x"}, "REDIS_URL: want redis://"},
		{map[string]string{"HTTP_ADDR": "8080"}, "HTTP_ADDR: want host:port"},
		{map[string]string{"TELEGRAM_API_URL": "api.telegram.org"}, "TELEGRAM_API_URL: want"},
		{map[string]string{"TELEGRAM_WEBHOOK_URL": "ftp://x"}, "TELEGRAM_WEBHOOK_URL: want"},
		{map[string]string{"WHATSAPP_ENABLED": "maybe"}, "WHATSAPP_ENABLED: want true or false"},
		{map[string]string{"WHATSAPP_BULK_PER_MINUTE": "0"}, "WHATSAPP_BULK_PER_MINUTE: want"},
		{map[string]string{"WHATSAPP_BULK_MIN_GAP": "-1s"}, "WHATSAPP_BULK_MIN_GAP: want"},
		{map[string]string{"WHATSAPP_POLLS": "kadang"}, "WHATSAPP_POLLS: want true or false"},
		{map[string]string{"SESSION_TTL": "soon"}, "SESSION_TTL: want"},
		{map[string]string{"REDIS_PREFIX": "a b"}, "REDIS_PREFIX: want"},
		{map[string]string{"WHATSAPP_PROXY": "ftp://u:secret@proxy:1"}, "WHATSAPP_PROXY: want"},
		{map[string]string{"SESSION_TTL": "5s"}, "SESSION_TTL: want"},
		{map[string]string{"RESUME_AFTER": "5s"}, "RESUME_AFTER: want"},
		{map[string]string{"WEB_SESSION_IDLE": "1m"}, "WEB_SESSION_IDLE: want"},
		{map[string]string{"WEB_SESSION_IDLE": "soon"}, "WEB_SESSION_IDLE: want"},
		{map[string]string{"WEB_SESSION_MAX": "10m"}, "WEB_SESSION_MAX: want"},
		{map[string]string{"WEB_SESSION_MAX": "1000h"}, "WEB_SESSION_MAX: want"},
		{map[string]string{"RESUME_AFTER": "-1m"}, "RESUME_AFTER: want"},
		{map[string]string{"RESUME_AFTER": "later"}, "RESUME_AFTER: want"},
		{map[string]string{"REGION": "Pesisir Selatan"}, "REGION: want"},
		{map[string]string{"REGION": "../etc/passwd"}, "REGION: want"},
		{map[string]string{"OFFICE_NAME": "Dinas\nKoperasi"}, "OFFICE_NAME: want one line"},
	}
	for _, tt := range tests {
		_, err := load(t, nil, tt.env)
		if err == nil {
			t.Errorf("%v: no error, want %q", tt.env, tt.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%v: error %q, want prefix %q", tt.env, err, tt.want)
		}
		if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: error leaks a password or spans lines: %q", tt.env, err)
		}
	}
}

func TestValidURLs(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil, map[string]string{
		"DATABASE_URL":         "postgres://jejaring:pw@postgres:5432/jejaring?sslmode=disable",
		"REDIS_URL":            "redis://redis:6379/0",
		"TELEGRAM_API_URL":     "http://127.0.0.1:8081/",
		"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.LocalRedis() || c.TelegramAPIURL != "http://127.0.0.1:8081" {
		t.Errorf("%+v", c)
	}
	if _, err := load(t, nil, map[string]string{"DATABASE_URL": "sqlite:/tmp/x.db"}); err != nil {
		t.Error(err)
	}
}

func TestSubsetFlags(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := AddFlags(fs, "DATABASE_URL", "DATA_DIR")
	if err := fs.Parse([]string{"-http-addr=x"}); err == nil {
		t.Error("flag outside the subset accepted")
	}
	if err := fs.Parse([]string{"-data-dir=/x"}); err != nil {
		t.Fatal(err)
	}
	c, err := f.Load(env(map[string]string{"HTTP_ADDR": "127.0.0.1:1"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/x" || c.HTTPAddr != "127.0.0.1:1" {
		t.Errorf("%+v", c)
	}
}

func TestPrintVarsListsEveryVariable(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	PrintVars(&b)
	out := b.String()
	for _, v := range Vars() {
		if !strings.Contains(out, v.Env) || !strings.Contains(out, "-"+v.Flag) {
			t.Errorf("help misses %s / -%s", v.Env, v.Flag)
		}
	}
	for _, name := range []string{"DATABASE_URL", "REDIS_URL", "DATA_DIR", "HTTP_ADDR", "TELEGRAM_BOT_TOKEN",
		"TELEGRAM_API_URL", "TELEGRAM_WEBHOOK_URL", "WHATSAPP_ENABLED", "ADMIN_PASSWORD", "LOG_LEVEL", "FLOWS_DIR",
		"MIGRATE", "SESSION_TTL"} {
		if !strings.Contains(out, name) {
			t.Errorf("help misses DESIGN.md variable %s", name)
		}
	}
	if !strings.Contains(out, "127.0.0.1:8080") {
		t.Error("help does not show the HTTP_ADDR default")
	}
}

func TestResumeAfter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		env  map[string]string
		want time.Duration
	}{
		{nil, nil, 30 * time.Minute},
		{nil, map[string]string{"RESUME_AFTER": "2h"}, 2 * time.Hour},
		{nil, map[string]string{"RESUME_AFTER": "0"}, 0},
		{[]string{"-resume-after", "45m"}, map[string]string{"RESUME_AFTER": "2h"}, 45 * time.Minute},
	} {
		c, err := load(t, tt.args, tt.env)
		if err != nil {
			t.Fatalf("%v %v: %v", tt.args, tt.env, err)
		}
		if c.ResumeAfter != tt.want {
			t.Errorf("%v %v: ResumeAfter = %v, want %v", tt.args, tt.env, c.ResumeAfter, tt.want)
		}
	}
}

func TestReliabilityDurations(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		env       map[string]string
		reply     time.Duration
		lease     time.Duration
		wantError string
	}{
		{nil, 5 * time.Minute, time.Minute, ""},
		{map[string]string{"REPLY_RETRY_FOR": "10m", "OUTBOX_LEASE": "5s"}, 10 * time.Minute, 5 * time.Second, ""},
		{map[string]string{"REPLY_RETRY_FOR": "1s"}, 0, 0, "REPLY_RETRY_FOR: want"},
		{map[string]string{"OUTBOX_LEASE": "soon"}, 0, 0, "OUTBOX_LEASE: want"},
		{map[string]string{"OUTBOX_LEASE": "1s"}, 0, 0, "OUTBOX_LEASE: want"},
	} {
		c, err := FromEnv(func(k string) string { return tt.env[k] })
		if tt.wantError != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantError) {
				t.Errorf("%v: err %v, want %q", tt.env, err, tt.wantError)
			}
			continue
		}
		if err != nil || c.ReplyRetryFor != tt.reply || c.OutboxLease != tt.lease {
			t.Errorf("%v: %+v, %v", tt.env, c, err)
		}
	}
}

func TestRegionAndOffice(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "pesisir_selatan" || c.OfficeName != "" {
		t.Errorf("defaults: REGION %q, OFFICE_NAME %q; want pesisir_selatan and empty (the region file's office)", c.Region, c.OfficeName)
	}
	c, err = load(t, []string{"-office-name", "Dinas Koperasi dan UMKM Kota Padang"}, map[string]string{"REGION": "kota_padang"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Region != "kota_padang" || c.OfficeName != "Dinas Koperasi dan UMKM Kota Padang" {
		t.Errorf("REGION %q, OFFICE_NAME %q", c.Region, c.OfficeName)
	}
}
