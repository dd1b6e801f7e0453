#!/bin/sh
# jobs/zoom-video.sh - joins the PNG frames of a zoom sequence into a video (ffmpeg) or an animated GIF (ImageMagick).
#
# Usage: jobs/zoom-video.sh PREFIX [OUTPUT] [FRAMES_PER_SECOND]
#   PREFIX  the frames' name before the number: zoom for zoom-0000.png, zoom-0001.png, ...
#   OUTPUT  the file to write [PREFIX.mp4 with ffmpeg, else PREFIX.gif]; a name
#           ending in .gif makes an animated GIF, anything else a video (ffmpeg, H.264)
#   FRAMES_PER_SECOND  [12]
# Needs ffmpeg (apt-get install ffmpeg) or, for a GIF, ImageMagick
# (apt-get install imagemagick); says so and exits 1 when neither is installed.
set -eu
me=zoom-video.sh
if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 PREFIX [OUTPUT] [FRAMES_PER_SECOND]" >&2
    exit 2
fi
prefix=$1
output=${2:-}
fps=${3:-12}
case "$fps" in '' | *[!0-9]* | 0*) echo "$me: frames per second must be a whole number above 0, not '$fps'" >&2; exit 2 ;; esac

have_ffmpeg=0
have_magick=0
command -v ffmpeg >/dev/null 2>&1 && have_ffmpeg=1
# ImageMagick's own convert, not another program of that name
convert -version 2>/dev/null | grep -q '^Version: ImageMagick' && have_magick=1
if [ $have_ffmpeg = 0 ] && [ $have_magick = 0 ]; then
    echo "$me: neither ffmpeg nor ImageMagick is installed, so no video was made;" \
        "install one: apt-get install ffmpeg (or imagemagick, for an animated GIF)" >&2
    exit 1
fi
if [ -z "$output" ]; then
    if [ $have_ffmpeg = 1 ]; then output=$prefix.mp4; else output=$prefix.gif; fi
fi
case "$output" in
*.gif) ;;
*)
    if [ $have_ffmpeg = 0 ]; then
        echo "$me: a video needs ffmpeg (apt-get install ffmpeg); ImageMagick alone makes a GIF: name the output .gif" >&2
        exit 1
    fi
    ;;
esac

# The frames in order: the numbers are zero-padded, so the shell's sorted list is frame order.
set -- "$prefix"-[0-9][0-9][0-9][0-9]*.png
if [ ! -e "$1" ]; then
    echo "$me: no frames named $prefix-NNNN.png" >&2
    exit 2
fi
echo "$me: $# frames at $fps per second into $output" >&2

case "$output" in
*.gif)
    if [ $have_magick = 1 ]; then
        # -delay is in hundredths of a second; -loop 0 repeats for ever
        convert -delay $(((100 + fps / 2) / fps)) -loop 0 "$@" "$output"
    else
        ffmpeg -loglevel error -y -framerate "$fps" -pattern_type glob -i "$prefix-[0-9]*.png" "$output"
    fi
    ;;
*)
    # yuv420p plays everywhere but needs even sizes: pad the frame by one row or column if needed
    ffmpeg -loglevel error -y -framerate "$fps" -pattern_type glob -i "$prefix-[0-9]*.png" \
        -vf 'pad=ceil(iw/2)*2:ceil(ih/2)*2' -c:v libx264 -pix_fmt yuv420p "$output"
    ;;
esac
echo "$me: wrote $output" >&2
