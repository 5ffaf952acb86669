//go:build !race

package store

// passwordCost is the bcrypt cost of new staff passwords: 12, some 0.2 to
// 0.3 s per check on a small server (issue 13 asks at least 12). Older
// hashes are raised to it at the next sign-in (CheckStaffPassword).
const passwordCost = 12
