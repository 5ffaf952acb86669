package app

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestLockDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	release, err := LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, LockFile))
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("lock file holds %q (%v), want our PID %d", b, err, os.Getpid())
	}

	// A second lock (another open file, as another process would have) is
	// refused and names the holder.
	_, err = LockDataDir(dir)
	var inUse *DataDirInUseError
	if !errors.As(err, &inUse) || !errors.Is(err, ErrDataDirInUse) || inUse.PID != os.Getpid() {
		t.Fatalf("second lock: %v, want DataDirInUseError with PID %d", err, os.Getpid())
	}
	msg := err.Error()
	for _, want := range []string{dir, "PID " + strconv.Itoa(os.Getpid()), "sedang dipakai", "in use by another Jejaring"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}

	release()
	again, err := LockDataDir(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}

// TestLockDataDirStaleFile: a lock file left behind by a process that is
// gone (a crash, kill -9) does not block: the lock died with the process.
func TestLockDataDirStaleFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A process that ran and exited: its PID in the file, no lock held.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, LockFile), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	release, err := LockDataDir(dir)
	if err != nil {
		t.Fatalf("stale lock file blocked the start: %v", err)
	}
	release()
}

// TestSecondAppOnSameDataDir: New refuses a DATA_DIR an App already holds,
// and takes it once that App is closed.
func TestSecondAppOnSameDataDir(t *testing.T) {
	t.Parallel()
	cfg := localConfig(t)
	a, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := New(context.Background(), cfg, nil); !errors.Is(err, ErrDataDirInUse) {
		if b != nil {
			b.Close()
		}
		a.Close()
		t.Fatalf("second App on the same DATA_DIR: %v, want ErrDataDirInUse", err)
	}
	a.Close()
	b, err := New(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	b.Close()
}
