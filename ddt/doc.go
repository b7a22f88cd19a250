// Package ddt is the root of the Density Diffusion Theory toolkit: the theory and the simulations behind
// "SGD exponentially favors flat minima" (Xie, Sato, Sugiyama, ICLR 2021).
//
// The work is split into small packages, each with one job:
//
//   - landscape: loss landscapes with analytic gradients and Hessians, the sharpness knob Scaled(L, k),
//     finite-sum toys, and their critical points (minima, index-1 saddles, escape directions).
//   - noise: the noise models of one update (white, Hessian-shaped SGD noise, noise frozen at a minimum,
//     true minibatch noise), each with its diffusion matrix.
//   - escape: the discrete dynamics (SGD and GD with white noise), seeded ensembles and escape criteria.
//   - theory: Kramers–Eyring and DDT escape times, the exact 1-D mean first-passage time, the path parameter s,
//     minima selection, and a cost planner.
//   - stats: censored exponential rate estimates with exact intervals, goodness-of-fit checks and the slope fits
//     the paper's claims rest on.
//   - fokkerplanck: the density itself, evolved by Fokker–Planck solvers in 1-D and 2-D.
//   - nn: small float64 networks, their exact Hessians, gradient-noise covariances and escape experiments.
//
// ../shared/THEORY.md in the project's steering notes is the specification; each package's doc says which section it
// implements.
package ddt
