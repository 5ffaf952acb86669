package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/mdp/qrterminal/v3"
	waStore "go.mau.fi/whatsmeow/store"

	"jejaring/internal/channel/whatsapp"
	"jejaring/internal/config"
	"jejaring/internal/store"
)

// WhatsAppCmdConfig is what `jejaring whatsapp` needs, resolved by the
// caller: the open database, the data directory (where the running server
// writes its WhatsApp state), a logger, and the network settings.
type WhatsAppCmdConfig struct {
	DB       *store.DB
	DataDir  string
	Logger   *slog.Logger
	ProxyURL string
	// Dial replaces the network dialer (tests: a closed local port).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// LinkTimeout bounds pairing (default 3 minutes).
	LinkTimeout time.Duration
}

// whatsappVars are the settings `jejaring whatsapp` reads.
func whatsappVars() []string { return []string{"DATABASE_URL", "DATA_DIR"} }

// runWhatsAppCommand is the `whatsapp` entry of the command table: it opens
// the database from the settings and runs runWhatsApp.
func runWhatsAppCommand(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("whatsapp", flag.ContinueOnError)
	fs.SetOutput(s.err)
	flags := config.AddFlags(fs, whatsappVars()...)
	phone := fs.String("phone", "", "link: pair with an 8-character code typed on the phone instead of a QR code (e.g. +6281234567890)")
	fs.Usage = func() { whatsappUsage(fs.Output()); fs.PrintDefaults() }
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(pos) == 0 {
		fs.Usage()
		return 2
	}
	db, cfg, code := openDB(ctx, s, flags.Load, asFound)
	if db == nil {
		return code
	}
	defer db.Close()
	sub := append([]string{pos[0]}, pos[1:]...)
	if *phone != "" {
		sub = append(sub, "--phone", *phone)
	}
	return runWhatsApp(ctx, WhatsAppCmdConfig{
		DB: db, DataDir: cfg.DataDir, ProxyURL: s.getenv("WHATSAPP_PROXY"),
		Logger: slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: cfg.LogLevel})),
	}, sub, s.out, s.err)
}

func whatsappUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: jejaring whatsapp link [--phone +62…] | status")
	fmt.Fprintln(w, "\n  link    link the office's WhatsApp number to Jejaring as a linked device:")
	fmt.Fprintln(w, "          scan the QR code shown, or with --phone type the 8-character code on the phone")
	fmt.Fprintln(w, "  status  say whether a number is linked, which one, and whether the server is connected")
	fmt.Fprintln(w)
}

// runWhatsApp runs `whatsapp link [--phone +62…]` and `whatsapp status`.
// It returns 0 when done, 1 when it failed, 2 on bad usage.
func runWhatsApp(ctx context.Context, cfg WhatsAppCmdConfig, args []string, stdout, stderr io.Writer) int {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "jejaring: "+format+"\n", a...)
		return 1
	}
	if len(args) == 0 {
		whatsappUsage(stderr)
		return 2
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("whatsapp "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	phone := fs.String("phone", "", "pair with an 8-character code typed on the phone instead of a QR code (the office number, e.g. +6281234567890)")
	switch sub {
	case "link", "status":
	case "help", "-h", "--help":
		whatsappUsage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "jejaring: unknown whatsapp command %q\n\n", sub)
		whatsappUsage(stderr)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || (sub == "status" && *phone != "") {
		whatsappUsage(stderr)
		return 2
	}
	pool, dialect, err := cfg.DB.SidePool()
	if err != nil {
		return fail("%v", err)
	}
	sess, err := whatsapp.OpenSession(ctx, whatsapp.SessionConfig{DB: pool, Dialect: dialect, Logger: cfg.Logger, ProxyURL: cfg.ProxyURL, Dial: cfg.Dial})
	if err != nil {
		return fail("%v", err)
	}
	if sub == "status" {
		return whatsappStatus(ctx, cfg, sess, stdout, fail)
	}
	return whatsappLink(ctx, cfg, sess, *phone, stdout, fail)
}

func whatsappStatus(ctx context.Context, cfg WhatsAppCmdConfig, sess *whatsapp.Session, out io.Writer, fail func(string, ...any) int) int {
	phone, err := sess.LinkedPhone(ctx)
	if err != nil {
		return fail("%v", err)
	}
	if phone == "" {
		fmt.Fprintln(out, "WhatsApp: not linked.")
		fmt.Fprintln(out, "Link the office number with: jejaring whatsapp link   (or: jejaring whatsapp link --phone +62…)")
	} else {
		fmt.Fprintf(out, "WhatsApp: linked as +%s.\n", phone)
	}
	st, err := whatsapp.ReadStatusFile(cfg.DataDir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		fmt.Fprintln(out, "Connection: no running Jejaring has reported yet (start it with WHATSAPP_ENABLED=true).")
	case err != nil:
		return fail("%v", err)
	default:
		age := cfg.Now().Sub(st.Updated)
		when := st.Updated.UTC().Format("2006-01-02 15:04 UTC")
		fmt.Fprintf(out, "Connection: %s (reported %s", st.Describe(), when)
		if age > 3*time.Minute {
			fmt.Fprint(out, "; no news since then: the server may not be running")
		}
		fmt.Fprintln(out, ").")
		if !st.PausedUntil.IsZero() && cfg.Now().Before(st.PausedUntil) {
			fmt.Fprintf(out, "Bulk sending: paused until %s after a temporary ban.\n", st.PausedUntil.UTC().Format("2006-01-02 15:04 UTC"))
		}
	}
	return 0
}

func whatsappLink(ctx context.Context, cfg WhatsAppCmdConfig, sess *whatsapp.Session, phone string, out io.Writer, fail func(string, ...any) int) int {
	// The phone lists a linked device under its OS name; say who we are.
	waStore.SetOSInfo("Jejaring", [3]uint32{1, 0, 0})
	opts := whatsapp.LinkOptions{Phone: phone, Timeout: cfg.LinkTimeout}
	if phone == "" {
		fmt.Fprintln(out, "Di HP kantor: buka WhatsApp → Setelan → Perangkat tertaut → Tautkan perangkat, lalu pindai kode QR ini.")
		fmt.Fprintln(out, "(On the office phone: WhatsApp → Settings → Linked devices → Link a device, then scan this QR code.)")
		opts.OnQR = func(code string) {
			fmt.Fprintln(out)
			qrterminal.GenerateHalfBlock(code, qrterminal.L, out)
			fmt.Fprintln(out, "Kode QR berganti tiap ±20 detik; yang terbaru selalu di bawah.")
		}
	} else {
		fmt.Fprintf(out, "Meminta kode tautan untuk %s …\n", phone)
		opts.OnPairCode = func(code string) {
			fmt.Fprintf(out, "\nKode tautan: %s\n\n", code)
			fmt.Fprintln(out, "Di HP kantor: WhatsApp → Setelan → Perangkat tertaut → Tautkan perangkat →")
			fmt.Fprintln(out, "\"Tautkan dengan nomor telepon saja\", lalu ketik kode di atas.")
		}
	}
	linked, err := sess.Link(ctx, opts)
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(out, "\nBerhasil: WhatsApp +%s sudah tertaut ke Jejaring.\n", linked)
	fmt.Fprintln(out, "Jalankan Jejaring dengan WHATSAPP_ENABLED=true (server yang sedang jalan akan memakainya dalam 30 detik).")
	return 0
}
