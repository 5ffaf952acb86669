//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package app

import "os"

// tryLock: on systems without flock (Windows) the lock file only records the
// PID; two servers on one DATA_DIR are not detected there.
func tryLock(f *os.File) (held bool, err error) { return false, nil }

func unlock(f *os.File) error { return nil }
