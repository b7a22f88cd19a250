//go:build !race

package fokkerplanck

// raceEnabled shrinks the Monte Carlo ensembles under the race detector (5–10× slower).
const raceEnabled = false
