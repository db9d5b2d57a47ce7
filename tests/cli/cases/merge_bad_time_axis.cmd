merge --time-axis wall out/nowhere
