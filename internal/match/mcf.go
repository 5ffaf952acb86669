package match

// flowGraph is a min-cost flow network with integer capacities and costs,
// solved by successive shortest paths with Johnson potentials: Bellman–Ford
// once (costs may be negative, cycles may not), then Dijkstra on reduced
// costs. Each augmentation follows a cheapest path, so after each one the
// flow is a cheapest flow of its value; stopping when the next path would not
// lower the cost gives a cheapest flow of any value.
type flowGraph struct {
	head []int
	arcs []arc
}

type arc struct {
	to, next int
	cap      int
	cost     int64
}

const infCost = int64(1) << 62

func newFlowGraph(n int) *flowGraph {
	g := &flowGraph{head: make([]int, n)}
	for i := range g.head {
		g.head[i] = -1
	}
	return g
}

// addArc adds u→v and its residual twin; the returned id reads the flow back
// with flow(id).
func (g *flowGraph) addArc(u, v, capacity int, cost int64) int {
	id := len(g.arcs)
	g.arcs = append(g.arcs, arc{to: v, next: g.head[u], cap: capacity, cost: cost})
	g.head[u] = id
	g.arcs = append(g.arcs, arc{to: u, next: g.head[v], cap: 0, cost: -cost})
	g.head[v] = id + 1
	return id
}

// flow is the flow on arc id (the capacity of its twin).
func (g *flowGraph) flow(id int) int { return g.arcs[id^1].cap }

// minCost sends flow from s to t, at most maxFlow units, along cheapest
// paths; with anyAmount it stops as soon as a path would cost ≥ 0, which
// yields the cheapest flow of any value. It returns the flow and its cost.
func (g *flowGraph) minCost(s, t, maxFlow int, anyAmount bool) (int, int64) {
	n := len(g.head)
	pot := g.bellmanFord(s)
	dist := make([]int64, n)
	prev := make([]int, n)
	total, cost := 0, int64(0)
	h := &distHeap{}
	for total < maxFlow {
		for i := range dist {
			dist[i] = infCost
			prev[i] = -1
		}
		dist[s] = 0
		*h = append((*h)[:0], heapItem{0, s})
		for len(*h) > 0 {
			it := h.pop()
			if it.d > dist[it.v] {
				continue
			}
			u := it.v
			for a := g.head[u]; a >= 0; a = g.arcs[a].next {
				e := &g.arcs[a]
				if e.cap == 0 || pot[e.to] == infCost {
					continue
				}
				nd := it.d + e.cost + pot[u] - pot[e.to]
				if nd < dist[e.to] {
					dist[e.to] = nd
					prev[e.to] = a
					h.push(heapItem{nd, e.to})
				}
			}
		}
		if dist[t] == infCost {
			break
		}
		for v := range pot {
			if dist[v] < infCost && pot[v] < infCost {
				pot[v] += dist[v]
			}
		}
		pathCost := pot[t] - pot[s]
		if anyAmount && pathCost >= 0 {
			break
		}
		// every path of zero reduced cost now costs pathCost: push along
		// all of them at once (a blocking flow on the admissible arcs)
		pushed := g.blockingFlow(s, t, pot, maxFlow-total)
		total += pushed
		cost += int64(pushed) * pathCost
	}
	return total, cost
}

// blockingFlow sends up to limit units from s to t over arcs of zero
// reduced cost, Dinic-style (levels by BFS, then depth-first pushes with
// current-arc pointers), until no such path is left. Pushing on them keeps
// every reduced cost non-negative, so the potentials stay valid.
func (g *flowGraph) blockingFlow(s, t int, pot []int64, limit int) int {
	n := len(g.head)
	level := make([]int, n)
	iter := make([]int, n)
	admissible := func(u int, e *arc) bool {
		return e.cap > 0 && pot[u] < infCost && pot[e.to] < infCost && e.cost+pot[u]-pot[e.to] == 0
	}
	total := 0
	for total < limit {
		for i := range level {
			level[i] = -1
		}
		level[s] = 0
		queue := []int{s}
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			for a := g.head[u]; a >= 0; a = g.arcs[a].next {
				e := &g.arcs[a]
				if level[e.to] < 0 && admissible(u, e) {
					level[e.to] = level[u] + 1
					queue = append(queue, e.to)
				}
			}
		}
		if level[t] < 0 {
			break
		}
		copy(iter, g.head)
		var dfs func(u, f int) int
		dfs = func(u, f int) int {
			if u == t {
				return f
			}
			for ; iter[u] >= 0; iter[u] = g.arcs[iter[u]].next {
				a := iter[u]
				e := &g.arcs[a]
				if level[e.to] != level[u]+1 || !admissible(u, e) {
					continue
				}
				if d := dfs(e.to, min(f, e.cap)); d > 0 {
					g.arcs[a].cap -= d
					g.arcs[a^1].cap += d
					return d
				}
			}
			return 0
		}
		progress := false
		for total < limit {
			f := dfs(s, limit-total)
			if f == 0 {
				break
			}
			total += f
			progress = true
		}
		if !progress {
			break
		}
	}
	return total
}

// bellmanFord returns shortest distances from s over arcs with capacity
// (infCost where unreachable): the first potentials.
func (g *flowGraph) bellmanFord(s int) []int64 {
	n := len(g.head)
	d := make([]int64, n)
	for i := range d {
		d[i] = infCost
	}
	d[s] = 0
	inQueue := make([]bool, n)
	queue := []int{s}
	inQueue[s] = true
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		inQueue[u] = false
		for a := g.head[u]; a >= 0; a = g.arcs[a].next {
			e := g.arcs[a]
			if e.cap > 0 && d[u]+e.cost < d[e.to] {
				d[e.to] = d[u] + e.cost
				if !inQueue[e.to] {
					inQueue[e.to] = true
					queue = append(queue, e.to)
				}
			}
		}
	}
	return d
}

type heapItem struct {
	d int64
	v int
}

// distHeap is a binary min-heap on (distance, node).
type distHeap []heapItem

func (h distHeap) less(i, j int) bool {
	if h[i].d != h[j].d {
		return h[i].d < h[j].d
	}
	return h[i].v < h[j].v
}

func (h *distHeap) push(it heapItem) {
	*h = append(*h, it)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if !a.less(i, p) {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (h *distHeap) pop() heapItem {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(a) && a.less(l, m) {
			m = l
		}
		if r < len(a) && a.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}
