package match

import (
	"math/rand/v2"
	"testing"
)

// TestMinCostFlowAssignment checks the flow against brute force on random
// assignment problems: rows to columns, each at most once, profit per cell
// (some cells missing); the cheapest flow of any amount is the best partial
// assignment, and with maxFlow the best one of at most that many cells.
func TestMinCostFlowAssignment(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 400; i++ {
		rows, cols := 1+rng.IntN(5), 1+rng.IntN(5)
		cost := make([][]int64, rows) // 0 = no arc
		for r := range cost {
			cost[r] = make([]int64, cols)
			for c := range cost[r] {
				if rng.IntN(3) > 0 {
					cost[r][c] = int64(rng.IntN(21) - 10)
				}
			}
		}
		limit := 1 + rng.IntN(5)
		for _, anyAmount := range []bool{true, false} {
			g := newFlowGraph(rows + cols + 2)
			src, sink := rows+cols, rows+cols+1
			for r := 0; r < rows; r++ {
				g.addArc(src, r, 1, 0)
				for c := 0; c < cols; c++ {
					if cost[r][c] != 0 {
						g.addArc(r, rows+c, 1, cost[r][c])
					}
				}
			}
			for c := 0; c < cols; c++ {
				g.addArc(rows+c, sink, 1, 0)
			}
			flow, got := g.minCost(src, sink, limit, anyAmount)
			wantFlow, want := bruteAssign(cost, limit, anyAmount)
			if got != want || !anyAmount && flow != wantFlow {
				t.Fatalf("case %d (any amount %v, limit %d): flow %d cost %d, brute force %d cost %d\n%v",
					i, anyAmount, limit, flow, got, wantFlow, want, cost)
			}
		}
	}
}

// bruteAssign tries every partial assignment of at most limit cells: with
// anyAmount the cheapest of all, else the cheapest among the largest.
func bruteAssign(cost [][]int64, limit int, anyAmount bool) (int, int64) {
	cols := len(cost[0])
	used := make([]bool, cols)
	bestN, best := 0, int64(0)
	var rec func(r, n int, sum int64)
	rec = func(r, n int, sum int64) {
		if r == len(cost) {
			switch {
			case anyAmount && sum < best:
				bestN, best = n, sum
			case !anyAmount && (n > bestN || n == bestN && sum < best):
				bestN, best = n, sum
			}
			return
		}
		rec(r+1, n, sum)
		if n == limit {
			return
		}
		for c := 0; c < cols; c++ {
			if cost[r][c] != 0 && !used[c] {
				used[c] = true
				rec(r+1, n+1, sum+cost[r][c])
				used[c] = false
			}
		}
	}
	rec(0, 0, 0)
	return bestN, best
}
