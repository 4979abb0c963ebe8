// Intentionally empty: the baseline of bench/startup.ts.
