//go:build race

package store

import "golang.org/x/crypto/bcrypt"

// passwordCost under the race detector, which makes bcrypt some fifty times
// slower: tests built with -race hash with the minimum cost so the suite
// stays fast. Nothing is deployed from a race build; a hash records its own
// cost, so checking works the same either way.
const passwordCost = bcrypt.MinCost
