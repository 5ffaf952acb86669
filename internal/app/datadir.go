package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockFile is the name of the lock a running Jejaring holds in its DATA_DIR.
const LockFile = "jejaring.lock"

// ErrDataDirInUse is returned by LockDataDir when another process holds the
// folder's lock.
var ErrDataDirInUse = errors.New("DATA_DIR in use")

// DataDirInUseError says which process holds a DATA_DIR.
type DataDirInUseError struct {
	Dir string
	PID int // 0 when the holder has not written its PID yet
}

func (e *DataDirInUseError) Error() string {
	who := "proses lain / another process"
	if e.PID > 0 {
		who = "PID " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("DATA_DIR %s sedang dipakai Jejaring lain (%s); hentikan dulu yang itu atau pakai DATA_DIR lain / "+
		"is in use by another Jejaring (%s); stop that one first or use another DATA_DIR", e.Dir, who, who)
}

// Is makes errors.Is(err, ErrDataDirInUse) true.
func (e *DataDirInUseError) Is(target error) bool { return target == ErrDataDirInUse }

// LockDataDir takes the lock on dir (created when missing) for as long as
// this process runs: an exclusive flock on dir/jejaring.lock, with the PID
// written in for the message a second Jejaring prints. The operating system
// drops the lock when the process ends, however it ends, so a file left by
// a crash never blocks the next start. release unlocks it earlier (Close).
func LockDataDir(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("DATA_DIR: %w", err)
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("DATA_DIR: lock: %w", err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("DATA_DIR: lock %s: %w", path, err)
	}
	if held {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
		return nil, &DataDirInUseError{Dir: dir, PID: pid}
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		_ = f.Truncate(0)
		_ = unlock(f)
		f.Close()
	}, nil
}
