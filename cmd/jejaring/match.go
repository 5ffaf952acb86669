package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"jejaring/internal/match"
)

const matchUsage = `Usage: jejaring match COMMAND

Offline (no database):
  solve INSTANCE.json [--previous SCHEDULE.json]
                                  schedule the meetings; the schedule (JSON) on stdout, a summary on
                                  stderr; --previous re-runs from an announced schedule (after
                                  cancellations) and keeps what it can
  check INSTANCE.json SCHEDULE.json
                                  check a schedule against every rule, independently of the solver
  plan  --slots N --tables N --owners N
                                  how many owners can have a meeting with these slots and tables

INSTANCE.json: {"slots": 12, "tables": 30, "max_per_owner": 3,
  "owners": [{"id": "u1", "available": [0, 1]}], "partners": [{"id": "p1", "seats": 1, "available": [0]}],
  "wishes": [{"owner": "u1", "partner": "p1", "weight": 4}], "vetoes": [{"owner": "u1", "partner": "p2"}],
  "locked": [{"owner": "u1", "partner": "p1", "slot": 3}]}
Slots are numbered from 0, tables from 1; "available" left out means every slot.
`

// runMatch is `jejaring match`: the temu bisnis scheduler offline (solve,
// check, plan --slots…, which need no database) and per event (setup, plan
// EVENT, run, publish, schedule, partners: match_event.go).
func runMatch(ctx context.Context, args []string, s stdio) int {
	if len(args) == 0 {
		fmt.Fprint(s.err, matchUsage+matchEventUsage)
		return 2
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(s.out, matchUsage+matchEventUsage)
		return 0
	}
	switch args[0] {
	case "solve":
		return matchSolve(args[1:], s)
	case "check":
		return matchCheck(args[1:], s)
	case "plan":
		if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
			return matchEvent(ctx, args, s) // plan EVENT
		}
		return matchPlan(args[1:], s)
	case "setup", "run", "publish", "schedule", "partners":
		return matchEvent(ctx, args, s)
	}
	fmt.Fprintf(s.err, "jejaring: perintah match tidak dikenal / unknown match command %q\n\n%s", args[0], matchUsage)
	return 2
}

func matchSolve(args []string, s stdio) int {
	fs := flag.NewFlagSet("match solve", flag.ContinueOnError)
	fs.SetOutput(s.err)
	previous := fs.String("previous", "", "the schedule announced before (JSON, as solve writes it)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprint(s.err, matchUsage)
		return 2
	}
	in, err := readInstance(pos[0])
	if err != nil {
		return s.failf("%v", err)
	}
	var prev []match.Meeting
	if *previous != "" {
		sch, err := readSchedule(*previous)
		if err != nil {
			return s.failf("%v", err)
		}
		prev = sch.Meetings
	}
	sch, err := match.Resolve(in, prev)
	if err != nil {
		return s.failf("%s: %v", pos[0], err)
	}
	if err := match.Validate(in, sch); err != nil {
		// never expected: the solver's own result fails the independent check
		return s.failf("%s: jadwal yang ditemukan melanggar aturan (ini kesalahan program) / the schedule found breaks a rule (a bug): %v", pos[0], err)
	}
	if _, err := s.out.Write(encodeSchedule(sch)); err != nil {
		return s.failf("write schedule: %v", err)
	}
	fmt.Fprintf(s.err, "%d pertemuan; %d dari %d UMKM mendapat pertemuan (batas atas %d); bobot %g (batas atas %g); %d sesi kosong di sela pertemuan",
		len(sch.Meetings), sch.Coverage, len(in.Owners), sch.Bound.Coverage, sch.Weight, sch.Bound.Weight, sch.Gaps)
	if prev != nil {
		fmt.Fprintf(s.err, "; %d pertemuan lama berubah", sch.Changed)
	}
	fmt.Fprintf(s.err, "\n%d meetings; %d of %d owners have a meeting (bound %d); weight %g (bound %g); %d idle slots between meetings",
		len(sch.Meetings), sch.Coverage, len(in.Owners), sch.Bound.Coverage, sch.Weight, sch.Bound.Weight, sch.Gaps)
	if prev != nil {
		fmt.Fprintf(s.err, "; %d announced meetings changed", sch.Changed)
	}
	fmt.Fprintln(s.err)
	return 0
}

func matchCheck(args []string, s stdio) int {
	if len(args) != 2 {
		fmt.Fprint(s.err, matchUsage)
		return 2
	}
	in, err := readInstance(args[0])
	if err != nil {
		return s.failf("%v", err)
	}
	if err := in.Validate(); err != nil {
		return s.failf("%s: %v", args[0], err)
	}
	sch, err := readSchedule(args[1])
	if err != nil {
		return s.failf("%v", err)
	}
	cov, weight, err := match.ValidateMeetings(in, sch.Meetings)
	var problems []string
	if err != nil {
		problems = strings.Split(err.Error(), "\n")
	}
	if sch.Coverage != nil && *sch.Coverage != cov {
		problems = append(problems, fmt.Sprintf("coverage tertulis %d UMKM, padahal pertemuannya mencakup %d / coverage says %d owners, the meetings cover %d", *sch.Coverage, cov, *sch.Coverage, cov))
	}
	if sch.Weight != nil && math.Abs(*sch.Weight-weight) > 1e-6*(1+math.Abs(weight)) {
		problems = append(problems, fmt.Sprintf("weight tertulis %g, padahal bobot pertemuannya %g / weight says %g, the meetings weigh %g", *sch.Weight, weight, *sch.Weight, weight))
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(s.out, p)
		}
		return s.failf("jadwal %s tidak sah: %d pelanggaran / the schedule breaks %d rules", args[1], len(problems), len(problems))
	}
	bound, err := match.Relax(in)
	if err != nil {
		return s.failf("%s: %v", args[0], err)
	}
	fmt.Fprintf(s.out, "jadwal sah: %d pertemuan, %d dari %d UMKM mendapat pertemuan (batas atas %d), bobot %g (batas atas %g)\n",
		len(sch.Meetings), cov, len(in.Owners), bound.Coverage, weight, bound.Weight)
	fmt.Fprintf(s.out, "the schedule is valid: %d meetings, %d of %d owners have a meeting (bound %d), weight %g (bound %g)\n",
		len(sch.Meetings), cov, len(in.Owners), bound.Coverage, weight, bound.Weight)
	return 0
}

func matchPlan(args []string, s stdio) int {
	fs := flag.NewFlagSet("match plan", flag.ContinueOnError)
	fs.SetOutput(s.err)
	slots := fs.Int("slots", 0, "meeting slots")
	tables := fs.Int("tables", 0, "tables per slot")
	owners := fs.Int("owners", 0, "owners registered (or expected)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) > 0 {
		fmt.Fprintln(s.err, "jejaring: match plan ACARA tidak memakai --slots/--tables/--owners (diambil dari acaranya) / match plan EVENT takes no --slots, --tables or --owners (they come from the event)")
		return 2
	}
	if *slots < 1 || *tables < 1 || *owners < 0 {
		fmt.Fprintln(s.err, "jejaring: sebutkan --slots dan --tables (paling sedikit 1) serta --owners / give --slots and --tables (at least 1) and --owners")
		return 2
	}
	fmt.Fprintln(s.out, match.Feasibility(*slots, *tables, *owners))
	return 0
}

func readInstance(path string) (*match.Instance, error) {
	var in match.Instance
	if err := readJSON(path, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// scheduleFile is a schedule as read back: the totals may be left out.
type scheduleFile struct {
	Meetings []match.Meeting `json:"meetings"`
	Coverage *int            `json:"coverage"`
	Weight   *float64        `json:"weight"`
	Bound    *match.Bound    `json:"bound"`
}

func readSchedule(path string) (*scheduleFile, error) {
	var sch scheduleFile
	if err := readJSON(path, &sch); err != nil {
		return nil, err
	}
	return &sch, nil
}

// readJSON decodes one JSON value from the file, refusing unknown fields (a
// misspelt "max_per_owner" must not pass silently).
func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: more than one JSON value", path)
	}
	return nil
}

// encodeSchedule writes the schedule as JSON with one meeting per line.
func encodeSchedule(sch *match.Schedule) []byte {
	var b bytes.Buffer
	b.WriteString("{\n  \"meetings\": [")
	for i, m := range sch.Meetings {
		line, _ := json.Marshal(m)
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    ")
		b.Write(line)
	}
	if len(sch.Meetings) > 0 {
		b.WriteString("\n  ")
	}
	bound, _ := json.Marshal(sch.Bound)
	weight, _ := json.Marshal(sch.Weight)
	fmt.Fprintf(&b, "],\n  \"coverage\": %d,\n  \"weight\": %s,\n  \"bound\": %s\n}\n", sch.Coverage, weight, bound)
	return b.Bytes()
}
