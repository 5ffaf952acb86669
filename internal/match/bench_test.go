package match

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time this process has used (user + system): on a
// shared machine it measures the solver where wall time measures the queue.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var writeInstances = flag.String("write-instances", "", "write the benchmark instances as JSON (the `jejaring match solve` format) into this directory")

var benchCases = []genConfig{
	{"S", 60, 10, 8, 10},
	{"M", 300, 40, 12, 30},
	{"M-tight", 300, 40, 12, 20},
	{"L", 1000, 80, 16, 60},
}

func gapPercent(bound, got float64) float64 {
	if bound == 0 {
		return 0
	}
	return 100 * (bound - got) / bound
}

func saveInstance(b *testing.B, name string, in *Instance) {
	if *writeInstances == "" {
		return
	}
	if err := os.MkdirAll(*writeInstances, 0o755); err != nil {
		b.Fatal(err)
	}
	data, err := json.MarshalIndent(in, "", " ")
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*writeInstances, name+".json"), data, 0o644); err != nil {
		b.Fatal(err)
	}
}

// changedFrom counts the announced meetings, still possible, that sch does
// not keep in their slot (what Resolve reports as Changed).
func changedFrom(b *testing.B, in *Instance, previous []Meeting, sch *Schedule) int {
	m, err := newModel(in)
	if err != nil {
		b.Fatal(err)
	}
	prevSlot, _ := m.announced(previous)
	now := map[[2]string]int{}
	for _, mt := range sch.Meetings {
		now[[2]string{mt.Owner, mt.Partner}] = mt.Slot
	}
	n := 0
	for k, s := range prevSlot {
		p := m.pairs[k]
		if s >= 0 {
			if got, ok := now[[2]string{m.owners[p.o], m.partners[p.p]}]; !ok || got != s {
				n++
			}
		}
	}
	return n
}

// BenchmarkSchedule solves the generated fairs and reports the objective
// beside the bound and beside the round-robin baseline: S, M, M-tight, L as
// the issue sizes them, M-hard (M with owners free in three slots only, one
// seat per partner) where the slots bind, and churn (M after 10 % of the
// partners and 15 % of the owners cancel, re-run from the announced
// schedule; fresh_* is a solve from nothing, for comparison).
func BenchmarkSchedule(b *testing.B) {
	cases := append(benchCases, genConfig{"M-hard", 300, 40, 12, 30})
	for _, c := range cases {
		in := generate(c, benchSeed)
		if c.name == "M-hard" {
			in = harden(in, benchSeed)
		}
		saveInstance(b, c.name, in)
		b.Run(c.name, func(b *testing.B) {
			var sch *Schedule
			cpu0 := cpuTime(b)
			for b.Loop() {
				var err error
				if sch, err = Solve(in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuTime(b)-cpu0).Seconds()/float64(b.N), "cpu_s/op")
			if err := Validate(in, sch); err != nil {
				b.Fatal(err)
			}
			rr, err := roundRobin(in)
			if err != nil {
				b.Fatal(err)
			}
			if err := Validate(in, rr); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(sch.Coverage), "coverage")
			b.ReportMetric(float64(sch.Bound.Coverage), "bound")
			b.ReportMetric(gapPercent(sch.Bound.Weight, sch.Weight), "weight_gap_%")
			b.ReportMetric(float64(sch.Gaps), "gaps")
			b.ReportMetric(float64(rr.Coverage), "rr_coverage")
			b.ReportMetric(gapPercent(sch.Bound.Weight, rr.Weight), "rr_weight_gap_%")
			b.ReportMetric(float64(rr.Gaps), "rr_gaps")
		})
	}
	// churn: M solved, then 10 % of the partners and 15 % of the owners
	// cancel on the morning, and the schedule is run again from the
	// announced one.
	m := generate(benchCases[1], benchSeed)
	first, err := Solve(m)
	if err != nil {
		b.Fatal(err)
	}
	after, cancelled := cancel(m, 0.10, 0.15, benchSeed)
	saveInstance(b, "churn", after)
	b.Run("churn", func(b *testing.B) {
		var sch *Schedule
		cpu0 := cpuTime(b)
		for b.Loop() {
			if sch, err = Resolve(after, first.Meetings); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric((cpuTime(b)-cpu0).Seconds()/float64(b.N), "cpu_s/op")
		if err := Validate(after, sch); err != nil {
			b.Fatal(err)
		}
		fresh, err := Solve(after)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sch.Coverage), "coverage")
		b.ReportMetric(float64(sch.Bound.Coverage), "bound")
		b.ReportMetric(gapPercent(sch.Bound.Weight, sch.Weight), "weight_gap_%")
		b.ReportMetric(float64(sch.Changed)/float64(cancelled), "moved/cancellation")
		b.ReportMetric(float64(sch.Changed), "moved")
		b.ReportMetric(float64(cancelled), "cancellations")
		b.ReportMetric(gapPercent(sch.Bound.Weight, fresh.Weight), "fresh_weight_gap_%")
		b.ReportMetric(float64(changedFrom(b, after, first.Meetings, fresh)), "fresh_moved")
	})
}
