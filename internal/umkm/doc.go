// Package umkm is the domain of the office's business register: the Business
// record and its validation, the PP 7/2021 size class, the regions (kecamatan
// and nagari) and KBLI sections as embedded data files, and the privacy
// notice. It holds no SQL and no HTTP: internal/store keeps the records, and
// each consumer declares the narrow interface of it that it takes.
//
// # Size class: which rule wins
//
// PP 7/2021 (Pasal 35) classifies a business by its capital (modal usaha,
// without land and buildings) when it is set up or registered, and by its
// annual sales (hasil penjualan tahunan) once it trades. An owner registering
// over chat often gives both, and they may disagree. Jejaring decides:
//
//   - annual sales above zero win: the business already trades, and sales is
//     the criterion the regulation uses for existing businesses (it is also
//     the figure the office can check against later reports);
//   - capital decides only when there are no sales yet (a new business, or
//     sales unknown or zero);
//   - with neither figure, the class is unknown ("").
//
// Classify returns the class and the basis ("omzet" or "modal") so the bot
// can tell the owner which figure decided. Every boundary is tested in
// sizeclass_test.go. Above the medium bounds the class is Besar ("usaha
// besar"): the business is not an UMKM, and the bot says so kindly.
//
// # Regions and sectors are data
//
// data/*.yaml holds one file per regency (code, registration-number prefix,
// kecamatan with codes and nagari) and data/kbli2020.yaml the KBLI sections
// with titles and free-text keywords. Another regency is a new data file.
package umkm
