// Package match schedules a temu bisnis: short meetings between business
// owners (UMKM) and partners — investors, buyers, banks, programmes, mentors
// — on a grid of slots × tables, and proves how good the schedule is.
//
// # Model
//
// An Instance has Slots (numbered from 0) and Tables (the same in every
// slot), owners and partners with the slots they are free in, partner seats
// (a partner with s seats holds up to s meetings in one slot, each at its
// own table), MaxPerOwner, wishes with positive weights (mutual wishes
// already summed), vetoes, and locked meetings. A schedule is valid when
// every meeting is a wished, unvetoed pair that meets at most once, in a
// slot both are free in; an owner has at most one meeting per slot and at
// most MaxPerOwner; a partner at most seats per slot; a slot at most Tables
// meetings, each at its own table; and every lock is kept. Validate checks
// all of it without the solver.
//
// # Objective
//
// Lexicographic, in this order: (1) the number of owners with at least one
// meeting (coverage); (2) the total wish weight; (3) the fewest idle gaps —
// slots between a person's first and last meeting in which they have none,
// summed over owners and partners; (4) on a re-run (Resolve), the fewest
// changes to the meetings already announced. On a re-run the search keeps
// announced meetings fixed while it compacts: an announced meeting moves
// only to cover an owner or add weight, never to close a gap, because a
// person told "table 7 at 10:20" should not be moved for tidiness.
//
// # Algorithm
//
//  1. Solve the relaxation below (a min-cost flow); its optimal pairs are the
//     target, and give the bound.
//  2. Place the target pairs in slots, the most constrained first. A pair
//     that does not fit takes a slot whose one blocking meeting moves on,
//     recursively (an ejection chain, shortest first, bounded in depth and
//     in the meetings tried); its owner may take another wished partner
//     instead.
//  3. Owners still without a meeting, then every pair not meeting (heaviest
//     first), are inserted by the same chains, which may now leave a lighter
//     meeting out when that raises (coverage, weight). Skipped when the
//     schedule already equals the bound: nothing better exists.
//  4. Compaction: a meeting moves to another slot, or two swap slots,
//     whenever the people involved have fewer gaps; coverage and weight do
//     not change.
//  5. Tables: a kept meeting keeps its table; a partner sits again at a
//     table they had earlier; else the lowest free table.
//
// Everything iterates in index order over slices (no map order, no random
// numbers), so the same instance gives the same schedule.
//
// # The bound
//
// Relax drops the coupling between meetings in the same slot but keeps every
// count the slots imply: an owner meets at most min(MaxPerOwner, the number
// of slots they share with some wished partner) partners; a partner holds at
// most Σ min(seats, Tables) over the slots they share with some wished
// owner; all meetings together take at most Slots × Tables tables; each pair
// meets at most once; locks always meet. Any valid schedule satisfies all of
// these, so its objective can not exceed the relaxation's. The relaxation is
// a min-cost flow — source → owner (capacity 1 at cost −B for the first
// meeting, B more than all weights together, the rest at cost 0), owner →
// partner (capacity 1, cost −weight), partner → collector (its capacity),
// collector → sink (the tables) — solved exactly in polynomial time by
// successive shortest paths with potentials; integral capacities give an
// integral optimum. Its optimum is lexicographic like ours: no schedule
// covers more than Bound.Coverage owners, and none that covers that many
// has more than Bound.Weight. When the schedule reaches both, it is optimal
// in coverage and weight. Weights are handled in integer micro-units so that
// comparisons are exact.
//
// Feasibility is the arithmetic before any wish is known: slots × tables
// meetings for the registered owners.
package match
