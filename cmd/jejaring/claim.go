package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"jejaring/internal/store"
	"jejaring/internal/umkm"
)

const claimUsage = `Usage: jejaring claim REG_NO [--new] [--by NAME]

Prints the claim token of a business record, for the office to print on a
letter or send to its owner. Whoever opens it in a chat is linked to the
record (then the token is replaced, so it works once): the one way, besides
a one-time code to the record's phone, for an owner writing from the web
chat to reach a record made elsewhere. --new replaces the token first (the
old one stops working). Every call is written to the audit log.
`

// runClaim runs `jejaring claim REG_NO [--new]`.
func runClaim(ctx context.Context, db *store.DB, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("claim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, claimUsage) }
	renew := fs.Bool("new", false, "replace the token first; the old one stops working")
	by := fs.String("by", "cli", "staff user name for the audit log")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprint(stderr, claimUsage)
		return 2
	}
	b, err := store.NewBusinessRepo(db).IssueClaimToken(ctx, pos[0], *renew, store.ActorStaff(*by), time.Now())
	if errors.Is(err, umkm.ErrNotFound) {
		fmt.Fprintf(stderr, "jejaring: tidak ada usaha aktif dengan nomor %s / no live business %s\n", pos[0], pos[0])
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "jejaring: claim %s: %v\n", pos[0], err)
		return 1
	}
	fmt.Fprintf(stdout, `%s  %s
Kode konfirmasi / claim token: %s
Pemilik mengetik di WhatsApp, Telegram atau web chat / the owner types:  KONFIRMASI %s
Tautan / deep link payload:  ?start=konfirmasi_%s  (Telegram: https://t.me/<bot>?start=…, web chat: <alamat web chat>?start=…)
Kode ini hanya berlaku sekali. / It works once.
`, b.RegNo, b.Name, b.ClaimToken, b.ClaimToken, b.ClaimToken)
	return 0
}
