merge out/nowhere-1 --time-axis --quiet
