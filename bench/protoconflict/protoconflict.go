// Package protoconflict lets goflow and Jejaring share one benchmark
// binary. Both link libphonenumber's metadata — Jejaring through
// github.com/nyaruka/phonenumbers, goflow through its /v2 module — and both
// register the same "phonemetadata.proto" with protobuf's global registry,
// which panics at start-up on such a conflict unless
// GOLANG_PROTOBUF_REGISTRATION_CONFLICT says otherwise. Neither side looks
// the file up by name, so the benchmark ignores the conflict: this package
// sets the variable in its init, which runs before the phonenumbers
// packages' because Go initialises ready packages in import-path order and
// this path sorts first.
package protoconflict

import "os"

func init() {
	if os.Getenv("GOLANG_PROTOBUF_REGISTRATION_CONFLICT") == "" {
		_ = os.Setenv("GOLANG_PROTOBUF_REGISTRATION_CONFLICT", "ignore")
	}
}
