//go:build !unix

package webchat

// freeBytes cannot tell on this system: the free-space guard is off.
func freeBytes(dir string) (free int64, known bool) { return 0, false }
