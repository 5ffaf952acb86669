package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"jejaring/internal/config"
)

// runHealthcheck asks the server at HTTP_ADDR for /healthz. The container
// image has no shell or curl, so docker-compose's health check runs this.
func runHealthcheck(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(s.err)
	path := fs.String("path", "/healthz", "path to ask for (/healthz: alive, /readyz: database, Redis and channels answer)")
	flags := config.AddFlags(fs, "HTTP_ADDR")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := flags.Load(s.getenv)
	if err != nil {
		s.failf("%v", err)
		return 2
	}
	host, port, _ := net.SplitHostPort(cfg.HTTPAddr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + *path
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return s.failf("healthcheck: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s.failf("healthcheck %s: %v", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s.failf("healthcheck %s: %s", url, resp.Status)
	}
	fmt.Fprintln(s.out, "ok")
	return 0
}
