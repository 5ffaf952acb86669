package store_test

import (
	"context"
	"strings"
	"testing"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

// TestScaleShortForm is `jejaring bench db` on a few thousand rows: every
// statement runs and comes back with its plan, the claim reads the partial
// index of migration 00470 and claims due rows, and the schema is dropped.
// The full form (a million businesses, five million outbox rows) is in
// docs/scaling.md.
func TestScaleShortForm(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rep, err := store.Scale(ctx, storetest.PostgresURL(), store.ScaleOptions{Businesses: 3000, Outbox: 20000, Claims: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Statements) < 10 {
		t.Fatalf("only %d statements", len(rep.Statements))
	}
	for _, s := range rep.Statements {
		if len(s.Plans) == 0 || s.Server <= 0 {
			t.Errorf("%s: no plan came back (%d plans, server time %v)", s.Name, len(s.Plans), s.Server)
		}
		for _, p := range s.Plans {
			if !strings.Contains(p, "duration:") || !strings.Contains(p, "actual time") {
				t.Errorf("%s: not an analysed plan: %s", s.Name, p)
			}
		}
		if strings.HasPrefix(s.Name, "dispatcher: claim") {
			if !strings.Contains(strings.Join(s.Plans, "\n"), "outbox_claim_pending") {
				t.Errorf("claim does not read outbox_claim_pending:\n%s", strings.Join(s.Plans, "\n"))
			}
		}
	}
	if rep.Claims != 5 || rep.ClaimMean <= 0 {
		t.Errorf("claims %d, mean %v", rep.Claims, rep.ClaimMean)
	}
	var b strings.Builder
	store.WriteScaleReport(&b, rep, true)
	for _, want := range []string{"3000 businesses", "20000 outbox rows", "claim of 50 rows", "Index"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	admin := storetest.New(t, store.Postgres)
	var n int
	if err := admin.GetContext(ctx, &n, `SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = $1`, rep.Schema); err != nil || n != 0 {
		t.Errorf("schema %s left behind (%d, %v)", rep.Schema, n, err)
	}
}
