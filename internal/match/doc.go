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
// changes to the meetings already announced (a change: a meeting still
// possible that is no longer in its slot). Because a person told "table 7
// at 10:20" should not be moved for tidiness, a re-run never moves an
// announced meeting to close a gap: for re-runs, changes rank above gaps.
//
// # Algorithm
//
//  1. Solve the relaxation below (a min-cost flow). Its optimal pairs, each
//     with the slot the flow gave it, are the target, and its value is the
//     bound.
//  2. Place the target pairs: first each in its relaxed slot where that
//     fits (only an owner's meetings can clash there), then the rest, the
//     most constrained first, by ejection chains: a pair that does not fit
//     takes a slot whose one blocking meeting moves on, recursively (or
//     whose two blockers — the owner's own meeting and one of the partner's
//     full seats — both move on), or its owner meets another wished partner
//     instead. Chains are tried shortest first, bounded in depth and in the
//     meetings tried.
//  3. Owners still without a meeting, then every pair not meeting (heaviest
//     first), are inserted by the same chains, which may now leave a lighter
//     meeting out when that raises (coverage, weight). Skipped when the
//     schedule already equals the bound: nothing better exists.
//  4. Compaction: a meeting moves to another slot, two swap slots, or two of
//     an owner's meetings move together, whenever the people involved get
//     fewer gaps; at a local optimum each meeting may once step sideways
//     (same gaps) and the descent resumes. Coverage and weight never change.
//  5. Tables: a kept meeting keeps its table; a partner sits again at a
//     table they had earlier in the day; else the lowest free table.
//
// Resolve (a re-run) builds two candidates and keeps the better in objective
// order: one keeps every announced meeting that is still possible where it
// was and adds meetings around them before letting any move; the other
// takes the relaxed optimum that keeps the most announced pairs (ties broken
// towards them) and puts those back in their old slots first. Compaction
// leaves announced meetings where they are: an announced meeting moves only
// to cover an owner or add weight, never to close a gap.
//
// Everything iterates in index order over slices (no map order, no random
// numbers), so the same instance gives the same schedule.
//
// # The bound
//
// Relax keeps every rule but one — an owner's meetings need not be in
// different slots — and so drops the coupling between an owner's meetings
// across slots. What stays: an owner meets at most min(MaxPerOwner, the
// slots they share with some wished partner) partners; each wished,
// unvetoed pair at most once, in a slot both are free in; a partner at most
// seats meetings per slot; a slot at most Tables meetings; locks always.
// Any valid schedule satisfies all of these, so its objective can not exceed
// the relaxation's. The relaxation is a min-cost flow — source → owner
// (capacity 1 at cost −B for the first meeting, B more than all weights
// together, the rest at cost 0), owner → pair (capacity 1, cost −weight),
// pair → (partner, slot) for each slot both are free in, (partner, slot) →
// slot (capacity seats), slot → sink (capacity Tables) — solved exactly in
// polynomial time by successive shortest paths with potentials (Dijkstra,
// then a blocking flow on the arcs of zero reduced cost); integral
// capacities give an integral optimum. Its optimum is lexicographic like
// ours: no schedule covers more than Bound.Coverage owners, and none that
// covers that many has more weight than Bound.Weight. When a schedule
// reaches both, it is optimal in coverage and weight. Weights are handled in
// integer micro-units so that comparisons are exact.
//
// Dropping the slots altogether (partner capacity Σ min(seats, Tables) over
// their slots, Slots × Tables in all) is also a valid bound, and looser:
// every flow above is one of it.
//
// Feasibility is the arithmetic before any wish is known: slots × tables
// meetings for the registered owners.
package match
