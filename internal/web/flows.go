package web

import "net/http"

// FlowSource is what the flows page reads.
type FlowSource interface{}

func (s *Server) flowRoutes(mux *http.ServeMux) {}
