package main

import (
	"time"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// The notebook model, the output scanning, the execution with timeouts and the set-up checks live in
// internal/notebook, shared with cmd/assign (coursework). These names keep nbrun's code and tests reading as
// before.

const (
	// ModulePath is the import path of the toolkit that notebooks import from the working tree.
	ModulePath = notebook.ModulePath
	// FirstCell is the standard first cell of every notebook (see notebook.FirstCell).
	FirstCell = notebook.FirstCell
	// KernelName is the Jupyter kernelspec every notebook must declare.
	KernelName = notebook.KernelName
	maxLines   = notebook.MaxLines
)

type (
	// Text is Jupyter's multi-line string.
	Text = notebook.Text
	// Output is one output of a code cell.
	Output = notebook.Output
	// Cell is one notebook cell.
	Cell = notebook.Cell
	// Requirements is what a notebook declares under metadata "ddt".
	Requirements = notebook.Requirements
	// Notebook is the part of an .ipynb file nbrun reads.
	Notebook = notebook.Notebook
	// Problem is one reason a committed notebook is not in the committed form.
	Problem = notebook.Problem
	// Failure is one failing cell of an executed notebook.
	Failure = notebook.Failure
)

// ReadNotebook reads and parses an .ipynb file, with errors that name the file.
func ReadNotebook(path string) (*Notebook, error) { return notebook.ReadNotebook(path) }

// ParseNotebook parses the JSON of a notebook; path is used in errors only.
func ParseNotebook(path string, b []byte) (*Notebook, error) { return notebook.ParseNotebook(path, b) }

// CheckCommitted reports what keeps a notebook from its committed form.
func CheckCommitted(nb *Notebook) []Problem { return notebook.CheckCommitted(nb) }

// Clean strips outputs, execution counts and execution timings from the notebook JSON b.
func Clean(b []byte) ([]byte, bool, error) { return notebook.Clean(b) }

// NewNotebook returns the JSON of an empty notebook in the committed form.
func NewNotebook(title string) []byte { return notebook.NewNotebook(title) }

// ScanOutputs finds the failing cells of an executed notebook.
func ScanOutputs(nb *Notebook) []Failure { return notebook.ScanOutputs(nb) }

// Preflight checks that Jupyter, nbconvert, the GoNB kernel and goimports are usable with env, and returns
// the jupyter command's path.
func Preflight(env []string) (string, error) { return notebook.Preflight(env) }

// FindRoot walks up from dir to the go.mod that declares the toolkit module.
func FindRoot(dir string) (string, error) { return notebook.FindRoot(dir) }

// Environ returns env with root/bin first in PATH and, when JUPYTER_DATA_DIR is unset and root/.jupyter
// exists, JUPYTER_DATA_DIR=root/.jupyter.
func Environ(root string, env []string) []string { return notebook.Environ(root, env) }

func firstLine(src string) string                   { return notebook.FirstLine(src) }
func lastStartedCell(nb *Notebook, log []byte) int  { return notebook.LastStartedCell(nb, log) }
func slowestCell(nb *Notebook) (int, time.Duration) { return notebook.SlowestCell(nb) }
func logTail(b []byte, n int) []string              { return notebook.LogTail(b, n) }
func envValue(env []string, key string) string      { return notebook.EnvValue(env, key) }
