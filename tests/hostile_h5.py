"""hostile_h5.py - turns a real mpifractal output into a hostile one, as a user or a stray script could.

Usage: hostile_h5.py CASE FILE   (changes FILE in place; CASE from the table below)
"""
import sys

import h5py
import numpy as np


def replace_attribute(name, value):
    def change(f):
        del f.attrs[name]
        f.attrs[name] = value
    return change


def all_strings_variable_length(f):
    """h5py's default for str: every fixed-length string attribute rewritten as a variable-length one."""
    for name, value in list(f.attrs.items()):
        if isinstance(value, bytes):
            del f.attrs[name]
            f.attrs[name] = value.decode()


def remake_counts(dtype=None, shape=None, **filters):
    """counts made again with another type, shape or filter pipeline, holding the same values."""
    def change(f):
        old = f["counts"]
        values, chunks = old[...], old.chunks
        new_dtype = dtype or old.dtype
        new_shape = shape(old.shape) if shape else old.shape
        if shape:
            chunks = (min(chunks[0], new_shape[0]), min(chunks[1], new_shape[1]))
        pipeline = filters or {"compression": old.compression, "shuffle": old.shuffle}
        del f["counts"]
        new = f.create_dataset("counts", shape=new_shape, dtype=new_dtype, chunks=chunks, **pipeline)
        rows, cols = min(values.shape[0], new_shape[0]), min(values.shape[1], new_shape[1])
        new[:rows, :cols] = values[:rows, :cols].astype(new_dtype)
    return change


def corrupt_bytes(offset_of, count=16):
    """Overwrites count bytes at the file offset that offset_of(file) finds, after closing it."""
    def change(path):
        with h5py.File(path, "r") as f:
            where = offset_of(f)
        with open(path, "r+b") as raw:
            raw.seek(where)
            raw.write(bytes((0xA5 + 7 * i) & 0xFF for i in range(count)))
    change.raw = True
    return change


def counts_header(f):
    return h5py.h5o.get_info(f["counts"].id).addr + 24


def chunk_at_row_128(f):
    info = f["counts"].id.get_chunk_info_by_coord((128, 0))
    return info.byte_offset + info.size // 2


CASES = {
    "xleft-array": replace_attribute("xleft", np.full(1000, -2.0)),
    "fractal-strings": replace_attribute("fractal", np.array([b"mandelbrot"] * 1000)),
    "itermax-huge": replace_attribute("itermax", np.arange(100000, dtype=np.uint32)),
    "rows-complete-huge": replace_attribute("rows_complete", np.arange(100000, dtype=np.uint64)),
    "rows-complete-signed": replace_attribute("rows_complete", np.int64(256)),
    "status-number": replace_attribute("status", np.int64(1)),
    "width-float": replace_attribute("width", np.float64(2048)),
    "fractal-vlen-julia": replace_attribute("fractal", "julia"),
    "fractal-escapes": replace_attribute("fractal", np.bytes_(b"\x1b[2Jjulia\nmpifractal: ok")),
    "strings-vlen": all_strings_variable_length,
    "counts-uint16": remake_counts(dtype=np.uint16),
    "counts-float64": remake_counts(dtype=np.float64),
    "counts-fletcher32": remake_counts(compression="gzip", shuffle=True, fletcher32=True),
    "counts-gzip-only": remake_counts(compression="gzip"),
    "counts-extra-rows": remake_counts(shape=lambda s: (s[0] + 128, s[1])),
    "counts-extra-columns": remake_counts(shape=lambda s: (s[0], s[1] + 8)),
    "counts-header": corrupt_bytes(counts_header),
    "counts-chunk": corrupt_bytes(chunk_at_row_128, 64),
}


def main():
    case, path = sys.argv[1], sys.argv[2]
    change = CASES[case]
    if getattr(change, "raw", False):
        change(path)
    else:
        with h5py.File(path, "r+") as f:
            change(f)


if __name__ == "__main__":
    main()
