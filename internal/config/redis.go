package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// RedisTarget is what REDIS_URL names: one Redis server (Single) or a
// Redis Cluster (Cluster, reached through any of its seed addresses).
// Exactly one of the two is set.
type RedisTarget struct {
	Single  *redis.Options
	Cluster *redis.ClusterOptions
}

// Addrs lists the addresses the target is reached through.
func (t RedisTarget) Addrs() []string {
	if t.Cluster != nil {
		return t.Cluster.Addrs
	}
	if t.Single != nil {
		return []string{t.Single.Addr}
	}
	return nil
}

// ParseRedisURL reads REDIS_URL. Its forms:
//
//	redis://[:password@]host:6379/0          one server (rediss:// for TLS)
//	redis+cluster://[:password@]h1:7000,h2:7001,h3:7002
//	                                          a Redis Cluster, by any of its nodes (rediss+cluster:// for TLS)
//	redis://[:password@]h1:7000,h2:7001       several addresses: a Redis Cluster too
//
// Query parameters are go-redis's (dial_timeout=3s, pool_size=20, …). A
// cluster has only database 0, so a cluster URL names no other.
func ParseRedisURL(raw string) (RedisTarget, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return RedisTarget{}, errors.New("no scheme (want redis://, rediss://, redis+cluster:// or rediss+cluster://)")
	}
	cluster := false
	switch scheme {
	case "redis", "rediss":
	case "redis+cluster", "rediss+cluster":
		cluster = true
		scheme = strings.TrimSuffix(scheme, "+cluster")
	default:
		return RedisTarget{}, fmt.Errorf("unknown scheme %q (want redis://, rediss://, redis+cluster:// or rediss+cluster://)", scheme)
	}
	// The authority ends at the path or the query; it may hold userinfo
	// and a comma-separated list of addresses, which url.Parse refuses.
	end := strings.IndexAny(rest, "/?")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	userinfo := ""
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, authority = authority[:i+1], authority[i+1:]
	}
	hosts := strings.Split(authority, ",")
	for _, h := range hosts {
		if _, port, err := net.SplitHostPort(h); err != nil || port == "" {
			if len(hosts) > 1 || cluster {
				return RedisTarget{}, fmt.Errorf("address %q: want host:port", h)
			}
		}
	}
	if len(hosts) > 1 {
		cluster = true
	}
	if !cluster {
		opt, err := redis.ParseURL(raw)
		if err != nil {
			return RedisTarget{}, err
		}
		return RedisTarget{Single: opt}, nil
	}
	path, query, _ := strings.Cut(tail, "?")
	if p := strings.Trim(path, "/"); p != "" && p != "0" {
		return RedisTarget{}, fmt.Errorf("a Redis Cluster has only database 0, got /%s", p)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return RedisTarget{}, fmt.Errorf("query: %w", err)
	}
	for _, h := range hosts[1:] {
		q.Add("addr", h)
	}
	u := scheme + "://" + userinfo + hosts[0]
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	opt, err := redis.ParseClusterURL(u)
	if err != nil {
		return RedisTarget{}, err
	}
	return RedisTarget{Cluster: opt}, nil
}
