package store_test

import (
	"context"
	"testing"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestJITOff: every PostgreSQL connection runs without JIT (pgDefaults).
func TestJITOff(t *testing.T) {
	t.Parallel()
	db := storetest.New(t, store.Postgres)
	var jit string
	if err := db.GetContext(context.Background(), &jit, `SHOW jit`); err != nil {
		t.Fatal(err)
	}
	if jit != "off" {
		t.Errorf("jit = %q", jit)
	}
}
