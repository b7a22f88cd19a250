// Package nn holds small float64 classifiers with hand-written forward and backward passes, and the
// second-order quantities the Density Diffusion Theory needs on them.
//
// A network (MLP: softmax regression or a fully connected tanh/ReLU network, cross-entropy loss, parameters in
// one flat []float64) put on a labelled data set is a Landscape, which implements landscape.FiniteSum, so the
// noise models and dynamics of the core apply unchanged. On top of it the package offers:
//
//   - per-sample, full-batch and minibatch gradients (BatchGrad allocates nothing on the hot path);
//   - exact Hessian-vector products (Pearlmutter's R-operator) and the exact Hessian (HessVec, Hessian);
//   - the top eigenpairs of the Hessian by Lanczos with full reorthogonalisation (TopEigen);
//   - the empirical Fisher and the gradient-noise covariance C for batch size B, with or without replacement
//     (THEORY.md §1: C = (1/B)[(1/m)Σ g_j g_jᵀ − ḡḡᵀ], × (m−B)/(m−1) without replacement);
//   - the sharpness knob Scaled (evaluate at √k·θ: every Hessian × k, loss values unchanged, THEORY.md §5 C5):
//     landscape.Scaled with the finite-sum methods (Samples, SampleGrad) kept, which landscape.Scaled drops;
//   - training to a minimum with a gradient-norm stopping rule, saved to and loaded from JSON with a checksum.
//
// The escape experiments and the C1/C2 measurements built on these live in package experiment.
package nn
