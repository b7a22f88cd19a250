package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/densitydiffusion/toolkit/internal/notebook"
)

// jupyterExecutor returns an Executor that runs the notebook with internal/notebook's executor (jupyter
// nbconvert and the GoNB kernel; on a budget overrun the kernel's whole process tree is stopped). The
// executor's log stays next to the executed notebook, in the grading run's scratch folder.
func jupyterExecutor(ex notebook.Executor) Executor {
	return func(in, out string, cellTimeout, budget time.Duration) (bool, error) {
		logPath := filepath.Join(filepath.Dir(out), "executor.log")
		over, err := ex.Execute(in, out, logPath, cellTimeout, budget)
		if err != nil {
			if b, rerr := os.ReadFile(logPath); rerr == nil {
				err = fmt.Errorf("%v: %s", err, strings.Join(notebook.LogTail(b, 4), " | "))
			}
		}
		return over, err
	}
}

// setup returns the environment and the jupyter command for executing notebooks (root/bin first in PATH,
// root/.jupyter as JUPYTER_DATA_DIR when unset, as make setup arranges), after checking that Jupyter, the
// GoNB kernel and goimports are there.
func setup(root string, env []string) (notebook.Executor, error) {
	env = notebook.Environ(root, env)
	jupyter, err := notebook.Preflight(env)
	if err != nil {
		return notebook.Executor{}, err
	}
	return notebook.Executor{Jupyter: jupyter, Env: env}, nil
}
