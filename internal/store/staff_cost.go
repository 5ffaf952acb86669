//go:build !race

package store

import "golang.org/x/crypto/bcrypt"

// passwordCost is the bcrypt cost of new staff passwords.
const passwordCost = bcrypt.DefaultCost
