// Package notebook reads, writes, checks, executes and scans the Jupyter notebooks of the toolkit, which run
// with the GoNB kernel. It is shared by the commands that execute notebooks: cmd/nbrun (reports and checks)
// and cmd/assign (coursework: student versions and grading).
//
//   - Notebook, ReadNotebook, ParseNotebook: a typed, read-only view of an .ipynb file (cells, outputs, the
//     "ddt" metadata that declares data sets and time limits).
//   - Doc, ReadDoc, ParseDoc: the same file as generic JSON for editing, so that what a tool does not know
//     about (cell ids, other tools' metadata) survives a read-modify-write.
//   - CheckCommitted, Clean, NewNotebook, FirstCell: the committed form of a notebook (no outputs, the gonb
//     kernel, the standard first cell that imports the toolkit from the working tree).
//   - Executor.Execute: headless execution with `jupyter nbconvert --execute`, a per-cell timeout (the cell
//     is interrupted and execution goes on) and a budget for the whole run (the run and the kernel's whole
//     process tree are stopped).
//   - ScanOutputs, ScanCell, CompileErrors: failures read from the outputs, not from the executor's exit
//     status: error outputs, GoNB's HTML compile errors, "panic:" and "exit status N" on stderr (a failing
//     `!shell` line), "--- FAIL" from %test cells, "signal: interrupt" from a timeout.
//   - Preflight, Environ, FindRoot: the set-up checks (Jupyter, nbconvert, the GoNB kernel, goimports), each
//     failure a message that says how to fix it.
package notebook
