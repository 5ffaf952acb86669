package app

import (
	"context"
	"time"

	"jejaring/internal/channel"
	"jejaring/internal/metrics"
)

// greeter answers every message with the same welcome. It is what the web
// chat runs until the bot pipeline is wired in; it counts messages like the
// bot does so /metrics is meaningful either way.
func greeter(m *metrics.Metrics) channel.Handler {
	return channel.HandlerFunc(func(ctx context.Context, in channel.Inbound) ([]channel.Outbound, error) {
		start := time.Now()
		ch := string(in.From.Channel)
		m.In(ch)
		out := []channel.Outbound{{
			Text: "Halo, selamat datang di Jejaring, layanan obrolan untuk UMKM.\n" +
				"Pendaftaran usaha dan undangan acara lewat obrolan ini segera tersedia. Terima kasih, Bapak/Ibu.",
		}}
		m.Out(ch, len(out))
		m.Observe(ch, time.Since(start))
		return out, nil
	})
}

// handler builds what answers inbound messages on every channel.
func (a *App) handler(ctx context.Context) (channel.Handler, error) {
	return greeter(a.Metrics), nil
}
