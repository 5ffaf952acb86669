package webchat

import (
	"net/http"
	"strconv"
	"time"
)

// apiError is one refusal of the API: its status, a stable code for
// scripts, and the text the page shows as it is — Indonesian first, then
// English, worded for a shop owner.
type apiError struct {
	status int
	code   string
	id, en string
}

func (e apiError) text() string { return e.id + "\n" + e.en }

var (
	errBadJSON = apiError{400, "bad_json",
		"Maaf, pesan itu tidak bisa kami baca. Silakan kirim lagi.",
		"Sorry, we could not read that message. Please send it again."}
	errBodyTooBig = apiError{400, "too_large",
		"Maaf, pesannya terlalu panjang. Mohon kirim yang lebih pendek.",
		"Sorry, that message is too long. Please send a shorter one."}
	errEmpty = apiError{400, "empty",
		"Pesannya masih kosong. Silakan tulis pesan Bapak/Ibu.",
		"The message is empty. Please type your message."}
	errTextTooLong = apiError{400, "too_long",
		"Maaf, pesannya terlalu panjang (lebih dari 4.096 huruf). Mohon dipersingkat.",
		"Sorry, that message is too long (over 4,096 characters). Please shorten it."}
	errBadLocation = apiError{400, "bad_location",
		"Maaf, lokasinya tidak terbaca. Silakan kirim lokasi lagi, atau ketik alamatnya.",
		"Sorry, we could not read that location. Please send it again or type the address."}
	errBadRequest = apiError{400, "bad_request",
		"Maaf, permintaan itu tidak bisa kami proses. Silakan muat ulang halaman lalu coba lagi.",
		"Sorry, we could not process that request. Please reload the page and try again."}
	errNoIdentity = apiError{401, "no_identity",
		"Mohon muat ulang halaman obrolan.",
		"Please reload the chat page."}
	errTooFast = apiError{429, "too_many",
		"Maaf, pesannya terlalu cepat. Mohon tunggu sebentar, lalu coba lagi.",
		"Sorry, that was too fast. Please wait a moment and try again."}
	errTooManyStreams = apiError{429, "too_many_streams",
		"Obrolan ini sudah terbuka di tab lain. Mohon tutup salah satunya.",
		"This chat is already open in another tab. Please close one of them."}
	errBusy = apiError{503, "busy",
		"Maaf, layanan sedang ramai. Silakan coba lagi beberapa menit lagi.",
		"Sorry, the service is busy. Please try again in a few minutes."}
	errRestarting = apiError{503, "restarting",
		"Layanan sedang dimulai ulang. Silakan coba lagi sebentar lagi.",
		"The service is restarting. Please try again shortly."}
	errInternal = apiError{500, "internal",
		"Maaf, ada gangguan. Silakan coba lagi sebentar lagi.",
		"Sorry, something went wrong. Please try again shortly."}

	errUploadTooBig = apiError{413, "too_large",
		"Fotonya terlalu besar (lebih dari 5 MB). Mohon kirim foto yang lebih kecil.",
		"The photo is too large (over 5 MB). Please send a smaller one."}
	errUploadNotImage = apiError{400, "not_an_image",
		"Berkas itu bukan foto. Mohon kirim foto (JPEG atau PNG).",
		"That file is not a photo. Please send a photo (JPEG or PNG)."}
	errUploadNoFile = apiError{400, "no_file",
		"Fotonya tidak ikut terkirim. Mohon pilih foto lalu kirim lagi.",
		"The photo did not come through. Please choose it and send again."}
	errUploadOff = apiError{503, "uploads_off",
		"Maaf, kirim foto belum tersedia di sini. Ketik *lewati* untuk melanjutkan.",
		"Sorry, photos cannot be sent here yet. Type *lewati* to go on."}
	errUploadSave = apiError{500, "save_failed",
		"Maaf, fotonya belum bisa disimpan. Silakan coba lagi sebentar lagi.",
		"Sorry, the photo could not be saved. Please try again shortly."}
	errUploadNotAsked = apiError{409, "not_expected",
		"Saat ini belum ada foto yang diminta. Silakan jawab pertanyaan di obrolan dulu.",
		"No photo was asked for right now. Please answer the question in the chat first."}
	errUploadQuota = apiError{429, "quota",
		"Bapak/Ibu sudah mengirim banyak foto hari ini. Silakan coba lagi besok, atau ketik *lewati*.",
		"You have sent many photos today. Please try again tomorrow, or type *lewati*."}
	errUploadNoSpace = apiError{507, "no_space",
		"Maaf, tempat penyimpanan foto sedang penuh. Ketik *lewati* untuk melanjutkan tanpa foto.",
		"Sorry, photo storage is full right now. Type *lewati* to go on without a photo."}
)

// errorResponse is the body of every refusal.
type errorResponse struct {
	Error string `json:"error"`            // for the owner: Indonesian, then English
	Code  string `json:"code"`             // for scripts: bad_json, too_many, not_expected, ...
	Hint  string `json:"detail,omitempty"` // for developers, in English: what was wrong
}

func writeError(w http.ResponseWriter, e apiError, detail string) {
	writeJSON(w, e.status, errorResponse{Error: e.text(), Code: e.code, Hint: detail})
}

// writeLimited is a 429 with Retry-After.
func writeLimited(w http.ResponseWriter, e apiError, retry time.Duration) {
	secs := int((retry + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeError(w, e, "")
}
