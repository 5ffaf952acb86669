package app

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func (a *App) routes() {
	a.Mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	a.Mux.HandleFunc("GET /readyz", a.serveReady)
	a.Mux.Handle("GET /metrics", promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{Registry: a.Registry}))
	a.Mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/chat", http.StatusFound)
	})
}

// Readiness is the body of /readyz: "ok" or the error, per component.
type Readiness struct {
	Status     string            `json:"status"` // ok or unavailable
	Components map[string]string `json:"components"`
}

// Ready checks the database, Redis and every component added with
// AddHealth.
func (a *App) Ready(ctx context.Context) Readiness {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	r := Readiness{Status: "ok", Components: map[string]string{}}
	set := func(name string, err error) {
		if err != nil {
			r.Status = "unavailable"
			r.Components[name] = oneLine(err)
			return
		}
		r.Components[name] = "ok"
	}
	set("database", a.DB.PingContext(ctx))
	set("redis", a.Redis.Ping(ctx).Err())
	for _, h := range a.health {
		set(h.name, h.h.Health())
	}
	if a.whatsappLease != nil {
		// Which replica connects WhatsApp: "held" here, "standby" elsewhere.
		r.Components["whatsapp_lease"] = "standby"
		if a.whatsappLease.Held() {
			r.Components["whatsapp_lease"] = "held"
		}
	}
	return r
}

func (a *App) serveReady(w http.ResponseWriter, r *http.Request) {
	rd := a.Ready(r.Context())
	code := http.StatusOK
	if rd.Status != "ok" {
		code = http.StatusServiceUnavailable
	}
	writeJSON(w, code, rd)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
