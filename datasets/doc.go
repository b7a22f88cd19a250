// Package datasets gives the public data sets behind the paper's evidence
// (Avila, Banknote Authentication, Cardiotocography, Sensorless Drive
// Diagnosis, MNIST) with one call, verified and cached, and generated data
// sets that need no download at all.
//
// # No data in this repository
//
// The package holds no data. Files are downloaded from the canonical sources
// listed below, or read from a local mirror folder that you provide; they are
// not redistributed with the toolkit. Cite the source of every data set you
// use; the licence and citation of each are in its Spec (Lookup).
//
//	name                    source (canonical)                                              licence       citation
//	avila                   https://archive.ics.uci.edu/static/public/459/avila.zip         CC BY 4.0     De Stefano et al., Eng. Appl. Artif. Intell. 72 (2018) 99–110; doi:10.24432/C5K02X
//	banknote                https://archive.ics.uci.edu/static/public/267/banknote+authentication.zip
//	                                                                                        CC BY 4.0     Lohweg (2013); doi:10.24432/C55P57
//	cardiotocography-class  https://archive.ics.uci.edu/static/public/193/cardiotocography.zip (CTG.xls)
//	cardiotocography-nsp                                                                    CC BY 4.0     Ayres-de-Campos et al. (2000); doi:10.24432/C51S4N
//	sensorless              https://archive.ics.uci.edu/static/public/325/dataset+for+sensorless+drive+diagnosis.zip
//	sensorless-head                                                                         CC BY 4.0     Bator (2013); doi:10.24432/C5VP5F
//	mnist                   http://yann.lecun.com/exdb/mnist/ (four .gz files)              CC BY-SA 3.0  LeCun, Cortes, Burges; LeCun et al., Proc. IEEE 86 (1998)
//
// Shapes and classes: avila 20,867×10, 12 classes (rows 0–10,429 are the
// authors' training file, the rest their test file: Dataset.TrainTest);
// banknote 1,372×4, 2 classes; cardiotocography 2,126×21 with either label
// set, CLASS (10 FHR-pattern classes, cardiotocography-class) or NSP (normal,
// suspect, pathologic, cardiotocography-nsp); sensorless 58,509×48, 11 classes
// of 5,319; mnist 70,000×784 (60,000 training then 10,000 test images,
// pixels scaled to [0, 1]), 10 classes.
//
// # Loading
//
// Load(ctx, name, options...) looks for the files of a data set
//
//  1. in the cache: WithCacheDir, else $DDT_DATA_CACHE, else
//     os.UserCacheDir()/ddt-toolkit/datasets;
//  2. in the mirror: WithMirrorDir, else $DDT_DATA_MIRROR (a folder laid out
//     like the cache, one sub-folder per data set: avila/, banknote/,
//     cardiotocography/, sensorless/, mnist/; the CI points it at
//     ../shared/datasets);
//  3. at the canonical source, unless Offline: an HTTP GET bounded by the
//     context (and WithTimeout, default 10 minutes), with an injectable client
//     (WithHTTPClient) and host (WithBaseURL, for a private mirror of the
//     original hosts or for net/http/httptest), then extraction of the zip
//     member with archive/zip.
//
// Whatever the origin, the data are verified before use: the SHA-256 of the
// file where it is pinned strictly (the MNIST files) or of the zip archive
// where it is known, and always the shape, the class counts and the table
// hash of the parsed table. A download is written to the cache only after
// verification, each file through a temporary file in the same folder and a
// rename, so the cache never holds a partial or unverified file; a cache
// entry that fails verification is removed and fetched again; after a failed
// Load the cache holds no file of that data set. Offline loads never touch the
// network; their error (ErrNotAvailable) names each file needed, the archive
// and member it comes from, and the folders to put it in.
//
// Errors wrap ErrUnknown, ErrNotAvailable, ErrDownload, ErrIntegrity or
// ErrFormat; the message names the data set, the file and what happened
// (for malformed data, the line).
//
// # The table hash
//
// Canonical archives change in bytes without changing in content (line
// endings, re-zipping, spreadsheet re-saves), so every data set is pinned by
// a hash of its parsed, normalised table: SHA-256 of "ddt-table-v1\n", the
// row and column counts (uint64 little-endian), the tag "f8" (features as
// float64, the IEEE bits little-endian, −0 written as +0) or "u8" (image
// pixels as bytes), then for each row its features followed by its class
// index (uint64 little-endian). The pinned values were computed from the
// local mirror copies, whose file hashes are in File.SHA256. The full
// Sensorless file is not in the mirror, so its own table hash is unknown: it
// is verified by shape, class counts and the table hash of its first 5,748
// rows, which must equal that of the sensorless-head fixture.
//
// # Formats
//
// Avila: comma-separated text with CRLF line ends, no header, the letter
// label last. Banknote: comma-separated, no header, label 0/1 last.
// Sensorless: fields separated by runs of spaces, label 1–11 last. MNIST:
// gzipped IDX (package datasets/idx). Cardiotocography: the canonical zip
// member is the Excel 97 workbook CTG.xls; the loader reads its "Raw Data"
// sheet with a minimal BIFF8 reader (package datasets/xls), and a cache or
// mirror may instead hold that sheet exported as CSV with a header
// (ctg-raw-data.csv; columns b, e, LB, AC, FM, UC, DL, DS, DP, ASTV, MSTV,
// ALTV, MLTV, Width, Min, Max, Nmax, Nzeros, Mode, Mean, Median, Variance,
// Tendency, CLASS, NSP). Both give the same table bit for bit. In "Raw Data"
// AC, FM, UC, DL, DS and DP are counts over the segment [b, e] in seconds; the
// features are the per-second rates count/(e − b), exactly the values of the
// workbook's "Data" sheet (checked by the tests). The 21 features are those
// of the UCI description (DR, always 0, is left out).
//
// sensorless-head is a documented partial fixture: the first 5,748 rows of
// the Sensorless file (all of class 1, 429 of class 2), stored in a mirror as
// Sensorless_drive_diagnosis.head5748.txt, or cut from the full file when
// that is what the cache holds or a download fetches. It is for parser and
// pipeline checks, not for classification: only two classes occur.
//
// Every parser reports a malformed row as an error naming the line (for the
// workbook, the sheet row; for IDX, the item) and never panics; fuzz targets
// (go test -fuzz) cover each of them.
//
// # Datasets
//
// A Dataset holds the features as a gonum *mat.Dense (row i:
// X.RawRowView(i)) and the labels as class indices Y[i] into ClassNames.
// Split makes a seeded, stratified train/test split; TrainTest returns a
// source's predefined split; FitStandardizer and Standardize fit the
// per-feature mean and scale on the training part and apply them to both;
// Head, Subset and FirstRows subsample deterministically; Downsample
// average-pools images (MNIST 28×28 to 14×14 or 7×7, so that a network's full
// Hessian stays small); NewSampler draws minibatches with replacement,
// without replacement, or by epochs of a reshuffled permutation.
//
// # Generated data
//
// GaussianMixture (dimension, classes, separation, imbalance, noise),
// TwoMoons and LinearlySeparable need no download and are the defaults of
// notebooks that do not need the paper's data.
//
// # Randomness
//
// Every random choice comes from math/rand/v2 PCG seeded by the caller
// (rand.NewPCG(seed, stream)), one stream per purpose; results do not depend
// on GOMAXPROCS. NewSampler takes an extra stream index, for one independent
// sampler per trajectory.
package datasets
