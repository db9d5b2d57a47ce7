merge out/nowhere-1 out/nowhere-2 --time-axis elapsed --no-plots
