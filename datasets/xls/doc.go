// Package xls reads cell values from Excel 97–2003 workbooks (.xls): BIFF8
// records inside an OLE2 compound file.
//
// It is a minimal, read-only reader written for the Cardiotocography data
// set (UCI id 193), whose canonical archive holds CTG.xls: it returns the
// numbers and strings that a sheet's cells hold (NUMBER, RK, MULRK, LABELSST,
// LABEL and the cached results of FORMULA cells) and ignores formatting,
// charts, macros and everything else. Encrypted workbooks and files older
// than BIFF8 (Excel 5 and before) are rejected with an error.
//
// The reader is defensive: every length and offset is checked against the
// data, sector chains are followed with loop detection, and allocation is
// bounded by the input size, so malformed input yields an error (wrapping
// ErrFormat), never a panic or a hang.
//
// References: [MS-CFB] Compound File Binary File Format and [MS-XLS] Excel
// Binary File Format (.xls) Structure, both published by Microsoft.
package xls
