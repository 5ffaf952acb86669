package session

// SealForTest and OpenForTest expose the codec to the benchmark.
func SealForTest(c *Cipher, key string, plain []byte) []byte { return c.seal(key, plain) }

// OpenForTest is (*Cipher).open.
func OpenForTest(c *Cipher, key string, sealed []byte) ([]byte, error) { return c.open(key, sealed) }
