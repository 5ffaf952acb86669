package store_test

import (
	"context"
	"testing"

	"jejaring/internal/store"
	"jejaring/internal/store/storetest"
)

func TestOpenReadReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primary := storetest.New(t, store.Postgres)
	if db, err := store.OpenReadReplica(ctx, "", primary); err != nil || db != primary {
		t.Errorf("no DATABASE_READ_URL: %v, %v", db, err)
	}
	replica, err := store.OpenReadReplica(ctx, storetest.URL(t), primary) // an empty schema: not a replica of ours
	if err == nil {
		replica.Close()
		t.Error("a database without our schema was taken as the replica")
	}
	u := storetest.URL(t)
	migrated, err := store.Open(ctx, u, "")
	if err != nil {
		t.Fatal(err)
	}
	defer migrated.Close()
	if err := migrated.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	replica, err = store.OpenReadReplica(ctx, u, primary)
	if err != nil {
		t.Fatalf("a migrated replica: %v", err)
	}
	replica.Close()
}
