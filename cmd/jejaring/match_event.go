package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"jejaring/internal/actions/matchactions"
	"jejaring/internal/config"
	"jejaring/internal/idn"
	"jejaring/internal/match"
	"jejaring/internal/umkm/sheet"
)

const matchEventUsage = `
Per event (the database of DATABASE_URL):
  setup   EVENT --slots N --tables N --start "YYYY-MM-DD HH:MM" [--minutes 20] [--max-per-owner 3]
                                  set the temu bisnis grid: slots of MINUTES from START (WIB), tables
  plan    EVENT                   feasibility while registration is open, with the bound of the wishes
  run     EVENT                   schedule (a re-run from the announced meetings when published)
  publish EVENT                   send every owner and partner their agenda and .ics; queue the nudges
  schedule EVENT                  the master schedule: slot, table, owner, partner
  partners import FILE [--event EVENT]
                                  partners from a .xlsx or .csv (columns: jenis, lembaga, narahubung,
                                  telepon, penawaran, bidang, skala min, skala max, kecamatan, kursi,
                                  setuju tampil); with --event they take part in it
  partners list                   every partner
Partners register in the chat with the keyword MITRA or the deep link t.me/<bot>?start=mitra_EVENT.
`

// matchEvent runs the subcommands that need the database.
func matchEvent(ctx context.Context, args []string, s stdio) int {
	// The database is opened only once the arguments are read: a typo
	// must not create an empty SQLite file.
	var svc *matchactions.Service
	code := 1
	open := func() bool {
		db, _, c := openDB(ctx, s, config.FromEnv, migrated)
		if db == nil {
			code = c
			return false
		}
		svc = matchactions.NewService(db, nil)
		return true
	}
	defer func() {
		if svc != nil {
			svc.Match.DB().Close()
		}
	}()
	now := time.Now()
	eventArg := func(pos []string) (int64, bool) {
		if len(pos) != 1 {
			fmt.Fprint(s.err, matchUsage+matchEventUsage)
			return 0, false
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id < 1 {
			fmt.Fprintf(s.err, "jejaring: nomor acara %q tidak sah / bad event number\n", pos[0])
			return 0, false
		}
		return id, true
	}
	switch args[0] {
	case "setup":
		fs := flag.NewFlagSet("match setup", flag.ContinueOnError)
		fs.SetOutput(s.err)
		slots := fs.Int("slots", 0, "meeting slots")
		tables := fs.Int("tables", 0, "tables")
		start := fs.String("start", "", "first slot, YYYY-MM-DD HH:MM (WIB)")
		minutes := fs.Int("minutes", 20, "minutes per slot")
		cap := fs.Int("max-per-owner", 3, "meetings per owner at most (0: no cap)")
		pos, err := parseInterspersed(fs, args[1:])
		if err != nil {
			return 2
		}
		id, ok := eventArg(pos)
		if !ok {
			return 2
		}
		first, err := parseWIB(*start)
		if err != nil {
			return s.failf("--start: %v", err)
		}
		if !open() {
			return code
		}
		if _, err := svc.Events.Event(ctx, id); err != nil {
			return s.failf("%v", err)
		}
		st := &match.Setup{EventID: id, Slots: *slots, Tables: *tables, SlotMinutes: *minutes, FirstSlot: first, MaxPerOwner: *cap}
		if err := svc.Match.SaveSetup(ctx, st, now); err != nil {
			return s.failf("%v", err)
		}
		fmt.Fprintf(s.out, "acara %d: %d sesi × %d menit dari %s, %d meja; tautan untuk mitra: ?start=mitra_%d\n",
			id, *slots, *minutes, idn.Clock(first), *tables, id)
		return 0
	case "plan", "run", "publish", "schedule":
		pos, err := parseInterspersed(flag.NewFlagSet("match "+args[0], flag.ContinueOnError), args[1:])
		if err != nil {
			return 2
		}
		id, ok := eventArg(pos)
		if !ok {
			return 2
		}
		if !open() {
			return code
		}
		switch args[0] {
		case "plan":
			rep, err := svc.Plan(ctx, id, now)
			if err != nil {
				return s.failf("%v", err)
			}
			fmt.Fprintln(s.out, rep.Text("id"))
			fmt.Fprintln(s.out, rep.Text("en"))
		case "run":
			rep, err := svc.Run(ctx, id, now)
			if err != nil {
				return s.failf("%v", err)
			}
			sch := rep.Schedule
			fmt.Fprintf(s.out, "%d pertemuan; %d dari %d UMKM mendapat pertemuan (batas atas %d); bobot %g (batas atas %g); %d orang dikabari perubahan\n",
				len(rep.Meetings), sch.Coverage, rep.Owners, sch.Bound.Coverage, sch.Weight, sch.Bound.Weight, rep.Notified)
			fmt.Fprintf(s.out, "%d meetings; %d of %d owners have a meeting (bound %d); weight %g (bound %g); %d people told of changes\n",
				len(rep.Meetings), sch.Coverage, rep.Owners, sch.Bound.Coverage, sch.Weight, sch.Bound.Weight, rep.Notified)
		case "publish":
			n, err := svc.Publish(ctx, id, now)
			if err != nil {
				return s.failf("%v", err)
			}
			fmt.Fprintf(s.out, "jadwal dikirim ke %d orang / agendas sent to %d people\n", n, n)
		case "schedule":
			rows, err := svc.MasterSchedule(ctx, id)
			if err != nil {
				return s.failf("%v", err)
			}
			fmt.Fprintln(s.out, "sesi\tjam\tmeja\tUMKM\tmitra")
			for _, r := range rows {
				fmt.Fprintf(s.out, "%d\t%s\t%d\t%s\t%s\n", r.Slot+1, idn.ClockSpan(r.Start), r.Table, r.Owner, r.Partner)
			}
		}
		return 0
	case "partners":
		if len(args) < 2 {
			fmt.Fprint(s.err, matchUsage+matchEventUsage)
			return 2
		}
		switch args[1] {
		case "list":
			if !open() {
				return code
			}
			ps, err := svc.Match.ListPartners(ctx)
			if err != nil {
				return s.failf("%v", err)
			}
			for _, p := range ps {
				consent := "tidak tampil"
				if p.Consent {
					consent = "tampil ke UMKM"
				}
				fmt.Fprintf(s.out, "%d\t%s\t%s\t%s\t%s\n", p.ID, p.Kind.Label("id"), p.Organisation, p.ContactPerson, consent)
			}
			return 0
		case "import":
			fs := flag.NewFlagSet("match partners import", flag.ContinueOnError)
			fs.SetOutput(s.err)
			ev := fs.Int64("event", 0, "the event they take part in")
			pos, err := parseInterspersed(fs, args[2:])
			if err != nil || len(pos) != 1 {
				fmt.Fprint(s.err, matchUsage+matchEventUsage)
				return 2
			}
			rows, err := sheet.Open(pos[0])
			if err != nil {
				return s.failf("%v", err)
			}
			imp, err := matchactions.ReadPartners(rows)
			if err != nil {
				return s.failf("%s: %v", pos[0], err)
			}
			if !open() {
				return code
			}
			for _, p := range imp.Problems {
				fmt.Fprintln(s.err, p)
			}
			if err := svc.Match.ImportPartners(ctx, imp.Partners, *ev, imp.Seats, now); err != nil {
				return s.failf("%v", err)
			}
			fmt.Fprintf(s.out, "%d mitra disimpan, %d baris dilewati / %d partners saved, %d rows left out\n",
				len(imp.Partners), len(imp.Problems), len(imp.Partners), len(imp.Problems))
			if len(imp.Problems) > 0 {
				return 1
			}
			return 0
		}
	}
	return s.failf("%v", errors.New("perintah match tidak dikenal / unknown match command"))
}
