package store

import "net/url"

// pgDefaults adds the run-time settings Jejaring wants on every PostgreSQL
// connection unless DATABASE_URL sets them itself:
//
//   - jit=off: at five million outbox rows the planner's estimates cross
//     jit_above_cost on the dispatcher's progress query and PostgreSQL
//     spends about a second compiling it for a ten-millisecond run
//     (measured with `jejaring bench db`, docs/scaling.md). Short OLTP
//     statements never gain from JIT.
func pgDefaults(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // Open reports the bad URL
	}
	q := u.Query()
	if q.Has("jit") {
		return dsn
	}
	q.Set("jit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}
