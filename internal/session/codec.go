package session

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"jejaring/internal/channel"
	"jejaring/internal/idn"
)

// Sessions at rest. A conversation's answers (NIK, phone, address) sit in
// Redis for up to the session TTL, and a persisted Redis writes them to its
// AOF file and RDB snapshots. A Store built with Encrypt seals every session
// value with AES-256-GCM before it leaves the process and opens it when read
// back; only the value changes, never the keys, the TTLs or the Lua scripts.
//
// A sealed value is sealedMagic, a random 12-byte nonce, then the ciphertext
// with its 16-byte tag. The Redis key of the session is the additional data,
// so a value copied under another contact's key does not open. With random
// nonces one key may seal about 2^32 values (NIST SP 800-38D); at one seal
// per message that is many years of a busy office.
//
// A value that does not open — the key changed, the value was written in
// clear by an older Jejaring, or it is garbage — is taken as no session (a
// WARN is logged and the contact starts afresh), never as an error: a key
// rotation costs the conversations in progress, nothing else.

// KeySize is the length of a session key in bytes (AES-256).
const KeySize = 32

// KeyFileName is the file in DATA_DIR holding the generated key when
// SESSION_KEY is not set.
const KeyFileName = "session.key"

// sealedMagic starts every sealed value; a JSON session starts with '{'.
const sealedMagic = "jjs1"

// Cipher seals and opens session values. It is safe for concurrent use.
type Cipher struct {
	aead cipher.AEAD
}

// NewCipher returns a Cipher for a KeySize-byte key.
func NewCipher(key []byte) (*Cipher, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("session key: want %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	return &Cipher{aead: aead}, nil
}

// seal encrypts plain bound to the Redis key it is stored under.
func (c *Cipher) seal(key string, plain []byte) []byte {
	ns := c.aead.NonceSize()
	out := make([]byte, len(sealedMagic)+ns, len(sealedMagic)+ns+len(plain)+c.aead.Overhead())
	copy(out, sealedMagic)
	_, _ = rand.Read(out[len(sealedMagic):])
	nonce := out[len(sealedMagic):]
	return c.aead.Seal(out, nonce, plain, []byte(key))
}

// errNotSealed and errOpen say why a stored value could not be opened.
var (
	errNotSealed = errors.New("stored in clear or unknown format")
	errOpen      = errors.New("does not open with this key")
)

// open decrypts a value sealed for the Redis key.
func (c *Cipher) open(key string, sealed []byte) ([]byte, error) {
	ns := c.aead.NonceSize()
	if !bytes.HasPrefix(sealed, []byte(sealedMagic)) || len(sealed) < len(sealedMagic)+ns+c.aead.Overhead() {
		return nil, errNotSealed
	}
	rest := sealed[len(sealedMagic):]
	plain, err := c.aead.Open(nil, rest[:ns], rest[ns:], []byte(key))
	if err != nil {
		return nil, errOpen
	}
	return plain, nil
}

// Option configures a Store.
type Option func(*Store)

// Encrypt seals every session value with c (see above). Without it
// sessions are stored as clear JSON, which only tests should do.
func Encrypt(c *Cipher) Option { return func(s *Store) { s.cipher = c } }

// WithLogger is where the Store warns about sessions it cannot open
// (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// encode turns a session's JSON into the value stored under key.
func (s *Store) encode(key string, plain []byte) []byte {
	if s.cipher == nil {
		return plain
	}
	return s.cipher.seal(key, plain)
}

// decode turns a stored value back into JSON; ok false means it does not
// open and is to be taken as no session.
func (s *Store) decode(addr channel.Address, key string, val []byte) (plain []byte, ok bool) {
	if s.cipher == nil {
		return val, true
	}
	plain, err := s.cipher.open(key, val)
	if err != nil {
		s.log.Warn("stored session cannot be read (SESSION_KEY changed?); the contact starts afresh",
			"contact", idn.MaskAddress(string(addr.Channel), addr.ExternalID), "reason", err)
		return nil, false
	}
	return plain, true
}

// ParseKey reads a session key written as 64 hex digits (what KeyFile
// writes; `openssl rand -hex 32`).
func ParseKey(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != KeySize {
		return nil, fmt.Errorf("want %d hex digits", 2*KeySize)
	}
	return b, nil
}

// KeyFile returns the session key kept in dir/KeyFileName, generating a
// random one (file mode 0600) when there is none. The new file is written
// whole under a temporary name and then linked into place, so two processes
// starting together agree on one key. created says it was generated now.
func KeyFile(dir string) (key []byte, created bool, err error) {
	path := filepath.Join(dir, KeyFileName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("session key file %s: %w", path, err)
	}
	key, err = readKeyFile(path)
	if !errors.Is(err, os.ErrNotExist) {
		return key, false, err
	}
	key = make([]byte, KeySize)
	_, _ = rand.Read(key)
	tmp, err := os.CreateTemp(dir, KeyFileName+".*") // 0600
	if err != nil {
		return nil, false, fmt.Errorf("session key file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.WriteString(hex.EncodeToString(key) + "\n")
	if serr := tmp.Sync(); werr == nil {
		werr = serr
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, false, fmt.Errorf("session key file %s: %w", path, werr)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			key, err = readKeyFile(path) // another process won the race
			return key, false, err
		}
		return nil, false, fmt.Errorf("session key file %s: %w", path, err)
	}
	return key, true, nil
}

// readKeyFile reads a key file, making it private (0600) when it is not.
func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("session key file %s: %w", path, err)
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("session key file %s: %w (remove it to generate a new key)", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("session key file %s: readable by others and cannot be made private: %w", path, err)
		}
	}
	return key, nil
}
