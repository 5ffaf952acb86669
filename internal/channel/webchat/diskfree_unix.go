//go:build unix

package webchat

import "syscall"

// freeBytes is the space left to unprivileged writers on dir's file
// system; known is false when the system cannot tell.
func freeBytes(dir string) (free int64, known bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
