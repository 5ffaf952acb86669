package contact_test

import (
	"strings"
	"testing"

	"jejaring/internal/contact"
)

func TestVerifiedSources(t *testing.T) {
	t.Parallel()
	for src, want := range map[contact.PhoneSource]bool{
		contact.SourceWhatsAppSender: true, contact.SourceTelegramContact: true, contact.SourceOTP: true,
		contact.SourceTyped: false, contact.SourceNone: false, "webchat": false, "claim_token": false,
	} {
		if got := src.Verified(); got != want {
			t.Errorf("%q.Verified() = %v, want %v", src, got, want)
		}
	}
}

func TestCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 50 {
		code, hash, err := contact.NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != contact.CodeDigits || strings.Trim(code, "0123456789") != "" {
			t.Fatalf("code %q", code)
		}
		if strings.Contains(hash, code) || seen[hash] {
			t.Fatalf("hash %q of %q", hash, code)
		}
		seen[hash] = true
		for typed, want := range map[string]bool{
			code: true, " " + code[:3] + "-" + code[3:] + " ": true, code[:5]: false, code + "0": false, "": false,
		} {
			if got := contact.CodeMatches(hash, typed); got != want {
				t.Errorf("CodeMatches(%q) = %v, want %v", typed, got, want)
			}
		}
		if contact.CodeMatches("", code) || contact.CodeMatches("nosalt", code) {
			t.Error("a hash without salt matched")
		}
	}
	if !strings.Contains(contact.CodeText("123456", "id"), "*123456*") || !strings.Contains(contact.CodeText("123456", "en"), "Give it to nobody") {
		t.Error("code texts")
	}
}
