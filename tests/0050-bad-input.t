#!/bin/sh
# Bad input: one clear message from rank 0, exit status 2, no hang, no output file left.
. "$TESTS_SRCDIR/lib.sh"

printf 'resolution = 100\nitermax = 50\nitermax 200\n' > bad-line.job
printf '# comment\ncolour = red\n' > bad-key.job
printf 'itermax = 50\n\nitermax = 60\n' > twice.job
printf 'itermin = 10\nitermax = 5\n' > inconsistent.job
printf 'xleft = 0.2\n' > override.job
printf 'binary\000garbage\n' > binary.job
: > empty.job
printf '# only a comment\n\n' > comments.job
printf '\357\273\277' > bom-only.job
awk 'BEGIN { printf "output = "; for (i = 0; i < 20000; i++) printf "a"; print "" }' > long-line.job
printf 'itermax = 50\nxleft = 1e400\n' > huge.job
printf 'itermax = -1\n' > negative.job
mkdir -p directory.job
printf 'resolution = 100\nforce\n' > no-equals.job
printf 'itermax = 100 abc\n' > garbage.job
printf 'resolution = 100\r\nitermax 200\r\n' > crlf.job
printf '\357\273\277itermax = 5\r\nitermin = 10\r\n' > bom-crlf.job
: > exists.h5
: > plain.file
mkfifo fifo.job fifo.png fifo.h5
mkdir -p readonly && chmod 555 readonly
# root ignores directory permissions: then use a place no one can create files in
if [ "$(id -u)" = 0 ]; then unwritable=/proc/mpifractal-test.h5; else unwritable=readonly/x.h5; fi
unwritable_png=${unwritable%.h5}.png

printf 'resolution = 100\nend_ytop = 0.05\n' > zoom-no-frames.job
printf 'Re: -0.75\r\nIm: 0.1\r\nZoom: 10\r\n' > loc.kfr
printf 'Re: -0.75\r\nIm: 0.1\r\nFractalType: 1\r\n' > other.kfr
end_view="--end-xleft -0.05 --end-xright 0.05 --end-ybot -0.05 --end-ytop 0.05"
long_name=$(awk 'BEGIN { for (i = 0; i < 4090; i++) printf "a" }').h5

# expected message fragment | arguments (evaluated by the shell)
cases=$(cat <<CASES
xleft (-x 1) must be less than xright (-X 0)|-x 1 -X 0
ybot (-y 0.5) must be less than ytop (-Y 0.5)|-y 0.5 -Y 0.5
option --xleft: 'abc' is not a number|-x abc
option --xright: '0.1x' is not a number|--xright=0.1x
option --xleft: 'nan' is not a finite number|-x nan
option --xright: 'inf' is not a finite number|-X inf
option --ytop: '1e999' is not a finite number|-Y 1e999
resolution (-R 0) must be between 2 and 268435456|-R 0
resolution (-R 1) must be between 2 and 268435456|-R 1
option --resolution: '-5' is negative|-R -5
resolution (-R 99999999999) must be between 2|-R 99999999999
option --resolution: '99999999999999999999999' is too large|-R 99999999999999999999999
option --resolution: '12abc' is not a whole number|--resolution 12abc
itermax (-M 50) must be greater than itermin (-m 50)|-m 50 -M 50
option --itermax: '4294967296' is too large|-M 4294967296
threshold (-t 0) must be positive|-t 0
threshold (-t -1) must be positive|-t -1
unknown fractal 'burningship' (choose mandelbrot or julia)|-f burningship
unknown option '--colour' (see --help)|--colour red
unknown option '-z' (see --help)|-z 1
option --resolution needs a value (N)|-o out.h5 -R
option --help takes no value|--help=yes
option --fast: 'maybe' is not yes or no|--fast=maybe
the region's aspect ratio gives more than 2147483647 rows|-R 200000000 -x 0 -X 1e-4 -y -1 -Y 1
height (1) must be between 2|--height 1
bad-line.job:3: expected 'key = value', got 'itermax 200'|bad-line.job
bad-key.job:2: unknown key 'colour'|bad-key.job
twice.job:3: 'itermax' is set twice (first on line 1)|twice.job
binary.job:1: binary data|binary.job
itermax (-M 5) must be greater than itermin (-m 10)|inconsistent.job
unknown kernel 'sse9' (choose auto, scalar, avx2 or avx512)|--kernel sse9
option --threads: 'many' is not a whole number|--threads many
xleft (-x 0.2) must be less than xright (-X 0.1)|--job override.job
cannot open job file 'missing.job'|missing.job
only one job file may be given|bad-key.job twice.job
directory 'no/such/dir' does not exist|-o no/such/dir/out.h5
HDF5 output 'exists.h5' exists: use --force to overwrite it, or --resume to finish an interrupted render|-o exists.h5
HDF5 output '.' is a directory|-o .
option --output: the file name is empty|-o ''
the HDF5 and PNG outputs are the same file|-o same.out --png same.out
the HDF5 and PNG outputs are the same file ('same.out' and './same.out')|-o same.out --png ./same.out
the HDF5 and PNG outputs are the same file|-o readonly/../same.out --png same.out
cannot write HDF5 output 'plain.file/x.h5': 'plain.file' is not a directory|-o plain.file/x.h5
cannot write PNG output 'plain.file/d/x.png': a part of 'plain.file/d' is not a directory|-o out.h5 --png plain.file/d/x.png
job file 'fifo.job' is a FIFO, not a regular file|fifo.job
PNG output 'fifo.png' is a FIFO, not a regular file|-o out.h5 --png fifo.png --force
HDF5 output 'fifo.h5' is a FIFO, not a regular file|-o fifo.h5 --force
cannot resume 'fifo.h5': it is not a regular file|-o fifo.h5 --resume
--resume keeps the existing output and --force overwrites it: choose one|-o exists.h5 --resume --force
threads (4294967295) must be at most 4096 per rank|--threads 4294967295
threads (4097) must be at most 4096 per rank|--threads 4097
xleft (-x 0.30000000000000004) must be less than xright (-X 0.3)|-x 0.30000000000000004 -X 0.3
ybot (-y 1) must be less than ytop (-Y 0.9999999999999999)|-y 1 -Y 0.9999999999999999
cannot create HDF5 file '$unwritable'|-o $unwritable
cannot write PNG output '$unwritable_png'|-o out.h5 --png $unwritable_png
job file 'empty.job' has no settings|empty.job
job file 'comments.job' has no settings|comments.job
job file 'bom-only.job' has no settings|bom-only.job
long-line.job:1: line longer than 8448 characters|long-line.job
huge.job:2: xleft: '1e400' is not a finite number|huge.job
negative.job:1: itermax: '-1' is negative|negative.job
option --itermax: '-5' is negative|-M -5
resolution (-R 4294967296) must be between 2 and 268435456|--height 4294967296 -R 4294967296
height (4294967296) must be between 2 and 2147483647|--height 4294967296 -R 100
resolution (-R 2147483648) must be between 2 and 268435456|-R 2147483648 --height 2
more than one MPI message can carry (2 GiB): drop the channels, or use a resolution of at most|-R 268435456 --height 2 --channels smooth,distance
job file 'directory.job' is a directory|directory.job
no-equals.job:2: expected 'key = value', got 'force'|no-equals.job
garbage.job:1: itermax: '100 abc' is not a whole number|garbage.job
crlf.job:2: expected 'key = value', got 'itermax 200'|crlf.job
itermax (-M 5) must be greater than itermin (-m 10)|bom-crlf.job
option --channels: unknown channel 'colour' (choose from counts, smooth, distance)|--channels smooth,colour
option --channels: unknown channel '' (choose|--channels smooth,
smooth-radius (1) must be between 2 and 1e50|--channels smooth --smooth-radius 1
samples (0) must be between 1 and 16|--samples 0
samples (17) must be between 1 and 16|--samples 17
option --colormap: unknown colour map 'jet' (choose gray, viridis or cyclic)|--colormap jet
option --color-by: unknown value 'distance' (choose counts or smooth)|--color-by distance
color-cycle must be at least 1 iteration|--color-cycle 0
--equalize makes the PNG from the HDF5 file once it is complete|--equalize --no-hdf5 --png out.png
--equalize cannot be combined with --samples 2|--equalize --samples 2
--equalize sets the PNG's colours: give --png FILE too|--equalize -o out.h5
--colormap sets the PNG's colours: give --png FILE too|--colormap viridis -o out.h5
--color-by sets the PNG's colours: give --png FILE too|--color-by smooth -o out.h5
--color-cycle sets the PNG's colours: give --png FILE too|--color-cycle 10 -o out.h5
--color-cycle sets the cyclic colour map's period: give --colormap cyclic too|--color-cycle 10 --colormap viridis
--color-cycle sets the cyclic colour map's period: give --colormap cyclic too|--color-cycle 10
--samples 2 changes only the PNG and the smooth and distance channels|--samples 2 -o out.h5
--frames 5 needs --frame K, the frame to render (0 to 4)|--frames 5
--frame belongs to a zoom sequence: give --frames N too|--frame 3
--end-xleft belongs to a zoom sequence: give --frames N too|--end-xleft 0
--end-ytop belongs to a zoom sequence: give --frames N too|zoom-no-frames.job
frames (1) must be between 2 and 1000000|--frames 1 --frame 0
frame (5) must be between 0 and 4 (--frames 5 counts from 0)|--frames 5 --frame 5 $end_view
the zoom's end view needs --end-ytop (the top edge of the last frame)|--frames 5 --frame 1 --end-xleft -0.05 --end-xright 0.05 --end-ybot -0.05
the end view must have end-xleft < end-xright|--frames 5 --frame 1 --end-xleft 0.05 --end-xright -0.05 --end-ybot -0.05 --end-ytop 0.05
the end view's width/height (3) differs from the start view's (1) by more than 1%|--frames 5 --frame 1 --end-xleft -0.03 --end-xright 0.03 --end-ybot -0.01 --end-ytop 0.01
option --frames: 'x' is not a whole number|--frames x --frame 0
is too long to add a frame number|--frames 5 --frame 1 $end_view -o \$long_name
--continue keeps an existing output and --force overwrites it: choose one|--continue --force
--continue needs the HDF5 output to continue, not --no-hdf5|--continue --no-hdf5 --png out.png
--dtype uint8 cannot hold itermax 300: use a wider type or auto|--dtype uint8 -M 300
option --resolution needs a value (N), not '-q'|-R -q
option --png needs a value (FILE), not '-q'|--png -q
which does not hold every sample of --samples 2: resume with --no-png|-o exists.h5 --continue --png out.png --samples 2
--png-depth sets the PNG's colours: give --png FILE too|--png-depth 16 -o out.h5
--smooth-radius shapes the smooth and distance channels: give --channels too|--smooth-radius 100 -o out.h5
'O' at character 6 of '-0.75O1' is not part of a decimal number|-f mandelbrot --center-re -0.75O1
zoom 1e-20 shows a view about 4e+20 high: did you mean 1e20?|-f mandelbrot --zoom 1e-20
give the view either by its edges (-x, -X, -y, -Y) or by its centre and zoom|-f mandelbrot -x -1 --zoom 10
the view is too narrow for double precision|-f mandelbrot -x -0.7436438870371590 -X -0.7436438870371580 -y 0.1318259042053000 -Y 0.1318259042053010 -R 400
is too deep for --engine double|-f mandelbrot --center-re -0.75 --zoom 1e20 --engine double
--engine perturbation needs the view by --center-re, --center-im and --zoom|--engine perturbation
--reference 'out.h5' names an output file|-f mandelbrot --zoom 1e20 --reference out.h5 -o out.h5
is a Kalles Fraktaler location of the Mandelbrot set|loc.kfr -f julia
FractalType is not 0 (the Mandelbrot set)|other.kfr
CASES
)
count=$(printf '%s\n' "$cases" | wc -l)
plan $((count * 3))

printf '%s\n' "$cases" | while IFS='|' read -r expected args; do
    rm -f out.h5 out.png out.png*.part julia.h5 mandelbrot.h5 stderr.txt
    # Defaults write out.h5 and out.png unless the case names its own outputs.
    case "$args" in *"-o "* | *--no-hdf5*) outputs="" ;; *) outputs="-o out.h5 --png out.png" ;; esac
    eval "set -- $args $outputs"
    echo "# $MPIEXEC -n 2 $MPIFRACTAL $*"
    timeout 60 $MPIEXEC -n 2 "$MPIFRACTAL" "$@" </dev/null >/dev/null 2>stderr.txt
    status=$?
    if [ "$status" = 2 ]; then pass "exit 2: $args"; else fail "exit 2 (got $status): $args"; fi
    if [ "$(grep -c 'mpifractal: error:' stderr.txt)" = 1 ] && grep -qF -- "$expected" stderr.txt; then
        pass "one message naming the problem: $expected"
    else
        sed 's/^/#   /' stderr.txt
        fail "one message naming the problem: $expected"
    fi
    if [ ! -e out.h5 ] && [ ! -e out.png ] && ! ls out.png*.part >/dev/null 2>&1 && [ ! -e julia.h5 ] &&
        [ ! -s exists.h5 ] && [ -p fifo.png ] && [ -p fifo.h5 ]; then
        pass "no output file left: $args"
    else
        fail "no output file left: $args"
    fi
done | tee results.tap
! grep -q '^not ok' results.tap
