package web

import "net/http"

// ChannelSource is what the channels page reads (see channels.go).
type ChannelSource interface{}

func (s *Server) channelRoutes(mux *http.ServeMux) {}
