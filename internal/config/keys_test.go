package config

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strings"
	"testing"
)

func TestSessionKey(t *testing.T) {
	t.Parallel()
	raw := bytes.Repeat([]byte{0xa5}, 32)
	for _, s := range []string{
		strings.Repeat("a5", 32),
		strings.Repeat("A5", 32),
		base64.StdEncoding.EncodeToString(raw),
		base64.RawURLEncoding.EncodeToString(raw),
	} {
		c, err := load(t, nil, map[string]string{"SESSION_KEY": s})
		if err != nil {
			t.Errorf("SESSION_KEY=%s: %v", s, err)
			continue
		}
		if !bytes.Equal(c.SessionKey, raw) {
			t.Errorf("SESSION_KEY=%s: key %x", s, c.SessionKey)
		}
	}
	if c, _ := load(t, nil, nil); c.SessionKey != nil {
		t.Errorf("no SESSION_KEY: key %x, want nil (the key file)", c.SessionKey)
	}
	for _, bad := range []string{"abc", strings.Repeat("a5", 16), base64.StdEncoding.EncodeToString(raw[:24]), "kunci-rahasia-saya"} {
		_, err := load(t, nil, map[string]string{"SESSION_KEY": bad})
		if err == nil || !strings.HasPrefix(err.Error(), "SESSION_KEY: ") {
			t.Errorf("SESSION_KEY=%q: error %v", bad, err)
			continue
		}
		if strings.Contains(err.Error(), bad) {
			t.Errorf("error repeats the key: %v", err)
		}
	}
	for _, v := range Vars() {
		if v.Env == "SESSION_KEY" && !v.Secret {
			t.Error("SESSION_KEY is not marked secret")
		}
	}
}

func TestTelegramWebhookSecret(t *testing.T) {
	t.Parallel()
	c, err := load(t, nil, map[string]string{"TELEGRAM_WEBHOOK_SECRET": "0123456789abcdef_-XYZ"})
	if err != nil || !slices.Equal(c.TelegramWebhookSecrets, []string{"0123456789abcdef_-XYZ"}) {
		t.Errorf("one secret: %v %v", c, err)
	}
	c, err = load(t, nil, map[string]string{"TELEGRAM_WEBHOOK_SECRET": "new-secret-0123456789, old-secret-0123456789"})
	if err != nil || !slices.Equal(c.TelegramWebhookSecrets, []string{"new-secret-0123456789", "old-secret-0123456789"}) {
		t.Errorf("rotation: %v %v", c, err)
	}
	if c, _ := load(t, nil, nil); c.TelegramWebhookSecrets != nil {
		t.Errorf("unset: %v", c.TelegramWebhookSecrets)
	}
	for _, bad := range []string{"short", strings.Repeat("a", 257), "has spaces in it 0123456789", "0123456789abcdef!", "0123456789abcdef,"} {
		_, err := load(t, nil, map[string]string{"TELEGRAM_WEBHOOK_SECRET": bad})
		if err == nil || !strings.HasPrefix(err.Error(), "TELEGRAM_WEBHOOK_SECRET: ") || strings.Contains(err.Error(), bad) {
			t.Errorf("TELEGRAM_WEBHOOK_SECRET=%q: error %v", bad, err)
		}
	}
}
