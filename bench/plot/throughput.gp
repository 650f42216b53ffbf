# Throughput by concurrency, one panel per query shape (input: DIR/throughput.dat written by
# bench/summarize.py). Run: gnuplot -e "dir='bench/results'" bench/plot/throughput.gp
if (!exists("dir")) dir = "bench/results"
set terminal pngcairo size 1500,900 font "sans,10"
set output dir."/throughput.png"
set datafile missing "NaN"
set logscale xy
set xtics ("1" 1, "16" 16, "64" 64)
set xrange [0.8:80]
set grid
set key bottom right font ",8"
set xlabel "concurrent connections"
set ylabel "requests/s (median)"
titles = "(a) one object by id|(b) list of 20, 3 fields|(c) list of 20, nested author|(d) filtered list|(e) 10,000-row list"
names = "fraiseql-native fraiseql-libpq postgraphile pgbench-emitted pgbench-handwritten"
set multiplot layout 2,3 title "FraiseQL end-to-end benchmark: throughput (higher is better)"
do for [i=0:4] {
    set title system("echo '".titles."' | cut -d'|' -f".(i+1))
    plot for [s=2:6] dir."/throughput.dat" index i using 1:s with linespoints lw 2 pt 7 \
        lc s-1 title word(names, s-1)
}
unset multiplot
