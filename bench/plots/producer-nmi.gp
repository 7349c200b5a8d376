# producer-nmi.gp - ns per produce() per design in the NMI regime (median
# with the interquartile range), 48- and 32-byte records side by side.
# Run by `ringdrain report --svg/--png` (rd_report_plot(), bench/report.c):
#   gnuplot -e "datafile='D'; outfile='O'; term='svg'; plottitle='T'; \
#               have48=1; have32=1" bench/plots/producer-nmi.gp
# datafile: one row per design: name, then median, p25, p75 at 48 bytes,
# then the same at 32 bytes (NaN where the run has none).
set terminal @term size 900,480
set output outfile
set title plottitle
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.7 border -1
set ylabel 'ns per produce()'
set yrange [0:*]
set xtics rotate by -30
set key top left
if (have48 && have32) {
	plot datafile using 2:3:4:xtic(1) title '48-byte records', \
	     '' using 5:6:7 title '32-byte records'
} else {
	if (have48) {
		plot datafile using 2:3:4:xtic(1) title '48-byte records'
	} else {
		plot datafile using 5:6:7:xtic(1) title '32-byte records'
	}
}
