#!/bin/sh
# The tools analysis users already run read the HDF5 output as netCDF-4 without a warning or a wrong value, and NCO edits it: ncdump, NCO, CDO, GDAL, netCDF4-python.
. "$TESTS_SRCDIR/lib.sh"
need_python h5py
need_python netCDF4
for tool in ncdump ncatted ncks cdo gdalinfo; do
    command -v $tool >/dev/null 2>&1 ||
        skip_all "$tool not installed (Debian netcdf-bin, nco, cdo, gdal-bin)"
done
plan 16

# itermax 65535: the interior holds 65535, uint16's netCDF default fill value.
check "mandelbrot, itermax 65535, smooth and distance, 2 ranks" \
    run 2 -f mandelbrot -R 64 -M 65535 --channels smooth,distance -o m.h5 --quiet
check "a view by centre and zoom, 2 ranks" \
    run 2 -f mandelbrot --center-re -0.75 --center-im 0.1 --zoom 1000 -R 48 --height 32 -M 500 -o d.h5 --quiet

check "ncdump: global attributes in creation order, Conventions CF-1.9, no NUL in the text" \
    sh -c 'ncdump -h m.h5 > m.cdl 2> m.err && ! test -s m.err &&
           sed -n "/global attributes/,\$p" m.cdl | sed -n 2,5p | cut -d= -f1 | tr -d " \t:" | tr "\n" , |
               grep -qx "Conventions,title,source,history," &&
           grep -q ":Conventions = \"CF-1.9\" ;" m.cdl && ! grep -q "\\\\0" m.cdl &&
           grep -q "x:axis = \"X\" ;" m.cdl && grep -q "y:axis = \"Y\" ;" m.cdl &&
           grep -q "smooth:_FillValue = NaNf ;" m.cdl && ! grep -q "counts:_FillValue" m.cdl'
check "ncdump: history holds the command line that made the file" \
    sh -c 'grep ":history = " m.cdl | grep -q "rendered: .*mpifractal -f mandelbrot -R 64 -M 65535 --channels smooth,distance -o m.h5 --quiet"'
check "ncdump: the interior's count 65535 is a value, never the fill mark _" \
    sh -c 'ncdump -v counts m.h5 > counts.cdl && sed -n "/^ counts =/,/;/p" counts.cdl > values.txt &&
           grep -q 65535 values.txt && ! grep -q "_" values.txt'

check "netCDF4-python: counts unmasked and equal to h5py's, the channels masked where never escaped" \
    "$PYTHON3" -c "
import h5py, netCDF4, numpy as np, sys
want = h5py.File('m.h5', 'r')['counts'][...]
with netCDF4.Dataset('m.h5') as ds:
    c, s, d = ds['counts'][...], ds['smooth'][...], ds['distance'][...]
    interior = want == 65535
    problems = []
    if not interior.any(): problems.append('no interior sample')
    if np.ma.is_masked(c): problems.append('counts masked: %d' % np.ma.count_masked(c))
    if not np.array_equal(np.ma.getdata(c), want): problems.append('counts differ from h5py')
    for name, v in (('smooth', s), ('distance', d)):
        if not np.array_equal(np.ma.getmaskarray(v), interior): problems.append(name + ' mask is not the interior')
    for name in ('Conventions', 'title', 'history', 'status'):
        if '\x00' in ds.getncattr(name): problems.append(name + ' holds a NUL')
    if ds.Conventions != 'CF-1.9': problems.append('Conventions %r' % ds.Conventions)
print('; '.join(problems)); sys.exit(1 if problems else 0)"
check "netCDF4-python writes to the file in append mode" \
    "$PYTHON3" -c "
import netCDF4, sys
with netCDF4.Dataset('m.h5', 'a') as ds:
    ds.comment = 'appended'
    ds['counts'].note = 'checked'
with netCDF4.Dataset('m.h5') as ds:
    sys.exit(0 if ds.comment == 'appended' and ds['counts'].note == 'checked' else 1)"

check "NCO: ncatted edits an attribute in place" \
    sh -c 'ncatted -O -a axis,x,c,c,X -a institution,global,c,c,Here m.h5 2> nco.err && ! test -s nco.err &&
           ncdump -h m.h5 | grep -q ":institution = \"Here\" ;"'
check "NCO: ncks reads the text without its NUL" \
    sh -c 'ncks -M m.h5 > ncks.txt 2> ncks.err && ! test -s ncks.err && grep -q "Conventions.*CF-1.9" ncks.txt &&
           ! grep -q "CF-1.9\\\\0" ncks.txt &&
           ncks -O -v counts m.h5 copy.nc 2>> ncks.err && ! test -s ncks.err'
check "NCO: ncks copies the counts exactly" "$PYTHON3" -c "
import h5py, numpy as np, sys
a, b = (h5py.File(name, 'r')['counts'][...] for name in ('m.h5', 'copy.nc'))
sys.exit(0 if a.dtype == b.dtype and np.array_equal(a, b) else 1)"
check "mpifractal --resume still takes the file NCO and netCDF4-python edited" \
    run 0 -f mandelbrot -R 64 -M 65535 --channels smooth,distance -o m.h5 --resume --quiet

check "CDO: sinfo and info read every variable without a warning; missing only where never escaped" \
    sh -c 'cdo -s sinfo m.h5 > sinfo.txt 2> cdo.err && cdo -s info m.h5 > info.txt 2>> cdo.err &&
           ! grep -qi "warning\|error" cdo.err && grep -q "x : -2.5 to 1 by" sinfo.txt &&
           ! grep -qi nan info.txt'
check "CDO: the counts have no missing value, the channels one per interior sample" \
    "$PYTHON3" -c "
import h5py, sys
interior = int((h5py.File('m.h5', 'r')['counts'][...] == 65535).sum())
rows = [l.split() for l in open('info.txt') if l.split()[:1] in (['1'], ['2'], ['3'])]
miss = [int(r[6]) for r in rows]
print(miss, interior); sys.exit(0 if miss == [0, interior, interior] else 1)"

# GDAL: the geotransform from x and y, pixel edges half a spacing out, row 0 at the top.
check "GDAL: counts placed by a geotransform from x and y, without a warning" \
    sh -c "gdalinfo 'NETCDF:\"m.h5\":counts' > gdal.txt 2> gdal.err && ! grep -qi 'warning\|error' gdal.err gdal.txt &&
           $PYTHON3 -c \"
import h5py, re, sys
f = h5py.File('m.h5', 'r'); x, y = f['x'][...], f['y'][...]
dx, dy = x[1] - x[0], y[1] - y[0]
t = open('gdal.txt').read()
o = [float(v) for v in re.search(r'Origin = \((\S+),(\S+)\)', t).groups()]
p = [float(v) for v in re.search(r'Pixel Size = \((\S+),(\S+)\)', t).groups()]
good = abs(o[0] - (x[0] - dx / 2)) < 1e-9 and abs(o[1] - (y[0] - dy / 2)) < 1e-9
good = good and abs(p[0] - dx) < 1e-9 and abs(p[1] - dy) < 1e-9 and p[1] < 0
print(o, p); sys.exit(0 if good else 1)\""
check "GDAL: the counts read back as h5py reads them, the channels' NoData is NaN" \
    sh -c "gdalinfo 'NETCDF:\"m.h5\":smooth' 2> gdal.err | grep -q 'NoData Value=nan' && ! grep -qi 'warning\|error' gdal.err &&
           gdal_translate -q -of ENVI 'NETCDF:\"m.h5\":counts' counts.raw 2> gdal.err && ! grep -qi 'warning\|error' gdal.err &&
           $PYTHON3 -c \"
import h5py, numpy as np, sys
want = h5py.File('m.h5', 'r')['counts'][...]
got = np.fromfile('counts.raw', dtype=want.dtype).reshape(want.shape)
sys.exit(0 if np.array_equal(got, want) else 1)\""

check "a view by centre and zoom: ncdump, CDO and GDAL read its offset coordinates without a warning" \
    sh -c "ncdump -h d.h5 > d.cdl 2> d.err && ! test -s d.err && grep -q 'x:axis = \"X\"' d.cdl &&
           grep -q 'x:long_name = \"real part of c minus center_re, in units of 1e' d.cdl &&
           cdo -s sinfo d.h5 > /dev/null 2>> d.err && gdalinfo 'NETCDF:\"d.h5\":counts' > d-gdal.txt 2>> d.err &&
           ! grep -qi 'warning\|error' d.err d-gdal.txt && grep -q 'Origin = ' d-gdal.txt"
done_testing
