// Command assign turns the toolkit's instructor notebooks into coursework: it generates the student version of
// an assignment and grades submitted notebooks automatically, with per-test points and feedback. It is the Go
// kernel's counterpart of nbgrader; notebooks/assignments/README.md is the instructor guide.
//
// Usage:
//
//	assign check INSTRUCTOR.ipynb ...
//	assign student INSTRUCTOR.ipynb STUDENT.ipynb
//	assign grade -instructor INSTRUCTOR.ipynb [-o report.json | -o DIR] [-cell-timeout 90s] [-test-timeout 30s]
//	       [-budget 10m] [-j 1] [-keep DIR] SUBMISSION.ipynb ...
//
// # Conventions of an instructor notebook
//
// Solution regions in code cells run from a line `// BEGIN SOLUTION` to a line `// END SOLUTION`, inside a
// function body; the student version replaces each by `panic("not implemented")`, which keeps the function
// compiling. In Markdown cells they run from `<!-- BEGIN SOLUTION -->` to `<!-- END SOLUTION -->` and become
// *YOUR ANSWER HERE*. Tests are `%test` cells defining `func TestXxx(t *testing.T)`. Cell metadata under the
// key "assignment" says how a cell counts:
//
//	{"assignment": {"points": 1}}                    a public test cell: shipped to students, graded
//	{"assignment": {"hidden": true, "points": 2}}    a hidden test cell: removed from the student version
//	{"assignment": {"points": {"TestA": 1, "TestB": 2}}}   points per test when a cell defines several
//	{"assignment": {"manual": true, "points": 3}}    a Markdown answer graded by hand (listed in the report)
//
// Every solution and graded cell needs a cell id (nbformat 4.5): the grader finds cells of a submission by id.
// The notebook's metadata may set its own grading limits: {"assignment": {"cell_timeout": "2m", "test_timeout":
// "45s", "budget": "15m"}} (flags given on the command line win). `assign check` validates all of this.
//
// # Grading
//
// grade builds one notebook per submission: a setup cell that imports the toolkit from this working tree, the
// submission's code cells in order (its own %test cells are not run, and a cell the student deleted is put back:
// a solution cell as its stub, any other as the instructor wrote it), then one cell per graded test, taken from
// the instructor notebook, which runs that single test with `%test -test.run=^Name$ -test.timeout=LIMIT`. It
// executes it with `jupyter nbconvert` and the GoNB kernel (internal/notebook, shared with cmd/nbrun), a per-cell
// timeout and a time budget for the whole run, and reads each test's outcome: passed, or failed with a reason (test failed with its messages, not
// implemented, panic, timeout, compile error, not run). A submission that does not compile, panics, hangs or
// deletes cells costs the points of the affected tests only; the grader itself does not fail. It writes the
// report as JSON (-o FILE.json) and as text (FILE.txt, also printed). With several submissions -o names a
// folder that receives NAME.json and NAME.txt per submission and grades.csv.
//
// Submissions run as code on this machine, with the rights of the user running assign: grade untrusted
// submissions in a container or a throw-away account.
//
// Exit status: 0 when every submission was graded (whatever the scores), 2 for a usage or set-up problem.
package main
