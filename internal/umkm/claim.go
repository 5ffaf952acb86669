package umkm

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// ClaimTokenLen is the length of a claim token: 20 lowercase hex digits
// (80 random bits), short enough to type from a printed letter.
const ClaimTokenLen = 20

// NewClaimToken returns a fresh random claim token.
func NewClaimToken() (string, error) {
	var b [ClaimTokenLen / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new claim token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// NormalizeClaimToken reads a token as typed or carried by a deep link
// (case and surrounding spaces ignored); ok is false when it cannot be one.
func NormalizeClaimToken(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) != ClaimTokenLen {
		return "", false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return "", false
		}
	}
	return s, true
}
