plot --time-axis wall out/nowhere
