# Peak server memory (VmHWM, max over connection counts) per shape for the GraphQL servers
# (input: DIR/memory.dat from bench/summarize.py).
if (!exists("dir")) dir = "bench/results"
set terminal pngcairo size 1000,500 font "sans,10"
set output dir."/memory.png"
set datafile missing "NaN"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set grid ytics
set ylabel "peak RSS, MiB"
set key top left
set title "Peak server memory during a run (lower is better)"
plot dir."/memory.dat" using 2:xtic(1) title "fraiseql-native", \
     "" using 3 title "fraiseql-libpq", \
     "" using 4 title "postgraphile"
