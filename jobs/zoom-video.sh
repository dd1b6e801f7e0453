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

# The frames: PREFIX-NUMBER.png, with nothing else after the number (the prefix is
# taken as it is: a * or [ in it is no pattern), in the order of their numbers.
frames=$(mktemp "${TMPDIR:-/tmp}/zoom-video.XXXXXX")
trap 'rm -f "$frames"' EXIT
for file in "$prefix"-[0-9]*.png; do
    number=${file#"$prefix"-}
    number=${number%.png}
    case "$number" in '' | *[!0-9]*) continue ;; esac
    printf '%s %s\n' "$number" "$file"
done | sort -n -k 1,1 > "$frames"
count=$(wc -l < "$frames")
if [ "$count" -eq 0 ]; then
    echo "$me: no frames named $prefix-NNNN.png" >&2
    exit 2
fi
# A missing number is a frame that was not rendered (a failed array task): say which.
missing=$(awk '{ n = $1 + 0; for (k = expected; k < n; k++) printf " %d", k; expected = n + 1 }' expected=0 "$frames")
if [ -n "$missing" ]; then
    echo "$me: warning: frames missing:$missing (render them, e.g. sbatch --array=... jobs/slurm-zoom.sbatch JOBFILE --continue);" \
        "the video skips them" >&2
fi
echo "$me: $count frames at $fps per second into $output" >&2
# The frame files, for ImageMagick ("$@") and for ffmpeg's concat demuxer: one
# "file 'NAME'" each (a ' in NAME written '\''), each shown 1/fps s.
set --
while read -r number file; do set -- "$@" "$file"; done < "$frames"
concat=$frames.ffconcat
trap 'rm -f "$frames" "$concat"' EXIT
duration=$(awk "BEGIN { printf \"%.6f\", 1 / $fps }")
{
    echo "ffconcat version 1.0"
    for file in "$@"; do
        case "$file" in /*) ;; *) file=$PWD/$file ;; esac
        printf "file '%s'\nduration %s\n" "$(printf '%s' "$file" | sed "s/'/'\\\\''/g")" "$duration"
    done
} > "$concat"
encode() { # ffmpeg output options...
    ffmpeg -loglevel error -y -f concat -safe 0 -i "$concat" -r "$fps" "$@"
}

case "$output" in
*.gif)
    if [ $have_magick = 1 ]; then
        # -delay is in hundredths of a second; -loop 0 repeats for ever
        convert -delay $(((100 + fps / 2) / fps)) -loop 0 "$@" "$output"
    else
        encode "$output"
    fi
    ;;
*)
    # yuv420p plays everywhere but needs even sizes: pad the frame by one row or column if needed
    encode -vf 'pad=ceil(iw/2)*2:ceil(ih/2)*2' -c:v libx264 -pix_fmt yuv420p "$output"
    ;;
esac
echo "$me: wrote $output" >&2
