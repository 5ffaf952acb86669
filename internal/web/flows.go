package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"jejaring/internal/channel"
	"jejaring/internal/flow"
	"jejaring/internal/store"
)

// FlowSource is what the flows page reads: the flows the bot runs (the
// set `jejaring flows check` checks), the registered action names, and a
// way to talk to the bot as a throwaway contact for the "try it" panel.
type FlowSource interface {
	Flows() *flow.Set
	Actions() []string
	// Try hands one message to the bot from the throwaway contact named
	// by tryID (a web chat address of its own) and returns the replies.
	Try(ctx context.Context, tryID string, in channel.Inbound) ([]channel.Outbound, error)
	// EndTry erases the throwaway contact (as hapusdata would: contact,
	// any business it registered, its session), actor naming the staff.
	EndTry(ctx context.Context, tryID, actor string) error
}

func (s *Server) flowRoutes(mux *http.ServeMux) {
	mux.Handle("GET /dashboard/flows", s.need(store.RoleStaff, s.flowsPage))
	mux.Handle("POST /dashboard/flows/try", s.need(store.RoleStaff, s.flowTry))
	mux.Handle("POST /dashboard/flows/try/end", s.need(store.RoleStaff, s.flowTryEnd))
}

type flowView struct {
	ID, Title, File string
	Keywords        []string
	Menu            bool
	Steps           int
	Mermaid         string
}

type flowsData struct {
	Flows    []flowView
	Problems []string
	TryID    string
	Wired    bool
}

func (s *Server) flowsPage(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	d := flowsData{}
	if src := s.opt.Flows; src != nil && src.Flows() != nil {
		d.Wired = true
		set := src.Flows()
		for _, def := range set.Flows() {
			v := flowView{ID: def.ID, File: def.File, Keywords: def.Keywords, Menu: def.Menu, Steps: len(def.Steps), Mermaid: flow.Mermaid(def)}
			v.Title = def.Title.String(lang)
			d.Flows = append(d.Flows, v)
		}
		for _, p := range set.Check(src.Actions()) {
			d.Problems = append(d.Problems, p.String())
		}
		d.TryID = newTryID(u)
	}
	// Mermaid measures its labels with a <style> it puts in the page;
	// this page alone allows inline styles (scripts stay 'self' only).
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	s.render(w, r, &u, http.StatusOK, "flows", "flows.title", page{Data: d})
}

// newTryID names a throwaway contact for user u: the user's name and 64
// random bits, so one staff member cannot drive another's.
func newTryID(u store.StaffUser) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return u.Username + "." + hex.EncodeToString(b[:])
}

func tryIDOf(u store.StaffUser, id string) bool {
	rest, ok := strings.CutPrefix(id, u.Username+".")
	return ok && len(rest) == 16 && strings.Trim(rest, "0123456789abcdef") == ""
}

type tryRequest struct {
	TryID  string `json:"try_id"`
	Text   string `json:"text"`
	Choice string `json:"choice"`
	Seq    int    `json:"seq"` // the page's message number, for the message id
}

type tryMessage struct {
	Text    string           `json:"text"`
	Choices []channel.Choice `json:"choices,omitempty"`
}

// flowTry is one turn of the "try it" chat: JSON {try_id, text | choice}
// in, {messages: [...]} out, as the web chat's API answers.
func (s *Server) flowTry(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	var req tryRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10)).Decode(&req); err != nil || !tryIDOf(u, req.TryID) || s.opt.Flows == nil {
		writeDoorJSON(w, http.StatusBadRequest, map[string]string{"error": t(lang, "door.badreq")})
		return
	}
	in := channel.Inbound{MessageID: newScanID(), GeneratedID: true, Kind: channel.KindText, Text: strings.TrimSpace(req.Text),
		DisplayName: "Uji coba dasbor (" + u.Username + ")", Language: lang, Time: s.opt.Now()}
	if req.Choice != "" {
		in.Kind, in.Choice = channel.KindChoice, req.Choice
	}
	out, err := s.opt.Flows.Try(r.Context(), req.TryID, in)
	if err != nil {
		s.opt.Log.Error("dashboard: try a flow", "err", err)
		writeDoorJSON(w, http.StatusInternalServerError, map[string]string{"error": t(lang, "err.server")})
		return
	}
	msgs := make([]tryMessage, 0, len(out))
	for _, m := range out {
		msgs = append(msgs, tryMessage{Text: m.Text, Choices: m.Choices})
	}
	writeDoorJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}

// flowTryEnd erases the throwaway contact.
func (s *Server) flowTryEnd(w http.ResponseWriter, r *http.Request, u store.StaffUser) {
	lang := langOf(w, r)
	var req tryRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 8<<10)).Decode(&req); err != nil || !tryIDOf(u, req.TryID) || s.opt.Flows == nil {
		writeDoorJSON(w, http.StatusBadRequest, map[string]string{"error": t(lang, "door.badreq")})
		return
	}
	if err := s.opt.Flows.EndTry(r.Context(), req.TryID, "staff:"+u.Username); err != nil {
		s.opt.Log.Error("dashboard: end a try", "err", err)
		writeDoorJSON(w, http.StatusInternalServerError, map[string]string{"error": t(lang, "err.server")})
		return
	}
	writeDoorJSON(w, http.StatusOK, map[string]any{"ended": true, "try_id": newTryID(u)})
}
