package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/densitydiffusion/toolkit/datasets/idx"
)

// ErrUnknown is returned (wrapped) by Lookup and Load for a name that is not
// in the registry.
var ErrUnknown = errors.New("datasets: unknown data set")

// Spec describes a registered data set: where it comes from, what it must
// look like once parsed, and how to cite it. Specs are values: Lookup returns
// a fresh copy, so changing one changes nothing else.
type Spec struct {
	Name  string // registry name, e.g. "avila"
	Title string // human-readable title

	// Folder is the sub-folder of the cache and of the mirror that holds the
	// files, e.g. "avila" (laid out like /work/shared/datasets).
	Folder string

	Rows, Features int // shape of the feature matrix
	ClassNames     []string
	ClassCounts    []int // rows per class, in ClassNames order
	FeatureNames   []string
	NTrain         int    // rows [0, NTrain) are the source's training part; 0 if none
	ImageShape     [2]int // height, width for image data; zero otherwise

	// Partial marks a fixture that is a documented part of a larger set
	// (sensorless-head).
	Partial bool

	Homepage string // landing page of the source
	Licence  string
	Citation string
	DOI      string
	Notes    string // processing done by the loader, caveats

	// Files are the files Load reads, in the layout of the cache and mirror.
	// Files with a URL can be downloaded; Alternatives lists other accepted
	// layouts (for example a CSV export of a workbook sheet) that a cache or
	// mirror may hold instead.
	Files        []File
	Alternatives [][]File

	// TableSHA256 is the table hash of the parsed, normalised table (see the
	// package documentation); empty when it is unknown (the full Sensorless
	// set, see PrefixRows).
	TableSHA256 string
	// PrefixRows and PrefixSHA256, when set, pin the table hash of the first
	// PrefixRows rows.
	PrefixRows   int
	PrefixSHA256 string

	variants []variant
}

// File is one file of a data set.
type File struct {
	// Name is the file name inside the data set's folder of the cache or mirror.
	Name string
	// URL is the canonical source: a zip archive (then Member names the file
	// inside it) or the file itself. Empty for files that cannot be downloaded.
	URL string
	// Fallbacks are further URLs serving the same bytes, tried in order when
	// URL fails (used only where SHA256 is Strict).
	Fallbacks []string
	// Member is the path of the file inside the zip archive at URL.
	Member string
	// SHA256 is the hash of the reference copy (the mirror file). When Strict,
	// the file must match it; otherwise a mismatch is accepted if the parsed
	// table still has the pinned table hash (canonical archives are known to
	// differ in line endings and packaging).
	SHA256 string
	Strict bool
	// ArchiveSHA256, when known, is the hash of the zip archive at URL.
	// (Unknown for the UCI archives, which are re-packed from time to time.)
	ArchiveSHA256 string
}

// variant is one accepted layout of the files and its decoder.
type variant struct {
	files  []File
	decode func(data [][]byte) (*table, error)
}

// Attribution returns a one-paragraph credit line for reports and notebooks:
// title, citation, DOI, licence and source, and the fact that the data were
// downloaded from the source, not redistributed.
func (s Spec) Attribution() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s. %s", s.Title, s.Citation)
	if s.DOI != "" {
		fmt.Fprintf(&b, " doi:%s.", s.DOI)
	}
	fmt.Fprintf(&b, " Licence: %s. Source: %s (downloaded from the source, not redistributed).", s.Licence, s.Homepage)
	return b.String()
}

// Names returns the registered names, sorted.
func Names() []string {
	var n []string
	for _, s := range registry() {
		n = append(n, s.Name)
	}
	slices.Sort(n)
	return n
}

// Lookup returns the Spec of a registered data set.
func Lookup(name string) (Spec, error) {
	for _, s := range registry() {
		if s.Name == name {
			return s, nil
		}
	}
	hint := ""
	if strings.HasPrefix(name, "cardiotocography") {
		hint = " (Cardiotocography has two label sets: cardiotocography-class and cardiotocography-nsp)"
	}
	return Spec{}, fmt.Errorf("%w: %q%s; registered: %s", ErrUnknown, name, hint, strings.Join(Names(), ", "))
}

const (
	uciAvila      = "https://archive.ics.uci.edu/static/public/459/avila.zip"
	uciBanknote   = "https://archive.ics.uci.edu/static/public/267/banknote+authentication.zip"
	uciCTG        = "https://archive.ics.uci.edu/static/public/193/cardiotocography.zip"
	uciSensorless = "https://archive.ics.uci.edu/static/public/325/dataset+for+sensorless+drive+diagnosis.zip"
	mnistBase     = "http://yann.lecun.com/exdb/mnist/"
)

// mnistFallbacks serve byte-identical copies of the four MNIST files (checked
// by SHA-256) and are tried when yann.lecun.com is unavailable.
var mnistFallbacks = []string{
	"https://ossci-datasets.s3.amazonaws.com/mnist/",
	"https://storage.googleapis.com/cvdf-datasets/mnist/",
}

func numberedNames(lo, hi int) []string {
	var s []string
	for i := lo; i <= hi; i++ {
		s = append(s, strconv.Itoa(i))
	}
	return s
}

func prefixed(p string, n int) []string {
	var s []string
	for i := 1; i <= n; i++ {
		s = append(s, p+strconv.Itoa(i))
	}
	return s
}

// registry builds the registry afresh on every call (no package state).
func registry() []Spec {
	avilaCodes := []string{"A", "B", "C", "D", "E", "F", "G", "H", "I", "W", "X", "Y"}
	avilaFiles := []File{
		{Name: "avila-tr.txt", URL: uciAvila, Member: "avila/avila-tr.txt",
			SHA256: "493332af20f750a6b0f7b0c581dd2236bb68a8ace52b412aea1c9c82b2076357"},
		{Name: "avila-ts.txt", URL: uciAvila, Member: "avila/avila-ts.txt",
			SHA256: "0ec227d595dd8d8dc6804a7139c8b6d6e00e21aaea0d9052085057aa98c3e589"},
	}
	avilaFormat := textFormat{sep: ',', cols: 11, label: 10, codes: codes(avilaCodes...)}

	banknoteFiles := []File{{Name: "data_banknote_authentication.txt", URL: uciBanknote,
		Member: "data_banknote_authentication.txt",
		SHA256: "50573e4d341c0c211668136a8b83b592b8dda436520785c3cc3d536fe407a157"}}

	ctgXLS := []File{{Name: "CTG.xls", URL: uciCTG, Member: "CTG.xls",
		SHA256: "58e98895589377b51f77fb6e0d1603417c86872a2d7638263039e0b7b9ca42c7"}}
	ctgCSV := []File{{Name: "ctg-raw-data.csv",
		SHA256: "a8524a8014f45fad97e50d01a247ff126097c36a2c6102612b4b4ffb9369408b"}}
	ctg := func(name string, label ctgLabel) Spec {
		s := Spec{
			Name: name, Folder: "cardiotocography",
			Rows: 2126, Features: 21, FeatureNames: slices.Clone(ctgFeatureNames),
			Homepage: "https://archive.ics.uci.edu/dataset/193/cardiotocography",
			Licence:  "CC BY 4.0",
			Citation: "Ayres-de-Campos, D., Bernardes, J., Garrido, A., Marques-de-Sá, J., Pereira-Leite, L. (2000). " +
				"SisPorto 2.0: a program for automated analysis of cardiotocograms. J Matern Fetal Med 9(5):311–318. " +
				"UCI Machine Learning Repository, Cardiotocography.",
			DOI: "10.24432/C51S4N",
			Notes: "Read from the \"Raw Data\" sheet of CTG.xls (the canonical zip member, parsed by datasets/xls) or from " +
				"that sheet exported as CSV (ctg-raw-data.csv, accepted in a cache or mirror). AC, FM, UC, DL, DS, DP " +
				"are counts over the segment [b, e]; the features are the per-second rates count/(e − b), as in the " +
				"\"Data\" sheet. The 21 features are those of the UCI description (DR, always 0, is left out).",
			Files:        ctgXLS,
			Alternatives: [][]File{ctgCSV},
			variants: []variant{
				{ctgXLS, func(d [][]byte) (*table, error) { return parseCTGXLS(d[0], label) }},
				{ctgCSV, func(d [][]byte) (*table, error) { return parseCTGCSV(d[0], label) }},
			},
		}
		if label == ctgClass {
			s.Title = "Cardiotocography, FHR pattern class (CLASS, 10 classes)"
			s.ClassNames = []string{"A", "B", "C", "D", "SH", "AD", "DE", "LD", "FS", "SUSP"}
		} else {
			s.Title = "Cardiotocography, fetal state (NSP, 3 classes)"
			s.ClassNames = []string{"normal", "suspect", "pathologic"}
		}
		return s
	}
	ctgClassSpec := ctg("cardiotocography-class", ctgClass)
	ctgClassSpec.ClassCounts = []int{384, 579, 53, 81, 72, 332, 252, 107, 69, 197}
	ctgClassSpec.TableSHA256 = "6ad533df237d7a5e906bddd79da0b1b6c162946a445abd6d11d67c0370995462"
	ctgNSPSpec := ctg("cardiotocography-nsp", ctgNSP)
	ctgNSPSpec.ClassCounts = []int{1655, 295, 176}
	ctgNSPSpec.TableSHA256 = "8bbc81101914e2ef87f7a909fb429caecef0f52431bb7672c6207323df238f31"

	sensorlessFull := []File{{Name: "Sensorless_drive_diagnosis.txt", URL: uciSensorless,
		Member: "Sensorless_drive_diagnosis.txt"}}
	sensorlessHead := []File{{Name: "Sensorless_drive_diagnosis.head5748.txt",
		SHA256: "d1f80195e8401b64e7c8baa4620e6bad8298586f36a91aa0fe63753fef280d49"}}
	sensorlessFormat := textFormat{sep: ' ', cols: 49, label: 48, codes: codes(numberedNames(1, 11)...)}
	const sensorlessHeadRows = 5748
	const sensorlessHeadHash = "b74160e21d10e464034103893a04682c21f448d99c0b892a16c272ed91698a27"
	sensorlessCommon := func(s Spec) Spec {
		s.Folder = "sensorless"
		s.Features = 48
		s.FeatureNames = prefixed("f", 48)
		s.ClassNames = numberedNames(1, 11)
		s.Homepage = "https://archive.ics.uci.edu/dataset/325/dataset+for+sensorless+drive+diagnosis"
		s.Licence = "CC BY 4.0"
		s.Citation = "Bator, M. (2013). Dataset for Sensorless Drive Diagnosis. UCI Machine Learning Repository."
		s.DOI = "10.24432/C5VP5F"
		return s
	}

	mnistFile := func(name, sha string) File {
		var fb []string
		for _, b := range mnistFallbacks {
			fb = append(fb, b+name)
		}
		return File{Name: name, URL: mnistBase + name, Fallbacks: fb, SHA256: sha, Strict: true}
	}
	mnistFiles := []File{
		mnistFile("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
		mnistFile("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
		mnistFile("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
		mnistFile("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
	}

	return []Spec{
		{
			Name: "avila", Title: "Avila (writer identification in the Avila Bible)", Folder: "avila",
			Rows: 20867, Features: 10, NTrain: 10430,
			FeatureNames: []string{"intercolumnar distance", "upper margin", "lower margin", "exploitation", "row number",
				"modular ratio", "interlinear spacing", "weight", "peak number", "modular ratio/interlinear spacing"},
			ClassNames:  avilaCodes,
			ClassCounts: []int{8572, 10, 206, 705, 2190, 3923, 893, 1039, 1663, 89, 1044, 533},
			Homepage:    "https://archive.ics.uci.edu/dataset/459/avila",
			Licence:     "CC BY 4.0",
			Citation: "De Stefano, C., Maniaci, M., Fontanella, F., Scotto di Freca, A. (2018). Reliable writer identification " +
				"in medieval manuscripts through page layout features: the \"Avila\" Bible case. Engineering Applications " +
				"of Artificial Intelligence 72, 99–110.",
			DOI:         "10.24432/C5K02X",
			Notes:       "Rows are the training file (10,430, NTrain) followed by the test file (10,437); features are already z-normalised by the authors.",
			Files:       avilaFiles,
			TableSHA256: "65b76764ecf5341beea399e257bf5ed9bc975d5116c45a0f93121f075a6723c3",
			variants: []variant{{avilaFiles, func(d [][]byte) (*table, error) {
				return concatText([]string{"avila-tr.txt", "avila-ts.txt"}, d, avilaFormat, true)
			}}},
		},
		{
			Name: "banknote", Title: "Banknote Authentication", Folder: "banknote",
			Rows: 1372, Features: 4,
			FeatureNames: []string{"variance", "skewness", "curtosis", "entropy"},
			ClassNames:   []string{"0", "1"},
			ClassCounts:  []int{762, 610},
			Homepage:     "https://archive.ics.uci.edu/dataset/267/banknote+authentication",
			Licence:      "CC BY 4.0",
			Citation:     "Lohweg, V. (2013). Banknote Authentication. UCI Machine Learning Repository.",
			DOI:          "10.24432/C55P57",
			Notes:        "Features are statistics of wavelet-transformed images of banknotes; the label is the file's last column.",
			Files:        banknoteFiles,
			TableSHA256:  "c58ab860ff198ba2032d2047326a117fc46a8babbecf1b2b4bde1de6216782c2",
			variants: []variant{{banknoteFiles, func(d [][]byte) (*table, error) {
				return concatText([]string{"data_banknote_authentication.txt"}, d,
					textFormat{sep: ',', cols: 5, label: 4, codes: codes("0", "1")}, false)
			}}},
		},
		ctgClassSpec,
		ctgNSPSpec,
		sensorlessCommon(Spec{
			Name: "sensorless", Title: "Dataset for Sensorless Drive Diagnosis (full, 58,509 rows)",
			Rows: 58509, ClassCounts: []int{5319, 5319, 5319, 5319, 5319, 5319, 5319, 5319, 5319, 5319, 5319},
			Notes: "The full file (about 26 MB) must be downloaded (or placed in the cache or mirror); its own hash is not " +
				"pinned, so it is verified by shape, class counts and the table hash of its first 5,748 rows, which must " +
				"equal the sensorless-head fixture.",
			Files:      sensorlessFull,
			PrefixRows: sensorlessHeadRows, PrefixSHA256: sensorlessHeadHash,
			variants: []variant{{sensorlessFull, func(d [][]byte) (*table, error) {
				return concatText([]string{"Sensorless_drive_diagnosis.txt"}, d, sensorlessFormat, false)
			}}},
		}),
		sensorlessCommon(Spec{
			Name: "sensorless-head", Title: "Dataset for Sensorless Drive Diagnosis, first 5,748 rows (partial fixture)",
			Rows: sensorlessHeadRows, ClassCounts: []int{5319, 429, 0, 0, 0, 0, 0, 0, 0, 0, 0},
			Partial: true,
			Notes: "A documented partial fixture: the first 5,748 rows of the full file (all of class 1, 429 of class 2). " +
				"Read from Sensorless_drive_diagnosis.head5748.txt in a cache or mirror, or cut from the full file " +
				"(which is what a download fetches). Not for classification experiments: only two classes occur.",
			Files:        sensorlessHead,
			Alternatives: [][]File{sensorlessFull},
			TableSHA256:  sensorlessHeadHash,
			variants: []variant{
				{sensorlessHead, func(d [][]byte) (*table, error) {
					return concatText([]string{"Sensorless_drive_diagnosis.head5748.txt"}, d, sensorlessFormat, false)
				}},
				{sensorlessFull, func(d [][]byte) (*table, error) {
					t, err := concatText([]string{"Sensorless_drive_diagnosis.txt"}, d, sensorlessFormat, false)
					if err != nil {
						return nil, err
					}
					return t.head(sensorlessHeadRows), nil
				}},
			},
		}),
		{
			Name: "mnist", Title: "MNIST handwritten digits", Folder: "mnist",
			Rows: 70000, Features: 784, NTrain: 60000, ImageShape: [2]int{28, 28},
			FeatureNames: nil,
			ClassNames:   numberedNames(0, 9),
			ClassCounts:  []int{6903, 7877, 6990, 7141, 6824, 6313, 6876, 7293, 6825, 6958},
			Homepage:     "http://yann.lecun.com/exdb/mnist/",
			Licence:      "CC BY-SA 3.0",
			Citation: "LeCun, Y., Cortes, C., Burges, C. J. C. The MNIST database of handwritten digits. " +
				"LeCun, Y., Bottou, L., Bengio, Y., Haffner, P. (1998). Gradient-based learning applied to document " +
				"recognition. Proceedings of the IEEE 86(11), 2278–2324.",
			Notes: "Rows are the 60,000 training images followed by the 10,000 test images; pixels are scaled to [0, 1] " +
				"(byte/255). The four gzip files are checked strictly by SHA-256, so the fallback hosts are safe.",
			Files:       mnistFiles,
			TableSHA256: "6f86afa655d20f532d4d0f67e88ade9b5e66feb747617b108f4abb84bc6d89f4",
			variants:    []variant{{mnistFiles, decodeMNIST}},
		},
	}
}

// concatText parses one or more text files of the same format and stacks
// them; with split, the first file is the training part.
func concatText(names []string, data [][]byte, f textFormat, split bool) (*table, error) {
	t := &table{}
	for i, d := range data {
		x, y, rows, err := parseText(d, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", names[i], err)
		}
		t.x = append(t.x, x...)
		t.y = append(t.y, y...)
		t.rows += rows
		if i == 0 && split {
			t.nTrain = rows
		}
	}
	t.cols = f.cols
	if f.label >= 0 {
		t.cols--
	}
	return t, nil
}

// decodeMNIST reads the four gzipped IDX files (train images, train labels,
// test images, test labels).
func decodeMNIST(d [][]byte) (*table, error) {
	names := []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
	t := &table{}
	for p := 0; p < 2; p++ {
		im, err := idx.ReadGzip(bytes.NewReader(d[2*p]))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, names[2*p], err)
		}
		n, h, w, err := im.Images()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, names[2*p], err)
		}
		lb, err := idx.ReadGzip(bytes.NewReader(d[2*p+1]))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, names[2*p+1], err)
		}
		labels, err := lb.Labels()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, names[2*p+1], err)
		}
		if len(labels) != n {
			return nil, fmt.Errorf("%w: %s has %d labels for %d images in %s", ErrFormat, names[2*p+1], len(labels), n, names[2*p])
		}
		if p == 0 {
			t.cols = h * w
		} else if h*w != t.cols {
			return nil, fmt.Errorf("%w: %s: images are %d×%d, training images have %d pixels", ErrFormat, names[2*p], h, w, t.cols)
		}
		for i, l := range labels {
			if l > 9 {
				return nil, fmt.Errorf("%w: %s: item %d: label %d is not a digit", ErrFormat, names[2*p+1], i, l)
			}
			t.y = append(t.y, int(l))
		}
		t.pix = append(t.pix, im.Data...)
		t.rows += n
		if p == 0 {
			t.nTrain = n
		}
	}
	return t, nil
}
