# Latency percentiles by concurrency: p50 (solid) and p99 (dashed), one panel per shape
# (inputs: DIR/latency_p50.dat, DIR/latency_p99.dat from bench/summarize.py).
if (!exists("dir")) dir = "bench/results"
set terminal pngcairo size 1500,900 font "sans,10"
set output dir."/latency.png"
set datafile missing "NaN"
set logscale xy
set xtics ("1" 1, "16" 16, "64" 64)
set xrange [0.8:80]
set grid
set key top left font ",8"
set xlabel "concurrent connections"
set ylabel "latency, ms"
titles = "(a) one object by id|(b) list of 20, 3 fields|(c) list of 20, nested author|(d) filtered list|(e) 10,000-row list"
names = "fraiseql-native fraiseql-libpq postgraphile pgbench-emitted pgbench-handwritten"
set multiplot layout 2,3 title "Latency: p50 solid (pgbench: its mean latency), p99 dashed (lower is better)"
do for [i=0:4] {
    set title system("echo '".titles."' | cut -d'|' -f".(i+1))
    plot for [s=2:6] dir."/latency_p50.dat" index i using 1:s with linespoints lw 2 pt 7 \
            lc s-1 title word(names, s-1), \
         for [s=2:6] dir."/latency_p99.dat" index i using 1:s with linespoints lw 1 pt 6 \
            lc s-1 dashtype 2 notitle
}
unset multiplot
