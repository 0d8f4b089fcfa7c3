#!/bin/sh
# Makes stream.webm, the video the fake Stash streams for every scene and marker: ten minutes at
# 2 frames a second, 320x180, VP8, with the playing time burned in so a test (or an eye on a
# screenshot) can tell where a seek landed. Needs ffmpeg; the result is committed, so CI does not.
set -eu
cd "$(dirname "$0")"
ffmpeg -y -loglevel error -f lavfi -i "color=c=0x2c3e50:s=320x180:r=2:d=600" \
  -vf "drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf:fontsize=40:fontcolor=white:x=(w-tw)/2:y=(h-th)/2:text='%{pts\:hms}'" \
  -c:v libvpx -b:v 0 -crf 50 -g 600 -an stream.webm
ls -l stream.webm
