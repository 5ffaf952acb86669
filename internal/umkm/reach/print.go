package reach

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"jejaring/internal/idn"
)

//go:embed print/*.html print/print.css
var printFS embed.FS

// Letter is one business's invitation letter: what it shows of the record
// (phone and NIK masked) and the claim token its QR codes carry.
type Letter struct {
	RegNo, BusinessName, OwnerName string
	Phone, NIK                     string // masked (idn.MaskPhone, idn.MaskNIK)
	Place                          string // "Kecamatan …, Nagari …"
	Products                       string
	Token                          string
	// WhatsAppLink and TelegramLink are the deep links the QR codes
	// carry (Office.ConfirmLinks); WhatsAppQR and TelegramQR the images.
	WhatsAppLink, TelegramLink string
	WhatsAppQR, TelegramQR     template.URL
}

// NewLetter fills a letter from a record's fields; phone and nik are the
// unmasked values (masked here), token its claim token.
func (o Office) NewLetter(regNo, business, owner, phone, nik, place, products, token string) (Letter, error) {
	l := Letter{RegNo: regNo, BusinessName: business, OwnerName: owner, Place: place, Products: products, Token: token}
	if phone != "" {
		l.Phone = idn.MaskPhone(phone)
	}
	if nik != "" {
		l.NIK = idn.MaskNIK(nik)
	}
	l.WhatsAppLink, l.TelegramLink = o.ConfirmLinks(token)
	var err error
	if l.WhatsAppLink != "" {
		if l.WhatsAppQR, err = QRDataURL(l.WhatsAppLink); err != nil {
			return l, err
		}
	}
	if l.TelegramLink != "" {
		if l.TelegramQR, err = QRDataURL(l.TelegramLink); err != nil {
			return l, err
		}
	}
	return l, nil
}

// Poster is one kecamatan's poster: general QR codes without a token.
type Poster struct {
	Kecamatan                  string
	Total, Reachable           int // records there, and reachable by chat (0: not shown)
	WhatsAppLink, TelegramLink string
	WhatsAppQR, TelegramQR     template.URL
}

// NewPoster fills the poster of one kecamatan.
func (o Office) NewPoster(kecamatan string, total, reachable int) (Poster, error) {
	p := Poster{Kecamatan: kecamatan, Total: total, Reachable: reachable}
	p.WhatsAppLink, p.TelegramLink = o.RegisterLinks()
	var err error
	if p.WhatsAppLink != "" {
		if p.WhatsAppQR, err = QRDataURL(p.WhatsAppLink); err != nil {
			return p, err
		}
	}
	if p.TelegramLink != "" {
		if p.TelegramQR, err = QRDataURL(p.TelegramLink); err != nil {
			return p, err
		}
	}
	return p, nil
}

// Printer renders letters and posters as print-ready A4 HTML (one sheet a
// page, @page CSS inline, QR codes as data: images): a file to open and
// print, or a page the dashboard serves.
type Printer struct {
	tpl *template.Template
	css string
}

// NewPrinter parses the documents' templates.
func NewPrinter() (*Printer, error) {
	css, err := printFS.ReadFile("print/print.css")
	if err != nil {
		return nil, fmt.Errorf("print css: %w", err)
	}
	tpl, err := template.ParseFS(printFS, "print/*.html")
	if err != nil {
		return nil, fmt.Errorf("print templates: %w", err)
	}
	return &Printer{tpl: tpl, css: string(css)}, nil
}

// StyleHash is the CSP source of the documents' inline style
// ("'sha256-…'"), so a page served under style-src 'self' may carry it.
func (p *Printer) StyleHash() string {
	sum := sha256.Sum256([]byte(p.css))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

type printData struct {
	Office          Office
	WhatsAppDisplay string
	CSS             template.CSS
	Letters         []Letter
	Posters         []Poster
}

func (p *Printer) data(o Office) printData {
	d := printData{Office: o, CSS: template.CSS(p.css)}
	if o.WhatsApp != "" {
		d.WhatsAppDisplay = displayPhone(o.WhatsApp)
	}
	return d
}

// Letters writes the letters as one A4 document.
func (p *Printer) Letters(w io.Writer, o Office, letters []Letter) error {
	d := p.data(o)
	d.Letters = letters
	if err := p.tpl.ExecuteTemplate(w, "letters", d); err != nil {
		return fmt.Errorf("letters: %w", err)
	}
	return nil
}

// Posters writes the posters as one A4 document.
func (p *Printer) Posters(w io.Writer, o Office, posters []Poster) error {
	d := p.data(o)
	d.Posters = posters
	if err := p.tpl.ExecuteTemplate(w, "posters", d); err != nil {
		return fmt.Errorf("posters: %w", err)
	}
	return nil
}

// displayPhone writes +6281234567890 as 0812-3456-7890, the way owners
// type a number.
func displayPhone(e164 string) string {
	d := strings.TrimPrefix(e164, "+")
	if !strings.HasPrefix(d, "62") {
		return e164
	}
	d = "0" + d[2:]
	var parts []string
	for len(d) > 4 && len(parts) < 2 {
		parts = append(parts, d[:4])
		d = d[4:]
	}
	return strings.Join(append(parts, d), "-")
}
