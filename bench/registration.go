// Package enginebench runs Jejaring's conversation engine and goflow (the
// engine of RapidPro/TextIt) side by side on the same 20-question business
// registration, each message as a service handles it: the stored session's
// JSON in, the engine's turn, the next session's JSON out. It is a module
// of its own so the product's go.mod does not carry goflow.
//
// Run it from this directory:
//
//	go test -run '^$' -bench . -benchmem -count 5
//
// Both engines get the same typed answers. The Jejaring side is the
// product's own code (flow.Step on internal/flow/testdata/registration.yaml,
// the session codec of internal/session); the goflow side is a flow built
// from Questions below: a send_msg and a waiting switch router per
// question, a result saved per answer, the same branch on the NIB question
// and the same summary at the end.
package enginebench

// Question is one question of the registration as goflow asks it.
type Question struct {
	// Result is the answer's name (Jejaring's `save`).
	Result string
	Prompt string
	// Test is the goflow router test ("has_text", "has_number_gte", ...)
	// and Args its arguments; Cases, when set, are has_any_word cases of
	// a choice question (one category each).
	Test  string
	Args  []string
	Cases []Case
}

// Case is one choice: its category and the words that pick it.
type Case struct {
	Category string
	Words    string
}

// Questions mirror internal/flow/testdata/registration.yaml. Where goflow
// has no reader of its own (Indonesian money like "1,5 juta", an Indonesian
// month name, a multiple choice) the nearest test that accepts the same
// answer is used, so both engines walk the same 20 questions; goflow's
// turn does less reading than Jejaring's there, never more.
var Questions = []Question{
	{Result: "business_name", Prompt: "Apa nama usaha Bapak/Ibu?", Test: "has_pattern", Args: []string{`^.{3,80}$`}},
	{Result: "sector", Prompt: "Bidang usaha?", Cases: []Case{
		{"kuliner", "1 makanan minuman"}, {"kriya", "2 pakaian kerajinan"}, {"jasa", "3 jasa"}, {"tani", "4 pertanian perikanan"}}},
	{Result: "kecamatan", Prompt: "Kecamatan?", Cases: []Case{
		{"13.01.01", "1 pancung soal"}, {"13.01.02", "2 ranah pesisir"}, {"13.01.03", "3 lengayang"},
		{"13.01.04", "4 batang kapas"}, {"13.01.05", "5 jurai painan"}, {"13.01.06", "6 bayang"},
		{"13.01.07", "7 koto tarusan"}, {"13.01.08", "8 sutera"}, {"13.01.09", "9 linggo sari baganti"},
		{"13.01.10", "10 lunang"}, {"13.01.11", "11 basa ampek balai"}, {"13.01.12", "12 nagari utara"},
		{"13.01.13", "13 airpura"}, {"13.01.14", "14 ranah ampek hulu"}, {"13.01.15", "15 silaut"}}},
	{Result: "needs", Prompt: "Kebutuhan usaha?", Test: "has_any_word", Args: []string{"modal pasar pembeli pemasok pendampingan izin perizinan"}},
	{Result: "employees", Prompt: "Berapa pekerja?", Test: "has_number_gte", Args: []string{"0"}},
	{Result: "capital", Prompt: "Modal usaha?", Test: "has_number"},
	{Result: "sales", Prompt: "Omzet per bulan?", Test: "has_number"},
	{Result: "started", Prompt: "Sejak kapan?", Test: "has_pattern", Args: []string{`\d{1,2}\s+\w+\s+\d{4}`}},
	{Result: "has_nib", Prompt: "Punya NIB?", Cases: []Case{{"ya", "ya iya sudah punya"}, {"tidak", "tidak belum"}}},
	{Result: "nib", Prompt: "NIB?", Test: "has_pattern", Args: []string{`^\d{13}$`}},
	{Result: "kbli", Prompt: "KBLI?", Test: "has_pattern", Args: []string{`^\d{5}$`}},
	{Result: "nik", Prompt: "NIK pemilik?", Test: "has_pattern", Args: []string{`^\d{16}$`}},
	{Result: "phone", Prompt: "Nomor HP?", Test: "has_phone", Args: []string{"ID"}},
	{Result: "email", Prompt: "Email?", Test: "has_email"},
	{Result: "address", Prompt: "Alamat usaha?", Test: "has_text"},
	{Result: "owner_name", Prompt: "Nama pemilik?", Test: "has_text"},
	{Result: "owner_role", Prompt: "Peran Bapak/Ibu?", Cases: []Case{{"pemilik", "1 pemilik"}, {"pengelola", "2 pengelola"}}},
	{Result: "branches", Prompt: "Berapa cabang?", Test: "has_number_gte", Args: []string{"0"}},
	{Result: "channels", Prompt: "Jualan lewat mana saja?", Test: "has_any_word", Args: []string{"toko marketplace instagram whatsapp"}},
	{Result: "export", Prompt: "Sudah ekspor?", Cases: []Case{{"ya", "ya iya sudah"}, {"tidak", "tidak belum"}}},
}

// Answers are the typed answers of one owner, the same for both engines
// (the inputs of internal/flow's BenchmarkStep).
var Answers = []string{
	"Kerupuk Sanjai Bu Siti", "1", "tarusan", "modal dan pasar", "3", "1,5 juta", "12 juta",
	"17 Agustus 2019", "ya", "1234567890123", "47111", "1301015708900001", "0812-3456-7890",
	"siti@gmail.com", "Jl. Raya Painan No. 5, Painan", "Siti Aminah", "pemilik", "2",
	"Toko, Instagram", "tidak",
}

// Engine is one side of the comparison.
type Engine interface {
	// Start begins a registration and returns the stored session.
	Start() ([]byte, error)
	// Turn handles one typed message: session JSON in, the next
	// session's JSON and the number of replies out.
	Turn(session []byte, text string) (next []byte, replies int, err error)
}
