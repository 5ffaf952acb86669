package store

import (
	"context"
	"fmt"
)

// A read replica (DATABASE_READ_URL, issue 19): the staff dashboard's
// heaviest reads — the directory with its counts, the export, the home
// page's statistics — can go to a PostgreSQL streaming replica so a
// province's office staff searching the register do not take the
// primary's CPU from the bot and the dispatcher. Nothing writes through it;
// what it shows may lag the primary by the replication delay (usually
// well under a second), so every page that changes a record reads and
// writes on the primary.

// OpenReadReplica opens the replica at readURL for reads, after checking it
// holds the schema this binary expects (the same migrations as the
// primary); with readURL "" it returns primary itself. The caller closes a
// replica it opened (one that is not primary).
func OpenReadReplica(ctx context.Context, readURL string, primary *DB) (*DB, error) {
	if readURL == "" {
		return primary, nil
	}
	db, err := Open(ctx, readURL, "")
	if err != nil {
		return nil, fmt.Errorf("DATABASE_READ_URL: %w", err)
	}
	if !db.IsPostgres() {
		db.Close()
		return nil, fmt.Errorf("DATABASE_READ_URL: want a PostgreSQL replica")
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("DATABASE_READ_URL: the replica's schema: %w", err)
	}
	return db, nil
}
