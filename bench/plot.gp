# gnuplot script for bench/run.sh: rsp, lookup and out are set with -e.
# Left: microseconds per RSP round trip against vCPUs; right: callgrind
# instructions per software-breakpoint lookup packet against N.
set terminal pngcairo size 1400,560 font ",10"
set output out
set multiplot layout 1,2
set datafile separator "\t"
set key top left
set grid
set logscale x 2
set title "Round trip against vCPUs (KVM, median)"
set xlabel "vCPUs"
set ylabel "microseconds"
plot rsp using 1:4 with linespoints lc 1 dt 2 title "Z0+z0 stock", \
     rsp using 1:5 with linespoints lc 1 title "Z0+z0 patched", \
     rsp using 1:8 with linespoints lc 2 dt 2 title "hit stock", \
     rsp using 1:9 with linespoints lc 2 title "hit patched", \
     rsp using 1:10 with linespoints lc 3 dt 2 title "step stock", \
     rsp using 1:11 with linespoints lc 3 title "step patched", \
     rsp using 1:12 with linespoints lc 4 dt 2 title "stop+cont (QMP) stock", \
     rsp using 1:13 with linespoints lc 4 title "stop+cont (QMP) patched", \
     rsp using 1:3 with linespoints lc 0 title "floor (m) patched"
set logscale xy 10
set title "Software-breakpoint lookup against N (callgrind)"
set xlabel "breakpoints inserted (N)"
set ylabel "instructions per Z0 or z0"
plot lookup using 1:2 with linespoints lc 1 dt 2 title "stock", \
     lookup using 1:3 with linespoints lc 1 title "patched"
unset multiplot
